"""Incoming and outgoing correspondence (РИ-05, document flow).

The office manager registers every letter with a number of its direction and
year (``ВХ-2026/0001``, ``ЧЫГ-2026/0001``), attaches its scans, names the
executor and the due date; the executor is reminded as the date comes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sapat.accounts.calendar import add_working_days
from sapat.accounts.models import User
from sapat.history import attribute
from sapat.notify.events import Event, register
from sapat.notify.services import notify

from ..models import Letter, LetterFile

#: The prefix of the registration number per direction.
PREFIXES = {
    Letter.Direction.INCOMING: "ВХ",
    Letter.Direction.OUTGOING: "ЧЫГ",
}
#: The executor is reminded this many working days before the due date.
REMIND_WORKING_DAYS = 2
#: The fields of a letter that can be changed after registration.
EDITABLE_FIELDS = frozenset(
    {
        "date",
        "counterparty",
        "their_number",
        "subject",
        "executor",
        "due_date",
        "nomenclature_index",
    }
)

register(
    Event(
        "documents.letter_assigned",
        title=gettext_lazy("Letter %(number)s is yours: %(subject)s"),
        body=gettext_lazy(
            "Open it to read the files and see the due date; mark it done when "
            "it is dealt with."
        ),
    )
)
register(
    Event(
        "documents.letter_due_soon",
        title=gettext_lazy("Letter %(number)s is due on %(due)s"),
        body="%(subject)s",
    )
)
register(
    Event(
        "documents.letter_due_today",
        title=gettext_lazy("Letter %(number)s is due today"),
        body="%(subject)s",
    )
)
register(
    Event(
        "documents.letter_overdue",
        title=gettext_lazy("Letter %(number)s is overdue since %(due)s"),
        body=gettext_lazy("%(subject)s. Deal with it or agree a new date."),
    )
)


def reg_number(direction: str, year: int, sequence: int) -> str:
    """``ВХ-2026/0001`` for the first incoming letter of 2026."""
    return f"{PREFIXES[direction]}-{year}/{sequence:04d}"


def _next_sequence(direction: str, year: int) -> int:
    """The next free sequence of ``direction`` in ``year``.

    Locks the letters of that direction and year, so a second registration
    waits for the first to commit; the first letter of a year has nothing to
    lock, and the ``letter_sequence`` constraint decides then.
    """
    taken = (
        Letter.objects.select_for_update()
        .filter(direction=direction, year=year)
        .values_list("sequence", flat=True)
    )
    return max(taken, default=0) + 1


def may_view(user: User, letter: Letter) -> bool:
    """Those who keep or read the correspondence, and the letter's executor,
    whom its reminders point to."""
    return user.has_perm("documents.view_letter") or (
        letter.executor_id is not None and user.pk == letter.executor_id
    )


def may_mark_done(user: User, letter: Letter) -> bool:
    """The keeper of the correspondence, or the letter's own executor."""
    return user.has_perm("documents.change_letter") or (
        letter.executor_id is not None and user.pk == letter.executor_id
    )


def _check_dates(letter: Letter) -> None:
    if letter.due_date and letter.date and letter.due_date < letter.date:
        raise ValidationError(
            {"due_date": _("The due date cannot be before the date of the letter.")},
            code="due_before_date",
        )


