from django.urls import path

from .views import personnel

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
    ),
]

#: Public pages, mounted at the site root by sapat/urls.py (no login).
public_urlpatterns = [
    path("experts/", personnel.experts_public, name="experts_public"),
    path("experts/<int:pk>/cv/", personnel.experts_public_cv, name="experts_public_cv"),
]
