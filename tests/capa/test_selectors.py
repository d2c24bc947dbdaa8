"""Read queries of CAPA: visibility, filters, my work and the yearly summary."""

from datetime import timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from capa import selectors
from capa.models import (
    Action,
    ActionKind,
    ActionStatus,
    Nonconformity,
    NonconformityStatus,
    Source,
)
from tests.accounts.factories import UserFactory
from tests.capa.factories import (
    ActionFactory,
    ActionTaskFactory,
    NonconformityFactory,
)
from tests.quality.factories import ProcessCardFactory

pytestmark = pytest.mark.django_db


def q(**params) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in params.items():
        data[key] = value
    return data


def ncs(user, **params) -> set[int]:
    return set(
        selectors.nonconformity_list(user=user, filters=q(**params)).values_list(
            "pk", flat=True
        )
    )


def actions(user, **params) -> set[int]:
    return set(
        selectors.action_list(user=user, filters=q(**params)).values_list(
            "pk", flat=True
        )
    )


# --- Visibility --------------------------------------------------------------


def test_staff_see_every_nonconformity_and_action(staff):
    nc = NonconformityFactory()
    action = ActionFactory()
    assert nc.pk in ncs(staff)
    assert action.pk in actions(staff)


def test_without_a_role_one_sees_only_ones_own(db):
    nobody = UserFactory()
    reported = NonconformityFactory(detected_by=nobody, created_by=nobody)
    handled = NonconformityFactory(responsible=nobody)
    NonconformityFactory()
    owned = ActionFactory(owner=nobody)
    tasked = ActionTaskFactory(owner=nobody).action
    ActionFactory()
    assert ncs(nobody) == {reported.pk, handled.pk}
    assert actions(nobody) == {owned.pk, tasked.pk}


def test_inactive_and_anonymous_see_nothing(db):
    from django.contrib.auth.models import AnonymousUser

    NonconformityFactory()
    gone = UserFactory(is_active=False)
    assert not selectors.visible_nonconformities(user=gone).exists()
    assert not selectors.visible_actions(user=AnonymousUser()).exists()


# --- Nonconformity filters ---------------------------------------------------


def test_nonconformity_filters(staff):
    process = ProcessCardFactory()
    complaint = NonconformityFactory(
        source=Source.COMPLAINT, process=process, severity="major"
    )
    audit = NonconformityFactory(source=Source.INTERNAL_AUDIT, contained=True)
    closed = NonconformityFactory(
        status=NonconformityStatus.REJECTED, closing_reason="Жок"
    )
    assert ncs(staff, source="complaint") == {complaint.pk}
    assert ncs(staff, status="contained") == {audit.pk}
    assert ncs(staff, process=str(process.pk)) == {complaint.pk}
    assert ncs(staff, severity="major") == {complaint.pk}
    assert closed.pk not in ncs(staff, open="true")
    assert {complaint.pk, audit.pk} <= ncs(staff, open="true")
    # An unknown value is ignored rather than failing the page.
    assert len(ncs(staff, status="nonsense")) == 3


def test_nonconformity_search_ignores_the_case_of_cyrillic(staff):
    found = NonconformityFactory(
        description="Сертификаттар кечигип берилди", affected="Семинар"
    )
    by_affected = NonconformityFactory(
        description="Башка", affected="Тренинг «Өз алдынча баалоо»"
    )
    NonconformityFactory(description="Башка нерсе", affected="Долбоор")
    assert ncs(staff, q="сертификат") == {found.pk}
    assert ncs(staff, q="СЕРТИФИКАТ") == {found.pk}
    assert ncs(staff, q="өз алдынча") == {by_affected.pk}


# --- Action filters ----------------------------------------------------------


def test_action_filters(staff):
    today = timezone.localdate()
    past = today - timedelta(days=20)
    owner = UserFactory()
    process = ProcessCardFactory()
    late = ActionFactory(
        owner=owner, process=process, opened_on=past, due_date=past + timedelta(days=1)
    )
    late_but_done = ActionFactory(
        opened_on=past, due_date=past + timedelta(days=1), implemented=True
    )
    preventive = ActionFactory(preventive=True, title="Кадрлардын алмашуусу")
    assert actions(staff, overdue="true") == {late.pk}
    assert late_but_done.pk in actions(staff)
    assert actions(staff, owner=str(owner.pk)) == {late.pk}
    assert actions(staff, process=str(process.pk)) == {late.pk}
    assert actions(staff, kind=ActionKind.PREVENTIVE) == {preventive.pk}
    assert actions(staff, status=ActionStatus.IMPLEMENTED) == {late_but_done.pk}
    assert actions(staff, q="кадрлардын") == {preventive.pk}


