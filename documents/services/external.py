"""External normative documents (§4.2.3): register, keep current, check.

The quality manager watches the agency's e-mail and the websites of the
Government and the Ministry of Education and Science, registers what applies
and checks each document in force at its source every week.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sapat.accounts.models import User
from sapat.history import attribute
from sapat.notify.events import Event, register
from sapat.notify.services import notify

from ..models import ExternalDocument

#: A document in force not checked at its source for longer than this is
#: due for a check.
CHECK_INTERVAL = timedelta(days=7)

register(
    Event(
        "documents.external_check_due",
        title=gettext_lazy("External documents to check: %(count)s"),
        body=gettext_lazy(
            "Check at their sources (the agency's e-mail, the websites of the "
            "Government and of the Ministry of Education and Science) that they "
            "are still in force, then mark each one checked today."
        ),
    )
)


def _check_replacement(document: ExternalDocument) -> None:
    """ "Replaced" and "replaced by" go together; nothing replaces itself."""
    replaced = document.status == ExternalDocument.Status.REPLACED
    if replaced and document.replaced_by_id is None:
        raise ValidationError(
            {"replaced_by": _("Choose the external document that replaces this one.")},
            code="replacement_missing",
        )
    if not replaced and document.replaced_by_id is not None:
        raise ValidationError(
            {
                "replaced_by": _(
                    "Only a replaced document names the one that replaces it: "
                    "set the status to “replaced” or clear this field."
                )
            },
            code="replacement_unexpected",
        )
    if document.pk is not None and document.replaced_by_id == document.pk:
        raise ValidationError(
            {"replaced_by": _("A document cannot replace itself.")},
            code="replacement_self",
        )
    if (
        document.pk is not None
        and document.replaced_by_id is not None
        and ExternalDocument.objects.filter(
            pk=document.replaced_by_id, replaced_by_id=document.pk
        ).exists()
    ):
        raise ValidationError(
            {"replaced_by": _("That document is itself replaced by this one.")},
            code="replacement_cycle",
        )


@transaction.atomic
def external_register(*, actor: User, **fields) -> ExternalDocument:
    """Register an external document found at one of its sources.

    ``fields`` are the model's editable fields (title, kind, issuer, number,
    issued_on, source_url, status, replaced_by, responsible, notes); the
    actor is recorded as the one who registered it. Requires
    ``documents.add_externaldocument``. Raises ``PermissionDenied``, or
    ``ValidationError`` on bad data (a "replaced" status without the
    replacing document, or the other way round).
    """
    if not actor.has_perm("documents.add_externaldocument"):
        raise PermissionDenied
    document = ExternalDocument(registered_by=actor, **fields)
    document.full_clean()
    _check_replacement(document)
    attribute(document, actor=actor, reason=_("Registered"))
    document.save()
    return document


@transaction.atomic
def external_update(
    *, document: ExternalDocument, actor: User, **fields
) -> ExternalDocument:
    """Change an external document, its status (in force, repealed, replaced)
    included.

    Requires ``documents.change_externaldocument``; locks the row first.
    Raises ``PermissionDenied`` or ``ValidationError`` (bad data, "replaced"
    without the replacing document or the other way round, a document
    replacing itself).
    """
    if not actor.has_perm("documents.change_externaldocument"):
        raise PermissionDenied
    document = ExternalDocument.objects.select_for_update().get(pk=document.pk)
    for name, value in fields.items():
        setattr(document, name, value)
    document.full_clean()
    _check_replacement(document)
    attribute(document, actor=actor, reason=_("External document changed"))
    document.save()
    return document


@transaction.atomic
def external_mark_checked(
    *, document: ExternalDocument, actor: User
) -> ExternalDocument:
    """Record that ``actor`` checked the document at its source today.

    Today is the agency's date (Asia/Bishkek). Requires
    ``documents.change_externaldocument``; writes a history row naming the
    actor. Raises ``PermissionDenied``.
    """
    if not actor.has_perm("documents.change_externaldocument"):
        raise PermissionDenied
    document = ExternalDocument.objects.select_for_update().get(pk=document.pk)
    document.last_checked = timezone.localdate()
    document.full_clean()
    attribute(document, actor=actor, reason=_("Checked at the source"))
    document.save()
    return document


def external_due_for_check(*, today: date):
    """Documents in force never checked, or last checked over a week ago."""
    return ExternalDocument.objects.filter(
        status=ExternalDocument.Status.IN_FORCE
    ).filter(Q(last_checked__isnull=True) | Q(last_checked__lt=today - CHECK_INTERVAL))


def external_check_remind(*, today: date | None = None) -> int:
    """Weekly: tell each responsible person how many of their documents in
    force are due for a check at the source.

    One notification per person per ISO week (the once key holds the ISO
    year and week, so a run on 31 December and another on 1 January of the
    same week send once). Returns how many notifications were sent.
    """
    today = today or timezone.localdate()
    iso = today.isocalendar()
    week = f"{iso.year}-W{iso.week:02d}"
    counts = dict(
        external_due_for_check(today=today)
        .order_by()
        .values("responsible")
        .annotate(count=Count("pk"))
        .values_list("responsible", "count")
    )
    if not counts:
        return 0
    target = reverse("documents:external_list") + "?check=due"
    sent = 0
    for user in User.objects.filter(pk__in=counts, is_active=True).order_by("pk"):
        sent += len(
            notify(
                recipients=[user],
                event="documents.external_check_due",
                target=target,
                context={"count": counts[user.pk]},
                once_key=f"documents:external-check:{user.pk}:{week}",
            )
        )
    return sent
