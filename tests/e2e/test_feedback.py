"""An anonymous client's complaint, the director's reply, the status page (ДЖ-09).

Run twice: with JavaScript and without it (the public form must work both
ways).
"""

import pytest
from playwright.sync_api import expect

from satisfaction.models import Feedback, Status
from tests.accounts.factories import TEST_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"


def _watch(page, errors):
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on(
        "response",
        lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_anonymous_complaint_answered_by_the_director(
    live_server, browser, organisation, javascript
):
    base = live_server.url
    director = organisation.director
    errors: list[str] = []

    # The client, without an account, sends a complaint with a scan.
    client_context = browser.new_context(locale="en-US", java_script_enabled=javascript)
    client_page = client_context.new_page()
    _watch(client_page, errors)
    client_page.goto(f"{base}/feedback/")
    form = client_page.get_by_test_id("feedback-form")
    form.locator("select[name=kind]").select_option("complaint")
    form.locator("input[name=name]").fill("Асанова Гүлмира")
    form.locator("input[name=email]").fill("g.asanova@example.kg")
    form.locator("textarea[name=text]").fill(
        "Корутунду мөөнөтүнөн кечигип келди. <script>alert(1)</script>"
    )
    form.locator("input[name=files]").set_input_files(
        files=[{"name": "scan.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    form.locator("input[name=consent]").check()
    client_page.get_by_test_id("feedback-send").click()
    code = client_page.get_by_test_id("feedback-code").inner_text().strip()
    assert len(code.replace("-", "")) == 12
    feedback = Feedback.objects.get()
    assert feedback.attachments.count() == 1

    # The director sees it in the inbox and replies.
    staff_context = browser.new_context(locale="en-US")
    staff_page = staff_context.new_page()
    _watch(staff_page, errors)
    staff_page.goto(f"{base}/accounts/login/?next=/satisfaction/feedback/")
    staff_page.fill("input[name=username]", director.username)
    staff_page.fill("input[name=password]", TEST_PASSWORD)
    staff_page.locator("button[type=submit].w-100").click()
    table = staff_page.get_by_test_id("feedback-table")
    table.get_by_role("link", name=feedback.code).click()
    expect(staff_page.get_by_test_id("feedback-text")).to_contain_text(
        "<script>alert(1)</script>"
    )
    expect(staff_page.get_by_test_id("feedback-attachments")).to_contain_text(
        "scan.pdf"
    )
    reply = staff_page.get_by_test_id("reply-form")
    reply.locator("textarea[name=text]").fill("Кечиресиз, себебин текшердик.")
    staff_page.get_by_test_id("reply-send").click()
    expect(staff_page.get_by_test_id("feedback-reply")).to_contain_text("Кечиресиз")
    feedback.refresh_from_db()
    assert feedback.status == Status.ANSWERED

    # The client sees the reply on the status page with the code.
    client_page.goto(f"{base}/feedback/status/")
    client_page.get_by_test_id("status-form").locator("input[name=code]").fill(code)
    client_page.get_by_test_id("status-find").click()
    expect(client_page.get_by_test_id("status-reply")).to_contain_text(
        "Кечиресиз, себебин текшердик."
    )
    expect(client_page.get_by_test_id("status-value")).to_be_visible()

    client_context.close()
    staff_context.close()
    assert not errors, errors
