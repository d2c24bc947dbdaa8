import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from projects import services
from projects.models import (
    STAGE_ORDER,
    ContractVersion,
    Deliverable,
    ItemStatus,
    Project,
    ProjectStatus,
    RequirementsReview,
    StageStatus,
)
from projects.selectors import (
    can_view_property,
    project_team_user_ids,
    visible_projects,
)
from projects.signals import project_closed
from sapat.notify.models import Notification
from sapat.signing import services as signing
from tests.accounts.factories import TEST_PASSWORD
from tests.projects.factories import (
    ClientDocumentFactory,
    ClientFactory,
    ContactFactory,
    DecisionFactory,
    MeetingFactory,
    PlanItemFactory,
    make_project,
)
from tests.training.factories import AreaFactory, ExpertAreaFactory, ExpertFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="report.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _finish_until(project, actor, kind):
    """Finish stages in order until ``kind`` is the active one."""
    day = project.start_date
    for stage in project.stages.order_by("order"):
        if stage.kind == kind:
            return
        day += datetime.timedelta(days=1)
        services.stage_finish(actor=actor, stage=stage, finished_on=day)


# --- Projects and stages -----------------------------------------------------


def test_project_opens_with_seven_stages_and_grants_the_team(project, pm, referent):
    stages = list(project.stages.order_by("order"))
    assert [s.kind for s in stages] == list(STAGE_ORDER)
    assert stages[0].status == StageStatus.ACTIVE
    assert all(s.status == StageStatus.PLANNED for s in stages[1:])
    assert project.status == ProjectStatus.NEGOTIATION
    assert project in visible_projects(referent)
    assert can_view_property(pm, project)
    assert project_team_user_ids(project) == {pm.pk, referent.pk}
    assert project.history.first().history_user == project.created_by


def test_staff_cannot_open_a_project(staff):
    with pytest.raises(PermissionDenied):
        make_project(actor=staff)
    assert not Project.objects.exists()


@pytest.mark.parametrize("index", range(len(STAGE_ORDER) - 1))
def test_each_stage_transition(project, pm, index):
    kind = STAGE_ORDER[index]
    _finish_until(project, pm, kind)
    stage = project.stages.get(kind=kind)
    services.stage_finish(
        actor=pm,
        stage=stage,
        finished_on=project.start_date + datetime.timedelta(days=index + 1),
    )
    stage.refresh_from_db()
    project.refresh_from_db()
    assert stage.status == StageStatus.DONE
    following = project.stages.get(order=stage.order + 1)
    assert following.status == StageStatus.ACTIVE
    assert project.status == following.kind
    assert stage.history.first().history_user == pm


def test_stage_finished_before_the_previous_one_is_refused(project, pm):
    services.stage_finish(
        actor=pm,
        stage=project.stages.get(kind="negotiation"),
        finished_on=datetime.date(2026, 1, 20),
    )
    stage = project.stages.get(kind="requirements")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.stage_finish(
            actor=pm, stage=stage, finished_on=datetime.date(2026, 1, 10)
        )
    assert "cannot finish before the previous one" in str(error.value)
    stage.refresh_from_db()
    assert stage.status == StageStatus.ACTIVE


def test_a_planned_stage_cannot_be_finished(project, pm):
    stage = project.stages.get(kind="contract")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.stage_finish(actor=pm, stage=stage)
    assert "cannot be finished before the previous one" in str(error.value)
    stage.refresh_from_db()
    assert stage.status == StageStatus.PLANNED


def test_outsider_cannot_advance_a_stage(project, outsider):
    with pytest.raises(PermissionDenied):
        services.stage_finish(actor=outsider, stage=project.stages.first())


def test_close_sends_project_closed_on_commit(
    project, pm, django_capture_on_commit_callbacks
):
    _finish_until(project, pm, "close")
    received = []

    def listener(sender, project, actor, **kwargs):
        received.append((sender, project.pk, actor.pk))

    project_closed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.project_close(
                actor=pm,
                project=project,
                assessment="Жакшы өттү.",
                supplier_analysis="Котормочу өз убагында.",
                closed_on=datetime.date(2026, 1, 30),
            )
    finally:
        project_closed.disconnect(listener)
    project.refresh_from_db()
    assert project.status == ProjectStatus.CLOSED
    assert received == [(Project, project.pk, pm.pk)]


def test_close_needs_the_assessment(project, pm):
    _finish_until(project, pm, "close")
    with pytest.raises(ValidationError) as error:
        services.project_close(
            actor=pm, project=project, assessment="", supplier_analysis=""
        )
    assert set(error.value.message_dict) == {"assessment", "supplier_analysis"}
    project.refresh_from_db()
    assert project.status == "close"


