from django.urls import path

from . import views

app_name = "capa"

urlpatterns = [
    path("", views.index, name="index"),
    path("nonconformities/", views.nonconformity_list, name="nonconformity_list"),
    path(
        "nonconformities/new/",
        views.nonconformity_create,
        name="nonconformity_create",
    ),
    path(
        "nonconformities/<int:pk>/",
        views.nonconformity_detail,
        name="nonconformity_detail",
    ),
    path(
        "nonconformities/<int:pk>/edit/",
        views.nonconformity_edit,
        name="nonconformity_edit",
    ),
    path(
        "nonconformities/<int:pk>/contain/",
        views.nonconformity_contain,
        name="nonconformity_contain",
    ),
    path(
        "nonconformities/<int:pk>/analyse/",
        views.nonconformity_analyse,
        name="nonconformity_analyse",
    ),
    path(
        "nonconformities/<int:pk>/reject/",
        views.nonconformity_reject,
        name="nonconformity_reject",
    ),
    path(
        "nonconformities/<int:pk>/close/",
        views.nonconformity_close,
        name="nonconformity_close",
    ),
    path(
        "nonconformities/<int:pk>/evidence/",
        views.evidence_add,
        name="evidence_add",
    ),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/new/", views.action_create, name="action_create"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/tasks/new/", views.task_add, name="task_add"),
    path("tasks/<int:pk>/mark/", views.task_mark, name="task_mark"),
    path("actions/<int:pk>/start/", views.action_start, name="action_start"),
    path(
        "actions/<int:pk>/implement/", views.action_implement, name="action_implement"
    ),
    path("actions/<int:pk>/check/", views.action_check, name="action_check"),
    path(
        "actions/<int:pk>/manual-review/",
        views.action_manual_review,
        name="action_manual_review",
    ),
    path("actions/<int:pk>/pdf/", views.action_pdf, name="action_pdf"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/refresh/", views.plan_refresh, name="plan_refresh"),
    path("summary/", views.summary, name="summary"),
]
