"""capa.services: both lifecycles, who may take each step, signatures,
history, bad input, follow-ups, numbering, the manual review and the plan."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from capa import services
from capa.models import (
    Action,
    ActionKind,
    ActionStatus,
    ActionTask,
    CapaPlan,
    CauseCategory,
    Disposition,
    EvidenceFile,
    Nonconformity,
    NonconformityStatus,
    Source,
)
from documents.models import ChangeRequest
from sapat.notify.models import Notification
from sapat.signing import services as signing
from sapat.signing.models import ApprovalStatus, Meaning, Signature, SignedPDF
from tests.accounts.factories import TEST_PASSWORD
from tests.capa.factories import (
    ActionFactory,
    NonconformityFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64
GIF = b"GIF89a\x01\x00\x01\x00" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _english():
    """Messages and history reasons are compared in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def manager(make_user):
    """Handles nonconformities, opens actions and checks them."""
    return make_user("quality_manager")


@pytest.fixture
def owner(make_user):
    """An action's owner: plain staff, without ``capa.change_action``."""
    return make_user("staff")


def today():
    return timezone.localdate()


def upload(content: bytes, name: str = "evidence.bin") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def history(obj) -> list[tuple]:
    """(user, reason) of each history row of ``obj``, oldest first."""
    return [
        (row.history_user, row.history_change_reason)
        for row in obj.history.order_by("history_id")
    ]


def last_history(obj) -> tuple:
    return history(obj)[-1]


def signatures(obj) -> list[tuple]:
    return [
        (s.signer, s.meaning)
        for s in Signature.objects.for_object(obj).order_by("signed_at", "id")
    ]


def refused(call, **kwargs) -> ValidationError:
    with translation.override("en"), pytest.raises(ValidationError) as error:
        call(**kwargs)
    return error.value


def raise_nc(actor, **fields) -> Nonconformity:
    fields.setdefault("source", Source.STAFF)
    fields.setdefault("description", "Семинардын материалдары кечикти")
    return services.nonconformity_raise(actor=actor, **fields)


def contain(nc, actor) -> Nonconformity:
    return services.nonconformity_contain(
        nonconformity=nc,
        actor=actor,
        containment="Материалдар кайра жөнөтүлдү",
        disposition=Disposition.CORRECT,
        password=TEST_PASSWORD,
    )


def under_analysis(manager, reporter) -> Nonconformity:
    nc = raise_nc(reporter)
    contain(nc, manager)
    return services.nonconformity_analyse(nonconformity=nc, actor=manager)


def open_action(manager, owner, ncs=(), *, kind=ActionKind.CORRECTIVE, **fields):
    """An action due today, checked today by ``manager``."""
    fields.setdefault("due_date", today())
    fields.setdefault("check_due", fields["due_date"])
    fields.setdefault("checker", manager)
    fields.setdefault("root_cause", "Мөөнөттөр жол-жободо жок")
    fields.setdefault("cause_category", CauseCategory.METHOD)
    if kind == ActionKind.PREVENTIVE:
        fields.setdefault("potential_problem", "Кечигиши мүмкүн")
        fields.setdefault("trigger", "data")
    return services.action_create(
        actor=manager,
        kind=kind,
        title="Мөөнөттөрдү жол-жобого киргизүү",
        owner=owner,
        nonconformities=list(ncs),
        **fields,
    )


def start(action, actor) -> ActionTask:
    task = services.task_add(
        action=action,
        actor=actor,
        title="ДЖ-04тү өзгөртүү",
        owner=action.owner,
        due_date=action.due_date,
    )
    services.action_start(action=action, actor=actor, password=TEST_PASSWORD)
    return task


def implement(action, actor) -> Action:
    task = start(action, actor)
    services.task_mark(task=task, actor=actor, done=True)
    return services.action_implement(
        action=action, actor=actor, note="Жол-жобо өзгөртүлдү", password=TEST_PASSWORD
    )


def check(action, actor, *, effective=True, **kwargs):
    return services.action_check(
        action=action,
        actor=actor,
        effective=effective,
        result="Кечигүү кайталанган жок" if effective else "Дагы кечикти",
        password=TEST_PASSWORD,
        **kwargs,
    )


# --- Raising ------------------------------------------------------------------


def test_staff_raise_a_nonconformity_and_the_quality_managers_hear_of_it(
    staff, manager
):
    nc = raise_nc(staff, severity="major", affected="Семинар  ")

    assert nc.status == NonconformityStatus.OPEN
    assert (nc.detected_by, nc.created_by) == (staff, staff)
    assert nc.detected_on == today()
    assert nc.affected == "Семинар"
    assert history(nc) == [(staff, "Raised")]
    notification = Notification.objects.get(event="capa.nc_raised")
    assert notification.recipient == manager
    assert notification.target_url == nc.get_absolute_url()


def test_someone_without_the_add_permission_cannot_raise_one(make_user):
    with pytest.raises(PermissionDenied):
        raise_nc(make_user())
    assert not Nonconformity.objects.exists()


