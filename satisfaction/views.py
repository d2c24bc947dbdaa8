"""Pages of customer satisfaction: the public ones and the intranet's.

Public pages (no login, ``sapat.public``): the feedback form, the status of a
tracking code, the published questions and answers, a survey by its link.
They work without JavaScript, are rate-limited per IP address and show every
text escaped. Intranet: the inbox, an item with its replies and triage,
registration of letters and e-mails, questionnaires, surveys, the summary.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from sapat.downloads import attachment
from sapat.forms import errors_to_form

from . import selectors, services
from .charts import bar_chart_svg
from .forms import (
    AssignForm,
    CodeForm,
    FeedbackForm,
    MoveForm,
    NoteForm,
    PublishForm,
    QuestionForm,
    QuestionnaireForm,
    RegisterForm,
    ReplyForm,
    SatisfiedForm,
    SurveyForm,
    TriageForm,
    answer_form,
)
from .models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Attachment,
    Category,
    Kind,
    Question,
    Questionnaire,
    Status,
    Survey,
)

PAGE_SIZE = 25


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _limited(request, group: str, rates: list[str]) -> bool:
    """Count this POST against every rate; True when one is exceeded."""
    hits = [
        is_ratelimited(
            request, group=group, key="ip", rate=rate, method="POST", increment=True
        )
        for rate in rates
    ]
    return any(hits)


def _too_many(request):
    response = render(request, "satisfaction/too_many.html", status=429)
    response["Retry-After"] = "60"
    return response


def _feedback_rates() -> list[str]:
    return [settings.SATISFACTION_RATE_MINUTE, settings.SATISFACTION_RATE_HOUR]


# --- Public pages -------------------------------------------------------------------


@login_not_required
@never_cache
def feedback_form(request):
    """The public feedback form (§7.2.3): the code is shown on success."""
    if request.method == "POST":
        if _limited(request, "satisfaction.feedback", _feedback_rates()):
            return _too_many(request)
        form = FeedbackForm(request.POST, request.FILES)
        if form.is_spam:
            # Bots get what looks like success and nothing is kept.
            fake = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            return render(
                request,
                "satisfaction/feedback_sent.html",
                {"code": services.display_code(fake), "email": ""},
            )
        if form.is_valid():
            data = form.cleaned_data
            try:
                feedback = services.feedback_submit(
                    kind=data["kind"],
                    text=data["text"],
                    consent=data["consent"],
                    name=data["name"],
                    organisation=data["organisation"],
                    email=data["email"],
                    phone=data["phone"],
                    reference=data["reference"],
                    may_publish=data["may_publish"],
                    files=data["files"],
                    language=translation.get_language() or "",
                )
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                return render(
                    request,
                    "satisfaction/feedback_sent.html",
                    {
                        "code": services.display_code(feedback.code),
                        "email": feedback.email,
                    },
                )
    else:
        kind = request.GET.get("kind")
        form = FeedbackForm(initial={"kind": kind if kind in Kind.values else ""})
    return render(request, "satisfaction/feedback_form.html", {"form": form})


def _status_page(request, form, feedback, *, not_found=False, status=200):
    return render(
        request,
        "satisfaction/feedback_status.html",
        {
            "form": form,
            "feedback": feedback,
            "not_found": not_found,
            "code": services.display_code(feedback.code) if feedback else "",
            "satisfied_form": SatisfiedForm(initial={"code": feedback.code})
            if feedback
            else None,
        },
        status=status,
    )


@login_not_required
@never_cache
def feedback_status(request):
    """The status and public replies of a code; codes go by POST, never in
    the address (so they stay out of logs and referrers). Anything that is
    not a known code is "not found", however malformed."""
    if request.method != "POST":
        return _status_page(request, CodeForm(), None)
    if _limited(request, "satisfaction.lookup", [settings.SATISFACTION_LOOKUP_RATE]):
        return _too_many(request)
    form = CodeForm(request.POST)
    feedback = selectors.feedback_by_code(request.POST.get("code", ""))
    if feedback is None:
        return _status_page(request, CodeForm(), None, not_found=True)
    action = request.POST.get("action", "")
    try:
        if action == "satisfied":
            answer = SatisfiedForm(request.POST)
            if answer.is_valid():
                feedback = services.feedback_satisfaction(
                    feedback=feedback, satisfied=answer.cleaned_data["satisfied"]
                )
                messages.success(request, _("Thank you for your answer."))
        elif action == "anonymise":
            feedback = services.feedback_anonymise_request(feedback=feedback)
            messages.success(
                request, _("Your contact details were removed from our records.")
            )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    if action:
        feedback = selectors.feedback_by_code(feedback.code)
    return _status_page(request, form, feedback)


@login_not_required
def feedback_questions(request):
    """The manual's "forum": questions answered and published by staff."""
    return render(
        request,
        "satisfaction/questions_public.html",
        {"page_obj": _page(request, selectors.published_questions())},
    )