def _validated_files(files: Iterable[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    """Each upload with its detected type; all checked before any is stored."""
    # Imported here: the upload checks are shared with the register.
    from ..files import validate_upload

    checked = []
    for upload in files:
        try:
            file_type = validate_upload(upload)
        except ValidationError as error:
            raise ValidationError(
                {"files": [f"{upload.name}: {message}" for message in error.messages]},
                code="bad_file",
            ) from None
        upload.seek(0)
        checked.append((upload, file_type))
    return checked


def _store_files(letter: Letter, checked: list[tuple[UploadedFile, str]]) -> None:
    for upload, file_type in checked:
        stored = LetterFile(letter=letter, file=upload, file_type=file_type)
        stored.full_clean()
        stored.save()


def _notify_executor(letter: Letter, actor: User) -> None:
    # Whoever registers a letter for themselves needs no message about it.
    if letter.executor_id is None or letter.executor_id == actor.pk:
        return
    notify(
        recipients=[letter.executor],
        event="documents.letter_assigned",
        target=letter.get_absolute_url(),
        context={"number": letter.reg_number, "subject": letter.subject},
    )


@transaction.atomic
def letter_register(
    *,
    actor: User,
    direction: str,
    date: date,
    counterparty: str,
    subject: str,
    executor: User | None = None,
    due_date: date | None = None,
    their_number: str = "",
    nomenclature_index: str = "",
    files: Iterable[UploadedFile] = (),
) -> Letter:
    """Register an incoming or outgoing letter with the next number.

    The number restarts every year (the year of ``date``) and runs
    separately for each direction. ``files`` are checked (PDF, DOCX, XLSX,
    ODT by their content) before anything is stored. Notifies the executor
    (e-mail on commit) unless they registered it themselves. Requires
    ``documents.add_letter``. Raises ``PermissionDenied``, or
    ``ValidationError`` on bad data, a due date before the letter's date or
    a refused file.
    """
    if not actor.has_perm("documents.add_letter"):
        raise PermissionDenied
    letter = Letter(
        direction=direction,
        date=date,
        counterparty=counterparty,
        subject=subject,
        executor=executor,
        due_date=due_date,
        their_number=their_number,
        nomenclature_index=nomenclature_index,
        registered_by=actor,
    )
    letter.full_clean(
        exclude=["reg_number", "year", "sequence"], validate_constraints=False
    )
    _check_dates(letter)
    checked = _validated_files(files)
    letter.year = date.year
    for attempt in (1, 2):
        letter.sequence = _next_sequence(direction, letter.year)
        letter.reg_number = reg_number(direction, letter.year, letter.sequence)
        attribute(letter, actor=actor, reason=_("Registered"))
        try:
            with transaction.atomic():
                letter.save()
        except IntegrityError:
            # Two registrations at once took the same number: the
            # constraint refused the second; count again, once.
            letter.pk = None
            letter._state.adding = True
            if attempt == 2:
                raise ValidationError(
                    _("Another letter took this number just now; save again."),
                    code="number_taken",
                ) from None
        else:
            break
    _store_files(letter, checked)
    _notify_executor(letter, actor)
    return letter


@transaction.atomic
def letter_update(
    *, letter: Letter, actor: User, files: Iterable[UploadedFile] = (), **fields
) -> Letter:
    """Correct a registered letter and attach more files.

    The direction and the year of the date are part of the number and cannot
    change. A new executor is notified. Requires ``documents.change_letter``;
    locks the row first. Raises ``PermissionDenied`` or ``ValidationError``.
    """
    if not actor.has_perm("documents.change_letter"):
        raise PermissionDenied
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))},
            code="not_editable",
        )
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    executor_before = letter.executor_id
    for name, value in fields.items():
        setattr(letter, name, value)
    letter.full_clean()
    if letter.date.year != letter.year:
        raise ValidationError(
            {
                "date": _(
                    "The year is part of the number %(number)s; keep the date "
                    "in %(year)s or register the letter again."
                )
                % {"number": letter.reg_number, "year": letter.year}
            },
            code="year_changed",
        )
    _check_dates(letter)
    checked = _validated_files(files)
    attribute(letter, actor=actor, reason=_("Letter changed"))
    letter.save()
    _store_files(letter, checked)
    if letter.executor_id != executor_before:
        _notify_executor(letter, actor)
    return letter


@transaction.atomic
def letter_mark_done(*, letter: Letter, actor: User) -> Letter:
    """Close a letter: no more reminders go out for it.

    Requires ``documents.change_letter``, or being the letter's executor.
    Raises ``PermissionDenied``, or ``ValidationError`` if it is done
    already.
    """
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    if not may_mark_done(actor, letter):
        raise PermissionDenied
    if letter.status == Letter.Status.DONE:
        raise ValidationError(_("This letter is done already."), code="done")
    letter.status = Letter.Status.DONE
    letter.full_clean()
    attribute(letter, actor=actor, reason=_("Marked done"))
    letter.save()
    return letter


def letter_due_remind(*, today: date | None = None) -> int:
    """Daily: remind the executors of open letters as their due date comes.

    Three milestones, each sent once per letter and due date: from
    :data:`REMIND_WORKING_DAYS` working days before the due date (working
    calendar), on the due date, and once overdue. A missed run catches up on
    the next one; a moved due date starts the milestones again. Returns how
    many notifications were sent.
    """
    today = today or timezone.localdate()
    # A letter is "due soon" from the day that lies REMIND_WORKING_DAYS
    # working days before its due date: the same as a due date no later than
    # that many working days after today.
    soon_until = add_working_days(today, REMIND_WORKING_DAYS)
    letters = (
        Letter.objects.filter(
            status=Letter.Status.OPEN,
            executor__isnull=False,
            executor__is_active=True,
            due_date__lte=soon_until,
        )
        .select_related("executor")
        .order_by("due_date", "pk")
    )
    sent = 0
    for letter in letters:
        if letter.due_date < today:
            milestone, event = "overdue", "documents.letter_overdue"
        elif letter.due_date == today:
            milestone, event = "today", "documents.letter_due_today"
        else:
            milestone, event = "soon", "documents.letter_due_soon"
        sent += len(
            notify(
                recipients=[letter.executor],
                event=event,
                target=letter.get_absolute_url(),
                context={
                    "number": letter.reg_number,
                    "subject": letter.subject,
                    "due": letter.due_date.isoformat(),
                },
                once_key=(
                    f"documents:letter-due:{letter.pk}:"
                    f"{letter.due_date.isoformat()}:{milestone}"
                ),
            )
        )
    return sent
