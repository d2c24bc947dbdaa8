"""The global search: permission-scoped, grouped, safe with any input."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation
from guardian.shortcuts import assign_perm

from sapat import search
from tests.audits.factories import AuditFactory
from tests.capa.factories import ActionFactory, NonconformityFactory
from tests.documents.factories import DocumentFactory
from tests.projects.factories import ClientDocumentFactory, make_project
from tests.records.factories import ItemFactory, RecordFactory
from tests.satisfaction.factories import FeedbackFactory
from tests.suppliers.factories import SupplierFactory
from tests.training.seminars.factories import SeminarFactory, approved_programme
from tests.utils import assert_constant_queries, count_queries

WORD = "Аккредитация"
#: A word nothing else holds, long enough for a typo to be forgiven.
LONG = "Мониторингдештирүү"
TYPO = "мониторынгдештирүү"

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full text and pg_trgm are PostgreSQL's"
)
KINDS = [
    "document",
    "record",
    "nonconformity",
    "action",
    "audit",
    "project",
    "client_document",
    "seminar",
    "supplier",
    "feedback",
]


def _url(q: str) -> str:
    return f"{reverse('search')}?q={q}"


def _groups(user, q=WORD) -> dict[str, search.Group]:
    return {group.kind.key: group for group in search.search(user, q)}


def test_every_kind_is_registered():
    keys = {kind.key for kind in search.kinds()}
    assert keys >= {
        "document",
        "record",
        "nonconformity",
        "action",
        "audit",
        "project",
        "client_document",
        "seminar",
        "supplier",
        "feedback",
    }


@pytest.fixture
def finder(make_user, director):
    """``(user, make)``: a user who sees every kind, and ``make(kind, text)``
    making an object of ``kind`` holding ``text`` in its title."""
    user = make_user("quality_manager", "project_manager", "trainer")
    programme = approved_programme()

    def make(kind: str, text: str):
        if kind == "document":
            return DocumentFactory(title=text)
        if kind == "record":
            return RecordFactory(title=text)
        if kind == "nonconformity":
            return NonconformityFactory(description=text)
        if kind == "action":
            return ActionFactory(title=text)
        if kind == "audit":
            return AuditFactory(title=text)
        if kind == "project":
            return make_project(actor=director, manager=user, title=text)
        if kind == "client_document":
            project = make_project(actor=director, manager=user)
            return ClientDocumentFactory(project=project, title=text)
        if kind == "seminar":
            return SeminarFactory(programme=programme, title=text)
        if kind == "supplier":
            return SupplierFactory(name=text)
        return FeedbackFactory(text=text)

    return user, make


def _urls(user, q: str, kind: str) -> list[str]:
    group = _groups(user, q).get(kind)
    return [hit.url for hit in group.hits] if group else []


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_finds_cyrillic_in_another_case(finder, kind):
    user, make = finder
    obj = make(kind, f"{LONG} жыйынтыгы")
    make(kind, "Башка нерсе")
    for query in (LONG.upper(), LONG.lower(), "ЖЫЙЫНТЫГЫ"):
        assert _urls(user, query, kind) == [obj.get_absolute_url()], query


@on_postgresql
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_forgives_a_mistyped_letter_on_postgresql(finder, kind):
    user, make = finder
    obj = make(kind, f"{LONG} жыйынтыгы")
    make(kind, "Башка нерсе")
    assert _urls(user, TYPO, kind) == [obj.get_absolute_url()]
    assert _urls(user, f"{TYPO} жыйынтыгы", kind) == [obj.get_absolute_url()]


@pytest.mark.parametrize("kind", KINDS)
def test_the_exact_title_comes_first(finder, kind):
    user, make = finder
    exact = make(kind, LONG)
    # Made later, so every list's own order (newest first) puts it first.
    make(kind, f"{LONG} жана башка {LONG.lower()} иштери")
    assert _urls(user, LONG.lower(), kind)[0] == exact.get_absolute_url()


# ---------------------------------------------------------------- visibility


def _hidden_pairs(make_user, director):
    """``(reader, {kind: (visible, hidden)})``: for each kind that can be
    restricted from staff, an object ``reader`` sees and one they do not,
    both holding :data:`LONG` and a Russian word. (Staff see every
    nonconformity: tests/capa/test_search.py hides them from others.)"""
    reader = make_user("staff")
    text = f"{LONG} акты"
    own = make_project(actor=director, manager=reader, title=text)
    other = make_project(actor=director, title=text)
    assigned = FeedbackFactory(text=text)
    type(assigned).objects.filter(pk=assigned.pk).update(assignee=reader)
    return reader, {
        "document": (
            DocumentFactory(title=text, access="staff"),
            DocumentFactory(title=text, access="restricted"),
        ),
        "record": (
            RecordFactory(title=text),
            RecordFactory(title=text, item=ItemFactory(restricted=True)),
        ),
        "project": (own, other),
        "client_document": (
            ClientDocumentFactory(project=own, title=text),
            ClientDocumentFactory(project=other, title=text),
        ),
        "feedback": (assigned, FeedbackFactory(text=text)),
    }


@pytest.mark.parametrize(
    "query",
    [
        LONG,
        # A typo and another form of a Russian word: PostgreSQL's trigram and
        # full-text paths (the same as LONG on SQLite, or nothing).
        TYPO,
        "акта",
        f"{TYPO} акта",
    ],
)
def test_no_match_path_reveals_a_restricted_object(make_user, director, query):
    reader, pairs = _hidden_pairs(make_user, director)
    groups = _groups(reader, query)
    for kind, (visible, hidden) in pairs.items():
        group = groups.get(kind)
        urls = [hit.url for hit in group.hits] if group else []
        assert hidden.get_absolute_url() not in urls, kind
        assert (group.count if group else 0) == len(urls) <= 1, kind
        if query == LONG or (connection.vendor == "postgresql" and query == TYPO):
            assert urls == [visible.get_absolute_url()], kind
    response = _client_for(reader).get(reverse("search"), {"q": query})
    for kind, (_visible, hidden) in pairs.items():
        assert hidden.get_absolute_url().encode() not in response.content, kind


def test_a_restricted_document_is_neither_found_nor_counted(make_user):
    reader = make_user("staff")
    DocumentFactory(title=f"{WORD} жалпы", access="staff")
    secret = DocumentFactory(title=f"{WORD} жашыруун", access="restricted")

    group = _groups(reader)["document"]
    assert group.count == 1
    assert secret.get_absolute_url() not in {hit.url for hit in group.hits}

    assign_perm("documents.view_document", reader, secret)
    assert _groups(reader)["document"].count == 2


def test_a_restricted_record_is_neither_found_nor_counted(make_user):
    reader = make_user("staff")
    RecordFactory(title=f"{WORD} протоколу")
    RecordFactory(title=f"{WORD} жабык", item=ItemFactory(restricted=True))
    group = _groups(reader)["record"]
    assert group.count == 1
    assert [hit.title for hit in group.hits] == [f"{WORD} протоколу"]


def test_another_projects_client_documents_are_not_found_nor_counted(
    make_user, director
):
    own_pm = make_user("project_manager")
    other_pm = make_user("project_manager")
    own = make_project(actor=director, manager=own_pm, title=f"{WORD} 1")
    other = make_project(actor=director, manager=other_pm, title=f"{WORD} 2")
    ClientDocumentFactory(project=own, title=f"{WORD} отчету A")
    hidden = ClientDocumentFactory(project=other, title=f"{WORD} отчету B")

    groups = _groups(own_pm)
    assert groups["client_document"].count == 1
    assert hidden.get_absolute_url() not in {
        hit.url for hit in groups["client_document"].hits
    }
    # The team sees its property; top management sees all of it.
    assert _groups(other_pm)["client_document"].count == 1
    assert _groups(director)["client_document"].count == 2


def test_staff_outside_a_project_see_neither_it_nor_its_property(make_user, director):
    project = make_project(actor=director, title=f"{WORD} долбоору")
    ClientDocumentFactory(project=project, title=f"{WORD} отчету")
    outsider = make_user("staff")
    groups = _groups(outsider)
    assert "project" not in groups
    assert "client_document" not in groups
    response = _client_for(outsider).get(_url(WORD))
    assert project.get_absolute_url().encode() not in response.content
    assert b'id="search-client_document"' not in response.content


def test_feedback_only_for_those_allowed(make_user):
    item = FeedbackFactory(text=f"{WORD} боюнча арыз")
    without = make_user("staff")
    assert not without.has_perm("satisfaction.view_feedback")
    assert "feedback" not in _groups(without)
    response = _client_for(without).get(_url(WORD))
    assert item.get_absolute_url().encode() not in response.content

    manager = make_user("quality_manager")
    assert manager.has_perm("satisfaction.view_feedback")
    assert _groups(manager)["feedback"].count == 1

    # Whoever the item is assigned to finds it, as in their inbox.
    type(item).objects.filter(pk=item.pk).update(assignee=without)
    assert _groups(without)["feedback"].count == 1


def test_nonconformities_for_a_user_without_the_view_permission(make_user):
    nobody = make_user()
    reporter = make_user()
    NonconformityFactory(description=f"{WORD} кечикти")
    own = NonconformityFactory(description=f"{WORD} өзүнүн", detected_by=reporter)
    assert "nonconformity" not in _groups(nobody)
    group = _groups(reporter)["nonconformity"]
    assert group.count == 1
    assert group.hits[0].url == own.get_absolute_url()


def test_inactive_and_anonymous_users_find_nothing(make_user, client):
    DocumentFactory(title=WORD)
    inactive = make_user("director", is_active=False)
    assert search.search(inactive, WORD) == []
    response = client.get(_url(WORD))
    assert response.status_code == 302


# ----------------------------------------------------------- grouped results


def _client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_results_are_grouped_with_counts_and_links(make_user, director):
    user = make_user("quality_manager", language="en")
    for n in range(7):
        DocumentFactory(title=f"{WORD} жол-жобосу {n}")
    RecordFactory(title=f"{WORD} протоколу")
    NonconformityFactory(description=f"{WORD} кечикти")
    SupplierFactory(name=f"«{WORD}» ЖЧК")

    with translation.override("en"):
        response = _client_for(user).get(_url(WORD.lower()))
    assert response.status_code == 200
    html = response.content.decode()
    groups = {group.kind.key: group for group in response.context["groups"]}
    assert groups["document"].count == 7
    assert len(groups["document"].hits) == search.DEFAULT_LIMIT
    assert groups["record"].count == 1
    assert groups["nonconformity"].count == 1
    assert groups["supplier"].count == 1
    assert 'id="search-document"' in html
    assert 'data-count="7"' in html
    assert f"{reverse('documents:index')}?q=" in html
    assert f"{reverse('records:record_list')}?q=" in html
    assert "Search in the list: Documents" in html
    # Groups keep the registry's order: documents before records.
    assert html.index('id="search-document"') < html.index('id="search-record"')


def test_cyrillic_is_found_whatever_the_case(make_user):
    user = make_user("quality_manager")
    RecordFactory(title="Ички аудиттин протоколу")
    for query in ("протоколу", "ПРОТОКОЛУ", "Протоколу", "ички АУДИТТИН"):
        assert _groups(user, query)["record"].count == 1, query


def test_every_word_must_match(make_user):
    user = make_user("quality_manager")
    RecordFactory(title="Ички аудиттин протоколу")
    assert _groups(user, "аудиттин протоколу")["record"].count == 1
    assert "record" not in _groups(user, "аудиттин отчету")


def test_navbar_has_the_search_form(make_user):
    response = _client_for(make_user("staff")).get(reverse("dashboard"))
    html = response.content.decode()
    assert 'id="navbar-search"' in html
    assert f'action="{reverse("search")}"' in html
    assert 'name="q"' in html


def test_navbar_has_no_search_form_for_anonymous(client):
    response = client.get(reverse("accounts:login"))
    assert b'id="navbar-search"' not in response.content


# ----------------------------------------------------------------- bad input


def test_an_empty_query_shows_a_hint(make_user):
    client = _client_for(make_user("staff"))
    for url in (reverse("search"), _url(""), _url("%20%20%20")):
        response = client.get(url)
        assert response.status_code == 200
        assert b'id="search-hint"' in response.content
        assert response.context["groups"] == []


def test_a_very_long_query_is_cut(make_user):
    user = make_user("quality_manager")
    RecordFactory(title="протокол " + "ж" * 200)
    client = _client_for(user)
    started = time.monotonic()
    response = client.get(reverse("search"), {"q": "ж" * 10_000})
    assert time.monotonic() - started < 5
    assert response.status_code == 200
    assert len(response.context["q"]) == search.MAX_QUERY_LENGTH
    assert response.context["truncated"]
    assert response.context["total"] == 1


@pytest.mark.parametrize("query", ["а " * 5_000, "&|!():* " * 1_250, "%" * 10_000])
def test_many_words_are_bounded(make_user, query):
    RecordFactory(title="Протокол")
    client = _client_for(make_user("quality_manager"))
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    assert response.context["total"] == 0


@pytest.mark.parametrize(
    "query",
    [
        "%",
        "_",
        "'",
        "\\",
        ".*",
        "' OR 1=1 --",
        "%_%",
        "[a-z]+",
        "\x00",
        "a\\%b",
        ":*",
        "&|!()",
        "без:* & !знак | (x)",
        "протокол:*",
        "!!",
        "...",
        "—",
        "ab\x00cd",
        "$$",
        "(.*)+$",
    ],
)
def test_metacharacters_are_searched_literally(make_user, query):
    user = make_user("quality_manager")
    RecordFactory(title="Протокол без знаков")
    DocumentFactory(title="Жол-жобо")
    FeedbackFactory(text="Арыз")
    response = _client_for(user).get(reverse("search"), {"q": query})
    assert response.status_code == 200
    assert response.context["total"] == 0


def test_a_percent_sign_matches_only_itself(make_user):
    user = make_user("quality_manager")
    RecordFactory(title="Аткаруу 100% болду")
    RecordFactory(title="Аткаруу 100 болду")
    assert _groups(user, "100%")["record"].count == 1
    assert _groups(user, "0_") == {}


# -------------------------------------------------------------- query budget


def test_search_page_takes_a_fixed_number_of_queries(make_user, director):
    user = make_user("quality_manager", "project_manager", "trainer")
    client = _client_for(user)
    programme = approved_programme()

    def make_rows(n):
        for _ in range(n):
            DocumentFactory(title=f"{WORD} жол-жобосу")
            RecordFactory(title=f"{WORD} протоколу")
            NonconformityFactory(description=f"{WORD} кечикти")
            ActionFactory(title=f"{WORD} аракети")
            AuditFactory(title=f"{WORD} аудити")
            project = make_project(actor=director, manager=user, title=WORD)
            ClientDocumentFactory(project=project, title=f"{WORD} отчету")
            SeminarFactory(programme=programme, title=f"{WORD} семинары")
            SupplierFactory(name=f"«{WORD}» ЖЧК")
            FeedbackFactory(text=f"{WORD} боюнча арыз")

    assert_constant_queries(client, _url(WORD), make_rows)
    groups = _groups(user)
    for key in ("document", "record", "nonconformity", "action", "project"):
        assert groups[key].count == 30, key
    for key in ("client_document", "supplier", "feedback"):
        assert groups[key].count == 30, key
    assert count_queries(client, _url(WORD)) < 60
