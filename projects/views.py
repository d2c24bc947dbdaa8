"""Project pages: portfolio, projects with tabs, timeline, calendar, my
tasks, clients, reviews, contracts, deliverables, client property,
meetings and work plans.

A project the user may not see is a 404; client property outside the
user's projects is a 404 everywhere (lists, detail, search, download).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sapat.access import can
from sapat.downloads import attachment
from sapat.forms import errors_to_form, save_form
from sapat.signing.services import manifest

from . import selectors, services
from .forms import (
    CancelForm,
    ClientDocumentForm,
    ClientForm,
    ClientSignatureForm,
    CloseForm,
    CommunicationForm,
    ComplexityForm,
    ContactForm,
    ContractForm,
    ContractSendForm,
    DecisionForm,
    DecisionMoveForm,
    DeliverableEditForm,
    DeliverableForm,
    ItemForm,
    ItemStatusForm,
    MeetingForm,
    MinutesForm,
    PlanForm,
    PreventiveForm,
    ProjectForm,
    ReturnForm,
    ReviewDecideForm,
    ReviewForm,
    ReviseForm,
    StageFinishForm,
    StageForm,
    TeamMemberForm,
)
from .models import (
    Client,
    ContractVersion,
    Decision,
    Deliverable,
    MeetingKind,
    PlanItem,
    PlanKind,
    ProjectStatus,
    RequirementsReview,
    ServiceType,
    TeamMember,
)

PAGE_SIZE = 25
TABS = ("overview", "stages", "team", "plan", "meetings", "deliverables", "property")


def _page(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _project(request, pk: int):
    """The project if visible to the user, else 404."""
    return get_object_or_404(
        selectors.visible_projects(request.user).select_related(
            "client", "project_manager", "referent", "area", "review"
        ),
        pk=pk,
    )


def _managed(request, pk: int):
    project = _project(request, pk)
    if not selectors.can_manage_project(request.user, project):
        raise PermissionDenied
    return project


def _post_service(request, form, call, *, success: str, redirect_to: str):
    """Run ``call(cleaned_data)``; on error, message it and go back."""
    if form.is_valid():
        try:
            call(dict(form.cleaned_data))
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, success)
            return redirect(redirect_to)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(redirect_to)


# --- Portfolio, timeline, calendar, my tasks ---------------------------------


@login_required
def index(request):
    """The portfolio dashboard."""
    user = request.user
    mine = selectors.project_list(user=user, status="open", mine=True)[:10]
    return render(
        request,
        "projects/index.html",
        {
            "portfolio": selectors.portfolio(user),
            "mine": mine,
            "work": selectors.my_tasks(user),
            "services": ServiceType.choices,
        },
    )


@login_required
def project_list(request):
    q = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    if status not in {*ProjectStatus.values, "open"}:
        status = ""
    service = request.GET.get("service", "")
    if service not in ServiceType.values:
        service = ""
    projects = selectors.project_list(
        user=request.user, q=q, status=status, service_type=service
    )
    return render(
        request,
        "projects/project_list.html",
        {
            "page_obj": _page(request, projects),
            "q": q,
            "status": status,
            "service": service,
            "statuses": ProjectStatus.choices,
            "services": ServiceType.choices,
        },
    )


def _month(request) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        month = int(request.GET.get("month", today.month))
        date(year, month, 1)
    except (TypeError, ValueError):
        return today.year, today.month
    return year, month


@login_required
def timeline(request):
    """The server-rendered Gantt of the open projects, by months."""
    today = timezone.localdate()
    try:
        months = max(1, min(int(request.GET.get("months", 6)), 24))
    except ValueError:
        months = 6
    year, month = _month(request)
    start = date(year, month, 1)
    end_month = month + months
    end = date(year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1) - timedelta(
        days=1
    )
    heads = []
    cursor = start
    while cursor <= end:
        heads.append(cursor)
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    rows = selectors.timeline(user=request.user, start=start, end=end)
    return render(
        request,
        "projects/timeline.html",
        {
            "rows": rows,
            "start": start,
            "end": end,
            "months": heads,
            "month_count": months,
            "today": today,
            "previous": date(year - (month == 1), (month - 2) % 12 + 1, 1),
            "following": date(year + (month == 12), month % 12 + 1, 1),
        },
    )


@login_required
def calendar_view(request):
    year, month = _month(request)
    start, end = selectors.month_range(year, month)
    events = selectors.calendar_events(user=request.user, start=start, end=end)
    return render(
        request,
        "projects/calendar.html",
        {
            "weeks": selectors.calendar_weeks(year, month, events),
            "first": start,
            "previous": start - timedelta(days=1),
            "following": end + timedelta(days=1),
            "today": timezone.localdate(),
        },
    )


@login_required
def my_tasks(request):
    return render(
        request,
        "projects/my_tasks.html",
        {"work": selectors.my_tasks(request.user), "today": timezone.localdate()},
    )


# --- Projects ----------------------------------------------------------------


@permission_required("projects.add_project", raise_exception=True)
def project_create(request):
    initial = {"start_date": timezone.localdate(), "project_manager": request.user}
    review_id = request.GET.get("review")
    if review_id and review_id.isdigit():
        review = RequirementsReview.objects.filter(pk=review_id).first()
        if review:
            initial.update(
                review=review, client=review.client, service_type=review.service_type
            )
    form = ProjectForm(request.POST or None, initial=initial)
    return save_form(
        request,
        form,
        lambda data: services.project_create(actor=request.user, **data),
        template="projects/project_form.html",
    )


def project_detail(request, pk: int):
    project = _project(request, pk)
    user = request.user
    tab = request.GET.get("tab", "overview")
    if tab not in TABS:
        tab = "overview"
    can_property = selectors.can_view_property(user, project)
    if tab == "property" and not can_property:
        raise Http404
    context = {
        "object": project,
        "tab": tab,
        "tabs": TABS,
        "can_manage": selectors.can_manage_project(user, project),
        "can_staff": user.has_perm("projects.setcomplexity_project"),
        "can_property": can_property,
        "is_pm": user.pk == project.project_manager_id,
    }
    if tab == "overview":
        context["contracts"] = project.contracts.order_by("number", "-version")
        context["communications"] = project.communications.select_related("contact")[
            :10
        ]
    elif tab == "stages":
        context["stages"] = selectors.stages_of(project)
        context["finish_form"] = StageFinishForm(
            initial={"finished_on": timezone.localdate()}
        )
        context["rows"] = selectors.timeline(
            user=user,
            start=project.start_date,
            end=max(
                project.end_date or project.start_date + timedelta(days=180),
                timezone.localdate(),
            ),
            projects=selectors.visible_projects(user).filter(pk=project.pk),
        )
    elif tab == "team":
        context["team"] = project.team.select_related("user", "expert")
        context["team_form"] = TeamMemberForm()
        context["complexity_form"] = ComplexityForm(instance=project)
    elif tab == "plan":
        context["items"] = project.tasks.select_related("owner").order_by(
            "due_date", "id"
        )
        context["item_form"] = ItemForm(project=project)
        context["status_form"] = ItemStatusForm()
        context["today"] = timezone.localdate()
    elif tab == "meetings":
        context["meetings"] = selectors.meeting_list(user=user, project=project.pk)
    elif tab == "deliverables":
        context["deliverables"] = selectors.deliverables_of(user=user, project=project)
    elif tab == "property":
        context["documents"] = selectors.client_documents(user=user, project=project)
    return render(request, "projects/project_detail.html", context)


def project_edit(request, pk: int):
    project = _managed(request, pk)
    form = ProjectForm(request.POST or None, instance=project, editing=True)
    return save_form(
        request,
        form,
        lambda data: services.project_update(
            actor=request.user, project=project, **data
        ),
        template="projects/project_form.html",
        context={"object": project},
    )


def project_complexity(request, pk: int):
    project = _project(request, pk)
    if not request.user.has_perm("projects.setcomplexity_project"):
        raise PermissionDenied
    form = ComplexityForm(request.POST or None, instance=project)
    return save_form(
        request,
        form,
        lambda data: services.project_set_complexity(
            actor=request.user, project=project, **data
        ),
        template="projects/project_complexity_form.html",
        context={"object": project},
    )


def team_add(request, pk: int):
    project = _project(request, pk)
    if not request.user.has_perm("projects.setcomplexity_project"):
        raise PermissionDenied
    form = TeamMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_add(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Added to the team."))
            return redirect(project.get_absolute_url() + "?tab=team")
    return render(
        request, "projects/teammember_form.html", {"form": form, "project": project}
    )


@require_POST
def team_remove(request, pk: int):
    member = get_object_or_404(TeamMember.objects.select_related("project"), pk=pk)
    project = _project(request, member.project_id)
    services.team_remove(actor=request.user, member=member)
    messages.success(request, _("Removed from the team."))
    return redirect(project.get_absolute_url() + "?tab=team")


def stage_edit(request, pk: int, stage_pk: int):
    project = _managed(request, pk)
    stage = get_object_or_404(project.stages, pk=stage_pk)
    form = StageForm(request.POST or None, instance=stage)
    if request.method == "POST" and form.is_valid():
        try:
            services.stage_update(actor=request.user, stage=stage, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(project.get_absolute_url() + "?tab=stages")
    return render(
        request,
        "projects/projectstage_form.html",
        {"form": form, "project": project, "stage": stage},
    )


@require_POST
def stage_finish(request, pk: int, stage_pk: int):
    project = _managed(request, pk)
    stage = get_object_or_404(project.stages, pk=stage_pk)
    form = StageFinishForm(request.POST)
    return _post_service(
        request,
        form,
        lambda data: services.stage_finish(actor=request.user, stage=stage, **data),
        success=_("The stage is finished; the next one has started."),
        redirect_to=project.get_absolute_url() + "?tab=stages",
    )


def project_close(request, pk: int):
    project = _project(request, pk)
    if not (
        request.user.pk == project.project_manager_id
        or request.user.has_perm("projects.change_project")
    ):
        raise PermissionDenied
    form = CloseForm(request.POST or None, initial={"closed_on": timezone.localdate()})
    return save_form(
        request,
        form,
        lambda data: services.project_close(
            actor=request.user, project=project, **data
        ),
        template="projects/project_close_form.html",
        context={"object": project},
    )


def project_cancel(request, pk: int):
    project = _project(request, pk)
    if not request.user.has_perm("projects.setcomplexity_project"):
        raise PermissionDenied
    form = CancelForm(request.POST or None)
    return save_form(
        request,
        form,
        lambda data: services.project_cancel(
            actor=request.user, project=project, **data
        ),
        template="projects/project_cancel_form.html",
        context={"object": project},
    )


# --- Plan tasks ---------------------------------------------------------------


def task_add(request, pk: int):
    project = _managed(request, pk)
    form = ItemForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_add(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(project.get_absolute_url() + "?tab=plan")
    return render(
        request, "projects/planitem_form.html", {"form": form, "project": project}
    )


@require_POST
def item_status(request, pk: int):
    item = get_object_or_404(PlanItem.objects.select_related("project", "plan"), pk=pk)
    if item.project_id:
        _project(request, item.project_id)
    elif not can(request.user, "view", item.plan):
        raise Http404
    form = ItemStatusForm(request.POST)
    return _post_service(
        request,
        form,
        lambda data: services.item_update_status(actor=request.user, item=item, **data),
        success=_("Saved."),
        redirect_to=request.POST.get("next") or item.get_absolute_url(),
    )


# --- Clients -----------------------------------------------------------------


@permission_required("projects.view_client", raise_exception=True)
def client_list(request):
    q = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    clients = Client.objects.select_related("organisation")
    if kind in Client.Kind.values:
        clients = clients.filter(kind=kind)
    if q:
        clients = clients.filter(name__icontains=q) | clients.filter(
            region__icontains=q
        )
    return render(
        request,
        "projects/client_list.html",
        {
            "page_obj": _page(request, clients.order_by("name")),
            "q": q,
            "kind": kind,
            "kinds": Client.Kind.choices,
        },
    )


@permission_required("projects.add_client", raise_exception=True)
def client_create(request):
    form = ClientForm(request.POST or None)
    return save_form(
        request,
        form,
        lambda data: services.client_create(actor=request.user, **data),
        template="projects/client_form.html",
    )


@permission_required("projects.change_client", raise_exception=True)
def client_edit(request, pk: int):
    client = get_object_or_404(Client, pk=pk)
    form = ClientForm(request.POST or None, instance=client)
    return save_form(
        request,
        form,
        lambda data: services.client_update(actor=request.user, client=client, **data),
        template="projects/client_form.html",
        context={"object": client},
    )


@permission_required("projects.view_client", raise_exception=True)
def client_detail(request, pk: int):
    client = get_object_or_404(Client.objects.select_related("organisation"), pk=pk)
    user = request.user
    return render(
        request,
        "projects/client_detail.html",
        {
            "object": client,
            "contacts": client.contacts.all(),
            "projects": selectors.visible_projects(user)
            .filter(client=client)
            .select_related("project_manager"),
            "reviews": selectors.visible_reviews(user).filter(client=client),
            "contracts": selectors.visible_contracts(user)
            .filter(client=client)
            .order_by("number", "-version"),
            "communications": client.communications.select_related(
                "contact", "project", "recorded_by"
            )[:50]
            if user.has_perm("projects.view_communication")
            else None,
            "contact_form": ContactForm(),
        },
    )


@permission_required("projects.change_client", raise_exception=True)
def contact_add(request, pk: int):
    client = get_object_or_404(Client, pk=pk)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_add(actor=request.user, client=client, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(client.get_absolute_url())
    return render(
        request, "projects/clientcontact_form.html", {"form": form, "client": client}
    )


@permission_required("projects.add_communication", raise_exception=True)
def communication_add(request, pk: int):
    client = get_object_or_404(Client, pk=pk)
    form = CommunicationForm(
        request.POST or None, client=client, initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.communication_log(
                actor=request.user, client=client, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(client.get_absolute_url() + "#communications")
    return render(
        request, "projects/communication_form.html", {"form": form, "client": client}
    )


# --- Requirements reviews and contracts --------------------------------------


@permission_required("projects.add_requirementsreview", raise_exception=True)
def review_create(request, pk: int):
    client = get_object_or_404(Client, pk=pk)
    form = ReviewForm(request.POST or None)
    return save_form(
        request,
        form,
        lambda data: services.review_create(actor=request.user, client=client, **data),
        template="projects/requirementsreview_form.html",
        context={"client": client},
    )


def review_detail(request, pk: int):
    review = get_object_or_404(
        selectors.visible_reviews(request.user).select_related(
            "client", "created_by", "decided_by"
        ),
        pk=pk,
    )
    form = ReviewDecideForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("projects.change_requirementsreview"):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.review_decide(
                    actor=request.user,
                    review=review,
                    request=request,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(request, _("The review is decided and signed."))
                return redirect(review.get_absolute_url())
    return render(
        request,
        "projects/requirementsreview_detail.html",
        {"object": review, "form": form, "signatures": manifest(review)},
    )


def contract_create(request, pk: int):
    client = get_object_or_404(Client, pk=pk)
    if not request.user.has_perm("projects.add_contractversion"):
        raise PermissionDenied
    form = ContractForm(request.POST or None, request.FILES or None, client=client)
    return save_form(
        request,
        form,
        lambda data: services.contract_draft(actor=request.user, client=client, **data),
        template="projects/contractversion_form.html",
        context={"client": client},
    )


def contract_detail(request, pk: int):
    contract = get_object_or_404(
        selectors.visible_contracts(request.user).select_related(
            "client", "project", "created_by"
        ),
        pk=pk,
    )
    return render(
        request,
        "projects/contractversion_detail.html",
        {
            "object": contract,
            "versions": ContractVersion.objects.filter(
                client=contract.client, number=contract.number
            ).order_by("-version"),
            "send_form": ContractSendForm(initial={"sent_on": timezone.localdate()}),
        },
    )


@require_POST
def contract_send(request, pk: int):
    contract = get_object_or_404(
        selectors.visible_contracts(request.user).select_related("client", "project"),
        pk=pk,
    )
    return _post_service(
        request,
        ContractSendForm(request.POST),
        lambda data: services.contract_send(
            actor=request.user, contract=contract, **data
        ),
        success=_("Recorded as sent to the client."),
        redirect_to=contract.get_absolute_url(),
    )


def contract_download(request, pk: int):
    contract = get_object_or_404(selectors.visible_contracts(request.user), pk=pk)
    if not contract.file:
        raise Http404
    return attachment(contract.file, filename=contract.file.name.rsplit("/", 1)[-1])


# --- Client property ---------------------------------------------------------


@login_required
def client_document_list(request):
    """All client property the user may see: their projects' only."""
    q = request.GET.get("q", "").strip()[:100]
    held = request.GET.get("held") == "1"
    documents = selectors.client_documents(user=request.user, q=q, held=held)
    return render(
        request,
        "projects/clientdocument_list.html",
        {"page_obj": _page(request, documents), "q": q, "held": held},
    )


