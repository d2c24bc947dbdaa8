"""The register of documents (ДЖ-01): list, pages, revisions, acknowledgement."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sapat.downloads import attachment
from sapat.forms import errors_to_form

from .. import selectors
from ..compare import compare_texts
from ..forms import (
    ChangeRequestForm,
    DecideForm,
    DocumentForm,
    PaperCopyForm,
    PasswordForm,
    RevisionForm,
    WithdrawForm,
)
from ..models import ChangeRequest, Document, DocumentRevision, PaperCopy
from ..models.register import Access, DocumentStatus, DocumentType, RevisionStatus
from ..services import register as services

PAGE_SIZE = 25


def _document(request, pk: int) -> Document:
    """The document if ``request.user`` may read it; 404 otherwise."""
    return get_object_or_404(
        selectors.visible_documents(user=request.user).select_related(
            "owner", "owner_unit"
        ),
        pk=pk,
    )


def _revision(request, pk: int, number: int) -> DocumentRevision:
    document = _document(request, pk)
    return get_object_or_404(
        document.revisions.select_related("document", "created_by"), number=number
    )


def document_list(request):
    params = {
        "q": request.GET.get("q", "").strip()[:200],
        "doc_type": request.GET.get("type", ""),
        "status": request.GET.get("status", ""),
        "review": request.GET.get("review", ""),
    }
    if params["doc_type"] not in DocumentType.values:
        params["doc_type"] = ""
    if params["status"] not in DocumentStatus.values:
        params["status"] = ""
    if params["review"] not in {"due", "overdue"}:
        params["review"] = ""
    queryset = selectors.document_list(user=request.user, **params)
    if not params["q"]:
        queryset = queryset.order_by("code")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/document_list.html",
        {
            "page_obj": page,
            "params": params,
            "types": DocumentType.choices,
            "statuses": DocumentStatus.choices,
        },
    )


def document_create(request):
    if not request.user.has_perm("documents.add_document"):
        raise PermissionDenied
    form = DocumentForm(request.POST or None, initial={"owner": request.user})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            document = services.document_create(actor=request.user, **data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The document was registered."))
            return redirect(document.get_absolute_url())
    return render(request, "documents/document_form.html", {"form": form})


def document_edit(request, pk: int):
    document = _document(request, pk)
    if not services.may_edit(request.user, document):
        raise PermissionDenied
    form = DocumentForm(request.POST or None, instance=document)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        m2m = {
            name: data.pop(name)
            for name in (
                "distribution_groups",
                "distribution_users",
                "clauses",
                "readers",
                "reader_groups",
            )
        }
        try:
            services.document_update(
                document=document, actor=request.user, m2m=m2m, **data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(document.get_absolute_url())
    return render(
        request, "documents/document_form.html", {"form": form, "object": document}
    )


def document_detail(request, pk: int):
    document = _document(request, pk)
    revisions = list(selectors.revisions_of(document))
    current = next(
        (r for r in revisions if r.approval_status == RevisionStatus.IN_FORCE), None
    )
    open_revision = next(
        (
            r
            for r in revisions
            if r.approval_status
            in {
                RevisionStatus.DRAFT,
                RevisionStatus.AGREEMENT,
                RevisionStatus.APPROVAL,
                RevisionStatus.APPROVED,
            }
        ),
        None,
    )
    acknowledged = (
        request.user.pk in services.acknowledgements(current) if current else False
    )
    return render(
        request,
        "documents/document_detail.html",
        {
            "object": document,
            "revisions": revisions,
            "current": current,
            "open_revision": open_revision,
            "acknowledged": acknowledged,
            "may_edit": services.may_edit(request.user, document),
            "changes": document.change_requests.select_related(
                "proposed_by", "decided_by"
            )[:20],
            "password_form": PasswordForm(),
            "change_form": ChangeRequestForm(),
            "withdraw_form": WithdrawForm(),
            "linked": document.linked_object if document.linked_type_id else None,
        },
    )


def revision_create(request, pk: int):
    document = _document(request, pk)
    current = services.current_revision(document)
    form = RevisionForm(
        request.POST or None,
        request.FILES or None,
        initial={"body": current.body if current else ""},
    )
    if request.method == "POST":
        if not (
            services.may_edit(request.user, document)
            or request.user.has_perm("documents.add_documentrevision")
        ):
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("lock_version", None)
            try:
                revision = services.revision_create(
                    document=document, actor=request.user, **data
                )
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(request, _("The draft revision was created."))
                return redirect(revision.get_absolute_url())
    return render(
        request, "documents/revision_form.html", {"form": form, "document": document}
    )


def revision_edit(request, pk: int, number: int):
    revision = _revision(request, pk, number)
    if not services.may_edit(request.user, revision.document):
        raise PermissionDenied
    form = RevisionForm(request.POST or None, request.FILES or None, instance=revision)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        lock_version = data.pop("lock_version")
        upload = data.pop("file", None)
        new_file = upload if upload and hasattr(upload, "content_type") else None
        try:
            services.revision_update(
                revision=revision,
                actor=request.user,
                lock_version=lock_version if lock_version is not None else -1,
                file=new_file,
                **data,
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(revision.get_absolute_url())
    return render(
        request,
        "documents/revision_form.html",
        {"form": form, "document": revision.document, "object": revision},
    )


def revision_detail(request, pk: int, number: int):
    revision = _revision(request, pk, number)
    return render(
        request,
        "documents/revision_detail.html",
        {
            "object": revision,
            "document": revision.document,
            "may_edit": services.may_edit(request.user, revision.document),
            "acknowledged": request.user.pk in services.acknowledgements(revision),
            "password_form": PasswordForm(),
        },
    )


def _attachment(revision: DocumentRevision):
    return attachment(
        revision.file,
        filename=f"{revision.document.code}-{revision.number}.{revision.file_type}",
    )


def revision_download(request, pk: int, number: int):
    revision = _revision(request, pk, number)
    if not revision.file:
        raise Http404
    return _attachment(revision)


@require_POST
def revision_acknowledge(request, pk: int, number: int):
    revision = _revision(request, pk, number)
    form = PasswordForm(request.POST)
    if form.is_valid():
        try:
            services.revision_acknowledge(
                revision=revision,
                actor=request.user,
                password=form.cleaned_data["password"],
                request=request,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Acknowledged: thank you."))
    else:
        messages.error(request, _("Enter your password to sign."))
    return redirect(revision.get_absolute_url())


def acknowledgement_matrix(request, pk: int):
    document = _document(request, pk)
    current = services.current_revision(document)
    rows = []
    if current is not None:
        done = services.acknowledgements(current)
        rows = [(person, done.get(person.pk)) for person in services._audience(current)]
        rows.sort(key=lambda row: (row[1] is not None, str(row[0])))
    return render(
        request,
        "documents/acknowledgement_matrix.html",
        {
            "object": document,
            "current": current,
            "rows": rows,
            "left": sum(1 for _person, signature in rows if signature is None),
        },
    )


def my_acknowledgements(request):
    return render(
        request,
        "documents/my_acknowledgements.html",
        {"revisions": selectors.my_acknowledgements(user=request.user)[:100]},
    )


def _post_action(request, document: Document, form, act, *, invalid: str, done: str):
    """A one-button POST on a document page: validate, act, message, back."""
    if not form.is_valid():
        messages.error(request, invalid)
        return redirect(document.get_absolute_url())
    try:
        act(form.cleaned_data)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(document.get_absolute_url())


@require_POST
def document_review(request, pk: int):
    document = _document(request, pk)
    return _post_action(
        request,
        document,
        PasswordForm(request.POST),
        lambda data: services.document_review_no_change(
            document=document,
            actor=request.user,
            password=data["password"],
            request=request,
        ),
        invalid=_("Enter your password to sign."),
        done=_("Reviewed: no change needed."),
    )


@require_POST
def document_withdraw(request, pk: int):
    document = _document(request, pk)
    return _post_action(
        request,
        document,
        WithdrawForm(request.POST),
        lambda data: services.document_withdraw(
            document=document, actor=request.user, reason=data["reason"]
        ),
        invalid=_("Say why the document is withdrawn."),
        done=_("The document was withdrawn."),
    )


def change_request_create(request, pk: int):
    document = _document(request, pk)
    form = ChangeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_request_create(
                document=document,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Your proposal was sent to the owner."))
            return redirect(document.get_absolute_url())
    return render(
        request,
        "documents/change_request_form.html",
        {"form": form, "document": document},
    )


def change_request_decide(request, pk: int):
    change = get_object_or_404(ChangeRequest.objects.select_related("document"), pk=pk)
    document = _document(request, change.document_id)
    if not services.may_edit(request.user, document):
        raise PermissionDenied
    form = DecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_request_decide(
                change=change,
                actor=request.user,
                accept=form.cleaned_data["accept"],
                decision=form.cleaned_data["decision"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The proposal was decided."))
            return redirect(document.get_absolute_url())
    return render(
        request,
        "documents/change_request_decide.html",
        {"form": form, "change": change, "document": document},
    )


def paper_copies(request, pk: int, number: int):
    revision = _revision(request, pk, number)
    form = PaperCopyForm(
        request.POST or None, initial={"issued_on": timezone.localdate()}
    )
    if request.method == "POST":
        if not request.user.has_perm("documents.add_papercopy"):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.paper_copy_issue(
                    revision=revision, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(request, _("The copy was issued."))
                return redirect("documents:paper_copies", pk=pk, number=number)
    copies = revision.paper_copies.select_related("holder", "withdrawn_by")
    return render(
        request,
        "documents/paper_copies.html",
        {
            "object": revision,
            "document": revision.document,
            "copies": copies,
            "form": form,
        },
    )


@require_POST
def paper_copy_withdraw(request, pk: int):
    copy = get_object_or_404(PaperCopy.objects.select_related("revision"), pk=pk)
    revision = _revision(request, copy.revision.document_id, copy.revision.number)
    try:
        services.paper_copy_withdraw(copy=copy, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The copy was withdrawn."))
    return redirect(
        "documents:paper_copies", pk=revision.document_id, number=revision.number
    )


def revision_compare(request, pk: int):
    document = _document(request, pk)
    revisions = list(document.revisions.order_by("number"))
    numbers = [r.number for r in revisions]

    def pick(name: str, default: int | None) -> int | None:
        try:
            value = int(request.GET.get(name, ""))
        except ValueError:
            return default
        return value if value in numbers else default

    new = pick("b", numbers[-1] if numbers else None)
    old = pick("a", numbers[-2] if len(numbers) > 1 else new)
    by_number = {r.number: r for r in revisions}
    rows = []
    if old is not None and new is not None:
        rows = compare_texts(by_number[old].text(), by_number[new].text())
    return render(
        request,
        "documents/compare.html",
        {"object": document, "numbers": numbers, "a": old, "b": new, "rows": rows},
    )


def register_pdf(request):
    """The list of documents in force, as a signed PDF (the single list)."""
    from sapat.signing.pdf import render_pdf, sign_pdf

    from ..register_list import documents_in_force_register

    if not request.user.has_perm("documents.view_document"):
        raise PermissionDenied
    today = timezone.localdate()
    data = render_pdf(
        "pdf/documents/register.html",
        {
            "rows": documents_in_force_register(today=today),
            "today": today,
            "title": _("The list of documents in force"),
            "controlled": True,
        },
    )
    data = sign_pdf(data, reason=_("The list of documents in force"))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="register-{today:%Y-%m-%d}.pdf"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_not_required
def public_documents(request):
    return render(
        request,
        "documents/public_list.html",
        {"documents": selectors.public_documents().prefetch_related("revisions")},
    )


@login_not_required
def public_download(request, pk: int):
    document = get_object_or_404(
        Document, pk=pk, access=Access.PUBLIC, status=DocumentStatus.IN_FORCE
    )
    current = services.current_revision(document)
    if current is None:
        raise Http404
    if not current.file:
        return render(
            request,
            "documents/public_text.html",
            {"document": document, "revision": current},
        )
    return _attachment(current)
