"""Pages of corporate training (ПК-03), and the participants' evaluation."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sapat.forms import errors_to_form, save_form
from sapat.signing.models import SignedPDF

from ..forms import seminars as forms
from ..models.seminars import (
    Certificate,
    Handout,
    MemoStatus,
    Participant,
    Programme,
    RequestStatus,
    Seminar,
    SeminarDay,
    SeminarStatus,
    SeminarTest,
    ServiceMemo,
    Topic,
    TrainingRequest,
)
from ..selectors import seminars as selectors
from ..services import seminars as services

PAGE_SIZE = 25


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _messages_from(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Requests ---------------------------------------------------------------------


@permission_required("training.view_trainingrequest", raise_exception=True)
def request_list(request):
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    requests = selectors.request_list(user=request.user, q=q, status=status)
    return render(
        request,
        "training/seminars/request_list.html",
        {
            "page_obj": _page(request, requests),
            "q": q,
            "status": status,
            "statuses": RequestStatus.choices,
        },
    )


@permission_required("training.view_trainingrequest", raise_exception=True)
def request_detail(request, pk: int):
    training_request = get_object_or_404(
        selectors.request_list(user=request.user), pk=pk
    )
    return render(
        request,
        "training/seminars/request_detail.html",
        {
            "object": training_request,
            "programmes": training_request.programmes.all(),
            "seminars": training_request.seminars.all(),
        },
    )


@permission_required("training.add_trainingrequest", raise_exception=True)
def request_create(request):
    form = forms.RequestForm(
        request.POST or None, initial={"received_on": timezone.localdate()}
    )

    def save(data):
        return services.request_create(actor=request.user, **data)

    return save_form(
        request, form, save, template="training/seminars/request_form.html"
    )


@permission_required("training.change_trainingrequest", raise_exception=True)
def request_edit(request, pk: int):
    training_request = get_object_or_404(TrainingRequest, pk=pk)
    form = forms.RequestForm(request.POST or None, instance=training_request)

    def save(data):
        return services.request_update(
            actor=request.user, training_request=training_request, **data
        )

    return save_form(
        request,
        form,
        save,
        template="training/seminars/request_form.html",
        context={"object": training_request},
    )


@require_POST
@permission_required("training.change_trainingrequest", raise_exception=True)
def request_decide(request, pk: int):
    training_request = get_object_or_404(TrainingRequest, pk=pk)
    try:
        services.request_decide(
            actor=request.user,
            training_request=training_request,
            accept=request.POST.get("accept") == "1",
        )
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("Saved."))
    return redirect(training_request.get_absolute_url())


# --- Indicative plans -------------------------------------------------------------


@permission_required("training.view_indicativeplan", raise_exception=True)
def indicative_plan_list(request):
    form = forms.PlanForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("training.add_indicativeplan"):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.indicative_plan_save(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("training:indicative_plan_list")
    return render(
        request,
        "training/seminars/indicative_plan_list.html",
        {
            "page_obj": _page(request, selectors.plan_list(user=request.user)),
            "form": form,
        },
    )


# --- Programmes -------------------------------------------------------------------


@permission_required("training.view_programme", raise_exception=True)
def programme_list(request):
    q = request.GET.get("q", "").strip()
    programmes = selectors.programme_list(user=request.user, q=q)
    return render(
        request,
        "training/seminars/programme_list.html",
        {"page_obj": _page(request, programmes), "q": q},
    )


@permission_required("training.view_programme", raise_exception=True)
def programme_detail(request, pk: int):
    programme = get_object_or_404(Programme, pk=pk)
    return render(
        request,
        "training/seminars/programme_detail.html",
        {
            "object": programme,
            "topics": programme.topics.select_related("trainer"),
            "trainers": programme.trainers.all(),
            "topic_form": forms.TopicForm(programme=programme),
            "verify_form": forms.VerifyForm(),
            "is_trainer": programme.trainers.filter(expert__user=request.user).exists(),
            "seminars": programme.seminars.all(),
        },
    )


@permission_required("training.add_programme", raise_exception=True)
def programme_create(request):
    form = forms.ProgrammeCreateForm(
        request.POST or None, initial={"request": request.GET.get("request")}
    )

    def save(data):
        return services.programme_create(
            actor=request.user,
            title=data["title"],
            aims=data["aims"],
            request=data["request"],
            trainers=data["trainers"],
            document=data["document"],
        )

    return save_form(
        request, form, save, template="training/seminars/programme_form.html"
    )


@permission_required("training.change_programme", raise_exception=True)
def programme_edit(request, pk: int):
    programme = get_object_or_404(Programme, pk=pk)
    form = forms.ProgrammeForm(request.POST or None, instance=programme)

    def save(data):
        return services.programme_update(
            actor=request.user,
            programme=programme,
            title=data["title"],
            aims=data["aims"],
            trainers=data["trainers"],
        )

    return save_form(
        request,
        form,
        save,
        template="training/seminars/programme_form.html",
        context={"object": programme},
    )


@require_POST
@permission_required("training.change_programme", raise_exception=True)
def topic_add(request, pk: int):
    programme = get_object_or_404(Programme, pk=pk)
    form = forms.TopicForm(request.POST, programme=programme)
    if form.is_valid():
        try:
            services.topic_add(
                actor=request.user, programme=programme, **form.cleaned_data
            )
        except ValidationError as error:
            _messages_from(request, error)
        else:
            messages.success(request, _("Topic added."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(programme.get_absolute_url())


@require_POST
@permission_required("training.change_programme", raise_exception=True)
def topic_remove(request, pk: int):
    topic = get_object_or_404(Topic, pk=pk)
    try:
        services.topic_remove(actor=request.user, topic=topic)
    except ValidationError as error:
        _messages_from(request, error)
    return redirect(topic.programme.get_absolute_url())


@require_POST
@permission_required("training.view_programme", raise_exception=True)
def programme_verify(request, pk: int):
    programme = get_object_or_404(Programme, pk=pk)
    form = forms.VerifyForm(request.POST)
    if form.is_valid():
        try:
            services.programme_verify(
                actor=request.user,
                programme=programme,
                password=form.cleaned_data["password"],
                request=request,
            )
        except ValidationError as error:
            _messages_from(request, error)
        else:
            messages.success(request, _("Programme verified and signed."))
    return redirect(programme.get_absolute_url())


# --- Seminars -------------------------------------------------------------------


@permission_required("training.view_seminar", raise_exception=True)
def seminar_list(request):
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    phase = request.GET.get("phase", "")
    seminars = selectors.seminar_list(
        user=request.user, q=q, status=status, phase=phase
    )
    return render(
        request,
        "training/seminars/seminar_list.html",
        {
            "page_obj": _page(request, seminars),
            "q": q,
            "status": status,
            "phase": phase,
            "statuses": SeminarStatus.choices,
        },
    )


@permission_required("training.view_seminar", raise_exception=True)
def seminar_calendar(request):
    return render(
        request,
        "training/seminars/seminar_calendar.html",
        {"groups": selectors.calendar(user=request.user)},
    )


def _seminar(request, pk: int) -> Seminar:
    try:
        return selectors.seminar_detail(user=request.user, pk=pk)
    except Seminar.DoesNotExist as exc:
        raise Http404 from exc


@permission_required("training.view_seminar", raise_exception=True)
def seminar_detail(request, pk: int):
    seminar = _seminar(request, pk)
    user = request.user
    is_trainer = services.is_trainer_of(user, seminar)
    certificates = Certificate.objects.filter(participant__seminar=seminar)
    ready = SignedPDF.objects.filter(
        content_type=ContentType.objects.get_for_model(Certificate),
        object_id__in=certificates.values("pk"),
        status=SignedPDF.Status.READY,
        superseded_by__isnull=True,
    )
    return render(
        request,
        "training/seminars/seminar_detail.html",
        {
            "object": seminar,
            "is_trainer": is_trainer,
            "progress": selectors.programme_progress(seminar),
            "days": selectors.seminar_days(seminar),
            "participants": selectors.participants_of(seminar),
            "print_order": services.print_order(seminar),
            "handouts": seminar.handouts.select_related("document", "revision"),
            "memos": ServiceMemo.objects.filter(handout__seminar=seminar)
            .select_related("handout__document", "author", "decided_by")
            .order_by("-created_at"),
            "tests": seminar.tests.all(),
            "marks": services.trainer_marks(seminar),
            "reviews": seminar.reviews.select_related("trainer"),
            "certificate_count": certificates.count(),
            "ready_count": ready.count(),
            "my_topics": selectors.topics_for(seminar, user) if is_trainer else [],
            "participant_form": forms.ParticipantForm(),
            "day_form": forms.DayForm(),
            "handout_form": forms.HandoutForm(),
            "damaged_form": forms.DamagedForm(),
            "memo_form": forms.MemoForm(),
            "decision_form": forms.MemoDecisionForm(),
            "test_form": forms.SeminarTestForm(),
            "review_form": forms.ReviewForm(),
            "survey": selectors.seminar_survey(seminar),
            "evaluation_count": seminar.participants.filter(
                evaluation__isnull=False
            ).count(),
        },
    )


@permission_required("training.add_seminar", raise_exception=True)
def seminar_create(request):
    form = forms.SeminarForm(
        request.POST or None, initial={"programme": request.GET.get("programme")}
    )

    def save(data):
        return services.seminar_create(actor=request.user, **data)

    return save_form(
        request, form, save, template="training/seminars/seminar_form.html"
    )


@permission_required("training.change_seminar", raise_exception=True)
def seminar_edit(request, pk: int):
    seminar = _seminar(request, pk)
    form = forms.SeminarEditForm(request.POST or None, instance=seminar)

    def save(data):
        return services.seminar_update(actor=request.user, seminar=seminar, **data)

    return save_form(
        request,
        form,
        save,
        template="training/seminars/seminar_form.html",
        context={"object": seminar},
    )


def _post_form(request, seminar, form, call, success: str):
    """Validate a small form on the seminar page, call the service, and
    come back with a message."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as error:
            _messages_from(request, error)
        else:
            messages.success(request, success)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(seminar.get_absolute_url())


