from django.urls import path

from sapat.imports import import_urls

from .imports import ExpertImporter
from .views import personnel, seminars

app_name = "training"

urlpatterns = [
    path("", personnel.index, name="index"),
    # Competences, fields of expertise, posts
    path("competences/", personnel.competence_list, name="competence_list"),
    path("competences/new/", personnel.competence_create, name="competence_create"),
    path(
        "competences/<int:pk>/", personnel.competence_detail, name="competence_detail"
    ),
    path(
        "competences/<int:pk>/edit/", personnel.competence_edit, name="competence_edit"
    ),
    path("areas/", personnel.area_list, name="area_list"),
    path("areas/new/", personnel.area_create, name="area_create"),
    path("areas/<int:pk>/edit/", personnel.area_edit, name="area_edit"),
    path("posts/", personnel.post_list, name="post_list"),
    path("posts/new/", personnel.post_create, name="post_create"),
    path("posts/<int:pk>/", personnel.post_detail, name="post_detail"),
    path("posts/<int:pk>/edit/", personnel.post_edit, name="post_edit"),
    path(
        "posts/<int:pk>/requirements/",
        personnel.requirement_set,
        name="requirement_set",
    ),
    path(
        "requirements/<int:pk>/remove/",
        personnel.requirement_remove,
        name="requirement_remove",
    ),
    # Staff files
    path("staff/", personnel.employee_list, name="employee_list"),
    path("staff/new/", personnel.employee_hire, name="employee_hire"),
    path("staff/<int:pk>/", personnel.employee_detail, name="employee_detail"),
    path("staff/<int:pk>/edit/", personnel.employee_edit, name="employee_edit"),
    path(
        "staff/<int:pk>/trainings/new/",
        personnel.training_create,
        name="training_create",
    ),
    path(
        "staff/<int:pk>/competences/",
        personnel.competence_held_set,
        name="competence_held_set",
    ),
    path(
        "staff/<int:pk>/deactivate/",
        personnel.employee_deactivate,
        name="employee_deactivate",
    ),
    path(
        "staff/<int:pk>/induction/new/",
        personnel.induction_start,
        name="induction_start",
    ),
    path(
        "trainings/<int:pk>/certificate/",
        personnel.certificate_download,
        name="certificate_download",
    ),
    path("matrix/", personnel.competence_matrix, name="competence_matrix"),
    path("matrix.csv", personnel.competence_matrix_csv, name="competence_matrix_csv"),
    # Experts
    path("experts/", personnel.expert_list, name="expert_list"),
    path("experts/new/", personnel.expert_create, name="expert_create"),
    *import_urls(ExpertImporter, route="experts/import/", name="expert_import"),
    path("experts/<int:pk>/", personnel.expert_detail, name="expert_detail"),
    path("experts/<int:pk>/edit/", personnel.expert_edit, name="expert_edit"),
    path("experts/<int:pk>/cv/", personnel.expert_cv, name="expert_cv"),
    path("experts/<int:pk>/areas/", personnel.expert_area_set, name="expert_area_set"),
    path(
        "experts/levels/<int:pk>/remove/",
        personnel.expert_area_remove,
        name="expert_area_remove",
    ),
    path(
        "experts/<int:pk>/conflicts/",
        personnel.conflict_declare,
        name="conflict_declare",
    ),
    # Attestation, needs, plan
    path("attestations/", personnel.attestation_list, name="attestation_list"),
    path("attestations/new/", personnel.attestation_create, name="attestation_create"),
    path(
        "attestations/<int:pk>/",
        personnel.attestation_detail,
        name="attestation_detail",
    ),
    path(
        "attestations/<int:pk>/edit/",
        personnel.attestation_edit,
        name="attestation_edit",
    ),
    path(
        "attestations/<int:pk>/send/",
        personnel.attestation_send,
        name="attestation_send",
    ),
    path(
        "attestations/<int:pk>/needs/",
        personnel.attestation_need_add,
        name="attestation_need_add",
    ),
    path("needs/", personnel.need_list, name="need_list"),
    path("needs/new/", personnel.need_create, name="need_create"),
    path("plans/", personnel.plan_list, name="plan_list"),
    path("plans/new/", personnel.plan_create, name="plan_create"),
    path("plans/<int:year>/", personnel.plan_detail, name="plan_detail"),
    path("plans/<int:year>/items/new/", personnel.plan_item_add, name="plan_item_add"),
    path(
        "plans/<int:year>/from-needs/",
        personnel.plan_from_needs,
        name="plan_from_needs",
    ),
    path(
        "plan-items/<int:pk>/cancel/",
        personnel.plan_item_cancel,
        name="plan_item_cancel",
    ),
    path(
        "plan-items/<int:pk>/remove/",
        personnel.plan_item_remove,
        name="plan_item_remove",
    ),
    # Induction
    path("inductions/", personnel.induction_list, name="induction_list"),
    path("inductions/<int:pk>/", personnel.induction_detail, name="induction_detail"),
    path(
        "inductions/<int:pk>/checklist/",
        personnel.induction_checklist,
        name="induction_checklist",
    ),
    path(
        "inductions/<int:pk>/briefings/<str:kind>/",
        personnel.briefing_sign,
        name="briefing_sign",
    ),  # Corporate training (ПК-03)
    path("requests/", seminars.request_list, name="request_list"),
    path("requests/new/", seminars.request_create, name="request_create"),
    path("requests/<int:pk>/", seminars.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", seminars.request_edit, name="request_edit"),
    path("requests/<int:pk>/decide/", seminars.request_decide, name="request_decide"),
    path(
        "indicative-plans/",
        seminars.indicative_plan_list,
        name="indicative_plan_list",
    ),
    path("programmes/", seminars.programme_list, name="programme_list"),
    path("programmes/new/", seminars.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", seminars.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", seminars.programme_edit, name="programme_edit"),
    path("programmes/<int:pk>/topics/", seminars.topic_add, name="topic_add"),
    path(
        "programmes/<int:pk>/verify/",
        seminars.programme_verify,
        name="programme_verify",
    ),
    path("topics/<int:pk>/remove/", seminars.topic_remove, name="topic_remove"),
    path("seminars/", seminars.seminar_list, name="seminar_list"),
    path("seminars/calendar/", seminars.seminar_calendar, name="seminar_calendar"),
    path("seminars/new/", seminars.seminar_create, name="seminar_create"),
    path(
        "seminars/validation/",
        seminars.validation_record,
        name="validation_record",
    ),
    path("seminars/<int:pk>/", seminars.seminar_detail, name="seminar_detail"),
    path("seminars/<int:pk>/edit/", seminars.seminar_edit, name="seminar_edit"),
    path("seminars/<int:pk>/status/", seminars.seminar_move, name="seminar_move"),
    path("seminars/<int:pk>/days/", seminars.day_add, name="day_add"),
    path(
        "seminars/<int:pk>/participants/",
        seminars.participant_add,
        name="participant_add",
    ),
    path("seminars/<int:pk>/handouts/", seminars.handout_add, name="handout_add"),
    path("seminars/<int:pk>/tests/", seminars.seminar_test_create, name="test_create"),
    path("seminars/<int:pk>/review/", seminars.review_write, name="review_write"),
    path(
        "seminars/<int:pk>/evaluation/close/",
        seminars.evaluations_close,
        name="evaluations_close",
    ),
    path(
        "seminars/<int:pk>/certificates/",
        seminars.certificates_issue,
        name="certificates_issue",
    ),
    path(
        "seminars/<int:pk>/certificates.zip",
        seminars.certificates_zip,
        name="certificates_zip",
    ),
    path(
        "seminar-days/<int:pk>/attendance/",
        seminars.attendance_set,
        name="attendance_set",
    ),
    path("seminar-days/<int:pk>/topics/", seminars.topics_mark, name="topics_mark"),
    path(
        "participants/<int:pk>/certificate/",
        seminars.certificate_issue,
        name="certificate_issue",
    ),
    path("handouts/<int:pk>/damaged/", seminars.damaged_log, name="damaged_log"),
    path("handouts/<int:pk>/revise/", seminars.handout_revise, name="handout_revise"),
    path("handouts/<int:pk>/memos/", seminars.memo_submit, name="memo_submit"),
    path("memos/<int:pk>/decide/", seminars.memo_decide, name="memo_decide"),
    path("tests/<int:pk>/", seminars.seminar_test_detail, name="test_detail"),
]

#: Public pages, mounted at the site root by sapat/urls.py (no login).
public_urlpatterns = [
    path("experts/", personnel.experts_public, name="experts_public"),
    path("experts/<int:pk>/cv/", personnel.experts_public_cv, name="experts_public_cv"),
    path(
        "seminar-evaluation/<str:token>/",
        seminars.seminar_evaluate,
        name="seminar_evaluate",
    ),
]
