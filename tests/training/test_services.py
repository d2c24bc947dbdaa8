"""Personnel services: staff files, experts, attestation, plan, induction."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from documents.services.register import revision_acknowledge
from sapat.signing.models import ApprovalStatus, Meaning, Signature
from sapat.signing.services import route_sign
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.training.factories import (
    CompetenceFactory,
    EmployeeFactory,
    ExpertFactory,
    HeldFactory,
    RequirementFactory,
)
from training import services
from training.models import (
    INTERNAL_AUDITOR,
    Attestation,
    Briefing,
    Employee,
    Induction,
    PlanItem,
    PlanItemStatus,
    TrainingNeed,
    TrainingTaken,
)
from training.selectors import (
    competence_matrix,
    expert_conflicts,
    gaps_of,
    qualified_internal_auditors,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)


def _approve(obj, director):
    """Every open step of ``obj``'s route signed by its signer, in order."""
    from sapat.signing.services import active_steps, open_route

    route = open_route(obj)
    while route is not None and route.is_open:
        for step in active_steps(route):
            route_sign(step=step, actor=step.signer, password=TEST_PASSWORD)
        route.refresh_from_db()
    obj.refresh_from_db()
    return obj


# --- Staff files and trainings -----------------------------------------------


def test_hire_opens_a_staff_file_with_history(personnel):
    newcomer = UserFactory()
    employee = services.employee_hire(
        actor=personnel, user=newcomer, hired_on=TODAY, languages="кыргыз, орус"
    )
    assert employee.user == newcomer
    assert employee.history.latest().history_user == personnel


def test_hire_refuses_a_second_file_and_staff(personnel, staff):
    employee = EmployeeFactory()
    with pytest.raises(ValidationError) as error:
        services.employee_hire(actor=personnel, user=employee.user, hired_on=TODAY)
    assert "user" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.employee_hire(actor=staff, user=UserFactory(), hired_on=TODAY)
    assert Employee.objects.count() == 1


def test_a_certificate_expiring_before_it_was_issued_is_refused(personnel):
    employee = EmployeeFactory()
    # The message is lazy: it is read in English inside the override.
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            services.training_record(
                actor=personnel,
                employee=employee,
                title="ISO 9001 аудитор",
                issued_on=TODAY,
                expires_on=TODAY - datetime.timedelta(days=1),
            )
        assert error.value.message_dict["expires_on"] == [
            "A certificate cannot expire before it was issued."
        ]
    assert not TrainingTaken.objects.exists()


def test_an_executable_certificate_is_refused(personnel):
    employee = EmployeeFactory()
    bad = SimpleUploadedFile("cert.pdf", b"MZ\x90" + b"\x00" * 40)
    with pytest.raises(ValidationError):
        services.training_record(
            actor=personnel,
            employee=employee,
            title="Курс",
            issued_on=TODAY,
            certificate=bad,
        )
    assert not TrainingTaken.objects.exists()


def test_a_training_raises_the_competence_but_never_lowers_it(personnel):
    held = HeldFactory(level=3)
    services.training_record(
        actor=personnel,
        employee=held.employee,
        title="Кайталоо курсу",
        issued_on=TODAY,
        competence=held.competence,
        level=2,
    )
    held.refresh_from_db()
    assert held.level == 3
    other = CompetenceFactory()
    services.training_record(
        actor=personnel,
        employee=held.employee,
        title="Жаңы курс",
        issued_on=TODAY,
        competence=other,
        level=2,
    )
    assert held.employee.competences_held.get(competence=other).level == 2


def test_internal_auditors_are_those_holding_the_competence(personnel):
    auditor = CompetenceFactory(code=INTERNAL_AUDITOR, name="Ички аудитор")
    qualified = HeldFactory(competence=auditor, level=2).employee
    HeldFactory(competence=CompetenceFactory(), level=3)
    left = HeldFactory(competence=auditor, level=3).employee
    left.left_on = TODAY
    left.save()
    assert list(qualified_internal_auditors()) == [qualified.user]
    assert list(qualified_internal_auditors(min_level=3)) == []


# --- Experts -----------------------------------------------------------------


