from decimal import Decimal

import factory

from sapat.quality.models import (
    DevelopmentConcept,
    Indicator,
    Objective,
    ProcessCard,
    QualityPolicy,
)
from tests.accounts.factories import UserFactory


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QualityPolicy

    year = factory.Sequence(lambda n: 2030 + n)
    title = "Сапат саясаты"
    text = "Сапаттуу билим: ачыктык, калыстык, кесипкөйлүк. ң ө ү"


class ConceptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DevelopmentConcept

    title = "Өнүктүрүү концепциясы"
    period_start = 2026
    period_end = 2030
    text = "Стратегиялык багыттар."


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    level = Objective.Level.SERVICE
    service = Objective.Service.TRAINING
    year = 2026
    title = factory.Sequence(lambda n: f"Максат {n}")
    owner = factory.SubFactory(UserFactory)


class ProcessCardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessCard

    code = factory.Sequence(lambda n: f"ПК-{n:02d}")
    name = factory.Sequence(lambda n: f"Процесс {n}")
    owner = factory.SubFactory(UserFactory)
    goal = "Максат"


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    name = factory.Sequence(lambda n: f"Көрсөткүч {n}")
    owner = factory.SubFactory(UserFactory)
    process = factory.SubFactory(ProcessCardFactory)
    unit = "%"
    target = Decimal("90")
