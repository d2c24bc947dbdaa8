import pytest
from django.urls import reverse

from sapat.notify import services
from sapat.notify.models import Email, Notification
from tests.accounts.factories import UserFactory
from tests.utils import assert_constant_queries

pytestmark = pytest.mark.django_db


def _notify(user, target="/accounts/profile/"):
    [notification] = services.notify(
        recipients=[user],
        event="accounts.welcome",
        target=target,
        context={"name": "X"},
    )
    return notification


def test_bell_shows_the_unread_count(client, staff):
    _notify(staff)
    _notify(staff)
    client.force_login(staff)
    response = client.get(reverse("notify:bell"))
    assert response.context["unread"] == 2
    assert 'data-testid="bell-count"' in response.content.decode()


def test_opening_a_notification_marks_it_read_and_follows_the_link(client, staff):
    notification = _notify(staff)
    client.force_login(staff)
    response = client.post(reverse("notify:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response.url == "/accounts/profile/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_nobody_opens_another_users_notification(client, staff, director):
    notification = _notify(director)
    client.force_login(staff)
    response = client.post(reverse("notify:open", args=[notification.pk]))
    assert response.url == reverse("notify:list")
    notification.refresh_from_db()
    assert notification.read_at is None


def test_an_offsite_target_is_not_followed(client, staff):
    notification = _notify(staff, target="https://evil.example/")
    client.force_login(staff)
    response = client.post(reverse("notify:open", args=[notification.pk]))
    assert response.url == reverse("notify:list")


def test_opening_needs_post(client, staff):
    notification = _notify(staff)
    client.force_login(staff)
    assert client.get(reverse("notify:open", args=[notification.pk])).status_code == 405


def test_mark_all_read(client, staff):
    _notify(staff)
    _notify(staff)
    client.force_login(staff)
    client.post(reverse("notify:read_all"))
    assert not Notification.objects.filter(recipient=staff, read_at__isnull=True)


def test_notification_list_shows_only_mine_and_filters_unread(client, staff, director):
    mine = _notify(staff)
    _notify(director)
    services.notification_mark_read(user=staff, notification_id=_notify(staff).pk)
    client.force_login(staff)
    response = client.get(reverse("notify:list"), {"unread": "1"})
    assert list(response.context["page_obj"]) == [mine]


def test_notification_list_has_a_query_budget(client, staff):
    client.force_login(staff)

    def make(n):
        for _ in range(n):
            _notify(staff)

    assert_constant_queries(client, reverse("notify:list"), make)


def test_outbox_forbidden_without_permission(client, director):
    client.force_login(director)
    assert client.get(reverse("notify:outbox")).status_code == 403


def test_outbox_for_the_system_administrator_filters_by_status(client, sysadmin):
    _notify(UserFactory())
    Email.objects.create(
        to="x@example.kg",
        subject="Broken",
        body_text="b",
        status=Email.Status.FAILED,
        last_error="SMTP 550",
    )
    client.force_login(sysadmin)
    response = client.get(reverse("notify:outbox"), {"status": "failed"})
    assert response.status_code == 200
    assert [e.subject for e in response.context["page_obj"]] == ["Broken"]
    assert "SMTP 550" in response.content.decode()


def test_outbox_ignores_an_unknown_status(client, sysadmin):
    client.force_login(sysadmin)
    response = client.get(reverse("notify:outbox"), {"status": "<script>"})
    assert response.status_code == 200
    assert response.context["status"] == ""


def test_outbox_has_a_query_budget(client, sysadmin):
    client.force_login(sysadmin)

    def make(n):
        for _ in range(n):
            _notify(UserFactory())

    assert_constant_queries(client, reverse("notify:outbox"), make)
