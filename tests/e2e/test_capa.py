"""A staff report taken to a closed, effective corrective action (ДЖ-03, ДЖ-04)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from capa.models import Action, ActionStatus, Nonconformity, NonconformityStatus
from sapat.signing.models import Meaning, Signature, SignedPDF
from sapat.signing.selectors import pdfs_of
from tests.accounts.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, base, user, next_url="/"):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.locator("button[type=submit].w-100").click()


def _submit(page, form_testid, button_testid, **fields):
    form = page.get_by_test_id(form_testid)
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    page.get_by_test_id(button_testid).click()


def test_staff_report_to_closed_effective_corrective_action(
    live_server, page, organisation, pdf_keys
):
    base = live_server.url
    today = timezone.localdate().isoformat()
    reporter = UserFactory(roles=["staff"], full_name="Азамат Токтосунов")
    manager = UserFactory(roles=["quality_manager"], full_name="Гүлнара Мамбетова")
    owner = UserFactory(roles=["project_manager"], full_name="Нурлан Токтогулов")

    # A member of staff reports what went wrong.
    _login(page, base, reporter, "/capa/nonconformities/new/")
    form = page.get_by_test_id("nc-form")
    form.locator("select[name=source]").select_option("staff")
    form.locator("textarea[name=description]").fill(
        "Эксперттик корутунду кардарга 5 күн кечигип жөнөтүлдү."
    )
    form.locator("input[name=affected]").fill("«Ала-Тоо» колледжи")
    page.get_by_test_id("nc-save").click()
    expect(page.get_by_test_id("nc-status")).to_be_visible()
    nc = Nonconformity.objects.get()
    nc_url = nc.get_absolute_url()

    # The quality manager contains it and starts the analysis.
    _login(page, base, manager, nc_url)
    form = page.get_by_test_id("nc-contain-form")
    form.locator("textarea[name=containment]").fill(
        "Корутунду ошол эле күнү жөнөтүлдү."
    )
    form.locator("select[name=disposition]").select_option("concession")
    form.locator("input[name=password]").fill(TEST_PASSWORD)
    page.get_by_test_id("nc-contain").click()
    page.get_by_test_id("nc-analyse").click()
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.ANALYSIS

    # … and opens a corrective action from it, with its cause analysis.
    page.get_by_test_id("nc-new-action").click()
    form = page.get_by_test_id("action-form")
    form.locator("select[name=kind]").select_option("corrective")
    form.locator("input[name=title]").fill("Корутундуну жөнөтүү мөөнөтүн көзөмөлдөө")
    form.locator("textarea[name=why_1]").fill("Төрага кол коюуну кечиктирди.")
    form.locator("textarea[name=why_2]").fill("Мөөнөт аткаруу планында жок болчу.")
    form.locator("select[name=cause_category]").select_option("method")
    form.locator("textarea[name=root_cause]").fill(
        "Аткаруу планынын формасында бул контролдук чекит жок."
    )
    form.locator("select[name=owner]").select_option(str(owner.pk))
    form.locator("input[name=due_date]").fill(today)
    form.locator("input[name=check_due]").fill(today)
    form.locator("select[name=checker]").select_option(str(manager.pk))
    page.get_by_test_id("action-save").click()
    expect(page.get_by_test_id("action-status")).to_be_visible()
    action = Action.objects.get()
    action_url = action.get_absolute_url()
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.PLANNED

    # The owner plans a task, signs the plan, does the task, signs it done.
    _login(page, base, owner, action_url)
    form = page.get_by_test_id("task-add-form")
    if not form.is_visible():
        page.locator("details:has([data-testid=task-add-form]) > summary").click()
    form.locator("input[name=title]").fill("Формага контролдук чекит кошуу")
    form.locator("select[name=owner]").select_option(str(owner.pk))
    form.locator("input[name=due_date]").fill(today)
    page.get_by_test_id("task-add").click()
    _submit(page, "action-start-form", "action-start", password=TEST_PASSWORD)
    page.get_by_test_id("task-done").click()
    form = page.get_by_test_id("action-implement-form")
    form.locator("textarea[name=note]").fill("Форма өзгөртүлдү, нускама берилди.")
    form.locator("input[name=password]").fill(TEST_PASSWORD)
    page.get_by_test_id("action-implement").click()
    action.refresh_from_db()
    assert action.status == ActionStatus.IMPLEMENTED

    # The owner may not check their own action: the form is not offered.
    expect(page.get_by_test_id("action-check-form")).to_have_count(0)

    # The quality manager checks its effectiveness on the set date.
    _login(page, base, manager, action_url)
    form = page.get_by_test_id("action-check-form")
    form.locator("input[name=effective][value=yes]").check()
    form.locator("textarea[name=result]").fill("Кийинки үч корутунду мөөнөтүндө.")
    form.locator("input[name=password]").fill(TEST_PASSWORD)
    page.get_by_test_id("action-check").click()
    expect(page.get_by_test_id("check-result")).to_contain_text("мөөнөтүндө")

    action.refresh_from_db()
    nc.refresh_from_db()
    assert action.status == ActionStatus.EFFECTIVE
    assert action.checked_by == manager
    assert nc.status == NonconformityStatus.CLOSED
    meanings = {(s.signer_id, s.meaning) for s in Signature.objects.for_object(action)}
    assert meanings == {
        (owner.pk, Meaning.ACKNOWLEDGED),
        (owner.pk, Meaning.PERFORMED),
        (manager.pk, Meaning.VERIFIED),
    }

    # The action's report is signed as a PDF once it is closed.
    pdf = pdfs_of(action).get(status=SignedPDF.Status.READY)
    assert pdf.content_object == action

    # The history tab shows each step with its user.
    page.get_by_test_id("tab-history").click()
    history = page.locator("#pane-history")
    for person in (manager, owner):
        expect(history).to_contain_text(person.get_full_name())
