"""Every change to routes, signatures, delegations and signed PDFs.

The approval status of an :class:`~.models.Approvable` is changed here and
nowhere else, following :data:`~.models.APPROVAL_TRANSITIONS`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from django.contrib.auth import authenticate
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sapat.accounts.models import OrganisationProfile, User
from sapat.history import attribute
from sapat.notify.services import notify
from sapat.workflow import lock as _lock
from sapat.workflow import move

from .models import (
    ROUTE_TRANSITIONS,
    Approvable,
    ApprovalRoute,
    ApprovalStatus,
    Delegation,
    Meaning,
    RouteStatus,
    RouteStep,
    Signable,
    Signature,
    SignedPDF,
    StepStatus,
)
from .signals import approved, pdf_ready


def confirm_password(*, user: User, password: str, request=None) -> None:
    """Re-authentication before signing; failures count for the lockout.

    With a ``request`` the check goes through ``authenticate`` so django-axes
    counts failures and locks the account out like the login page does.
    Raises ``ValidationError`` when the password is missing or wrong (or the
    account is locked out).
    """
    if not password:
        raise ValidationError(_("Enter your password to sign."), code="password")
    if request is None:
        # Outside a request (tests, scripts) there is no client to throttle.
        ok = user.is_active and user.check_password(password)
    else:
        authenticated = authenticate(
            request=request, username=user.get_username(), password=password
        )
        ok = authenticated is not None and authenticated.pk == user.pk
    if not ok:
        raise ValidationError(
            _("The password is wrong: nothing was signed."), code="password"
        )


def _move(obj: Approvable, new_status: str, *, actor, reason: str) -> None:
    move(obj, new_status, field="approval_status")
    if new_status == ApprovalStatus.APPROVED:
        obj.approved_at = timezone.now()
    attribute(obj, actor=actor, reason=reason)
    obj.save(update_fields=["approval_status", "approved_at"])


def _route_move(route: ApprovalRoute, new_status: str, *, actor) -> None:
    if new_status not in ROUTE_TRANSITIONS[route.status]:
        raise ValidationError(_("This route is closed."), code="transition")
    route.status = new_status
    if new_status not in {RouteStatus.AGREEMENT, RouteStatus.APPROVAL}:
        route.finished_at = timezone.now()
    attribute(route, actor=actor)
    route.save(update_fields=["status", "finished_at"])


def acting_delegation(*, deputy: User, principal: User) -> Delegation | None:
    """The delegation under which ``deputy`` may approve for ``principal`` today."""
    today = timezone.localdate()
    return (
        Delegation.objects.filter(
            deputy=deputy,
            principal=principal,
            revoked_at__isnull=True,
            starts_on__lte=today,
            ends_on__gte=today,
        )
        .order_by("-starts_on")
        .first()
    )


def _signature(
    *,
    obj: Signable,
    signer: User,
    meaning: str,
    comment: str = "",
    acting_for: User | None = None,
) -> Signature:
    signature = Signature(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        object_version=obj.current_version(),
        signer=signer,
        signer_name=signer.get_full_name(),
        signer_post=signer.post,
        acting_for=acting_for,
        meaning=meaning,
        content_hash=obj.content_hash(),
        comment=comment,
    )
    signature.full_clean()
    signature.save()
    return signature


def open_route(obj: models.Model) -> ApprovalRoute | None:
    return (
        ApprovalRoute.objects.filter(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            status__in=[RouteStatus.AGREEMENT, RouteStatus.APPROVAL],
        )
        .order_by("-started_at")
        .first()
    )


@transaction.atomic
def route_start(
    *,
    obj: Approvable,
    actor: User,
    agreers: Sequence[User] = (),
    approver: User | None = None,
    parallel: bool = False,
) -> ApprovalRoute:
    """Send a draft for agreement (then approval), or straight to approval.

    Requires ``obj.may_send(actor)`` (by default the change permission of
    ``obj``'s model or on ``obj``). The
    approver defaults to the director of the organisation profile. Moves
    ``obj`` to "in agreement" (or "awaiting approval" when there are no
    agreers) and notifies whoever must sign first. Raises
    ``PermissionDenied`` or ``ValidationError``.
    """
    if not obj.may_send(actor):
        raise PermissionDenied
    obj = _lock(obj)
    if obj.approval_status != ApprovalStatus.DRAFT:
        raise ValidationError(
            _("Only a draft can be sent for approval."), code="not_draft"
        )
    problems = obj.approval_problems()
    if problems:
        raise ValidationError(" ".join(problems), code="not_ready")
    approver = approver or OrganisationProfile.load().director
    if approver is None:
        raise ValidationError(
            _("Nobody approves: set the director in the organisation profile."),
            code="no_approver",
        )
    agreers = list(dict.fromkeys(a for a in agreers if a.pk != approver.pk))
    if any(not a.is_active for a in [*agreers, approver]):
        raise ValidationError(_("Signers must be active users."), code="inactive")
    route = ApprovalRoute(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        object_version=obj.current_version(),
        content_hash=obj.content_hash(),
        status=RouteStatus.AGREEMENT if agreers else RouteStatus.APPROVAL,
        parallel=parallel,
        started_by=actor,
    )
    attribute(route, actor=actor)
    route.save()
    for order, agreer in enumerate(agreers, start=1):
        RouteStep.objects.create(
            route=route, order=order, signer=agreer, meaning=Meaning.AGREED
        )
    RouteStep.objects.create(
        route=route, order=len(agreers) + 1, signer=approver, meaning=Meaning.APPROVED
    )
    _move(
        obj,
        ApprovalStatus.AGREEMENT if agreers else ApprovalStatus.APPROVAL,
        actor=actor,
        reason=_("Sent for approval"),
    )
    _notify_next(route, obj)
    return route


def active_steps(route: ApprovalRoute) -> list[RouteStep]:
    """The steps that may be signed now."""
    if not route.is_open:
        return []
    steps = list(route.steps.all())
    pending = [s for s in steps if s.status == StepStatus.PENDING]
    if route.status == RouteStatus.APPROVAL:
        return [s for s in pending if s.meaning == Meaning.APPROVED]
    agreeing = [s for s in pending if s.meaning == Meaning.AGREED]
    if route.parallel:
        return agreeing
    return agreeing[:1]


def _notify_next(route: ApprovalRoute, obj: Approvable) -> None:
    steps = active_steps(route)
    notify(
        recipients=[step.signer for step in steps],
        event="signing.sign_requested",
        target=obj.get_absolute_url(),
        context={"title": obj.approval_title()},
    )
    # The deputies acting for an approver hear of it too.
    approvals = [s for s in steps if s.meaning == Meaning.APPROVED]
    if approvals:
        today = timezone.localdate()
        deputies = User.objects.filter(
            delegations_received__principal__in=[s.signer for s in approvals],
            delegations_received__revoked_at__isnull=True,
            delegations_received__starts_on__lte=today,
            delegations_received__ends_on__gte=today,
        ).distinct()
        notify(
            recipients=deputies,
            event="signing.sign_requested",
            target=obj.get_absolute_url(),
            context={"title": obj.approval_title()},
        )


def _step_for(
    step: RouteStep, actor: User
) -> tuple[RouteStep, ApprovalRoute, User | None]:
    """Lock the step and its route; check ``actor`` may sign it now."""
    route = ApprovalRoute.objects.select_for_update().get(pk=step.route_id)
    step = (
        RouteStep.objects.select_for_update().select_related("signer").get(pk=step.pk)
    )
    if step.pk not in {s.pk for s in active_steps(route)}:
        waiting = [
            s.signer.get_full_name()
            for s in route.steps.select_related("signer")
            if s.meaning == Meaning.AGREED and s.status == StepStatus.PENDING
        ]
        if step.meaning == Meaning.APPROVED and waiting:
            raise ValidationError(
                _("Not everyone has agreed yet: %(names)s.")
                % {"names": ", ".join(waiting)},
                code="not_agreed",
            )
        raise ValidationError(
            _("This step is not awaiting a signature (already signed, or not yet)."),
            code="not_active",
        )
    acting_for = None
    if actor.pk != step.signer_id:
        delegation = (
            acting_delegation(deputy=actor, principal=step.signer)
            if step.meaning == Meaning.APPROVED
            else None
        )
        if delegation is None:
            raise PermissionDenied
        acting_for = step.signer
    return step, route, acting_for


def route_sign(
    *,
    step: RouteStep,
    actor: User,
    password: str,
    request=None,
    comment: str = "",
) -> Signature:
    """Sign one step ("agreed" or "approved") after asking the password again.

    The actor must be the step's signer, or a deputy with an active
    delegation from the approver (the signature then says "acting for").
    Locks the route and step, so a double click cannot sign twice. The
    content must be unchanged since the route started. After the last
    agreement the approver is notified; after approval the object is approved
    and its signed PDF is queued (on commit). Raises ``ValidationError``
    (wrong password, not awaiting, content changed) or ``PermissionDenied``.
    """
    # Outside the transaction, so a failed attempt stays counted.
    confirm_password(user=actor, password=password, request=request)
    return _route_sign(step=step, actor=actor, comment=comment)


@transaction.atomic
def _route_sign(*, step: RouteStep, actor: User, comment: str) -> Signature:
    step, route, acting_for = _step_for(step, actor)
    obj = _lock(route.content_object)
    if obj.content_hash() != route.content_hash:
        raise ValidationError(
            _("The content changed after it was sent for approval; send it again."),
            code="changed",
        )
    signature = _signature(
        obj=obj,
        signer=actor,
        meaning=step.meaning,
        comment=comment,
        acting_for=acting_for,
    )
    step.status = StepStatus.SIGNED
    step.signature = signature
    step.comment = comment
    step.decided_at = signature.signed_at
    attribute(step, actor=actor)
    step.save(update_fields=["status", "signature", "comment", "decided_at"])

    if step.meaning == Meaning.APPROVED:
        _route_move(route, RouteStatus.APPROVED, actor=actor)
        _move(obj, ApprovalStatus.APPROVED, actor=actor, reason=_("Approved"))
        obj.on_approved(actor=actor)
        approved.send(sender=type(obj), instance=obj, actor=actor)
        pdf = signed_pdf_queue(obj=obj)
        notify(
            recipients=[route.started_by],
            event="signing.approved",
            target=obj.get_absolute_url(),
            context={"title": obj.approval_title(), "pdf": pdf.code},
        )
    elif not route.steps.filter(
        meaning=Meaning.AGREED, status=StepStatus.PENDING
    ).exists():
        _route_move(route, RouteStatus.APPROVAL, actor=actor)
        _move(obj, ApprovalStatus.APPROVAL, actor=actor, reason=_("Agreed"))
        _notify_next(route, obj)
    elif not route.parallel:
        _notify_next(route, obj)
    return signature


def route_return(
    *, step: RouteStep, actor: User, password: str, comment: str, request=None
) -> RouteStep:
    """Return the object to its author with remarks instead of signing.

    The comment is required. The route closes as "returned" and the object
    goes back to draft, to be edited and sent again.
    """
    if not comment.strip():
        raise ValidationError(
            {"comment": _("Write what must change before you return it.")}
        )
    confirm_password(user=actor, password=password, request=request)
    return _route_return(step=step, actor=actor, comment=comment)


@transaction.atomic
def _route_return(*, step: RouteStep, actor: User, comment: str) -> RouteStep:
    step, route, _acting_for = _step_for(step, actor)
    obj = _lock(route.content_object)
    step.status = StepStatus.RETURNED
    step.comment = comment
    step.decided_at = timezone.now()
    attribute(step, actor=actor)
    step.save(update_fields=["status", "comment", "decided_at"])
    _route_move(route, RouteStatus.RETURNED, actor=actor)
    _move(
        obj,
        ApprovalStatus.DRAFT,
        actor=actor,
        reason=_("Returned: %(comment)s") % {"comment": comment[:200]},
    )
    notify(
        recipients=[route.started_by],
        event="signing.returned",
        target=obj.get_absolute_url(),
        context={"title": obj.approval_title(), "comment": comment[:500]},
    )
    return step


@transaction.atomic
def route_cancel(*, route: ApprovalRoute, actor: User) -> ApprovalRoute:
    """The author withdraws an open route; the object returns to draft."""
    route = ApprovalRoute.objects.select_for_update().get(pk=route.pk)
    if actor.pk != route.started_by_id and not route.content_object.may_send(actor):
        raise PermissionDenied
    _route_move(route, RouteStatus.CANCELLED, actor=actor)
    obj = _lock(route.content_object)
    _move(obj, ApprovalStatus.DRAFT, actor=actor, reason=_("Approval withdrawn"))
    return route


@transaction.atomic
def approval_move(
    *, obj: Approvable, new_status: str, actor: User | None, reason: str
) -> Approvable:
    """Move ``obj`` along its own ``transitions`` table (beyond approval).

    For the statuses an app adds after "approved" (a document revision comes
    in force, then goes obsolete). Locks the row; raises ``ValidationError``
    for a move the table does not allow.
    """
    obj = _lock(obj)
    _move(obj, new_status, actor=actor, reason=reason)
    return obj


@transaction.atomic
def approvable_supersede(*, obj: Approvable, actor: User | None) -> Approvable:
    """An approved object replaced by a newer approved one."""
    obj = _lock(obj)
    _move(obj, ApprovalStatus.SUPERSEDED, actor=actor, reason=_("Superseded"))
    return obj


def sign_object(
    *,
    obj: Signable,
    actor: User,
    meaning: str,
    password: str,
    request=None,
    comment: str = "",
) -> Signature:
    """A signature outside a route: "reviewed", "acknowledged", "performed"…

    The caller decides who may sign what; this checks the password, locks
    the object and refuses a second identical signature of the same version.
    """
    if meaning in {Meaning.AGREED, Meaning.APPROVED}:
        raise ValidationError(
            _("Agreement and approval go through the approval route.")
        )
    confirm_password(user=actor, password=password, request=request)
    with transaction.atomic():
        return _sign_object(obj=obj, actor=actor, meaning=meaning, comment=comment)


def sign_confirmed(
    *, obj: Signable, actor: User, meaning: str, comment: str = ""
) -> Signature:
    """Sign inside the caller's transaction, after :func:`confirm_password`.

    For services that change an object and sign the new version in one
    transaction (an action implemented and signed "performed"). The caller
    checks the password first, outside its transaction, so that a wrong
    one still counts towards the lockout.
    """
    if meaning in {Meaning.AGREED, Meaning.APPROVED}:
        raise ValidationError(
            _("Agreement and approval go through the approval route.")
        )
    return _sign_object(obj=obj, actor=actor, meaning=meaning, comment=comment)


def _sign_object(*, obj: Signable, actor: User, meaning: str, comment: str):
    obj = _lock(obj)
    version = obj.current_version()
    if (
        Signature.objects.for_object(obj)
        .filter(signer=actor, meaning=meaning, object_version=version)
        .exists()
    ):
        raise ValidationError(_("You have already signed this version."))
    return _signature(obj=obj, signer=actor, meaning=meaning, comment=comment)


@transaction.atomic
def delegation_create(
    *,
    actor: User,
    principal: User,
    deputy: User,
    starts_on,
    ends_on,
    reason: str,
) -> Delegation:
    """The director (or an administrator of users) appoints an acting deputy."""
    if actor.pk != principal.pk and not actor.has_perm("signing.add_delegation"):
        raise PermissionDenied
    delegation = Delegation(
        principal=principal,
        deputy=deputy,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
    )
    delegation.full_clean()
    attribute(delegation, actor=actor)
    delegation.save()
    notify(
        recipients=[deputy],
        event="signing.delegated",
        target="/signing/",
        context={
            "principal": principal.get_full_name(),
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },
    )
    return delegation


@transaction.atomic
def delegation_revoke(*, actor: User, delegation: Delegation) -> Delegation:
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if actor.pk != delegation.principal_id and not actor.has_perm(
        "signing.change_delegation"
    ):
        raise PermissionDenied
    if delegation.revoked_at is None:
        delegation.revoked_at = timezone.now()
        attribute(delegation, actor=actor, reason=_("Revoked"))
        delegation.save(update_fields=["revoked_at"])
    return delegation


# --- Signed PDFs --------------------------------------------------------------


def signed_pdf_queue(*, obj: Signable) -> SignedPDF:
    """Create the PDF record of ``obj``'s current version and queue rendering.

    Idempotent per version: the same version never gets a second PDF.
    """
    from .tasks import render_signed_pdf

    content_type = ContentType.objects.get_for_model(obj)
    version = obj.current_version()
    pdf, created = SignedPDF.objects.get_or_create(
        content_type=content_type,
        object_id=obj.pk,
        object_version=version,
        defaults={"title": _pdf_title(obj)},
    )
    if created:
        render_signed_pdf.delay_on_commit(pdf.pk)
    return pdf


def _pdf_title(obj: Signable) -> str:
    """The title in the organisation's language, like the PDF's body,
    whoever's language the request that queued it was in."""
    from django.conf import settings

    with translation.override(settings.LANGUAGE_CODE):
        return str(obj.approval_title())[:300]


class PdfRenderError(Exception):
    """Rendering or signing a PDF failed; the record says why."""


def manifest(obj: models.Model) -> list[Signature]:
    """The signatures shown with ``obj``: its last approval route's, in order,
    then any signatures made outside routes ("reviewed", "acknowledged")."""
    content_type = ContentType.objects.get_for_model(obj)
    route = (
        ApprovalRoute.objects.filter(
            content_type=content_type, object_id=obj.pk, status=RouteStatus.APPROVED
        )
        .order_by("-finished_at", "-id")
        .first()
    )
    signatures = Signature.objects.filter(
        content_type=content_type, object_id=obj.pk
    ).select_related("signer", "acting_for")
    if route is not None:
        on_route = signatures.filter(route_step__route=route)
        outside = signatures.filter(
            route_step__isnull=True, signed_at__gte=route.started_at
        )
        return [*on_route, *outside]
    return list(signatures.filter(route_step__isnull=True))


def _render_signed(*, obj: Signable, record: SignedPDF) -> bytes:
    from django.conf import settings

    verify_url = settings.SAPAT_BASE_URL.rstrip("/") + record.get_absolute_url()
    # A signed PDF is written in the organisation's language, whoever (or
    # whatever task) triggers it.
    with translation.override(settings.LANGUAGE_CODE):
        return _render_and_sign(obj=obj, record=record, verify_url=verify_url)


def _render_and_sign(*, obj: Signable, record: SignedPDF, verify_url: str) -> bytes:
    from .pdf import render_pdf, sign_pdf

    data = render_pdf(
        obj.pdf_template,
        {
            "object": obj,
            "title": record.title,
            "signatures": manifest(obj),
            "verify_url": verify_url,
            "verify_code": record.code,
            "document_code": obj.document_code,
            "revision": record.object_version,
            "controlled": True,
            **obj.pdf_context(),
        },
    )
    profile = OrganisationProfile.load()
    return sign_pdf(
        data,
        reason=obj.pdf_reason(record.title),
        location=profile.address,
        contact=profile.website or profile.email,
    )


def signed_pdf_render(*, pdf_id: int) -> SignedPDF | None:
    """Render, sign and store one queued PDF; frozen once ready.

    Returns ``None`` if the record is gone; a ready PDF is returned as it is
    (never rebuilt). Older PDFs of the same object are marked superseded.
    On failure the record is marked failed and :class:`PdfRenderError` is
    raised so the task can retry.
    """
    error = None
    with transaction.atomic():
        record = SignedPDF.objects.select_for_update().filter(pk=pdf_id).first()
        if record is None or record.status == SignedPDF.Status.READY:
            return record
        try:
            data = _render_signed(obj=record.content_object, record=record)
        except Exception as exc:  # the record shows any failure to admins
            error = f"{type(exc).__name__}: {exc}"[:2000]
            record.status = SignedPDF.Status.FAILED
            record.error = error
            record.save(update_fields=["status", "error"])
        else:
            record.file.save(f"{record.code}.pdf", ContentFile(data), save=False)
            record.sha256 = hashlib.sha256(data).hexdigest()
            record.size = len(data)
            record.status = SignedPDF.Status.READY
            record.error = ""
            record.save(update_fields=["file", "sha256", "size", "status", "error"])
            SignedPDF.objects.filter(
                content_type=record.content_type,
                object_id=record.object_id,
                superseded_by__isnull=True,
                status=SignedPDF.Status.READY,
            ).exclude(pk=record.pk).update(superseded_by=record)
            obj = record.content_object
            pdf_ready.send(sender=type(obj), instance=obj, pdf=record)
    if error:
        raise PdfRenderError(error)
    return record


@transaction.atomic
def signed_pdf_retry(*, record: SignedPDF) -> SignedPDF:
    """Queue a failed PDF again (it was never signed, so nothing is rebuilt)."""
    from .tasks import render_signed_pdf

    record = SignedPDF.objects.select_for_update().get(pk=record.pk)
    if record.status == SignedPDF.Status.FAILED:
        record.status = SignedPDF.Status.PENDING
        record.save(update_fields=["status"])
        render_signed_pdf.delay_on_commit(record.pk)
    return record
