"""A document revision from draft to in force, as the people would do it."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect

from documents.models import RevisionStatus
from documents.services import register as services
from sapat.signing.pdf import verify_pdf
from sapat.signing.selectors import pdfs_of
from tests.accounts.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, base, user, next_url="/"):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.locator("button[type=submit].w-100").click()


def _sign(page, testid="sign-agreed"):
    form = page.locator("form[action*='/sign/']")
    form.locator("input[name=password]").fill(TEST_PASSWORD)
    page.get_by_test_id(testid).click()


def test_revision_from_draft_to_acknowledged(
    live_server, page, organisation, director, pdf_keys
):
    base = live_server.url
    director.is_staff = True
    director.save()
    author = UserFactory(roles=["quality_manager"], full_name="Гүлнара Мамбетова")
    first = UserFactory(roles=["deputy_director"], full_name="Нурлан Токтогулов")
    second = UserFactory(roles=["executive_director"], full_name="Чолпон Жумабаева")
    reader_a = UserFactory(roles=["staff"], full_name="Азамат Токтосунов")
    reader_b = UserFactory(roles=["staff"], full_name="Айпери Бейшеналиева")
    document = services.document_create(
        actor=author,
        code="ДЖ-01",
        title="Документтерди башкаруу",
        doc_type="procedure",
        owner=author,
    )

    # The author drafts a revision and sends it to two agreers.
    _login(page, base, author, document.get_absolute_url())
    page.locator(f"a[href='/documents/{document.pk}/revisions/new/']").click()
    page.fill("textarea[name=body]", "1. Максаты. Документтерди башкаруунун тартиби.")
    page.fill("textarea[name=change_summary]", "Биринчи редакция")
    page.locator("form button[type=submit].btn-primary").click()
    page.select_option("select[name=agreers]", [str(first.pk), str(second.pk)])
    page.get_by_test_id("route-start").click()
    expect(page.get_by_test_id("approval-status")).to_have_attribute(
        "class", "badge text-bg-info"
    )
    revision_url = page.url

    # The first agreer returns it with a remark.
    _login(page, base, first, revision_url)
    page.locator("details summary").click()
    returned = page.locator("form[action*='/return/']")
    returned.locator("textarea[name=comment]").fill("3-пунктту толуктаңыз.")
    returned.locator("input[name=password]").fill(TEST_PASSWORD)
    returned.locator("button[type=submit]").click()
    expect(page.locator(".alert-warning")).to_contain_text("3-пунктту толуктаңыз.")

    # The author fixes it and sends it again.
    _login(page, base, author, revision_url)
    page.locator("a[href$='/edit/']").first.click()
    page.fill(
        "textarea[name=body]", "1. Максаты.\n2. Колдонуу чөйрөсү.\n3. Жоопкерчилик."
    )
    page.locator("form button[type=submit].btn-primary").click()
    page.select_option("select[name=agreers]", [str(first.pk), str(second.pk)])
    page.get_by_test_id("route-start").click()

    # Both agree, in order.
    for agreer in (first, second):
        _login(page, base, agreer, revision_url)
        _sign(page)
        expect(page.locator(".alert-success")).to_be_visible()

    # The director approves in the admin, with the password.
    _login(page, base, director, "/admin/documents/documentrevision/")
    page.locator("input[name=_selected_action]").first.check()
    page.select_option("select[name=action]", "approve")
    page.locator("button[name=index]").click()
    page.fill("input[name=password]", TEST_PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator(".messagelist")).to_be_visible()

    revision = document.revisions.get(number=1)
    assert revision.approval_status == RevisionStatus.IN_FORCE

    # Two members of staff acknowledge it.
    for reader in (reader_a, reader_b):
        _login(page, base, reader, revision_url)
        page.locator("input[name=password]").first.fill(TEST_PASSWORD)
        page.get_by_test_id("acknowledge").click()
        expect(page.locator(".alert-success")).to_be_visible()

    # The matrix shows who is left.
    _login(page, base, author, f"/documents/{document.pk}/matrix/")
    expect(page.get_by_test_id(f"ack-{reader_a.username}")).to_have_attribute(
        "data-acknowledged", "yes"
    )
    expect(page.get_by_test_id(f"ack-{first.username}")).to_have_attribute(
        "data-acknowledged", "no"
    )

    # The approval sheet is a signed PDF that validates.
    pdf = pdfs_of(revision).get()
    data = pdf.file.read()
    # pyHanko runs its own asyncio loop: not in this thread, where
    # Playwright's loop is running.
    with ThreadPoolExecutor(max_workers=1) as pool:
        check = pool.submit(verify_pdf, data).result()
    assert check.intact and check.by_us and check.covers_whole_file
