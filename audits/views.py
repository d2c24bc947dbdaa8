"""Pages of internal audits, management review and self-assessment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sapat.access import can
from sapat.forms import errors_to_form

from . import forms, selectors, services
from .models import (
    Audit,
    AuditProgramme,
    AuditStatus,
    ChecklistItem,
    Criterion,
    DecisionStatus,
    ManagementReview,
    ReviewDecision,
    ReviewKind,
    Score,
    SelfAssessment,
    StaffMeeting,
)
from .review_inputs import Period, compile_inputs

PAGE_SIZE = 25


def _error_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _post_action(request, obj, call) -> None:
    try:
        call()
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("Saved."))


# --- Programme ---------------------------------------------------------------


@permission_required("audits.view_auditprogramme", raise_exception=True)
def index(request):
    year = timezone.localdate().year
    programme = (
        AuditProgramme.objects.filter(year=year).first()
        or AuditProgramme.objects.order_by("-year").first()
    )
    if programme is None:
        return render(
            request,
            "audits/programme_empty.html",
            {"form": forms.ProgrammeForm(initial={"year": year, "cycle_years": 3})},
        )
    return redirect(programme.get_absolute_url())


@permission_required("audits.add_auditprogramme", raise_exception=True)
def programme_create(request):
    form = forms.ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(
                actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The programme was created as a draft."))
            return redirect(programme.get_absolute_url())
    return render(request, "audits/programme_empty.html", {"form": form})


@permission_required("audits.view_auditprogramme", raise_exception=True)
def programme_detail(request, year: int):
    programme = get_object_or_404(AuditProgramme, year=year)
    audits = selectors.audit_list(user=request.user).filter(programme=programme)
    return render(
        request,
        "audits/programme_detail.html",
        {
            "object": programme,
            "audits": audits,
            "coverage": selectors.coverage(programme),
            "years": list(AuditProgramme.objects.values_list("year", flat=True)),
            "edit_form": forms.ProgrammeEditForm(
                initial={"cycle_years": programme.cycle_years, "notes": programme.notes}
            ),
            "new_form": forms.ProgrammeForm(
                initial={"year": programme.year + 1, "cycle_years": 3}
            ),
        },
    )


@require_POST
@permission_required("audits.change_auditprogramme", raise_exception=True)
def programme_edit(request, year: int):
    programme = get_object_or_404(AuditProgramme, year=year)
    form = forms.ProgrammeEditForm(request.POST)
    if form.is_valid():
        _post_action(
            request,
            programme,
            lambda: services.programme_update(
                actor=request.user, programme=programme, **form.cleaned_data
            ),
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(programme.get_absolute_url())


# --- Audits ------------------------------------------------------------------


@permission_required("audits.view_audit", raise_exception=True)
def audit_list(request):
    status = request.GET.get("status", "")
    if status not in AuditStatus.values:
        status = ""
    q = request.GET.get("q", "").strip()[:100]
    audits = selectors.audit_list(user=request.user, status=status, q=q).order_by(
        "-start_date", "-pk"
    )
    return render(
        request,
        "audits/audit_list.html",
        {
            "page_obj": Paginator(audits, PAGE_SIZE).get_page(request.GET.get("page")),
            "status": status,
            "statuses": AuditStatus.choices,
            "q": q,
        },
    )


@permission_required("audits.add_audit", raise_exception=True)
def audit_create(request, year: int):
    programme = get_object_or_404(AuditProgramme, year=year)
    initial = {"planned": programme.is_editable}
    form = forms.AuditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            audit = services.audit_create(
                actor=request.user, programme=programme, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request, _("The audit was planned; its checklist is ready.")
            )
            return redirect(audit.get_absolute_url())
    return render(
        request, "audits/audit_form.html", {"form": form, "programme": programme}
    )


def _audit_for(request, pk: int) -> Audit:
    try:
        audit = selectors.audit_detail(pk)
    except Audit.DoesNotExist as error:
        raise Http404 from error
    if not (
        can(request.user, "view", audit) or services.may_work_on(request.user, audit)
    ):
        raise Http404
    return audit


def audit_detail(request, pk: int):
    audit = _audit_for(request, pk)
    from sapat.signing.selectors import pdfs_of
    from sapat.signing.services import manifest

    checklist = list(
        audit.checklist.select_related("clause", "process").order_by("order", "pk")
    )
    may_work = services.may_work_on(request.user, audit)
    return render(
        request,
        "audits/audit_detail.html",
        {
            "object": audit,
            "checklist": checklist,
            "may_work": may_work,
            "is_lead": request.user.pk == audit.lead_auditor_id,
            "finding_form": forms.FindingForm(audit=audit),
            "report_form": forms.ReportForm(initial={"conclusion": audit.conclusion}),
            "cancel_form": forms.CancelForm(),
            "answer_choices": forms.AnswerForm().fields["answer"].choices,
            "unanswered": sum(1 for i in checklist if i.mandatory and not i.answer),
            "signatures": manifest(audit),
            "pdfs": list(pdfs_of(audit)),
        },
    )


@require_POST
def audit_send_plan(request, pk: int):
    audit = _audit_for(request, pk)
    _post_action(
        request,
        audit,
        lambda: services.audit_send_plan(actor=request.user, audit=audit),
    )
    return redirect(audit.get_absolute_url())


@require_POST
def audit_start(request, pk: int):
    audit = _audit_for(request, pk)
    _post_action(
        request, audit, lambda: services.audit_start(actor=request.user, audit=audit)
    )
    return redirect(audit.get_absolute_url())


@require_POST
def audit_cancel(request, pk: int):
    audit = _audit_for(request, pk)
    form = forms.CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _post_action(
        request,
        audit,
        lambda: services.audit_cancel(actor=request.user, audit=audit, reason=reason),
    )
    return redirect(audit.get_absolute_url())


@require_POST
def checklist_answer(request, pk: int):
    item = get_object_or_404(ChecklistItem.objects.select_related("audit"), pk=pk)
    audit = _audit_for(request, item.audit_id)
    form = forms.AnswerForm(request.POST)
    if form.is_valid():
        _post_action(
            request,
            audit,
            lambda: services.checklist_answer(
                actor=request.user, item=item, **form.cleaned_data
            ),
        )
    return redirect(audit.get_absolute_url() + f"#item-{item.pk}")


@require_POST
def finding_add(request, pk: int):
    audit = _audit_for(request, pk)
    form = forms.FindingForm(request.POST, audit=audit)
    if form.is_valid():
        try:
            finding = services.finding_add(
                actor=request.user, audit=audit, **form.cleaned_data
            )
        except ValidationError as error:
            _error_messages(request, error)
        else:
            if finding.nonconformity_id:
                messages.success(
                    request,
                    _("The finding was recorded; CAPA nonconformity %(code)s raised.")
                    % {"code": finding.nonconformity.code},
                )
            else:
                messages.success(request, _("The finding was recorded."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(audit.get_absolute_url() + "#findings")


@require_POST
def audit_report(request, pk: int):
    audit = _audit_for(request, pk)
    form = forms.ReportForm(request.POST)
    if form.is_valid():
        try:
            services.audit_sign_report(
                actor=request.user,
                audit=audit,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("The report was signed; its PDF is prepared."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(audit.get_absolute_url())


# --- Management review -------------------------------------------------------


@permission_required("audits.view_managementreview", raise_exception=True)
def review_list(request):
    reviews = selectors.review_list(user=request.user)
    today = timezone.localdate()
    return render(
        request,
        "audits/review_list.html",
        {
            "page_obj": Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page")),
            "staff_week": services.last_working_week_start(today.year),
        },
    )


@permission_required("audits.add_managementreview", raise_exception=True)
def review_create(request):
    today = timezone.localdate()
    form = forms.ReviewForm(
        request.POST or None,
        initial={
            "kind": request.GET.get("kind", ReviewKind.OPERATIONAL),
            "year": today.year,
            "month": today.month,
            "date": today,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The review was planned."))
            return redirect(review.get_absolute_url())
    return render(request, "audits/review_form.html", {"form": form})


@permission_required("audits.view_managementreview", raise_exception=True)
def review_detail(request, pk: int):
    review = get_object_or_404(
        selectors.review_list(user=request.user).select_related("self_assessment"),
        pk=pk,
    )
    decisions = list(
        review.decisions.select_related("owner", "capa_action", "change_request")
    )
    return render(
        request,
        "audits/review_detail.html",
        {
            "object": review,
            "decisions": decisions,
            "hold_form": forms.HoldForm(
                initial={"minutes": review.minutes, "participants": review.participants}
            ),
            "decision_form": forms.DecisionForm(),
            "can_change": request.user.has_perm("audits.change_managementreview"),
        },
    )


@permission_required("audits.view_managementreview", raise_exception=True)
def review_inputs(request, pk: int):
    review = get_object_or_404(selectors.review_list(user=request.user), pk=pk)
    period = Period(review.year, review.month)
    return render(
        request,
        "audits/review_inputs.html",
        {"object": review, "period": period, "sections": compile_inputs(period)},
    )


@require_POST
@permission_required("audits.change_managementreview", raise_exception=True)
def review_hold(request, pk: int):
    review = get_object_or_404(ManagementReview, pk=pk)
    form = forms.HoldForm(request.POST)
    if form.is_valid():
        _post_action(
            request,
            review,
            lambda: services.review_hold(
                actor=request.user, review=review, **form.cleaned_data
            ),
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(review.get_absolute_url())


@require_POST
@permission_required("audits.change_managementreview", raise_exception=True)
def review_close(request, pk: int):
    review = get_object_or_404(ManagementReview, pk=pk)
    _post_action(
        request,
        review,
        lambda: services.review_close(actor=request.user, review=review),
    )
    return redirect(review.get_absolute_url())


@require_POST
@permission_required("audits.add_reviewdecision", raise_exception=True)
def decision_add(request, pk: int):
    review = get_object_or_404(ManagementReview, pk=pk)
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        _post_action(
            request,
            review,
            lambda: services.decision_add(
                actor=request.user, review=review, **form.cleaned_data
            ),
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(review.get_absolute_url() + "#decisions")


def _decision(request, pk: int) -> ReviewDecision:
    decision = get_object_or_404(
        ReviewDecision.objects.select_related("review", "owner"), pk=pk
    )
    if not (
        services.may_complete(request.user, decision)
        or can(request.user, "view", decision.review)
    ):
        raise Http404
    return decision


def decision_detail(request, pk: int):
    decision = _decision(request, pk)
    return render(
        request,
        "audits/decision_detail.html",
        {
            "object": decision,
            "done_form": forms.DecisionDoneForm(),
            "action_form": forms.DecisionActionForm(
                initial={"check_due": decision.due_date}
            ),
            "manual_form": forms.ManualReviewForm(),
            "may_complete": services.may_complete(request.user, decision),
            "can_change": request.user.has_perm("audits.change_reviewdecision"),
        },
    )


@require_POST
def decision_move(request, pk: int, status: str):
    decision = _decision(request, pk)
    if status not in DecisionStatus.values:
        raise Http404
    form = forms.DecisionDoneForm(request.POST)
    result = form.cleaned_data["result"] if form.is_valid() else ""
    try:
        services.decision_move(
            actor=request.user, decision=decision, status=status, result=result
        )
    except PermissionDenied:
        raise
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("Saved."))
    return redirect("audits:decision_detail", pk=decision.pk)


@require_POST
@permission_required("audits.change_reviewdecision", raise_exception=True)
def decision_action(request, pk: int):
    decision = _decision(request, pk)
    form = forms.DecisionActionForm(request.POST)
    if form.is_valid():
        _post_action(
            request,
            decision,
            lambda: services.decision_raise_action(
                actor=request.user, decision=decision, **form.cleaned_data
            ),
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("audits:decision_detail", pk=decision.pk)


@require_POST
@permission_required("audits.change_reviewdecision", raise_exception=True)
def decision_manual(request, pk: int):
    decision = _decision(request, pk)
    form = forms.ManualReviewForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _post_action(
        request,
        decision,
        lambda: services.decision_request_manual_review(
            actor=request.user, decision=decision, reason=reason
        ),
    )
    return redirect("audits:decision_detail", pk=decision.pk)


def decision_list(request):
    status = request.GET.get("status", DecisionStatus.OPEN)
    if status not in DecisionStatus.values:
        status = ""
    decisions = selectors.decision_list(user=request.user, status=status)
    return render(
        request,
        "audits/decision_list.html",
        {
            "page_obj": Paginator(decisions, PAGE_SIZE).get_page(
                request.GET.get("page")
            ),
            "status": status,
            "statuses": DecisionStatus.choices,
            "today": timezone.localdate(),
        },
    )


# --- General staff meeting ---------------------------------------------------


@permission_required("audits.view_staffmeeting", raise_exception=True)
def meeting_list(request):
    meetings = StaffMeeting.objects.all()
    return render(
        request,
        "audits/meeting_list.html",
        {
            "page_obj": Paginator(meetings, PAGE_SIZE).get_page(
                request.GET.get("page")
            ),
            "staff_week": services.last_working_week_start(timezone.localdate().year),
        },
    )


def _meeting_form_view(request, meeting=None):
    if meeting is None:
        if not request.user.has_perm("audits.add_staffmeeting"):
            raise PermissionDenied
        year = timezone.localdate().year
        initial = {"year": year, "date": services.last_working_week_start(year)}
    else:
        if not request.user.has_perm("audits.change_staffmeeting"):
            raise PermissionDenied
        initial = {
            f: getattr(meeting, f)
            for f in ("year", "date", "results", "objectives", "plans", "minutes")
        }
    form = forms.MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.meeting_save(
                actor=request.user, meeting=meeting, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(saved.get_absolute_url())
    return render(
        request, "audits/meeting_form.html", {"form": form, "object": meeting}
    )


def meeting_create(request):
    return _meeting_form_view(request)


def meeting_edit(request, pk: int):
    return _meeting_form_view(request, get_object_or_404(StaffMeeting, pk=pk))


@permission_required("audits.view_staffmeeting", raise_exception=True)
def meeting_detail(request, pk: int):
    return render(
        request,
        "audits/meeting_detail.html",
        {"object": get_object_or_404(StaffMeeting, pk=pk)},
    )


# --- Self-assessment ---------------------------------------------------------


@permission_required("audits.view_selfassessment", raise_exception=True)
def assessment_list(request):
    year = timezone.localdate().year
    return render(
        request,
        "audits/assessment_list.html",
        {
            "assessments": SelfAssessment.objects.all(),
            "comparison": selectors.assessment_comparison(),
            "criteria": Criterion.objects.filter(active=True).select_related("clause"),
            "form": forms.AssessmentForm(
                initial={
                    "year": year,
                    "due_date": services.last_working_week_start(year)
                    - timezone.timedelta(days=21),
                }
            ),
        },
    )


@require_POST
@permission_required("audits.add_selfassessment", raise_exception=True)
def assessment_create(request):
    form = forms.AssessmentForm(request.POST)
    if form.is_valid():
        try:
            assessment = services.assessment_create(
                actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _error_messages(request, error)
        else:
            return redirect(assessment.get_absolute_url())
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("audits:assessment_list")


@require_POST
@permission_required("audits.add_criterion", raise_exception=True)
def criteria_seed(request):
    added = services.criteria_seed(actor=request.user)
    messages.success(request, _("%(count)s criteria were added.") % {"count": added})
    return redirect("audits:assessment_list")


@permission_required("audits.view_selfassessment", raise_exception=True)
def assessment_detail(request, year: int):
    assessment = get_object_or_404(SelfAssessment, year=year)
    scores = list(
        assessment.scores.select_related("criterion", "criterion__clause", "action")
    )
    return render(
        request,
        "audits/assessment_detail.html",
        {
            "object": assessment,
            "scores": scores,
            "can_change": request.user.has_perm("audits.change_selfassessment")
            and assessment.is_editable,
            "action_form": forms.ScoreActionForm(),
        },
    )


@permission_required("audits.change_selfassessment", raise_exception=True)
def score_edit(request, pk: int):
    score = get_object_or_404(
        Score.objects.select_related("assessment", "criterion"), pk=pk
    )
    form = forms.ScoreForm(
        request.POST or None,
        initial={
            "value": score.score,
            "evidence": score.evidence,
            "strengths": score.strengths,
            "improvements": score.improvements,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.score_update(actor=request.user, score=score, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(score.assessment.get_absolute_url())
    return render(request, "audits/score_form.html", {"form": form, "object": score})


@require_POST
@permission_required("audits.change_selfassessment", raise_exception=True)
def score_action(request, pk: int):
    score = get_object_or_404(Score.objects.select_related("assessment"), pk=pk)
    form = forms.ScoreActionForm(request.POST)
    if form.is_valid():
        _post_action(
            request,
            score,
            lambda: services.score_raise_action(
                actor=request.user, score=score, **form.cleaned_data
            ),
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(score.assessment.get_absolute_url())
