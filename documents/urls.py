from django.urls import path

from sapat.views import procedure_index

app_name = "documents"

urlpatterns = [
    path("", procedure_index, {"app_label": "documents"}, name="index"),
]
