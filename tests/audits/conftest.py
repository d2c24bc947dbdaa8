import datetime

import pytest

from sapat.quality.models import IsoClause
from tests.accounts.factories import OrgUnitFactory
from tests.quality.factories import ProcessCardFactory

from .factories import ProgrammeFactory, make_auditor


@pytest.fixture
def qm(make_user):
    return make_user("quality_manager", full_name="Гүлнара Мамбетова")


@pytest.fixture
def programme(db):
    return ProgrammeFactory(year=2026)


@pytest.fixture
def audited_unit(db):
    return OrgUnitFactory(name_ky="Аккредитация бөлүмү")


@pytest.fixture
def lead(db):
    return make_auditor(full_name="Айгүл Сейитова")


@pytest.fixture
def card(db):
    return ProcessCardFactory(code="ПК-01", name="Аккредитация")


@pytest.fixture
def clauses(db):
    return list(IsoClause.objects.filter(edition="2015", number__in=["8.2", "9.2"]))


@pytest.fixture
def audit_kwargs(programme, lead, card, clauses, audited_unit):
    return {
        "programme": programme,
        "title": "Аккредитация процессинин аудити",
        "lead_auditor": lead,
        "start_date": datetime.date(2026, 5, 12),
        "end_date": datetime.date(2026, 5, 13),
        "processes": [card],
        "clauses": clauses,
        "units": [audited_unit],
    }