@require_POST
@permission_required("training.change_seminar", raise_exception=True)
def seminar_move(request, pk: int):
    seminar = _seminar(request, pk)
    try:
        services.seminar_move(
            actor=request.user, seminar=seminar, new_status=request.POST.get("status")
        )
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("Saved."))
    return redirect(seminar.get_absolute_url())


@require_POST
@permission_required("training.change_seminar", raise_exception=True)
def day_add(request, pk: int):
    seminar = _seminar(request, pk)
    return _post_form(
        request,
        seminar,
        forms.DayForm(request.POST),
        lambda d: services.seminar_day_add(
            actor=request.user, seminar=seminar, day=d["date"]
        ),
        _("Day added."),
    )


@require_POST
@permission_required("training.change_seminar", raise_exception=True)
def participant_add(request, pk: int):
    seminar = _seminar(request, pk)
    return _post_form(
        request,
        seminar,
        forms.ParticipantForm(request.POST),
        lambda d: services.participant_add(actor=request.user, seminar=seminar, **d),
        _("Participant added."),
    )


@require_POST
@permission_required("training.change_seminar", raise_exception=True)
def attendance_set(request, pk: int):
    day = get_object_or_404(SeminarDay, pk=pk)
    seminar = _seminar(request, day.seminar_id)
    return _post_form(
        request,
        seminar,
        forms.AttendanceForm(request.POST, seminar=seminar),
        lambda d: services.attendance_set(
            actor=request.user, day=day, participants=d["participants"]
        ),
        _("Attendance saved."),
    )


