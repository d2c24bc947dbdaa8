"""External normative documents (§4.2.3): register, pages, weekly check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sapat.access import visible_to
from sapat.forms import save_form

from ..forms_external import ExternalDocumentForm
from ..models import ExternalDocument
from ..services import external as services

PAGE_SIZE = 25


def search_variants(q: str) -> set[str]:
    """Spellings of ``q`` a case-insensitive match should find.

    SQLite compares only ASCII letters without case, so Cyrillic «закон»
    would miss «Закон». Trying the usual casings of the query finds titles
    written in lower case, capitalised or in capitals, on every database.
    """
    return {q, q.casefold(), q.lower(), q.upper(), q.capitalize(), q.title()}


def text_search(queryset: QuerySet, q: str, fields: tuple[str, ...]) -> QuerySet:
    """Rows where any of ``fields`` contains ``q`` in any of its casings."""
    condition = Q()
    for variant in search_variants(q):
        for name in fields:
            condition |= Q(**{f"{name}__icontains": variant})
    return queryset.filter(condition)


def external_list_query(
    *, user, q: str = "", kind: str = "", status: str = "", check: str = ""
) -> QuerySet[ExternalDocument]:
    """External documents ``user`` may read, searched and filtered in SQL.

    ``check="due"`` keeps the documents in force due for a check at their
    source (never checked, or over a week ago).
    """
    queryset = visible_to(user, ExternalDocument.objects.all()).select_related(
        "responsible", "replaced_by"
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    if check == "due":
        due = services.external_due_for_check(today=timezone.localdate())
        queryset = queryset.filter(pk__in=due.values("pk"))
    if q:
        queryset = text_search(queryset, q, ("title", "issuer", "number"))
    return queryset.order_by("title", "pk")


@permission_required("documents.view_externaldocument", raise_exception=True)
def external_list(request):
    params = {
        "q": request.GET.get("q", "").strip()[:200],
        "kind": request.GET.get("kind", ""),
        "status": request.GET.get("status", ""),
        "check": request.GET.get("check", ""),
    }
    if params["kind"] not in ExternalDocument.Kind.values:
        params["kind"] = ""
    if params["status"] not in ExternalDocument.Status.values:
        params["status"] = ""
    if params["check"] != "due":
        params["check"] = ""
    queryset = external_list_query(user=request.user, **params)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/external_list.html",
        {
            "page_obj": page,
            "params": params,
            "kinds": ExternalDocument.Kind.choices,
            "statuses": ExternalDocument.Status.choices,
            "check_before": timezone.localdate() - services.CHECK_INTERVAL,
            "filtered": any(params.values()),
        },
    )


@permission_required("documents.add_externaldocument", raise_exception=True)
def external_create(request):
    form = ExternalDocumentForm(
        request.POST or None,
        initial={
            "responsible": request.user,
            "status": ExternalDocument.Status.IN_FORCE,
        },
    )
    return save_form(
        request,
        form,
        lambda data: services.external_register(actor=request.user, **data),
        template="documents/external_form.html",
    )


@permission_required("documents.view_externaldocument", raise_exception=True)
def external_detail(request, pk: int):
    document = get_object_or_404(
        visible_to(request.user, ExternalDocument.objects.all()).select_related(
            "responsible", "registered_by", "replaced_by"
        ),
        pk=pk,
    )
    return render(
        request,
        "documents/external_detail.html",
        {
            "object": document,
            "replaces": document.replaces.order_by("title"),
            "check_before": timezone.localdate() - services.CHECK_INTERVAL,
        },
    )


@permission_required("documents.change_externaldocument", raise_exception=True)
def external_edit(request, pk: int):
    document = get_object_or_404(ExternalDocument, pk=pk)
    form = ExternalDocumentForm(request.POST or None, instance=document)
    return save_form(
        request,
        form,
        lambda data: services.external_update(
            document=document, actor=request.user, **data
        ),
        template="documents/external_form.html",
        context={"object": document},
    )


@require_POST
@permission_required("documents.change_externaldocument", raise_exception=True)
def external_checked(request, pk: int):
    """ "Checked today": the document was found still as registered."""
    document = get_object_or_404(ExternalDocument, pk=pk)
    services.external_mark_checked(document=document, actor=request.user)
    messages.success(
        request,
        _("%(title)s: checked today.") % {"title": document.title},
    )
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect(document.get_absolute_url())
