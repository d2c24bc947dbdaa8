"""Document control: the revision lifecycle, acknowledgement, copies, review."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from documents.models import ChangeRequest, Document, RevisionStatus
from documents.services import register as services
from sapat.notify.models import Notification
from sapat.signing import services as signing
from sapat.signing.models import Meaning, Signature
from tests.accounts.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_user):
    return make_user("quality_manager")


@pytest.fixture
def document(manager):
    return services.document_create(
        actor=manager,
        code="ДЖ-01",
        title="Документтерди башкаруу",
        doc_type="procedure",
        owner=manager,
    )


def _draft(document, actor, **fields):
    return services.revision_create(
        document=document, actor=actor, body=fields.pop("body", "Текст"), **fields
    )


def _approve(revision, actor, approver, agreers=()):
    route = signing.route_start(obj=revision, actor=actor, agreers=list(agreers))
    for agreer in agreers:
        signing.route_sign(
            step=route.steps.get(signer=agreer), actor=agreer, password=TEST_PASSWORD
        )
    signing.route_sign(
        step=route.steps.get(meaning=Meaning.APPROVED),
        actor=approver,
        password=TEST_PASSWORD,
    )
    revision.refresh_from_db()
    return revision


# --- Allowed transitions --------------------------------------------------


def test_draft_to_agreement_to_approval_to_in_force(
    document, manager, organisation, director, make_user
):
    agreer = make_user("deputy_director")
    revision = _draft(document, manager)
    assert revision.approval_status == RevisionStatus.DRAFT
    route = signing.route_start(obj=revision, actor=manager, agreers=[agreer])
    revision.refresh_from_db()
    assert revision.approval_status == RevisionStatus.AGREEMENT
    signing.route_sign(
        step=route.steps.get(signer=agreer), actor=agreer, password=TEST_PASSWORD
    )
    revision.refresh_from_db()
    assert revision.approval_status == RevisionStatus.APPROVAL
    signing.route_sign(
        step=route.steps.get(signer=director), actor=director, password=TEST_PASSWORD
    )
    revision.refresh_from_db()
    document.refresh_from_db()
    assert revision.approval_status == RevisionStatus.IN_FORCE
    assert document.status == "in_force"
    assert document.next_review == timezone.localdate() + timedelta(days=365) or (
        document.next_review.year == timezone.localdate().year + 1
    )


def test_a_returned_revision_goes_back_to_draft(
    document, manager, organisation, director
):
    revision = _draft(document, manager)
    route = signing.route_start(obj=revision, actor=manager)
    signing.route_return(
        step=route.steps.get(), actor=director, password=TEST_PASSWORD, comment="Fix §3"
    )
    revision.refresh_from_db()
    assert revision.approval_status == RevisionStatus.DRAFT


def test_a_new_revision_in_force_makes_the_previous_obsolete(
    document, manager, organisation, director
):
    first = _approve(_draft(document, manager), manager, director)
    second = _approve(_draft(document, manager, body="Жаңы текст"), manager, director)
    first.refresh_from_db()
    assert first.approval_status == RevisionStatus.OBSOLETE
    assert first.obsolete_at is not None
    assert second.approval_status == RevisionStatus.IN_FORCE
    document.refresh_from_db()
    assert "жаңы текст" in document.search_text


def test_a_future_effective_date_waits_for_the_daily_task(
    document, manager, organisation, director
):
    tomorrow = timezone.localdate() + timedelta(days=1)
    revision = _approve(
        _draft(document, manager, effective_date=tomorrow), manager, director
    )
    assert revision.approval_status == RevisionStatus.APPROVED
    assert services.revisions_bring_in_force(today=timezone.localdate()) == 0
    assert services.revisions_bring_in_force(today=tomorrow) == 1
    revision.refresh_from_db()
    assert revision.approval_status == RevisionStatus.IN_FORCE
    # Running it again changes nothing and tells nobody twice.
    before = Notification.objects.count()
    assert services.revisions_bring_in_force(today=tomorrow) == 0
    assert Notification.objects.count() == before


def test_withdrawing_makes_the_revision_in_force_obsolete(
    document, manager, organisation, director
):
    revision = _approve(_draft(document, manager), manager, director)
    services.document_withdraw(document=document, actor=manager, reason="Not needed")
    revision.refresh_from_db()
    document.refresh_from_db()
    assert revision.approval_status == RevisionStatus.OBSOLETE
    assert document.status == "withdrawn"


# --- Forbidden transitions and refusals ---------------------------------------


def test_a_draft_cannot_come_in_force_directly(document, manager):
    revision = _draft(document, manager)
    with pytest.raises(ValidationError) as error:
        signing.approval_move(
            obj=revision, new_status=RevisionStatus.IN_FORCE, actor=manager, reason="x"
        )
    assert error.value.code == "transition"


def test_an_obsolete_revision_never_comes_back(
    document, manager, organisation, director
):
    first = _approve(_draft(document, manager), manager, director)
    _approve(_draft(document, manager, body="2"), manager, director)
    first.refresh_from_db()
    with pytest.raises(ValidationError):
        signing.approval_move(
            obj=first, new_status=RevisionStatus.IN_FORCE, actor=manager, reason="x"
        )


def test_approving_before_every_agreer_has_agreed_names_who_has_not(
    document, manager, organisation, director, make_user
):
    agreer = make_user("deputy_director")
    agreer.full_name = "Нурлан Токтогулов"
    agreer.save()
    revision = _draft(document, manager)
    route = signing.route_start(obj=revision, actor=manager, agreers=[agreer])
    with pytest.raises(ValidationError) as error:
        signing.route_sign(
            step=route.steps.get(signer=director),
            actor=director,
            password=TEST_PASSWORD,
        )
    assert error.value.code == "not_agreed"
    assert "Нурлан Токтогулов" in error.value.messages[0]


def test_only_one_revision_in_preparation(document, manager):
    _draft(document, manager)
    with pytest.raises(ValidationError) as error:
        _draft(document, manager)
    assert error.value.code == "open_revision"


def test_a_revision_needs_a_file_or_a_text(document, manager):
    with pytest.raises(ValidationError):
        services.revision_create(document=document, actor=manager, body="   ")


def test_a_past_effective_date_is_refused(document, manager):
    with pytest.raises(ValidationError) as error:
        _draft(document, manager, effective_date=date(2000, 1, 1))
    assert "effective_date" in error.value.message_dict


def test_staff_cannot_register_documents(staff):
    with pytest.raises(PermissionDenied):
        services.document_create(
            actor=staff, code="X-1", title="X", doc_type="plan", owner=staff
        )


def test_two_people_saving_the_same_draft_do_not_overwrite_each_other(
    document, manager
):
    revision = _draft(document, manager)
    loaded = revision.lock_version
    services.revision_update(
        revision=revision, actor=manager, lock_version=loaded, body="A"
    )
    with pytest.raises(ValidationError) as error:
        services.revision_update(
            revision=revision, actor=manager, lock_version=loaded, body="B"
        )
    assert error.value.code == "conflict"
    revision.refresh_from_db()
    assert revision.body == "A"


# --- Acknowledgement ----------------------------------------------------------


def test_coming_in_force_asks_the_distribution_list_to_acknowledge(
    document, manager, organisation, director, make_user
):
    reader = make_user("staff")
    revision = _approve(_draft(document, manager), manager, director)
    assert Notification.objects.filter(
        recipient=reader, event="documents.in_force"
    ).exists()
    services.revision_acknowledge(
        revision=revision, actor=reader, password=TEST_PASSWORD
    )
    assert reader.pk in services.acknowledgements(revision)
    with pytest.raises(ValidationError):
        services.revision_acknowledge(
            revision=revision, actor=reader, password=TEST_PASSWORD
        )


def test_a_named_distribution_list_limits_who_is_told(
    document, manager, organisation, director, make_user
):
    chosen, other = make_user("referent"), make_user("trainer")
    document.distribution_users.add(chosen)
    _approve(_draft(document, manager), manager, director)
    assert Notification.objects.filter(
        recipient=chosen, event="documents.in_force"
    ).exists()
    assert not Notification.objects.filter(
        recipient=other, event="documents.in_force"
    ).exists()


def test_weekly_acknowledgement_reminder_once_a_week(
    document, manager, organisation, director, make_user
):
    reader = make_user("staff")
    _approve(_draft(document, manager), manager, director)
    monday = date(2026, 11, 30)
    assert services.acknowledgement_remind(today=monday) > 0
    assert services.acknowledgement_remind(today=monday + timedelta(days=2)) == 0
    assert (
        Notification.objects.filter(
            recipient=reader, event="documents.acknowledge_reminder"
        ).count()
        == 1
    )
    assert services.acknowledgement_remind(today=monday + timedelta(days=7)) > 0


def test_an_acknowledgement_needs_the_password(
    document, manager, organisation, director, staff
):
    revision = _approve(_draft(document, manager), manager, director)
    with pytest.raises(ValidationError):
        services.revision_acknowledge(revision=revision, actor=staff, password="nope")
    assert not Signature.objects.filter(meaning=Meaning.ACKNOWLEDGED).exists()


# --- Paper copies --------------------------------------------------------------


def test_paper_copies_are_numbered_and_withdrawn_after_a_new_revision(
    document, manager, organisation, director, make_user
):
    first = _approve(_draft(document, manager), manager, director)
    holder = make_user("referent")
    one = services.paper_copy_issue(
        revision=first, actor=manager, holder=holder, place="101"
    )
    two = services.paper_copy_issue(revision=first, actor=manager, holder=holder)
    assert (one.number, two.number) == (1, 2)
    _approve(_draft(document, manager, body="2"), manager, director)
    assert Notification.objects.filter(
        recipient=manager, event="documents.copies_to_withdraw"
    ).exists()
    services.paper_copy_withdraw(copy=one, actor=manager)
    one.refresh_from_db()
    assert one.withdrawn_by == manager
    with pytest.raises(ValidationError):
        services.paper_copy_withdraw(copy=one, actor=manager)


def test_staff_cannot_issue_paper_copies(
    document, manager, organisation, director, staff
):
    revision = _approve(_draft(document, manager), manager, director)
    with pytest.raises(PermissionDenied):
        services.paper_copy_issue(revision=revision, actor=staff, holder=staff)


# --- Change requests and review ------------------------------------------------


def test_a_change_request_accepted_opens_a_draft(
    document, manager, organisation, director, staff
):
    _approve(_draft(document, manager), manager, director)
    change = services.change_request_create(
        document=document, actor=staff, reason="Add §5"
    )
    assert Notification.objects.filter(
        recipient=manager, event="documents.change_requested"
    )
    change = services.change_request_decide(
        change=change, actor=manager, accept=True, decision=""
    )
    assert change.status == ChangeRequest.Status.ACCEPTED
    assert change.revision.approval_status == RevisionStatus.DRAFT
    assert change.revision.number == 2


def test_rejecting_a_change_needs_a_reason(document, manager, staff):
    change = services.change_request_create(document=document, actor=staff, reason="X")
    with pytest.raises(ValidationError):
        services.change_request_decide(
            change=change, actor=manager, accept=False, decision=""
        )
    with pytest.raises(PermissionDenied):
        services.change_request_decide(
            change=change, actor=staff, accept=False, decision="No"
        )


def test_reviewed_no_change_signs_and_moves_the_review_date(
    document, manager, organisation, director
):
    revision = _approve(_draft(document, manager), manager, director)
    Document.objects.filter(pk=document.pk).update(next_review=date(2026, 1, 1))
    signature = services.document_review_no_change(
        document=document, actor=manager, password=TEST_PASSWORD
    )
    assert signature.meaning == Meaning.REVIEWED
    assert signature.object_id == revision.pk
    document.refresh_from_db()
    assert document.next_review > timezone.localdate()


@pytest.mark.parametrize(
    ("next_review", "today", "event"),
    [
        (date(2027, 1, 10), date(2026, 12, 11), "documents.review_due"),
        (date(2027, 1, 10), date(2027, 1, 11), "documents.review_overdue"),
        (date(2026, 3, 1), date(2026, 2, 28), "documents.review_due"),
    ],
)
def test_review_reminders_across_month_and_year_ends(
    document, manager, next_review, today, event
):
    Document.objects.filter(pk=document.pk).update(
        status="in_force", next_review=next_review
    )
    assert services.review_remind(today=today) == 1
    assert services.review_remind(today=today) == 0  # idempotent
    assert Notification.objects.filter(recipient=manager, event=event).count() == 1


def test_no_review_reminder_more_than_30_days_ahead(document, manager):
    Document.objects.filter(pk=document.pk).update(
        status="in_force", next_review=date(2027, 3, 1)
    )
    assert services.review_remind(today=date(2026, 12, 1)) == 0


# --- Restricted documents and the quality core -----------------------------------


def test_a_restricted_document_is_readable_by_named_readers_only(manager, make_user):
    reader, staff = make_user("referent"), make_user("staff")
    document = services.document_create(
        actor=manager,
        code="Б-1",
        title="Жабык буйрук",
        doc_type="order",
        owner=manager,
        access="restricted",
        readers=[reader],
    )
    assert services.can_view(reader, document)
    assert services.can_view(manager, document)
    assert not services.can_view(staff, document)


def test_an_approved_quality_policy_appears_in_the_register(
    organisation, director, make_user
):
    from tests.quality.factories import PolicyFactory

    policy = PolicyFactory(year=2031)
    route = signing.route_start(obj=policy, actor=make_user("quality_manager"))
    signing.route_sign(step=route.steps.get(), actor=director, password=TEST_PASSWORD)
    document = Document.objects.get(linked_id=policy.pk)
    assert document.linked_object == policy
    assert document.status == "in_force"
    assert document.code == "СП-2031"
    assert not document.revisions.exists()  # no second copy, no second approval


def test_unknown_user_list_is_empty_for_inactive_distribution(document, manager):
    UserFactory(is_active=False)
    assert all(u.is_active for u in services.distribution(document))
