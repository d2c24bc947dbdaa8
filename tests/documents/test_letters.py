"""Correspondence (РИ-05): numbering, files, reminders and the pages."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from documents.models import Letter, LetterFile
from documents.services import letters as services
from sapat.accounts.models import CalendarDay
from sapat.notify.models import Notification
from tests.accounts.factories import CalendarDayFactory, UserFactory
from tests.documents.factories_external import (
    LetterFactory,
    LetterFileFactory,
    executable_upload,
    pdf_upload,
)
from tests.utils import assert_constant_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(_isolate, client, settings):
    """Messages in the source language, so the tests can quote them."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    translation.activate("en")


@pytest.fixture
def office_manager(make_user):
    return make_user("office_manager")


def _register(actor, **fields):
    values = {
        "direction": Letter.Direction.INCOMING,
        "date": date(2026, 3, 2),
        "counterparty": "Билим берүү министрлиги",
        "subject": "Аккредитация",
    }
    values.update(fields)
    return services.letter_register(actor=actor, **values)


def _form(**changes):
    data = {
        "direction": Letter.Direction.INCOMING,
        "date": "2026-03-02",
        "counterparty": "Билим берүү министрлиги",
        "their_number": "01-12/345",
        "subject": "Аккредитациялоо жөнүндө",
        "executor": "",
        "due_date": "",
        "nomenclature_index": "02-05",
    }
    data.update(changes)
    return data


def _media_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- Numbering ----------------------------------------------------------------


def test_numbers_run_per_direction_and_restart_each_year(office_manager):
    first = _register(office_manager)
    second = _register(office_manager, date=date(2026, 12, 31))
    outgoing = _register(office_manager, direction=Letter.Direction.OUTGOING)
    next_year = _register(office_manager, date=date(2027, 1, 4))
    assert first.reg_number == "ВХ-2026/0001"
    assert (first.year, first.sequence) == (2026, 1)
    assert second.reg_number == "ВХ-2026/0002"
    assert outgoing.reg_number == "ЧЫГ-2026/0001"
    assert next_year.reg_number == "ВХ-2027/0001"
    assert (next_year.year, next_year.sequence) == (2027, 1)


def test_the_next_number_follows_the_highest_of_the_year(office_manager):
    LetterFactory(date=date(2026, 1, 5), sequence=41)
    LetterFactory(date=date(2025, 12, 30), sequence=99)
    assert _register(office_manager).reg_number == "ВХ-2026/0042"


def test_a_number_taken_meanwhile_is_retried_once(monkeypatch, office_manager):
    _register(office_manager)
    real = services._next_sequence
    calls = []

    def stale_then_real(direction, year):
        calls.append(year)
        return 1 if len(calls) == 1 else real(direction, year)

    monkeypatch.setattr(services, "_next_sequence", stale_then_real)
    letter = _register(office_manager)
    assert letter.reg_number == "ВХ-2026/0002"
    assert len(calls) == 2
    assert letter.history.count() == 1


def test_a_number_taken_twice_is_refused_with_a_message(monkeypatch, office_manager):
    _register(office_manager)
    monkeypatch.setattr(services, "_next_sequence", lambda direction, year: 1)
    with pytest.raises(ValidationError, match="took this number"):
        _register(office_manager)
    assert Letter.objects.count() == 1


# --- Registration rules -------------------------------------------------------


def test_staff_may_not_register_a_letter(staff):
    with pytest.raises(PermissionDenied):
        _register(staff)
    assert not Letter.objects.exists()


def test_a_due_date_before_the_letter_date_is_refused(office_manager):
    with pytest.raises(ValidationError) as error:
        _register(office_manager, due_date=date(2026, 3, 1))
    assert error.value.message_dict["due_date"] == [
        "The due date cannot be before the date of the letter."
    ]
    assert not Letter.objects.exists()


def test_registering_stores_a_checked_file_and_notifies_the_executor(
    office_manager, staff
):
    letter = _register(office_manager, executor=staff, files=[pdf_upload()])
    stored = LetterFile.objects.get()
    assert stored.letter == letter
    assert stored.file_type == "pdf"
    assert stored.file.read(5) == b"%PDF-"
    note = Notification.objects.get(recipient=staff)
    assert note.event == "documents.letter_assigned"
    assert note.target_url == letter.get_absolute_url()
    assert letter.history.latest().history_user == office_manager