def test_withdrawing_consent_clears_its_date(personnel):
    expert = ExpertFactory()
    expert = services.expert_save(actor=personnel, expert=expert, public_consent=False)
    assert expert.consent_on is None
    expert = services.expert_save(actor=personnel, expert=expert, public_consent=True)
    assert expert.consent_on is not None


def test_an_internal_expert_takes_the_name_of_the_person(personnel):
    person = UserFactory(full_name="Усенов Талант")
    expert = services.expert_save(actor=personnel, user=person, name="")
    assert expert.name == "Усенов Талант"
    assert expert.is_internal


def test_conflicts_are_found_whatever_the_quotes_and_case(personnel):
    expert = ExpertFactory()
    services.conflict_declare(
        actor=personnel,
        expert=expert,
        client_name="«Ала-Too» университети",
        declared_on=TODAY,
        note="Мурда иштеген",
    )
    assert expert_conflicts(expert, '"ала-too"  УНИВЕРСИТЕТИ').count() == 1
    assert expert_conflicts(expert, "Башка ЖОЖ").count() == 0
    assert expert_conflicts(ExpertFactory(), "«Ала-Too» университети").count() == 0


# --- Attestation → need → plan → training → gap closes -----------------------


def test_attestation_to_plan_to_training_closes_the_gap(
    personnel, director, organisation, make_user
):
    member = make_user("quality_manager")
    competence = CompetenceFactory(name="Ички аудит")
    requirement = RequirementFactory(competence=competence, level=2)
    employee = EmployeeFactory(post=requirement.post)
    HeldFactory(employee=employee, competence=competence, level=1)
    assert [g[0] for g in gaps_of(employee)] == [competence]

    attestation = services.attestation_create(
        actor=personnel,
        employee=employee,
        date=TODAY,
        commission=[member],
        result=Attestation.Result.TRAINING,
        recommendations="Ички аудит боюнча окутуу",
    )
    need = services.need_add(
        actor=personnel, attestation=attestation, competence=competence, level=2
    )
    assert need.source == TrainingNeed.Source.ATTESTATION
    route = services.attestation_send(actor=personnel, attestation=attestation)
    assert list(route.steps.values_list("signer", flat=True)) == [
        member.pk,
        director.pk,
    ]
    attestation = _approve(attestation, director)
    assert attestation.approval_status == ApprovalStatus.APPROVED

    plan = services.plan_create(actor=personnel, year=TODAY.year)
    items = services.plan_add_needs(
        actor=personnel,
        plan=plan,
        planned_on=datetime.date(TODAY.year, 5, 1),
        responsible=personnel,
    )
    assert [item.need for item in items] == [need]
    assert (
        services.plan_add_needs(
            actor=personnel, plan=plan, planned_on=TODAY, responsible=personnel
        )
        == []
    )
    from sapat.signing.services import route_start

    route_start(obj=plan, actor=personnel)
    plan = _approve(plan, director)
    assert plan.approval_status == ApprovalStatus.APPROVED

    training = services.training_record(
        actor=personnel,
        employee=employee,
        title="Ички аудиторлор үчүн курс",
        issued_on=datetime.date(TODAY.year, 5, 3),
        competence=competence,
        level=2,
        plan_item=items[0],
    )
    item = PlanItem.objects.get(pk=items[0].pk)
    assert item.status == PlanItemStatus.DONE
    assert item.completed_by == training
    assert gaps_of(employee) == []
    _columns, rows = competence_matrix(Employee.objects.filter(pk=employee.pk))
    assert rows[0].gaps == 0


def test_an_attestation_for_someone_who_left_is_refused(personnel, make_user):
    employee = EmployeeFactory(left_on=TODAY)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.attestation_create(
            actor=personnel,
            employee=employee,
            date=TODAY,
            commission=[make_user("director")],
            result=Attestation.Result.MEETS,
        )
    assert "has left" in error.value.message_dict["employee"][0]
    assert not Attestation.objects.exists()


def test_needs_are_added_to_a_draft_attestation_only(personnel, make_user):
    attestation = services.attestation_create(
        actor=personnel,
        employee=EmployeeFactory(),
        date=TODAY,
        commission=[make_user("quality_manager")],
        result=Attestation.Result.MEETS,
    )
    Attestation.objects.filter(pk=attestation.pk).update(
        approval_status=ApprovalStatus.APPROVED
    )
    with pytest.raises(ValidationError):
        services.need_add(actor=personnel, attestation=attestation, topic="Тема")
    assert not TrainingNeed.objects.exists()


