"""capa_remind and the daily Celery task: reminders once per milestone."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from capa import services, tasks
from capa.models import ActionStatus
from sapat.notify.models import Notification
from tests.capa.factories import ActionFactory, ActionTaskFactory

pytestmark = pytest.mark.django_db

DUE = timezone.localdate() + timedelta(days=10)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def task():
    """An open task of an action in progress, both due on DUE; each has its
    own owner."""
    action = ActionFactory(in_progress=True, due_date=DUE)
    return ActionTaskFactory(action=action, due_date=DUE)


@pytest.fixture
def manager_and_action(make_user):
    manager = make_user("quality_manager")
    return manager, ActionFactory(due_date=DUE, checker=manager)


def sent(**filters) -> list[tuple]:
    return sorted(
        (n.event, n.recipient_id)
        for n in Notification.objects.filter(event__startswith="capa.", **filters)
    )


def remind(day) -> int:
    Notification.objects.all().delete()
    return services.capa_remind(today=day)


def test_nothing_is_sent_more_than_three_days_before(task, organisation):
    assert remind(DUE - timedelta(days=4)) == 0
    assert sent() == []


def test_due_soon_three_days_before_once(task, organisation):
    owners = sorted([task.owner_id, task.action.owner_id])

    assert remind(DUE - timedelta(days=3)) == 2

    assert sent() == [("capa.due_soon", pk) for pk in owners]
    notification = Notification.objects.get(recipient=task.owner)
    assert notification.context["title"] == task.title
    assert notification.context["due"] == DUE.strftime("%d.%m.%Y")
    assert notification.target_url == task.action.get_absolute_url()
    assert remind(DUE - timedelta(days=3)) == 0, "a second run the same day"
    assert remind(DUE - timedelta(days=1)) == 0, "the same milestone"
    assert remind(DUE) == 0


def test_overdue_the_day_after_once(task, organisation):
    remind(DUE - timedelta(days=3))

    assert remind(DUE + timedelta(days=1)) == 2

    assert sent() == sorted(
        [("capa.overdue", task.owner_id), ("capa.overdue", task.action.owner_id)]
    )
    assert remind(DUE + timedelta(days=1)) == 0
    assert remind(DUE + timedelta(days=13)) == 0


def test_the_director_hears_after_fourteen_days_overdue_once(
    task, organisation, director
):
    remind(DUE + timedelta(days=1))
    assert remind(DUE + timedelta(days=13)) == 0

    assert remind(DUE + timedelta(days=14)) == 2

    assert sent() == [("capa.escalated", director.pk)] * 2
    titles = {n.context["title"] for n in Notification.objects.all()}
    assert titles == {task.title, task.action.title}
    names = {n.context["name"] for n in Notification.objects.all()}
    assert names == {task.owner.get_full_name(), task.action.owner.get_full_name()}
    assert remind(DUE + timedelta(days=14)) == 0
    assert remind(DUE + timedelta(days=30)) == 0


def test_a_first_run_long_after_sends_overdue_and_escalation(task, organisation):
    assert remind(DUE + timedelta(days=20)) == 4
    assert [event for event, _pk in sent()] == ["capa.escalated"] * 2 + [
        "capa.overdue"
    ] * 2


def test_without_a_director_nobody_is_escalated_to(task):
    assert remind(DUE + timedelta(days=20)) == 2
    assert {event for event, _pk in sent()} == {"capa.overdue"}


def test_a_moved_due_date_starts_new_milestones(manager_and_action, organisation):
    manager, action = manager_and_action
    remind(DUE - timedelta(days=3))
    assert sent() == [("capa.due_soon", action.owner_id)]

    later = DUE + timedelta(days=20)
    services.action_update(
        action=action, actor=manager, due_date=later, check_due=later
    )

    assert remind(DUE + timedelta(days=1)) == 0, "not overdue: it moved"
    assert remind(later - timedelta(days=3)) == 1
    assert sent() == [("capa.due_soon", action.owner_id)]


def test_a_moved_task_due_date_starts_new_milestones(task, organisation):
    remind(DUE + timedelta(days=1))
    later = DUE + timedelta(days=10)
    type(task).objects.filter(pk=task.pk).update(due_date=later)

    assert remind(DUE + timedelta(days=2)) == 0, "the action's overdue was sent"
    assert remind(later - timedelta(days=3)) == 1
    assert sent() == [("capa.due_soon", task.owner_id)]


def test_done_tasks_and_closed_actions_send_nothing(organisation):
    ActionTaskFactory(
        action=ActionFactory(implemented=True, due_date=DUE),
        due_date=DUE,
        done_at=timezone.now(),
    )
    ActionFactory(effective=True, due_date=DUE, check_due=DUE + timedelta(days=60))
    ActionFactory(not_effective=True, due_date=DUE, check_due=DUE + timedelta(days=60))
    open_action = ActionFactory(in_progress=True, due_date=DUE)
    ActionTaskFactory(action=open_action, due_date=DUE, done_at=timezone.now())

    assert remind(DUE + timedelta(days=1)) == 1

    assert sent() == [("capa.overdue", open_action.owner_id)]


def test_the_check_date_moves_the_action_to_check_and_tells_the_checker(
    organisation,
):
    action = ActionFactory(implemented=True, due_date=DUE, check_due=DUE)

    assert remind(DUE - timedelta(days=1)) == 0
    action.refresh_from_db()
    assert action.status == ActionStatus.IMPLEMENTED

    assert remind(DUE) == 1

    assert sent() == [("capa.check_due", action.checker_id)]
    action.refresh_from_db()
    assert action.status == ActionStatus.CHECK
    row = action.history.order_by("-history_id").first()
    assert (row.history_user, row.history_change_reason) == (
        None,
        "Effectiveness check due",
    )
    assert remind(DUE) == 0
    assert remind(DUE + timedelta(days=1)) == 0
    action.refresh_from_db()
    assert action.status == ActionStatus.CHECK


def test_the_celery_task_calls_the_service(monkeypatch):
    calls = []

    def fake(**kwargs):
        calls.append(kwargs)
        return 5

    monkeypatch.setattr(tasks, "capa_remind", fake)

    assert tasks.capa_reminders.apply().get() == 5
    assert calls == [{}]


def test_the_task_runs_daily():
    from sapat.schedule import SCHEDULE

    entry = SCHEDULE["capa-reminders"]
    assert entry.task == "capa.tasks.capa_reminders"
    assert entry.task == tasks.capa_reminders.name