def test_whoever_registers_a_letter_for_themselves_is_not_notified(office_manager):
    _register(office_manager, executor=office_manager)
    assert not Notification.objects.exists()


def test_an_executable_renamed_pdf_is_refused_and_nothing_is_stored(
    office_manager, settings
):
    with pytest.raises(ValidationError) as error:
        _register(office_manager, files=[pdf_upload("a.pdf"), executable_upload()])
    assert "scan.pdf" in error.value.message_dict["files"][0]
    assert "Only PDF, DOCX, XLSX and ODT" in error.value.message_dict["files"][0]
    assert not Letter.objects.exists()
    assert not LetterFile.objects.exists()
    assert _media_files(settings) == []


def test_the_year_of_a_registered_letter_cannot_change(office_manager):
    letter = _register(office_manager)
    with pytest.raises(ValidationError) as error:
        services.letter_update(
            letter=letter, actor=office_manager, date=date(2027, 1, 5)
        )
    assert "ВХ-2026/0001" in error.value.message_dict["date"][0]
    letter.refresh_from_db()
    assert letter.date == date(2026, 3, 2)


def test_the_direction_cannot_be_edited(office_manager):
    letter = _register(office_manager)
    with pytest.raises(ValidationError, match="direction"):
        services.letter_update(
            letter=letter, actor=office_manager, direction=Letter.Direction.OUTGOING
        )


def test_a_new_executor_is_notified_and_the_old_one_is_not_again(
    office_manager, make_user
):
    first, second = make_user("staff"), make_user("staff")
    letter = _register(office_manager, executor=first)
    services.letter_update(letter=letter, actor=office_manager, subject="Жаңы")
    assert Notification.objects.filter(recipient=first).count() == 1
    services.letter_update(letter=letter, actor=office_manager, executor=second)
    assert Notification.objects.filter(recipient=second).count() == 1
    assert letter.history.latest().history_user == office_manager


def test_the_executor_marks_their_letter_done_and_others_may_not(
    office_manager, make_user
):
    executor, other = make_user("staff"), make_user("staff")
    letter = _register(office_manager, executor=executor)
    with pytest.raises(PermissionDenied):
        services.letter_mark_done(letter=letter, actor=other)
    services.letter_mark_done(letter=letter, actor=executor)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.DONE
    assert letter.history.latest().history_user == executor
    with pytest.raises(ValidationError, match="done already"):
        services.letter_mark_done(letter=letter, actor=office_manager)


# --- Due-date reminders ------------------------------------------------------


def _events(letter) -> list[str]:
    return list(
        Notification.objects.filter(target_url=letter.get_absolute_url())
        .order_by("pk")
        .values_list("event", flat=True)
    )


def test_reminders_two_working_days_before_on_the_day_and_overdue_once_each():
    # Due Friday 12 June 2026: reminded from Wednesday 10 June.
    letter = LetterFactory(date=date(2026, 6, 1), due_date=date(2026, 6, 12))
    assert services.letter_due_remind(today=date(2026, 6, 9)) == 0
    assert services.letter_due_remind(today=date(2026, 6, 10)) == 1
    assert services.letter_due_remind(today=date(2026, 6, 11)) == 0
    assert services.letter_due_remind(today=date(2026, 6, 12)) == 1
    assert services.letter_due_remind(today=date(2026, 6, 12)) == 0
    assert services.letter_due_remind(today=date(2026, 6, 15)) == 1
    assert services.letter_due_remind(today=date(2026, 6, 16)) == 0
    assert _events(letter) == [
        "documents.letter_due_soon",
        "documents.letter_due_today",
        "documents.letter_overdue",
    ]
    note = Notification.objects.filter(event="documents.letter_overdue").get()
    assert note.recipient == letter.executor
    assert note.context["number"] == letter.reg_number


