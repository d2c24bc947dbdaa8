from django.urls import path

from . import views

app_name = "audits"

urlpatterns = [
    path("", views.index, name="index"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<int:year>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:year>/edit/", views.programme_edit, name="programme_edit"),
    path("programmes/<int:year>/audits/new/", views.audit_create, name="audit_create"),
    path("all/", views.audit_list, name="audit_list"),
    path("<int:pk>/", views.audit_detail, name="audit_detail"),
    path("<int:pk>/plan/", views.audit_send_plan, name="audit_send_plan"),
    path("<int:pk>/start/", views.audit_start, name="audit_start"),
    path("<int:pk>/cancel/", views.audit_cancel, name="audit_cancel"),
    path("<int:pk>/findings/new/", views.finding_add, name="finding_add"),
    path("<int:pk>/report/", views.audit_report, name="audit_report"),
    path("items/<int:pk>/answer/", views.checklist_answer, name="checklist_answer"),
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/new/", views.review_create, name="review_create"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("reviews/<int:pk>/inputs/", views.review_inputs, name="review_inputs"),
    path("reviews/<int:pk>/hold/", views.review_hold, name="review_hold"),
    path("reviews/<int:pk>/close/", views.review_close, name="review_close"),
    path("reviews/<int:pk>/decisions/new/", views.decision_add, name="decision_add"),
    path("decisions/", views.decision_list, name="decision_list"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/action/", views.decision_action, name="decision_action"),
    path("decisions/<int:pk>/manual/", views.decision_manual, name="decision_manual"),
    path(
        "decisions/<int:pk>/<str:status>/",
        views.decision_move,
        name="decision_move",
    ),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("assessments/", views.assessment_list, name="assessment_list"),
    path("assessments/criteria/seed/", views.criteria_seed, name="criteria_seed"),
    path("assessments/new/", views.assessment_create, name="assessment_create"),
    path("assessments/<int:year>/", views.assessment_detail, name="assessment_detail"),
    path("scores/<int:pk>/", views.score_edit, name="score_edit"),
    path("scores/<int:pk>/action/", views.score_action, name="score_action"),
]
