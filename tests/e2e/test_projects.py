"""A client taken through a project (ДЖ-08, ПК-02): requirements review, the
team, stages, the client's documents received and returned, and a report
verified by the client and approved by the director."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import ClientDocument, Deliverable, Project, RequirementsReview
from tests.accounts.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _login(page, base, user, next_url="/"):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.locator("button[type=submit].w-100").click()


def _save(page):
    page.get_by_test_id("form-save").click()


def test_client_to_signed_deliverable(
    live_server, page, organisation, director, pdf_keys
):
    base = live_server.url
    today = timezone.localdate().isoformat()
    pm = UserFactory(roles=["project_manager"], full_name="Айбек Осмонов")
    referent = UserFactory(roles=["referent"], full_name="Нуриза Токтогулова")
    expert = UserFactory(roles=["expert"], full_name="Бакыт Жумабаев")

    # The project manager registers the client and its representative.
    _login(page, base, pm, "/projects/clients/new/")
    page.fill("input[name=name]", "Кыргыз мамлекеттик техникалык университети")
    page.fill("input[name=region]", "Бишкек")
    page.fill("input[name=general_director]", "Осмонов Т. К.")
    _save(page)
    expect(page.locator("h1")).to_contain_text("техникалык")
    client_url = page.url
    page.goto(client_url + "contacts/new/")
    page.fill("input[name=name]", "Бекова Гүлнара")
    page.fill("input[name=position]", "проректор")
    _save(page)

    # … and reviews the client's requirements before a contract.
    page.goto(client_url + "reviews/new/")
    page.select_option("select[name=service_type]", "institutional")
    page.fill("textarea[name=client_requests]", "Институционалдык аккредитация.")
    page.fill("textarea[name=legal_requirements]", "Билим берүү жөнүндө мыйзам.")
    page.check("input[name=capacity_ok]")
    _save(page)
    review = RequirementsReview.objects.get()

    # The director accepts and signs the review.
    _login(page, base, director, review.get_absolute_url())
    page.select_option("select[name=decision]", "accept")
    page.fill("input[name=password]", TEST_PASSWORD)
    page.get_by_test_id("review-decide").click()
    expect(page.get_by_test_id("review-decision")).to_contain_text(re.compile(r"\S"))
    review.refresh_from_db()
    assert review.decision == "accept"

    # The project manager opens the project from the review.
    _login(page, base, pm, review.get_absolute_url())
    page.get_by_test_id("open-project").click()
    page.fill("input[name=code]", "П-2026-001")
    page.fill("input[name=title]", "КМТУнун институционалдык аккредитациясы")
    page.select_option("select[name=referent]", str(referent.pk))
    _save(page)
    expect(page.get_by_test_id("project-status")).to_be_visible()
    project = Project.objects.get()
    assert project.review == review

    # The director forms the team.
    _login(page, base, director, f"/projects/{project.pk}/team/add/")
    page.select_option("select[name=user]", str(expert.pk))
    page.select_option("select[name=role]", "lead")
    _save(page)
    expect(page.get_by_test_id("team")).to_contain_text("Жумабаев")

    # The project manager advances the stages.
    _login(page, base, pm, f"/projects/{project.pk}/?tab=stages")
    for kind in ("negotiation", "requirements", "contract", "planning"):
        page.get_by_test_id(f"finish-{kind}").click()
        expect(page.locator(".alert-success")).to_be_visible()
    project.refresh_from_db()
    assert project.status == "execution"
    expect(page.get_by_test_id("gantt")).to_be_visible()

    # The referent registers the client's documents and returns them.
    _login(page, base, referent, f"/projects/{project.pk}/property/new/")
    page.fill("input[name=title]", "Өзүн-өзү баалоо отчету (кагаз)")
    page.select_option("select[name=medium]", "paper")
    page.fill("input[name=received_on]", today)
    page.fill("input[name=received_from]", "Бекова Г.")
    page.fill("input[name=location]", "Архив, шкаф 3")
    _save(page)
    page.fill("input[name=returned_to]", "Бекова Г.")
    page.get_by_test_id("client-doc-return").click()
    expect(page.get_by_test_id("returned")).to_contain_text("Бекова")
    assert ClientDocument.objects.get().returned_on is not None

    # A member of staff outside the team does not see them.
    outsider = UserFactory(roles=["project_manager"])
    _login(page, base, outsider, "/projects/property/")
    expect(page.get_by_test_id("client-documents")).not_to_contain_text("Өзүн-өзү")

    # The project manager prepares the report; the client verifies it.
    _login(page, base, pm, f"/projects/{project.pk}/deliverables/new/")
    page.select_option("select[name=kind]", "conclusion")
    page.fill("input[name=title]", "Эксперттик комиссиянын корутундусу")
    page.set_input_files(
        "input[name=file]",
        files=[
            {"name": "conclusion.pdf", "mimeType": "application/pdf", "buffer": PDF}
        ],
    )
    _save(page)
    page.get_by_test_id("client-signature-add").click()
    expect(page.get_by_test_id("client-signatures")).to_contain_text("Бекова")
    page.get_by_test_id("route-start").click()
    deliverable = Deliverable.objects.get()
    deliverable.refresh_from_db()
    assert deliverable.approval_status == "approval"

    # The director approves and signs it.
    _login(page, base, director, deliverable.get_absolute_url())
    page.locator("form[action*='/sign/'] input[name=password]").fill(TEST_PASSWORD)
    page.get_by_test_id("sign-approved").click()
    expect(page.get_by_test_id("approval-status")).to_have_attribute(
        "class", "badge text-bg-success"
    )
    deliverable.refresh_from_db()
    assert deliverable.approval_status == "approved"
