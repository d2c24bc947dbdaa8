from django.urls import path

from . import views

app_name = "signing"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("steps/<int:pk>/sign/", views.step_sign, name="step_sign"),
    path("steps/<int:pk>/return/", views.step_return, name="step_return"),
    path(
        "start/<int:content_type_id>/<int:object_id>/",
        views.route_start,
        name="route_start",
    ),
    path("routes/<int:pk>/cancel/", views.route_cancel, name="route_cancel"),
    path("pdf/<int:pk>/status/", views.pdf_status, name="pdf_status"),
    path("pdf/<int:pk>/download/", views.pdf_download, name="pdf_download"),
    path("delegations/", views.delegations, name="delegations"),
    path(
        "delegations/<int:pk>/revoke/",
        views.delegation_revoke,
        name="delegation_revoke",
    ),
]

public_urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
]
