from django.urls import path

from . import views

app_name = "quality"

urlpatterns = [
    path("", views.index, name="index"),
    path("policy/", views.policy_list, name="policy_list"),
    path("policy/new/", views.policy_create, name="policy_create"),
    path("policy/<int:pk>/", views.policy_detail, name="policy_detail"),
    path("policy/<int:pk>/edit/", views.policy_edit, name="policy_edit"),
    path("concepts/", views.concept_list, name="concept_list"),
    path("concepts/new/", views.concept_create, name="concept_create"),
    path("concepts/<int:pk>/", views.concept_detail, name="concept_detail"),
    path("concepts/<int:pk>/edit/", views.concept_edit, name="concept_edit"),
    path("objectives/", views.objective_list, name="objective_list"),
    path("objectives/new/", views.objective_create, name="objective_create"),
    path("objectives/<int:pk>/", views.objective_detail, name="objective_detail"),
    path("objectives/<int:pk>/edit/", views.objective_edit, name="objective_edit"),
    path("processes/", views.process_list, name="process_list"),
    path("processes/new/", views.process_create, name="process_create"),
    path("processes/<int:pk>/", views.process_detail, name="process_detail"),
    path("processes/<int:pk>/edit/", views.process_edit, name="process_edit"),
    path("indicators/", views.indicator_list, name="indicator_list"),
    path("indicators/new/", views.indicator_create, name="indicator_create"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("clauses/", views.clause_map, name="clause_map"),
]

public_urlpatterns = [
    path("quality-policy/", views.policy_public, name="quality_policy_public"),
    path("structure/", views.structure_public, name="structure_public"),
]
