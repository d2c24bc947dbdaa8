"""Quality pages: policy, concept, objectives, process cards, KPIs, clauses."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from sapat.access import can, visible_to
from sapat.accounts.models import OrgUnit
from sapat.forms import errors_to_form, save_form

from . import selectors, services
from .charts import indicator_chart_svg
from .forms import (
    ConceptForm,
    IndicatorForm,
    MeasurementForm,
    ObjectiveForm,
    PolicyForm,
    ProcessCardForm,
)
from .models import Indicator, IsoClause, Measurement

PAGE_SIZE = 25


def _split_m2m(data: dict, names: tuple[str, ...]) -> tuple[dict, dict]:
    fields = {k: v for k, v in data.items() if k not in names}
    return fields, {k: data[k] for k in names if k in data}


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def index(request):
    indicators = list(selectors.indicator_list(user=request.user)[:50])
    for indicator in indicators:
        indicator.status = indicator.status_of(indicator.latest_value)
    return render(
        request,
        "quality/index.html",
        {
            "policy": selectors.current_policy(),
            "indicators": indicators,
            "processes": selectors.process_list(user=request.user)[:50],
        },
    )


# --- Policy ---------------------------------------------------------------


def policy_list(request):
    return render(
        request,
        "quality/policy_list.html",
        {"page_obj": _page(request, selectors.policy_list(user=request.user))},
    )


@permission_required("quality.add_qualitypolicy", raise_exception=True)
def policy_create(request):
    form = PolicyForm(
        request.POST or None, initial={"year": timezone.localdate().year + 1}
    )
    return save_form(
        request,
        form,
        lambda data: services.policy_create(actor=request.user, **data),
        template="quality/policy_form.html",
    )


def policy_detail(request, pk: int):
    policy = get_object_or_404(selectors.policy_list(user=request.user), pk=pk)
    return render(request, "quality/policy_detail.html", {"object": policy})


def policy_edit(request, pk: int):
    policy = get_object_or_404(selectors.policy_list(user=request.user), pk=pk)
    if not can(request.user, "change", policy):
        raise PermissionDenied
    form = PolicyForm(request.POST or None, instance=policy)
    return save_form(
        request,
        form,
        lambda data: services.draft_update(obj=policy, actor=request.user, **data),
        template="quality/policy_form.html",
        context={"object": policy},
    )


@login_not_required
def policy_public(request):
    """The quality policy in force, published for everyone (§5.3)."""
    return render(
        request, "quality/policy_public.html", {"policy": selectors.current_policy()}
    )


# --- Development concept (top management only) ------------------------------


def concept_list(request):
    return render(
        request,
        "quality/concept_list.html",
        {"page_obj": _page(request, selectors.concept_list(user=request.user))},
    )


@permission_required("quality.add_developmentconcept", raise_exception=True)
def concept_create(request):
    form = ConceptForm(request.POST or None)
    return save_form(
        request,
        form,
        lambda data: services.concept_create(actor=request.user, **data),
        template="quality/concept_form.html",
    )


def concept_detail(request, pk: int):
    concept = get_object_or_404(selectors.concept_list(user=request.user), pk=pk)
    return render(request, "quality/concept_detail.html", {"object": concept})


def concept_edit(request, pk: int):
    concept = get_object_or_404(selectors.concept_list(user=request.user), pk=pk)
    form = ConceptForm(request.POST or None, instance=concept)
    return save_form(
        request,
        form,
        lambda data: services.draft_update(obj=concept, actor=request.user, **data),
        template="quality/concept_form.html",
        context={"object": concept},
    )


# --- Objectives -----------------------------------------------------------


def objective_list(request):
    try:
        year = int(request.GET.get("year", "")) or None
    except ValueError:
        year = None
    return render(
        request,
        "quality/objective_list.html",
        {
            "page_obj": _page(
                request, selectors.objective_list(user=request.user, year=year)
            ),
            "year": year,
        },
    )


@permission_required("quality.add_objective", raise_exception=True)
def objective_create(request):
    form = ObjectiveForm(
        request.POST or None,
        concepts=selectors.concept_list(user=request.user),
        initial={"year": timezone.localdate().year, "owner": request.user},
    )
    return save_form(
        request,
        form,
        lambda data: services.objective_create(actor=request.user, **data),
        template="quality/objective_form.html",
    )


def objective_detail(request, pk: int):
    objective = get_object_or_404(
        selectors.objective_list(user=request.user).select_related("concept"), pk=pk
    )
    return render(request, "quality/objective_detail.html", {"object": objective})


def objective_edit(request, pk: int):
    objective = get_object_or_404(selectors.objective_list(user=request.user), pk=pk)
    form = ObjectiveForm(
        request.POST or None,
        instance=objective,
        concepts=selectors.concept_list(user=request.user),
    )
    return save_form(
        request,
        form,
        lambda data: services.draft_update(obj=objective, actor=request.user, **data),
        template="quality/objective_form.html",
        context={"object": objective},
    )


# --- Process cards ----------------------------------------------------------


def process_list(request):
    return render(
        request,
        "quality/process_list.html",
        {"page_obj": _page(request, selectors.process_list(user=request.user))},
    )


@permission_required("quality.add_processcard", raise_exception=True)
def process_create(request):
    form = ProcessCardForm(request.POST or None)

    def save(data):
        fields, m2m = _split_m2m(data, ("participants", "clauses"))
        return services.process_card_create(actor=request.user, **fields, **m2m)

    return save_form(request, form, save, template="quality/process_form.html")


def process_detail(request, pk: int):
    card = get_object_or_404(
        selectors.process_list(user=request.user)
        .select_related("manager")
        .prefetch_related("participants", "clauses", "indicators"),
        pk=pk,
    )
    return render(request, "quality/process_detail.html", {"object": card})


def process_edit(request, pk: int):
    card = get_object_or_404(selectors.process_list(user=request.user), pk=pk)
    form = ProcessCardForm(request.POST or None, instance=card)

    def save(data):
        fields, m2m = _split_m2m(data, ("participants", "clauses"))
        return services.draft_update(obj=card, actor=request.user, m2m=m2m, **fields)

    return save_form(
        request,
        form,
        save,
        template="quality/process_form.html",
        context={"object": card},
    )


# --- Indicators -------------------------------------------------------------


def indicator_list(request):
    page = _page(request, selectors.indicator_list(user=request.user))
    for indicator in page:
        indicator.status = indicator.status_of(indicator.latest_value)
    return render(request, "quality/indicator_list.html", {"page_obj": page})


@permission_required("quality.add_indicator", raise_exception=True)
def indicator_create(request):
    form = IndicatorForm(
        request.POST or None,
        objectives=selectors.objective_list(user=request.user),
        initial={"owner": request.user},
    )
    return save_form(
        request,
        form,
        lambda data: services.indicator_create(actor=request.user, **data),
        template="quality/indicator_form.html",
    )


@permission_required("quality.change_indicator", raise_exception=True)
def indicator_edit(request, pk: int):
    indicator = get_object_or_404(Indicator, pk=pk)
    form = IndicatorForm(
        request.POST or None,
        instance=indicator,
        objectives=selectors.objective_list(user=request.user),
    )
    return save_form(
        request,
        form,
        lambda data: services.indicator_update(
            indicator=indicator, actor=request.user, **data
        ),
        template="quality/indicator_form.html",
        context={"object": indicator},
    )


def indicator_detail(request, pk: int):
    # The owner always sees their indicator, whatever their roles.
    visible = visible_to(request.user, Indicator.objects.all()).values("pk")
    indicator = get_object_or_404(
        Indicator.objects.select_related("owner", "process").filter(
            Q(pk__in=visible) | Q(owner=request.user)
        ),
        pk=pk,
    )
    measurements = list(
        Measurement.objects.filter(indicator=indicator)
        .select_related("recorded_by")
        .order_by("period")
    )
    may_record = services.may_record(request.user, indicator)
    form = MeasurementForm(request.POST or None)
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.measurement_record(
                    actor=request.user, indicator=indicator, **form.cleaned_data
                )
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(request, _("The measurement was recorded."))
                return redirect(indicator.get_absolute_url())
    for measurement in measurements:
        measurement.state = indicator.status_of(measurement.value)
    chart = indicator_chart_svg(
        points=[(m.period.strftime("%Y-%m"), m.value) for m in measurements],
        target=indicator.target,
        direction=indicator.direction,
        amber_margin=indicator.amber_margin,
        title=indicator.name,
    )
    return render(
        request,
        "quality/indicator_detail.html",
        {
            "object": indicator,
            "measurements": measurements,
            "form": form,
            "may_record": may_record,
            "chart": chart,
        },
    )


# --- ISO clauses and the evidence map -----------------------------------------


def clause_map(request):
    edition = request.GET.get("edition", IsoClause.Edition.ISO_2015)
    if edition not in IsoClause.Edition.values:
        edition = IsoClause.Edition.ISO_2015
    rows = selectors.clause_map(edition=edition)
    return render(
        request,
        "quality/clause_map.html",
        {
            "rows": rows,
            "edition": edition,
            "editions": IsoClause.Edition.choices,
            "gaps": sum(1 for row in rows if not row.covered),
        },
    )


# --- Public organisation structure -------------------------------------------


@login_not_required
def structure_public(request):
    """The organisation structure, public on the website (§5.5.1)."""
    units = list(
        OrgUnit.objects.select_related("head", "parent").order_by("order", "name_ky")
    )
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)

    def tree(parent_id):
        return [(unit, tree(unit.pk)) for unit in children.get(parent_id, [])]

    return render(request, "quality/structure_public.html", {"tree": tree(None)})
