"""Signing on the intranet, and public verification of signed PDFs."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from sapat.access import can
from sapat.accounts.models import OrganisationProfile

from . import selectors, services
from .forms import (
    DelegationForm,
    ReturnForm,
    RouteStartForm,
    SignForm,
    VerifyUploadForm,
)
from .models import Delegation, RouteStep, SignedPDF
from .pdf import verify_pdf


def _object_or_404(content_type_id: int, object_id: int, user):
    content_type = get_object_or_404(ContentType, pk=content_type_id)
    model = content_type.model_class()
    if model is None:
        raise Http404
    obj = model._default_manager.filter(pk=object_id).first()
    if obj is None or not _viewable(obj, user):
        raise Http404
    return obj


def _viewable(obj, user) -> bool:
    viewable_by = getattr(obj, "viewable_by", None)
    return viewable_by(user) if viewable_by else can(user, "view", obj)


def _form_errors_to_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def inbox(request):
    """Everything awaiting my signature, and my delegations."""
    return render(
        request,
        "signing/inbox.html",
        {"steps": selectors.awaiting_signature(user=request.user)},
    )


def _step_view(request, pk: int, *, form_class, template: str, act):
    step = get_object_or_404(RouteStep.objects.select_related("route"), pk=pk)
    obj = step.route.content_object
    if obj is None or not _viewable(obj, request.user):
        raise Http404
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            act(step=step, obj=obj, data=form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(
                    "password" if error.code == "password" else None, error.messages
                )
        else:
            return redirect(obj.get_absolute_url())
    return render(request, template, {"form": form, "step": step, "object": obj})


def step_sign(request, pk: int):
    """Sign a step; GET shows the page form (also the admin's intermediate page)."""

    def act(*, step, obj, data):
        services.route_sign(
            step=step,
            actor=request.user,
            password=data["password"],
            comment=data["comment"],
            request=request,
        )
        messages.success(
            request, _("Signed: %(title)s") % {"title": obj.approval_title()}
        )

    return _step_view(
        request, pk, form_class=SignForm, template="signing/step_sign.html", act=act
    )


def step_return(request, pk: int):
    def act(*, step, obj, data):
        services.route_return(
            step=step,
            actor=request.user,
            password=data["password"],
            comment=data["comment"],
            request=request,
        )
        messages.success(request, _("Returned with remarks."))

    return _step_view(
        request, pk, form_class=ReturnForm, template="signing/step_return.html", act=act
    )


@require_POST
def route_start(request, content_type_id: int, object_id: int):
    obj = _object_or_404(content_type_id, object_id, request.user)
    form = RouteStartForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(obj.get_absolute_url())
    try:
        services.route_start(
            obj=obj,
            actor=request.user,
            agreers=list(form.cleaned_data["agreers"]),
            parallel=form.cleaned_data["parallel"],
        )
    except ValidationError as error:
        _form_errors_to_messages(request, error)
    else:
        messages.success(request, _("Sent for approval."))
    return redirect(obj.get_absolute_url())


@require_POST
def route_cancel(request, pk: int):
    from .models import ApprovalRoute

    route = get_object_or_404(ApprovalRoute, pk=pk)
    obj = route.content_object
    if obj is None or not _viewable(obj, request.user):
        raise Http404
    try:
        services.route_cancel(route=route, actor=request.user)
    except ValidationError as error:
        _form_errors_to_messages(request, error)
    else:
        messages.success(request, _("The approval was withdrawn; it is a draft again."))
    return redirect(obj.get_absolute_url())


def pdf_status(request, pk: int):
    """The PDF card, polled by htmx while the PDF is being prepared."""
    record = get_object_or_404(SignedPDF, pk=pk)
    obj = record.content_object
    if obj is None or not _viewable(obj, request.user):
        raise Http404
    return render(request, "signing/_pdf.html", {"pdf": record})


def pdf_download(request, pk: int):
    record = get_object_or_404(SignedPDF, pk=pk, status=SignedPDF.Status.READY)
    obj = record.content_object
    if obj is None or not _viewable(obj, request.user):
        raise Http404
    return FileResponse(
        record.file.open("rb"),
        as_attachment=False,
        filename=f"{record.code}.pdf",
        content_type="application/pdf",
    )


def delegations(request):
    """The director appoints acting deputies; everyone sees their own."""
    profile = OrganisationProfile.load()
    may_delegate = request.user.pk == profile.director_id or request.user.has_perm(
        "signing.add_delegation"
    )
    form = DelegationForm(request.POST or None, principal=request.user)
    if request.method == "POST":
        if not may_delegate:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.delegation_create(
                    actor=request.user, principal=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The delegation was saved."))
                return redirect("signing:delegations")
    rows = Delegation.objects.filter(
        principal=request.user
    ) | Delegation.objects.filter(deputy=request.user)
    return render(
        request,
        "signing/delegations.html",
        {
            "form": form,
            "may_delegate": may_delegate,
            "delegations": rows.select_related("principal", "deputy"),
        },
    )


@require_POST
def delegation_revoke(request, pk: int):
    delegation = get_object_or_404(Delegation, pk=pk)
    services.delegation_revoke(actor=request.user, delegation=delegation)
    messages.success(request, _("The delegation was revoked."))
    return redirect("signing:delegations")


# --- Public verification --------------------------------------------------


def _verification_context(record: SignedPDF) -> dict:
    obj = record.content_object
    return {
        "pdf": record,
        "object": obj,
        "signatures": services.manifest(obj) if obj is not None else [],
    }


@login_not_required
@ratelimit(key="ip", rate="60/m", block=True)
def verify_code(request, code: str):
    record = (
        SignedPDF.objects.filter(code=code[:32], status=SignedPDF.Status.READY)
        .select_related("superseded_by")
        .first()
    )
    if record is None:
        return render(
            request, "signing/verify_not_found.html", {"code": code[:32]}, status=404
        )
    return render(request, "signing/verify.html", _verification_context(record))


@login_not_required
@ratelimit(key="ip", rate="20/m", method="POST", block=True)
def verify(request):
    """Upload a PDF: is it one we signed, unmodified, and which record?"""
    form = VerifyUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        digest = hashlib.sha256(data).hexdigest()
        record = (
            SignedPDF.objects.filter(sha256=digest, status=SignedPDF.Status.READY)
            .select_related("superseded_by")
            .first()
        )
        check = verify_pdf(data)
        result = {"record": record, "check": check, "sha256": digest}
        if record is not None:
            result.update(_verification_context(record))
    return render(
        request, "signing/verify_upload.html", {"form": form, "result": result}
    )
