"""The shell of the portal: dashboard, navbar, procedures, errors, headers."""

import pytest
from django.apps import apps
from django.urls import reverse

from sapat.registry import MenuEntry

pytestmark = pytest.mark.django_db

PROCEDURE_APPS = [
    "quality",
    "documents",
    "records",
    "capa",
    "projects",
    "training",
    "suppliers",
    "satisfaction",
    "audits",
]


def test_dashboard_shows_every_registered_block(client, director):
    client.force_login(director)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    templates = [template for template, _context in response.context["blocks"]]
    assert "notify/_unread_block.html" in templates
    assert "accounts/_my_roles_block.html" in templates
    assert director.full_name.split()[0] in response.content.decode()


def test_navbar_has_one_entry_per_procedure_app(client, staff):
    client.force_login(staff)
    content = client.get(reverse("dashboard")).content.decode()
    for label in PROCEDURE_APPS:
        assert f'href="{reverse(label + ":index")}"' in content, label


# Apps with their own pages no longer show the procedure card.
BUILT = {
    "quality",
    "documents",
    "records",
    "capa",
    "training",
    "suppliers",
    "satisfaction",
    "projects",
    "audits",
}


@pytest.mark.parametrize("label", [app for app in PROCEDURE_APPS if app not in BUILT])
def test_procedure_page_names_its_procedures(client, staff, label):
    config = apps.get_app_config(label)
    assert isinstance(config.menu, MenuEntry)
    client.force_login(staff)
    response = client.get(reverse(f"{label}:index"))
    assert response.status_code == 200
    for code in config.menu.procedures:
        assert code in response.content.decode()


def test_page_is_kyrgyz_by_default_even_for_an_english_browser(client, staff):
    client.force_login(staff)
    response = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en-US,en")
    assert response["Content-Language"] == "ky"
    assert '<html lang="ky">' in response.content.decode()


def test_language_switcher_turns_the_portal_russian(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("set_language"), {"language": "ru", "next": reverse("dashboard")}
    )
    assert response.status_code == 302
    page = client.get(reverse("dashboard"))
    assert page["Content-Language"] == "ru"
    assert '<html lang="ru">' in page.content.decode()


def test_users_preferred_language_applies_without_the_switcher(client, make_user):
    client.force_login(make_user("staff", language="ru"))
    assert client.get(reverse("dashboard"))["Content-Language"] == "ru"


def test_login_page_switches_language_anonymously(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("accounts:login")}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:login"))["Content-Language"] == "en"


def test_csp_forbids_inline_scripts_and_styles(client):
    policy = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_pages_carry_no_inline_script_or_style(client, staff):
    client.force_login(staff)
    for url in (reverse("dashboard"), reverse("accounts:profile")):
        content = client.get(url).content.decode()
        assert "<script>" not in content and "style=" not in content
        assert "<style" not in content


def test_404_page_is_styled_and_translated(client, staff, settings):
    settings.DEBUG = False
    client.force_login(staff)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]


def test_500_page_renders_without_a_database(rf):
    from sapat.views import error_500

    response = error_500(rf.get("/"))
    assert response.status_code == 500
    assert b"500" in response.content


def test_403_page(rf, staff):
    from sapat.views import error_403

    request = rf.get("/")
    request.user = staff
    response = error_403(request)
    assert response.status_code == 403


def test_admin_is_branded_with_the_organisation(client, director):
    from sapat.accounts.models import OrganisationProfile

    OrganisationProfile.objects.create(pk=1, name_ky="Агенттик", short_name="Бренд")
    client.force_login(director)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Бренд" in response.content.decode()


def test_healthz_reports_database_cache_broker_and_beat(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    data = response.json()
    assert data["database"] == "ok"
    assert data["cache"] == "ok"
    assert data["broker"] == "eager"
    assert "beat_last_run" in data


def test_healthz_shows_when_beat_last_sent_a_task(client):
    from django.utils import timezone
    from django_celery_beat.models import PeriodicTask

    moment = timezone.now()
    PeriodicTask.objects.filter(name="sapat:beat-heartbeat").update(last_run_at=moment)
    assert client.get(reverse("healthz")).json()["beat_last_run"] == moment.isoformat()


def test_healthz_is_503_when_the_cache_fails(client, monkeypatch):
    monkeypatch.setattr("sapat.views._cache", lambda: 1 / 0)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["cache"].startswith("error")
