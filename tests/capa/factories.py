"""Factories of the CAPA app: each row brings its own related rows.

Rows are made directly (no services, no signatures). Traits give the later
statuses with the fields their constraints need, e.g.
``NonconformityFactory(analysis=True)`` or ``ActionFactory(implemented=True)``.
"""

from datetime import timedelta

import factory
from django.utils import timezone

from capa.models import (
    Action,
    ActionKind,
    ActionStatus,
    ActionTask,
    CapaPlan,
    CauseCategory,
    Disposition,
    Nonconformity,
    NonconformityStatus,
    Severity,
    Source,
)
from tests.accounts.factories import UserFactory


def _this_year() -> int:
    return timezone.localdate().year


class _Numbered(factory.django.DjangoModelFactory):
    """A unique (year, seq) from a sequence; never one a service took already."""

    class Meta:
        abstract = True

    year = factory.LazyFunction(_this_year)
    seq = factory.Sequence(lambda n: n + 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        taken = model_class.objects.filter(year=kwargs["year"])
        if taken.filter(seq=kwargs["seq"]).exists():
            last = taken.order_by("-seq").values_list("seq", flat=True).first()
            kwargs["seq"] = last + 1
        return super()._create(model_class, *args, **kwargs)


class NonconformityFactory(_Numbered):
    class Meta:
        model = Nonconformity
        skip_postgeneration_save = True

    source = Source.STAFF
    description = factory.Sequence(lambda n: f"Семинардын материалдары кечикти {n}")
    affected = "Семинар ң ө ү"
    detected_by = factory.SubFactory(UserFactory)
    detected_on = factory.LazyFunction(timezone.localdate)
    severity = Severity.MINOR
    created_by = factory.SelfAttribute("detected_by")
    status = NonconformityStatus.OPEN

    class Params:
        contained = factory.Trait(
            status=NonconformityStatus.CONTAINED,
            containment="Материалдар кайра жөнөтүлдү",
            disposition=Disposition.CORRECT,
        )
        analysis = factory.Trait(
            status=NonconformityStatus.ANALYSIS,
            containment="Материалдар кайра жөнөтүлдү",
            disposition=Disposition.CORRECT,
        )
        planned = factory.Trait(
            status=NonconformityStatus.PLANNED,
            containment="Материалдар кайра жөнөтүлдү",
            disposition=Disposition.CORRECT,
        )


class ActionFactory(_Numbered):
    """A corrective action (planned) with its own owner, checker and, unless
    ``nonconformities=[...]`` is given, its own nonconformity (action planned).
    """

    class Meta:
        model = Action
        skip_postgeneration_save = True

    kind = ActionKind.CORRECTIVE
    title = factory.Sequence(lambda n: f"Материалдарды өз убагында даярдоо {n}")
    description = "Жол-жобону өзгөртүү"
    why_1 = "Материалдар кечикти"
    cause_category = CauseCategory.METHOD
    root_cause = "Мөөнөттөр жол-жободо жок"
    owner = factory.SubFactory(UserFactory)
    checker = factory.SubFactory(UserFactory, roles=["quality_manager"])
    created_by = factory.SelfAttribute("checker")
    opened_on = factory.LazyFunction(timezone.localdate)
    due_date = factory.LazyAttribute(lambda a: a.opened_on + timedelta(days=14))
    check_due = factory.LazyAttribute(lambda a: a.due_date + timedelta(days=30))
    status = ActionStatus.PLANNED

    class Params:
        preventive = factory.Trait(
            kind=ActionKind.PREVENTIVE,
            trigger="data",
            potential_problem="Материалдар кечигиши мүмкүн",
        )
        in_progress = factory.Trait(status=ActionStatus.IN_PROGRESS)
        implemented = factory.Trait(
            status=ActionStatus.IMPLEMENTED,
            implementation_note="Жасалды",
            implemented_on=factory.SelfAttribute("due_date"),
        )
        check = factory.Trait(
            status=ActionStatus.CHECK,
            implementation_note="Жасалды",
            implemented_on=factory.SelfAttribute("due_date"),
        )
        effective = factory.Trait(
            status=ActionStatus.EFFECTIVE,
            implementation_note="Жасалды",
            check_result="Натыйжалуу",
            checked_by=factory.SelfAttribute("checker"),
            checked_on=factory.SelfAttribute("check_due"),
            closed_at=factory.LazyFunction(timezone.now),
        )
        not_effective = factory.Trait(
            status=ActionStatus.NOT_EFFECTIVE,
            implementation_note="Жасалды",
            check_result="Натыйжасыз",
            checked_by=factory.SelfAttribute("checker"),
            checked_on=factory.SelfAttribute("check_due"),
            closed_at=factory.LazyFunction(timezone.now),
        )

    @factory.post_generation
    def nonconformities(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            if self.kind not in {ActionKind.CORRECTION, ActionKind.CORRECTIVE}:
                return
            extracted = [NonconformityFactory(planned=True)]
        self.nonconformities.set(extracted)


class ActionTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionTask

    action = factory.SubFactory(ActionFactory)
    title = factory.Sequence(lambda n: f"Тапшырма {n}")
    owner = factory.SubFactory(UserFactory)
    due_date = factory.LazyAttribute(lambda t: t.action.due_date)


class CapaPlanFactory(factory.django.DjangoModelFactory):
    """A draft plan; ``actions=[...]`` fills its rows."""

    class Meta:
        model = CapaPlan
        skip_postgeneration_save = True

    notes = "Түзөтүү жана алдын алуу аракеттеринин планы"
    created_by = factory.SubFactory(UserFactory, roles=["quality_manager"])

    @factory.post_generation
    def actions(self, create, extracted, **kwargs):
        if create and extracted:
            self.actions.set(extracted)
