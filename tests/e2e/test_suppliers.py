"""The approved suppliers list (ДЖ-11, §7.4) as the people would make it:
a proposal, the quality representative's decision, the compiled list, the
director's approval with the password, and a valid signed PDF."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect

from sapat.signing.pdf import verify_pdf
from sapat.signing.selectors import pdfs_of
from suppliers.models import ListChangeProposal, SupplierList
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.suppliers.factories import EvaluationFactory, SupplierFactory, approved_list

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, base, user, next_url="/"):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.locator("button[type=submit].w-100").click()


def test_proposal_to_approved_list_with_a_valid_signed_pdf(
    live_server, page, organisation, director, pdf_keys
):
    base = live_server.url
    manager = UserFactory(roles=["quality_manager"], full_name="Гүлнара Мамбетова")
    proposer = UserFactory(roles=["staff"], full_name="Азамат Токтосунов")
    kept = SupplierFactory(name="«Техноком» ЖЧК", categories=["it"])
    approved_list(2026, [(kept, "it")])
    newcomer = SupplierFactory(name="«Кодекс Софт» ЖЧК", categories=["it"])
    EvaluationFactory(supplier=newcomer, category="it", total=4)

    # A member of staff proposes a supplier for next year's list.
    _login(page, base, proposer, "/suppliers/proposals/new/")
    page.select_option("select[name=supplier]", str(newcomer.pk))
    page.select_option("select[name=category]", "it")
    page.select_option("select[name=action]", "add")
    page.fill("textarea[name=reason]", "Программалык камсыздоону тез колдойт.")
    page.locator("form button[type=submit].btn-primary").click()
    expect(page.locator(".alert-success")).to_be_visible()
    proposal = ListChangeProposal.objects.get()
    assert proposal.year == 2027

    # The quality representative compiles the list: the pending proposal
    # is named, so the list is not ready for the director yet.
    _login(page, base, manager, "/suppliers/lists/")
    page.fill("input[name=year]", "2027")
    page.get_by_test_id("list-compile").click()
    expect(page.get_by_test_id("list-problems")).to_contain_text("«Кодекс Софт» ЖЧК")
    page.get_by_test_id("route-start").click()
    expect(page.locator(".alert-danger, .alert-error").first).to_contain_text(
        "«Кодекс Софт» ЖЧК"
    )
    assert SupplierList.objects.get(year=2027).approval_status == "draft"

    # The proposal is accepted, the list compiled again and sent.
    page.goto(f"{base}/suppliers/proposals/?year=2027")
    page.get_by_test_id(f"accept-{proposal.pk}").click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.goto(f"{base}/suppliers/lists/2027/")
    page.get_by_test_id("list-recompile").click()
    expect(page.get_by_test_id("list-entries")).to_contain_text("«Кодекс Софт» ЖЧК")
    expect(page.get_by_test_id("list-entries")).to_contain_text("«Техноком» ЖЧК")
    expect(page.get_by_test_id("list-problems")).to_have_count(0)
    page.get_by_test_id("route-start").click()
    expect(page.get_by_test_id("approval-status")).to_have_attribute(
        "class", "badge text-bg-warning"
    )

    # The director approves it with the password.
    _login(page, base, director, "/suppliers/lists/2027/")
    page.locator("form[action*='/sign/'] input[name=password]").fill(TEST_PASSWORD)
    page.get_by_test_id("sign-approved").click()
    expect(page.get_by_test_id("approval-status")).to_have_attribute(
        "class", "badge text-bg-success"
    )
    expect(page.get_by_test_id("pdf-link")).to_be_visible()

    supplier_list = SupplierList.objects.get(year=2027)
    assert supplier_list.approval_status == "approved"
    assert SupplierList.objects.get(year=2026).approval_status == "superseded"
    pdf = pdfs_of(supplier_list).get(status="ready")
    data = pdf.file.read()
    # pyHanko runs its own asyncio loop: not in this thread, where
    # Playwright's loop is running.
    with ThreadPoolExecutor(max_workers=1) as pool:
        check = pool.submit(verify_pdf, data).result()
    assert check.intact and check.by_us and check.covers_whole_file