# --- The plan item state machine ---------------------------------------------


@pytest.fixture
def item(personnel):
    plan = services.plan_create(actor=personnel, year=TODAY.year)
    item = services.plan_item_add(
        actor=personnel,
        plan=plan,
        employee=EmployeeFactory(),
        topic="Психология",
        planned_on=TODAY,
        responsible=personnel,
    )
    type(plan).objects.filter(pk=plan.pk).update(
        approval_status=ApprovalStatus.APPROVED
    )
    item.refresh_from_db()
    return item


def test_plan_item_planned_to_done(personnel, item):
    services.training_record(
        actor=personnel,
        employee=item.employee,
        title="Психология",
        issued_on=TODAY,
        plan_item=item,
    )
    item.refresh_from_db()
    assert item.status == PlanItemStatus.DONE


def test_plan_item_planned_to_cancelled(personnel, item):
    services.plan_item_cancel(actor=personnel, item=item, reason="Тренер жок")
    item.refresh_from_db()
    assert item.status == PlanItemStatus.CANCELLED
    assert item.history.latest().history_change_reason == "Тренер жок"


def test_a_cancelled_item_cannot_be_done(personnel, item):
    services.plan_item_cancel(actor=personnel, item=item, reason="Тренер жок")
    with pytest.raises(ValidationError):
        services.training_record(
            actor=personnel,
            employee=item.employee,
            title="Психология",
            issued_on=TODAY,
            plan_item=item,
        )
    assert not TrainingTaken.objects.exists()


def test_a_draft_plan_item_is_not_done(personnel):
    plan = services.plan_create(actor=personnel, year=TODAY.year)
    item = services.plan_item_add(
        actor=personnel,
        plan=plan,
        employee=EmployeeFactory(),
        topic="Тема",
        planned_on=TODAY,
        responsible=personnel,
    )
    with pytest.raises(ValidationError):
        services.training_record(
            actor=personnel,
            employee=item.employee,
            title="Тема",
            issued_on=TODAY,
            plan_item=item,
        )


def test_a_plan_item_outside_the_year_is_refused(personnel):
    plan = services.plan_create(actor=personnel, year=2026)
    with pytest.raises(ValidationError) as error:
        services.plan_item_add(
            actor=personnel,
            plan=plan,
            employee=EmployeeFactory(),
            topic="Тема",
            planned_on=datetime.date(2027, 1, 5),
            responsible=personnel,
        )
    assert "planned_on" in error.value.message_dict


# --- Induction ---------------------------------------------------------------


@pytest.fixture
def induction(personnel, make_in_force):
    revisions = [make_in_force("СК"), make_in_force("ДЖ-01")]
    employee = EmployeeFactory()
    induction = services.induction_start(
        actor=personnel,
        employee=employee,
        documents=[r.document for r in revisions],
        started_on=TODAY,
    )
    induction.revisions = revisions
    return induction


def test_induction_completes_after_acknowledgements_and_both_briefings(
    induction, director, organisation, personnel
):
    newcomer = induction.employee.user
    for revision in induction.revisions:
        revision_acknowledge(revision=revision, actor=newcomer, password=TEST_PASSWORD)
    induction.refresh_from_db()
    assert induction.completed_on is None
    services.briefing_sign(
        actor=director,
        induction=induction,
        kind=Briefing.Kind.SAFETY,
        password=TEST_PASSWORD,
        given_on=TODAY,
    )
    services.briefing_sign(
        actor=personnel,  # the deputy gives the QMS briefing
        induction=induction,
        kind=Briefing.Kind.QMS,
        password=TEST_PASSWORD,
        given_on=TODAY,
    )
    induction.refresh_from_db()
    assert induction.completed_on is not None
    briefing = induction.briefings.get(kind=Briefing.Kind.QMS)
    signature = Signature.objects.for_object(briefing).get()
    assert (signature.signer, signature.meaning) == (personnel, Meaning.PERFORMED)