@login_not_required
@never_cache
def survey_answer(request, token: str):
    """A survey by its single-use link; used or expired links say so."""
    invitation = services.invitation_for(token)
    if invitation is None:
        return render(request, "satisfaction/survey_invalid.html", status=404)
    survey = invitation.survey
    questions = list(survey.questionnaire.questions.all())
    named = not survey.anonymous
    if request.method == "POST":
        if _limited(request, "satisfaction.survey", _feedback_rates()):
            return _too_many(request)
        form = answer_form(questions, named=named, data=request.POST)
        if form.is_valid():
            answers = {
                str(q.pk): form.cleaned_data.get(f"q{q.pk}", "") for q in questions
            }
            try:
                services.survey_answer(
                    token=token,
                    answers=answers,
                    respondent=form.cleaned_data.get("respondent", ""),
                )
            except ValidationError as error:
                if getattr(error, "code", None) == "invalid":
                    return render(
                        request, "satisfaction/survey_invalid.html", status=404
                    )
                errors_to_form(form, error)
            else:
                return render(request, "satisfaction/survey_thanks.html")
    else:
        form = answer_form(questions, named=named)
        if named:
            form.fields["respondent"].initial = invitation.name
    return render(
        request,
        "satisfaction/survey_form.html",
        {"form": form, "survey": survey, "questionnaire": survey.questionnaire},
    )


# --- Intranet: overview and inbox ---------------------------------------------------


def _require_inbox(request) -> None:
    if not selectors.may_see_inbox(request.user):
        raise PermissionDenied


def index(request):
    """Counts of the inbox, the newest items, links to surveys and summary."""
    user = request.user
    inbox = selectors.may_see_inbox(user)
    surveys = user.has_perm("satisfaction.view_survey")
    if not (inbox or surveys or user.has_perm("satisfaction.add_feedback")):
        raise PermissionDenied
    return render(
        request,
        "satisfaction/index.html",
        {
            "inbox": inbox,
            "counts": selectors.inbox_counts(user=user) if inbox else None,
            "latest": list(selectors.feedback_list(user=user)[:8]) if inbox else [],
            "mine": list(selectors.feedback_list(user=user, mine=True, open_only=True)),
            "surveys": list(selectors.survey_list(user=user)[:5]),
        },
    )


def feedback_list(request):
    _require_inbox(request)
    get = request.GET
    queryset = selectors.feedback_list(
        user=request.user,
        q=get.get("q", ""),
        status=get.get("status", ""),
        kind=get.get("kind", ""),
        open_only=get.get("open") == "1",
        overdue=get.get("overdue") == "1",
        mine=get.get("mine") == "1",
    )
    return render(
        request,
        "satisfaction/feedback_list.html",
        {
            "page_obj": _page(request, queryset),
            "statuses": Status.choices,
            "kinds": Kind.choices,
            "today": timezone.localdate(),
        },
    )