def test_the_system_raises_one_from_a_kpi_miss(staff, manager):
    from decimal import Decimal

    from sapat.quality.models import Measurement
    from tests.quality.factories import IndicatorFactory

    indicator = IndicatorFactory()
    measurement = Measurement.objects.create(
        indicator=indicator,
        period=today().replace(day=1),
        value=Decimal("40"),
        recorded_by=indicator.owner,
    )

    nc = services.nonconformity_raise(
        actor=None,
        source=Source.MONITORING,
        description="Көрсөткүч максатка жеткен жок",
        detected_by=indicator.owner,
        process=indicator.process,
        origin=measurement,
    )

    nc = Nonconformity.objects.get(pk=nc.pk)
    assert nc.origin == measurement
    assert nc.process == indicator.process
    assert (nc.detected_by, nc.created_by) == (indicator.owner, indicator.owner)
    assert history(nc) == [(None, "Raised")]
    assert Notification.objects.filter(
        event="capa.nc_raised", recipient=manager
    ).exists()


def test_the_system_must_name_who_detected_it():
    with pytest.raises(ValueError, match="detected_by"):
        services.nonconformity_raise(actor=None, source="staff", description="X")


def test_numbers_run_per_year_and_per_kind(staff, manager):
    NonconformityFactory(year=today().year - 1, seq=41)

    first, second = raise_nc(staff), raise_nc(staff)

    with translation.override("en"):
        assert [first.code, second.code] == [
            f"NC-{today().year}-001",
            f"NC-{today().year}-002",
        ]
        nc = under_analysis(manager, staff)
        action = open_action(manager, staff, [nc])
        assert nc.seq == 3
        assert action.code == f"CA-{today().year}-001"
        preventive = open_action(manager, staff, kind=ActionKind.PREVENTIVE)
        assert preventive.code == f"PA-{today().year}-002"


@pytest.mark.parametrize(
    ("content", "name"),
    [(EXE, "photo.jpg"), (GIF, "photo.gif")],
    ids=["executable", "gif"],
)
def test_evidence_of_a_wrong_type_is_refused_and_nothing_saved(staff, content, name):
    error = refused(
        raise_nc,
        actor=staff,
        files=[upload(PDF, "ok.pdf"), upload(content, name)],
    )

    assert error.message_dict == {
        "files": [
            "Only PDF, DOCX, XLSX, ODT, JPEG and PNG files are accepted; "
            "this file is not one of them."
        ]
    }
    assert not Nonconformity.objects.exists()
    assert not EvidenceFile.objects.exists()


def test_too_many_evidence_files_are_refused_and_nothing_saved(staff):
    files = [upload(PDF, f"{n}.pdf") for n in range(services.MAX_EVIDENCE_FILES + 1)]

    error = refused(raise_nc, actor=staff, files=files)

    assert error.message_dict == {"files": ["At most 10 files."]}
    assert not Nonconformity.objects.exists()
    assert not EvidenceFile.objects.exists()


def test_photos_and_scans_are_kept_as_evidence(staff, manager):
    nc = raise_nc(staff, files=[upload(JPEG, "photo.jpg"), upload(PDF, "act.pdf")])

    stored = list(nc.evidence.all())
    assert [f.name for f in stored] == ["photo.jpg", "act.pdf"]
    assert stored[0].size == len(JPEG) and len(stored[0].sha256) == 64
    assert stored[0].uploaded_by == staff
    assert stored[0].file.read() == JPEG


def test_evidence_is_added_by_the_reporter_or_a_handler_only(staff, manager, owner):
    nc = raise_nc(staff)
    services.evidence_add(nonconformity=nc, actor=staff, upload=upload(PDF))
    services.evidence_add(nonconformity=nc, actor=manager, upload=upload(PDF))
    with pytest.raises(PermissionDenied):
        services.evidence_add(nonconformity=nc, actor=owner, upload=upload(PDF))
    error = refused(
        services.evidence_add, nonconformity=nc, actor=staff, upload=upload(GIF)
    )
    assert list(error.message_dict) == ["file"]
    assert nc.evidence.count() == 2


def test_evidence_is_not_added_to_a_closed_nonconformity(staff, manager):
    nc = NonconformityFactory(
        detected_by=staff, status="rejected", closing_reason="Жок"
    )
    error = refused(
        services.evidence_add, nonconformity=nc, actor=staff, upload=upload(PDF)
    )
    assert error.messages == ["The nonconformity is closed: nothing can be added."]


# --- The nonconformity's lifecycle ----------------------------------------------


def test_open_to_contained_is_signed_performed_by_the_handler(staff, manager):
    nc = raise_nc(staff)

    contain(nc, manager)

    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.CONTAINED
    assert nc.containment == "Материалдар кайра жөнөтүлдү"
    assert nc.disposition == Disposition.CORRECT
    assert last_history(nc) == (manager, "Contained")
    assert signatures(nc) == [(manager, Meaning.PERFORMED)]


