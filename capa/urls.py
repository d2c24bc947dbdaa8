from django.urls import path

from sapat.views import procedure_index

app_name = "capa"

urlpatterns = [
    path("", procedure_index, {"app_label": "capa"}, name="index"),
]
