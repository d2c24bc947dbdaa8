"""Open CAPA work is listed and handed over when someone leaves."""

import pytest
from django.core.exceptions import ValidationError

from capa.handover import PROVIDER, capa_hand_over
from capa.models import ActionStatus, NonconformityStatus
from sapat.handover import providers
from tests.capa.factories import (
    ActionFactory,
    ActionTaskFactory,
    NonconformityFactory,
)

pytestmark = pytest.mark.django_db


def test_capa_registers_its_open_work():
    assert PROVIDER in providers()


def test_open_work_lists_actions_tasks_checks_and_nonconformities(make_user):
    leaver = make_user("staff")
    owned = ActionFactory(owner=leaver)
    to_check = ActionFactory(checker=leaver)
    task = ActionTaskFactory(owner=leaver)
    nc = NonconformityFactory(responsible=leaver)
    ActionFactory(owner=leaver, effective=True)  # closed: not listed
    NonconformityFactory(
        responsible=leaver, status=NonconformityStatus.REJECTED, closing_reason="x"
    )

    urls = [url for _label, url in PROVIDER.open_items(leaver)]

    assert urls.count(owned.get_absolute_url()) == 1
    assert to_check.get_absolute_url() in urls
    assert task.action.get_absolute_url() in urls
    assert nc.get_absolute_url() in urls
    assert len(urls) == 4


def test_hand_over_moves_everything_open_with_history(make_user):
    leaver, successor, manager = (
        make_user("staff"),
        make_user("staff"),
        make_user("quality_manager"),
    )
    owned = ActionFactory(owner=leaver)
    task = ActionTaskFactory(owner=leaver)
    nc = NonconformityFactory(responsible=leaver)
    closed = ActionFactory(owner=leaver, effective=True)

    moved = capa_hand_over(from_user=leaver, to_user=successor, actor=manager)

    assert moved == 3
    owned.refresh_from_db()
    task.refresh_from_db()
    nc.refresh_from_db()
    closed.refresh_from_db()
    assert owned.owner == successor
    assert task.owner == successor
    assert nc.responsible == successor
    assert closed.owner == leaver
    assert owned.history.first().history_user == manager
    assert PROVIDER.open_items(leaver) == []


def test_a_successor_who_checks_the_action_is_replaced_as_checker(make_user):
    leaver, successor, manager = (
        make_user("staff"),
        make_user("quality_manager"),
        make_user("quality_manager"),
    )
    action = ActionFactory(owner=leaver, checker=successor)

    capa_hand_over(from_user=leaver, to_user=successor, actor=manager)

    action.refresh_from_db()
    assert (action.owner, action.checker) == (successor, manager)
    assert action.status == ActionStatus.PLANNED


def test_nobody_is_left_checking_their_own_action(make_user):
    leaver, successor = make_user("staff"), make_user("quality_manager")
    action = ActionFactory(owner=leaver, checker=successor)

    with pytest.raises(ValidationError):
        capa_hand_over(from_user=leaver, to_user=successor, actor=successor)

    action.refresh_from_db()
    assert action.owner == leaver
