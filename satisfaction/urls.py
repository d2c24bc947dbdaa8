from django.urls import path

from . import views

app_name = "satisfaction"

urlpatterns = [
    path("", views.index, name="index"),
    path("feedback/", views.feedback_list, name="feedback_list"),
    path("feedback/new/", views.feedback_register, name="feedback_register"),
    path("feedback/<int:pk>/", views.feedback_detail, name="feedback_detail"),
    path("feedback/<int:pk>/reply/", views.feedback_reply, name="feedback_reply"),
    path("feedback/<int:pk>/note/", views.feedback_note, name="feedback_note"),
    path("feedback/<int:pk>/assign/", views.feedback_assign, name="feedback_assign"),
    path("feedback/<int:pk>/move/", views.feedback_move, name="feedback_move"),
    path("feedback/<int:pk>/triage/", views.feedback_triage, name="feedback_triage"),
    path("feedback/<int:pk>/publish/", views.feedback_publish, name="feedback_publish"),
    path(
        "attachments/<int:pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("questionnaires/", views.questionnaire_list, name="questionnaire_list"),
    path(
        "questionnaires/new/",
        views.questionnaire_create,
        name="questionnaire_create",
    ),
    path(
        "questionnaires/<int:pk>/",
        views.questionnaire_detail,
        name="questionnaire_detail",
    ),
    path("surveys/", views.survey_list, name="survey_list"),
    path("surveys/new/", views.survey_create, name="survey_create"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey_detail"),
    path("summary/", views.summary, name="summary"),
]

#: Mounted at the root by ``sapat.urls``: open to anyone (``sapat.public``).
public_urlpatterns = [
    path("feedback/", views.feedback_form, name="feedback_public"),
    path("feedback/status/", views.feedback_status, name="feedback_status"),
    path("feedback/questions/", views.feedback_questions, name="feedback_questions"),
    path("survey/<str:token>/", views.survey_answer, name="survey_answer"),
]