def _document(request, pk: int):
    return get_object_or_404(
        selectors.client_documents(user=request.user).select_related(
            "recorded_by", "project__client"
        ),
        pk=pk,
    )


def client_document_create(request, pk: int):
    project = _project(request, pk)
    if not selectors.can_view_property(request.user, project):
        raise Http404
    if not selectors.can_manage_project(request.user, project):
        raise PermissionDenied
    form = ClientDocumentForm(
        request.POST or None,
        request.FILES or None,
        initial={"received_on": timezone.localdate()},
    )
    return save_form(
        request,
        form,
        lambda data: services.client_document_register(
            actor=request.user, project=project, **data
        ),
        template="projects/clientdocument_form.html",
        context={"project": project},
    )


def client_document_detail(request, pk: int):
    document = _document(request, pk)
    return render(
        request,
        "projects/clientdocument_detail.html",
        {
            "object": document,
            "return_form": ReturnForm(initial={"returned_on": timezone.localdate()}),
            "can_manage": selectors.can_manage_project(request.user, document.project),
        },
    )


@require_POST
def client_document_return(request, pk: int):
    document = _document(request, pk)
    return _post_service(
        request,
        ReturnForm(request.POST),
        lambda data: services.client_document_return(
            actor=request.user, document=document, **data
        ),
        success=_("Recorded as returned to the client."),
        redirect_to=document.get_absolute_url(),
    )


