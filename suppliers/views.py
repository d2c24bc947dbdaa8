"""Purchasing pages (ДЖ-11): suppliers, evaluation, the approved lists,
purchases and the supplier analysis."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sapat.downloads import attachment
from sapat.forms import errors_to_form

from . import selectors, services
from .forms import (
    CancelForm,
    CompileForm,
    CriteriaFormSet,
    DecisionForm,
    DocumentForm,
    EvaluationForm,
    OrderForm,
    ProposalForm,
    PurchaseForm,
    RequirementForm,
    ReviewForm,
    SupplierForm,
    VerificationForm,
)
from .models import (
    NO_EVALUATION,
    Category,
    Criterion,
    ListChangeProposal,
    ProposalStatus,
    Purchase,
    PurchaseStatus,
    Supplier,
    SupplierDocument,
    SupplierList,
    TrainerListReview,
    TrainerRequirement,
)

PAGE_SIZE = 25


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _choice(value: str, choices) -> str:
    return value if value in dict(choices) else ""


# --- Landing ----------------------------------------------------------------------


@permission_required("suppliers.view_supplier", raise_exception=True)
def index(request):
    """What is in force: the suppliers list, the trainers list, and the work
    waiting (proposals to decide, purchases to order or verify)."""
    today = timezone.localdate()
    in_force = selectors.supplier_list_in_force()
    next_year = services.next_list_year()
    last_review = selectors.review_list().first()
    purchases = selectors.purchase_list(user=request.user).aggregate(
        requested=Count("id", filter=Q(status=PurchaseStatus.REQUESTED)),
        ordered=Count("id", filter=Q(status=PurchaseStatus.ORDERED)),
    )
    return render(
        request,
        "suppliers/index.html",
        {
            "in_force": in_force,
            "in_force_count": in_force.entries.count() if in_force else 0,
            "next_year": next_year,
            "next_list": SupplierList.objects.filter(year=next_year).first(),
            "pending": selectors.pending_count(next_year),
            "trainer_count": selectors.trainers_in_force().count(),
            "last_review": last_review,
            "quarter_reviewed": last_review is not None
            and last_review.year == today.year
            and last_review.quarter == services.quarter_of(today),
            "quarter": services.quarter_of(today),
            "flagged": Supplier.objects.filter(flagged=True, active=True).count(),
            "purchases": purchases,
        },
    )


# --- Suppliers --------------------------------------------------------------------


@permission_required("suppliers.view_supplier", raise_exception=True)
def supplier_list(request):
    q = request.GET.get("q", "").strip()[:100]
    category = _choice(request.GET.get("category", ""), Category.choices)
    flagged = request.GET.get("flagged") == "1"
    suppliers = selectors.supplier_list(
        user=request.user, q=q, category=category, flagged=flagged
    )
    return render(
        request,
        "suppliers/supplier_list.html",
        {
            "page_obj": _page(request, suppliers),
            "q": q,
            "category": category,
            "flagged": flagged,
            "categories": Category.choices,
        },
    )


def _supplier_form_view(request, supplier=None):
    form = SupplierForm(request.POST or None, instance=supplier)
    if request.method == "POST" and form.is_valid():
        fields = {
            name: form.cleaned_data[name]
            for name in services.SUPPLIER_FIELDS
            if name in form.cleaned_data
        }
        try:
            if supplier is None:
                saved = services.supplier_create(
                    actor=request.user,
                    categories=form.cleaned_data["categories"],
                    **fields,
                )
            else:
                saved = services.supplier_update(
                    actor=request.user,
                    supplier=supplier,
                    categories=form.cleaned_data["categories"],
                    **fields,
                )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(saved.get_absolute_url())
    return render(
        request, "suppliers/supplier_form.html", {"form": form, "object": supplier}
    )


@permission_required("suppliers.add_supplier", raise_exception=True)
def supplier_create(request):
    return _supplier_form_view(request)


@permission_required("suppliers.change_supplier", raise_exception=True)
def supplier_edit(request, pk: int):
    return _supplier_form_view(request, get_object_or_404(Supplier, pk=pk))


@permission_required("suppliers.view_supplier", raise_exception=True)
def supplier_detail(request, pk: int):
    try:
        supplier = selectors.supplier_detail(pk)
    except Supplier.DoesNotExist:
        raise Http404 from None
    categories = supplier.categories
    user = request.user
    context = {
        "object": supplier,
        "categories": [
            (c, Category(c).label, c not in NO_EVALUATION) for c in categories
        ],
        "documents": supplier.documents.select_related("uploaded_by")
        if user.has_perm("suppliers.view_supplierdocument")
        else None,
        "evaluations": selectors.evaluations_of(supplier)
        if user.has_perm("suppliers.view_evaluation")
        else None,
        "purchases": selectors.purchase_list(user=user)
        .filter(supplier=supplier)
        .order_by("-requested_on", "-id")[:20],
        "entries": supplier.list_entries.select_related("supplier_list").order_by(
            "-supplier_list__year"
        ),
        "on_trainer_list": selectors.trainers_in_force().filter(pk=pk).exists(),
        "qualification": services.trainer_qualification_problems(supplier)
        if Category.TRAINERS in categories
        else None,
        "document_form": DocumentForm(),
    }
    return render(request, "suppliers/supplier_detail.html", context)


@permission_required("suppliers.add_supplierdocument", raise_exception=True)
def document_add(request, pk: int):
    supplier = get_object_or_404(Supplier, pk=pk)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.supplier_document_add(
                actor=request.user, supplier=supplier, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The document was attached."))
            return redirect(supplier.get_absolute_url())
    return render(
        request, "suppliers/document_form.html", {"form": form, "supplier": supplier}
    )


@permission_required("suppliers.view_supplierdocument", raise_exception=True)
def document_download(request, pk: int):
    document = get_object_or_404(SupplierDocument, pk=pk)
    return attachment(document.file, filename=document.name)


# --- Evaluation -------------------------------------------------------------------


@permission_required("suppliers.add_evaluation", raise_exception=True)
def evaluation_create(request, pk: int, category: str):
    supplier = get_object_or_404(Supplier, pk=pk)
    if category not in Category.values:
        raise Http404
    criteria = Criterion.objects.filter(category=category, active=True)
    form = EvaluationForm(
        request.POST or None,
        criteria=criteria,
        initial={
            "evaluated_on": timezone.localdate(),
            "basis": "delivery" if supplier.flagged else "initial",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.evaluation_create(
                actor=request.user,
                supplier=supplier,
                category=category,
                scores=form.scores(),
                evidence=data["evidence"],
                basis=data["basis"],
                evaluated_on=data["evaluated_on"],
                reference=data["reference"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The evaluation was recorded."))
            return redirect(supplier.get_absolute_url())
    return render(
        request,
        "suppliers/evaluation_form.html",
        {
            "form": form,
            "supplier": supplier,
            "category": Category(category),
            "needs_evaluation": category not in NO_EVALUATION,
        },
    )


@permission_required("suppliers.view_supplier", raise_exception=True)
def criteria(request):
    return render(
        request,
        "suppliers/criteria.html",
        {"groups": selectors.criteria_by_category(), "no_evaluation": NO_EVALUATION},
    )


@permission_required("suppliers.change_criterion", raise_exception=True)
def criteria_edit(request, category: str):
    if category not in Category.values or category in NO_EVALUATION:
        raise Http404
    current = Criterion.objects.filter(category=category, active=True)
    initial = [
        {"id": c.pk, "name": c.name, "description": c.description, "weight": c.weight}
        for c in current
    ]
    formset = CriteriaFormSet(request.POST or None, initial=initial, prefix="c")
    if request.method == "POST" and formset.is_valid():
        try:
            services.criteria_set(
                actor=request.user, category=category, rows=formset.rows()
            )
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
        else:
            messages.success(request, _("Saved."))
            return redirect("suppliers:criteria")
    return render(
        request,
        "suppliers/criteria_form.html",
        {"formset": formset, "category": Category(category)},
    )


@permission_required("suppliers.view_supplier", raise_exception=True)
def requirements(request):
    form = RequirementForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("suppliers.change_trainerrequirement"):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.trainer_requirement_save(
                    actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("suppliers:requirements")
    return render(
        request,
        "suppliers/requirements.html",
        {
            "form": form,
            "requirements": TrainerRequirement.objects.select_related("area"),
        },
    )


# --- The approved suppliers list --------------------------------------------------


@permission_required("suppliers.view_supplierlist", raise_exception=True)
def list_index(request):
    lists = SupplierList.objects.annotate(entry_count=Count("entries")).order_by(
        "-year"
    )
    return render(
        request,
        "suppliers/list_index.html",
        {
            "page_obj": _page(request, lists),
            "compile_form": CompileForm(initial={"year": services.next_list_year()}),
            "in_force": selectors.supplier_list_in_force(),
        },
    )


@require_POST
@permission_required("suppliers.change_supplierlist", raise_exception=True)
def list_compile(request):
    form = CompileForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a year."))
        return redirect("suppliers:list_index")
    year = form.cleaned_data["year"]
    try:
        supplier_list = services.supplier_list_compile(actor=request.user, year=year)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("suppliers:list_index")
    messages.success(request, _("The list was compiled."))
    return redirect(supplier_list.get_absolute_url())


@permission_required("suppliers.view_supplierlist", raise_exception=True)
def list_detail(request, year: int):
    supplier_list = get_object_or_404(SupplierList, year=year)
    entries = selectors.list_entries(supplier_list)
    groups = []
    for value, label in Category.choices:
        rows = [e for e in entries if e.category == value]
        if rows:
            groups.append((label, rows))
    return render(
        request,
        "suppliers/list_detail.html",
        {
            "object": supplier_list,
            "groups": groups,
            "proposals": selectors.proposal_list(user=request.user, year=year),
            "problems": supplier_list.approval_problems()
            if supplier_list.is_editable
            else [],
            "base": services.base_list(year),
        },
    )


@permission_required("suppliers.add_listchangeproposal", raise_exception=True)
def proposal_list(request):
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() else None
    status = _choice(request.GET.get("status", ""), ProposalStatus.choices)
    proposals = selectors.proposal_list(user=request.user, year=year, status=status)
    return render(
        request,
        "suppliers/proposal_list.html",
        {
            "page_obj": _page(request, proposals),
            "year": year,
            "status": status,
            "statuses": ProposalStatus.choices,
            "decision_form": DecisionForm(),
        },
    )


@permission_required("suppliers.add_listchangeproposal", raise_exception=True)
def proposal_create(request):
    initial = {"year": services.next_list_year()}
    if request.GET.get("supplier", "").isdigit():
        initial["supplier"] = int(request.GET["supplier"])
    form = ProposalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request, _("The proposal was sent to the quality representative.")
            )
            return redirect(proposal.get_absolute_url())
    return render(request, "suppliers/proposal_form.html", {"form": form})


@require_POST
@permission_required("suppliers.change_listchangeproposal", raise_exception=True)
def proposal_decide(request, pk: int):
    proposal = get_object_or_404(ListChangeProposal, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_decide(
                actor=request.user,
                proposal=proposal,
                accept=form.cleaned_data["accept"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Decided."))
    else:
        messages.error(request, _("Choose accept or reject."))
    return redirect(proposal.get_absolute_url())


# --- The approved trainers list ---------------------------------------------------


@permission_required("suppliers.view_trainerlistreview", raise_exception=True)
def trainers(request):
    return render(
        request,
        "suppliers/trainers.html",
        {
            "entries": selectors.trainer_entries(),
            "page_obj": _page(request, selectors.review_list()),
            "requirements": TrainerRequirement.objects.filter(
                active=True
            ).select_related("area"),
        },
    )


@permission_required("suppliers.add_trainerlistreview", raise_exception=True)
def review_create(request):
    on_list = selectors.trainers_in_force()
    candidates = (
        Supplier.objects.filter(active=True, category_rows__category=Category.TRAINERS)
        .exclude(pk__in=on_list.values("pk"))
        .order_by("name")
    )
    form = ReviewForm(
        request.POST or None,
        candidates=candidates,
        on_list=on_list,
        initial={"reviewed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = services.trainer_review_record(
                actor=request.user,
                add=data["add"],
                remove=data["remove"],
                removal_reason=data["removal_reason"],
                notes=data["notes"],
                reviewed_on=data["reviewed_on"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The review was recorded."))
            return redirect(review.get_absolute_url())
    return render(request, "suppliers/review_form.html", {"form": form})


@permission_required("suppliers.view_trainerlistreview", raise_exception=True)
def review_detail(request, pk: int):
    review = get_object_or_404(
        TrainerListReview.objects.select_related("reviewed_by"), pk=pk
    )
    return render(
        request,
        "suppliers/review_detail.html",
        {
            "object": review,
            "added": review.added.select_related("supplier"),
            "removed": review.removed.select_related("supplier"),
        },
    )


# --- Purchases --------------------------------------------------------------------


@permission_required("suppliers.add_purchase", raise_exception=True)
def purchase_list(request):
    q = request.GET.get("q", "").strip()[:100]
    status = _choice(request.GET.get("status", ""), PurchaseStatus.choices)
    category = _choice(request.GET.get("category", ""), Category.choices)
    purchases = selectors.purchase_list(
        user=request.user, status=status, category=category, q=q
    )
    return render(
        request,
        "suppliers/purchase_list.html",
        {
            "page_obj": _page(request, purchases),
            "q": q,
            "status": status,
            "category": category,
            "statuses": PurchaseStatus.choices,
            "categories": Category.choices,
        },
    )


@permission_required("suppliers.add_purchase", raise_exception=True)
def purchase_create(request):
    form = PurchaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            purchase = services.purchase_request(
                actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The purchase was requested."))
            return redirect(purchase.get_absolute_url())
    return render(request, "suppliers/purchase_form.html", {"form": form})


def _visible_purchase(request, pk: int) -> Purchase:
    try:
        return selectors.visible_purchase(user=request.user, pk=pk)
    except Purchase.DoesNotExist:
        raise Http404 from None


@permission_required("suppliers.add_purchase", raise_exception=True)
def purchase_detail(request, pk: int, forms: dict | None = None):
    purchase = _visible_purchase(request, pk)
    today = timezone.localdate()
    forms = forms or {}
    return render(
        request,
        "suppliers/purchase_detail.html",
        {
            "object": purchase,
            "verifications": purchase.verifications.select_related(
                "verified_by", "nonconformity"
            ),
            "order_form": forms.get("order")
            or OrderForm(
                initial={"supplier": purchase.supplier_id, "ordered_on": today}
            ),
            "verify_form": forms.get("verify")
            or VerificationForm(initial={"verified_on": today}),
            "cancel_form": forms.get("cancel") or CancelForm(),
            "can_cancel": purchase.status in purchase.transitions
            and PurchaseStatus.CANCELLED in purchase.transitions[purchase.status]
            and (
                request.user.has_perm("suppliers.change_purchase")
                or (
                    purchase.requested_by_id == request.user.pk
                    and purchase.status == PurchaseStatus.REQUESTED
                )
            ),
        },
    )


def _purchase_action(request, pk: int, form_class, key: str, call):
    purchase = _visible_purchase(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(purchase, form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(purchase.get_absolute_url())
    return purchase_detail(request, pk, forms={key: form})


@require_POST
@permission_required("suppliers.change_purchase", raise_exception=True)
def purchase_order(request, pk: int):
    return _purchase_action(
        request,
        pk,
        OrderForm,
        "order",
        lambda purchase, data: services.purchase_order(
            actor=request.user, purchase=purchase, **data
        ),
    )


@require_POST
@permission_required("suppliers.add_verification", raise_exception=True)
def purchase_verify(request, pk: int):
    return _purchase_action(
        request,
        pk,
        VerificationForm,
        "verify",
        lambda purchase, data: services.purchase_verify(
            actor=request.user, purchase=purchase, **data
        ),
    )


@require_POST
@permission_required("suppliers.add_purchase", raise_exception=True)
def purchase_cancel(request, pk: int):
    return _purchase_action(
        request,
        pk,
        CancelForm,
        "cancel",
        lambda purchase, data: services.purchase_cancel(
            actor=request.user, purchase=purchase, **data
        ),
    )


# --- Analysis ---------------------------------------------------------------------


@permission_required("suppliers.analyse_supplier", raise_exception=True)
def analysis(request):
    year = request.GET.get("year", "")
    today = timezone.localdate()
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else today.year
    return render(
        request,
        "suppliers/analysis.html",
        {
            "year": year,
            "groups": selectors.supplier_analysis(year),
            "years": range(today.year, today.year - 5, -1),
        },
    )
