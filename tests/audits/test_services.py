import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from audits import services
from audits.models import (
    Answer,
    Audit,
    AuditStatus,
    DecisionStatus,
    Finding,
    ManagementReview,
    ReviewDecision,
    ReviewStatus,
)
from capa.models import Nonconformity
from sapat.signing.models import ApprovalStatus, Meaning, Signature
from sapat.signing.selectors import pdfs_of
from tests.accounts.factories import TEST_PASSWORD, UserFactory

from .factories import ReviewFactory, make_auditor

pytestmark = pytest.mark.django_db


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Planning: qualification, independence, dates ----------------------------


def test_audit_create_generates_checklist(qm, audit_kwargs, clauses, card):
    audit = services.audit_create(actor=qm, **audit_kwargs)
    assert audit.code == "ИА-2026-01"
    assert audit.status == AuditStatus.PLANNED
    items = list(audit.checklist.all())
    assert len(items) == len(clauses) + 1
    assert {i.clause_id for i in items if i.clause_id} == {c.pk for c in clauses}
    assert [i.process_id for i in items if i.process_id] == [card.pk]
    assert audit.history.first().history_user == qm


def test_unqualified_auditor_refused(qm, audit_kwargs):
    stranger = UserFactory(roles=["staff"], full_name="Бакыт Асанов")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.audit_create(actor=qm, **{**audit_kwargs, "lead_auditor": stranger})
    assert "Бакыт Асанов does not hold the internal auditor competence" in _messages(
        error.value
    )
    assert not Audit.objects.exists()


def test_auditor_of_own_unit_refused(qm, audit_kwargs, audited_unit):
    insider = make_auditor(full_name="Жылдыз Орозова", unit=audited_unit)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.audit_create(actor=qm, **{**audit_kwargs, "auditors": [insider]})
    assert (
        "Жылдыз Орозова works in an audited unit: auditors never audit their own unit."
        in _messages(error.value)
    )
    assert not Audit.objects.exists()


def test_qualified_independent_auditor_accepted(qm, audit_kwargs):
    other = make_auditor()
    audit = services.audit_create(actor=qm, **{**audit_kwargs, "auditors": [other]})
    assert list(audit.auditors.all()) == [other]


def test_planned_audit_outside_programme_year_refused(qm, audit_kwargs):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.audit_create(
            actor=qm,
            **{
                **audit_kwargs,
                "start_date": datetime.date(2027, 1, 10),
                "end_date": datetime.date(2027, 1, 11),
            },
        )
    assert "A planned audit falls within its programme's year (2026)." in _messages(
        error.value
    )
    assert not Audit.objects.exists()


def test_unplanned_audit_needs_reason(qm, audit_kwargs):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.audit_create(actor=qm, planned=False, reason=" ", **audit_kwargs)
    assert "Give the reason for an unplanned audit." in _messages(error.value)
    audit = services.audit_create(
        actor=qm, planned=False, reason="Үч даттануу", **audit_kwargs
    )
    assert audit.reason == "Үч даттануу"


def test_audit_create_needs_permission(staff, audit_kwargs):
    with pytest.raises(PermissionDenied):
        services.audit_create(actor=staff, **audit_kwargs)
    assert not Audit.objects.exists()


# --- Lifecycle -----------------------------------------------------------------


@pytest.fixture
def audit(qm, audit_kwargs):
    return services.audit_create(actor=qm, **audit_kwargs)


def _started(audit, actor):
    services.audit_send_plan(actor=actor, audit=audit)
    return services.audit_start(actor=actor, audit=audit)


def test_send_plan_notifies_auditees(qm, audit, card, audited_unit):
    member = UserFactory(roles=["staff"], unit=audited_unit)
    services.audit_send_plan(actor=qm, audit=audit)
    audit.refresh_from_db()
    assert audit.status == AuditStatus.NOTIFIED
    assert audit.plan_sent_at is not None
    from sapat.notify.models import Notification

    notified = set(
        Notification.objects.filter(event="audits.plan").values_list(
            "recipient", flat=True
        )
    )
    assert {member.pk, card.owner.pk} <= notified