def client_document_download(request, pk: int):
    document = _document(request, pk)
    if not document.file:
        raise Http404
    return attachment(document.file, filename=document.file.name.rsplit("/", 1)[-1])


# --- Deliverables ------------------------------------------------------------


def deliverable_create(request, pk: int):
    project = _managed(request, pk)
    form = DeliverableForm(request.POST or None, request.FILES or None)
    return save_form(
        request,
        form,
        lambda data: services.deliverable_create(
            actor=request.user, project=project, **data
        ),
        template="projects/deliverable_form.html",
        context={"project": project},
    )


def _deliverable(request, pk: int) -> Deliverable:
    deliverable = get_object_or_404(
        Deliverable.objects.select_related(
            "project", "project__client", "created_by", "change_decision__meeting"
        ),
        pk=pk,
    )
    _project(request, deliverable.project_id)
    return deliverable


def deliverable_detail(request, pk: int):
    deliverable = _deliverable(request, pk)
    project = deliverable.project
    return render(
        request,
        "projects/deliverable_detail.html",
        {
            "object": deliverable,
            "project": project,
            "signatures": deliverable.client_signatures.select_related("contact"),
            "signature_form": ClientSignatureForm(
                client=project.client, initial={"signed_on": timezone.localdate()}
            ),
            "revise_form": ReviseForm(decisions=selectors.status_decisions(project)),
            "can_manage": selectors.can_manage_project(request.user, project),
            "versions": Deliverable.objects.filter(
                project=project, kind=deliverable.kind, title=deliverable.title
            ).order_by("-version"),
        },
    )


