"""A newcomer from hiring to inducted, as the people would do it."""

import pytest
from playwright.sync_api import expect

from documents.models import RevisionStatus
from documents.models.register import DocumentStatus
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.documents.factories import DocumentFactory, RevisionFactory
from training.models import Employee, Induction

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, base, user, next_url="/"):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.locator("button[type=submit].w-100").click()


def _in_force(code: str, title: str):
    document = DocumentFactory(code=code, title=title, status=DocumentStatus.IN_FORCE)
    return RevisionFactory(
        document=document, number=1, approval_status=RevisionStatus.IN_FORCE
    )


def test_hire_induct_acknowledge_brief(live_server, page, organisation, director):
    base = live_server.url
    deputy = UserFactory(roles=["deputy_director"], full_name="Токтогулов Нурлан")
    newcomer = UserFactory(roles=["staff"], full_name="Жумабаева Айжан Маратовна")
    manual = _in_force("СК", "Сапат боюнча колдонмо")
    procedure = _in_force("ДЖ-12", "Персоналды башкаруу")

    # The director opens the newcomer's staff file…
    _login(page, base, director, "/training/staff/")
    page.get_by_test_id("hire").click()
    page.select_option("select[name=user]", str(newcomer.pk))
    page.fill("textarea[name=education]", "КУУ, педагогика, 2020")
    page.locator("form button[type=submit].btn-primary").click()
    expect(page.locator(".alert-success")).to_be_visible()
    employee = Employee.objects.get(user=newcomer)

    # …and starts the induction with the QMS documents in force.
    page.get_by_test_id("induction-start").click()
    expect(
        page.locator(f"input[name=documents][value='{manual.document_id}']")
    ).to_be_checked()
    page.get_by_test_id("induction-save").click()
    expect(page.get_by_test_id("induction-status")).to_be_visible()
    induction = Induction.objects.get(employee=employee)
    induction_url = induction.get_absolute_url()

    # The newcomer is on the "not inducted" list.
    page.goto(f"{base}/training/inductions/")
    expect(page.get_by_test_id(f"not-inducted-{newcomer.username}")).to_be_visible()

    # The newcomer reads and acknowledges each document from the checklist.
    _login(page, base, newcomer, induction_url)
    for revision in (manual, procedure):
        page.get_by_test_id(f"doc-{revision.document.code}").get_by_role(
            "link"
        ).last.click()
        page.locator("input[name=password]").first.fill(TEST_PASSWORD)
        page.get_by_test_id("acknowledge").click()
        expect(page.locator(".alert-success")).to_be_visible()
        page.goto(f"{base}{induction_url}")
        expect(page.get_by_test_id(f"doc-{revision.document.code}")).to_have_attribute(
            "data-acknowledged", "yes"
        )

    # The deputy gives the QMS briefing and signs it.
    _login(page, base, deputy, induction_url)
    expect(page.get_by_test_id("sign-safety")).to_have_count(0)
    page.fill("input[name='qms-password']", TEST_PASSWORD)
    page.get_by_test_id("sign-qms").click()
    expect(page.locator(".alert-success")).to_be_visible()

    # The director gives the safety briefing and signs it: inducted.
    _login(page, base, director, induction_url)
    page.fill("input[name='safety-password']", TEST_PASSWORD)
    page.get_by_test_id("sign-safety").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_test_id("induction-status")).to_have_class(
        "badge text-bg-success"
    )

    # The newcomer has left the "not inducted" list.
    page.goto(f"{base}/training/inductions/")
    expect(page.get_by_test_id(f"not-inducted-{newcomer.username}")).to_have_count(0)
    induction.refresh_from_db()
    assert induction.completed_on is not None