def test_transitions(qm, audit, lead):
    services.audit_send_plan(actor=lead, audit=audit)
    services.audit_start(actor=lead, audit=audit)
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_PROGRESS
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.audit_cancel(actor=qm, audit=audit, reason="Кереги жок")
    assert "This cannot go from" in _messages(error.value)


def test_cancel_planned(qm, audit):
    services.audit_cancel(actor=qm, audit=audit, reason="Бөлүм кайра түзүлдү")
    audit.refresh_from_db()
    assert audit.status == AuditStatus.CANCELLED


def test_forbidden_transition_start_before_plan(qm, audit):
    with pytest.raises(ValidationError):
        services.audit_start(actor=qm, audit=audit)


def test_outsider_cannot_work_on_audit(staff, audit):
    with pytest.raises(PermissionDenied):
        services.audit_send_plan(actor=staff, audit=audit)


def test_answer_needs_evidence(lead, audit):
    _started(audit, lead)
    item = audit.checklist.first()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.checklist_answer(
            actor=lead, item=item, answer=Answer.CONFORMS, evidence=""
        )
    assert "Write the evidence seen" in _messages(error.value)
    item.refresh_from_db()
    assert item.answer == ""


def test_nonconformity_finding_raises_capa(lead, audit, card, clauses):
    _started(audit, lead)
    finding = services.finding_add(
        actor=lead,
        audit=audit,
        kind="minor",
        description="Корутундулардын реестри толук эмес.",
        clause=clauses[0],
        process=card,
    )
    nc = Nonconformity.objects.get()
    assert finding.nonconformity == nc
    assert nc.origin == finding
    assert nc.source == "internal_audit"
    assert nc.process == card
    assert nc.responsible == card.owner
    assert audit.code in nc.description


def test_observation_raises_no_capa(lead, audit):
    _started(audit, lead)
    finding = services.finding_add(
        actor=lead, audit=audit, kind="observation", description="Байкоо"
    )
    assert finding.nonconformity is None
    assert not Nonconformity.objects.exists()


def test_sign_report_refused_with_unanswered_items(lead, audit):
    _started(audit, lead)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.audit_sign_report(
            actor=lead, audit=audit, password=TEST_PASSWORD, conclusion="Жыйынтык"
        )
    message = _messages(error.value)
    assert message.startswith("Answer the mandatory checklist items first:")
    for item in audit.checklist.all():
        assert item.question in message
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_PROGRESS


def _answer_all(audit, actor):
    for item in audit.checklist.all():
        services.checklist_answer(
            actor=actor, item=item, answer=Answer.CONFORMS, evidence="Жазуулар"
        )


def test_sign_report(lead, audit, pdf_keys, django_capture_on_commit_callbacks):
    from sapat.signing.models import SignedPDF

    _started(audit, lead)
    _answer_all(audit, lead)
    with django_capture_on_commit_callbacks(execute=True):
        services.audit_sign_report(
            actor=lead, audit=audit, password=TEST_PASSWORD, conclusion="Шайкеш"
        )
    audit.refresh_from_db()
    assert audit.status == AuditStatus.REPORTED
    signature = Signature.objects.for_object(audit).get()
    assert (signature.signer, signature.meaning) == (lead, Meaning.PERFORMED)
    pdf = pdfs_of(audit).get()
    assert pdf.status == SignedPDF.Status.READY


def test_only_lead_signs(qm, lead, audit):
    _started(audit, lead)
    _answer_all(audit, lead)
    with pytest.raises(PermissionDenied):
        services.audit_sign_report(
            actor=qm, audit=audit, password=TEST_PASSWORD, conclusion="Шайкеш"
        )


# --- Review --------------------------------------------------------------------


