"""External normative documents (§4.2.3): services, pages, weekly reminder."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from documents.models import ExternalDocument
from documents.services import external as services
from sapat.notify.models import Notification
from tests.accounts.factories import UserFactory
from tests.documents.factories_external import ExternalDocumentFactory
from tests.utils import assert_constant_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(_isolate, client, settings):
    """Messages in the source language, so the tests can quote them."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    translation.activate("en")


def _data(responsible, **changes):
    data = {
        "title": "Билим берүү жөнүндө мыйзам",
        "kind": ExternalDocument.Kind.LAW,
        "issuer": "Жогорку Кеңеш",
        "number": "92",
        "issued_on": "2023-08-11",
        "source_url": "https://cbd.minjust.gov.kg/",
        "status": ExternalDocument.Status.IN_FORCE,
        "replaced_by": "",
        "responsible": responsible.pk,
        "notes": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def quality_manager(make_user):
    return make_user("quality_manager")


# --- Services -------------------------------------------------------------------


def test_the_quality_manager_registers_an_external_document_with_history(
    quality_manager,
):
    document = services.external_register(
        actor=quality_manager,
        title="Токтом № 346",
        kind=ExternalDocument.Kind.GOVERNMENT,
        issuer="Министрлер Кабинети",
        responsible=quality_manager,
    )
    assert document.registered_by == quality_manager
    assert document.status == ExternalDocument.Status.IN_FORCE
    row = document.history.latest()
    assert row.history_user == quality_manager
    assert row.history_change_reason


@pytest.mark.parametrize("role", ["staff", "office_manager"])
def test_only_the_keepers_of_the_register_may_register(make_user, role):
    user = make_user(role)
    with pytest.raises(PermissionDenied):
        services.external_register(
            actor=user,
            title="X",
            kind=ExternalDocument.Kind.LAW,
            issuer="Y",
            responsible=user,
        )
    assert not ExternalDocument.objects.exists()


def test_a_replaced_status_requires_the_replacing_document(quality_manager):
    document = ExternalDocumentFactory()
    with pytest.raises(ValidationError) as error:
        services.external_update(
            document=document,
            actor=quality_manager,
            status=ExternalDocument.Status.REPLACED,
        )
    assert "replaced_by" in error.value.message_dict
    document.refresh_from_db()
    assert document.status == ExternalDocument.Status.IN_FORCE


def test_a_replacing_document_requires_the_replaced_status(quality_manager):
    document, newer = ExternalDocumentFactory.create_batch(2)
    with pytest.raises(ValidationError) as error:
        services.external_update(
            document=document, actor=quality_manager, replaced_by=newer
        )
    assert "replaced" in error.value.message_dict["replaced_by"][0]
    document.refresh_from_db()
    assert document.replaced_by is None


def test_a_document_is_replaced_by_another_with_history(quality_manager):
    document, newer = ExternalDocumentFactory.create_batch(2)
    services.external_update(
        document=document,
        actor=quality_manager,
        status=ExternalDocument.Status.REPLACED,
        replaced_by=newer,
    )
    document.refresh_from_db()
    assert document.replaced_by == newer
    assert document.history.latest().history_user == quality_manager
    assert list(newer.replaces.all()) == [document]


def test_a_document_cannot_replace_itself_or_the_one_replacing_it(quality_manager):
    older, newer = ExternalDocumentFactory.create_batch(2)
    with pytest.raises(ValidationError, match="itself"):
        services.external_update(
            document=older,
            actor=quality_manager,
            status=ExternalDocument.Status.REPLACED,
            replaced_by=older,
        )
    services.external_update(
        document=older,
        actor=quality_manager,
        status=ExternalDocument.Status.REPLACED,
        replaced_by=newer,
    )
    with pytest.raises(ValidationError) as error:
        services.external_update(
            document=newer,
            actor=quality_manager,
            status=ExternalDocument.Status.REPLACED,
            replaced_by=older,
        )
    assert "replaced_by" in error.value.message_dict


def test_marked_checked_today_in_bishkek_not_in_utc(monkeypatch, quality_manager):
    # 20:00 UTC on 1 March is already 2 March in Bishkek (UTC+6).
    monkeypatch.setattr(
        timezone, "now", lambda: datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
    )
    document = ExternalDocumentFactory()
    services.external_mark_checked(document=document, actor=quality_manager)
    document.refresh_from_db()
    assert document.last_checked == date(2026, 3, 2)
    assert document.history.latest().history_user == quality_manager


# --- Weekly reminder --------------------------------------------------------------


def test_check_reminder_counts_each_persons_stale_documents_in_force():
    alice, bob, carol = UserFactory.create_batch(3)
    today = date(2026, 6, 10)
    ExternalDocumentFactory(responsible=alice)  # never checked
    ExternalDocumentFactory(responsible=alice, last_checked=date(2026, 6, 2))
    ExternalDocumentFactory(responsible=alice, last_checked=date(2026, 6, 3))  # 7 days
    ExternalDocumentFactory(responsible=alice, status=ExternalDocument.Status.REPEALED)
    ExternalDocumentFactory(responsible=bob, last_checked=date(2026, 1, 1))
    ExternalDocumentFactory(responsible=carol, last_checked=today)
    assert services.external_check_remind(today=today) == 2
    notes = {
        n.recipient_id: n
        for n in Notification.objects.filter(event="documents.external_check_due")
    }
    assert set(notes) == {alice.pk, bob.pk}
    assert notes[alice.pk].context == {"count": 2}
    assert notes[bob.pk].context == {"count": 1}
    assert notes[alice.pk].target_url.startswith(reverse("documents:external_list"))


def test_check_reminder_is_sent_once_per_iso_week():
    ExternalDocumentFactory()
    assert services.external_check_remind(today=date(2026, 6, 8)) == 1  # Monday
    assert services.external_check_remind(today=date(2026, 6, 8)) == 0
    assert services.external_check_remind(today=date(2026, 6, 14)) == 0  # Sunday
    assert services.external_check_remind(today=date(2026, 6, 15)) == 1


def test_check_reminder_week_spans_the_new_year_and_month_end():
    ExternalDocumentFactory()
    # Thursday 31 December 2026 and Friday 1 January 2027 are both in ISO
    # week 53 of 2026; Monday 4 January 2027 starts week 1 of 2027.
    assert services.external_check_remind(today=date(2026, 12, 31)) == 1
    assert services.external_check_remind(today=date(2027, 1, 1)) == 0
    assert services.external_check_remind(today=date(2027, 1, 4)) == 1
    # Week 5 of 2027 runs from 1 to 7 February: the month end inside a week.
    assert services.external_check_remind(today=date(2027, 2, 1)) == 1
    assert services.external_check_remind(today=date(2027, 1, 31)) == 1
    assert services.external_check_remind(today=date(2027, 2, 7)) == 0


def test_no_check_reminder_when_everything_was_checked_this_week():
    ExternalDocumentFactory(last_checked=date(2026, 6, 9))
    assert services.external_check_remind(today=date(2026, 6, 10)) == 0
    assert not Notification.objects.exists()


# --- List: permission, search, filters, pagination, budget ------------------------


def test_a_user_without_a_role_gets_403_on_the_external_register(client):
    client.force_login(UserFactory())
    assert client.get(reverse("documents:external_list")).status_code == 403


def test_staff_read_the_external_register_without_register_buttons(client, staff):
    document = ExternalDocumentFactory()
    client.force_login(staff)
    response = client.get(reverse("documents:external_list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert document.title in content
    assert reverse("documents:external_create") not in content
    assert reverse("documents:external_checked", args=[document.pk]) not in content
    assert reverse("documents:index") in content


def test_external_register_empty_state(client, staff):
    client.force_login(staff)
    response = client.get(reverse("documents:external_list"))
    assert "No external documents are registered yet." in response.content.decode()
    response = client.get(reverse("documents:external_list"), {"q": "жок"})
    assert "No external document matches" in response.content.decode()


@pytest.mark.parametrize(
    "query", ["мыйзам", "МЫЙЗАМ", "Мыйзам", "билим берүү", "БИЛИМ БЕРҮҮ", "кеңеш"]
)
def test_external_search_ignores_the_case_of_cyrillic(client, staff, query):
    found = ExternalDocumentFactory(
        title="Билим берүү жөнүндө Мыйзам", issuer="Жогорку Кеңеш"
    )
    ExternalDocumentFactory(title="Стандарт", issuer="Кыргызстандарт")
    client.force_login(staff)
    response = client.get(reverse("documents:external_list"), {"q": query})
    assert list(response.context["page_obj"]) == [found]


def test_external_search_finds_the_number(client, staff):
    found = ExternalDocumentFactory(number="346")
    ExternalDocumentFactory(number="12")
    client.force_login(staff)
    response = client.get(reverse("documents:external_list"), {"q": "346"})
    assert list(response.context["page_obj"]) == [found]


def test_external_filters_by_kind_status_and_check_due(client, staff):
    today = timezone.localdate()
    law = ExternalDocumentFactory(kind=ExternalDocument.Kind.LAW, last_checked=today)
    ministry = ExternalDocumentFactory(kind=ExternalDocument.Kind.MINISTRY)
    repealed = ExternalDocumentFactory(status=ExternalDocument.Status.REPEALED)
    client.force_login(staff)
    url = reverse("documents:external_list")

    def listed(**params):
        return set(client.get(url, params).context["page_obj"])

    assert listed(kind="ministry") == {ministry}
    assert listed(status="repealed") == {repealed}
    assert listed(check="due") == {ministry}
    assert listed(kind="nonsense") == {law, ministry, repealed}


def test_external_register_pages(client, staff):
    ExternalDocumentFactory.create_batch(26)
    client.force_login(staff)
    url = reverse("documents:external_list")
    assert len(client.get(url).context["page_obj"]) == 25
    assert len(client.get(url, {"page": 2}).context["page_obj"]) == 1


def test_external_list_has_a_query_budget(client, staff):
    client.force_login(staff)

    def make(n):
        for _ in range(n):
            newer = ExternalDocumentFactory()
            ExternalDocumentFactory(
                status=ExternalDocument.Status.REPLACED, replaced_by=newer
            )

    assert_constant_queries(client, reverse("documents:external_list"), make)


# --- Create, edit, detail ------------------------------------------------------


def test_staff_may_not_register_an_external_document(client, staff):
    client.force_login(staff)
    assert client.get(reverse("documents:external_create")).status_code == 403
    response = client.post(reverse("documents:external_create"), _data(staff))
    assert response.status_code == 403
    assert not ExternalDocument.objects.exists()


def test_the_quality_manager_registers_an_external_document(client, quality_manager):
    client.force_login(quality_manager)
    response = client.post(reverse("documents:external_create"), _data(quality_manager))
    document = ExternalDocument.objects.get()
    assert response.status_code == 302
    assert response.url == document.get_absolute_url()
    assert document.registered_by == quality_manager
    assert document.history.latest().history_user == quality_manager


def test_external_form_rejects_bad_input_and_saves_nothing(client, quality_manager):
    client.force_login(quality_manager)
    response = client.post(
        reverse("documents:external_create"),
        _data(quality_manager, title="", kind="rumour", source_url="not a url"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"title", "kind", "source_url"} <= set(errors)
    assert not ExternalDocument.objects.exists()


def test_external_form_refuses_replaced_without_the_replacing_document(
    client, quality_manager
):
    client.force_login(quality_manager)
    response = client.post(
        reverse("documents:external_create"),
        _data(quality_manager, status=ExternalDocument.Status.REPLACED),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["replaced_by"] == [
        "Choose the external document that replaces this one."
    ]
    assert not ExternalDocument.objects.exists()


def test_staff_may_not_edit_an_external_document(client, staff):
    document = ExternalDocumentFactory(title="Эски аталыш")
    client.force_login(staff)
    url = reverse("documents:external_edit", args=[document.pk])
    response = client.post(url, _data(document.responsible, title="Жаңы"))
    assert response.status_code == 403
    document.refresh_from_db()
    assert document.title == "Эски аталыш"
    assert document.history.count() == 1


def test_the_director_marks_an_external_document_replaced(client, director):
    document, newer = ExternalDocumentFactory.create_batch(2)
    client.force_login(director)
    response = client.post(
        reverse("documents:external_edit", args=[document.pk]),
        _data(
            document.responsible,
            title=document.title,
            status=ExternalDocument.Status.REPLACED,
            replaced_by=newer.pk,
        ),
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == ExternalDocument.Status.REPLACED
    assert document.replaced_by == newer
    assert document.history.latest().history_user == director


def test_external_edit_refuses_a_repealed_document_naming_a_replacement(
    client, quality_manager
):
    document, newer = ExternalDocumentFactory.create_batch(2)
    client.force_login(quality_manager)
    response = client.post(
        reverse("documents:external_edit", args=[document.pk]),
        _data(
            document.responsible,
            status=ExternalDocument.Status.REPEALED,
            replaced_by=newer.pk,
        ),
    )
    assert response.status_code == 200
    assert "replaced" in response.context["form"].errors["replaced_by"][0]
    document.refresh_from_db()
    assert document.status == ExternalDocument.Status.IN_FORCE
    assert document.replaced_by is None


def test_external_edit_of_a_missing_document_is_404(client, quality_manager):
    client.force_login(quality_manager)
    assert client.get(reverse("documents:external_edit", args=[999])).status_code == 404


def test_external_detail_shows_the_history_and_the_replacement(client, staff):
    newer = ExternalDocumentFactory(title="Жаңы мыйзам")
    document = ExternalDocumentFactory(
        status=ExternalDocument.Status.REPLACED, replaced_by=newer
    )
    client.force_login(staff)
    response = client.get(document.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="history-heading"' in content
    assert newer.get_absolute_url() in content
    assert reverse("documents:index") in content
    assert client.get(reverse("documents:external_detail", args=[999])).status_code == (
        404
    )


def test_staff_may_not_mark_an_external_document_checked(client, staff):
    document = ExternalDocumentFactory()
    client.force_login(staff)
    response = client.post(reverse("documents:external_checked", args=[document.pk]))
    assert response.status_code == 403
    document.refresh_from_db()
    assert document.last_checked is None
    assert document.history.count() == 1


def test_the_quality_manager_marks_an_external_document_checked_today(
    client, quality_manager
):
    document = ExternalDocumentFactory()
    client.force_login(quality_manager)
    url = reverse("documents:external_checked", args=[document.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assert response.url == document.get_absolute_url()
    document.refresh_from_db()
    assert document.last_checked == timezone.localdate()
    row = document.history.latest()
    assert row.history_user == quality_manager
    assert row.history_change_reason == "Checked at the source"


def test_checked_from_the_list_returns_to_the_list_but_never_elsewhere(
    client, quality_manager
):
    document = ExternalDocumentFactory()
    client.force_login(quality_manager)
    url = reverse("documents:external_checked", args=[document.pk])
    back = reverse("documents:external_list") + "?check=due"
    assert client.post(url, {"next": back}).url == back
    evil = client.post(url, {"next": "https://evil.example/"})
    assert evil.url == document.get_absolute_url()


def test_the_keepers_see_the_forms_and_the_check_buttons(client, quality_manager):
    document = ExternalDocumentFactory()
    client.force_login(quality_manager)
    listing = client.get(reverse("documents:external_list")).content.decode()
    assert reverse("documents:external_checked", args=[document.pk]) in listing
    assert 'data-check="due"' in listing
    for url in (
        reverse("documents:external_create"),
        reverse("documents:external_edit", args=[document.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert reverse("documents:index") in response.content.decode()
    edit = client.get(reverse("documents:external_edit", args=[document.pk]))
    assert document not in edit.context["form"].fields["replaced_by"].queryset


def test_the_weekly_task_runs_the_reminder():
    from documents.tasks import external_check_reminders

    ExternalDocumentFactory()
    assert external_check_reminders() == 1
    assert external_check_reminders() == 0
