from django.urls import path

from sapat.views import procedure_index

app_name = "suppliers"

urlpatterns = [
    path("", procedure_index, {"app_label": "suppliers"}, name="index"),
]