def test_action_list_rows_carry_their_task_counts(staff):
    action = ActionFactory()
    ActionTaskFactory(action=action)
    ActionTaskFactory(action=action, done_at=timezone.now())
    row = selectors.action_list(user=staff).get(pk=action.pk)
    assert (row.task_count, row.task_done) == (2, 1)


# --- My work -----------------------------------------------------------------


def test_my_capa_work(db):
    me = UserFactory()
    mine = ActionFactory(owner=me)
    ActionFactory(owner=me, effective=True)  # closed: not work any more
    task = ActionTaskFactory(owner=me, action__in_progress=True)
    ActionTaskFactory(owner=me, action__in_progress=True, done_at=timezone.now())
    handled = NonconformityFactory(responsible=me)
    NonconformityFactory(
        responsible=me, status=NonconformityStatus.REJECTED, closing_reason="Жок"
    )
    to_check = ActionFactory(checker=me, implemented=True)
    work = selectors.my_capa_work(me)
    assert work["actions"] == [mine]
    assert work["tasks"] == [task]
    assert work["nonconformities"] == [handled]
    assert work["checks"] == [to_check]


# --- The yearly summary ------------------------------------------------------


def _close(obj, *, opened_days_ago: int, **fields):
    """Backdate a closed row: opened ``opened_days_ago`` days before now."""
    now = timezone.now()
    model = type(obj)
    if model is Action:
        model.objects.filter(pk=obj.pk).update(
            opened_on=timezone.localdate() - timedelta(days=opened_days_ago),
            due_date=timezone.localdate() - timedelta(days=opened_days_ago),
            check_due=timezone.localdate() - timedelta(days=opened_days_ago),
            closed_at=now,
            **fields,
        )
    else:
        model.objects.filter(pk=obj.pk).update(
            created_at=now - timedelta(days=opened_days_ago), closed_at=now, **fields
        )


def test_year_summary_counts_medians_and_share_effective(db):
    year = timezone.localdate().year
    process = ProcessCardFactory(code="ПК-02")
    for source in (Source.COMPLAINT, Source.COMPLAINT, Source.INTERNAL_AUDIT):
        NonconformityFactory(source=source, process=process)
    closed = [NonconformityFactory(planned=True) for _ in range(3)]
    for nc, days in zip(closed, (10, 20, 60), strict=True):
        _close(nc, opened_days_ago=days, status=NonconformityStatus.CLOSED)
    effective = [ActionFactory(effective=True) for _ in range(3)]
    not_effective = ActionFactory(not_effective=True)
    for action, days in zip([*effective, not_effective], (4, 6, 8, 30), strict=True):
        _close(action, opened_days_ago=days)
    ActionFactory(preventive=True)
    NonconformityFactory(year=year - 1, source=Source.SUPPLIER)

    with CaptureQueriesContext(connection) as queries:
        summary = selectors.year_summary(year)
    assert len(queries.captured_queries) <= 6

    by_source = {row["source"]: row["count"] for row in summary["nc_by_source"]}
    # Three raised by hand, three closed, and one more per action factory.
    assert by_source[Source.COMPLAINT] == 2
    assert by_source[Source.INTERNAL_AUDIT] == 1
    assert by_source[Source.SUPPLIER] == 0
    assert summary["nc_total"] == Nonconformity.objects.filter(year=year).count()
    by_process = {row["code"]: row["count"] for row in summary["nc_by_process"]}
    assert by_process["ПК-02"] == 3
    assert summary["median_days_nc"] == 20
    assert summary["median_days_action"] == 7
    assert (summary["checked"], summary["effective"]) == (4, 3)
    assert summary["effective_share"] == 75
    kinds = {row["kind"]: row for row in summary["actions_by_kind"]}
    assert kinds[ActionKind.CORRECTIVE]["total"] == 4
    assert kinds[ActionKind.PREVENTIVE]["total"] == 1
    statuses = [value for value, _label in summary["action_statuses"]]
    effective_column = statuses.index(ActionStatus.EFFECTIVE)
    assert kinds[ActionKind.CORRECTIVE]["cells"][effective_column] == 3
    assert summary["action_total"] == 5


def test_year_summary_of_an_empty_year(db):
    summary = selectors.year_summary(1999)
    assert summary["nc_total"] == 0
    assert summary["median_days_nc"] is None
    assert summary["effective_share"] is None


def test_default_checker_is_a_quality_manager_other_than_the_owner(make_user):
    first = make_user("quality_manager", full_name="А Биринчи")
    second = make_user("quality_manager", full_name="Б Экинчи")
    assert selectors.default_checker(None) == first
    assert selectors.default_checker(first) == second