@require_POST
@permission_required("training.view_seminar", raise_exception=True)
def topics_mark(request, pk: int):
    day = get_object_or_404(SeminarDay, pk=pk)
    seminar = _seminar(request, day.seminar_id)
    return _post_form(
        request,
        seminar,
        forms.MarkForm(request.POST, seminar=seminar),
        lambda d: services.topics_mark(
            actor=request.user, day=day, topics=d["topics"], note=d["note"]
        ),
        _("Topics marked."),
    )


@require_POST
@permission_required("training.change_seminar", raise_exception=True)
def handout_add(request, pk: int):
    seminar = _seminar(request, pk)
    return _post_form(
        request,
        seminar,
        forms.HandoutForm(request.POST),
        lambda d: services.handout_add(actor=request.user, seminar=seminar, **d),
        _("Handout added."),
    )


@require_POST
@permission_required("training.change_seminar", raise_exception=True)
def damaged_log(request, pk: int):
    handout = get_object_or_404(Handout, pk=pk)
    seminar = _seminar(request, handout.seminar_id)
    return _post_form(
        request,
        seminar,
        forms.DamagedForm(request.POST),
        lambda d: services.damaged_copy_log(actor=request.user, handout=handout, **d),
        _("Damaged copies logged."),
    )


@require_POST
@permission_required("training.change_seminar", raise_exception=True)
def handout_revise(request, pk: int):
    handout = get_object_or_404(Handout, pk=pk)
    seminar = _seminar(request, handout.seminar_id)
    try:
        services.handout_revise(actor=request.user, handout=handout)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("The handout now uses the revision in force."))
    return redirect(seminar.get_absolute_url())