def test_the_responsible_contains_and_analyses_without_the_change_permission(
    staff, manager, owner
):
    nc = raise_nc(staff, responsible=owner)

    contain(nc, owner)
    services.nonconformity_analyse(nonconformity=nc, actor=owner)

    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.ANALYSIS
    assert signatures(nc) == [(owner, Meaning.PERFORMED)]


def test_others_cannot_contain_or_analyse(staff, owner, manager):
    nc = raise_nc(staff)
    with pytest.raises(PermissionDenied):
        contain(nc, staff)
    contain(nc, manager)
    with pytest.raises(PermissionDenied):
        services.nonconformity_analyse(nonconformity=nc, actor=owner)
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.CONTAINED
    assert signatures(nc) == [(manager, Meaning.PERFORMED)]


def test_containment_needs_what_was_done_the_decision_and_the_password(staff, manager):
    nc = raise_nc(staff)
    common = {"nonconformity": nc, "actor": manager, "password": TEST_PASSWORD}

    error = refused(
        services.nonconformity_contain, containment=" ", disposition="redo", **common
    )
    assert error.message_dict == {
        "containment": ["Say what was done at once to contain it."]
    }
    error = refused(
        services.nonconformity_contain, containment="X", disposition="", **common
    )
    assert error.message_dict == {
        "disposition": ["Decide what happens to the nonconforming service."]
    }
    error = refused(
        services.nonconformity_contain,
        nonconformity=nc,
        actor=manager,
        containment="X",
        disposition="redo",
        password="wrong",
    )
    assert error.messages == ["The password is wrong: nothing was signed."]
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.OPEN
    assert not signatures(nc)


def test_contained_to_analysis_names_the_responsible(staff, manager, owner):
    nc = raise_nc(staff)
    contain(nc, manager)

    services.nonconformity_analyse(nonconformity=nc, actor=manager, responsible=owner)

    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.ANALYSIS
    assert nc.responsible == owner
    assert last_history(nc) == (manager, "Analysis started")


def test_open_to_analysis_is_forbidden(staff, manager):
    nc = raise_nc(staff)

    error = refused(services.nonconformity_analyse, nonconformity=nc, actor=manager)

    assert error.messages == ["This cannot go from “open” to “under analysis”."]
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.OPEN


@pytest.mark.parametrize("status", ["open", "contained", "analysis"])
def test_rejected_with_a_reason_signed_reviewed(staff, manager, status):
    nc = NonconformityFactory(detected_by=staff)
    if status != "open":
        contain(nc, manager)
    if status == "analysis":
        services.nonconformity_analyse(nonconformity=nc, actor=manager)

    services.nonconformity_reject(
        nonconformity=nc,
        actor=manager,
        reason="Талап бузулган жок",
        password=TEST_PASSWORD,
    )

    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.REJECTED
    assert nc.closing_reason == "Талап бузулган жок"
    assert nc.closed_at is not None
    assert last_history(nc) == (manager, "Rejected")
    assert (manager, Meaning.REVIEWED) in signatures(nc)


def test_rejecting_needs_a_reason_and_the_change_permission(staff, manager, owner):
    nc = raise_nc(staff, responsible=owner)
    error = refused(
        services.nonconformity_reject,
        nonconformity=nc,
        actor=manager,
        reason=" ",
        password=TEST_PASSWORD,
    )
    assert error.message_dict == {"reason": ["Say why this is not a nonconformity."]}
    with pytest.raises(PermissionDenied):
        services.nonconformity_reject(
            nonconformity=nc, actor=owner, reason="Жок", password=TEST_PASSWORD
        )
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.OPEN
    assert not signatures(nc)


def test_a_planned_nonconformity_cannot_be_rejected(manager):
    nc = NonconformityFactory(planned=True)
    error = refused(
        services.nonconformity_reject,
        nonconformity=nc,
        actor=manager,
        reason="Жок",
        password=TEST_PASSWORD,
    )
    assert error.messages == [
        "This cannot go from “action planned” to “rejected: not a nonconformity”."
    ]


def test_contained_to_closed_when_the_correction_is_enough(staff, manager):
    nc = raise_nc(staff)
    contain(nc, manager)

    services.nonconformity_close(
        nonconformity=nc,
        actor=manager,
        reason="Бир жолку ката",
        password=TEST_PASSWORD,
    )

    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.CLOSED
    assert nc.closing_reason == "Бир жолку ката"
    assert last_history(nc) == (manager, "Closed")
    assert signatures(nc) == [
        (manager, Meaning.PERFORMED),
        (manager, Meaning.VERIFIED),
    ]


def test_closing_a_contained_one_needs_a_reason_and_the_permission(
    staff, manager, owner
):
    nc = raise_nc(staff, responsible=owner)
    contain(nc, manager)
    error = refused(
        services.nonconformity_close,
        nonconformity=nc,
        actor=manager,
        password=TEST_PASSWORD,
    )
    assert error.message_dict == {"reason": ["Say why no corrective action is needed."]}
    with pytest.raises(PermissionDenied):
        services.nonconformity_close(
            nonconformity=nc, actor=owner, reason="X", password=TEST_PASSWORD
        )
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.CONTAINED


