from django.urls import path

from sapat.imports import import_urls

from . import views
from .imports import NomenclatureItemImporter

app_name = "records"

urlpatterns = [
    path("", views.index, name="index"),
    path("nomenclature/new/", views.nomenclature_create, name="nomenclature_create"),
    path(
        "nomenclature/<int:year>/",
        views.nomenclature_detail,
        name="nomenclature_detail",
    ),
    path(
        "nomenclature/<int:year>/sections/new/",
        views.section_create,
        name="section_create",
    ),
    path("nomenclature/<int:year>/items/new/", views.item_create, name="item_create"),
    *import_urls(
        NomenclatureItemImporter,
        route="nomenclature/<int:year>/items/import/",
        name="item_import",
    ),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("all/", views.record_list, name="record_list"),
    path("new/", views.record_create, name="record_create"),
    path("due/", views.records_due, name="records_due"),
    path("<int:pk>/", views.record_detail, name="record_detail"),
    path("files/<int:pk>/", views.record_file_download, name="record_file"),
    path("acts/", views.act_list, name="act_list"),
    path("acts/new/", views.act_create, name="act_create"),
    path("acts/<int:pk>/", views.act_detail, name="act_detail"),
]