def test_close_before_the_close_stage_is_refused(project, pm):
    with pytest.raises(ValidationError):
        services.project_close(
            actor=pm, project=project, assessment="a", supplier_analysis="b"
        )


def test_cancel(project, director):
    services.project_cancel(actor=director, project=project, reason="Клиент баш тартты")
    project.refresh_from_db()
    assert project.status == ProjectStatus.CANCELLED
    with pytest.raises(ValidationError):
        services.project_cancel(actor=director, project=project, reason="again")


# --- Team --------------------------------------------------------------------


def test_team_add_grants_the_project(project, director, make_user):
    member = make_user("expert")
    assert project not in visible_projects(member)
    services.team_add(actor=director, project=project, role="expert", user=member)
    assert project in visible_projects(member)
    assert can_view_property(member, project)
    assert Notification.objects.filter(recipient=member).exists()


def test_team_remove_takes_the_permission_back(project, director, make_user):
    member = make_user("expert")
    row = services.team_add(actor=director, project=project, role="expert", user=member)
    services.team_remove(actor=director, member=row)
    assert project not in visible_projects(member)


def test_a_person_twice_in_the_team_is_refused(project, director, make_user):
    member = make_user("expert")
    services.team_add(actor=director, project=project, role="expert", user=member)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.team_add(actor=director, project=project, role="lead", user=member)
    assert "already in the team" in str(error.value.message_dict["user"])
    assert project.team.count() == 1


def test_expert_without_an_account_is_refused(project, director):
    expert = ExpertFactory(user=None)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.team_add(actor=director, project=project, role="expert", expert=expert)
    assert "has no account" in str(error.value.message_dict["expert"])
    assert not project.team.exists()


def test_conflicted_expert_is_refused(project, director, make_user):
    from training.models import ConflictOfInterest

    user = make_user("expert")
    expert = ExpertFactory(user=user)
    ConflictOfInterest.objects.create(
        expert=expert,
        client_name=f"«{project.client.name.upper()}»",
        declared_on=datetime.date(2026, 1, 1),
    )
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.team_add(actor=director, project=project, role="expert", expert=expert)
    assert "conflict of interest" in str(error.value.message_dict["expert"])
    assert not project.team.exists()


def test_expert_level_must_match_the_complexity(project, director, make_user):
    area = AreaFactory()
    services.project_set_complexity(
        actor=director, project=project, complexity=3, area=area
    )
    weak = ExpertAreaFactory(area=area, level=2, expert__user=make_user("expert"))
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.team_add(
            actor=director, project=project, role="expert", expert=weak.expert
        )
    assert "below the project's complexity" in str(error.value.message_dict["expert"])
    strong = ExpertAreaFactory(area=area, level=3, expert__user=make_user("expert"))
    services.team_add(
        actor=director, project=project, role="lead", expert=strong.expert
    )
    assert project.team.get().user == strong.expert.user


def test_only_the_director_forms_the_team(project, pm, make_user):
    with pytest.raises(PermissionDenied):
        services.team_add(
            actor=pm, project=project, role="expert", user=make_user("expert")
        )


# --- Client property ---------------------------------------------------------


def test_register_and_return_a_client_document(project, referent):
    document = services.client_document_register(
        actor=referent,
        project=project,
        title="Лицензия",
        medium="paper",
        received_on=datetime.date(2026, 2, 1),
        received_from="Окуу бөлүмү",
        location="Шкаф 3",
    )
    assert document.custodian == referent
    services.client_document_return(
        actor=referent,
        document=document,
        returned_on=datetime.date(2026, 3, 1),
        returned_to="Окуу бөлүмү",
    )
    document.refresh_from_db()
    assert document.is_returned
    assert document.history.first().history_user == referent
    with pytest.raises(ValidationError):
        services.client_document_return(
            actor=referent,
            document=document,
            returned_on=datetime.date(2026, 3, 2),
            returned_to="x",
        )


def test_return_date_before_receipt_is_refused(project, referent):
    document = ClientDocumentFactory(project=project)
    # The message is lazy: it is read in English inside the override.
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            services.client_document_return(
                actor=referent,
                document=document,
                returned_on=document.received_on - datetime.timedelta(days=1),
                returned_to="x",
            )
        assert "cannot be returned before it came" in str(error.value)
    document.refresh_from_db()
    assert document.returned_on is None