def deliverable_edit(request, pk: int):
    deliverable = _deliverable(request, pk)
    if not selectors.can_manage_project(request.user, deliverable.project):
        raise PermissionDenied
    form = DeliverableEditForm(
        request.POST or None, request.FILES or None, instance=deliverable
    )
    return save_form(
        request,
        form,
        lambda data: services.deliverable_update(
            actor=request.user, deliverable=deliverable, **data
        ),
        template="projects/deliverable_form.html",
        context={"object": deliverable, "project": deliverable.project},
    )


def deliverable_revise(request, pk: int):
    deliverable = _deliverable(request, pk)
    if not selectors.can_manage_project(request.user, deliverable.project):
        raise PermissionDenied
    form = ReviseForm(
        request.POST or None,
        request.FILES or None,
        decisions=selectors.status_decisions(deliverable.project),
    )
    return save_form(
        request,
        form,
        lambda data: services.deliverable_revise(
            actor=request.user, deliverable=deliverable, **data
        ),
        template="projects/deliverable_revise_form.html",
        context={"object": deliverable, "project": deliverable.project},
    )


@require_POST
def client_signature_add(request, pk: int):
    deliverable = _deliverable(request, pk)
    return _post_service(
        request,
        ClientSignatureForm(request.POST, client=deliverable.project.client),
        lambda data: services.client_signature_record(
            actor=request.user, deliverable=deliverable, **data
        ),
        success=_("The client's verification is recorded."),
        redirect_to=deliverable.get_absolute_url(),
    )