def test_acknowledging_last_completes_the_induction(induction, director, personnel):
    for kind, signer in (
        (Briefing.Kind.SAFETY, director),
        (Briefing.Kind.QMS, director),
    ):
        services.briefing_sign(
            actor=signer, induction=induction, kind=kind, password=TEST_PASSWORD
        )
    newcomer = induction.employee.user
    revision_acknowledge(
        revision=induction.revisions[0], actor=newcomer, password=TEST_PASSWORD
    )
    induction.refresh_from_db()
    assert induction.completed_on is None
    revision_acknowledge(
        revision=induction.revisions[1], actor=newcomer, password=TEST_PASSWORD
    )
    induction.refresh_from_db()
    assert induction.completed_on is not None


def test_a_deputy_does_not_give_the_safety_briefing(induction, personnel):
    with pytest.raises(PermissionDenied):
        services.briefing_sign(
            actor=personnel,
            induction=induction,
            kind=Briefing.Kind.SAFETY,
            password=TEST_PASSWORD,
        )
    assert not Briefing.objects.exists()


def test_a_wrong_password_signs_no_briefing(induction, director):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.briefing_sign(
            actor=director,
            induction=induction,
            kind=Briefing.Kind.SAFETY,
            password="wrong",
        )
    assert error.value.messages == ["The password is wrong: nothing was signed."]
    assert not Briefing.objects.exists()


def test_a_briefing_is_signed_once(induction, director):
    services.briefing_sign(
        actor=director,
        induction=induction,
        kind=Briefing.Kind.SAFETY,
        password=TEST_PASSWORD,
    )
    with pytest.raises(ValidationError):
        services.briefing_sign(
            actor=director,
            induction=induction,
            kind=Briefing.Kind.SAFETY,
            password=TEST_PASSWORD,
        )
    assert Briefing.objects.count() == 1


def test_an_induction_starts_once(induction, personnel):
    with pytest.raises(ValidationError):
        services.induction_start(
            actor=personnel,
            employee=induction.employee,
            documents=[induction.revisions[0].document],
        )
    assert Induction.objects.count() == 1


# --- Deactivation and handover -----------------------------------------------


def test_deactivating_with_open_work_and_no_successor_lists_it(
    personnel, sysadmin, make_in_force
):
    leaver = EmployeeFactory()
    make_in_force("ДЖ-07", owner=leaver.user)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services_accounts().user_deactivate(user=leaver.user, actor=sysadmin)
    message = error.value.message_dict["successor"][0]
    assert "ДЖ-07" in message and "Documents owned" in message
    leaver.user.refresh_from_db()
    assert leaver.user.is_active


def test_deactivating_hands_everything_over_and_closes_the_file(
    personnel, sysadmin, make_in_force
):
    from documents.models import Document

    leaver = EmployeeFactory()
    successor = UserFactory()
    make_in_force("ДЖ-07", owner=leaver.user)
    plan = services.plan_create(actor=personnel, year=TODAY.year)
    organised = services.plan_item_add(
        actor=personnel,
        plan=plan,
        employee=EmployeeFactory(),
        topic="Тема",
        planned_on=TODAY,
        responsible=leaver.user,
    )
    attending = services.plan_item_add(
        actor=personnel,
        plan=plan,
        employee=leaver,
        topic="Тема 2",
        planned_on=TODAY,
        responsible=personnel,
    )
    moved = services_accounts().user_deactivate(
        user=leaver.user, actor=sysadmin, successor=successor, left_on=TODAY
    )
    assert moved == 2
    leaver.refresh_from_db()
    leaver.user.refresh_from_db()
    assert not leaver.user.is_active
    assert leaver.left_on == TODAY
    assert Document.objects.get(code="ДЖ-07").owner == successor
    organised.refresh_from_db()
    attending.refresh_from_db()
    assert organised.responsible == successor
    assert organised.history.latest().history_user == sysadmin
    assert attending.status == PlanItemStatus.CANCELLED
    from sapat.handover import open_work

    assert open_work(leaver.user) == []


def test_only_user_administrators_deactivate(personnel):
    leaver = EmployeeFactory()
    with pytest.raises(PermissionDenied):
        services_accounts().user_deactivate(user=leaver.user, actor=personnel)


def services_accounts():
    from sapat.accounts import services as accounts

    return accounts
