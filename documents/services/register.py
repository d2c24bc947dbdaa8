"""The register of documents: revisions, coming in force, acknowledgement,
paper copies, change requests and periodic review (ДЖ-01).

Agreement and approval of a revision go through ``sapat.signing``; the rest
of a revision's lifecycle (in force, obsolete) moves here along
:data:`documents.models.REVISION_TRANSITIONS`, through
:func:`sapat.signing.services.approval_move`.
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import assign_perm

from sapat.access import can
from sapat.accounts.models import User
from sapat.history import attribute
from sapat.notify.events import Event, register
from sapat.notify.services import notify
from sapat.signing.models import Meaning, Signature
from sapat.signing.services import approval_move, sign_object

from ..models import (
    ChangeRequest,
    Document,
    DocumentRevision,
    PaperCopy,
    RevisionStatus,
)
from ..models.register import Access, DocumentStatus

register(
    Event(
        "documents.in_force",
        title=gettext_lazy("In force: %(title)s"),
        body=gettext_lazy(
            "Revision %(number)s is in force from %(date)s. Read it and "
            "acknowledge it with your signature."
        ),
    )
)
register(
    Event(
        "documents.acknowledge_reminder",
        title=gettext_lazy("Still to acknowledge: %(title)s"),
        body=gettext_lazy("Please read revision %(number)s and acknowledge it."),
    )
)
register(
    Event(
        "documents.copies_to_withdraw",
        title=gettext_lazy("Paper copies to withdraw: %(title)s"),
        body=gettext_lazy(
            "A new revision is in force; %(count)s paper copies of the old one "
            "must be withdrawn."
        ),
    )
)
register(
    Event(
        "documents.review_due",
        title=gettext_lazy("Review due on %(date)s: %(title)s"),
        body=gettext_lazy("Review the document: confirm it or start a new revision."),
    )
)
register(
    Event(
        "documents.review_overdue",
        title=gettext_lazy("Review overdue since %(date)s: %(title)s"),
        body=gettext_lazy("Review the document: confirm it or start a new revision."),
    )
)
register(
    Event(
        "documents.change_requested",
        title=gettext_lazy("Change proposed: %(title)s"),
        body=gettext_lazy("%(name)s proposes: %(reason)s"),
    )
)
register(
    Event(
        "documents.change_decided",
        title=gettext_lazy("Your proposal was decided: %(title)s"),
        body=gettext_lazy("%(decision)s"),
    )
)


def may_edit(user: User, document: Document) -> bool:
    return user.pk == document.owner_id or user.has_perm("documents.change_document")


def _grant_readers(document: Document, users=(), groups=()) -> None:
    for user in [document.owner, *users]:
        assign_perm("documents.view_document", user, document)
    for group in groups:
        assign_perm("documents.view_document", group, document)


@transaction.atomic
def document_create(
    *,
    actor: User,
    code: str,
    title: str,
    doc_type: str,
    owner: User,
    access: str = Access.STAFF,
    owner_unit=None,
    review_months: int = 12,
    distribution_groups=(),
    distribution_users=(),
    clauses=(),
    readers=(),
    reader_groups=(),
) -> Document:
    """Register a document (no revision yet: status "in preparation").

    A restricted document is readable by its owner and the named ``readers``
    and ``reader_groups`` only (object permissions); staff see it nowhere.
    """
    if not actor.has_perm("documents.add_document"):
        raise PermissionDenied
    document = Document(
        code=code.strip(),
        title=title.strip(),
        doc_type=doc_type,
        owner=owner,
        owner_unit=owner_unit,
        access=access,
        review_months=review_months,
    )
    document.search_text = document.build_search_text()
    document.full_clean()
    attribute(document, actor=actor, reason=_("Registered"))
    document.save()
    document.distribution_groups.set(distribution_groups)
    document.distribution_users.set(distribution_users)
    document.clauses.set(clauses)
    if access == Access.RESTRICTED:
        _grant_readers(document, readers, reader_groups)
    return document


@transaction.atomic
def document_update(
    *, document: Document, actor: User, m2m: dict | None = None, **fields
) -> Document:
    """Edit the register data of a document (not its revisions)."""
    if not may_edit(actor, document):
        raise PermissionDenied
    document = Document.objects.select_for_update().get(pk=document.pk)
    readers = (m2m or {}).pop("readers", ())
    reader_groups = (m2m or {}).pop("reader_groups", ())
    for name, value in fields.items():
        setattr(document, name, value)
    current = current_revision(document)
    document.search_text = document.build_search_text(current.text() if current else "")
    document.full_clean()
    attribute(document, actor=actor, reason=_("Register data changed"))
    document.save()
    for name, values in (m2m or {}).items():
        getattr(document, name).set(values)
    if document.access == Access.RESTRICTED:
        _grant_readers(document, readers, reader_groups)
    return document


def current_revision(document: Document) -> DocumentRevision | None:
    return (
        document.revisions.filter(approval_status=RevisionStatus.IN_FORCE)
        .order_by("-number")
        .first()
    )


_OPEN = [
    RevisionStatus.DRAFT,
    RevisionStatus.AGREEMENT,
    RevisionStatus.APPROVAL,
    RevisionStatus.APPROVED,
]


def _file_fields(upload) -> dict:
    if not upload:
        return {}
    from ..files import extract_text, validate_upload

    file_type = validate_upload(upload)
    upload.seek(0)
    text = extract_text(upload, file_type)
    upload.seek(0)
    return {"file": upload, "file_type": file_type, "extracted_text": text}


@transaction.atomic
def revision_create(
    *,
    document: Document,
    actor: User,
    body: str = "",
    file=None,
    change_summary: str = "",
    effective_date: date | None = None,
    executors=(),
) -> DocumentRevision:
    """A new draft revision, numbered after the last one.

    Only one revision may be in preparation at a time. The file's type is
    checked by content (PDF, DOCX, XLSX, ODT) and its text kept for search
    and comparison. Raises ``PermissionDenied`` or ``ValidationError``.
    """
    if not (
        may_edit(actor, document) or actor.has_perm("documents.add_documentrevision")
    ):
        raise PermissionDenied
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.status == DocumentStatus.WITHDRAWN:
        raise ValidationError(_("The document is withdrawn."), code="withdrawn")
    open_revision = document.revisions.filter(approval_status__in=_OPEN).first()
    if open_revision is not None:
        raise ValidationError(
            _("Revision %(number)s is already in preparation.")
            % {"number": open_revision.number},
            code="open_revision",
        )
    if effective_date and effective_date < timezone.localdate():
        raise ValidationError(
            {"effective_date": _("The date a revision comes in force cannot be past.")}
        )
    number = (document.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    revision = DocumentRevision(
        document=document,
        number=number,
        body=body,
        change_summary=change_summary,
        effective_date=effective_date,
        created_by=actor,
        **_file_fields(file),
    )
    if not revision.file and not body.strip():
        raise ValidationError(_("Attach a file or write the text."), code="empty")
    revision.full_clean()
    attribute(revision, actor=actor, reason=_("Draft created"))
    revision.save()
    revision.executors.set(executors)
    return revision


@transaction.atomic
def revision_update(
    *,
    revision: DocumentRevision,
    actor: User,
    lock_version: int,
    executors=None,
    file=None,
    **fields,
) -> DocumentRevision:
    """Save a draft; refuses to overwrite what someone else saved meanwhile.

    ``lock_version`` is the version the editor's form was loaded with; if the
    draft was saved since, ``ValidationError`` (code "conflict") is raised and
    nothing is written.
    """
    if not may_edit(actor, revision.document):
        raise PermissionDenied
    revision = DocumentRevision.objects.select_for_update().get(pk=revision.pk)
    if revision.approval_status != RevisionStatus.DRAFT:
        raise ValidationError(_("Only a draft can be edited."), code="not_draft")
    if revision.lock_version != lock_version:
        raise ValidationError(
            _(
                "Someone else saved this draft while you were editing it. "
                "Nothing was overwritten: reload the page and apply your "
                "changes again."
            ),
            code="conflict",
        )
    if fields.get("effective_date") and fields["effective_date"] < timezone.localdate():
        raise ValidationError(
            {"effective_date": _("The date a revision comes in force cannot be past.")}
        )
    for name, value in {**fields, **_file_fields(file)}.items():
        setattr(revision, name, value)
    if not revision.file and not revision.body.strip():
        raise ValidationError(_("Attach a file or write the text."), code="empty")
    revision.lock_version += 1
    revision.full_clean()
    attribute(revision, actor=actor, reason=_("Draft edited"))
    revision.save()
    if executors is not None:
        revision.executors.set(executors)
    return revision


def distribution(document: Document) -> list[User]:
    """Who is told of a new revision: the chosen people and roles, else all.

    A restricted document goes only to those of them who may read it.
    """
    users = User.objects.filter(is_active=True)
    groups = list(document.distribution_groups.all())
    people = [p.pk for p in document.distribution_users.all()]
    if groups or people:
        users = users.filter(Q(groups__in=groups) | Q(pk__in=people))
    users = list(users.distinct().order_by("full_name"))
    if document.access == Access.RESTRICTED:
        users = [u for u in users if can(u, "view", document)]
    return users


def _audience(revision: DocumentRevision) -> list[User]:
    audience = {u.pk: u for u in distribution(revision.document)}
    for executor in revision.executors.filter(is_active=True):
        audience[executor.pk] = executor
    return list(audience.values())


@transaction.atomic
def revision_bring_in_force(
    *, revision: DocumentRevision, actor: User | None, today: date | None = None
) -> DocumentRevision:
    """An approved revision comes in force; the previous one becomes obsolete.

    Sets the next review date, refreshes the search text, tells the
    distribution list (and an order's executors) to acknowledge it, and
    asks the owner to withdraw the old paper copies.
    """
    today = today or timezone.localdate()
    document = Document.objects.select_for_update().get(pk=revision.document_id)
    previous = current_revision(document)
    revision = approval_move(
        obj=revision,
        new_status=RevisionStatus.IN_FORCE,
        actor=actor,
        reason=_("In force"),
    )
    revision.in_force_at = timezone.now()
    revision.save(update_fields=["in_force_at"])
    copies = 0
    if previous is not None and previous.pk != revision.pk:
        previous = approval_move(
            obj=previous,
            new_status=RevisionStatus.OBSOLETE,
            actor=actor,
            reason=_("Replaced by revision %(number)s") % {"number": revision.number},
        )
        previous.obsolete_at = timezone.now()
        previous.save(update_fields=["obsolete_at"])
        copies = previous.paper_copies.filter(withdrawn_on__isnull=True).count()
    document.status = DocumentStatus.IN_FORCE
    document.next_review = today + relativedelta(months=document.review_months)
    document.search_text = document.build_search_text(revision.text())
    attribute(
        document,
        actor=actor,
        reason=_("Revision %(number)s in force") % {"number": revision.number},
    )
    document.save(update_fields=["status", "next_review", "search_text"])
    context = {
        "title": str(document),
        "number": revision.number,
        "date": today.isoformat(),
    }
    notify(
        recipients=_audience(revision),
        event="documents.in_force",
        target=revision.get_absolute_url(),
        context=context,
        once_key=f"documents:in-force:{revision.pk}",
    )
    if copies:
        notify(
            recipients=[document.owner],
            event="documents.copies_to_withdraw",
            target=previous.get_absolute_url() + "copies/",
            context={"title": str(document), "count": copies},
            once_key=f"documents:withdraw-copies:{previous.pk}",
        )
    from ..signals import revision_in_force

    revision_in_force.send(
        sender=DocumentRevision, revision=revision, previous=previous
    )
    return revision


def on_revision_approved(revision: DocumentRevision, actor: User | None) -> None:
    """Approved: in force now, unless its effective date is still to come."""
    today = timezone.localdate()
    if revision.effective_date is None or revision.effective_date <= today:
        revision_bring_in_force(revision=revision, actor=actor, today=today)


def revisions_bring_in_force(*, today: date | None = None) -> int:
    """The daily task: approved revisions whose effective date has come."""
    today = today or timezone.localdate()
    due = DocumentRevision.objects.filter(
        approval_status=RevisionStatus.APPROVED, effective_date__lte=today
    )
    count = 0
    for revision in due:
        revision_bring_in_force(revision=revision, actor=None, today=today)
        count += 1
    return count


def revision_acknowledge(
    *, revision: DocumentRevision, actor: User, password: str, request=None
) -> Signature:
    """ "I have read it": an "acknowledged" signature on a revision in force."""
    if revision.approval_status != RevisionStatus.IN_FORCE:
        raise ValidationError(_("Only a revision in force is acknowledged."))
    return sign_object(
        obj=revision,
        actor=actor,
        meaning=Meaning.ACKNOWLEDGED,
        password=password,
        request=request,
    )


def acknowledgements(revision: DocumentRevision) -> dict[int, Signature]:
    """Acknowledgement signatures of a revision, by signer id (one query)."""
    signatures = Signature.objects.for_object(revision).filter(
        meaning=Meaning.ACKNOWLEDGED
    )
    return {s.signer_id: s for s in signatures.order_by("signed_at")}


def acknowledgement_remind(*, today: date | None = None) -> int:
    """Weekly: remind whoever has not acknowledged a revision in force."""
    today = today or timezone.localdate()
    year, week, _day = today.isocalendar()
    sent = 0
    for revision in DocumentRevision.objects.filter(
        approval_status=RevisionStatus.IN_FORCE
    ).select_related("document"):
        done = acknowledgements(revision)
        missing = [u for u in _audience(revision) if u.pk not in done]
        if not missing:
            continue
        sent += len(
            notify(
                recipients=missing,
                event="documents.acknowledge_reminder",
                target=revision.get_absolute_url(),
                context={"title": str(revision.document), "number": revision.number},
                once_key=f"documents:ack:{revision.pk}:{year}-W{week:02d}",
            )
        )
    return sent


# --- Paper copies -------------------------------------------------------------


@transaction.atomic
def paper_copy_issue(
    *,
    revision: DocumentRevision,
    actor: User,
    holder: User,
    place: str = "",
    issued_on: date | None = None,
) -> PaperCopy:
    """Issue the next numbered controlled copy of a revision in force."""
    if not actor.has_perm("documents.add_papercopy"):
        raise PermissionDenied
    revision = DocumentRevision.objects.select_for_update().get(pk=revision.pk)
    if revision.approval_status != RevisionStatus.IN_FORCE:
        raise ValidationError(_("Copies are issued of the revision in force only."))
    number = (revision.paper_copies.aggregate(n=Max("number"))["n"] or 0) + 1
    copy = PaperCopy(
        revision=revision,
        number=number,
        holder=holder,
        place=place,
        issued_on=issued_on or timezone.localdate(),
    )
    copy.full_clean()
    attribute(copy, actor=actor, reason=_("Copy issued"))
    copy.save()
    return copy


@transaction.atomic
def paper_copy_withdraw(
    *, copy: PaperCopy, actor: User, withdrawn_on: date | None = None
) -> PaperCopy:
    if not actor.has_perm("documents.change_papercopy"):
        raise PermissionDenied
    copy = PaperCopy.objects.select_for_update().get(pk=copy.pk)
    if copy.withdrawn_on is not None:
        raise ValidationError(_("This copy was withdrawn already."))
    copy.withdrawn_on = withdrawn_on or timezone.localdate()
    if copy.withdrawn_on < copy.issued_on:
        raise ValidationError(_("A copy cannot be withdrawn before it was issued."))
    copy.withdrawn_by = actor
    attribute(copy, actor=actor, reason=_("Copy withdrawn"))
    copy.save(update_fields=["withdrawn_on", "withdrawn_by"])
    return copy


# --- Change requests ----------------------------------------------------------


@transaction.atomic
def change_request_create(
    *, document: Document, actor: User, reason: str
) -> ChangeRequest:
    """Any member of staff who can read a document proposes a change."""
    if not can_view(actor, document):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say what should change and why.")})
    change = ChangeRequest(document=document, proposed_by=actor, reason=reason.strip())
    change.full_clean()
    attribute(change, actor=actor)
    change.save()
    notify(
        recipients=[document.owner],
        event="documents.change_requested",
        target=document.get_absolute_url(),
        context={
            "title": str(document),
            "name": actor.get_full_name(),
            "reason": change.reason[:300],
        },
    )
    return change


@transaction.atomic
def change_request_decide(
    *, change: ChangeRequest, actor: User, accept: bool, decision: str
) -> ChangeRequest:
    """The owner accepts (a new draft revision) or rejects with a reason."""
    change = (
        ChangeRequest.objects.select_for_update()
        .select_related("document")
        .get(pk=change.pk)
    )
    if not may_edit(actor, change.document):
        raise PermissionDenied
    if change.status != ChangeRequest.Status.OPEN:
        raise ValidationError(_("This proposal was decided already."))
    if not accept and not decision.strip():
        raise ValidationError({"decision": _("Say why the proposal is rejected.")})
    if accept:
        draft = change.document.revisions.filter(
            approval_status=RevisionStatus.DRAFT
        ).first()
        current = current_revision(change.document)
        if draft is None and current is not None and current.body:
            draft = revision_create(
                document=change.document,
                actor=actor,
                body=current.body,
                change_summary=change.reason[:1000],
            )
        change.revision = draft
    change.status = (
        ChangeRequest.Status.ACCEPTED if accept else ChangeRequest.Status.REJECTED
    )
    change.decided_by = actor
    change.decision = decision.strip()
    attribute(change, actor=actor)
    change.save()
    notify(
        recipients=[change.proposed_by],
        event="documents.change_decided",
        target=change.document.get_absolute_url(),
        context={
            "title": str(change.document),
            "decision": change.decision or str(change.get_status_display()),
        },
    )
    return change


# --- Review and withdrawal ------------------------------------------------------


def document_review_no_change(
    *, document: Document, actor: User, password: str, request=None
) -> Signature:
    """ "Reviewed, no change": a signature on the revision in force and a new
    review date."""
    if not may_edit(actor, document):
        raise PermissionDenied
    current = current_revision(document)
    if current is None:
        raise ValidationError(_("Nothing is in force to review."))
    signature = sign_object(
        obj=current,
        actor=actor,
        meaning=Meaning.REVIEWED,
        password=password,
        request=request,
        comment=_("Reviewed, no change"),
    )
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        document.next_review = timezone.localdate() + relativedelta(
            months=document.review_months
        )
        attribute(document, actor=actor, reason=_("Reviewed, no change"))
        document.save(update_fields=["next_review"])
    return signature


def review_remind(*, today: date | None = None) -> int:
    """Daily: the owner 30 days before the review, and when it is overdue.

    Once per milestone: the key names the document, the milestone and the
    review date, so running twice (or every day) sends nothing twice, and a
    new review date starts new milestones.
    """
    today = today or timezone.localdate()
    sent = 0
    documents = Document.objects.filter(
        status=DocumentStatus.IN_FORCE, next_review__isnull=False
    ).select_related("owner")
    for document in documents.filter(next_review__lte=today + timedelta(days=30)):
        due = document.next_review
        overdue = due < today
        sent += len(
            notify(
                recipients=[document.owner],
                event="documents.review_overdue" if overdue else "documents.review_due",
                target=document.get_absolute_url(),
                context={"title": str(document), "date": due.isoformat()},
                once_key=(
                    f"documents:review:{document.pk}:{due.isoformat()}:"
                    f"{'overdue' if overdue else 'due'}"
                ),
            )
        )
    return sent


@transaction.atomic
def document_withdraw(*, document: Document, actor: User, reason: str) -> Document:
    """Take a document out of use; its revision in force becomes obsolete."""
    if not actor.has_perm("documents.change_document"):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the document is withdrawn.")})
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.status == DocumentStatus.WITHDRAWN:
        raise ValidationError(_("The document is withdrawn already."))
    for revision in document.revisions.filter(
        approval_status__in=[RevisionStatus.IN_FORCE, RevisionStatus.APPROVED]
    ):
        approval_move(
            obj=revision,
            new_status=RevisionStatus.OBSOLETE,
            actor=actor,
            reason=_("Withdrawn: %(reason)s") % {"reason": reason[:200]},
        )
    document.status = DocumentStatus.WITHDRAWN
    document.next_review = None
    attribute(
        document,
        actor=actor,
        reason=_("Withdrawn: %(reason)s") % {"reason": reason[:200]},
    )
    document.save(update_fields=["status", "next_review"])
    return document


def can_view(user: User, document: Document) -> bool:
    if document.access in {Access.PUBLIC, Access.STAFF}:
        return user.is_authenticated and user.is_active
    return can(user, "view", document)


# --- Structured quality objects in the register ----------------------------------


def link_structured(*, obj, actor: User | None) -> Document | None:
    """List an approved policy, objective or process card in the register.

    The structured page stays the one copy; the register row links to it
    and shows it in force. Corporate objectives stay restricted to top
    management.
    """
    from django.contrib.contenttypes.models import ContentType

    from sapat.accounts.roles import ROLES_BY_KEY, TOP_MANAGEMENT
    from sapat.quality.models import Objective, ProcessCard, QualityPolicy

    if isinstance(obj, QualityPolicy):
        code, doc_type, access = f"СП-{obj.year}", "policy", Access.PUBLIC
        owner = actor
    elif isinstance(obj, ProcessCard):
        code, doc_type, access = obj.code, "process", Access.STAFF
        owner = obj.owner
    elif isinstance(obj, Objective):
        code = f"СМ-{obj.year}-{obj.pk}"
        doc_type = "policy"
        access = Access.RESTRICTED if obj.is_restricted else Access.STAFF
        owner = obj.owner
    else:
        return None
    owner = owner or actor
    if owner is None:
        return None
    content_type = ContentType.objects.get_for_model(obj)
    document = Document.objects.filter(
        linked_type=content_type, linked_id=obj.pk
    ).first()
    if document is None:
        if Document.objects.filter(code=code).exists():
            code = f"{code}-{obj.pk}"
        document = Document(
            code=code, linked_type=content_type, linked_id=obj.pk, owner=owner
        )
    document.title = str(obj)
    document.doc_type = doc_type
    document.access = access
    document.status = DocumentStatus.IN_FORCE
    document.search_text = document.build_search_text()
    attribute(document, actor=actor, reason=_("Approved in the quality core"))
    document.save()
    if access == Access.RESTRICTED:
        group = Group.objects.get(name=ROLES_BY_KEY[TOP_MANAGEMENT].group_name)
        assign_perm("documents.view_document", group, document)
    return document
