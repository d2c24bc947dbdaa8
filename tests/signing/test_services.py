"""The approval route, signatures and delegations (sapat.signing.services)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from sapat.signing import services
from sapat.signing.models import (
    ApprovalStatus,
    ImmutableError,
    Meaning,
    RouteStatus,
    Signature,
    SignedPDF,
)
from sapat.signing.pdf import verify_pdf
from tests.accounts.factories import TEST_PASSWORD
from tests.quality.factories import PolicyFactory, ProcessCardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def quality_manager(make_user):
    return make_user("quality_manager")


@pytest.fixture
def policy():
    return PolicyFactory()


def _sign(step, actor, password=TEST_PASSWORD):
    return services.route_sign(step=step, actor=actor, password=password)


def _step(route, signer):
    return route.steps.get(signer=signer)


def test_sequential_agreement_then_approval(
    organisation, director, quality_manager, make_user, policy
):
    first, second = make_user("deputy_director"), make_user("referent")
    route = services.route_start(
        obj=policy, actor=quality_manager, agreers=[first, second]
    )
    policy.refresh_from_db()
    assert policy.approval_status == ApprovalStatus.AGREEMENT
    with pytest.raises(ValidationError) as error:
        _sign(_step(route, second), second)  # not yet their turn
    assert error.value.code == "not_active"
    _sign(_step(route, first), first)
    _sign(_step(route, second), second)
    route.refresh_from_db()
    policy.refresh_from_db()
    assert route.status == RouteStatus.APPROVAL
    assert policy.approval_status == ApprovalStatus.APPROVAL
    signature = _sign(_step(route, director), director)
    policy.refresh_from_db()
    route.refresh_from_db()
    assert signature.meaning == Meaning.APPROVED
    assert route.status == RouteStatus.APPROVED
    assert policy.approval_status == ApprovalStatus.APPROVED
    assert policy.approved_at is not None
    meanings = [s.meaning for s in services.manifest(policy)]
    assert meanings == ["agreed", "agreed", "approved"]


def test_parallel_agreers_sign_in_any_order(
    organisation, quality_manager, make_user, policy
):
    first, second = make_user("deputy_director"), make_user("referent")
    route = services.route_start(
        obj=policy, actor=quality_manager, agreers=[first, second], parallel=True
    )
    _sign(_step(route, second), second)
    _sign(_step(route, first), first)
    route.refresh_from_db()
    assert route.status == RouteStatus.APPROVAL


def test_without_agreers_the_route_goes_straight_to_the_director(
    organisation, quality_manager, policy
):
    route = services.route_start(obj=policy, actor=quality_manager)
    assert route.status == RouteStatus.APPROVAL
    assert [s.meaning for s in route.steps.all()] == [Meaning.APPROVED]


def test_a_wrong_password_signs_nothing_and_counts_for_the_lockout(
    organisation, director, quality_manager, policy, rf
):
    route = services.route_start(obj=policy, actor=quality_manager)
    request = None
    with pytest.raises(ValidationError) as error:
        services.route_sign(
            step=_step(route, director),
            actor=director,
            password="nope",
            request=request,
        )
    assert error.value.code == "password"
    assert not Signature.objects.exists()
    policy.refresh_from_db()
    assert policy.approval_status == ApprovalStatus.APPROVAL


def test_signing_without_a_password_is_refused(
    organisation, director, quality_manager, policy
):
    route = services.route_start(obj=policy, actor=quality_manager)
    with pytest.raises(ValidationError):
        _sign(_step(route, director), director, password="")
    assert not Signature.objects.exists()


def test_signing_twice_is_refused(organisation, director, quality_manager, policy):
    route = services.route_start(obj=policy, actor=quality_manager)
    step = _step(route, director)
    _sign(step, director)
    with pytest.raises(ValidationError):
        _sign(step, director)
    assert Signature.objects.count() == 1


def test_someone_else_cannot_sign_a_step(
    organisation, director, quality_manager, staff, policy
):
    route = services.route_start(obj=policy, actor=quality_manager)
    with pytest.raises(PermissionDenied):
        _sign(_step(route, director), staff)
    assert not Signature.objects.exists()


def test_an_acting_deputy_approves_for_the_director(
    organisation, director, quality_manager, make_user, policy
):
    deputy = make_user("deputy_director")
    today = timezone.localdate()
    services.delegation_create(
        actor=director,
        principal=director,
        deputy=deputy,
        starts_on=today,
        ends_on=today + timedelta(days=7),
        reason="Отпуск",
    )
    route = services.route_start(obj=policy, actor=quality_manager)
    signature = _sign(_step(route, director), deputy)
    assert signature.signer == deputy
    assert signature.acting_for == director
    policy.refresh_from_db()
    assert policy.approval_status == ApprovalStatus.APPROVED


def test_an_expired_or_revoked_delegation_gives_no_right_to_sign(
    organisation, director, quality_manager, make_user, policy
):
    deputy = make_user("deputy_director")
    today = timezone.localdate()
    delegation = services.delegation_create(
        actor=director,
        principal=director,
        deputy=deputy,
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=1),
        reason="Командировка",
    )
    services.delegation_revoke(actor=director, delegation=delegation)
    route = services.route_start(obj=policy, actor=quality_manager)
    with pytest.raises(PermissionDenied):
        _sign(_step(route, director), deputy)


def test_nobody_delegates_another_persons_signature(director, make_user):
    deputy, stranger = make_user("deputy_director"), make_user("staff")
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.delegation_create(
            actor=stranger,
            principal=director,
            deputy=deputy,
            starts_on=today,
            ends_on=today,
            reason="x",
        )


def test_a_delegation_that_ends_before_it_starts_is_refused(director, make_user):
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.delegation_create(
            actor=director,
            principal=director,
            deputy=make_user("deputy_director"),
            starts_on=today,
            ends_on=today - timedelta(days=1),
            reason="x",
        )


def test_returning_needs_remarks_and_sends_the_draft_back(
    organisation, director, quality_manager, policy
):
    route = services.route_start(obj=policy, actor=quality_manager)
    with pytest.raises(ValidationError):
        services.route_return(
            step=_step(route, director),
            actor=director,
            password=TEST_PASSWORD,
            comment=" ",
        )
    services.route_return(
        step=_step(route, director),
        actor=director,
        password=TEST_PASSWORD,
        comment="Add the objectives for training.",
    )
    route.refresh_from_db()
    policy.refresh_from_db()
    assert route.status == RouteStatus.RETURNED
    assert policy.approval_status == ApprovalStatus.DRAFT
    # Edited and sent again, it starts a new route.
    assert services.route_start(obj=policy, actor=quality_manager).pk != route.pk


def test_content_changed_after_sending_cannot_be_signed(
    organisation, director, quality_manager, policy
):
    route = services.route_start(obj=policy, actor=quality_manager)
    type(policy).objects.filter(pk=policy.pk).update(text="Changed behind our back")
    with pytest.raises(ValidationError) as error:
        _sign(_step(route, director), director)
    assert error.value.code == "changed"


def test_only_a_draft_is_sent_and_only_by_an_editor(
    organisation, quality_manager, staff, policy
):
    with pytest.raises(PermissionDenied):
        services.route_start(obj=policy, actor=staff)
    services.route_start(obj=policy, actor=quality_manager)
    with pytest.raises(ValidationError):
        services.route_start(obj=policy, actor=quality_manager)


def test_a_process_card_needs_an_owner_before_approval(organisation, quality_manager):
    card = ProcessCardFactory(owner=None)
    with pytest.raises(ValidationError) as error:
        services.route_start(obj=card, actor=quality_manager)
    assert error.value.code == "not_ready"


def test_without_a_director_nobody_approves(quality_manager, policy):
    with pytest.raises(ValidationError) as error:
        services.route_start(obj=policy, actor=quality_manager)
    assert error.value.code == "no_approver"


def test_withdrawing_returns_the_draft(organisation, quality_manager, policy):
    route = services.route_start(obj=policy, actor=quality_manager)
    services.route_cancel(route=route, actor=quality_manager)
    policy.refresh_from_db()
    assert policy.approval_status == ApprovalStatus.DRAFT


# --- Immutability -----------------------------------------------------------


@pytest.fixture
def signature(organisation, director, quality_manager, policy):
    route = services.route_start(obj=policy, actor=quality_manager)
    return _sign(_step(route, director), director)


def test_a_signature_cannot_be_saved_again(signature):
    signature.comment = "forged"
    with pytest.raises(ImmutableError):
        signature.save()


def test_a_signature_cannot_be_deleted(signature):
    with pytest.raises(ImmutableError):
        signature.delete()
    with pytest.raises(ImmutableError):
        Signature.objects.filter(pk=signature.pk).delete()
    with pytest.raises(ImmutableError):
        Signature.objects.filter(pk=signature.pk).update(comment="forged")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger is PostgreSQL's"
)
def test_the_database_refuses_to_change_a_signature(signature):
    from django.db import DatabaseError, transaction

    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE signing_signature SET comment = 'forged' WHERE id = %s",
            [signature.pk],
        )
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM signing_signature WHERE id = %s", [signature.pk])


def test_the_signature_records_who_what_and_the_content_hash(
    signature, director, policy
):
    policy.refresh_from_db()
    assert signature.signer_name == director.full_name
    assert signature.signer_post == director.post
    assert signature.content_hash == policy.content_hash()
    assert len(signature.content_hash) == 64
    assert signature.object_version > 0


# --- Signed PDFs ------------------------------------------------------------


def test_approval_produces_a_signed_pdf_after_commit(
    organisation,
    director,
    quality_manager,
    policy,
    pdf_keys,
    django_capture_on_commit_callbacks,
):
    route = services.route_start(obj=policy, actor=quality_manager)
    with django_capture_on_commit_callbacks(execute=True):
        _sign(_step(route, director), director)
    pdf = SignedPDF.objects.get()
    assert pdf.status == SignedPDF.Status.READY
    data = pdf.file.read()
    check = verify_pdf(data)
    assert (check.signed, check.by_us, check.intact, check.covers_whole_file) == (
        True,
        True,
        True,
        True,
    )
    # Frozen: rendering again changes nothing.
    sha = pdf.sha256
    services.signed_pdf_render(pdf_id=pdf.pk)
    pdf.refresh_from_db()
    assert pdf.sha256 == sha


def test_a_failed_pdf_is_marked_and_can_be_queued_again(
    organisation,
    director,
    quality_manager,
    policy,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
    pdf_keys,
):
    settings.SIGNING_KEY_PATH = tmp_path / "missing-key.pem"
    settings.SIGNING_CERT_PATH = tmp_path / "missing-cert.pem"
    route = services.route_start(obj=policy, actor=quality_manager)
    with django_capture_on_commit_callbacks(execute=False):
        _sign(_step(route, director), director)
    pdf = SignedPDF.objects.get()
    assert pdf.status == SignedPDF.Status.PENDING
    with pytest.raises(services.PdfRenderError):
        services.signed_pdf_render(pdf_id=pdf.pk)
    pdf.refresh_from_db()
    assert pdf.status == SignedPDF.Status.FAILED
    assert "signing_init" in pdf.error
    settings.SIGNING_KEY_PATH, settings.SIGNING_CERT_PATH = pdf_keys
    with django_capture_on_commit_callbacks(execute=True):
        services.signed_pdf_retry(record=pdf)
    pdf.refresh_from_db()
    assert pdf.status == SignedPDF.Status.READY


def test_a_signed_pdf_title_is_in_the_organisations_language(director):
    """The PDF body is rendered in Kyrgyz; its title must not follow the
    language of whoever queued it."""
    from django.utils import translation

    from sapat.signing.services import signed_pdf_queue
    from tests.quality.factories import PolicyFactory

    policy = PolicyFactory()
    with translation.override("en"):
        pdf = signed_pdf_queue(obj=policy)
    with translation.override("ky"):
        assert pdf.title == str(policy.approval_title())[:300]
