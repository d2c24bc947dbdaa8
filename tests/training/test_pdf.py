"""The signed PDFs of personnel: the attestation sheet and the yearly plan."""

import datetime
import io

import pytest
from pypdf import PdfReader

from sapat.signing.pdf import render_pdf
from sapat.signing.services import manifest
from tests.training.factories import EmployeeFactory
from training import services
from training.models import Attestation

pytestmark = pytest.mark.django_db


def _render(obj) -> str:
    data = render_pdf(
        obj.pdf_template,
        {
            "object": obj,
            "title": str(obj),
            "signatures": manifest(obj),
            "verify_url": "https://sapat.example/verify/X/",
            "verify_code": "X",
            "revision": 1,
            "controlled": True,
            **obj.pdf_context(),
        },
    )
    reader = PdfReader(io.BytesIO(data))
    return " ".join(page.extract_text() for page in reader.pages)


def test_attestation_pdf_names_the_person_result_and_needs(make_user):
    deputy = make_user("deputy_director")
    employee = EmployeeFactory(user__full_name="Токтосунов Азамат")
    attestation = services.attestation_create(
        actor=deputy,
        employee=employee,
        date=datetime.date(2026, 3, 1),
        commission=[deputy],
        result=Attestation.Result.TRAINING,
    )
    services.need_add(actor=deputy, attestation=attestation, topic="Педагогика")
    text = _render(attestation)
    assert "Токтосунов Азамат" in text
    assert "Педагогика" in text


def test_plan_pdf_lists_its_trainings(make_user):
    deputy = make_user("deputy_director")
    plan = services.plan_create(actor=deputy, year=2026)
    for n in range(3):
        services.plan_item_add(
            actor=deputy,
            plan=plan,
            employee=EmployeeFactory(),
            topic=f"Окутуу {n}",
            planned_on=datetime.date(2026, 4, n + 1),
            responsible=deputy,
        )
    text = _render(plan)
    assert all(f"Окутуу {n}" in text for n in range(3))