def deliverable_download(request, pk: int):
    deliverable = _deliverable(request, pk)
    if not deliverable.file:
        raise Http404
    return attachment(
        deliverable.file, filename=deliverable.file.name.rsplit("/", 1)[-1]
    )


# --- Meetings and decisions --------------------------------------------------


@login_required
def meeting_list(request):
    kind = request.GET.get("kind", "")
    if kind not in MeetingKind.values:
        kind = ""
    meetings = selectors.meeting_list(user=request.user, kind=kind)
    return render(
        request,
        "projects/meeting_list.html",
        {
            "page_obj": _page(request, meetings),
            "kind": kind,
            "kinds": MeetingKind.choices,
        },
    )


@login_required
def meeting_create(request):
    user = request.user
    projects = selectors.visible_projects(user)
    if not user.has_perm("projects.add_meeting"):
        projects = projects.filter(
            pk__in=[
                p.pk
                for p in projects.filter(status__in=selectors.OPEN_STATUSES)
                if selectors.can_manage_project(user, p)
            ]
        )
        if not projects.exists():
            raise PermissionDenied
    initial = {"date": timezone.localdate(), "chair": user}
    project_id = request.GET.get("project", "")
    if project_id.isdigit():
        initial.update(project=project_id, kind=MeetingKind.WEEKLY)
    form = MeetingForm(request.POST or None, projects=projects, initial=initial)
    return save_form(
        request,
        form,
        lambda data: services.meeting_create(actor=user, **data),
        template="projects/meeting_form.html",
    )


