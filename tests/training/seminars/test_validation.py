"""The validation record of training (§7.5.2) and the periodic work."""

import pytest
from django.urls import reverse
from django.utils import timezone

from sapat.quality.models import ProcessCard
from sapat.schedule import SCHEDULE
from sapat.signing.models import ApprovalStatus
from suppliers.models import TrainerRequirement
from tests.suppliers.factories import AreaFactory
from training.models import Seminar, SeminarEvaluation, SeminarStatus, TrainerReview
from training.selectors.seminars import validation_record

from .factories import ParticipantFactory, SeminarFactory, trainer_user

pytestmark = pytest.mark.django_db


def _evaluated(seminar):
    Seminar.objects.filter(pk=seminar.pk).update(status=SeminarStatus.DONE)
    participant = ParticipantFactory(seminar=seminar)
    SeminarEvaluation.objects.create(
        participant=participant, seminar_mark=5, trainer_mark=5
    )
    for supplier in seminar.programme.trainers.all():
        TrainerReview.objects.create(
            seminar=seminar,
            trainer=supplier,
            mark=5,
            text="ok",
            written_by=trainer_user(seminar),
        )


@pytest.fixture
def conditions_met(director):
    ProcessCard.objects.filter(code="ПК-03").delete()
    card = ProcessCard.objects.create(code="ПК-03", name="Корпоративдик окутуу")
    ProcessCard.objects.filter(pk=card.pk).update(
        approval_status=ApprovalStatus.APPROVED
    )
    TrainerRequirement.objects.create(area=AreaFactory(), min_level=1)


def _period():
    today = timezone.localdate()
    return {
        "start": today.replace(month=1, day=1),
        "end": today.replace(month=12, day=31),
    }


def test_all_five_conditions_hold(conditions_met):
    _evaluated(SeminarFactory())
    conditions = validation_record(**_period())
    assert [c.held for c in conditions] == [True] * 5


def test_a_seminar_without_evaluation_is_a_gap(conditions_met):
    _evaluated(SeminarFactory())
    silent = SeminarFactory(title="Бааланбаган семинар")
    conditions = validation_record(**_period())
    fifth = conditions[4]
    assert not fifth.held
    assert any("Бааланбаган семинар" in str(gap) for gap in fifth.gaps)
    assert all(c.held for c in conditions[:4])
    assert silent.pk


def test_card_not_approved_and_no_requirements_are_gaps(db):
    ProcessCard.objects.filter(code="ПК-03").delete()
    conditions = validation_record(**_period())
    assert not conditions[0].held
    assert not conditions[2].held


def test_validation_page_shows_the_gap(client, make_user, conditions_met):
    SeminarFactory()
    client.force_login(make_user("quality_manager"))
    response = client.get(reverse("training:validation_record"))
    assert b'data-valid="no"' in response.content
    assert b'data-testid="condition-5" data-held="no"' in response.content


def test_validation_page_needs_permission(client, staff):
    client.force_login(staff)
    assert client.get(reverse("training:validation_record")).status_code == 403


def test_schedule_entries_call_existing_tasks():
    from training import tasks

    assert SCHEDULE["training-topic-marks"].task == (
        "training.tasks.topic_marks_reminders"
    )
    assert SCHEDULE["training-topic-marks"].crontab["hour"] == "19"
    assert SCHEDULE["training-indicative-plans"].task == (
        "training.tasks.indicative_plan_reminders"
    )
    assert tasks.topic_marks_reminders() == 0
    assert tasks.indicative_plan_reminders() >= 0
