import smtplib

import pytest
from django.core import mail

from sapat.notify import services
from sapat.notify.models import Email, Notification, TaskFailure
from sapat.notify.tasks import send_email

pytestmark = pytest.mark.django_db


def _welcome(recipients, **kwargs):
    return services.notify(
        recipients=recipients,
        event="accounts.welcome",
        target="/accounts/profile/",
        context={"name": "Айгүл"},
        **kwargs,
    )


def test_notify_queues_the_email_on_commit_and_sends_it_once(
    make_user, django_capture_on_commit_callbacks
):
    user = make_user("staff")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _welcome([user])
    email = Email.objects.get()
    assert email.status == Email.Status.QUEUED
    assert len(mail.outbox) == 0  # nothing sent before commit
    assert len(callbacks) == 1
    callbacks[0]()
    email.refresh_from_db()
    assert email.status == Email.Status.SENT
    assert len(mail.outbox) == 1
    # A retried task finds it sent and sends nothing again.
    assert send_email.delay(email.pk).get() == "skipped"
    assert len(mail.outbox) == 1


def _in(language: str, text: str) -> str:
    from django.utils import translation

    with translation.override(language):
        return translation.gettext(text)


def test_email_is_written_in_kyrgyz_to_a_ky_user_and_russian_to_a_ru_user(
    make_user, django_capture_on_commit_callbacks
):
    kyrgyz = make_user("staff", language="ky")
    russian = make_user("staff", language="ru")
    with django_capture_on_commit_callbacks(execute=True):
        _welcome([kyrgyz, russian])
    by_address = {message.to[0]: message for message in mail.outbox}
    ky_mail, ru_mail = by_address[kyrgyz.email], by_address[russian.email]
    title, hello = "Welcome to the portal, %(name)s", "Hello, %(name)s."
    for language, message in (("ky", ky_mail), ("ru", ru_mail)):
        expected_title = _in(language, title) % {"name": "Айгүл"}
        assert expected_title != title % {"name": "Айгүл"}  # really translated
        assert expected_title in message.subject
        assert _in(language, hello) % {"name": message.to[0].split("@")[0]} != ""
        assert _in(language, hello).split(",")[0] in message.body
    assert "ң" in _in("ky", title) or "ү" in _in("ky", title) or "ө" in _in("ky", title)
    assert Email.objects.get(to=russian.email).language == "ru"


def test_once_key_sends_nothing_the_second_time(make_user):
    user = make_user("staff")
    first = _welcome([user], once_key="welcome:test")
    second = _welcome([user], once_key="welcome:test")
    assert len(first) == 1
    assert second == []
    assert Notification.objects.count() == 1
    assert Email.objects.count() == 1


def test_users_who_switched_email_off_get_only_the_bell(make_user):
    user = make_user("staff", email_notifications=False)
    _welcome([user])
    assert Notification.objects.filter(recipient=user).exists()
    assert not Email.objects.exists()


def test_inactive_and_duplicate_recipients_are_skipped(make_user):
    active = make_user("staff")
    gone = make_user("staff", is_active=False)
    notifications = _welcome([active, active, gone, None])
    assert [n.recipient for n in notifications] == [active]


def test_unknown_event_is_a_programming_error(make_user):
    with pytest.raises(ValueError, match="Unknown notification event"):
        services.notify(recipients=[make_user("staff")], event="nope")


def test_context_must_be_json(make_user):
    with pytest.raises(TypeError):
        services.notify(
            recipients=[make_user("staff")],
            event="accounts.welcome",
            context={"name": object()},
        )
    assert not Notification.objects.exists()


def test_notification_text_follows_the_reader_language(make_user):
    from django.utils import translation

    [notification] = _welcome([make_user("staff")])
    with translation.override("ru"):
        russian = notification.title
    assert russian == _in("ru", "Welcome to the portal, %(name)s") % {"name": "Айгүл"}
    assert russian != "Welcome to the portal, Айгүл"
    with translation.override("en"):
        assert notification.title == "Welcome to the portal, Айгүл"


def test_delivery_errors_are_recorded_then_marked_failed(make_user, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("relay down")

    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", refuse
    )
    _welcome([make_user("staff")])
    email = Email.objects.get()
    for _attempt in range(services.MAX_EMAIL_ATTEMPTS - 1):
        with pytest.raises(services.EmailNotSent):
            services.email_send(email_id=email.pk)
        email.refresh_from_db()
        assert email.status == Email.Status.QUEUED
        assert "relay down" in email.last_error
    # The last attempt gives up quietly: the outbox shows it as failed.
    assert services.email_send(email_id=email.pk).status == Email.Status.FAILED
    email.refresh_from_db()
    assert email.attempts == services.MAX_EMAIL_ATTEMPTS


def test_the_task_retries_as_often_as_the_service_allows():
    assert send_email.max_retries == services.MAX_EMAIL_ATTEMPTS - 1
    assert send_email.time_limit and send_email.soft_time_limit


def test_a_failed_email_can_be_queued_again(
    make_user, django_capture_on_commit_callbacks
):
    _welcome([make_user("staff")])
    email = Email.objects.get()
    Email.objects.filter(pk=email.pk).update(status=Email.Status.FAILED, attempts=5)
    email.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.email_retry(email=email)
    email.refresh_from_db()
    assert email.status == Email.Status.SENT


def test_failed_tasks_are_recorded_for_administrators():
    from celery import shared_task

    @shared_task(name="tests.always_fails")
    def always_fails(x):
        raise RuntimeError("broken on purpose")

    result = always_fails.apply(args=[1], throw=False)
    assert result.failed()
    failure = TaskFailure.objects.get(task_name="tests.always_fails")
    assert "broken on purpose" in failure.error
    assert '"args": [1]' in failure.arguments
