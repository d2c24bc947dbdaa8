from django.urls import path

from sapat.views import procedure_index

app_name = "projects"

urlpatterns = [
    path("", procedure_index, {"app_label": "projects"}, name="index"),
]
