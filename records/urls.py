from django.urls import path

from sapat.views import procedure_index

app_name = "records"

urlpatterns = [
    path("", procedure_index, {"app_label": "records"}, name="index"),
]