def _meeting(request, pk: int):
    return get_object_or_404(
        selectors.visible_meetings(request.user).select_related(
            "project", "chair", "created_by"
        ),
        pk=pk,
    )


def meeting_detail(request, pk: int):
    meeting = _meeting(request, pk)
    user = request.user
    return render(
        request,
        "projects/meeting_detail.html",
        {
            "object": meeting,
            "attendees": meeting.attendees.all(),
            "decisions": meeting.decisions.select_related("owner", "preventive_action"),
            "decision_form": DecisionForm(),
            "can_record": services.can_record_meeting(
                user, meeting.kind, meeting.project
            ),
            "can_prevent": user.has_perm("capa.add_action"),
        },
    )


def meeting_edit(request, pk: int):
    meeting = _meeting(request, pk)
    if not services.can_record_meeting(request.user, meeting.kind, meeting.project):
        raise PermissionDenied
    form = MinutesForm(request.POST or None, instance=meeting)
    return save_form(
        request,
        form,
        lambda data: services.meeting_update(
            actor=request.user, meeting=meeting, **data
        ),
        template="projects/meeting_form.html",
        context={"object": meeting},
    )


@require_POST
def decision_add(request, pk: int):
    meeting = _meeting(request, pk)
    return _post_service(
        request,
        DecisionForm(request.POST),
        lambda data: services.decision_add(actor=request.user, meeting=meeting, **data),
        success=_("The decision is recorded."),
        redirect_to=meeting.get_absolute_url(),
    )


