"""Internal audit end to end (ДЖ-06): the programme approved by the director,
an audit planned with a qualified independent auditor, its checklist answered,
a nonconformity found and raised in CAPA, the report signed as a valid PDF."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from playwright.sync_api import expect

from audits.models import Audit, AuditProgramme, AuditStatus
from capa.models import Nonconformity
from sapat.quality.models import IsoClause
from sapat.signing.models import ApprovalStatus, SignedPDF
from tests.accounts.factories import TEST_PASSWORD, OrgUnitFactory, UserFactory
from tests.audits.factories import make_auditor
from tests.quality.factories import ProcessCardFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, base, user, next_url="/"):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.locator("button[type=submit].w-100").click()


def test_programme_audit_checklist_finding_capa_signed_report(
    live_server, page, organisation, director, pdf_keys, iso_clauses
):
    base = live_server.url
    manager = UserFactory(
        roles=["quality_manager"], full_name="Гүлнара Мамбетова", language="en"
    )
    lead = make_auditor(full_name="Айгүл Сейитова", language="en")
    audited = OrgUnitFactory(name_ky="Аккредитация бөлүмү")
    card = ProcessCardFactory(code="ПК-02", name="Аккредитация")
    clause = IsoClause.objects.get(edition="2015", number="8.2")

    # The quality manager starts this year's programme and plans an audit.
    _login(page, base, manager, "/audits/")
    page.get_by_test_id("programme-form").locator("input[name=year]").fill("2026")
    page.get_by_test_id("programme-save").click()
    page.get_by_test_id("audit-new").click()
    form = page.get_by_test_id("audit-form")
    form.locator("input[name=title]").fill("Аккредитация процессинин аудити")
    form.locator("select[name=processes]").select_option([str(card.pk)])
    form.locator("select[name=clauses]").select_option([str(clause.pk)])
    form.locator("select[name=units]").select_option([str(audited.pk)])
    form.locator("select[name=lead_auditor]").select_option(str(lead.pk))
    form.locator("input[name=start_date]").fill("2026-12-14")
    form.locator("input[name=end_date]").fill("2026-12-15")
    page.get_by_test_id("audit-save").click()
    expect(page.get_by_test_id("audit-status")).to_be_visible()
    audit = Audit.objects.get()
    assert audit.checklist.count() == 2

    # … and sends the programme to the director, who approves it.
    page.goto(f"{base}/audits/programmes/2026/")
    page.get_by_test_id("route-start").click()
    _login(page, base, director, "/audits/programmes/2026/")
    page.locator("form[action*='/sign/'] input[name=password]").fill(TEST_PASSWORD)
    page.get_by_test_id("sign-approved").click()
    expect(page.get_by_test_id("approval-status")).to_have_attribute(
        "class", "badge text-bg-success"
    )
    assert AuditProgramme.objects.get().approval_status == ApprovalStatus.APPROVED

    # The lead auditor sends the plan, starts, and works the checklist.
    _login(page, base, lead, audit.get_absolute_url())
    page.get_by_test_id("audit-send-plan").click()
    page.get_by_test_id("audit-start").click()
    expect(page.get_by_test_id("audit-status")).to_have_text("in progress")

    # Signing with an unanswered mandatory item is refused, listing it.
    form = page.get_by_test_id("report-form")
    form.locator("textarea[name=conclusion]").fill("СМС негизинен шайкеш.")
    form.locator("input[name=password]").fill(TEST_PASSWORD)
    page.get_by_test_id("report-sign").click()
    expect(page.locator(".alert-danger, .alert-error").first).to_contain_text(
        "Answer the mandatory checklist items first"
    )

    for n in (1, 2):
        answer = page.get_by_test_id(f"answer-form-{n}")
        answer.locator("select[name=answer]").select_option(
            "nonconforms" if n == 1 else "conforms"
        )
        answer.locator("textarea[name=evidence]").fill(f"Корутундулардын реестри {n}")
        page.get_by_test_id(f"answer-save-{n}").click()

    # A minor nonconformity raises a CAPA nonconformity.
    form = page.get_by_test_id("finding-form")
    form.locator("select[name=kind]").select_option("minor")
    form.locator("textarea[name=description]").fill(
        "Эки корутунду мөөнөтүнөн кеч жөнөтүлгөн."
    )
    form.locator("select[name=clause]").select_option(str(clause.pk))
    form.locator("select[name=process]").select_option(str(card.pk))
    page.get_by_test_id("finding-save").click()
    nc = Nonconformity.objects.get()
    with translation.override("en"):  # the lead auditor reads English
        code = nc.code
    expect(page.get_by_test_id("finding-nc")).to_have_text(code)
    assert nc.source == "internal_audit"
    assert nc.origin.audit == audit

    # The lead auditor signs the report; its PDF is valid on /verify/.
    form = page.get_by_test_id("report-form")
    form.locator("textarea[name=conclusion]").fill("СМС негизинен шайкеш.")
    form.locator("input[name=password]").fill(TEST_PASSWORD)
    page.get_by_test_id("report-sign").click()
    expect(page.get_by_test_id("audit-status")).to_have_text("report signed")
    expect(page.get_by_test_id("pdf-link")).to_be_visible()
    audit.refresh_from_db()
    assert audit.status == AuditStatus.REPORTED
    pdf = SignedPDF.objects.get(
        content_type=ContentType.objects.get_for_model(Audit),
        object_id=audit.pk,
        status=SignedPDF.Status.READY,
    )
    assert pdf.content_object == audit

    verify = page.locator("a[href^='/verify/']").first.get_attribute("href")
    page.context.clear_cookies()
    page.goto(f"{base}{verify}")
    expect(page.get_by_test_id("verify-ok")).to_be_visible()
    expect(page.locator("main")).to_contain_text(lead.full_name)
