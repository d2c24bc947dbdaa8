"""The director approves the quality policy on the intranet, then anyone
verifies the signed PDF without logging in."""

import pytest
from playwright.sync_api import expect

from sapat.signing.services import route_start
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.quality.factories import PolicyFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_director_approves_and_the_pdf_is_verified_publicly(
    live_server, page, organisation, director, pdf_keys
):
    manager = UserFactory(roles=["quality_manager"])
    policy = PolicyFactory(title="Сапат саясаты", year=2026)
    route_start(obj=policy, actor=manager)

    page.goto(f"{live_server.url}/accounts/login/?next={policy.get_absolute_url()}")
    page.fill("input[name=username]", director.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.locator("button[type=submit].w-100").click()
    expect(page.get_by_test_id("approval-status")).to_be_visible()

    # A wrong password signs nothing.
    page.locator("form[action*='/sign/'] input[name=password]").fill("wrong")
    page.get_by_test_id("sign-approved").click()
    expect(page.locator(".invalid-feedback")).to_be_visible()

    page.locator("form input[name=password]").first.fill(TEST_PASSWORD)
    page.locator("form button[type=submit].btn-success").click()
    expect(page.get_by_test_id("approval-status")).to_have_attribute(
        "class", "badge text-bg-success"
    )
    link = page.get_by_test_id("pdf-link")
    expect(link).to_be_visible()

    # The verification page is public: log out first.
    verify = page.locator("a[href^='/verify/']").first.get_attribute("href")
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{verify}")
    expect(page.get_by_test_id("verify-ok")).to_be_visible()
    expect(page.locator("main")).to_contain_text(director.full_name)
