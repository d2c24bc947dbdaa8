"""The list of documents in force: the manual's single list (§4.2.1, §4.2.3).

One selector, :func:`documents_in_force_register`, shared by the register PDF
and by the nomenclature of files of the records app: each row is a document in
force with its revision in force, its review state and its paper copies.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Literal

from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
from django.utils import timezone

from .models import Document, DocumentRevision, RevisionStatus
from .models.register import DocumentStatus, DocumentType

ReviewState = Literal["ok", "due", "overdue"]

#: A review this many days ahead or nearer is "due".
REVIEW_DUE_DAYS = 30


@dataclass(frozen=True)
class RegisterRow:
    """A document in force as the register shows it.

    ``revision`` is the revision in force (``None`` only if the data is
    inconsistent). The paper-copy counts are of that revision: every copy
    issued, and those of them withdrawn since.
    """

    document: Document
    revision: DocumentRevision | None
    paper_copies_issued: int
    paper_copies_withdrawn: int
    review_state: ReviewState

    @property
    def paper_copies_out(self) -> int:
        """Copies still with their holders."""
        return self.paper_copies_issued - self.paper_copies_withdrawn

    @property
    def in_force_since(self) -> datetime.date | None:
        """The effective date, else the local day it came in force."""
        if self.revision is None:
            return None
        if self.revision.effective_date:
            return self.revision.effective_date
        if self.revision.in_force_at:
            return timezone.localdate(self.revision.in_force_at)
        return None


def review_state(
    next_review: datetime.date | None, *, today: datetime.date
) -> ReviewState:
    """ "overdue" once the date has passed, "due" within 30 days, else "ok"."""
    if next_review is None:
        return "ok"
    if next_review < today:
        return "overdue"
    if next_review <= today + datetime.timedelta(days=REVIEW_DUE_DAYS):
        return "due"
    return "ok"


def _type_order() -> Case:
    # The types in the manual's order (§4.2.1: strategic, operational,
    # non-normative), not alphabetically by their stored values.
    return Case(
        *(
            When(doc_type=value, then=Value(position))
            for position, value in enumerate(DocumentType.values)
        ),
        default=Value(len(DocumentType.values)),
        output_field=IntegerField(),
    )


def documents_in_force_register(
    *, today: datetime.date | None = None
) -> list[RegisterRow]:
    """The documents in force, by type (in the manual's order) then by code.

    ``today`` (default: the local date) decides each row's review state.
    Runs two queries however many documents there are: the documents with
    their owner and unit, and their revisions in force with the paper copies
    counted in SQL. The revisions' texts are not loaded. Changes nothing.
    """
    today = today or timezone.localdate()
    revisions = (
        DocumentRevision.objects.filter(approval_status=RevisionStatus.IN_FORCE)
        .defer("body", "extracted_text")
        .annotate(
            copies_issued=Count("paper_copies"),
            copies_withdrawn=Count(
                "paper_copies", filter=Q(paper_copies__withdrawn_on__isnull=False)
            ),
        )
        .order_by("-number")
    )
    documents = (
        Document.objects.filter(status=DocumentStatus.IN_FORCE)
        .select_related("owner", "owner_unit")
        .defer("search_text")
        .prefetch_related(
            Prefetch("revisions", queryset=revisions, to_attr="revisions_in_force")
        )
        .annotate(type_order=_type_order())
        .order_by("type_order", "code")
    )
    rows = []
    for document in documents:
        revision = (
            document.revisions_in_force[0] if document.revisions_in_force else None
        )
        rows.append(
            RegisterRow(
                document=document,
                revision=revision,
                paper_copies_issued=revision.copies_issued if revision else 0,
                paper_copies_withdrawn=revision.copies_withdrawn if revision else 0,
                review_state=review_state(document.next_review, today=today),
            )
        )
    return rows