def test_a_contained_one_is_not_closed_while_its_correction_is_open(
    staff, manager, owner
):
    nc = raise_nc(staff)
    correction = open_action(manager, owner, [nc], kind=ActionKind.CORRECTION)
    contain(nc, manager)
    services.action_start(action=correction, actor=owner, password=TEST_PASSWORD)
    services.action_implement(
        action=correction, actor=owner, note="Оңдолду", password=TEST_PASSWORD
    )
    common = {"nonconformity": nc, "actor": manager, "password": TEST_PASSWORD}

    error = refused(services.nonconformity_close, reason="Жетиштүү", **common)
    assert error.messages == ["Some of its actions are still open."]

    # Not effective: the follow-up is linked to the (still open) nonconformity.
    _checked, follow_up = check(correction, manager, effective=False)
    assert list(follow_up.nonconformities.all()) == [nc]
    assert follow_up.kind == ActionKind.CORRECTION
    services.action_start(action=follow_up, actor=owner, password=TEST_PASSWORD)
    services.action_implement(
        action=follow_up, actor=owner, note="Оңдолду", password=TEST_PASSWORD
    )
    check(follow_up, manager, today=follow_up.check_due)
    services.nonconformity_close(reason="Жетиштүү", **common)
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.CLOSED


def test_an_open_one_is_not_closed(staff, manager):
    nc = raise_nc(staff)
    error = refused(
        services.nonconformity_close,
        nonconformity=nc,
        actor=manager,
        password=TEST_PASSWORD,
    )
    assert error.messages == [
        "Only a contained nonconformity, or one whose actions are done, is closed."
    ]


def test_planned_to_closed_once_its_actions_are_closed_and_one_effective(manager):
    nc = NonconformityFactory(planned=True)
    ActionFactory(not_effective=True, nonconformities=[nc])
    still_open = ActionFactory(nonconformities=[nc])
    error = refused(
        services.nonconformity_close,
        nonconformity=nc,
        actor=manager,
        password=TEST_PASSWORD,
    )
    assert error.messages == ["Some of its actions are still open."]

    Action.objects.filter(pk=still_open.pk).update(
        status=ActionStatus.NOT_EFFECTIVE, checked_by=still_open.checker
    )
    error = refused(
        services.nonconformity_close,
        nonconformity=nc,
        actor=manager,
        password=TEST_PASSWORD,
    )
    assert error.messages == ["None of its actions has been found effective yet."]

    ActionFactory(effective=True, nonconformities=[nc])
    services.nonconformity_close(
        nonconformity=nc, actor=manager, password=TEST_PASSWORD
    )
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.CLOSED
    assert last_history(nc) == (manager, "Closed")
    assert signatures(nc) == [(manager, Meaning.VERIFIED)]


def test_the_registration_is_corrected_until_the_analysis(staff, manager, owner):
    nc = raise_nc(staff)
    services.nonconformity_update(
        nonconformity=nc, actor=manager, description=" Башкача ", severity="major"
    )
    nc.refresh_from_db()
    assert (nc.description, nc.severity) == ("Башкача", "major")
    assert last_history(nc) == (manager, "Edited")
    with pytest.raises(PermissionDenied):
        services.nonconformity_update(nonconformity=nc, actor=owner, severity="minor")

    contain(nc, manager)
    services.nonconformity_analyse(nonconformity=nc, actor=manager)
    error = refused(
        services.nonconformity_update, nonconformity=nc, actor=manager, severity="minor"
    )
    assert error.messages == [
        "Once under analysis, the registration is no longer changed."
    ]


# --- Opening actions ------------------------------------------------------------


def test_a_corrective_action_moves_its_nonconformities_to_planned(
    staff, manager, owner
):
    nc = under_analysis(manager, staff)

    action = open_action(manager, owner, [nc], why_1="Неге?")

    assert action.status == ActionStatus.PLANNED
    assert list(action.nonconformities.all()) == [nc]
    assert (action.created_by, action.opened_on) == (manager, today())
    assert history(action) == [(manager, "Opened")]
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.PLANNED
    assert last_history(nc) == (manager, f"Action planned: {action.code}")
    assert Notification.objects.filter(
        event="capa.action_assigned", recipient=owner
    ).exists()


def test_staff_cannot_open_an_action(staff, manager):
    nc = under_analysis(manager, staff)
    with pytest.raises(PermissionDenied):
        open_action(staff, staff, [nc], checker=manager)
    assert not Action.objects.exists()


def test_an_empty_root_cause_is_refused_and_nothing_saved(staff, manager, owner):
    nc = under_analysis(manager, staff)

    error = refused(open_action, manager=manager, owner=owner, ncs=[nc], root_cause=" ")

    assert error.message_dict == {
        "root_cause": ["A corrective action removes a cause: state the root cause."]
    }
    assert not Action.objects.exists()
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.ANALYSIS