def test_review_lifecycle_and_follow_ups(qm, director, organisation):
    review = services.review_create(
        actor=qm,
        kind="strategic",
        year=2026,
        date=datetime.date(2026, 12, 22),
        chair=director,
    )
    assert review.month is None
    with pytest.raises(ValidationError):
        services.review_close(actor=qm, review=review)
    services.review_hold(
        actor=qm, review=review, minutes="Протокол", participants="Баары"
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.HELD
    decision = services.decision_add(
        actor=qm,
        review=review,
        area="resources",
        text="Экинчи аудиторду окутуу",
        owner=qm,
        due_date=datetime.date(2027, 3, 1),
    )
    ManagementReview.objects.filter(pk=review.pk).update(
        approval_status=ApprovalStatus.APPROVED
    )
    review.refresh_from_db()
    services.review_close(actor=qm, review=review)
    review.refresh_from_db()
    assert review.status == ReviewStatus.CLOSED
    follow_ups = dict(
        ReviewDecision.objects.exclude(pk=decision.pk).values_list(
            "follow_up", "due_date"
        )
    )
    assert follow_ups["concept"] == datetime.date(2027, 1, 15)
    assert set(follow_ups) == {"manual", "suppliers", "concept", "policy"}


def test_review_hold_needs_minutes(qm):
    review = ReviewFactory()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.review_hold(actor=qm, review=review, minutes=" ", participants="")
    assert "Write the minutes of the meeting." in _messages(error.value)
    review.refresh_from_db()
    assert review.status == ReviewStatus.PLANNED


def test_operational_review_needs_month(qm, director):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.review_create(
            actor=qm,
            kind="operational",
            year=2026,
            date=datetime.date(2026, 4, 20),
            chair=director,
        )
    assert "An operational review is for a month." in _messages(error.value)


def test_decision_done_and_forbidden_move(qm):
    review = ReviewFactory(status=ReviewStatus.HELD)
    decision = services.decision_add(
        actor=qm,
        review=review,
        area="qms",
        text="Чечим",
        owner=qm,
        due_date=review.date,
    )
    services.decision_move(
        actor=qm, decision=decision, status=DecisionStatus.DONE, result="Аткарылды"
    )
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE
    with pytest.raises(ValidationError):
        services.decision_move(
            actor=qm,
            decision=decision,
            status=DecisionStatus.CANCELLED,
            result="Жок",
        )


def test_decision_cancel(qm):
    review = ReviewFactory(status=ReviewStatus.HELD)
    decision = services.decision_add(
        actor=qm, review=review, area="qms", text="Ч", owner=qm, due_date=review.date
    )
    services.decision_move(
        actor=qm, decision=decision, status=DecisionStatus.CANCELLED, result="Эскирди"
    )
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.CANCELLED


def test_decision_raises_capa_action(qm):
    from django.utils import timezone

    from capa.models import Action

    today = timezone.localdate()
    review = ReviewFactory(
        status=ReviewStatus.HELD,
        year=today.year,
        month=None,
        kind="strategic",
        date=today,
    )
    decision = services.decision_add(
        actor=qm,
        review=review,
        area="services",
        text="Семинарлардын баалоосун жакшыртуу",
        owner=UserFactory(roles=["staff"]),
        due_date=today + datetime.timedelta(days=30),
    )
    action = services.decision_raise_action(
        actor=qm,
        decision=decision,
        kind="improvement",
        checker=qm,
        check_due=today + datetime.timedelta(days=60),
    )
    assert Action.objects.get() == action
    assert action.trigger == "meeting"
    decision.refresh_from_db()
    assert decision.capa_action == action


def test_decision_owner_may_complete_others_not(staff, qm):
    review = ReviewFactory(status=ReviewStatus.HELD)
    owner = UserFactory(roles=["staff"])
    decision = services.decision_add(
        actor=qm, review=review, area="qms", text="Ч", owner=owner, due_date=review.date
    )
    with pytest.raises(PermissionDenied):
        services.decision_move(
            actor=staff, decision=decision, status="done", result="Бүттү"
        )
    services.decision_move(
        actor=owner, decision=decision, status="done", result="Бүттү"
    )


def test_finding_count(lead, audit):
    _started(audit, lead)
    services.finding_add(actor=lead, audit=audit, kind="opportunity", description="М")
    assert Finding.objects.count() == 1


# --- Evidence map, coverage, handover -------------------------------------------


def test_audits_count_in_the_evidence_map(lead, audit, clauses):
    from sapat.quality import evidence

    assert "audit" in evidence.required_kinds()
    found = evidence.collect([c.pk for c in clauses])
    assert all(not found[c.pk]["audit"] for c in clauses)
    _started(audit, lead)
    found = evidence.collect([c.pk for c in clauses])
    assert all([e.label for e in found[c.pk]["audit"]] == [audit.code] for c in clauses)


def test_coverage_shows_gaps(qm, programme, audit, card, clauses):
    from audits.selectors import coverage
    from tests.quality.factories import ProcessCardFactory

    other = ProcessCardFactory(code="ПК-09")
    grid = coverage(programme)
    assert grid["years"] == [2024, 2025, 2026]
    rows = {row.obj.pk: row for row in grid["processes"]}
    assert rows[card.pk].covered
    assert rows[card.pk].cells[-1] == [audit]
    assert not rows[other.pk].covered
    assert grid["process_gaps"] == 1
    covered = {row.obj.pk for row in grid["clauses"] if row.covered}
    assert covered == {c.pk for c in clauses}
    assert grid["clause_gaps"] == len(grid["clauses"]) - len(clauses)


def test_handover_moves_open_audits_and_decisions(qm, lead, audit):
    successor = make_auditor()
    review = ReviewFactory(status=ReviewStatus.HELD)
    decision = services.decision_add(
        actor=qm, review=review, area="qms", text="Ч", owner=lead, due_date=review.date
    )
    assert len(services.open_work(lead)) == 2
    assert services.hand_over(from_user=lead, to_user=successor, actor=qm) == 2
    audit.refresh_from_db()
    decision.refresh_from_db()
    assert audit.lead_auditor == successor
    assert decision.owner == successor
    assert services.open_work(lead) == []


def test_cancel_after_plan_sent(qm, audit):
    services.audit_send_plan(actor=qm, audit=audit)
    services.audit_cancel(actor=qm, audit=audit, reason="Бөлүм жабылды")
    audit.refresh_from_db()
    assert audit.status == AuditStatus.CANCELLED


def test_planned_audit_refused_once_programme_approved(qm, audit_kwargs, programme):
    from audits.models import AuditProgramme

    AuditProgramme.objects.filter(pk=programme.pk).update(
        approval_status=ApprovalStatus.APPROVED
    )
    programme.refresh_from_db()
    with pytest.raises(ValidationError):
        services.audit_create(actor=qm, **audit_kwargs)
    audit = services.audit_create(
        actor=qm, planned=False, reason="Даттануулар", **audit_kwargs
    )
    assert not audit.planned


def test_area_for_improvement_becomes_an_action(qm):
    from django.utils import timezone

    from capa.models import Action

    from .factories import CriterionFactory

    CriterionFactory.create_batch(2)
    today = timezone.localdate()
    assessment = services.assessment_create(actor=qm, year=today.year, due_date=today)
    score = assessment.scores.first()
    services.score_update(
        actor=qm,
        score=score,
        value=2,
        evidence="Аудиттин отчету",
        strengths="",
        improvements="Ички аудиторлорду окутуу",
    )
    owner = UserFactory(roles=["staff"])
    action = services.score_raise_action(
        actor=qm,
        score=score,
        owner=owner,
        due_date=today + datetime.timedelta(days=30),
        checker=qm,
    )
    assert Action.objects.get() == action
    assert action.kind == "improvement"
    score.refresh_from_db()
    assert score.action == action


def test_staff_meeting_in_the_last_working_week(qm):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.meeting_save(actor=qm, year=2026, date=datetime.date(2026, 12, 18))
    assert "held in the last working week of the year (from 28.12.2026)" in (
        _messages(error.value)
    )
    meeting = services.meeting_save(
        actor=qm, year=2026, date=datetime.date(2026, 12, 29), results="Жыйынтык"
    )
    assert meeting.history.first().history_user == qm


def test_strategic_review_before_the_staff_meeting(qm, director):
    services.meeting_save(actor=qm, year=2026, date=datetime.date(2026, 12, 28))
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.review_create(
            actor=qm,
            kind="strategic",
            year=2026,
            date=datetime.date(2026, 12, 29),
            chair=director,
        )
    assert "held before the general staff meeting (28.12.2026)" in _messages(
        error.value
    )
    assert not ManagementReview.objects.exists()
