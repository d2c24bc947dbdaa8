from django.urls import path

from sapat.views import procedure_index

app_name = "satisfaction"

urlpatterns = [
    path("", procedure_index, {"app_label": "satisfaction"}, name="index"),
]
