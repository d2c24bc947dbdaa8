from django.urls import path

from sapat.imports import import_urls

from . import views
from .imports import ClientImporter

app_name = "projects"

urlpatterns = [
    path("", views.index, name="index"),
    path("all/", views.project_list, name="project_list"),
    path("new/", views.project_create, name="project_create"),
    path("timeline/", views.timeline, name="timeline"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("my-tasks/", views.my_tasks, name="my_tasks"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("<int:pk>/complexity/", views.project_complexity, name="project_complexity"),
    path("<int:pk>/team/add/", views.team_add, name="team_add"),
    path("team/<int:pk>/remove/", views.team_remove, name="team_remove"),
    path("<int:pk>/stages/<int:stage_pk>/", views.stage_edit, name="stage_edit"),
    path(
        "<int:pk>/stages/<int:stage_pk>/finish/",
        views.stage_finish,
        name="stage_finish",
    ),
    path("<int:pk>/close/", views.project_close, name="project_close"),
    path("<int:pk>/cancel/", views.project_cancel, name="project_cancel"),
    path("<int:pk>/tasks/new/", views.task_add, name="task_add"),
    path("items/<int:pk>/status/", views.item_status, name="item_status"),
    path(
        "<int:pk>/property/new/",
        views.client_document_create,
        name="client_document_create",
    ),
    path("property/", views.client_document_list, name="client_document_list"),
    path(
        "property/<int:pk>/",
        views.client_document_detail,
        name="client_document_detail",
    ),
    path(
        "property/<int:pk>/return/",
        views.client_document_return,
        name="client_document_return",
    ),
    path(
        "property/<int:pk>/download/",
        views.client_document_download,
        name="client_document_download",
    ),
    path(
        "<int:pk>/deliverables/new/",
        views.deliverable_create,
        name="deliverable_create",
    ),
    path("reports/<int:pk>/", views.deliverable_detail, name="deliverable_detail"),
    path("reports/<int:pk>/edit/", views.deliverable_edit, name="deliverable_edit"),
    path(
        "reports/<int:pk>/revise/", views.deliverable_revise, name="deliverable_revise"
    ),
    path(
        "reports/<int:pk>/client-signature/",
        views.client_signature_add,
        name="client_signature_add",
    ),
    path(
        "reports/<int:pk>/download/",
        views.deliverable_download,
        name="deliverable_download",
    ),
    path("clients/", views.client_list, name="client_list"),
    path("clients/new/", views.client_create, name="client_create"),
    *import_urls(ClientImporter, route="clients/import/", name="client_import"),
    path("clients/<int:pk>/", views.client_detail, name="client_detail"),
    path("clients/<int:pk>/edit/", views.client_edit, name="client_edit"),
    path("clients/<int:pk>/contacts/new/", views.contact_add, name="contact_add"),
    path(
        "clients/<int:pk>/log/new/",
        views.communication_add,
        name="communication_add",
    ),
    path("clients/<int:pk>/reviews/new/", views.review_create, name="review_create"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path(
        "clients/<int:pk>/contracts/new/",
        views.contract_create,
        name="contract_create",
    ),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/send/", views.contract_send, name="contract_send"),
    path(
        "contracts/<int:pk>/download/",
        views.contract_download,
        name="contract_download",
    ),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path(
        "meetings/<int:pk>/decisions/new/",
        views.decision_add,
        name="decision_add",
    ),
    path("decisions/<int:pk>/status/", views.decision_move, name="decision_move"),
    path(
        "decisions/<int:pk>/preventive/",
        views.decision_preventive,
        name="decision_preventive",
    ),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/items/new/", views.plan_item_add, name="plan_item_add"),
]
