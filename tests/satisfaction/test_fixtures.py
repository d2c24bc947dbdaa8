"""fixtures/satisfaction.json: a questionnaire, a survey and feedback items."""

import pytest
from django.core.management import call_command

from sapat.management.commands.seed_demo import FIXTURES
from satisfaction.models import Feedback, Question, Questionnaire, Response, Survey
from satisfaction.selectors import feedback_by_code, survey_results

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(db):
    call_command("loaddata", *FIXTURES, verbosity=0)


def test_satisfaction_fixture_is_loaded_by_the_demo():
    assert "fixtures/satisfaction.json" in FIXTURES


def test_fixture_has_questionnaires_survey_and_feedback(loaded):
    assert Questionnaire.objects.filter(audience="project").exists()
    assert Question.objects.filter(kind="scale10").exists()
    survey = Survey.objects.get()
    results = survey_results(survey)
    assert results.responses == 2 and results.nps is not None
    assert {"complaint", "suggestion", "question"} <= set(
        Feedback.objects.values_list("kind", flat=True)
    )
    assert feedback_by_code("DEMR-5TY6-UP3K").published_at


def test_fixture_rows_are_valid(loaded):
    for row in [
        *Feedback.objects.all(),
        *Questionnaire.objects.all(),
        *Question.objects.all(),
        *Survey.objects.all(),
        *Response.objects.all(),
    ]:
        row.full_clean()
