"""The projects' input to the management review."""

import datetime

import pytest
from django.utils import translation

from audits import review_inputs
from projects.models import Project, ProjectStatus
from projects.review import projects_input
from tests.projects.factories import make_project

pytestmark = pytest.mark.django_db


def test_projects_register_their_review_input():
    assert "projects" in {item.key for item in review_inputs.inputs()}


def test_projects_input_counts_started_closed_late_and_overdue(director):
    make_project(actor=director, start_date=datetime.date(2026, 2, 1))
    late = make_project(
        actor=director,
        start_date=datetime.date(2025, 9, 1),
        end_date=datetime.date(2026, 3, 1),
    )
    overdue = make_project(
        actor=director,
        start_date=datetime.date(2026, 1, 10),
        end_date=datetime.date(2026, 4, 1),
    )
    Project.objects.filter(pk=late.pk).update(
        status=ProjectStatus.CLOSED, closed_on=datetime.date(2026, 5, 1)
    )

    with translation.override("en"):
        section = projects_input(review_inputs.Period(2026))

    figures = dict(section["figures"])
    assert figures["Projects started"] == 2
    assert figures["Projects closed"] == 1
    assert figures["Of them closed after the planned end"] == 1
    assert figures["Open projects past their planned end"] == 1
    assert overdue.status in {s for s, _label in ProjectStatus.choices}
    assert sum(row[1] for row in section["rows"]) == 2