@require_POST
@permission_required("training.view_seminar", raise_exception=True)
def memo_submit(request, pk: int):
    handout = get_object_or_404(Handout, pk=pk)
    seminar = _seminar(request, handout.seminar_id)
    return _post_form(
        request,
        seminar,
        forms.MemoForm(request.POST),
        lambda d: services.memo_submit(actor=request.user, handout=handout, **d),
        _("Service memo sent to the director."),
    )


@require_POST
@permission_required("training.change_servicememo", raise_exception=True)
def memo_decide(request, pk: int):
    memo = get_object_or_404(ServiceMemo, pk=pk, status=MemoStatus.SUBMITTED)
    seminar = _seminar(request, memo.handout.seminar_id)
    return _post_form(
        request,
        seminar,
        forms.MemoDecisionForm(request.POST),
        lambda d: services.memo_decide(actor=request.user, memo=memo, **d),
        _("Decision recorded."),
    )


@require_POST
@permission_required("training.view_seminar", raise_exception=True)
def review_write(request, pk: int):
    seminar = _seminar(request, pk)
    return _post_form(
        request,
        seminar,
        forms.ReviewForm(request.POST),
        lambda d: services.review_write(actor=request.user, seminar=seminar, **d),
        _("Review saved."),
    )


@require_POST
@permission_required("training.change_seminar", raise_exception=True)
def evaluations_close(request, pk: int):
    seminar = _seminar(request, pk)
    try:
        fed = services.evaluations_close(actor=request.user, seminar=seminar)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(
            request,
            _("Evaluation closed; %(count)s trainer evaluations sent to Purchasing.")
            % {"count": fed},
        )
    return redirect(seminar.get_absolute_url())


# --- Tests ------------------------------------------------------------------------


@require_POST
@permission_required("training.change_seminar", raise_exception=True)
def seminar_test_create(request, pk: int):
    seminar = _seminar(request, pk)
    form = forms.SeminarTestForm(request.POST)
    if form.is_valid():
        test = services.seminar_test_create(
            actor=request.user, seminar=seminar, **form.cleaned_data
        )
        return redirect(test.get_absolute_url())
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(seminar.get_absolute_url())


