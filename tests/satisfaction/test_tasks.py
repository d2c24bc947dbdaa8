"""Periodic and background work of customer satisfaction."""

from datetime import timedelta

import pytest
from django.utils import timezone

from projects.models import Client, ClientContact, Project
from projects.signals import project_closed
from sapat.notify.models import Email
from sapat.schedule import SCHEDULE
from satisfaction import tasks
from satisfaction.models import Feedback, Status, Survey, TriageDigest
from tests.satisfaction.factories import (
    FeedbackFactory,
    QuestionFactory,
    QuestionnaireFactory,
)

pytestmark = pytest.mark.django_db


def test_weekly_triage_runs_monday_at_nine():
    entry = SCHEDULE["satisfaction-weekly-triage"]
    assert entry.task == "satisfaction.tasks.weekly_triage"
    assert entry.crontab == {"minute": "0", "hour": "9", "day_of_week": "1"}
    assert SCHEDULE["satisfaction-anonymise"].task == (
        "satisfaction.tasks.anonymise_personal_data"
    )


def test_weekly_triage_task_is_idempotent(make_user):
    make_user("quality_manager")
    FeedbackFactory()
    assert tasks.weekly_triage() == 1
    assert tasks.weekly_triage() == 0
    assert TriageDigest.objects.count() == 1


def test_anonymise_task(settings):
    old = FeedbackFactory(
        status=Status.CLOSED, closed_at=timezone.now() - timedelta(days=4 * 365)
    )
    assert tasks.anonymise_personal_data() == 1
    assert Feedback.objects.get(pk=old.pk).email == ""


@pytest.fixture
def project(make_user):
    client = Client.objects.create(name="«Ала-Тоо» колледжи")
    ClientContact.objects.create(client=client, name="Айгүл", email="a@example.kg")
    ClientContact.objects.create(client=client, name="No e-mail")
    ClientContact.objects.create(
        client=client, name="Left", email="old@example.kg", active=False
    )
    return Project.objects.create(
        client=client,
        code="П-2026-001",
        title="Программалык аккредитация",
        service_type="programmatic",
        project_manager=make_user("project_manager"),
        start_date=timezone.localdate(),
    )


def test_closed_project_sends_the_survey_after_commit(
    project, django_capture_on_commit_callbacks
):
    questionnaire = QuestionnaireFactory(audience="project")
    QuestionFactory(questionnaire=questionnaire)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        project_closed.send(sender=Project, project=project, actor=None)
    assert callbacks
    survey = Survey.objects.get(project=project)
    assert not survey.anonymous
    assert list(survey.invitations.values_list("email", flat=True)) == ["a@example.kg"]
    assert Email.objects.filter(to="a@example.kg").exists()
    # A second signal (a retried task) sends nothing more.
    tasks.send_project_survey(project.pk)
    assert Survey.objects.count() == 1


def test_no_survey_without_a_project_questionnaire(project):
    assert tasks.send_project_survey(project.pk) is None
    assert not Survey.objects.exists()


def test_review_inputs_give_the_years_figures():
    from satisfaction.review import complaints_input, satisfaction_input

    class Period:
        year = timezone.localdate().year
        start = timezone.localdate().replace(month=1, day=1)
        end = timezone.localdate().replace(month=12, day=31)

    FeedbackFactory()
    assert dict(complaints_input(Period))["figures"][0][1] == 1
    assert len(satisfaction_input(Period)["figures"]) == 5
