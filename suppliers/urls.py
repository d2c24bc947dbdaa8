from django.urls import path

from sapat.imports import import_urls

from . import views
from .imports import SupplierImporter

app_name = "suppliers"

urlpatterns = [
    path("", views.index, name="index"),
    path("all/", views.supplier_list, name="supplier_list"),
    path("new/", views.supplier_create, name="supplier_create"),
    *import_urls(SupplierImporter, route="import/", name="import"),
    path("<int:pk>/", views.supplier_detail, name="supplier_detail"),
    path("<int:pk>/edit/", views.supplier_edit, name="supplier_edit"),
    path("<int:pk>/documents/new/", views.document_add, name="document_add"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path(
        "<int:pk>/evaluate/<str:category>/",
        views.evaluation_create,
        name="evaluation_create",
    ),
    path("criteria/", views.criteria, name="criteria"),
    path("criteria/<str:category>/", views.criteria_edit, name="criteria_edit"),
    path("requirements/", views.requirements, name="requirements"),
    path("lists/", views.list_index, name="list_index"),
    path("lists/compile/", views.list_compile, name="list_compile"),
    path("lists/<int:year>/", views.list_detail, name="list_detail"),
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("proposals/new/", views.proposal_create, name="proposal_create"),
    path("proposals/<int:pk>/decide/", views.proposal_decide, name="proposal_decide"),
    path("trainers/", views.trainers, name="trainers"),
    path("trainers/review/", views.review_create, name="review_create"),
    path("trainers/reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("purchases/", views.purchase_list, name="purchase_list"),
    path("purchases/new/", views.purchase_create, name="purchase_create"),
    path("purchases/<int:pk>/", views.purchase_detail, name="purchase_detail"),
    path("purchases/<int:pk>/order/", views.purchase_order, name="purchase_order"),
    path("purchases/<int:pk>/verify/", views.purchase_verify, name="purchase_verify"),
    path("purchases/<int:pk>/cancel/", views.purchase_cancel, name="purchase_cancel"),
    path("analysis/", views.analysis, name="analysis"),
]