def test_a_corrective_action_follows_the_analysis(staff, manager, owner):
    nc = raise_nc(staff)
    contain(nc, manager)

    error = refused(open_action, manager=manager, owner=owner, ncs=[nc])

    assert error.message_dict == {
        "nonconformities": [
            "A corrective action follows the analysis of causes; not under "
            f"analysis: {nc.code}."
        ]
    }
    error = refused(open_action, manager=manager, owner=owner, ncs=[])
    assert error.message_dict == {
        "nonconformities": ["Name the nonconformities this action deals with."]
    }
    assert not Action.objects.exists()


def test_the_owner_is_not_the_checker(staff, manager):
    nc = under_analysis(manager, staff)
    error = refused(open_action, manager=manager, owner=manager, ncs=[nc])
    assert error.message_dict == {
        "checker": ["The owner of an action cannot check its effectiveness."]
    }
    assert not Action.objects.exists()


def test_a_preventive_action_needs_no_nonconformity(manager, owner):
    action = open_action(
        manager,
        owner,
        kind=ActionKind.PREVENTIVE,
        trigger="meeting",
        trigger_reference="Протокол №3",
    )
    assert action.kind == ActionKind.PREVENTIVE
    assert not action.nonconformities.exists()


def test_the_plan_of_an_action_is_edited_only_while_planned(staff, manager, owner):
    action = open_action(manager, owner, [under_analysis(manager, staff)])
    services.action_update(action=action, actor=owner, title="Жаңы аталыш")
    action.refresh_from_db()
    assert action.title == "Жаңы аталыш"
    assert last_history(action) == (owner, "Edited")
    with pytest.raises(PermissionDenied):
        services.action_update(action=action, actor=staff, title="X")

    start(action, owner)
    error = refused(services.action_update, action=action, actor=owner, title="X")
    assert error.messages == [
        "The plan was signed when the work started: it is no longer edited."
    ]


# --- Tasks --------------------------------------------------------------------


def test_a_task_due_before_the_action_was_opened_is_refused_and_nothing_saved(
    manager, owner
):
    action = open_action(manager, owner, kind=ActionKind.PREVENTIVE)
    opened = action.opened_on

    error = refused(
        services.task_add,
        action=action,
        actor=owner,
        title="Кечиккен",
        owner=owner,
        due_date=opened - timedelta(days=1),
    )

    assert error.message_dict == {
        "due_date": [
            "A task cannot be due before the action was opened "
            f"({opened.strftime('%d.%m.%Y')})."
        ]
    }
    assert not ActionTask.objects.exists()


def test_a_task_is_added_and_its_owner_told(manager, owner, staff):
    action = open_action(manager, owner, kind=ActionKind.PREVENTIVE)

    task = services.task_add(
        action=action, actor=manager, title="Окутуу", owner=staff, due_date=today()
    )

    assert history(task) == [(manager, "Task added")]
    assert Notification.objects.filter(
        event="capa.action_assigned", recipient=staff
    ).exists()
    with pytest.raises(PermissionDenied):
        services.task_add(
            action=action, actor=staff, title="X", owner=staff, due_date=today()
        )


def test_a_task_is_ticked_by_its_owner_while_the_action_is_in_progress(
    manager, owner, staff, make_user
):
    action = open_action(manager, owner, kind=ActionKind.PREVENTIVE)
    task = services.task_add(
        action=action, actor=owner, title="Окутуу", owner=staff, due_date=today()
    )
    error = refused(services.task_mark, task=task, actor=staff, done=True)
    assert error.messages == ["Tasks are marked while the action is in progress."]

    services.action_start(action=action, actor=owner, password=TEST_PASSWORD)
    with pytest.raises(PermissionDenied):
        services.task_mark(task=task, actor=make_user("staff"), done=True)
    services.task_mark(task=task, actor=staff, done=True)
    task.refresh_from_db()
    assert task.is_done and task.done_by == staff
    assert last_history(task) == (staff, "Done")

    services.task_mark(task=task, actor=owner, done=False)
    task.refresh_from_db()
    assert not task.is_done and task.done_by is None
    assert last_history(task) == (owner, "Reopened")


# --- The action's lifecycle -----------------------------------------------------


def test_planned_to_in_progress_the_owner_signs_acknowledged(staff, manager, owner):
    action = open_action(manager, owner, [under_analysis(manager, staff)])

    start(action, owner)

    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    assert last_history(action) == (owner, "Started")
    assert signatures(action) == [(owner, Meaning.ACKNOWLEDGED)]


def test_an_action_is_started_with_a_task_except_a_correction(staff, manager, owner):
    action = open_action(manager, owner, [under_analysis(manager, staff)])
    error = refused(
        services.action_start, action=action, actor=owner, password=TEST_PASSWORD
    )
    assert error.messages == ["Plan at least one task before starting."]

    correction = open_action(
        manager, owner, [raise_nc(staff)], kind=ActionKind.CORRECTION
    )
    services.action_start(action=correction, actor=owner, password=TEST_PASSWORD)
    correction.refresh_from_db()
    assert correction.status == ActionStatus.IN_PROGRESS


