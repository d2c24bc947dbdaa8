"""Correspondence (РИ-05): the register of letters, their pages and files."""

from __future__ import annotations

import os

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sapat.access import visible_to
from sapat.downloads import attachment
from sapat.forms import save_form

from ..forms_external import LetterEditForm, LetterForm
from ..models import Letter, LetterFile
from ..services import letters as services
from .external import text_search

PAGE_SIZE = 25

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
}


def letter_list_query(
    *,
    user,
    q: str = "",
    direction: str = "",
    status: str = "",
    overdue: bool = False,
) -> QuerySet[Letter]:
    """Letters ``user`` may read, searched and filtered, with their file count.

    Overdue: open, with a due date before today (the agency's date).
    """
    queryset = (
        visible_to(user, Letter.objects.all())
        .select_related("executor")
        .annotate(file_count=Count("files"))
    )
    if direction:
        queryset = queryset.filter(direction=direction)
    if status:
        queryset = queryset.filter(status=status)
    if overdue:
        queryset = queryset.filter(
            status=Letter.Status.OPEN, due_date__lt=timezone.localdate()
        )
    if q:
        queryset = text_search(
            queryset, q, ("reg_number", "their_number", "counterparty", "subject")
        )
    return queryset.order_by("-date", "-year", "-sequence", "-pk")


def _allowed(request, letter: Letter | None) -> Letter:
    """``letter`` if the user may read it; 403, or 404 to its readers only.

    Without ``documents.view_letter`` every letter but one's own is 403,
    whether it exists or not, so its numbers cannot be probed.
    """
    if letter is not None and services.may_view(request.user, letter):
        return letter
    if letter is None and request.user.has_perm("documents.view_letter"):
        raise Http404
    raise PermissionDenied


def _letter(request, pk: int) -> Letter:
    return _allowed(
        request,
        Letter.objects.select_related("executor", "registered_by")
        .filter(pk=pk)
        .first(),
    )


@permission_required("documents.view_letter", raise_exception=True)
def letter_list(request):
    params = {
        "q": request.GET.get("q", "").strip()[:200],
        "direction": request.GET.get("direction", ""),
        "status": request.GET.get("status", ""),
        "overdue": request.GET.get("overdue", "") == "1",
    }
    if params["direction"] not in Letter.Direction.values:
        params["direction"] = ""
    if params["status"] not in Letter.Status.values:
        params["status"] = ""
    page = Paginator(
        letter_list_query(user=request.user, **params), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/letter_list.html",
        {
            "page_obj": page,
            "params": params,
            "directions": Letter.Direction.choices,
            "statuses": Letter.Status.choices,
            "today": timezone.localdate(),
            "filtered": any(params.values()),
        },
    )


@permission_required("documents.add_letter", raise_exception=True)
def letter_create(request):
    form = LetterForm(
        request.POST or None,
        request.FILES or None,
        initial={"date": timezone.localdate()},
    )
    return save_form(
        request,
        form,
        lambda data: services.letter_register(actor=request.user, **data),
        template="documents/letter_form.html",
    )


def letter_detail(request, pk: int):
    letter = _letter(request, pk)
    files = list(letter.files.order_by("uploaded_at", "pk"))
    for stored in files:
        stored.filename = os.path.basename(stored.file.name)
    return render(
        request,
        "documents/letter_detail.html",
        {
            "object": letter,
            "files": files,
            "may_mark_done": letter.status == Letter.Status.OPEN
            and services.may_mark_done(request.user, letter),
            "today": timezone.localdate(),
        },
    )


@permission_required("documents.change_letter", raise_exception=True)
def letter_edit(request, pk: int):
    letter = get_object_or_404(Letter, pk=pk)
    form = LetterEditForm(request.POST or None, request.FILES or None, instance=letter)
    return save_form(
        request,
        form,
        lambda data: services.letter_update(letter=letter, actor=request.user, **data),
        template="documents/letter_form.html",
        context={"object": letter},
    )


@require_POST
def letter_done(request, pk: int):
    letter = _letter(request, pk)
    try:
        services.letter_mark_done(letter=letter, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("%(number)s is done.") % {"number": letter.reg_number}
        )
    return redirect(letter.get_absolute_url())


def letter_file_download(request, pk: int):
    """A letter's file, always as a download, never rendered by the browser."""
    stored = LetterFile.objects.select_related("letter").filter(pk=pk).first()
    _allowed(request, stored.letter if stored else None)
    return attachment(
        stored.file,
        filename=os.path.basename(stored.file.name),
        content_type=CONTENT_TYPES.get(stored.file_type, "application/octet-stream"),
    )