def _decision(request, pk: int) -> Decision:
    decision = get_object_or_404(Decision.objects.select_related("meeting"), pk=pk)
    if (
        decision.owner_id != request.user.pk
        and not selectors.visible_meetings(request.user)
        .filter(pk=decision.meeting_id)
        .exists()
    ):
        raise Http404
    return decision


@require_POST
def decision_move(request, pk: int):
    decision = _decision(request, pk)
    return _post_service(
        request,
        DecisionMoveForm(request.POST),
        lambda data: services.decision_move(
            actor=request.user, decision=decision, **data
        ),
        success=_("Saved."),
        redirect_to=request.POST.get("next") or decision.get_absolute_url(),
    )


@permission_required("capa.add_action", raise_exception=True)
def decision_preventive(request, pk: int):
    decision = _decision(request, pk)
    form = PreventiveForm(
        request.POST or None,
        initial={"title": str(decision), "owner": decision.owner},
    )
    if request.method == "POST" and form.is_valid():
        try:
            action = services.decision_raise_preventive(
                actor=request.user, decision=decision, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The preventive action is raised."))
            return redirect(action.get_absolute_url())
    return render(
        request,
        "projects/preventive_form.html",
        {"form": form, "decision": decision},
    )


# --- Work plans --------------------------------------------------------------


@permission_required("projects.view_workplan", raise_exception=True)
def plan_list(request):
    kind = request.GET.get("kind", "")
    if kind not in PlanKind.values:
        kind = ""
    plans = selectors.visible_plans(request.user).select_related("created_by")
    if kind:
        plans = plans.filter(kind=kind)
    return render(
        request,
        "projects/workplan_list.html",
        {"page_obj": _page(request, plans), "kind": kind, "kinds": PlanKind.choices},
    )


@permission_required("projects.add_workplan", raise_exception=True)
def plan_create(request):
    form = PlanForm(request.POST or None, initial={"year": timezone.localdate().year})
    return save_form(
        request,
        form,
        lambda data: services.plan_create(actor=request.user, **data),
        template="projects/workplan_form.html",
    )


@permission_required("projects.view_workplan", raise_exception=True)
def plan_detail(request, pk: int):
    plan = get_object_or_404(selectors.visible_plans(request.user), pk=pk)
    return render(
        request,
        "projects/workplan_detail.html",
        {
            "object": plan,
            "items": selectors.plan_items(plan),
            "item_form": ItemForm(),
            "status_form": ItemStatusForm(),
            "today": timezone.localdate(),
        },
    )


@permission_required("projects.change_workplan", raise_exception=True)
def plan_item_add(request, pk: int):
    plan = get_object_or_404(selectors.visible_plans(request.user), pk=pk)
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_add(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(plan.get_absolute_url())
    return render(request, "projects/planitem_form.html", {"form": form, "plan": plan})
