"""Log in, see a notification a service created, switch the language."""

import re

import pytest
from playwright.sync_api import expect

from sapat.notify.services import notify
from tests.accounts.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_login_bell_and_language_switch(live_server, page):
    user = UserFactory(roles=["director"], full_name="Айгүл Асанова", language="ky")
    notify(
        recipients=[user],
        event="accounts.welcome",
        target="/accounts/profile/",
        context={"name": "Айгүл"},
    )

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.locator("html")).to_have_attribute("lang", "ky")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.locator("form[method=post] button[type=submit].w-100").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "ky")
    # The bell is loaded by htmx and counts the notification.
    expect(page.get_by_test_id("bell-count")).to_have_text("1")
    expect(page.locator("h1")).to_contain_text("Айгүл")

    page.get_by_test_id("bell").click()
    expect(page).to_have_url(f"{live_server.url}/notifications/")
    expect(page.locator(".list-group-item-primary")).to_have_count(1)

    page.locator("#language-menu").click()
    page.get_by_test_id("lang-ru").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page).to_have_url(f"{live_server.url}/notifications/")


def test_wrong_password_then_lockout_page(live_server, page, settings):
    user = UserFactory()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", "wrong")
        page.locator("button[type=submit].w-100").click()
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(".bi-shield-lock")).to_be_visible()