def test_a_letter_due_after_the_new_year_holidays_is_reminded_in_december():
    # Friday 1 January 2027 is a holiday, 2 and 3 January a weekend: two
    # working days before Monday 4 January is Wednesday 30 December 2026.
    CalendarDayFactory(date=date(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY)
    letter = LetterFactory(date=date(2026, 12, 21), due_date=date(2027, 1, 4))
    assert services.letter_due_remind(today=date(2026, 12, 29)) == 0
    assert services.letter_due_remind(today=date(2026, 12, 30)) == 1
    assert services.letter_due_remind(today=date(2026, 12, 31)) == 0
    assert services.letter_due_remind(today=date(2027, 1, 1)) == 0
    assert services.letter_due_remind(today=date(2027, 1, 4)) == 1
    assert services.letter_due_remind(today=date(2027, 1, 5)) == 1
    assert _events(letter) == [
        "documents.letter_due_soon",
        "documents.letter_due_today",
        "documents.letter_overdue",
    ]


def test_a_letter_due_at_the_start_of_a_month_is_reminded_the_month_before():
    # Monday 1 June 2026: two working days before is Thursday 28 May.
    letter = LetterFactory(date=date(2026, 5, 20), due_date=date(2026, 6, 1))
    assert services.letter_due_remind(today=date(2026, 5, 27)) == 0
    assert services.letter_due_remind(today=date(2026, 5, 28)) == 1
    assert services.letter_due_remind(today=date(2026, 5, 31)) == 0
    assert _events(letter) == ["documents.letter_due_soon"]


def test_a_missed_run_catches_up_once_and_done_letters_are_left_alone():
    overdue = LetterFactory(date=date(2026, 6, 1), due_date=date(2026, 6, 3))
    LetterFactory(
        date=date(2026, 6, 1), due_date=date(2026, 6, 3), status=Letter.Status.DONE
    )
    LetterFactory(date=date(2026, 6, 1), due_date=date(2026, 6, 3), executor=None)
    LetterFactory(date=date(2026, 6, 1), due_date=None)
    assert services.letter_due_remind(today=date(2026, 6, 20)) == 1
    assert services.letter_due_remind(today=date(2026, 6, 20)) == 0
    assert _events(overdue) == ["documents.letter_overdue"]


def test_a_moved_due_date_starts_the_reminders_again(office_manager):
    letter = LetterFactory(date=date(2026, 6, 1), due_date=date(2026, 6, 3))
    assert services.letter_due_remind(today=date(2026, 6, 3)) == 1
    services.letter_update(
        letter=letter, actor=office_manager, due_date=date(2026, 6, 5)
    )
    assert services.letter_due_remind(today=date(2026, 6, 5)) == 1
    assert services.letter_due_remind(today=date(2026, 6, 5)) == 0


# --- List ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "referent"])
def test_letters_are_403_to_those_without_view_letter(client, make_user, role):
    letter = LetterFactory()
    stored = LetterFileFactory(letter=letter)
    client.force_login(make_user(role))
    assert client.get(reverse("documents:letter_list")).status_code == 403
    assert client.get(letter.get_absolute_url()).status_code == 403
    assert (
        client.get(reverse("documents:letter_file_download", args=[stored.pk]))
    ).status_code == 403
    # Nothing tells a missing letter from one that is not theirs.
    assert client.get(reverse("documents:letter_detail", args=[999])).status_code == (
        403
    )
    missing_file = reverse("documents:letter_file_download", args=[999])
    assert client.get(missing_file).status_code == 403


def test_the_quality_manager_reads_letters_but_does_not_register(client, make_user):
    letter = LetterFactory()
    client.force_login(make_user("quality_manager"))
    response = client.get(reverse("documents:letter_list"))
    assert response.status_code == 200
    assert letter.reg_number in response.content.decode()
    assert reverse("documents:letter_create") not in response.content.decode()
    assert client.get(reverse("documents:letter_create")).status_code == 403


def test_letter_list_empty_state(client, office_manager):
    client.force_login(office_manager)
    response = client.get(reverse("documents:letter_list"))
    content = response.content.decode()
    assert "No letters are registered yet." in content
    assert reverse("documents:index") in content
    response = client.get(reverse("documents:letter_list"), {"q": "жок"})
    assert "No letter matches" in response.content.decode()


@pytest.mark.parametrize(
    "query", ["министрлиги", "МИНИСТРЛИГИ", "Министрлиги", "вх-2026/0001", "вх-2026"]
)
def test_letter_search_ignores_the_case_of_cyrillic(client, office_manager, query):
    found = _register(office_manager, counterparty="Билим берүү Министрлиги")
    _register(
        office_manager,
        direction=Letter.Direction.OUTGOING,
        counterparty="Университет",
        subject="Келишим",
    )
    client.force_login(office_manager)
    response = client.get(reverse("documents:letter_list"), {"q": query})
    assert list(response.context["page_obj"]) == [found]


def test_letter_search_finds_the_subject_and_their_number(client, office_manager):
    found = _register(office_manager, subject="Өзүн-өзү баалоо", their_number="7/15")
    _register(office_manager, subject="Башка")
    client.force_login(office_manager)
    url = reverse("documents:letter_list")
    assert list(client.get(url, {"q": "өзүн-өзү"}).context["page_obj"]) == [found]
    assert list(client.get(url, {"q": "7/15"}).context["page_obj"]) == [found]


def test_letter_filters_by_direction_status_and_overdue(client, office_manager):
    today = timezone.localdate()
    incoming = LetterFactory(date=today, due_date=today + timedelta(days=5))
    outgoing = LetterFactory(
        date=today - timedelta(days=9), direction=Letter.Direction.OUTGOING
    )
    late = LetterFactory(
        date=today - timedelta(days=9), due_date=today - timedelta(days=1)
    )
    done = LetterFactory(
        date=today - timedelta(days=9),
        due_date=today - timedelta(days=1),
        status=Letter.Status.DONE,
    )
    client.force_login(office_manager)
    url = reverse("documents:letter_list")

    def listed(**params):
        return set(client.get(url, params).context["page_obj"])

    assert listed(direction="out") == {outgoing}
    assert listed(status="done") == {done}
    assert listed(overdue="1") == {late}
    assert listed(direction="sideways") == {incoming, outgoing, late, done}
    assert 'data-overdue="1"' in client.get(url).content.decode()


def test_letter_list_pages(client, office_manager):
    LetterFactory.create_batch(26)
    client.force_login(office_manager)
    url = reverse("documents:letter_list")
    assert len(client.get(url).context["page_obj"]) == 25
    assert len(client.get(url, {"page": 2}).context["page_obj"]) == 1


def test_letter_list_has_a_query_budget(client, office_manager):
    client.force_login(office_manager)

    def make(n):
        for _ in range(n):
            LetterFileFactory(letter=LetterFactory(executor=UserFactory()))

    assert_constant_queries(client, reverse("documents:letter_list"), make)


# --- Create, edit, detail, done, download ---------------------------------------


def test_staff_may_not_register_a_letter_on_the_page(client, staff):
    client.force_login(staff)
    assert client.get(reverse("documents:letter_create")).status_code == 403
    response = client.post(reverse("documents:letter_create"), _form())
    assert response.status_code == 403
    assert not Letter.objects.exists()


def test_the_office_manager_registers_a_letter_with_files(
    client, office_manager, staff
):
    client.force_login(office_manager)
    response = client.post(
        reverse("documents:letter_create"),
        _form(
            executor=staff.pk,
            due_date="2026-03-16",
            files=[pdf_upload("скан.pdf"), pdf_upload("тиркеме.pdf")],
        ),
    )
    letter = Letter.objects.get()
    assert response.status_code == 302
    assert response.url == letter.get_absolute_url()
    assert letter.reg_number == "ВХ-2026/0001"
    assert letter.registered_by == office_manager
    assert letter.files.count() == 2
    assert letter.history.latest().history_user == office_manager
    assert Notification.objects.filter(recipient=staff).exists()


def test_letter_form_refuses_a_due_date_before_the_letter_date(client, office_manager):
    client.force_login(office_manager)
    response = client.post(
        reverse("documents:letter_create"), _form(due_date="2026-03-01")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["due_date"] == [
        "The due date cannot be before the date of the letter."
    ]
    assert not Letter.objects.exists()


def test_letter_form_refuses_an_executable_renamed_pdf(
    client, office_manager, settings
):
    client.force_login(office_manager)
    response = client.post(
        reverse("documents:letter_create"), _form(files=[executable_upload()])
    )
    assert response.status_code == 200
    [message] = response.context["form"].errors["files"]
    assert message.startswith("scan.pdf: Only PDF, DOCX, XLSX and ODT")
    assert not Letter.objects.exists()
    assert _media_files(settings) == []


def test_letter_form_refuses_missing_fields(client, office_manager):
    client.force_login(office_manager)
    response = client.post(
        reverse("documents:letter_create"),
        _form(direction="sideways", date="", counterparty="", subject=""),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"direction", "date", "counterparty", "subject"} <= set(errors)
    assert not Letter.objects.exists()


def test_the_quality_manager_may_not_edit_a_letter(client, make_user):
    letter = LetterFactory(subject="Эски")
    client.force_login(make_user("quality_manager"))
    response = client.post(
        reverse("documents:letter_edit", args=[letter.pk]), _form(subject="Жаңы")
    )
    assert response.status_code == 403
    letter.refresh_from_db()
    assert letter.subject == "Эски"


def test_the_office_manager_edits_a_letter_and_adds_a_file(client, office_manager):
    letter = _register(office_manager)
    client.force_login(office_manager)
    response = client.post(
        reverse("documents:letter_edit", args=[letter.pk]),
        _form(subject="Жаңы тема", files=[pdf_upload()]),
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.subject == "Жаңы тема"
    assert letter.reg_number == "ВХ-2026/0001"
    assert letter.files.count() == 1
    assert letter.history.latest().history_user == office_manager


def test_letter_edit_refuses_an_empty_subject_and_another_year(client, office_manager):
    letter = _register(office_manager)
    client.force_login(office_manager)
    url = reverse("documents:letter_edit", args=[letter.pk])
    response = client.post(url, _form(subject=""))
    assert response.context["form"].errors["subject"]
    response = client.post(url, _form(date="2027-01-05"))
    assert response.status_code == 200
    assert "ВХ-2026/0001" in response.context["form"].errors["date"][0]
    letter.refresh_from_db()
    assert (letter.subject, letter.date) == ("Аккредитация", date(2026, 3, 2))
    assert letter.history.count() == 1


def test_letter_detail_shows_files_and_history_to_the_executor(client, staff):
    letter = LetterFactory(executor=staff)
    stored = LetterFileFactory(letter=letter)
    client.force_login(staff)
    response = client.get(letter.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert reverse("documents:letter_file_download", args=[stored.pk]) in content
    assert 'id="history-heading"' in content
    assert reverse("documents:letter_done", args=[letter.pk]) in content
    assert reverse("documents:letter_edit", args=[letter.pk]) not in content


def test_staff_may_not_mark_someone_elses_letter_done(client, staff):
    letter = LetterFactory()
    client.force_login(staff)
    response = client.post(reverse("documents:letter_done", args=[letter.pk]))
    assert response.status_code == 403
    letter.refresh_from_db()
    assert letter.status == Letter.Status.OPEN
    assert letter.history.count() == 1


def test_the_office_manager_marks_a_letter_done(client, office_manager):
    letter = _register(office_manager)
    client.force_login(office_manager)
    url = reverse("documents:letter_done", args=[letter.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == Letter.Status.DONE
    row = letter.history.latest()
    assert row.history_user == office_manager
    assert row.history_change_reason == "Marked done"
    again = client.post(url, follow=True)
    assert "This letter is done already." in again.content.decode()


def test_a_letter_file_is_served_as_a_download_that_is_never_sniffed(
    client, office_manager
):
    stored = LetterFileFactory()
    client.force_login(office_manager)
    response = client.get(reverse("documents:letter_file_download", args=[stored.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    missing = reverse("documents:letter_file_download", args=[999])
    assert client.get(missing).status_code == 404
    missing = reverse("documents:letter_detail", args=[999])
    assert client.get(missing).status_code == 404


def test_the_letter_forms_upload_files(client, office_manager):
    letter = LetterFactory()
    client.force_login(office_manager)
    for url in (
        reverse("documents:letter_create"),
        reverse("documents:letter_edit", args=[letter.pk]),
    ):
        response = client.get(url)
        content = response.content.decode()
        assert response.status_code == 200
        assert 'enctype="multipart/form-data"' in content
        assert 'type="file"' in content
        assert "multiple" in content
    edit = client.get(reverse("documents:letter_edit", args=[letter.pk]))
    assert "direction" not in edit.context["form"].fields


def test_the_daily_task_runs_the_reminders():
    from documents.tasks import letter_due_reminders

    today = timezone.localdate()
    LetterFactory(date=today - timedelta(days=9), due_date=today - timedelta(days=3))
    assert letter_due_reminders() == 1
    assert letter_due_reminders() == 0