def test_only_the_owner_or_a_keeper_of_the_plan_starts_an_action(staff, manager, owner):
    action = open_action(manager, owner, [under_analysis(manager, staff)])
    services.task_add(
        action=action, actor=owner, title="X", owner=owner, due_date=today()
    )
    with pytest.raises(PermissionDenied):
        services.action_start(action=action, actor=staff, password=TEST_PASSWORD)
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED
    assert not signatures(action)


def test_in_progress_to_implemented_signed_performed_and_the_checker_told(
    staff, manager, owner
):
    action = open_action(manager, owner, [under_analysis(manager, staff)])

    implement(action, owner)

    action.refresh_from_db()
    assert action.status == ActionStatus.IMPLEMENTED
    assert action.implementation_note == "Жол-жобо өзгөртүлдү"
    assert action.implemented_on == today()
    assert last_history(action) == (owner, "Implemented")
    assert signatures(action) == [
        (owner, Meaning.ACKNOWLEDGED),
        (owner, Meaning.PERFORMED),
    ]
    assert Notification.objects.filter(
        event="capa.check_due", recipient=manager
    ).exists()


def test_implementing_needs_every_task_done_a_note_and_the_owner(staff, manager, owner):
    action = open_action(manager, owner, [under_analysis(manager, staff)])
    start(action, owner)
    common = {"action": action, "password": TEST_PASSWORD}

    error = refused(services.action_implement, actor=owner, note="Жасалды", **common)
    assert error.messages == ["Some tasks of the plan are not done yet."]
    error = refused(services.action_implement, actor=owner, note=" ", **common)
    assert error.message_dict == {"note": ["Say what was done."]}
    services.task_mark(task=action.tasks.get(), actor=owner, done=True)
    with pytest.raises(PermissionDenied):
        services.action_implement(actor=staff, note="Жасалды", **common)
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS


def test_planned_to_implemented_is_forbidden(staff, manager, owner):
    action = open_action(manager, owner, [under_analysis(manager, staff)])

    error = refused(
        services.action_implement,
        action=action,
        actor=owner,
        note="Жасалды",
        password=TEST_PASSWORD,
    )

    assert error.messages == ["This cannot go from “planned” to “implemented”."]


def test_implemented_to_effective_skipping_the_check_is_forbidden():
    action = ActionFactory(implemented=True)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services._move(action, ActionStatus.EFFECTIVE)
    assert error.value.messages == [
        "This cannot go from “implemented” to “closed: effective”."
    ]


def test_closing_without_an_effectiveness_check_is_refused(staff, manager, owner):
    action = open_action(manager, owner, [under_analysis(manager, staff)])
    start(action, owner)

    error = refused(check, action=action, actor=manager)

    assert error.messages == [
        "This cannot go from “in progress” to “closed: effective”."
    ]
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    assert action.checked_by is None


def test_implemented_to_check_to_effective_closes_the_nonconformity(
    staff, manager, owner
):
    nc = under_analysis(manager, staff)
    action = open_action(manager, owner, [nc])
    implement(action, owner)

    checked, follow_up = check(action, manager)

    assert follow_up is None
    checked.refresh_from_db()
    assert checked.status == ActionStatus.EFFECTIVE
    assert (checked.checked_by, checked.checked_on) == (manager, today())
    assert checked.check_result == "Кечигүү кайталанган жок"
    assert checked.closed_at is not None
    assert history(checked)[-2:] == [
        (manager, "Effectiveness check due"),
        (manager, "Closed: effective"),
    ]
    assert signatures(checked)[-1] == (manager, Meaning.VERIFIED)
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.CLOSED
    assert nc.closed_at is not None
    assert last_history(nc) == (manager, "Closed")


def test_check_to_not_effective_opens_a_follow_up_for_the_same_problem(
    staff, manager, owner
):
    nc = under_analysis(manager, staff)
    action = open_action(manager, owner, [nc], qms_impact="ДЖ-04")
    implement(action, owner)
    services.capa_remind()  # the check date has come: implemented → check
    action.refresh_from_db()
    assert action.status == ActionStatus.CHECK

    checked, follow_up = check(action, manager, effective=False)

    checked.refresh_from_db()
    assert checked.status == ActionStatus.NOT_EFFECTIVE
    assert last_history(checked) == (manager, "Closed: not effective")
    assert signatures(checked)[-1] == (manager, Meaning.VERIFIED)
    assert follow_up.follow_up_of == checked
    assert list(checked.follow_ups.all()) == [follow_up]
    assert list(follow_up.nonconformities.all()) == [nc]
    assert follow_up.status == ActionStatus.PLANNED
    assert (follow_up.kind, follow_up.owner, follow_up.checker) == (
        checked.kind,
        owner,
        manager,
    )
    assert follow_up.root_cause == checked.root_cause
    assert follow_up.qms_impact == "ДЖ-04"
    assert follow_up.opened_on == today()
    assert follow_up.due_date >= today() + timedelta(days=7)
    assert follow_up.seq == checked.seq + 1
    notification = Notification.objects.get(event="capa.not_effective")
    assert notification.recipient == owner
    assert notification.target_url == follow_up.get_absolute_url()
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.PLANNED