@permission_required("training.view_seminar", raise_exception=True)
def seminar_test_detail(request, pk: int):
    test = get_object_or_404(SeminarTest.objects.select_related("seminar"), pk=pk)
    seminar = _seminar(request, test.seminar_id)
    participants = seminar.participants.order_by("name")
    scores = {s.participant_id: s.score for s in test.scores.all()}
    question_form = forms.QuestionForm()
    scores_form = forms.ScoresForm(participants=participants, scores=scores)
    if request.method == "POST":
        if not request.user.has_perm("training.change_seminar"):
            raise PermissionDenied
        if "text" in request.POST:
            question_form = forms.QuestionForm(request.POST)
            if question_form.is_valid():
                services.question_add(
                    actor=request.user, test=test, **question_form.cleaned_data
                )
                messages.success(request, _("Question added."))
                return redirect(test.get_absolute_url())
        else:
            scores_form = forms.ScoresForm(
                request.POST, participants=participants, scores=scores
            )
            if scores_form.is_valid():
                try:
                    services.scores_set(
                        actor=request.user, test=test, scores=scores_form.scores()
                    )
                except ValidationError as error:
                    errors_to_form(scores_form, error)
                else:
                    messages.success(request, _("Scores saved."))
                    return redirect(test.get_absolute_url())
    return render(
        request,
        "training/seminars/test_detail.html",
        {
            "object": test,
            "seminar": seminar,
            "questions": test.questions.all(),
            "max_score": services.max_score(test),
            "question_form": question_form,
            "scores_form": scores_form,
        },
    )


# --- Certificates -----------------------------------------------------------------


@require_POST
@permission_required("training.add_certificate", raise_exception=True)
def certificates_issue(request, pk: int):
    seminar = _seminar(request, pk)
    try:
        services.certificates_request(actor=request.user, seminar=seminar)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(
            request, _("The certificates are being prepared; refresh in a moment.")
        )
    return redirect(seminar.get_absolute_url())


@require_POST
@permission_required("training.add_certificate", raise_exception=True)
def certificate_issue(request, pk: int):
    participant = get_object_or_404(Participant, pk=pk)
    seminar = _seminar(request, participant.seminar_id)
    try:
        services.certificate_issue(actor=request.user, participant=participant)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("The certificate is being prepared."))
    return redirect(seminar.get_absolute_url())


@permission_required("training.view_seminar", raise_exception=True)
def certificates_zip(request, pk: int):
    seminar = _seminar(request, pk)
    certificates = {
        c.pk: c
        for c in Certificate.objects.filter(
            participant__seminar=seminar
        ).select_related("participant")
    }
    pdfs = SignedPDF.objects.filter(
        content_type=ContentType.objects.get_for_model(Certificate),
        object_id__in=list(certificates),
        status=SignedPDF.Status.READY,
        superseded_by__isnull=True,
    )
    buffer = io.BytesIO()
    count = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for pdf in pdfs:
            certificate = certificates[pdf.object_id]
            with pdf.file.open("rb") as handle:
                archive.writestr(f"{certificate.number}.pdf", handle.read())
            count += 1
    if not count:
        messages.error(request, _("No certificate is ready yet."))
        return redirect(seminar.get_absolute_url())
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="certificates-{seminar.pk}.zip"'
    )
    return response


# --- Validation record ------------------------------------------------------------


@permission_required("training.validate_seminar", raise_exception=True)
def validation_record(request):
    today = timezone.localdate()
    form = forms.PeriodForm(
        request.GET or None,
        initial={"start": date(today.year, 1, 1), "end": date(today.year, 12, 31)},
    )
    start, end = date(today.year, 1, 1), date(today.year, 12, 31)
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    conditions = selectors.validation_record(start=start, end=end)
    return render(
        request,
        "training/seminars/validation_record.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "conditions": conditions,
            "valid": all(c.held for c in conditions),
        },
    )


# --- The participant's evaluation (public, by link) -------------------------------


@login_not_required
def seminar_evaluate(request, token: str):
    participant = (
        Participant.objects.select_related("seminar__programme")
        .filter(token=token)
        .first()
    )
    if participant is None:
        raise Http404
    seminar = participant.seminar
    done = hasattr(participant, "evaluation")
    form = forms.EvaluationForm(request.POST or None)
    if request.method == "POST" and not done and form.is_valid():
        try:
            services.evaluation_submit(token=token, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            return redirect("seminar_evaluate", token=token)
    return render(
        request,
        "training/seminars/evaluate.html",
        {
            "participant": participant,
            "seminar": seminar,
            "trainers": seminar.programme.trainers.all(),
            "form": form,
            "done": done,
            "open": seminar.status == SeminarStatus.DONE
            and not seminar.evaluations_closed_at,
        },
    )