def feedback_register(request):
    if not request.user.has_perm("satisfaction.add_feedback"):
        raise PermissionDenied
    form = RegisterForm(
        request.POST or None,
        request.FILES or None,
        initial={"received_on": timezone.localdate(), "kind": Kind.COMPLAINT},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            feedback = services.feedback_register(actor=request.user, **data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                _("Registered with the tracking code %(code)s.")
                % {"code": services.display_code(feedback.code)},
            )
            if (
                selectors.visible_feedback(user=request.user)
                .filter(pk=feedback.pk)
                .exists()
            ):
                return redirect(feedback.get_absolute_url())
            return redirect("satisfaction:index")
    return render(request, "satisfaction/feedback_form_staff.html", {"form": form})


def _feedback(request, pk: int):
    feedback = selectors.feedback_detail(user=request.user, pk=pk)
    if feedback is None:
        raise Http404
    return feedback


def feedback_detail(request, pk: int, forms: dict | None = None, status: int = 200):
    feedback = _feedback(request, pk)
    user = request.user
    handle = services.may_handle(user, feedback)
    context = {
        "object": feedback,
        "feedback": feedback,
        "code": services.display_code(feedback.code),
        "handle": handle,
        "moves": [
            (s, Status(s).label)
            for s in sorted(feedback.transitions.get(feedback.status, ()))
            if s != Status.ANSWERED
        ]
        if handle
        else [],
        "reply_form": ReplyForm(),
        "note_form": NoteForm(),
        "assign_form": AssignForm(initial={"assignee": feedback.assignee_id}),
        "publish_form": PublishForm(
            initial={"public_question": feedback.public_question or feedback.text}
        ),
        "may_assign": user.has_perm("satisfaction.change_feedback")
        or (feedback.for_director and user.has_perm("satisfaction.handle_complaint")),
        "may_triage": user.has_perm("satisfaction.triage_feedback"),
        "may_publish": user.has_perm("satisfaction.publish_feedback")
        and feedback.kind == Kind.QUESTION
        and feedback.may_publish,
        "today": timezone.localdate(),
        **(forms or {}),
    }
    return render(request, "satisfaction/feedback_detail.html", context, status=status)


def _post_step(request, pk: int, form_class, name: str, call):
    """A step on the detail page: validate, call the service, report."""
    feedback = _feedback(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(feedback, form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(feedback.get_absolute_url())
    return feedback_detail(request, pk, {name: form}, status=400)


@require_POST
def feedback_reply(request, pk: int):
    return _post_step(
        request,
        pk,
        ReplyForm,
        "reply_form",
        lambda f, d: services.feedback_reply(
            actor=request.user, feedback=f, text=d["text"], close=d["close"]
        ),
    )


@require_POST
def feedback_note(request, pk: int):
    return _post_step(
        request,
        pk,
        NoteForm,
        "note_form",
        lambda f, d: services.feedback_note(
            actor=request.user, feedback=f, text=d["text"]
        ),
    )


@require_POST
def feedback_assign(request, pk: int):
    return _post_step(
        request,
        pk,
        AssignForm,
        "assign_form",
        lambda f, d: services.feedback_assign(
            actor=request.user, feedback=f, assignee=d["assignee"]
        ),
    )


@require_POST
def feedback_move(request, pk: int):
    feedback = _feedback(request, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_move(
                actor=request.user,
                feedback=feedback,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Saved."))
    return redirect(feedback.get_absolute_url())


@require_POST
def feedback_publish(request, pk: int):
    publish = request.POST.get("publish", "1") == "1"
    if not publish:
        feedback = _feedback(request, pk)
        services.feedback_publish(
            actor=request.user, feedback=feedback, question="", publish=False
        )
        messages.success(request, _("Withdrawn from publication."))
        return redirect(feedback.get_absolute_url())
    return _post_step(
        request,
        pk,
        PublishForm,
        "publish_form",
        lambda f, d: services.feedback_publish(
            actor=request.user, feedback=f, question=d["public_question"]
        ),
    )


def feedback_triage(request, pk: int):
    """The weekly review of one item: category, owner, nonconformity."""
    if not request.user.has_perm("satisfaction.triage_feedback"):
        raise PermissionDenied
    feedback = _feedback(request, pk)
    initial = {
        "category": feedback.category or Category.OTHER,
        "assignee": feedback.assignee_id,
        "project": feedback.project_id,
        "is_nonconformity": feedback.is_nonconformity,
    }
    form = TriageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.feedback_triage(
                actor=request.user,
                feedback=feedback,
                category=data["category"],
                assignee=data["assignee"],
                project=data.get("project"),
                is_nonconformity=data["is_nonconformity"],
                severity=data["severity"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Triaged."))
            return redirect(feedback.get_absolute_url())
    return render(
        request,
        "satisfaction/feedback_triage.html",
        {"form": form, "object": feedback, "feedback": feedback},
    )


def attachment_download(request, pk: int):
    """Attachments go to staff who may see the item, always as downloads."""
    stored = get_object_or_404(Attachment.objects.select_related("feedback"), pk=pk)
    if (
        not selectors.visible_feedback(user=request.user)
        .filter(pk=stored.feedback_id)
        .exists()
    ):
        raise Http404
    content_type = {
        "pdf": "application/pdf",
        "jpeg": "image/jpeg",
        "png": "image/png",
    }.get(stored.file_type, "application/octet-stream")
    return attachment(stored.file, filename=stored.name, content_type=content_type)


# --- Questionnaires and surveys -----------------------------------------------------


def questionnaire_list(request):
    if not request.user.has_perm("satisfaction.view_questionnaire"):
        raise PermissionDenied
    queryset = Questionnaire.objects.annotate(
        question_count=Count("questions", distinct=True),
        survey_count=Count("surveys", distinct=True),
    ).order_by("title", "id")
    return render(
        request,
        "satisfaction/questionnaire_list.html",
        {"page_obj": _page(request, queryset)},
    )


def questionnaire_create(request):
    if not request.user.has_perm("satisfaction.add_questionnaire"):
        raise PermissionDenied
    form = QuestionnaireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            questionnaire = services.questionnaire_save(
                actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(questionnaire.get_absolute_url())
    return render(request, "satisfaction/questionnaire_form.html", {"form": form})


def questionnaire_detail(request, pk: int):
    if not request.user.has_perm("satisfaction.view_questionnaire"):
        raise PermissionDenied
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    form = QuestionForm(request.POST or None)
    edit = QuestionnaireForm(instance=questionnaire)
    if request.method == "POST":
        if not request.user.has_perm("satisfaction.change_questionnaire"):
            raise PermissionDenied
        if request.POST.get("action") == "edit":
            edit = QuestionnaireForm(request.POST, instance=Questionnaire(pk=pk))
            form = QuestionForm()
            if edit.is_valid():
                try:
                    services.questionnaire_save(
                        actor=request.user,
                        questionnaire=questionnaire,
                        **edit.cleaned_data,
                    )
                except ValidationError as error:
                    errors_to_form(edit, error)
                else:
                    messages.success(request, _("Saved."))
                    return redirect(questionnaire.get_absolute_url())
        elif request.POST.get("action") == "delete":
            question = get_object_or_404(
                Question,
                pk=request.POST.get("question", "0") or 0,
                questionnaire=questionnaire,
            )
            try:
                services.question_delete(actor=request.user, question=question)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            return redirect(questionnaire.get_absolute_url())
        elif form.is_valid():
            try:
                services.question_add(
                    actor=request.user,
                    questionnaire=questionnaire,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(request, _("Question added."))
                return redirect(questionnaire.get_absolute_url())
    return render(
        request,
        "satisfaction/questionnaire_detail.html",
        {
            "object": questionnaire,
            "questions": list(questionnaire.questions.all()),
            "form": form,
            "edit_form": edit,
        },
    )


def survey_list(request):
    if not request.user.has_perm("satisfaction.view_survey"):
        raise PermissionDenied
    return render(
        request,
        "satisfaction/survey_list.html",
        {"page_obj": _page(request, selectors.survey_list(user=request.user))},
    )


def survey_create(request):
    if not request.user.has_perm("satisfaction.add_survey"):
        raise PermissionDenied
    initial = {
        "expires_on": timezone.localdate()
        + timedelta(days=settings.SATISFACTION_SURVEY_DAYS)
    }
    form = SurveyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = services.survey_send(
                actor=request.user,
                questionnaire=data["questionnaire"],
                title=data["title"],
                recipients=data["recipients"],
                anonymous=data["anonymous"],
                seminar_reference=data["seminar_reference"],
                expires_on=data["expires_on"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The survey was sent."))
            return redirect(survey.get_absolute_url())
    return render(request, "satisfaction/survey_create.html", {"form": form})


def _chart(result) -> str:
    return bar_chart_svg(
        [(label, count) for label, count in result.distribution],
        title=result.question.text,
    )


def survey_detail(request, pk: int):
    if not request.user.has_perm("satisfaction.view_survey"):
        raise PermissionDenied
    survey = get_object_or_404(
        Survey.objects.select_related("questionnaire", "project", "created_by"), pk=pk
    )
    results = selectors.survey_results(survey)
    for result in results.questions:
        result.chart = _chart(result) if result.distribution else ""
    return render(
        request,
        "satisfaction/survey_detail.html",
        {"object": survey, "results": results},
    )


def summary(request):
    """The year's figures for the management review (§8.2.1)."""
    if not request.user.has_perm("satisfaction.view_survey"):
        raise PermissionDenied
    years = selectors.year_choices()
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and int(raw) in years else years[0]
    data = selectors.satisfaction_summary(year)
    months = [(f"{month:02d}.{year}", value) for month, value in data["monthly"]]
    kinds = dict(Kind.choices)
    return render(
        request,
        "satisfaction/summary.html",
        {
            "data": data,
            "years": years,
            "year": year,
            "kinds": [(kinds[k], n) for k, n in data["feedback_by_kind"]],
            "monthly_chart": bar_chart_svg(
                months, title=_("Satisfaction index by month"), maximum=100
            ),
        },
    )
