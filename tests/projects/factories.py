import datetime

import factory

from projects import services
from projects.models import (
    Client,
    ClientContact,
    ClientDocument,
    Decision,
    Meeting,
    PlanItem,
    WorkPlan,
)
from tests.accounts.factories import UserFactory


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Университет №{n}")
    kind = Client.Kind.ORGANISATION
    region = "Бишкек"
    general_director = "Асанов А."


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientContact

    client = factory.SubFactory(ClientFactory)
    name = factory.Sequence(lambda n: f"Өкүл {n}")
    position = "проректор"
    email = factory.Sequence(lambda n: f"rep{n}@univ.kg")


def make_project(*, actor, manager=None, referent=None, client=None, **fields):
    """A project opened through the service (stages and permissions made)."""
    defaults = {
        "code": f"П-{make_project.counter:05d}",
        "title": "Институционалдык аккредитация",
        "service_type": "institutional",
        "start_date": datetime.date(2026, 1, 5),
    }
    make_project.counter += 1
    defaults.update(fields)
    return services.project_create(
        actor=actor,
        client=client or ClientFactory(),
        project_manager=manager or UserFactory(roles=["project_manager"]),
        referent=referent,
        **defaults,
    )


make_project.counter = 1


class ClientDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientDocument

    title = factory.Sequence(lambda n: f"Өзүн-өзү баалоо отчету {n}")
    medium = "paper"
    received_on = datetime.date(2026, 2, 1)
    received_from = "Окуу бөлүмү"
    location = "Шкаф 3"
    custodian = factory.LazyAttribute(lambda d: d.project.project_manager)
    recorded_by = factory.LazyAttribute(lambda d: d.project.project_manager)


class WorkPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkPlan

    kind = "monthly"
    year = 2026
    period = factory.Sequence(lambda n: n % 12 + 1)
    created_by = factory.SubFactory(UserFactory)


class PlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanItem

    title = factory.Sequence(lambda n: f"Тапшырма {n}")
    owner = factory.SubFactory(UserFactory)
    due_date = datetime.date(2026, 3, 1)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    kind = "operational"
    number = factory.Sequence(lambda n: f"{n + 1}")
    date = datetime.date(2026, 3, 2)
    chair = factory.SubFactory(UserFactory)
    created_by = factory.LazyAttribute(lambda m: m.chair)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    text = factory.Sequence(lambda n: f"Чечим {n}")
    owner = factory.SubFactory(UserFactory)
    due_date = datetime.date(2026, 3, 9)