def test_the_follow_up_closes_the_nonconformity_when_effective(staff, manager, owner):
    nc = under_analysis(manager, staff)
    action = open_action(manager, owner, [nc])
    implement(action, owner)
    _checked, follow_up = check(action, manager, effective=False)
    implement(follow_up, owner)

    check(follow_up, manager, today=follow_up.check_due)

    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.CLOSED


def test_a_nonconformity_closes_only_when_all_its_actions_are_closed(
    staff, manager, owner
):
    nc = under_analysis(manager, staff)
    first = open_action(manager, owner, [nc])
    second = open_action(manager, owner, [nc])
    implement(first, owner)

    check(first, manager)

    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.PLANNED
    implement(second, owner)
    check(second, manager)
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.CLOSED


def test_the_owner_cannot_check_their_own_action(staff, manager, make_user):
    owner = make_user("quality_manager")  # holds capa.check_action
    action = open_action(manager, owner, [under_analysis(manager, staff)])
    implement(action, owner)

    error = refused(check, action=action, actor=owner)

    assert error.messages == ["The owner of an action cannot check its effectiveness."]
    action.refresh_from_db()
    assert action.status == ActionStatus.IMPLEMENTED
    assert action.checked_by is None
    assert (owner, Meaning.VERIFIED) not in signatures(action)


def test_staff_without_the_check_permission_cannot_check(staff, manager, owner):
    action = open_action(manager, owner, [under_analysis(manager, staff)])
    implement(action, owner)

    with pytest.raises(PermissionDenied):
        check(action, staff)
    action.refresh_from_db()
    assert action.status == ActionStatus.IMPLEMENTED


def test_another_quality_manager_may_check(staff, manager, owner, make_user):
    other = make_user("quality_manager")
    action = open_action(manager, owner, [under_analysis(manager, staff)])
    implement(action, owner)

    checked, _ = check(action, other)

    assert checked.checked_by == other


def test_a_check_before_its_date_is_refused(staff, manager, owner):
    check_on = today() + timedelta(days=30)
    action = open_action(
        manager, owner, [under_analysis(manager, staff)], check_due=check_on
    )
    implement(action, owner)

    error = refused(check, action=action, actor=manager)

    assert error.messages == [
        f"The effectiveness check is set for {check_on.strftime('%d.%m.%Y')}."
    ]
    action.refresh_from_db()
    assert action.status == ActionStatus.IMPLEMENTED
    checked, _ = check(action, manager, today=check_on)
    assert checked.status == ActionStatus.EFFECTIVE
    assert checked.checked_on == check_on


def test_the_check_needs_a_result(staff, manager, owner):
    action = open_action(manager, owner, [under_analysis(manager, staff)])
    implement(action, owner)
    error = refused(
        services.action_check,
        action=action,
        actor=manager,
        effective=True,
        result=" ",
        password=TEST_PASSWORD,
    )
    assert error.message_dict == {"result": ["Describe what the check found."]}


def test_the_signed_report_of_an_action_is_queued_on_commit_after_the_check(
    staff, manager, owner, monkeypatch, django_capture_on_commit_callbacks
):
    from sapat.signing import tasks

    queued = []
    monkeypatch.setattr(tasks.render_signed_pdf, "delay", queued.append)
    action = open_action(manager, owner, [under_analysis(manager, staff)])
    implement(action, owner)

    with django_capture_on_commit_callbacks(execute=True):
        checked, _ = check(action, manager)
        assert queued == [], "not before the commit"

    pdf = SignedPDF.objects.get()
    assert pdf.content_object == checked
    assert pdf.object_version == checked.current_version()
    assert pdf.status == SignedPDF.Status.PENDING
    assert queued == [pdf.pk]


# --- The unplanned review of the quality manual ---------------------------------


def test_an_action_starts_a_review_of_the_manual_in_force_once(manager, owner):
    from documents.models.register import DocumentStatus, DocumentType
    from tests.documents.factories import DocumentFactory

    DocumentFactory(doc_type=DocumentType.PROCEDURE, status=DocumentStatus.IN_FORCE)
    DocumentFactory(doc_type=DocumentType.QUALITY_MANUAL, status=DocumentStatus.DRAFT)
    manual = DocumentFactory(
        doc_type=DocumentType.QUALITY_MANUAL, status=DocumentStatus.IN_FORCE
    )
    action = open_action(manager, owner, kind=ActionKind.PREVENTIVE)

    change = services.action_request_manual_review(
        action=action, actor=owner, reason="§8.5.3 өзгөрөт"
    )

    assert change.document == manual
    assert change.proposed_by == owner
    assert change.reason == f"{action.code}: §8.5.3 өзгөрөт"
    action.refresh_from_db()
    assert action.manual_review == change
    assert last_history(action) == (owner, "Review of the quality manual requested")
    error = refused(
        services.action_request_manual_review,
        action=action,
        actor=owner,
        reason="Дагы",
    )
    assert error.messages == ["A review of the quality manual was already requested."]
    assert ChangeRequest.objects.count() == 1


