"""Factories of corporate training: rows made directly (no services)."""

from datetime import timedelta

import factory
from django.utils import timezone

from projects.models import Client
from sapat.signing.models import ApprovalStatus
from suppliers.models import Supplier
from tests.accounts.factories import UserFactory
from tests.suppliers.factories import TrainerEntryFactory, trainer
from training.models import (
    Participant,
    Programme,
    Seminar,
    SeminarDay,
    Topic,
    TrainingRequest,
)


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"№{n} орто мектеби")


class RequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingRequest

    client = factory.SubFactory(ClientFactory)
    topic = factory.Sequence(lambda n: f"Окутуунун сапаты {n}")
    received_on = factory.LazyFunction(timezone.localdate)
    requirements = "30 мугалим, 2 күн."
    created_by = factory.SubFactory(UserFactory)


_names = iter(range(1, 10**6))


def listed_trainer(*, user=None, name: str | None = None) -> Supplier:
    """A trainer on the approved trainers list since a month ago, with
    ``user`` as their portal account (a trainer user by default)."""
    supplier = trainer(name=name or f"Тренер {next(_names)}")
    TrainerEntryFactory(
        supplier=supplier, added_on=timezone.localdate() - timedelta(days=30)
    )
    expert = supplier.expert
    expert.user = user or UserFactory(roles=["trainer"])
    expert.save()
    return supplier


class ProgrammeFactory(factory.django.DjangoModelFactory):
    """A programme; ``trainers=[...]`` and ``topics=n`` (one per trainer)."""

    class Meta:
        model = Programme
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Программа {n}")
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def trainers(self, create, extracted, **kwargs):
        trainers = list(extracted) if extracted is not None else [listed_trainer()]
        self.trainers.set(trainers)
        for order, supplier in enumerate(trainers, start=1):
            Topic.objects.create(
                programme=self,
                order=order,
                title=f"Тема {order}",
                hours=4,
                trainer=supplier,
            )


def approved_programme(**fields) -> Programme:
    programme = ProgrammeFactory(**fields)
    Programme.objects.filter(pk=programme.pk).update(
        approval_status=ApprovalStatus.APPROVED, approved_at=timezone.now()
    )
    programme.refresh_from_db()
    return programme


class SeminarFactory(factory.django.DjangoModelFactory):
    """A seminar of an approved programme, today and tomorrow, with days."""

    class Meta:
        model = Seminar
        skip_postgeneration_save = True

    programme = factory.LazyFunction(approved_programme)
    title = factory.Sequence(lambda n: f"Семинар {n}")
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyAttribute(lambda s: s.starts_on + timedelta(days=1))
    venue = "Бишкек, Чүй пр. 1"
    spare_sets = 2
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def days(self, create, extracted, **kwargs):
        day = self.starts_on
        while day <= self.ends_on:
            SeminarDay.objects.create(seminar=self, date=day)
            day += timedelta(days=1)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    seminar = factory.SubFactory(SeminarFactory)
    name = factory.Sequence(lambda n: f"Катышуучу {n}")
    organisation = "№5 мектеп"
    email = factory.Sequence(lambda n: f"p{n}@example.kg")


def trainer_user(seminar: Seminar):
    return seminar.programme.trainers.first().expert.user
