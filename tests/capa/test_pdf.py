"""The signed PDFs of CAPA: the action report, the nonconformity, the plan."""

import io

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from pypdf import PdfReader

from capa import services
from capa.models import ActionKind, NonconformityStatus, Source
from sapat.signing.models import SignedPDF
from sapat.signing.pdf import render_pdf, sign_pdf, verify_pdf
from sapat.signing.selectors import pdfs_of
from sapat.signing.services import manifest, signed_pdf_queue, signed_pdf_render
from tests.accounts.factories import TEST_PASSWORD
from tests.capa.factories import (
    ActionFactory,
    ActionTaskFactory,
    CapaPlanFactory,
    NonconformityFactory,
)

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def render(obj, **context) -> bytes:
    """The PDF the signing pipeline makes, in Kyrgyz as it always is."""
    with translation.override("ky"):
        return render_pdf(
            obj.pdf_template,
            {
                "object": obj,
                "title": str(obj),
                "signatures": manifest(obj),
                "verify_url": "https://sapat.example/verify/ABCD-2345/",
                "verify_code": "ABCD-2345",
                "document_code": obj.document_code,
                "revision": 1,
                "controlled": True,
                **obj.pdf_context(),
                **context,
            },
        )


def signed_text(obj) -> str:
    signed = sign_pdf(render(obj), reason="Кол коюлду")
    check = verify_pdf(signed)
    assert check.intact
    assert check.by_us
    return pdf_text(signed)


@pytest.fixture
def closed_action(make_user, organisation):
    """A corrective action taken through every step, signed at each."""
    manager = make_user("quality_manager", full_name="Сапарова Гүлнур")
    owner = make_user("staff", full_name="Өмүрбеков Үсөн")
    nc = services.nonconformity_raise(
        actor=owner,
        source=Source.STAFF,
        description="Семинардын сертификаттары кечигип берилди",
    )
    services.nonconformity_contain(
        nonconformity=nc,
        actor=manager,
        containment="Сертификаттар кайра басылды",
        disposition="correct",
        password=TEST_PASSWORD,
    )
    services.nonconformity_analyse(nonconformity=nc, actor=manager)
    today = timezone.localdate()
    action = services.action_create(
        actor=manager,
        kind=ActionKind.CORRECTIVE,
        title="Сертификаттарды басуунун мөөнөтүн киргизүү",
        owner=owner,
        due_date=today,
        check_due=today,
        checker=manager,
        nonconformities=[nc],
        why_1="Басуу кечикти",
        why_2="Мөөнөт белгиленген эмес",
        cause_category="method",
        root_cause="Жол-жободо мөөнөт жок",
    )
    task = services.task_add(
        action=action,
        actor=owner,
        title="ПК-03 жол-жобосун өзгөртүү",
        owner=owner,
        due_date=today,
    )
    services.action_start(action=action, actor=owner, password=TEST_PASSWORD)
    services.task_mark(task=task, actor=owner, done=True)
    services.action_implement(
        action=action,
        actor=owner,
        note="Жол-жобо өзгөртүлдү",
        password=TEST_PASSWORD,
    )
    services.action_check(
        action=action,
        actor=manager,
        effective=True,
        result="Кийинки семинарда кечигүү болгон жок",
        password=TEST_PASSWORD,
    )
    action.refresh_from_db()
    return action


def test_action_report_renders_every_step_and_signs(pdf_keys, closed_action):
    text = signed_text(closed_action)
    nc = closed_action.nonconformities.get()
    for part in (
        closed_action.code,
        nc.code,
        "Басуу кечикти",
        "Жол-жободо мөөнөт жок",
        "ПК-03 жол-жобосун өзгөртүү",
        "Жол-жобо өзгөртүлдү",
        "Кийинки семинарда кечигүү болгон жок",
        "Өмүрбеков Үсөн",
        "Сапарова Гүлнур",
        "ABCD-2345",
    ):
        assert part in text, part
    with translation.override("ky"):
        assert gettext("Signatures") in text
        for signature in manifest(closed_action):
            assert signature.get_meaning_display() in text


def test_action_report_is_queued_and_rendered_by_the_pipeline(
    pdf_keys, closed_action, django_capture_on_commit_callbacks
):
    record = pdfs_of(closed_action).get()
    with django_capture_on_commit_callbacks(execute=True):
        signed_pdf_render(pdf_id=record.pk)
    record.refresh_from_db()
    assert record.status == SignedPDF.Status.READY, record.error
    with record.file.open("rb") as handle:
        text = pdf_text(handle.read())
    assert closed_action.code in text
    # Queuing the same version again makes no second PDF.
    assert signed_pdf_queue(obj=closed_action) == record


def test_action_report_of_a_planned_preventive_action(pdf_keys, organisation):
    action = ActionFactory(preventive=True, title="Тренерлердин алмашуусу ң ө ү")
    ActionTaskFactory(action=action, title="Резервдик тренерлерди даярдоо")
    text = signed_text(action)
    assert action.code in text
    assert "Материалдар кечигиши мүмкүн" in text
    assert "Резервдик тренерлерди даярдоо" in text


def test_nonconformity_report_renders_and_signs(pdf_keys, organisation):
    nc = NonconformityFactory(
        contained=True,
        source=Source.COMPLAINT,
        description="Кардардын даттануусу: отчет кечикти ң ө ү",
    )
    ActionFactory(nonconformities=[nc], title="Отчетторду өз убагында жөнөтүү")
    text = signed_text(nc)
    assert nc.code in text
    assert "Кардардын даттануусу: отчет кечикти" in text
    assert "Материалдар кайра жөнөтүлдү" in text
    assert "Отчетторду өз убагында жөнөтүү" in text
    assert nc.status == NonconformityStatus.CONTAINED


def test_plan_renders_its_rows_landscape_and_signs(pdf_keys, organisation):
    rows = [
        ActionFactory(title=f"Аракет ң ө ү № {n}", owner__full_name=f"Ээси {n}")
        for n in range(3)
    ]
    plan = CapaPlanFactory(actions=rows)
    signed = sign_pdf(render(plan), reason="Бекитилди")
    reader = PdfReader(io.BytesIO(signed))
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height
    text = pdf_text(signed)
    with translation.override("ky"):
        assert gettext("I APPROVE") in text
    assert organisation.director.full_name in text
    for action in rows:
        assert action.code in text
        assert action.title in text
        assert action.owner.full_name in text
        assert action.nonconformities.get().code in text
    assert verify_pdf(signed).intact