def test_a_manual_review_needs_a_manual_in_force_and_the_owner(manager, owner, staff):
    action = open_action(manager, owner, kind=ActionKind.PREVENTIVE)
    error = refused(
        services.action_request_manual_review, action=action, actor=owner, reason="X"
    )
    assert error.messages == ["No quality manual is in force in the register."]
    with pytest.raises(PermissionDenied):
        services.action_request_manual_review(action=action, actor=staff, reason="X")
    assert not ChangeRequest.objects.exists()


# --- The CAPA plan ----------------------------------------------------------------


def test_a_plan_collects_the_open_corrective_preventive_and_improvement_actions(
    manager,
):
    wanted = [
        ActionFactory(),
        ActionFactory(preventive=True, in_progress=True),
        ActionFactory(kind=ActionKind.IMPROVEMENT, implemented=True),
        ActionFactory(check=True),
    ]
    ActionFactory(kind=ActionKind.CORRECTION)
    ActionFactory(effective=True)
    ActionFactory(not_effective=True)

    plan = services.plan_create(actor=manager, notes=" 2026 ")

    assert set(plan.actions.all()) == set(wanted)
    assert (plan.notes, plan.created_by) == ("2026", manager)
    assert plan.approval_status == ApprovalStatus.DRAFT
    assert history(plan) == [(manager, "Drafted")]


def test_one_draft_plan_at_a_time(manager):
    services.plan_create(actor=manager)
    error = refused(services.plan_create, actor=manager)
    assert error.messages == ["A draft of the plan already exists: update it instead."]
    assert CapaPlan.objects.count() == 1


def test_staff_cannot_draft_or_refresh_the_plan(manager, staff):
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=staff)
    plan = services.plan_create(actor=manager)
    with pytest.raises(PermissionDenied):
        services.plan_refresh(plan=plan, actor=staff)


def test_a_draft_plan_is_refreshed_but_not_one_sent_for_approval(manager, organisation):
    plan = services.plan_create(actor=manager)
    added = ActionFactory()

    services.plan_refresh(plan=plan, actor=manager, notes="Жаңыланды")

    plan.refresh_from_db()
    assert list(plan.actions.all()) == [added]
    assert plan.notes == "Жаңыланды"
    assert last_history(plan) == (manager, "Updated")

    signing.route_start(obj=plan, actor=manager)
    error = refused(services.plan_refresh, plan=plan, actor=manager)
    assert error.messages == ["Only a draft plan is updated."]


def test_a_new_approved_plan_supersedes_the_old(manager, organisation, director):
    ActionFactory()

    def approve() -> CapaPlan:
        plan = services.plan_create(actor=manager)
        route = signing.route_start(obj=plan, actor=manager)
        signing.route_sign(
            step=route.steps.get(), actor=director, password=TEST_PASSWORD
        )
        plan.refresh_from_db()
        return plan

    old = approve()
    assert old.approval_status == ApprovalStatus.APPROVED
    assert (director, Meaning.APPROVED) in signatures(old)

    new = approve()

    old.refresh_from_db()
    assert new.approval_status == ApprovalStatus.APPROVED
    assert old.approval_status == ApprovalStatus.SUPERSEDED
    assert last_history(old) == (director, "Superseded")


def test_an_empty_plan_cannot_be_sent_for_approval(manager, organisation):
    plan = services.plan_create(actor=manager)
    error = refused(signing.route_start, obj=plan, actor=manager)
    assert error.messages == ["The plan has no actions."]


def test_a_nonconformity_with_an_open_action_is_not_rejected(staff, manager, owner):
    nc = raise_nc(staff)
    contain(nc, manager)
    open_action(manager, owner, [nc], kind=ActionKind.CORRECTION)

    error = refused(
        services.nonconformity_reject,
        nonconformity=nc,
        actor=manager,
        reason="Талап бузулган жок",
        password=TEST_PASSWORD,
    )

    assert error.messages == ["Some of its actions are still open: finish them first."]
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.CONTAINED


def test_only_a_corrective_action_moves_the_analysis_to_planned(staff, manager, owner):
    nc = under_analysis(manager, staff)

    open_action(manager, owner, [nc], kind=ActionKind.CORRECTION)
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.ANALYSIS

    open_action(manager, owner, [nc], kind=ActionKind.CORRECTIVE)
    nc.refresh_from_db()
    assert nc.status == NonconformityStatus.PLANNED


def test_a_step_without_permission_is_refused_before_the_password(staff, owner):
    nc = raise_nc(staff)

    with pytest.raises(PermissionDenied):
        services.nonconformity_reject(
            nonconformity=nc, actor=owner, reason="Жок", password="wrong"
        )
