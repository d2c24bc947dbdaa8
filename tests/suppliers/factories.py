"""Factories of purchasing: each row brings its own related rows.

Rows are made directly (no services); the tests that need the rules go
through ``suppliers.services``.
"""

import factory
from django.utils import timezone

from suppliers.models import (
    Category,
    Criterion,
    Evaluation,
    ListChangeProposal,
    ListEntry,
    Purchase,
    Supplier,
    SupplierCategory,
    SupplierList,
    TrainerListEntry,
    TrainerListReview,
    Verification,
)
from tests.accounts.factories import UserFactory
from training.models import Expert, ExpertArea, ExpertiseArea


class SupplierFactory(factory.django.DjangoModelFactory):
    """A supplier; ``categories=[...]`` registers it there (default IT)."""

    class Meta:
        model = Supplier
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"«Жеткирүүчү {n}» ЖЧК")
    tax_id = factory.Sequence(lambda n: f"0{n:013d}")
    contact_person = "Асанов Бакыт"
    phone = "+996 312 000 000"
    email = factory.Sequence(lambda n: f"supplier{n}@example.kg")
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        for category in extracted if extracted is not None else [Category.IT]:
            SupplierCategory.objects.create(supplier=self, category=category)


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpertiseArea
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"area-{n}")
    name = factory.Sequence(lambda n: f"Талаа {n}")


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert

    name = factory.Sequence(lambda n: f"Тренер {n}")


def trainer(*, levels: dict | None = None, **fields) -> Supplier:
    """An external trainer linked to an expert holding ``levels``
    (``{area: level}``)."""
    expert = ExpertFactory(name=fields.pop("name", None) or "Шарипова Динара")
    for area, level in (levels or {}).items():
        ExpertArea.objects.create(expert=expert, area=area, level=level)
    return SupplierFactory(
        name=expert.name,
        kind=Supplier.Kind.PERSON,
        expert=expert,
        categories=[Category.TRAINERS],
        **fields,
    )


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    category = Category.IT
    name = factory.Sequence(lambda n: f"Критерий {n}")
    weight = 50


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    supplier = factory.SubFactory(SupplierFactory)
    category = Category.IT
    evaluated_by = factory.SubFactory(UserFactory)
    evidence = "Келишимдер, сертификаттар"
    total = 4
    passed = True


class SupplierListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierList
        django_get_or_create = ["year"]

    year = 2026


def approved_list(year: int, entries=()) -> SupplierList:
    """An approved list of ``year`` holding ``(supplier, category)`` rows."""
    supplier_list = SupplierListFactory(year=year)
    SupplierList.objects.filter(pk=supplier_list.pk).update(
        approval_status="approved", approved_at=timezone.now()
    )
    for supplier, category in entries:
        ListEntry.objects.create(
            supplier_list=supplier_list, supplier=supplier, category=category
        )
    supplier_list.refresh_from_db()
    return supplier_list


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ListChangeProposal

    year = 2027
    supplier = factory.SubFactory(SupplierFactory)
    category = Category.IT
    action = "add"
    reason = "Сапаттуу кызмат"
    proposed_by = factory.SubFactory(UserFactory)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainerListReview

    year = factory.LazyFunction(lambda: timezone.localdate().year)
    quarter = factory.LazyFunction(lambda: (timezone.localdate().month - 1) // 3 + 1)
    reviewed_by = factory.SubFactory(UserFactory)


class TrainerEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainerListEntry

    supplier = factory.LazyFunction(lambda: trainer(name=None))
    added_on = factory.LazyFunction(timezone.localdate)
    added_in = factory.SubFactory(ReviewFactory)


class PurchaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Purchase

    category = Category.PRINTING
    subject = factory.Sequence(lambda n: f"Таратма материалдар {n}")
    requested_by = factory.SubFactory(UserFactory)
    supplier = factory.SubFactory(SupplierFactory, categories=[Category.PRINTING])


class VerificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Verification

    purchase = factory.SubFactory(PurchaseFactory, status="accepted")
    verified_by = factory.SubFactory(UserFactory)
    passed = True
    findings = "Саны жана сапаты туура"
