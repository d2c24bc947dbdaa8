"""The rules of purchasing (ДЖ-11), through its services."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from capa.models import Nonconformity
from sapat.notify.models import Notification
from sapat.signing import services as signing
from sapat.signing.models import ApprovalStatus
from suppliers import selectors, services
from suppliers.models import (
    Category,
    Criterion,
    ListChangeProposal,
    Purchase,
    PurchaseStatus,
    Supplier,
    TrainerListEntry,
    TrainerRequirement,
)
from tests.suppliers.factories import (
    AreaFactory,
    CriterionFactory,
    EvaluationFactory,
    ProposalFactory,
    PurchaseFactory,
    SupplierFactory,
    approved_list,
    trainer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Service messages are translated when raised: compare them in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def manager(make_user):
    return make_user("quality_manager")


@pytest.fixture
def office(make_user):
    return make_user("office_manager")


def _message(error: ValidationError) -> str:
    with translation.override("en"):
        return " ".join(str(m) for m in error.value.messages)


# --- Suppliers ----------------------------------------------------------------------


def test_supplier_create_records_categories_and_history(manager):
    supplier = services.supplier_create(
        actor=manager,
        categories=[Category.IT, Category.EQUIPMENT],
        name="«Техно» ЖЧК",
        tax_id="01234",
    )
    assert sorted(supplier.categories) == ["equipment", "it"]
    assert supplier.history.latest().history_user == manager


def test_staff_cannot_register_a_supplier(staff):
    with pytest.raises(PermissionDenied):
        services.supplier_create(actor=staff, categories=["it"], name="X")
    assert not Supplier.objects.exists()


def test_a_supplier_needs_a_category_and_a_unique_tax_id(manager):
    SupplierFactory(tax_id="777")
    with pytest.raises(ValidationError) as error:
        services.supplier_create(actor=manager, categories=[], name="X")
    assert "category" in _message(error)
    with pytest.raises(ValidationError) as error:
        services.supplier_create(
            actor=manager, categories=["it"], name="Y", tax_id="777"
        )
    assert "taxpayer number" in _message(error)
    assert Supplier.objects.count() == 1


# --- Criteria and evaluation -------------------------------------------------------


def test_criteria_weights_must_add_up_to_100(manager):
    kept = CriterionFactory(weight=100)
    with pytest.raises(ValidationError) as error:
        services.criteria_set(
            actor=manager,
            category=Category.IT,
            rows=[{"name": "Баасы", "weight": 60}, {"name": "Мөөнөт", "weight": 30}],
        )
    assert "add up to 90%" in _message(error)
    assert list(Criterion.objects.filter(active=True)) == [kept]


def test_criteria_set_replaces_and_retires(manager):
    old = CriterionFactory(weight=100)
    criteria = services.criteria_set(
        actor=manager,
        category=Category.IT,
        rows=[{"name": "Баасы", "weight": 40}, {"name": "Мөөнөт", "weight": 60}],
    )
    assert [c.weight for c in criteria] == [40, 60]
    old.refresh_from_db()
    assert old.active is False


def _criteria(category=Category.IT):
    return [
        CriterionFactory(category=category, name="Сапат", weight=60),
        CriterionFactory(category=category, name="Баа", weight=40),
    ]


def test_evaluation_total_is_the_weighted_mean(manager):
    quality, price = _criteria()
    supplier = SupplierFactory()
    evaluation = services.evaluation_create(
        actor=manager,
        supplier=supplier,
        category=Category.IT,
        scores={quality.pk: 5, price.pk: 2},
        evidence="2025-жылдагы 3 жеткирүү",
    )
    assert evaluation.total == Decimal("3.80")
    assert evaluation.passed
    assert evaluation.scores.count() == 2


def test_a_score_outside_the_scale_is_refused(manager):
    quality, price = _criteria()
    supplier = SupplierFactory()
    with pytest.raises(ValidationError) as error:
        services.evaluation_create(
            actor=manager,
            supplier=supplier,
            category=Category.IT,
            scores={quality.pk: 6, price.pk: 3},
            evidence="x",
        )
    assert "from 1 to 5" in _message(error)
    assert not supplier.evaluations.exists()


def test_printing_needs_no_evaluation(manager):
    supplier = SupplierFactory(categories=[Category.PRINTING])
    with pytest.raises(ValidationError) as error:
        services.evaluation_create(
            actor=manager,
            supplier=supplier,
            category=Category.PRINTING,
            scores={},
            evidence="x",
        )
    assert "needs no evaluation" in _message(error)


def test_a_failed_evaluation_flags_and_a_passed_one_clears(manager):
    quality, price = _criteria()
    supplier = SupplierFactory()
    services.evaluation_create(
        actor=manager,
        supplier=supplier,
        category=Category.IT,
        scores={quality.pk: 1, price.pk: 2},
        evidence="Кечиктирди",
    )
    supplier.refresh_from_db()
    assert supplier.flagged
    services.evaluation_create(
        actor=manager,
        supplier=supplier,
        category=Category.IT,
        scores={quality.pk: 4, price.pk: 4},
        evidence="Оңдолду",
        basis="delivery",
    )
    supplier.refresh_from_db()
    assert not supplier.flagged


def test_seminar_hook_records_an_evaluation_and_flags_a_low_mark(staff):
    supplier = trainer()
    evaluation = services.supplier_evaluation_from_seminar(
        supplier=supplier,
        mark=Decimal("2.4"),
        reference="Семинар №5",
        evidence="Угуучулардын 20 анкетасы",
        evaluated_by=staff,
    )
    assert evaluation.category == Category.TRAINERS
    assert evaluation.basis == "seminar"
    assert not evaluation.passed
    supplier.refresh_from_db()
    assert supplier.flagged
    with pytest.raises(ValidationError):
        services.supplier_evaluation_from_seminar(
            supplier=supplier, mark=7, reference="x", evidence="", evaluated_by=staff
        )


# --- Trainers' qualification -------------------------------------------------------


def test_trainer_qualification_is_checked_against_the_expert_record():
    area = AreaFactory(name="Сапат менеджменти")
    TrainerRequirement.objects.create(area=area, min_level=2)
    assert services.trainer_qualification_problems(trainer(levels={area: 3})) == []
    with translation.override("en"):
        low = services.trainer_qualification_problems(trainer(levels={area: 1}))
        assert low == ["Сапат менеджменти: level 2 needed, 1 held."]
        unlinked = SupplierFactory(categories=[Category.TRAINERS])
        problems = services.trainer_qualification_problems(unlinked)
    assert "no active record in the experts database" in problems[0]


def test_an_unqualified_trainer_cannot_be_proposed(staff):
    area = AreaFactory()
    TrainerRequirement.objects.create(area=area, min_level=3)
    supplier = trainer(levels={area: 2})
    with pytest.raises(ValidationError) as error:
        services.proposal_create(
            actor=staff,
            supplier=supplier,
            category=Category.TRAINERS,
            action="add",
            reason="Жакшы тренер",
            year=2027,
        )
    assert "does not meet the requirements" in _message(error)
    assert not ListChangeProposal.objects.exists()


# --- Proposals and the suppliers list ----------------------------------------------


def test_proposal_goes_to_the_quality_manager(staff, manager):
    supplier = SupplierFactory()
    proposal = services.proposal_create(
        actor=staff,
        supplier=supplier,
        category=Category.IT,
        action="add",
        reason="Тез жана арзан",
        year=2027,
    )
    assert proposal.status == "pending"
    assert Notification.objects.filter(
        recipient=manager, event="suppliers.proposal_new"
    ).exists()


def test_removing_a_supplier_not_on_the_list_is_refused(staff):
    with pytest.raises(ValidationError) as error:
        services.proposal_create(
            actor=staff,
            supplier=SupplierFactory(),
            category=Category.IT,
            action="remove",
            reason="x",
            year=2027,
        )
    assert "not on the list" in _message(error)


def test_proposal_accept_needs_a_passed_evaluation(manager):
    proposal = ProposalFactory()
    with pytest.raises(ValidationError) as error:
        services.proposal_decide(actor=manager, proposal=proposal, accept=True)
    assert "no passed evaluation" in _message(error)
    EvaluationFactory(supplier=proposal.supplier, category=Category.IT)
    services.proposal_decide(actor=manager, proposal=proposal, accept=True)
    proposal.refresh_from_db()
    assert proposal.status == "accepted"
    assert proposal.decided_by == manager


def test_proposal_transitions_pending_to_rejected_and_no_further(manager):
    proposal = ProposalFactory()
    with pytest.raises(ValidationError):
        services.proposal_decide(actor=manager, proposal=proposal, accept=False)
    services.proposal_decide(
        actor=manager, proposal=proposal, accept=False, note="Кымбат"
    )
    proposal.refresh_from_db()
    assert proposal.status == "rejected"
    with pytest.raises(ValidationError) as error:
        services.proposal_decide(
            actor=manager, proposal=proposal, accept=False, note="x"
        )
    assert "cannot go from" in _message(error)


def test_staff_cannot_decide_a_proposal(staff):
    proposal = ProposalFactory()
    with pytest.raises(PermissionDenied):
        services.proposal_decide(actor=staff, proposal=proposal, accept=False, note="x")


def test_list_is_compiled_from_the_previous_list_and_accepted_proposals(manager):
    kept, dropped, added, rejected = SupplierFactory.create_batch(4)
    approved_list(2026, [(kept, "it"), (dropped, "it")])
    ProposalFactory(
        supplier=dropped,
        action="remove",
        status="accepted",
        decided_at=timezone.now(),
    )
    ProposalFactory(supplier=added, status="accepted", decided_at=timezone.now())
    ProposalFactory(supplier=rejected, status="rejected", decided_at=timezone.now())
    supplier_list = services.supplier_list_compile(actor=manager, year=2027)
    rows = set(supplier_list.entries.values_list("supplier", "category"))
    assert rows == {(kept.pk, "it"), (added.pk, "it")}
    assert services.supplier_list_problems(supplier_list) == []


def test_list_with_unresolved_proposals_cannot_be_sent_and_names_them(
    manager, organisation
):
    approved_list(2026, [(SupplierFactory(), "it")])
    supplier_list = services.supplier_list_compile(actor=manager, year=2027)
    ProposalFactory(supplier=SupplierFactory(name="«Алфа» ЖЧК"))
    ProposalFactory(supplier=SupplierFactory(name="«Бета» ЖЧК"), action="remove")
    with pytest.raises(ValidationError) as error:
        signing.route_start(obj=supplier_list, actor=manager)
    message = _message(error)
    assert "awaiting a decision" in message
    assert "«Алфа» ЖЧК" in message and "«Бета» ЖЧК" in message
    supplier_list.refresh_from_db()
    assert supplier_list.approval_status == ApprovalStatus.DRAFT


def test_a_proposal_accepted_after_compiling_asks_to_compile_again(manager):
    approved_list(2026, [(SupplierFactory(), "it")])
    supplier_list = services.supplier_list_compile(actor=manager, year=2027)
    ProposalFactory(status="accepted", decided_at=timezone.now() + timedelta(1))
    with translation.override("en"):
        problems = services.supplier_list_problems(supplier_list)
    assert "compile it again" in problems[0]


def test_approved_list_supersedes_the_old_one_and_is_in_force(
    manager, director, organisation
):
    supplier = SupplierFactory()
    old = approved_list(2026, [(supplier, "it")])
    supplier_list = services.supplier_list_compile(actor=manager, year=2027)
    route = signing.route_start(obj=supplier_list, actor=manager)
    signing._route_sign(step=route.steps.get(), actor=director, comment="")
    supplier_list.refresh_from_db()
    old.refresh_from_db()
    assert supplier_list.approval_status == ApprovalStatus.APPROVED
    assert old.approval_status == ApprovalStatus.SUPERSEDED
    assert selectors.supplier_list_in_force() == supplier_list
    assert supplier_list.signed_content()["entries"][0][1] == supplier.pk


def test_proposals_for_a_list_sent_for_approval_are_refused(manager, organisation):
    approved_list(2026, [(SupplierFactory(), "it")])
    supplier_list = services.supplier_list_compile(actor=manager, year=2027)
    signing.route_start(obj=supplier_list, actor=manager)
    with pytest.raises(ValidationError) as error:
        services.proposal_create(
            actor=manager,
            supplier=SupplierFactory(),
            category="it",
            action="add",
            reason="x",
            year=2027,
        )
    assert "propose for the next year" in _message(error)


# --- The trainers list -------------------------------------------------------------


def test_quarterly_review_adds_and_removes_without_approval(director):
    area = AreaFactory()
    TrainerRequirement.objects.create(area=area, min_level=2)
    first, second = trainer(levels={area: 2}), trainer(levels={area: 3})
    day = timezone.localdate() - timedelta(days=100)
    review = services.trainer_review_record(
        actor=director, add=[first, second], notes="Баары туура", reviewed_on=day
    )
    assert not hasattr(review, "approval_status")
    assert list(selectors.trainers_in_force()) == sorted(
        [first, second], key=lambda s: s.name
    )
    later = services.trainer_review_record(
        actor=director, remove=[first], removal_reason="Көчүп кетти"
    )
    assert later.quarter == services.quarter_of(timezone.localdate())
    assert list(selectors.trainers_in_force()) == [second]
    assert first in selectors.trainers_in_force(on=day)
    assert later.removed.get().supplier == first
    assert review.added.count() == 2
    assert review.history.latest().history_user == director


def test_review_refuses_an_unqualified_trainer_and_a_removal_without_reason(
    director,
):
    area = AreaFactory()
    TrainerRequirement.objects.create(area=area, min_level=3)
    with pytest.raises(ValidationError) as error:
        services.trainer_review_record(actor=director, add=[trainer(levels={area: 1})])
    assert "does not meet the requirements" in _message(error)
    with pytest.raises(ValidationError):
        services.trainer_review_record(actor=director, remove=[trainer()])
    assert not TrainerListEntry.objects.exists()


def test_staff_cannot_record_a_review(staff):
    with pytest.raises(PermissionDenied):
        services.trainer_review_record(actor=staff)


# --- Purchases ---------------------------------------------------------------------


def test_purchase_from_an_unapproved_supplier_is_refused_where_evaluation_is_needed(
    staff,
):
    supplier = SupplierFactory(categories=[Category.IT])
    with pytest.raises(ValidationError) as error:
        services.purchase_request(
            actor=staff, category=Category.IT, subject="Сервер", supplier=supplier
        )
    assert "not on the approved suppliers list in force" in _message(error)
    assert not Purchase.objects.exists()


@pytest.mark.parametrize("category", [Category.PRINTING, Category.ADMINISTRATIVE])
def test_printing_and_administrative_goods_are_bought_from_anyone(staff, category):
    supplier = SupplierFactory(categories=[])
    purchase = services.purchase_request(
        actor=staff, category=category, subject="Баракчалар", supplier=supplier
    )
    assert purchase.status == PurchaseStatus.REQUESTED


def test_a_supplier_on_the_list_in_force_is_accepted(staff, office):
    supplier = SupplierFactory()
    approved_list(2026, [(supplier, Category.IT)])
    purchase = services.purchase_request(
        actor=staff, category=Category.IT, subject="Ноутбук"
    )
    services.purchase_order(actor=office, purchase=purchase, supplier=supplier)
    assert purchase.__class__.objects.get().status == PurchaseStatus.ORDERED


def test_a_trainer_on_the_trainers_list_may_be_engaged(staff, office, director):
    supplier = trainer()
    services.trainer_review_record(actor=director, add=[supplier])
    purchase = services.purchase_request(
        actor=staff, category=Category.TRAINERS, subject="Семинар", supplier=supplier
    )
    assert purchase.supplier == supplier


def _ordered(office, **fields):
    purchase = PurchaseFactory(**fields)
    return services.purchase_order(
        actor=office, purchase=purchase, supplier=purchase.supplier
    )


def test_purchase_transitions_requested_ordered_accepted(office):
    purchase = _ordered(office)
    assert purchase.status == "ordered"
    verification = services.purchase_verify(
        actor=office, purchase=purchase, passed=True, findings="Баары бар"
    )
    purchase.refresh_from_db()
    assert purchase.status == "accepted"
    assert verification.nonconformity is None
    assert purchase.history.latest().history_user == office


def test_purchase_transitions_to_cancelled(office, staff):
    own = PurchaseFactory(requested_by=staff)
    services.purchase_cancel(actor=staff, purchase=own, reason="Керек эмес")
    ordered = _ordered(office)
    services.purchase_cancel(actor=office, purchase=ordered, reason="Кечикти")
    failed = _ordered(office)
    services.purchase_verify(actor=office, purchase=failed, passed=False, findings="x")
    services.purchase_cancel(actor=office, purchase=failed, reason="Акча кайтарылды")
    assert set(Purchase.objects.values_list("status", flat=True)) == {"cancelled"}


def test_a_failed_delivery_may_be_ordered_again(office):
    purchase = _ordered(office)
    services.purchase_verify(
        actor=office, purchase=purchase, passed=False, findings="x"
    )
    purchase = services.purchase_order(
        actor=office, purchase=purchase, supplier=purchase.supplier
    )
    assert purchase.status == "ordered"


def test_an_accepted_purchase_cannot_be_ordered_or_verified_again(office):
    purchase = _ordered(office)
    services.purchase_verify(
        actor=office, purchase=purchase, passed=True, findings="ok"
    )
    with pytest.raises(ValidationError) as error:
        services.purchase_verify(
            actor=office, purchase=purchase, passed=True, findings="ok"
        )
    assert "cannot go from" in _message(error)
    with pytest.raises(ValidationError):
        services.purchase_order(
            actor=office, purchase=purchase, supplier=purchase.supplier
        )


def test_a_request_cannot_be_verified_before_it_is_ordered(office):
    purchase = PurchaseFactory()
    with pytest.raises(ValidationError):
        services.purchase_verify(
            actor=office, purchase=purchase, passed=True, findings="ok"
        )


def test_failed_verification_raises_a_nonconformity_linked_both_ways(office, manager):
    purchase = _ordered(office)
    verification = services.purchase_verify(
        actor=office, purchase=purchase, passed=False, findings="Барактар жок"
    )
    nonconformity = Nonconformity.objects.get()
    assert verification.nonconformity == nonconformity
    assert nonconformity.source == "supplier"
    assert nonconformity.origin == verification
    assert nonconformity.supplier_verification == verification
    assert "Барактар жок" in nonconformity.description
    purchase.supplier.refresh_from_db()
    assert purchase.supplier.flagged
    assert Notification.objects.filter(
        recipient=manager, event="suppliers.delivery_failed"
    ).exists()


def test_staff_cannot_order_or_verify(staff):
    purchase = PurchaseFactory()
    with pytest.raises(PermissionDenied):
        services.purchase_order(
            actor=staff, purchase=purchase, supplier=purchase.supplier
        )
    with pytest.raises(PermissionDenied):
        services.purchase_verify(
            actor=staff, purchase=purchase, passed=True, findings="x"
        )


# --- Reminders ---------------------------------------------------------------------


def test_list_reminder_goes_once_a_month_in_december_only(manager, director):
    assert services.supplier_list_remind(today=date(2026, 6, 1)) == 0
    assert services.supplier_list_remind(today=date(2026, 12, 1)) == 2
    assert services.supplier_list_remind(today=date(2026, 12, 2)) == 0
    notification = Notification.objects.filter(event="suppliers.list_due").first()
    assert notification.context == {"year": 2027}
    approved_list(2027)
    assert services.supplier_list_remind(today=date(2027, 1, 2)) == 0


def test_trainer_review_reminder_is_once_a_quarter_until_reviewed(director):
    assert services.trainer_review_remind(today=date(2026, 10, 1)) == 1
    assert services.trainer_review_remind(today=date(2026, 10, 2)) == 0
    services.trainer_review_record(actor=director, reviewed_on=date(2026, 11, 2))
    assert services.trainer_review_remind(today=date(2026, 11, 3)) == 0
    assert services.trainer_review_remind(today=date(2027, 1, 1)) == 1


# --- Analysis ----------------------------------------------------------------------


def test_supplier_analysis_counts_evaluations_failures_and_nonconformities(office):
    supplier = SupplierFactory(categories=[Category.PRINTING])
    EvaluationFactory(
        supplier=supplier, category=Category.PRINTING, total=3, passed=True
    )
    good = _ordered(office, supplier=supplier)
    services.purchase_verify(actor=office, purchase=good, passed=True, findings="ok")
    bad = _ordered(office, supplier=supplier)
    services.purchase_verify(actor=office, purchase=bad, passed=False, findings="x")
    year = timezone.localdate().year
    groups = selectors.supplier_analysis(year)
    (group,) = groups
    (row,) = group.rows
    assert row.supplier == supplier
    assert (row.evaluations, row.purchases, row.failed, row.nonconformities) == (
        1,
        2,
        1,
        1,
    )
    assert selectors.supplier_analysis(year - 1) == [] or all(
        r.failed == 0 for g in selectors.supplier_analysis(year - 1) for r in g.rows
    )
