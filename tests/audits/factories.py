import datetime

import factory

from audits.models import Audit, AuditProgramme, Criterion, ManagementReview
from tests.accounts.factories import OrgUnitFactory, UserFactory
from tests.training.factories import CompetenceFactory, EmployeeFactory, HeldFactory
from training.models.personnel import INTERNAL_AUDITOR

YEAR = 2026


def make_auditor(**fields):
    """A member of staff holding the internal auditor competence."""
    user = UserFactory(roles=fields.pop("roles", ["staff"]), **fields)
    employee = EmployeeFactory(user=user)
    HeldFactory(
        employee=employee,
        competence=CompetenceFactory(code=INTERNAL_AUDITOR, name="Ички аудитор"),
        level=2,
    )
    return user


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditProgramme
        django_get_or_create = ["year"]

    year = YEAR
    cycle_years = 3


class AuditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Audit
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    year = YEAR
    seq = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Аудит {n}")
    lead_auditor = factory.SubFactory(UserFactory)
    start_date = datetime.date(YEAR, 3, 10)
    end_date = datetime.date(YEAR, 3, 11)
    created_by = factory.SelfAttribute("lead_auditor")


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ManagementReview

    kind = "operational"
    year = YEAR
    month = factory.Sequence(lambda n: n % 12 + 1)
    date = factory.LazyAttribute(lambda r: datetime.date(r.year, r.month or 12, 20))
    chair = factory.SubFactory(UserFactory)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    code = factory.Sequence(lambda n: f"К-{n}")
    title = factory.Sequence(lambda n: f"Критерий {n}")
    order = factory.Sequence(lambda n: n)


def unit():
    return OrgUnitFactory()
