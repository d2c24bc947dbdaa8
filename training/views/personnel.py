"""Pages of personnel and competence (ДЖ-12), and the public matrix."""

from __future__ import annotations

import csv
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sapat.accounts.services import user_deactivate
from sapat.downloads import attachment
from sapat.forms import errors_to_form, save_form
from sapat.handover import open_work

from .. import forms
from ..models import (
    Attestation,
    Briefing,
    Competence,
    Employee,
    Expert,
    ExpertArea,
    ExpertiseArea,
    Induction,
    PlanItem,
    Post,
    PostCompetence,
    StaffTrainingPlan,
    TrainingTaken,
)
from ..selectors import personnel as selectors
from ..services import personnel as services

PAGE_SIZE = 25


def _page(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _messages_from(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Landing page ------------------------------------------------------------


def index(request):
    """Personnel at a glance: where to go, and what needs attention."""
    user = request.user
    context = {"own_file": Employee.objects.filter(user=user).first()}
    if user.has_perm("training.view_employee"):
        employees = selectors.visible_employees(user=user).filter(left_on__isnull=True)
        context.update(
            staff_count=employees.count(),
            not_inducted=selectors.not_inducted(user=user).count(),
            expiring=selectors.expiring_certificates(user=user).count(),
            open_needs=selectors.need_list(user=user).count(),
        )
    context.update(
        post_count=Post.objects.count(),
        competence_count=Competence.objects.count(),
        expert_count=Expert.objects.filter(active=True).count(),
        plan=StaffTrainingPlan.objects.order_by("-year").first(),
    )
    if user.has_perm("training.view_seminar"):
        from ..selectors.seminars import seminar_list

        today = timezone.localdate()
        seminars = seminar_list(user=user).exclude(status="cancelled")
        context.update(
            seminars_upcoming=seminars.filter(starts_on__gt=today)
            .exclude(status="done")
            .count(),
            seminars_in_progress=seminars.filter(
                starts_on__lte=today, ends_on__gte=today
            )
            .exclude(status="done")
            .count(),
            seminars_done=seminars.filter(
                Q(status="done") | Q(ends_on__lt=today)
            ).count(),
        )
    return render(request, "training/index.html", context)


# --- Competences and fields of expertise -------------------------------------


@permission_required("training.view_competence", raise_exception=True)
def competence_list(request):
    competences = Competence.objects.annotate(
        post_count=Count("requirements", distinct=True),
        holder_count=Count("holders", distinct=True),
    ).order_by("name")
    return render(
        request,
        "training/competence_list.html",
        {"page_obj": _page(request, competences)},
    )


@permission_required("training.view_competence", raise_exception=True)
def competence_detail(request, pk: int):
    competence = get_object_or_404(Competence, pk=pk)
    holders = (
        competence.holders.filter(
            employee__in=selectors.visible_employees(user=request.user)
        )
        .select_related("employee__user")
        .order_by("-level", "employee__user__full_name")
    )
    return render(
        request,
        "training/competence_detail.html",
        {
            "object": competence,
            "holders": holders,
            "requirements": competence.requirements.select_related("post"),
        },
    )


@permission_required("training.add_competence", raise_exception=True)
def competence_create(request):
    form = forms.CompetenceForm(request.POST or None)
    save = partial(_save_competence, request, None)
    return save_form(request, form, save, template="training/competence_form.html")


@permission_required("training.change_competence", raise_exception=True)
def competence_edit(request, pk: int):
    competence = get_object_or_404(Competence, pk=pk)
    form = forms.CompetenceForm(request.POST or None, instance=competence)
    save = partial(_save_competence, request, competence)
    return save_form(
        request,
        form,
        save,
        template="training/competence_form.html",
        context={"object": competence},
    )


def _save_competence(request, competence, data):
    return services.competence_save(actor=request.user, competence=competence, **data)


@permission_required("training.view_expertisearea", raise_exception=True)
def area_list(request):
    areas = ExpertiseArea.objects.annotate(
        expert_count=Count("expert_levels")
    ).order_by("order", "name")
    return render(
        request, "training/area_list.html", {"page_obj": _page(request, areas)}
    )


@permission_required("training.add_expertisearea", raise_exception=True)
def area_create(request):
    form = forms.AreaForm(request.POST or None)
    return save_form(
        request,
        form,
        lambda data: services.area_save(actor=request.user, **data),
        template="training/area_form.html",
    )


@permission_required("training.change_expertisearea", raise_exception=True)
def area_edit(request, pk: int):
    area = get_object_or_404(ExpertiseArea, pk=pk)
    form = forms.AreaForm(request.POST or None, instance=area)
    return save_form(
        request,
        form,
        lambda data: services.area_save(actor=request.user, area=area, **data),
        template="training/area_form.html",
        context={"object": area},
    )


# --- Posts -------------------------------------------------------------------


@permission_required("training.view_post", raise_exception=True)
def post_list(request):
    posts = (
        Post.objects.select_related("unit", "job_description")
        .annotate(
            requirement_count=Count("requirements", distinct=True),
            people=Count(
                "employees",
                filter=Q(employees__left_on__isnull=True),
                distinct=True,
            ),
        )
        .order_by("title")
    )
    return render(
        request, "training/post_list.html", {"page_obj": _page(request, posts)}
    )


@permission_required("training.view_post", raise_exception=True)
def post_detail(request, pk: int):
    post = get_object_or_404(
        Post.objects.select_related("unit", "job_description"), pk=pk
    )
    return render(
        request,
        "training/post_detail.html",
        {
            "object": post,
            "requirements": post.requirements.select_related("competence"),
            "people": selectors.visible_employees(user=request.user)
            .filter(post=post, left_on__isnull=True)
            .select_related("user"),
            "requirement_form": forms.RequirementForm(),
        },
    )


@permission_required("training.add_post", raise_exception=True)
def post_create(request):
    form = forms.PostForm(request.POST or None)
    return save_form(
        request,
        form,
        lambda data: services.post_save(actor=request.user, **data),
        template="training/post_form.html",
    )


@permission_required("training.change_post", raise_exception=True)
def post_edit(request, pk: int):
    post = get_object_or_404(Post, pk=pk)
    form = forms.PostForm(request.POST or None, instance=post)
    return save_form(
        request,
        form,
        lambda data: services.post_save(actor=request.user, post=post, **data),
        template="training/post_form.html",
        context={"object": post},
    )


@require_POST
@permission_required("training.change_post", raise_exception=True)
def requirement_set(request, pk: int):
    post = get_object_or_404(Post, pk=pk)
    form = forms.RequirementForm(request.POST)
    if form.is_valid():
        services.post_requirement_set(
            actor=request.user, post=post, **form.cleaned_data
        )
        messages.success(request, _("Saved."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(post.get_absolute_url())


@require_POST
@permission_required("training.change_post", raise_exception=True)
def requirement_remove(request, pk: int):
    requirement = get_object_or_404(
        PostCompetence.objects.select_related("post"), pk=pk
    )
    services.post_requirement_remove(actor=request.user, requirement=requirement)
    messages.success(request, _("Removed."))
    return redirect(requirement.post.get_absolute_url())


# --- Staff files -------------------------------------------------------------


def employee_list(request):
    q = request.GET.get("q", "").strip()[:100]
    state = request.GET.get("state", "current")
    if state not in {"current", "left", "all"}:
        state = "current"
    employees = selectors.employee_list(user=request.user, q=q, state=state)
    return render(
        request,
        "training/employee_list.html",
        {"page_obj": _page(request, employees), "q": q, "state": state},
    )


def _employee(request, pk: int) -> Employee:
    employee = selectors.employee_page(user=request.user, pk=pk)
    if employee is None:
        raise Http404
    return employee


def employee_detail(request, pk: int):
    employee = _employee(request, pk)
    induction = Induction.objects.filter(employee=employee).first()
    return render(
        request,
        "training/employee_detail.html",
        {
            "object": employee,
            "trainings": employee.trainings.select_related("competence", "plan_item"),
            "held": employee.competences_held.select_related("competence"),
            "gaps": selectors.gaps_of(employee),
            "attestations": employee.attestations.order_by("-date"),
            "needs": employee.needs.select_related("competence", "attestation"),
            "plan_items": employee.plan_items.select_related("plan", "competence"),
            "induction": induction,
            "progress": selectors.induction_progress([induction]).get(induction.pk)
            if induction
            else None,
            "held_form": forms.CompetenceHeldForm(
                initial={"assessed_on": timezone.localdate()}
            ),
        },
    )


@permission_required("training.add_employee", raise_exception=True)
def employee_hire(request):
    form = forms.HireForm(
        request.POST or None, initial={"hired_on": timezone.localdate()}
    )
    return save_form(
        request,
        form,
        lambda data: services.employee_hire(actor=request.user, **data),
        template="training/employee_form.html",
    )


@permission_required("training.change_employee", raise_exception=True)
def employee_edit(request, pk: int):
    employee = _employee(request, pk)
    form = forms.EmployeeForm(request.POST or None, instance=employee)
    return save_form(
        request,
        form,
        lambda data: services.employee_update(
            actor=request.user, employee=employee, **data
        ),
        template="training/employee_form.html",
        context={"object": employee},
    )


@permission_required("training.add_trainingtaken", raise_exception=True)
def training_create(request, pk: int):
    employee = _employee(request, pk)
    item = None
    if request.GET.get("item", "").isdigit():
        item = get_object_or_404(
            PlanItem.objects.select_related("plan"),
            pk=int(request.GET["item"]),
            employee=employee,
        )
    initial = {"issued_on": timezone.localdate()}
    if item is not None:
        initial.update(title=item.topic, competence=item.competence, level=item.level)
    form = forms.TrainingForm(
        request.POST or None, request.FILES or None, initial=initial
    )
    return save_form(
        request,
        form,
        lambda data: services.training_record(
            actor=request.user, employee=employee, plan_item=item, **data
        ),
        template="training/training_form.html",
        context={"employee": employee, "item": item},
    )


def certificate_download(request, pk: int):
    training = get_object_or_404(
        TrainingTaken.objects.select_related("employee"), pk=pk
    )
    _employee(request, training.employee_id)
    if not training.certificate:
        raise Http404
    return attachment(
        training.certificate, filename=training.certificate.name.split("/")[-1]
    )


@require_POST
@permission_required("training.change_employee", raise_exception=True)
def competence_held_set(request, pk: int):
    employee = _employee(request, pk)
    form = forms.CompetenceHeldForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.competence_held_set(
                actor=request.user, employee=employee, **form.cleaned_data
            )
        except ValidationError as error:
            _messages_from(request, error)
        else:
            messages.success(request, _("Saved."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(employee.get_absolute_url())


@permission_required("accounts.change_user", raise_exception=True)
def employee_deactivate(request, pk: int):
    """List the person's open work; hand it over and deactivate the account."""
    employee = get_object_or_404(Employee.objects.select_related("user"), pk=pk)
    person = employee.user
    form = forms.DeactivateForm(
        request.POST or None,
        user=person,
        initial={"left_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            moved = user_deactivate(
                user=person,
                actor=request.user,
                successor=form.cleaned_data["successor"],
                left_on=form.cleaned_data["left_on"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                _("The account is deactivated; items handed over: %(count)s.")
                % {"count": moved},
            )
            return redirect(employee.get_absolute_url())
    return render(
        request,
        "training/employee_deactivate.html",
        {"object": employee, "work": open_work(person), "form": form},
    )


# --- Competence gaps ---------------------------------------------------------


def _matrix_employees(request):
    if not request.user.has_perm("training.view_employee"):
        raise PermissionDenied
    employees = selectors.employee_list(user=request.user).filter(post__isnull=False)
    if request.GET.get("post", "").isdigit():
        employees = employees.filter(post_id=int(request.GET["post"]))
    return employees


def competence_matrix(request):
    employees = _matrix_employees(request)
    page_obj = _page(request, employees)
    columns, rows = selectors.competence_matrix(
        Employee.objects.filter(pk__in=[e.pk for e in page_obj]).order_by(
            "user__full_name"
        )
    )
    only_gaps = request.GET.get("gaps") == "1"
    if only_gaps:
        rows = [row for row in rows if row.gaps]
    return render(
        request,
        "training/competence_matrix.html",
        {
            "page_obj": page_obj,
            "columns": columns,
            "rows": rows,
            "only_gaps": only_gaps,
            "posts": Post.objects.order_by("title"),
            "post": request.GET.get("post", ""),
        },
    )


def competence_matrix_csv(request):
    columns, rows = selectors.competence_matrix(_matrix_employees(request))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="competence-gaps.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 with a byte-order mark
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Person"),
            _("Post"),
            *[f"{c.name} ({_('required')}/{_('held')})" for c in columns],
            _("Gaps"),
        ]
    )
    for row in rows:
        writer.writerow(
            [
                str(row.employee),
                str(row.employee.post),
                *[
                    ""
                    if cell.required is None and cell.held is None
                    else f"{cell.required or '-'}/{cell.held or 0}"
                    + (" !" if cell.gap else "")
                    for cell in row.cells
                ],
                row.gaps,
            ]
        )
    return response


# --- Experts -----------------------------------------------------------------


@permission_required("training.view_expert", raise_exception=True)
def expert_list(request):
    q = request.GET.get("q", "").strip()[:100]
    area = request.GET.get("area", "")
    area = int(area) if area.isdigit() else None
    availability = request.GET.get("availability", "")
    if availability not in Expert.Availability.values:
        availability = ""
    experts = selectors.expert_list(
        user=request.user, q=q, area=area, availability=availability
    )
    return render(
        request,
        "training/expert_list.html",
        {
            "page_obj": _page(request, experts),
            "q": q,
            "area": area,
            "availability": availability,
            "areas": ExpertiseArea.objects.all(),
            "availabilities": Expert.Availability.choices,
        },
    )


@permission_required("training.view_expert", raise_exception=True)
def expert_detail(request, pk: int):
    expert = get_object_or_404(Expert.objects.select_related("user"), pk=pk)
    return render(
        request,
        "training/expert_detail.html",
        {
            "object": expert,
            "levels": expert.area_levels.select_related("area"),
            "conflicts": expert.conflicts.all(),
            "contacts": request.user.has_perm("training.viewcontacts_expert"),
            "area_form": forms.ExpertAreaForm(),
            "conflict_form": forms.ConflictForm(
                initial={"declared_on": timezone.localdate()}
            ),
        },
    )


@permission_required("training.add_expert", raise_exception=True)
def expert_create(request):
    form = forms.ExpertForm(request.POST or None, request.FILES or None)
    return save_form(
        request,
        form,
        lambda data: services.expert_save(actor=request.user, **data),
        template="training/expert_form.html",
    )


@permission_required("training.change_expert", raise_exception=True)
def expert_edit(request, pk: int):
    expert = get_object_or_404(Expert, pk=pk)
    form = forms.ExpertForm(
        request.POST or None, request.FILES or None, instance=expert
    )
    return save_form(
        request,
        form,
        lambda data: services.expert_save(actor=request.user, expert=expert, **data),
        template="training/expert_form.html",
        context={"object": expert},
    )


@require_POST
@permission_required("training.change_expert", raise_exception=True)
def expert_area_set(request, pk: int):
    expert = get_object_or_404(Expert, pk=pk)
    form = forms.ExpertAreaForm(request.POST)
    if form.is_valid():
        services.expert_area_set(actor=request.user, expert=expert, **form.cleaned_data)
        messages.success(request, _("Saved."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(expert.get_absolute_url())


@require_POST
@permission_required("training.change_expert", raise_exception=True)
def expert_area_remove(request, pk: int):
    cell = get_object_or_404(ExpertArea.objects.select_related("expert"), pk=pk)
    services.expert_area_remove(actor=request.user, cell=cell)
    messages.success(request, _("Removed."))
    return redirect(cell.expert.get_absolute_url())


@require_POST
@permission_required("training.change_expert", raise_exception=True)
def conflict_declare(request, pk: int):
    expert = get_object_or_404(Expert, pk=pk)
    form = forms.ConflictForm(request.POST)
    if form.is_valid():
        try:
            services.conflict_declare(
                actor=request.user, expert=expert, **form.cleaned_data
            )
        except ValidationError as error:
            _messages_from(request, error)
        else:
            messages.success(request, _("Saved."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(expert.get_absolute_url())


@permission_required("training.viewcontacts_expert", raise_exception=True)
def expert_cv(request, pk: int):
    expert = get_object_or_404(Expert, pk=pk)
    if not expert.cv:
        raise Http404
    return attachment(expert.cv, filename=expert.cv.name.split("/")[-1])


@login_not_required
def experts_public(request):
    """The experts' qualification matrix on the website (§6.2)."""
    areas, rows = selectors.public_matrix()
    return render(
        request, "training/experts_public.html", {"areas": areas, "rows": rows}
    )


@login_not_required
def experts_public_cv(request, pk: int):
    expert = get_object_or_404(
        Expert, pk=pk, active=True, public_consent=True, public_cv=True
    )
    if not expert.cv:
        raise Http404
    return attachment(expert.cv, filename=expert.cv.name.split("/")[-1])


# --- Attestations and needs --------------------------------------------------


def attestation_list(request):
    attestations = selectors.attestation_list(user=request.user)
    return render(
        request,
        "training/attestation_list.html",
        {"page_obj": _page(request, attestations)},
    )


@permission_required("training.add_attestation", raise_exception=True)
def attestation_create(request):
    initial = {"date": timezone.localdate()}
    if request.GET.get("employee", "").isdigit():
        initial["employee"] = int(request.GET["employee"])
    form = forms.AttestationForm(request.POST or None, initial=initial)
    return save_form(
        request,
        form,
        lambda data: services.attestation_create(actor=request.user, **data),
        template="training/attestation_form.html",
    )


def _attestation(request, pk: int) -> Attestation:
    attestation = get_object_or_404(
        Attestation.objects.select_related("employee__user", "created_by"), pk=pk
    )
    if not attestation.viewable_by(request.user):
        raise Http404
    return attestation


def attestation_detail(request, pk: int):
    attestation = _attestation(request, pk)
    may_change = request.user.has_perm("training.change_attestation")
    return render(
        request,
        "training/attestation_detail.html",
        {
            "object": attestation,
            "commission": attestation.commission.order_by("full_name"),
            "needs": attestation.needs.select_related("competence"),
            "may_change": may_change,
            "need_form": forms.NeedForm(attestation=attestation),
        },
    )


@permission_required("training.change_attestation", raise_exception=True)
def attestation_edit(request, pk: int):
    attestation = _attestation(request, pk)
    form = forms.AttestationForm(request.POST or None, instance=attestation)
    return save_form(
        request,
        form,
        lambda data: services.attestation_update(
            actor=request.user, attestation=attestation, **data
        ),
        template="training/attestation_form.html",
        context={"object": attestation},
    )


@require_POST
@permission_required("training.change_attestation", raise_exception=True)
def attestation_send(request, pk: int):
    attestation = _attestation(request, pk)
    try:
        services.attestation_send(actor=request.user, attestation=attestation)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("Sent to the commission and the director."))
    return redirect(attestation.get_absolute_url())


@require_POST
@permission_required("training.add_trainingneed", raise_exception=True)
def attestation_need_add(request, pk: int):
    attestation = _attestation(request, pk)
    form = forms.NeedForm(request.POST, attestation=attestation)
    if form.is_valid():
        try:
            services.need_add(
                actor=request.user, attestation=attestation, **form.cleaned_data
            )
        except ValidationError as error:
            _messages_from(request, error)
        else:
            messages.success(request, _("Saved."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(attestation.get_absolute_url())


@permission_required("training.view_trainingneed", raise_exception=True)
def need_list(request):
    state = "all" if request.GET.get("state") == "all" else "open"
    needs = selectors.need_list(user=request.user, state=state)
    return render(
        request,
        "training/need_list.html",
        {"page_obj": _page(request, needs), "state": state},
    )


@permission_required("training.add_trainingneed", raise_exception=True)
def need_create(request):
    form = forms.NeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.need_add(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("training:need_list")
    return render(request, "training/need_form.html", {"form": form})


# --- The staff training plan -------------------------------------------------


@permission_required("training.view_stafftrainingplan", raise_exception=True)
def plan_list(request):
    plans = StaffTrainingPlan.objects.annotate(
        item_count=Count("items", distinct=True),
        done_count=Count("items", filter=Q(items__status="done"), distinct=True),
    ).order_by("-year")
    return render(
        request,
        "training/plan_list.html",
        {
            "page_obj": _page(request, plans),
            "form": forms.PlanForm(initial={"year": timezone.localdate().year}),
        },
    )


@permission_required("training.add_stafftrainingplan", raise_exception=True)
def plan_create(request):
    form = forms.PlanForm(request.POST or None)
    return save_form(
        request,
        form,
        lambda data: services.plan_create(actor=request.user, **data),
        template="training/plan_form.html",
    )


@permission_required("training.view_stafftrainingplan", raise_exception=True)
def plan_detail(request, year: int):
    plan = get_object_or_404(StaffTrainingPlan, year=year)
    items = list(selectors.plan_items(plan))
    return render(
        request,
        "training/plan_detail.html",
        {
            "object": plan,
            "items": items,
            "done": sum(1 for item in items if item.status == "done"),
            "item_form": forms.PlanItemForm(
                initial={"responsible": request.user, "planned_on": f"{year}-06-01"}
            ),
            "needs_form": forms.FromNeedsForm(
                initial={"responsible": request.user, "planned_on": f"{year}-06-01"}
            ),
            "open_needs": selectors.open_needs().count(),
            "cancel_form": forms.CancelForm(),
        },
    )


@permission_required("training.change_stafftrainingplan", raise_exception=True)
def plan_item_add(request, year: int):
    plan = get_object_or_404(StaffTrainingPlan, year=year)
    form = forms.PlanItemForm(request.POST or None)
    return save_form(
        request,
        form,
        lambda data: services.plan_item_add(actor=request.user, plan=plan, **data),
        template="training/plan_item_form.html",
        context={"plan": plan},
    )


@require_POST
@permission_required("training.change_stafftrainingplan", raise_exception=True)
def plan_from_needs(request, year: int):
    plan = get_object_or_404(StaffTrainingPlan, year=year)
    form = forms.FromNeedsForm(request.POST)
    if form.is_valid():
        try:
            items = services.plan_add_needs(
                actor=request.user, plan=plan, **form.cleaned_data
            )
        except ValidationError as error:
            _messages_from(request, error)
        else:
            messages.success(
                request, _("Trainings added: %(count)s.") % {"count": len(items)}
            )
    else:
        messages.error(request, _("Give the date and who organises."))
    return redirect(plan.get_absolute_url())


@require_POST
@permission_required("training.change_planitem", raise_exception=True)
def plan_item_cancel(request, pk: int):
    item = get_object_or_404(PlanItem.objects.select_related("plan"), pk=pk)
    form = forms.CancelForm(request.POST)
    if form.is_valid():
        try:
            services.plan_item_cancel(
                actor=request.user, item=item, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _messages_from(request, error)
        else:
            messages.success(request, _("The training was cancelled."))
    else:
        messages.error(request, _("Say why the training is cancelled."))
    return redirect(item.plan.get_absolute_url())


@require_POST
@permission_required("training.change_stafftrainingplan", raise_exception=True)
def plan_item_remove(request, pk: int):
    item = get_object_or_404(PlanItem.objects.select_related("plan"), pk=pk)
    try:
        services.plan_item_remove(actor=request.user, item=item)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("Removed."))
    return redirect(item.plan.get_absolute_url())


# --- Induction ---------------------------------------------------------------


@permission_required("training.view_induction", raise_exception=True)
def induction_list(request):
    """Who is not yet inducted, and the inductions under way."""
    not_inducted = selectors.not_inducted(user=request.user)
    page_obj = _page(request, not_inducted)
    inductions = [e.induction for e in page_obj if hasattr(e, "induction")]
    progress = selectors.induction_progress(inductions)
    for employee in page_obj:
        if hasattr(employee, "induction"):
            employee.progress = progress[employee.induction.pk]
    return render(request, "training/induction_list.html", {"page_obj": page_obj})


@permission_required("training.add_induction", raise_exception=True)
def induction_start(request, pk: int):
    employee = _employee(request, pk)
    form = forms.InductionForm(
        request.POST or None,
        initial={
            "started_on": max(employee.hired_on, timezone.localdate()),
            "responsible": request.user,
            "documents": forms.personnel._documents_in_force(),
        },
    )
    return save_form(
        request,
        form,
        lambda data: services.induction_start(
            actor=request.user, employee=employee, **data
        ),
        template="training/induction_form.html",
        context={"employee": employee},
    )


def _induction(request, pk: int) -> Induction:
    induction = get_object_or_404(
        Induction.objects.select_related("employee__user", "responsible"), pk=pk
    )
    if not (
        request.user.has_perm("training.view_induction")
        or induction.employee.user_id == request.user.pk
    ):
        raise Http404
    return induction


def induction_detail(request, pk: int):
    induction = _induction(request, pk)
    progress = selectors.induction_progress([induction])[induction.pk]
    today = timezone.localdate()
    briefings = []
    for kind, label in Briefing.Kind.choices:
        briefings.append(
            {
                "kind": kind,
                "label": label,
                "done": progress.briefings.get(kind),
                "may_sign": services.may_give_briefing(request.user, kind),
                "form": forms.BriefingForm(
                    initial={"kind": kind, "given_on": today},
                    prefix=kind,
                ),
            }
        )
    return render(
        request,
        "training/induction_detail.html",
        {
            "object": induction,
            "progress": progress,
            "briefings": briefings,
            "mine": induction.employee.user_id == request.user.pk,
            "checklist_form": forms.ChecklistForm(
                initial={"documents": induction.documents.all()}
            ),
        },
    )


@require_POST
def briefing_sign(request, pk: int, kind: str):
    induction = _induction(request, pk)
    if kind not in Briefing.Kind.values:
        raise Http404
    form = forms.BriefingForm(request.POST, prefix=kind)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(induction.get_absolute_url())
    try:
        services.briefing_sign(
            actor=request.user,
            induction=induction,
            kind=kind,
            password=form.cleaned_data["password"],
            given_on=form.cleaned_data["given_on"],
            notes=form.cleaned_data["notes"],
            request=request,
        )
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("The briefing is signed."))
    return redirect(induction.get_absolute_url())


@require_POST
@permission_required("training.change_induction", raise_exception=True)
def induction_checklist(request, pk: int):
    induction = _induction(request, pk)
    form = forms.ChecklistForm(request.POST)
    if form.is_valid():
        try:
            services.induction_documents_set(
                actor=request.user,
                induction=induction,
                documents=form.cleaned_data["documents"],
            )
        except ValidationError as error:
            _messages_from(request, error)
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Choose the documents to read."))
    return redirect(induction.get_absolute_url())
