import datetime

import factory

from tests.accounts.factories import UserFactory
from training.models import (
    Competence,
    CompetenceHeld,
    Employee,
    Expert,
    ExpertArea,
    ExpertiseArea,
    Post,
    PostCompetence,
    TrainingTaken,
)


class CompetenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competence
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"competence-{n}")
    name = factory.Sequence(lambda n: f"Компетенция {n}")


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpertiseArea

    code = factory.Sequence(lambda n: f"area-{n}")
    name = factory.Sequence(lambda n: f"Тармак {n}")
    order = factory.Sequence(lambda n: n)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    title = factory.Sequence(lambda n: f"Кызмат орду {n}")


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostCompetence

    post = factory.SubFactory(PostFactory)
    competence = factory.SubFactory(CompetenceFactory)
    level = 2


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    user = factory.SubFactory(UserFactory, roles=["staff"])
    post = factory.SubFactory(PostFactory)
    hired_on = datetime.date(2025, 9, 1)


class HeldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetenceHeld

    employee = factory.SubFactory(EmployeeFactory)
    competence = factory.SubFactory(CompetenceFactory)
    level = 1
    assessed_on = datetime.date(2025, 10, 1)


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingTaken

    employee = factory.SubFactory(EmployeeFactory)
    title = factory.Sequence(lambda n: f"Курс {n}")
    issued_on = datetime.date(2025, 10, 1)


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert

    name = factory.Sequence(lambda n: f"Эксперт {n}")
    affiliation = "КМУ"
    country = "Кыргызстан"
    email = factory.Sequence(lambda n: f"expert{n}@example.kg")
    phone = "+996 555 000 000"
    public_consent = True
    consent_on = datetime.date(2026, 1, 10)


class ExpertAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpertArea

    expert = factory.SubFactory(ExpertFactory)
    area = factory.SubFactory(AreaFactory)
    level = 2
