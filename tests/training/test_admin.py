"""The admin of personnel: every list opens; signed objects are approved there."""

import datetime

import pytest
from django.urls import reverse

from tests.training.factories import (
    EmployeeFactory,
    ExpertAreaFactory,
    RequirementFactory,
)
from training import services
from training.models import Attestation

pytestmark = pytest.mark.django_db

MODELS = [
    "attestation",
    "stafftrainingplan",
    "expert",
    "post",
    "employee",
    "induction",
    "briefing",
    "planitem",
    "trainingneed",
    "competence",
    "expertisearea",
    "trainingtaken",
    "competenceheld",
    "conflictofinterest",
]


def test_admin_lists_and_approvable_pages_open(client, director, organisation):
    director.is_superuser = True
    director.save()
    attestation = services.attestation_create(
        actor=director,
        employee=EmployeeFactory(),
        date=datetime.date(2026, 3, 1),
        commission=[director],
        result=Attestation.Result.MEETS,
    )
    plan = services.plan_create(actor=director, year=2026)
    ExpertAreaFactory()
    RequirementFactory()
    client.force_login(director)
    for model in MODELS:
        url = reverse(f"admin:training_{model}_changelist")
        assert client.get(url).status_code == 200, model
    for obj, model in ((attestation, "attestation"), (plan, "stafftrainingplan")):
        url = reverse(f"admin:training_{model}_change", args=[obj.pk])
        assert client.get(url).status_code == 200
