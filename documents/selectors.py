"""Read queries of document control."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from sapat.access import visible_to
from sapat.quality.evidence import Evidence
from sapat.signing.models import Meaning, Signature

from .models import Document, DocumentRevision, RevisionStatus
from .models.register import Access, DocumentStatus


def visible_documents(*, user) -> QuerySet[Document]:
    """Public and all-staff documents, plus the restricted ones granted to
    ``user`` (or all of them to the keepers of the register), in SQL."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Document.objects.none()
    granted = visible_to(user, Document.objects.filter(access=Access.RESTRICTED))
    return Document.objects.filter(
        Q(access__in=[Access.PUBLIC, Access.STAFF]) | Q(pk__in=granted.values("pk"))
    )


def document_list(
    *,
    user,
    q: str = "",
    doc_type: str = "",
    status: str = "",
    owner: int | None = None,
    review: str = "",
) -> QuerySet[Document]:
    """The register as ``user`` may see it, filtered and searched.

    Withdrawn documents are left out unless asked for. Each row carries its
    revision in force (number and date) from two subqueries, so the page
    takes the same number of queries for any number of rows.
    """
    from .search import search_documents

    # search_text can hold a whole manual: never load it for a list.
    queryset = (
        visible_documents(user=user)
        .select_related("owner", "owner_unit")
        .defer("search_text")
    )
    if status:
        queryset = queryset.filter(status=status)
    else:
        queryset = queryset.exclude(status=DocumentStatus.WITHDRAWN)
    if doc_type:
        queryset = queryset.filter(doc_type=doc_type)
    if owner:
        queryset = queryset.filter(owner_id=owner)
    today = timezone.localdate()
    if review == "overdue":
        queryset = queryset.filter(next_review__lt=today)
    elif review == "due":
        queryset = queryset.filter(
            next_review__gte=today, next_review__lte=today + timedelta(days=30)
        )
    in_force = DocumentRevision.objects.filter(
        document=OuterRef("pk"), approval_status=RevisionStatus.IN_FORCE
    ).order_by("-number")
    queryset = queryset.annotate(
        revision_number=Subquery(in_force.values("number")[:1]),
        revision_since=Subquery(in_force.values("in_force_at")[:1]),
    )
    if q:
        queryset = search_documents(queryset, q)
    return queryset


def public_documents() -> QuerySet[Document]:
    return Document.objects.filter(
        access=Access.PUBLIC, status=DocumentStatus.IN_FORCE
    ).order_by("code")


def revisions_of(document: Document) -> QuerySet[DocumentRevision]:
    return document.revisions.select_related("created_by").order_by("-number")


def my_acknowledgements(*, user) -> QuerySet[DocumentRevision]:
    """Revisions in force that ``user`` should acknowledge and has not."""
    signed = Signature.objects.filter(
        content_type=ContentType.objects.get_for_model(DocumentRevision),
        signer=user,
        meaning=Meaning.ACKNOWLEDGED,
    ).values("object_id")
    addressed = (
        Q(document__distribution_users=user)
        | Q(document__distribution_groups__in=user.groups.all())
        | Q(
            document__distribution_users__isnull=True,
            document__distribution_groups__isnull=True,
        )
        | Q(executors=user)
    )
    return (
        DocumentRevision.objects.filter(
            approval_status=RevisionStatus.IN_FORCE,
            document__in=visible_documents(user=user),
        )
        .filter(addressed)
        .exclude(pk__in=signed)
        .select_related("document")
        .distinct()
        .order_by("-in_force_at")
    )


def documents_per_clause(clause_ids: list[int]) -> dict[int, list[Evidence]]:
    """Evidence provider: documents in force that govern each clause."""
    through = Document.clauses.through.objects.filter(
        isoclause_id__in=clause_ids, document__status=DocumentStatus.IN_FORCE
    ).select_related("document")
    result: dict[int, list[Evidence]] = {}
    for row in through:
        result.setdefault(row.isoclause_id, []).append(
            Evidence("document", str(row.document), row.document.get_absolute_url())
        )
    return result
