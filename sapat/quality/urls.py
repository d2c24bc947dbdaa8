from django.urls import path

from sapat.views import procedure_index

app_name = "quality"

urlpatterns = [
    path("", procedure_index, {"app_label": "quality"}, name="index"),
]