def test_outsider_cannot_register_client_property(project, outsider):
    with pytest.raises(PermissionDenied):
        services.client_document_register(
            actor=outsider,
            project=project,
            title="x",
            medium="paper",
            received_on=datetime.date(2026, 2, 1),
            received_from="x",
            location="x",
        )


# --- Reviews, contracts ------------------------------------------------------


def test_review_decided_and_signed_by_the_director(director, pm):
    review = services.review_create(
        actor=pm,
        client=ClientFactory(),
        service_type="programmatic",
        client_requests="Аккредитация 3 программы",
        capacity_ok=True,
    )
    services.review_decide(
        actor=director, review=review, decision="accept", password=TEST_PASSWORD
    )
    review.refresh_from_db()
    assert review.decision == RequirementsReview.Decision.ACCEPT
    assert len(signing.manifest(review)) == 1
    with pytest.raises(ValidationError):
        services.review_decide(
            actor=director, review=review, decision="decline", password=TEST_PASSWORD
        )


def test_review_without_capacity_cannot_be_accepted(director, pm):
    review = services.review_create(
        actor=pm, client=ClientFactory(), service_type="consulting", client_requests="x"
    )
    with pytest.raises(ValidationError):
        services.review_decide(
            actor=director, review=review, decision="accept", password=TEST_PASSWORD
        )
    with pytest.raises(PermissionDenied):
        services.review_decide(
            actor=pm, review=review, decision="decline", password=TEST_PASSWORD
        )


def test_only_the_agreed_contract_version_is_sent(project, pm):
    first = services.contract_draft(
        actor=pm, client=project.client, number="Д-1", title="Келишим", file=pdf()
    )
    second = services.contract_draft(
        actor=pm, client=project.client, number="Д-1", title="Келишим", file=pdf()
    )
    assert (first.version, second.version) == (1, 2)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.contract_send(actor=pm, contract=second)
    assert "Only the agreed version" in str(error.value)
    ContractVersion.objects.filter(pk=second.pk).update(approval_status="approved")
    second.refresh_from_db()
    services.contract_send(actor=pm, contract=second)
    second.refresh_from_db()
    assert second.sent_on
    assert project.client.communications.filter(kind="contract").exists()


# --- Deliverables ------------------------------------------------------------


def test_deliverable_signed_by_client_then_approved_by_director(
    organisation, project, pm, director
):
    deliverable = services.deliverable_create(
        actor=pm, project=project, kind="conclusion", title="Корутунду", file=pdf()
    )
    with pytest.raises(ValidationError):
        signing.route_start(obj=deliverable, actor=pm)
    services.client_signature_record(
        actor=pm,
        deliverable=deliverable,
        contact=project.client.contacts.first(),
        signed_on=datetime.date(2026, 3, 1),
    )
    route = signing.route_start(obj=deliverable, actor=pm)
    signing.route_sign(
        step=route.steps.get(signer=director), actor=director, password=TEST_PASSWORD
    )
    deliverable.refresh_from_db()
    assert deliverable.approval_status == "approved"


def test_a_manager_outside_the_project_cannot_send_its_report(
    organisation, project, pm, outsider
):
    """The generic approval route checks the project, not only the model."""
    deliverable = services.deliverable_create(
        actor=pm, project=project, kind="conclusion", title="Корутунду", file=pdf()
    )
    services.client_signature_record(
        actor=pm,
        deliverable=deliverable,
        contact=project.client.contacts.first(),
        signed_on=datetime.date(2026, 3, 1),
    )
    assert outsider.has_perm("projects.change_deliverable")

    with pytest.raises(PermissionDenied):
        signing.route_start(obj=deliverable, actor=outsider)

    deliverable.refresh_from_db()
    assert deliverable.approval_status == "draft"


def test_client_signature_of_another_client_is_refused(project, pm):
    deliverable = services.deliverable_create(
        actor=pm, project=project, kind="form", title="Форма"
    )
    with pytest.raises(ValidationError):
        services.client_signature_record(
            actor=pm,
            deliverable=deliverable,
            contact=ContactFactory(),
            signed_on=datetime.date(2026, 3, 1),
        )


def _approved(project, pm):
    deliverable = services.deliverable_create(
        actor=pm, project=project, kind="self_assessment", title="Отчет", file=pdf()
    )
    Deliverable.objects.filter(pk=deliverable.pk).update(approval_status="approved")
    deliverable.refresh_from_db()
    return deliverable


def test_approved_report_is_not_edited_freely(project, pm):
    deliverable = _approved(project, pm)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.deliverable_update(
            actor=pm, deliverable=deliverable, title="Жаңы", summary=""
        )
    assert "status meeting" in str(error.value)


