"""Pages of nonconformities, actions, the CAPA plan and the yearly summary.

Each view parses input, reads through :mod:`capa.selectors` or changes
through :mod:`capa.services`, maps a service ``ValidationError`` onto its
form and renders or redirects. The steps of a lifecycle are small POST
forms on the detail pages; an invalid one renders the page again with the
form's errors.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sapat.access import can
from sapat.downloads import attachment
from sapat.forms import errors_to_form
from sapat.querysets import count_of
from sapat.signing.models import ApprovalStatus
from sapat.signing.selectors import pdfs_of
from sapat.signing.services import manifest, signed_pdf_queue

from . import selectors, services
from .filters import ActionFilter, NonconformityFilter
from .forms import (
    NONCONFORMITY_FIELDS,
    ActionForm,
    AnalyseForm,
    CheckForm,
    CloseForm,
    ContainForm,
    EvidenceForm,
    ImplementForm,
    ManualReviewForm,
    NonconformityCreateForm,
    NonconformityForm,
    PasswordForm,
    PlanForm,
    RejectForm,
    TaskForm,
    TaskMarkForm,
)
from .models import (
    Action,
    ActionKind,
    ActionStatus,
    ActionTask,
    CapaPlan,
    EvidenceFile,
    Nonconformity,
    NonconformityStatus,
    Source,
)

PAGE_SIZE = 25
_N = NonconformityStatus
_A = ActionStatus


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Overview -----------------------------------------------------------------


@permission_required("capa.view_nonconformity", raise_exception=True)
def index(request):
    """Counts by status, my work, overdue actions, the current plan."""
    return render(
        request,
        "capa/index.html",
        {
            "counts": selectors.status_counts(user=request.user),
            "work": selectors.my_capa_work(request.user),
            "overdue": list(selectors.overdue_actions(user=request.user)[:10]),
            "plan": selectors.current_plan(),
        },
    )


# --- Nonconformities ------------------------------------------------------------


def nonconformity_list(request):
    filters = NonconformityFilter(
        request.GET or None, queryset=Nonconformity.objects.none()
    )
    queryset = selectors.nonconformity_list(user=request.user, filters=request.GET)
    return render(
        request,
        "capa/nonconformity_list.html",
        {"page_obj": _page(request, queryset), "filter_form": filters.form},
    )


def _origin_from(value: str, user):
    """The object named ``app_label.model:pk`` if ``user`` may see it."""
    label, _sep, pk = (value or "").partition(":")
    app_label, _dot, model = label.partition(".")
    if not (app_label and model and pk.isdigit()):
        return None
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
        obj = content_type.get_object_for_this_type(pk=int(pk))
    except ObjectDoesNotExist:
        return None
    return obj if can(user, "view", obj) else None


def _origin_link(origin) -> str | None:
    if origin is None:
        return None
    if hasattr(origin, "get_absolute_url"):
        return origin.get_absolute_url()
    parent = getattr(origin, "indicator", None)  # a KPI measurement
    return parent.get_absolute_url() if parent is not None else None


def _number(value) -> str:
    """60.00 → "60", 92.50 → "92.5" (never "6E+1")."""
    return format(value.normalize(), "f")


def _prefill(origin, source: str) -> dict:
    """Initial values of a nonconformity raised from ``origin``."""
    initial: dict = {}
    if source in Source.values:
        initial["source"] = source
    if origin is None:
        return initial
    if origin._meta.label_lower == "quality.measurement":
        indicator = origin.indicator
        initial["source"] = Source.MONITORING
        initial["process"] = indicator.process_id
        sign = "≥" if indicator.direction == "higher" else "≤"
        initial["description"] = _(
            "The indicator “%(indicator)s” missed its target for %(period)s: "
            "%(value)s %(unit)s against a target of %(sign)s %(target)s %(unit)s."
        ) % {
            "indicator": indicator.name,
            "period": origin.period.strftime("%m.%Y"),
            "value": _number(origin.value),
            "unit": indicator.unit,
            "sign": sign,
            "target": _number(indicator.target),
        }
    else:
        initial["affected"] = str(origin)[:300]
    return initial


@permission_required("capa.add_nonconformity", raise_exception=True)
def nonconformity_create(request):
    data = request.POST if request.method == "POST" else None
    origin_value = (data or request.GET).get("origin", "")
    origin = _origin_from(origin_value, request.user)
    initial = {
        "detected_on": timezone.localdate(),
        "origin": origin_value if origin is not None else "",
        **_prefill(origin, request.GET.get("source", "")),
    }
    form = NonconformityCreateForm(data, request.FILES or None, initial=initial)
    if data is not None and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in NONCONFORMITY_FIELDS}
        try:
            nc = services.nonconformity_raise(
                actor=request.user,
                origin=origin,
                files=form.cleaned_data["files"],
                **fields,
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("%(code)s was registered.") % {"code": nc.code})
            return redirect(nc.get_absolute_url())
    return render(
        request,
        "capa/nonconformity_form.html",
        {"form": form, "origin": origin, "origin_url": _origin_link(origin)},
    )


def _nonconformity(request, pk: int) -> Nonconformity:
    return get_object_or_404(
        selectors.visible_nonconformities(user=request.user).select_related(
            "process", "unit", "detected_by", "responsible", "created_by"
        ),
        pk=pk,
    )


def _nc_page(request, nc: Nonconformity, **bound):
    """The detail page, with the step forms ``request.user`` may use; bound
    forms in ``bound`` (with their errors) replace the empty ones."""
    user = request.user
    handles = services.may_handle(user, nc)
    keeper = user.has_perm("capa.change_nonconformity")
    forms = {
        "contain_form": ContainForm() if handles and nc.status == _N.OPEN else None,
        "analyse_form": AnalyseForm(initial={"responsible": nc.responsible_id})
        if handles and nc.status == _N.CONTAINED
        else None,
        "reject_form": RejectForm()
        if keeper and nc.status in {_N.OPEN, _N.CONTAINED, _N.ANALYSIS}
        else None,
        "close_form": CloseForm()
        if keeper and nc.status in {_N.CONTAINED, _N.PLANNED}
        else None,
        "evidence_form": EvidenceForm()
        if nc.is_open and (handles or user.pk == nc.detected_by_id)
        else None,
    }
    forms.update(bound)
    close_problems = (
        services.nonconformity_close_problems(nc) if nc.status == _N.PLANNED else []
    )
    origin = nc.origin if nc.origin_type_id else None
    new_action_kind = None
    if user.has_perm("capa.add_action") and nc.is_open:
        new_action_kind = (
            ActionKind.CORRECTIVE
            if nc.status in {_N.ANALYSIS, _N.PLANNED}
            else ActionKind.CORRECTION
        )
    return render(
        request,
        "capa/nonconformity_detail.html",
        {
            "object": nc,
            "evidence": list(nc.evidence.select_related("uploaded_by")),
            "actions": list(nc.actions.select_related("owner").order_by("year", "seq")),
            "origin": origin,
            "origin_url": _origin_link(origin),
            "signatures": manifest(nc),
            "may_edit": handles and nc.status in {_N.OPEN, _N.CONTAINED},
            "new_action_kind": new_action_kind,
            "close_problems": close_problems,
            **forms,
        },
    )


def nonconformity_detail(request, pk: int):
    return _nc_page(request, _nonconformity(request, pk))


def nonconformity_edit(request, pk: int):
    nc = _nonconformity(request, pk)
    if not services.may_handle(request.user, nc):
        raise PermissionDenied
    if nc.status not in {_N.OPEN, _N.CONTAINED}:
        messages.error(
            request, _("Once under analysis, the registration is no longer changed.")
        )
        return redirect(nc.get_absolute_url())
    form = NonconformityForm(request.POST or None, instance=nc)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in NONCONFORMITY_FIELDS}
        try:
            services.nonconformity_update(
                nonconformity=nc, actor=request.user, **fields
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(nc.get_absolute_url())
    return render(request, "capa/nonconformity_form.html", {"form": form, "object": nc})


def _nc_step(request, pk: int, form_class, name: str, act, done: str, *, allowed):
    nc = _nonconformity(request, pk)
    if not allowed(request.user, nc):
        raise PermissionDenied
    form = form_class(request.POST, request.FILES or None)
    if form.is_valid():
        try:
            act(nc, form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
            _messages(request, error)
        else:
            messages.success(request, done)
            return redirect(nc.get_absolute_url())
    nc.refresh_from_db()
    return _nc_page(request, nc, **{name: form})


def _keeper(user, nc) -> bool:
    return user.has_perm("capa.change_nonconformity")


@require_POST
def nonconformity_contain(request, pk: int):
    return _nc_step(
        request,
        pk,
        ContainForm,
        "contain_form",
        lambda nc, data: services.nonconformity_contain(
            nonconformity=nc, actor=request.user, request=request, **data
        ),
        _("Contained and signed."),
        allowed=services.may_handle,
    )


@require_POST
def nonconformity_analyse(request, pk: int):
    return _nc_step(
        request,
        pk,
        AnalyseForm,
        "analyse_form",
        lambda nc, data: services.nonconformity_analyse(
            nonconformity=nc, actor=request.user, responsible=data["responsible"]
        ),
        _("The analysis of causes has started."),
        allowed=services.may_handle,
    )


@require_POST
def nonconformity_reject(request, pk: int):
    return _nc_step(
        request,
        pk,
        RejectForm,
        "reject_form",
        lambda nc, data: services.nonconformity_reject(
            nonconformity=nc, actor=request.user, request=request, **data
        ),
        _("Rejected as not a nonconformity, and signed."),
        allowed=_keeper,
    )


@require_POST
def nonconformity_close(request, pk: int):
    return _nc_step(
        request,
        pk,
        CloseForm,
        "close_form",
        lambda nc, data: services.nonconformity_close(
            nonconformity=nc, actor=request.user, request=request, **data
        ),
        _("Closed and signed."),
        allowed=_keeper,
    )


@require_POST
def evidence_add(request, pk: int):
    return _nc_step(
        request,
        pk,
        EvidenceForm,
        "evidence_form",
        lambda nc, data: services.evidence_add(
            nonconformity=nc, actor=request.user, upload=data["file"]
        ),
        _("The file was added."),
        allowed=lambda user, nc: (
            services.may_handle(user, nc) or user.pk == nc.detected_by_id
        ),
    )


def evidence_download(request, pk: int):
    stored = get_object_or_404(EvidenceFile, pk=pk)
    visible = selectors.visible_nonconformities(user=request.user)
    if not visible.filter(pk=stored.nonconformity_id).exists() or not stored.file:
        raise Http404
    return attachment(stored.file, filename=stored.name)


# --- Actions ----------------------------------------------------------------------


def action_list(request):
    filters = ActionFilter(request.GET or None, queryset=Action.objects.none())
    queryset = selectors.action_list(user=request.user, filters=request.GET)
    return render(
        request,
        "capa/action_list.html",
        {
            "page_obj": _page(request, queryset),
            "filter_form": filters.form,
            "today": timezone.localdate(),
        },
    )


def _action_fields(data: dict) -> dict:
    fields = dict(data)
    fields.pop("nonconformities", None)
    fields.pop("affected_documents", None)
    return fields


@permission_required("capa.add_action", raise_exception=True)
def action_create(request):
    initial: dict = {}
    nc_id = request.GET.get("nc", "")
    if nc_id.isdigit():
        nc = (
            selectors.visible_nonconformities(user=request.user)
            .filter(pk=int(nc_id))
            .select_related("process")
            .first()
        )
        if nc is not None:
            initial["nonconformities"] = [nc.pk]
            initial["process"] = nc.process_id
    if request.GET.get("kind") in ActionKind.values:
        initial["kind"] = request.GET["kind"]
    initial["checker"] = selectors.default_checker(None)
    form = ActionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = _action_fields(data)
        try:
            action = services.action_create(
                actor=request.user,
                nonconformities=list(data["nonconformities"]),
                affected_documents=list(data["affected_documents"]),
                **fields,
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                _("%(code)s was opened. Plan its tasks.") % {"code": action.code},
            )
            return redirect(action.get_absolute_url())
    return render(request, "capa/action_form.html", {"form": form})


def _action(request, pk: int) -> Action:
    return get_object_or_404(
        selectors.visible_actions(user=request.user).select_related(
            "process",
            "owner",
            "checker",
            "checked_by",
            "follow_up_of",
            "manual_review",
            "manual_review__document",
            "created_by",
        ),
        pk=pk,
    )


def _may_queue_pdf(user, action: Action) -> bool:
    return services.may_work_on(user, action) or user.has_perm("capa.check_action")


def _action_page(request, action: Action, **bound):
    user = request.user
    works = services.may_work_on(user, action)
    checks = services.may_check(user, action)
    status = action.status
    tasks = list(action.tasks.select_related("owner", "done_by"))
    for task in tasks:
        task.may_mark = status == _A.IN_PROGRESS and (works or task.owner_id == user.pk)
    forms = {
        "task_form": TaskForm(initial={"owner": action.owner_id})
        if works and status in {_A.PLANNED, _A.IN_PROGRESS}
        else None,
        "start_form": PasswordForm() if works and status == _A.PLANNED else None,
        "implement_form": ImplementForm()
        if works and status == _A.IN_PROGRESS
        else None,
        "check_form": CheckForm()
        if checks and status in {_A.IMPLEMENTED, _A.CHECK}
        else None,
        "review_form": ManualReviewForm()
        if works and action.manual_review_id is None and action.is_open
        else None,
    }
    forms.update(bound)
    return render(
        request,
        "capa/action_detail.html",
        {
            "object": action,
            "tasks": tasks,
            "nonconformities": list(
                action.nonconformities.select_related("process").order_by("year", "seq")
            ),
            "documents": list(action.affected_documents.order_by("code")),
            "follow_ups": list(action.follow_ups.select_related("owner")),
            "signatures": manifest(action),
            "pdfs": list(pdfs_of(action)),
            "may_edit": works and status == _A.PLANNED,
            "may_pdf": _may_queue_pdf(user, action),
            "start_problems": services.action_start_problems(action)
            if forms["start_form"] is not None
            else [],
            "check_early": status == _A.IMPLEMENTED
            and timezone.localdate() < action.check_due,
            "open_tasks": sum(1 for task in tasks if not task.is_done),
            **forms,
        },
    )


def action_detail(request, pk: int):
    return _action_page(request, _action(request, pk))


def action_edit(request, pk: int):
    action = _action(request, pk)
    if not services.may_work_on(request.user, action):
        raise PermissionDenied
    if action.status != _A.PLANNED:
        messages.error(
            request,
            _("The plan was signed when the work started: it is no longer edited."),
        )
        return redirect(action.get_absolute_url())
    form = ActionForm(request.POST or None, instance=action, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.action_update(
                action=action,
                actor=request.user,
                affected_documents=list(data["affected_documents"]),
                **_action_fields(data),
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(action.get_absolute_url())
    return render(request, "capa/action_form.html", {"form": form, "object": action})


def _action_step(request, action, form, name: str, act, done: str):
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
            _messages(request, error)
        else:
            messages.success(request, done)
            return redirect(action.get_absolute_url())
    action.refresh_from_db()
    return _action_page(request, action, **{name: form})


@require_POST
def task_add(request, pk: int):
    action = _action(request, pk)
    if not services.may_work_on(request.user, action):
        raise PermissionDenied
    return _action_step(
        request,
        action,
        TaskForm(request.POST),
        "task_form",
        lambda data: services.task_add(action=action, actor=request.user, **data),
        _("The task was added."),
    )


@require_POST
def task_mark(request, pk: int):
    task = get_object_or_404(ActionTask.objects.select_related("action"), pk=pk)
    action = _action(request, task.action_id)
    if not (
        request.user.pk == task.owner_id or services.may_work_on(request.user, action)
    ):
        raise PermissionDenied
    form = TaskMarkForm(request.POST)
    form.is_valid()
    done = form.cleaned_data.get("done", False)
    try:
        services.task_mark(task=task, actor=request.user, done=done)
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, _("Marked done.") if done else _("Marked not done."))
    return redirect(action.get_absolute_url())


@require_POST
def action_start(request, pk: int):
    action = _action(request, pk)
    if not services.may_work_on(request.user, action):
        raise PermissionDenied
    return _action_step(
        request,
        action,
        PasswordForm(request.POST),
        "start_form",
        lambda data: services.action_start(
            action=action, actor=request.user, request=request, **data
        ),
        _("The work has started; you signed the plan."),
    )


@require_POST
def action_implement(request, pk: int):
    action = _action(request, pk)
    if not services.may_work_on(request.user, action):
        raise PermissionDenied
    return _action_step(
        request,
        action,
        ImplementForm(request.POST),
        "implement_form",
        lambda data: services.action_implement(
            action=action, actor=request.user, request=request, **data
        ),
        _("Implemented and signed."),
    )


@require_POST
def action_check(request, pk: int):
    action = _action(request, pk)
    if not request.user.has_perm("capa.check_action"):
        raise PermissionDenied
    result: dict = {}

    def act(data):
        result["follow_up"] = services.action_check(
            action=action, actor=request.user, request=request, **data
        )[1]

    response = _action_step(
        request,
        action,
        CheckForm(request.POST),
        "check_form",
        act,
        _("The effectiveness check was recorded and signed."),
    )
    follow_up = result.get("follow_up")
    if follow_up is not None:
        messages.info(
            request,
            _("Not effective: the follow-up action %(code)s was opened.")
            % {"code": follow_up.code},
        )
    return response


@require_POST
def action_manual_review(request, pk: int):
    action = _action(request, pk)
    if not services.may_work_on(request.user, action):
        raise PermissionDenied
    return _action_step(
        request,
        action,
        ManualReviewForm(request.POST),
        "review_form",
        lambda data: services.action_request_manual_review(
            action=action, actor=request.user, **data
        ),
        _("An unplanned review of the quality manual was requested."),
    )


@require_POST
def action_pdf(request, pk: int):
    action = _action(request, pk)
    if not _may_queue_pdf(request.user, action):
        raise PermissionDenied
    signed_pdf_queue(obj=action)
    messages.success(request, _("The signed PDF is being prepared."))
    return redirect(action.get_absolute_url())


# --- The CAPA plan ----------------------------------------------------------------


def _plan_list_page(request, form=None):
    if not request.user.has_perm("capa.view_capaplan"):
        raise PermissionDenied
    plans = (
        selectors.visible_plans(user=request.user)
        .select_related("created_by")
        # Not Count("actions"): its GROUP BY drops the plans' ordering, so
        # the pages would come in no stable order.
        .annotate(action_count=count_of(CapaPlan.actions.through, "capaplan"))
    )
    return render(
        request,
        "capa/capaplan_list.html",
        {
            "page_obj": _page(request, plans),
            "form": form
            or (PlanForm() if request.user.has_perm("capa.add_capaplan") else None),
            "current": selectors.current_plan(),
        },
    )


def plan_list(request):
    return _plan_list_page(request)


@require_POST
@permission_required("capa.add_capaplan", raise_exception=True)
def plan_create(request):
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
            _messages(request, error)
        else:
            messages.success(
                request,
                _("The draft plan collects every open action; send it for approval."),
            )
            return redirect(plan.get_absolute_url())
    return _plan_list_page(request, form)


def _plan(request, pk: int):
    return get_object_or_404(
        selectors.visible_plans(user=request.user).select_related("created_by"),
        pk=pk,
    )


def _plan_page(request, plan, form=None):
    may_refresh = (
        request.user.has_perm("capa.change_capaplan")
        and plan.approval_status == ApprovalStatus.DRAFT
    )
    return render(
        request,
        "capa/capaplan_detail.html",
        {
            "object": plan,
            "rows": selectors.plan_rows(plan),
            "today": timezone.localdate(),
            "refresh_form": form
            or (PlanForm(initial={"notes": plan.notes}) if may_refresh else None),
        },
    )


@permission_required("capa.view_capaplan", raise_exception=True)
def plan_detail(request, pk: int):
    return _plan_page(request, _plan(request, pk))


@require_POST
@permission_required("capa.change_capaplan", raise_exception=True)
def plan_refresh(request, pk: int):
    plan = _plan(request, pk)
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            services.plan_refresh(plan=plan, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
            _messages(request, error)
        else:
            messages.success(request, _("The plan was updated with the open actions."))
            return redirect(plan.get_absolute_url())
    return _plan_page(request, plan, form)


# --- The yearly summary -------------------------------------------------------------


@permission_required("capa.view_action", raise_exception=True)
def summary(request):
    years = selectors.summary_years()
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else years[0]
    if year not in years:
        years = sorted({*years, year}, reverse=True)
    return render(
        request,
        "capa/summary.html",
        {"summary": selectors.year_summary(year), "years": years, "year": year},
    )
