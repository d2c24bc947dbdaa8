from django.urls import path

from sapat.views import procedure_index

app_name = "audits"

urlpatterns = [
    path("", procedure_index, {"app_label": "audits"}, name="index"),
]