def test_revision_after_approval_needs_a_status_meeting_decision(project, pm):
    deliverable = _approved(project, pm)
    # The message is lazy: it is read in English inside the override.
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            services.deliverable_revise(
                actor=pm, deliverable=deliverable, decision=None, summary="x"
            )
        assert "status meeting" in str(error.value)
    weekly = DecisionFactory(meeting=MeetingFactory(kind="weekly", project=project))
    with pytest.raises(ValidationError):
        services.deliverable_revise(
            actor=pm, deliverable=deliverable, decision=weekly, summary="x"
        )
    status = DecisionFactory(meeting=MeetingFactory(kind="status", project=project))
    revision = services.deliverable_revise(
        actor=pm, deliverable=deliverable, decision=status, summary="Оңдолду"
    )
    assert revision.version == 2
    assert revision.change_decision == status
    assert Deliverable.objects.filter(project=project).count() == 2


# --- Plans, meetings, decisions ----------------------------------------------


def test_plan_item_transitions(project, referent):
    item = services.item_add(
        actor=referent,
        project=project,
        title="Визит",
        owner=referent,
        due_date=datetime.date(2026, 3, 1),
    )
    services.item_update_status(
        actor=referent, item=item, status=ItemStatus.IN_PROGRESS, note="Башталды"
    )
    services.item_update_status(actor=referent, item=item, status=ItemStatus.DONE)
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE and item.done_on
    with translation.override("ru"):
        done, planned = str(ItemStatus.DONE.label), str(ItemStatus.PLANNED.label)
        with pytest.raises(ValidationError) as error:
            services.item_update_status(actor=referent, item=item, status="planned")
    # The statuses are named as the user reads them, not by their codes.
    (message,) = error.value.messages
    assert done in message and planned in message
    assert "done" not in message
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE


def test_stranger_cannot_mark_a_task(project, referent, outsider):
    item = PlanItemFactory(project=project, owner=referent)
    with pytest.raises(PermissionDenied):
        services.item_update_status(actor=outsider, item=item, status="done")


def test_overdue_reminders_are_sent_once(project, referent):
    PlanItemFactory(project=project, owner=referent, due_date=datetime.date(2026, 3, 1))
    DecisionFactory(owner=referent, due_date=datetime.date(2026, 3, 1))
    PlanItemFactory(project=project, owner=referent, due_date=datetime.date(2026, 5, 1))
    today = datetime.date(2026, 3, 10)
    assert services.overdue_remind(today=today) == 2
    assert services.overdue_remind(today=today) == 0


def test_decision_transitions_and_preventive_action(director, make_user):
    soon = timezone.localdate() + datetime.timedelta(days=30)
    meeting = services.meeting_create(
        actor=director,
        kind="operational",
        number="12",
        date=datetime.date(2026, 3, 2),
        chair=director,
    )
    owner = make_user("quality_manager")
    decision = services.decision_add(
        actor=director,
        meeting=meeting,
        text="Эксперттердин жетишсиздиги: резерв түзүү",
        owner=owner,
        due_date=soon,
    )
    action = services.decision_raise_preventive(
        actor=director,
        decision=decision,
        title="Эксперттердин резерви",
        potential_problem="Эксперт жетишпей калышы мүмкүн",
        root_cause="Бир областта эксперттер аз",
        owner=owner,
        due_date=soon,
        check_due=soon + datetime.timedelta(days=30),
        checker=director,
    )
    decision.refresh_from_db()
    assert decision.preventive_action == action
    assert action.kind == "preventive" and action.trigger == "meeting"
    services.decision_move(actor=owner, decision=decision, status="done")
    with pytest.raises(ValidationError):
        services.decision_move(actor=director, decision=decision, status="open")


def test_project_meeting_needs_a_project(director):
    with pytest.raises(ValidationError):
        services.meeting_create(
            actor=director,
            kind="status",
            number="1",
            date=datetime.date(2026, 3, 2),
            chair=director,
        )


def test_handover_moves_open_work(project, pm, referent, make_user, director):
    from projects.handover import projects_hand_over

    successor = make_user("project_manager")
    PlanItemFactory(project=project, owner=pm)
    with mock.patch("projects.services.notify"):
        moved = projects_hand_over(from_user=pm, to_user=successor, actor=director)
    assert moved == 2
    project.refresh_from_db()
    assert project.project_manager == successor
    assert can_view_property(successor, project)
    assert not can_view_property(pm, project)
