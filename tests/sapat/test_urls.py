"""Every page needs a login, except the public ones named in sapat.public."""

import re

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sapat.public import PUBLIC_URL_NAMES

pytestmark = pytest.mark.django_db

_SAMPLE = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "uuid": "00000000-0000-0000-0000-000000000001",
    "path": "x",
}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}{pattern.namespace}:"
            yield from _walk(pattern.url_patterns, route, ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield name, route


def _concrete(route: str) -> str | None:
    """A URL for a route, with sample values for its parameters."""
    if route.startswith("^") or "(?P" in route:
        return None  # regex routes (the admin's catch-all) are checked by name
    url = re.sub(
        r"<(?:(\w+):)?\w+>", lambda m: _SAMPLE.get(m.group(1) or "str", "x"), route
    )
    return "/" + url


def _all_routes():
    return [
        (name, url)
        for name, route in _walk(get_resolver().url_patterns)
        if (url := _concrete(route)) is not None
        and not url.startswith(settings.STATIC_URL)
    ]


def test_the_url_conf_has_routes_to_check():
    names = {name for name, _url in _all_routes()}
    assert {"dashboard", "notify:list", "accounts:profile", "capa:index"} <= names


@pytest.mark.parametrize(("name", "url"), _all_routes())
def test_anonymous_visitors_are_sent_to_a_login_page(client, name, url):
    if name in PUBLIC_URL_NAMES:
        pytest.skip("public page")
    response = client.get(url)
    login = reverse("accounts:login")
    admin_login = reverse("admin:login")
    assert response.status_code == 302, f"{name} {url} answered {response.status_code}"
    assert response.url.startswith((login, admin_login)), (name, response.url)


def test_public_pages_open_without_login(client):
    for name in ("healthz", "accounts:login", "accounts:password_reset"):
        assert name in PUBLIC_URL_NAMES
        assert client.get(reverse(name)).status_code == 200, name


def test_every_public_name_exists():
    names = {name for name, _route in _walk(get_resolver().url_patterns)}
    assert names >= PUBLIC_URL_NAMES
