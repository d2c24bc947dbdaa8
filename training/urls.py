from django.urls import path

from sapat.views import procedure_index

app_name = "training"

urlpatterns = [
    path("", procedure_index, {"app_label": "training"}, name="index"),
]
