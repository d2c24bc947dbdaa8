"""Every change in customer satisfaction (ДЖ-09): feedback, triage, surveys.

The public submits through :func:`feedback_submit` and answers surveys
through :func:`survey_answer` (no account: no actor); staff register letters
and e-mails, answer, triage and close through the other ``feedback_*``
functions. Projects send a survey when one closes (see ``apps.py``); Training
will call :func:`survey_send_for_seminar` when a seminar ends.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sapat.accounts.calendar import add_working_days
from sapat.accounts.models import OrganisationProfile, User
from sapat.accounts.roles import DIRECTOR, QUALITY_MANAGER, role_members
from sapat.history import attribute
from sapat.notify.events import Event, register
from sapat.notify.services import email_forget, email_queue, notify
from sapat.workflow import lock as _lock
from sapat.workflow import move

from .files import validate_public_upload
from .models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    MAX_TEXT,
    OPEN_STATUSES,
    SCALES,
    Answer,
    Attachment,
    Audience,
    Channel,
    Feedback,
    Invitation,
    Kind,
    Question,
    QuestionKind,
    Questionnaire,
    Reply,
    Response,
    Status,
    Survey,
    TriageDigest,
)

#: Files with one submission of the public form, and with a registration.
MAX_PUBLIC_FILES = 3
MAX_STAFF_FILES = 10
#: Contact data fields wiped by anonymisation.
PERSONAL_FIELDS = ("name", "organisation", "email", "phone")

for _event in (
    Event(
        "satisfaction.complaint_received",
        title=gettext_lazy("%(kind)s %(code)s to the director"),
        body=gettext_lazy("Received on %(received)s; answer by %(deadline)s."),
    ),
    Event(
        "satisfaction.feedback_received",
        title=gettext_lazy("New feedback %(code)s: %(kind)s"),
        body=gettext_lazy("It is in the inbox for the weekly review."),
    ),
    Event(
        "satisfaction.assigned",
        title=gettext_lazy("Feedback %(code)s is yours to answer"),
        body=gettext_lazy("Answer by %(deadline)s."),
    ),
    Event(
        "satisfaction.weekly_digest",
        title=gettext_lazy("Weekly feedback review: %(count)s new"),
        body=gettext_lazy(
            "New since the last review: %(items)s. Still unanswered: "
            "%(unanswered)s, of them overdue: %(overdue)s."
        ),
    ),
):
    register(_event)


# --- Helpers ----------------------------------------------------------------------


def _group(key: str) -> models.QuerySet[User]:
    return role_members(key)


def _directors() -> list[User]:
    people = list(_group(DIRECTOR))
    director = OrganisationProfile.load().director
    if director is not None and director.pk not in {u.pk for u in people}:
        people.append(director)
    return people


def _save(obj: models.Model, *, actor: User | None, reason: str = "") -> None:
    obj.full_clean()
    attribute(obj, actor=actor, reason=reason)
    obj.save()


def _absolute(url: str) -> str:
    return settings.SAPAT_BASE_URL.rstrip("/") + url


def new_code() -> str:
    """An unguessable tracking code: 12 characters of 31, ~59 bits."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str | None:
    """The stored form of a typed code ("abcd-efgh 2345" → "ABCDEFGH2345"),
    or None when it cannot be one (wrong length or characters)."""
    if not isinstance(raw, str) or len(raw) > 40:
        return None
    code = "".join(raw.split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def display_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _deadline(received_on: date, kind: str) -> date | None:
    if kind == Kind.THANKS:
        return None
    return add_working_days(received_on, settings.SATISFACTION_ANSWER_DAYS)


def may_handle(user, feedback: Feedback) -> bool:
    """Whether ``user`` may answer, note, move and assign ``feedback``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.has_perm("satisfaction.change_feedback"):
        return True
    if feedback.for_director and user.has_perm("satisfaction.handle_complaint"):
        return True
    return feedback.assignee_id == user.pk


def _require_handle(actor: User, feedback: Feedback) -> None:
    if not may_handle(actor, feedback):
        raise PermissionDenied


def _move(feedback: Feedback, new_status: str) -> None:
    move(feedback, new_status)
    if new_status == Status.CLOSED:
        feedback.closed_at = timezone.now()


def _check_files(files: list, *, limit: int) -> None:
    if len(files) > limit:
        raise ValidationError(
            {"files": _("At most %(count)s files.") % {"count": limit}}
        )
    errors = []
    for upload in files:
        try:
            validate_public_upload(upload)
        except ValidationError as error:
            errors.extend(f"{upload.name[:80]}: {m}" for m in error.messages)
    if errors:
        raise ValidationError({"files": errors})


def _store_file(feedback: Feedback, upload) -> Attachment:
    """Keep ``upload`` under a random name; the client's name is a label."""
    file_type = validate_public_upload(upload)
    upload.seek(0)
    data = upload.read()
    extension = {"pdf": "pdf", "jpeg": "jpg", "png": "png"}[file_type]
    label = get_valid_filename(upload.name or "") or f"file.{extension}"
    stored = Attachment(
        feedback=feedback,
        name=label[:255],
        file_type=file_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    stored.file.save(f"{secrets.token_hex(12)}.{extension}", ContentFile(data), False)
    stored.save()
    return stored


def _client_email(feedback: Feedback, template: str, context: dict) -> None:
    """E-mail the client in their language, if they gave an address."""
    if not feedback.email or feedback.anonymised_at:
        return
    with translation.override(feedback.language or settings.LANGUAGE_CODE):
        email_queue(
            to=feedback.email,
            template=template,
            context={
                "feedback": feedback,
                "code": display_code(feedback.code),
                "status_url": _absolute(reverse("feedback_status")),
                **context,
            },
            language=feedback.language,
        )


def _announce(feedback: Feedback) -> None:
    context = {
        "code": feedback.code,
        "kind": feedback.get_kind_display(),
        "received": feedback.received_on.isoformat(),
        "deadline": feedback.deadline.isoformat() if feedback.deadline else "—",
    }
    if feedback.for_director:
        notify(
            recipients=_directors(),
            event="satisfaction.complaint_received",
            target=feedback.get_absolute_url(),
            context=context,
        )
    else:
        notify(
            recipients=_group(QUALITY_MANAGER),
            event="satisfaction.feedback_received",
            target=feedback.get_absolute_url(),
            context=context,
        )


def _create(*, actor: User | None, files: list, reason: str, **fields) -> Feedback:
    """Save a new item with a fresh code (a clash, 1 in 10^17, is retried)."""
    for _attempt in range(5):
        feedback = Feedback(code=new_code(), **fields)
        feedback.full_clean()
        attribute(feedback, actor=actor, reason=reason)
        try:
            with transaction.atomic():
                feedback.save()
        except IntegrityError:
            if Feedback.objects.filter(code=feedback.code).exists():
                continue
            raise
        break
    else:  # pragma: no cover - five clashes of 59-bit random codes
        raise RuntimeError("no free tracking code")
    for upload in files:
        _store_file(feedback, upload)
    _announce(feedback)
    return feedback


# --- Feedback from the public and from staff --------------------------------------


@transaction.atomic
def feedback_submit(
    *,
    kind: str,
    text: str,
    consent: bool,
    name: str = "",
    organisation: str = "",
    email: str = "",
    phone: str = "",
    reference: str = "",
    may_publish: bool = False,
    files: Iterable = (),
    language: str = "",
) -> Feedback:
    """Register what a visitor sent through the public form (no account).

    Requires a contact (e-mail or phone), consent to processing, a text of
    at most :data:`MAX_TEXT` characters and at most three PDF, JPEG or PNG
    files (checked by content, size and, for images, pixels). Sets the
    answer deadline in working days, stores the files, notifies the director
    (complaints, claims) or the quality managers (the rest) and e-mails the
    tracking code to the client if an address was given. Raises
    ``ValidationError`` (by field) and saves nothing on bad input.
    """
    files = list(files)
    errors: dict[str, list[str]] = {}
    if kind not in Kind.values:
        errors["kind"] = [_("Choose what you are sending.")]
    if not (email.strip() or phone.strip()):
        errors["email"] = [_("Give an e-mail address or a phone number to reach you.")]
    if not consent:
        errors["consent"] = [_("We need your consent to process what you send.")]
    if not text.strip():
        errors["text"] = [_("Write what happened or what you suggest.")]
    elif len(text) > MAX_TEXT:
        errors["text"] = [
            _("At most %(count)s characters, please.") % {"count": MAX_TEXT}
        ]
    try:
        _check_files(files, limit=MAX_PUBLIC_FILES)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    feedback = _create(
        actor=None,
        files=files,
        reason=_("Sent through the feedback form"),
        kind=kind,
        channel=Channel.WEB,
        name=name.strip(),
        organisation=organisation.strip(),
        email=email.strip(),
        phone=phone.strip(),
        reference=reference.strip(),
        text=text.strip(),
        consent=True,
        may_publish=bool(may_publish) and kind == Kind.QUESTION,
        received_on=today,
        deadline=_deadline(today, kind),
        language=(language or translation.get_language() or "")[:2],
    )
    _client_email(feedback, "emails/satisfaction/received", {})
    return feedback


@transaction.atomic
def feedback_register(
    *,
    actor: User,
    channel: str,
    kind: str,
    received_on: date,
    text: str,
    name: str = "",
    organisation: str = "",
    email: str = "",
    phone: str = "",
    project=None,
    seminar_reference: str = "",
    files: Iterable = (),
    language: str = "",
) -> Feedback:
    """Register a letter or an e-mail from a client (the manual's channels).

    Requires ``satisfaction.add_feedback``. The scan or the printed message
    is attached (PDF, JPEG, PNG). The item gets a tracking code like any
    other; the code is e-mailed to the client when an address is given.
    """
    if not actor.has_perm("satisfaction.add_feedback"):
        raise PermissionDenied
    if channel not in (Channel.EMAIL, Channel.PAPER):
        raise ValidationError({"channel": _("Choose e-mail or paper.")})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date cannot be in the future.")})
    files = list(files)
    _check_files(files, limit=MAX_STAFF_FILES)
    feedback = _create(
        actor=actor,
        files=files,
        reason=_("Registered from a letter or e-mail"),
        kind=kind,
        channel=channel,
        name=name.strip(),
        organisation=organisation.strip(),
        email=email.strip(),
        phone=phone.strip(),
        project=project,
        seminar_reference=seminar_reference.strip(),
        text=text.strip(),
        consent=False,
        received_on=received_on,
        deadline=_deadline(received_on, kind),
        language=language[:2],
        created_by=actor,
    )
    _client_email(feedback, "emails/satisfaction/received", {})
    return feedback


# --- Handling ---------------------------------------------------------------------


@transaction.atomic
def feedback_move(
    *, actor: User, feedback: Feedback, status: str, reason: str = ""
) -> Feedback:
    """Take into review, reopen, or close without a reply (thanks, duplicates).

    Answering goes through :func:`feedback_reply`. Raises
    ``ValidationError`` for a move not in the table of ``TRANSITIONS``.
    """
    feedback = _lock(feedback)
    _require_handle(actor, feedback)
    if status == Status.ANSWERED:
        raise ValidationError(_("Write the reply to answer."), code="transition")
    _move(feedback, status)
    _save(feedback, actor=actor, reason=reason or feedback.get_status_display())
    return feedback


@transaction.atomic
def feedback_assign(*, actor: User, feedback: Feedback, assignee: User) -> Feedback:
    """Give the item to ``assignee`` (who is told) to prepare the answer."""
    feedback = _lock(feedback)
    if not (
        actor.has_perm("satisfaction.change_feedback")
        or (feedback.for_director and actor.has_perm("satisfaction.handle_complaint"))
    ):
        raise PermissionDenied
    if not assignee.is_active:
        raise ValidationError({"assignee": _("This person no longer works here.")})
    feedback.assignee = assignee
    _save(feedback, actor=actor, reason=_("Assigned to %(name)s") % {"name": assignee})
    if assignee.pk != actor.pk:
        notify(
            recipients=[assignee],
            event="satisfaction.assigned",
            target=feedback.get_absolute_url(),
            context={
                "code": feedback.code,
                "deadline": feedback.deadline.isoformat() if feedback.deadline else "—",
            },
        )
    return feedback


@transaction.atomic
def feedback_note(*, actor: User, feedback: Feedback, text: str) -> Reply:
    """An internal note: staff only, never shown to the client."""
    _require_handle(actor, feedback)
    note = Reply(feedback=feedback, text=text.strip(), internal=True, author=actor)
    if not note.text:
        raise ValidationError({"text": _("Write the note.")})
    _save(note, actor=actor, reason=_("Internal note"))
    return note


@transaction.atomic
def feedback_reply(
    *, actor: User, feedback: Feedback, text: str, close: bool = False
) -> Reply:
    """Answer the client: shown on the status page and e-mailed.

    A received item passes through review to answered (two history rows);
    ``close`` makes it the closing reply, which closes the item and asks the
    client whether they are satisfied with how it was handled. Raises
    ``ValidationError`` on a closed item or an empty text.
    """
    feedback = _lock(feedback)
    _require_handle(actor, feedback)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the reply.")})
    if feedback.status == Status.CLOSED:
        raise ValidationError(_("The item is closed."), code="closed")
    if feedback.status == Status.RECEIVED:
        _move(feedback, Status.IN_REVIEW)
        _save(feedback, actor=actor, reason=_("Taken into review"))
    if feedback.status == Status.IN_REVIEW:
        _move(feedback, Status.ANSWERED)
        feedback.answered_at = feedback.answered_at or timezone.now()
        _save(feedback, actor=actor, reason=_("Answered"))
    reply = Reply(feedback=feedback, text=text, author=actor, closing=close)
    _save(reply, actor=actor, reason=_("Reply to the client"))
    if close:
        _move(feedback, Status.CLOSED)
        _save(feedback, actor=actor, reason=_("Closed with the reply"))
    _client_email(feedback, "emails/satisfaction/reply", {"reply": reply})
    return reply


@transaction.atomic
def feedback_triage(
    *,
    actor: User,
    feedback: Feedback,
    category: str,
    assignee: User | None = None,
    project=None,
    is_nonconformity: bool = False,
    severity: str = "minor",
) -> Feedback:
    """The weekly review of one item: category, owner, nonconformity or not.

    Requires ``satisfaction.triage_feedback``. When it shows a nonconformity
    one is raised through CAPA (once; the item is its origin). A project
    linked here shows the item on that project's page.
    """
    from capa.models import Source
    from capa.services import nonconformity_raise

    if not actor.has_perm("satisfaction.triage_feedback"):
        raise PermissionDenied
    feedback = _lock(feedback)
    feedback.category = category
    feedback.project = project
    feedback.is_nonconformity = bool(is_nonconformity)
    feedback.triaged_at = timezone.now()
    feedback.triaged_by = actor
    if is_nonconformity and feedback.nonconformity_id is None:
        feedback.nonconformity = nonconformity_raise(
            actor=actor,
            source=Source.COMPLAINT,
            description=_("From %(item)s: %(text)s")
            % {"item": str(feedback), "text": feedback.text},
            detected_on=feedback.received_on,
            severity=severity,
            affected=(feedback.organisation or feedback.reference)[:300],
            origin=feedback,
        )
    _save(feedback, actor=actor, reason=_("Triaged"))
    if assignee is not None and assignee.pk != feedback.assignee_id:
        feedback = feedback_assign(actor=actor, feedback=feedback, assignee=assignee)
    return feedback


@transaction.atomic
def feedback_publish(
    *, actor: User, feedback: Feedback, question: str, publish: bool = True
) -> Feedback:
    """Publish (or withdraw) a question and its answers on the public page.

    Only a question the client allowed to publish, once answered; the
    question is published as staff word it (without personal details).
    """
    if not actor.has_perm("satisfaction.publish_feedback"):
        raise PermissionDenied
    feedback = _lock(feedback)
    if publish:
        if feedback.kind != Kind.QUESTION or not feedback.may_publish:
            raise ValidationError(
                _("Only a question the client allowed to publish can be published."),
                code="not_publishable",
            )
        if not feedback.replies.filter(internal=False).exists():
            raise ValidationError(
                _("Answer the question before publishing it."), code="unanswered"
            )
        if not question.strip():
            raise ValidationError({"public_question": _("Write the question.")})
        feedback.public_question = question.strip()
        feedback.published_at = timezone.now()
        reason = _("Published")
    else:
        feedback.published_at = None
        reason = _("Withdrawn from publication")
    _save(feedback, actor=actor, reason=reason)
    return feedback


# --- From the status page ---------------------------------------------------------


@transaction.atomic
def feedback_satisfaction(*, feedback: Feedback, satisfied: bool) -> Feedback:
    """The client's answer to "are you satisfied with how this was handled?".

    Only on a closed item, once. Raises ``ValidationError`` otherwise.
    """
    feedback = _lock(feedback)
    if feedback.status != Status.CLOSED or feedback.satisfied is not None:
        raise ValidationError(_("This question is not open."), code="not_open")
    feedback.satisfied = bool(satisfied)
    feedback.satisfied_at = timezone.now()
    _save(feedback, actor=None, reason=_("The client answered"))
    return feedback


def _scrub_history(model, pk: int, fields: Iterable[str]) -> int:
    return model.history.filter(id=pk).update(**dict.fromkeys(fields, ""))


@transaction.atomic
def feedback_anonymise(
    *, feedback: Feedback, actor: User | None = None, reason: str = ""
) -> Feedback:
    """Remove the client's contact data from the item, its history and the
    e-mails sent to them. The text, replies and files stay (the record);
    the status page still works with the code. Idempotent."""
    feedback = _lock(feedback)
    if feedback.anonymised_at:
        return feedback
    address = feedback.email
    for name in PERSONAL_FIELDS:
        setattr(feedback, name, "")
    feedback.anonymised_at = timezone.now()
    attribute(feedback, actor=actor, reason=reason or _("Contact data anonymised"))
    feedback.save()
    _scrub_history(Feedback, feedback.pk, PERSONAL_FIELDS)
    if address:
        email_forget(address=address)
    return feedback


def feedback_anonymise_request(*, feedback: Feedback) -> Feedback:
    """The client asks, on the status page, to remove their contact data."""
    return feedback_anonymise(
        feedback=feedback, reason=_("Anonymised at the client's request")
    )


def personal_data_anonymise(*, now: datetime | None = None) -> int:
    """Daily: anonymise what is older than the configured period.

    Contact data of feedback closed before the cut-off, respondents' names
    of named survey answers and the invitations' names and addresses, in
    the rows and their history. Returns how many rows were changed.
    """
    now = now or timezone.now()
    cutoff = now - relativedelta(years=settings.SATISFACTION_ANONYMISE_AFTER_YEARS)
    changed = 0
    due = Feedback.objects.filter(
        status=Status.CLOSED, closed_at__lt=cutoff, anonymised_at__isnull=True
    )
    for feedback in due.iterator():
        feedback_anonymise(feedback=feedback, reason=_("Retention period ended"))
        changed += 1
    with transaction.atomic():
        responses = list(
            Response.objects.filter(submitted_at__lt=cutoff)
            .exclude(respondent="")
            .values_list("pk", flat=True)
        )
        Response.objects.filter(pk__in=responses).update(
            respondent="", anonymised_at=now
        )
        Response.history.filter(id__in=responses).update(respondent="")
        changed += len(responses)
        invitations = Invitation.objects.filter(created_at__lt=cutoff).exclude(
            name="", email=""
        )
        addresses = set(invitations.exclude(email="").values_list("email", flat=True))
        for address in addresses:
            email_forget(address=address)
        changed += invitations.update(name="", email="")
    return changed


# --- Weekly triage ----------------------------------------------------------------


def iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


@transaction.atomic
def triage_digest_send(*, today: date | None = None) -> TriageDigest | None:
    """Monday: the quality managers get the new items since the last digest.

    Every item goes into exactly one digest (the digest that listed it is
    recorded on it), then the counts of items still unanswered and overdue.
    Idempotent: one digest per ISO week; a second run that week sends
    nothing and returns None.
    """
    today = today or timezone.localdate()
    week = iso_week(today)
    if TriageDigest.objects.filter(week=week).exists():
        return None
    try:
        with transaction.atomic():
            digest = TriageDigest.objects.create(week=week)
    except IntegrityError:
        return None
    new = list(
        Feedback.objects.select_for_update()
        .filter(digest__isnull=True)
        .order_by("created_at", "id")
    )
    Feedback.objects.filter(pk__in=[f.pk for f in new]).update(digest=digest)
    open_items = Feedback.objects.filter(status__in=OPEN_STATUSES)
    digest.item_count = len(new)
    digest.unanswered = open_items.count()
    digest.overdue = open_items.filter(deadline__lt=today).count()
    attribute(digest, actor=None, reason=_("Weekly review"))
    digest.save()
    items = "; ".join(f"{f.code} ({f.get_kind_display()})" for f in new[:50])
    if len(new) > 50:
        items += "; …"
    notify(
        recipients=_group(QUALITY_MANAGER),
        event="satisfaction.weekly_digest",
        target=reverse("satisfaction:feedback_list") + "?open=1",
        context={
            "count": len(new),
            "items": items or "—",
            "unanswered": digest.unanswered,
            "overdue": digest.overdue,
        },
        once_key=f"satisfaction:triage:{week}",
    )
    return digest


# --- Questionnaires and surveys ---------------------------------------------------


@transaction.atomic
def questionnaire_save(
    *, actor: User, questionnaire: Questionnaire | None = None, **fields
) -> Questionnaire:
    if questionnaire is None:
        if not actor.has_perm("satisfaction.add_questionnaire"):
            raise PermissionDenied
        questionnaire = Questionnaire(**fields)
    else:
        if not actor.has_perm("satisfaction.change_questionnaire"):
            raise PermissionDenied
        questionnaire = _lock(questionnaire)
        for name, value in fields.items():
            setattr(questionnaire, name, value)
    _save(questionnaire, actor=actor)
    return questionnaire


@transaction.atomic
def question_add(
    *,
    actor: User,
    questionnaire: Questionnaire,
    text: str,
    kind: str,
    choices: str = "",
    required: bool = True,
) -> Question:
    """Add a question at the end. Questions already answered stay as they
    were asked; a questionnaire that has been sent only gains questions."""
    if not actor.has_perm("satisfaction.change_questionnaire"):
        raise PermissionDenied
    last = questionnaire.questions.aggregate(m=models.Max("order"))["m"] or 0
    question = Question(
        questionnaire=questionnaire,
        order=last + 1,
        text=text.strip(),
        kind=kind,
        choices=choices.strip(),
        required=required,
    )
    _save(question, actor=actor, reason=_("Question added"))
    return question


@transaction.atomic
def question_delete(*, actor: User, question: Question) -> None:
    if not actor.has_perm("satisfaction.change_questionnaire"):
        raise PermissionDenied
    if question.answers.exists():
        raise ValidationError(
            _("The question has answers: it cannot be removed."), code="answered"
        )
    attribute(question, actor=actor)
    question.delete()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def survey_invite(
    *, survey: Survey, name: str = "", email: str = ""
) -> tuple[Invitation, str]:
    """One single-use link; its token is returned once and never stored.

    When ``email`` is given the link is e-mailed (after commit).
    """
    token = secrets.token_urlsafe(32)
    expires = timezone.make_aware(
        datetime.combine(survey.expires_on + timedelta(days=1), datetime.min.time())
    )
    invitation = Invitation(
        survey=survey,
        token_hash=_token_hash(token),
        name=name.strip()[:200],
        email=email.strip(),
        expires_at=expires,
    )
    invitation.full_clean()
    invitation.save()
    if invitation.email:
        email_queue(
            to=invitation.email,
            template="emails/satisfaction/survey",
            context={
                "survey": survey,
                "name": invitation.name,
                "url": _absolute(reverse("survey_answer", args=[token])),
            },
        )
    return invitation, token


@transaction.atomic
def survey_send(
    *,
    actor: User | None,
    questionnaire: Questionnaire,
    title: str,
    recipients: Iterable[tuple[str, str]] = (),
    anonymous: bool = True,
    project=None,
    seminar_reference: str = "",
    expires_on: date | None = None,
) -> Survey:
    """Send ``questionnaire`` by a unique link to each ``(name, e-mail)``.

    ``actor`` None is the system (a project closed, a seminar ended);
    otherwise ``satisfaction.add_survey`` is required. Raises
    ``ValidationError`` for a questionnaire without questions.
    """
    if actor is not None and not actor.has_perm("satisfaction.add_survey"):
        raise PermissionDenied
    if not questionnaire.questions.exists():
        raise ValidationError(
            {"questionnaire": _("The questionnaire has no questions yet.")}
        )
    survey = Survey(
        questionnaire=questionnaire,
        title=title.strip()[:200],
        anonymous=anonymous,
        project=project,
        seminar_reference=seminar_reference.strip()[:200],
        expires_on=expires_on
        or timezone.localdate() + timedelta(days=settings.SATISFACTION_SURVEY_DAYS),
        created_by=actor,
    )
    if survey.expires_on < timezone.localdate():
        raise ValidationError({"expires_on": _("The date has passed.")})
    _save(survey, actor=actor, reason=_("Sent"))
    seen = set()
    for name, email in recipients:
        key = email.strip().lower()
        if not key or key in seen:
            continue
        seen.add(key)
        survey_invite(survey=survey, name=name, email=email)
    return survey


def _questionnaire_for(audience: str) -> Questionnaire | None:
    return (
        Questionnaire.objects.filter(active=True, audience=audience)
        .annotate(n=models.Count("questions"))
        .filter(n__gt=0)
        .order_by("-created_at", "-id")
        .first()
    )


def survey_send_for_project(*, project_id: int) -> Survey | None:
    """When a project closes: the active project questionnaire goes to the
    client's contacts that have an e-mail address. Idempotent (one survey
    per project); None when there is no questionnaire, project or contact."""
    Project = apps.get_model("projects", "Project")
    ClientContact = apps.get_model("projects", "ClientContact")
    project = Project.objects.filter(pk=project_id).first()
    questionnaire = _questionnaire_for(Audience.PROJECT)
    if project is None or questionnaire is None:
        return None
    if Survey.objects.filter(project=project).exists():
        return None
    contacts = [
        (c.name, c.email)
        for c in ClientContact.objects.filter(client_id=project.client_id, active=True)
        if c.email
    ]
    if not contacts:
        return None
    try:
        return survey_send(
            actor=None,
            questionnaire=questionnaire,
            title=f"{questionnaire.title}: {project}"[:200],
            recipients=contacts,
            anonymous=False,
            project=project,
        )
    except IntegrityError:  # a concurrent run sent it
        return None


def survey_send_for_seminar(
    *,
    seminar_reference: str,
    participants: Iterable[tuple[str, str]],
    questionnaire: Questionnaire | None = None,
    actor: User | None = None,
    anonymous: bool = True,
) -> Survey | None:
    """The hook Training calls when a seminar ends (§8.2.1, §7.5.2).

    ``seminar_reference`` names the seminar (its code and title); the
    ``participants`` are ``(name, e-mail)`` pairs. The active seminar
    questionnaire is used unless one is given. Idempotent: a seminar already
    surveyed returns its survey and sends nothing. None without a
    questionnaire.
    """
    existing = Survey.objects.filter(seminar_reference=seminar_reference).first()
    if existing is not None:
        return existing
    questionnaire = questionnaire or _questionnaire_for(Audience.SEMINAR)
    if questionnaire is None:
        return None
    return survey_send(
        actor=actor,
        questionnaire=questionnaire,
        title=f"{questionnaire.title}: {seminar_reference}"[:200],
        recipients=participants,
        anonymous=anonymous,
        seminar_reference=seminar_reference,
    )


def invitation_for(token: str) -> Invitation | None:
    """The open invitation of a link, or None (unknown, used or expired)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    invitation = (
        Invitation.objects.select_related("survey", "survey__questionnaire")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    if (
        invitation is None
        or invitation.used_at is not None
        or invitation.expires_at <= timezone.now()
    ):
        return None
    return invitation


def _clean_answer(question: Question, raw) -> dict | None:
    raw = (raw or "").strip() if isinstance(raw, str) else raw
    if raw in ("", None):
        if question.required:
            raise ValidationError(_("Answer this question."))
        return None
    if question.kind in SCALES:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = None
        if value not in SCALES[question.kind]:
            raise ValidationError(_("Choose a value on the scale."))
        return {"value": value}
    if question.kind == QuestionKind.CHOICE:
        if raw not in question.choice_list:
            raise ValidationError(_("Choose one of the answers."))
        return {"choice": raw}
    if len(raw) > MAX_TEXT:
        raise ValidationError(
            _("At most %(count)s characters, please.") % {"count": MAX_TEXT}
        )
    return {"text": raw}


@transaction.atomic
def survey_answer(*, token: str, answers: dict, respondent: str = "") -> Response:
    """Record the answers given through a survey link, and spend the link.

    ``answers`` maps question ids (as strings or ints) to the raw values.
    The respondent's name is kept only for a named survey. Raises
    ``ValidationError`` with code ``invalid`` for an unknown, used or
    expired link, and by question (``q<id>``) for bad answers.
    """
    invitation = invitation_for(token)
    if invitation is not None:
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation is None or invitation.used_at is not None:
        raise ValidationError(
            _("This link is not valid: it was used already or it has expired."),
            code="invalid",
        )
    survey = invitation.survey
    questions = list(survey.questionnaire.questions.all())
    errors, cleaned = {}, {}
    for question in questions:
        raw = answers.get(str(question.pk), answers.get(question.pk))
        try:
            cleaned[question.pk] = _clean_answer(question, raw)
        except ValidationError as error:
            errors[f"q{question.pk}"] = error.messages
    if errors:
        raise ValidationError(errors)
    response = Response(
        survey=survey,
        respondent="" if survey.anonymous else (respondent or invitation.name)[:200],
    )
    _save(response, actor=None, reason=_("Answered"))
    Answer.objects.bulk_create(
        [
            Answer(response=response, question_id=pk, **values)
            for pk, values in cleaned.items()
            if values is not None
        ]
    )
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    return response
