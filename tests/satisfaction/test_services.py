"""Services of customer satisfaction: feedback, its lifecycle, triage, surveys."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from capa.models import Nonconformity, Source
from sapat.accounts.calendar import add_working_days
from sapat.notify.models import Email, Notification
from satisfaction import services
from satisfaction.models import (
    CODE_ALPHABET,
    Answer,
    Attachment,
    Feedback,
    Invitation,
    Kind,
    QuestionKind,
    Reply,
    Response,
    Status,
    Survey,
    TriageDigest,
)
from satisfaction.selectors import (
    feedback_by_code,
    satisfaction_summary,
    survey_results,
)
from tests.satisfaction.factories import (
    FeedbackFactory,
    QuestionFactory,
    QuestionnaireFactory,
    jpeg_bytes,
    png_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_user):
    return make_user("quality_manager", language="en")


def submit(**overrides):
    fields = {
        "kind": Kind.COMPLAINT,
        "text": "The expert report came 5 days late.",
        "consent": True,
        "name": "Айгүл",
        "email": "aigul@example.kg",
        "language": "en",
    }
    fields.update(overrides)
    return services.feedback_submit(**fields)


# --- Codes ------------------------------------------------------------------------


def test_codes_are_long_and_have_no_look_alikes():
    codes = {services.new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) >= 10
        assert not set(code) & set("0O1IlL")
        assert set(code) <= set(CODE_ALPHABET)


@pytest.mark.parametrize(
    "raw",
    ["", "x", "0" * 12, "ABCDEFGHJKM", "ABCDEFGHJKMNP", "ä" * 12, None, 12, "A" * 5000],
)
def test_malformed_codes_are_not_codes(raw):
    assert services.normalise_code(raw) is None


def test_codes_are_read_with_spaces_hyphens_and_lower_case():
    assert services.normalise_code(" abcd-efgh 2345 ") == "ABCDEFGH2345"
    assert services.display_code("ABCDEFGH2345") == "ABCD-EFGH-2345"


# --- Submitting ---------------------------------------------------------------------


def test_submit_saves_with_code_deadline_and_tells_the_director(organisation):
    feedback = submit(files=[upload("scan.pdf")])
    assert feedback.status == Status.RECEIVED
    assert feedback.deadline == add_working_days(timezone.localdate(), 10)
    assert feedback.attachments.get().file_type == "pdf"
    assert Notification.objects.filter(
        recipient=organisation.director, event="satisfaction.complaint_received"
    ).exists()
    assert feedback.history.get().history_change_reason


def test_submit_e_mails_the_code_to_the_client():
    feedback = submit()
    email = Email.objects.get(to="aigul@example.kg")
    assert services.display_code(feedback.code) in email.body_text


def test_script_in_the_text_is_escaped_in_the_e_mail():
    submit(text="<script>alert(1)</script>")
    email = Email.objects.get(to="aigul@example.kg")
    assert "<script>" not in email.body_html
    assert "&lt;script&gt;" in email.body_html


def test_a_suggestion_goes_to_the_quality_managers(manager, organisation):
    submit(kind=Kind.SUGGESTION)
    assert Notification.objects.filter(
        recipient=manager, event="satisfaction.feedback_received"
    ).exists()
    assert not Notification.objects.filter(recipient=organisation.director).exists()


def test_submit_without_contact_and_consent_saves_nothing():
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        submit(email="", phone="", consent=False)
    errors = caught.value.message_dict
    assert "e-mail address or a phone" in errors["email"][0]
    assert "consent" in errors["consent"][0]
    assert not Feedback.objects.exists()


def test_submit_with_a_bomb_or_too_many_files_saves_nothing():
    with pytest.raises(ValidationError) as caught:
        submit(files=[upload("b.png", png_bytes(20000, 20000))])
    assert "files" in caught.value.message_dict
    with pytest.raises(ValidationError):
        submit(files=[upload(f"{i}.pdf") for i in range(4)])
    assert not Feedback.objects.exists()
    assert not Attachment.objects.exists()


def test_text_over_the_limit_is_refused():
    with pytest.raises(ValidationError):
        submit(text="x" * 5001)
    assert not Feedback.objects.exists()


def test_only_a_question_may_be_published():
    assert submit(kind=Kind.COMPLAINT, may_publish=True).may_publish is False
    assert submit(kind=Kind.QUESTION, may_publish=True).may_publish is True


def test_register_needs_the_permission(make_user):
    outsider = make_user()
    with pytest.raises(PermissionDenied):
        services.feedback_register(
            actor=outsider,
            channel="paper",
            kind=Kind.COMPLAINT,
            received_on=timezone.localdate(),
            text="Кат",
        )
    assert not Feedback.objects.exists()


def test_staff_register_a_paper_complaint_with_its_scan(staff):
    feedback = services.feedback_register(
        actor=staff,
        channel="paper",
        kind=Kind.COMPLAINT,
        received_on=timezone.localdate() - timedelta(days=2),
        text="Кат",
        name="Бакыт",
        files=[upload("scan.jpg", jpeg_bytes(2000, 1500))],
    )
    assert feedback.code and feedback.created_by == staff
    assert feedback.attachments.get().file_type == "jpeg"
    assert feedback.history.get().history_user == staff


# --- Lifecycle ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Status.RECEIVED, Status.IN_REVIEW),
        (Status.IN_REVIEW, Status.CLOSED),
        (Status.ANSWERED, Status.IN_REVIEW),
        (Status.ANSWERED, Status.CLOSED),
    ],
)
def test_allowed_moves(manager, start, target):
    feedback = FeedbackFactory(status=start)
    services.feedback_move(actor=manager, feedback=feedback, status=target)
    feedback.refresh_from_db()
    assert feedback.status == target
    assert feedback.history.latest().history_user == manager


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Status.RECEIVED, Status.CLOSED),
        (Status.CLOSED, Status.IN_REVIEW),
        (Status.IN_REVIEW, Status.ANSWERED),
    ],
)
def test_forbidden_moves(manager, start, target):
    feedback = FeedbackFactory(status=start)
    with pytest.raises(ValidationError):
        services.feedback_move(actor=manager, feedback=feedback, status=target)
    feedback.refresh_from_db()
    assert feedback.status == start


def test_reply_answers_emails_and_keeps_history(director):
    feedback = FeedbackFactory()
    services.feedback_reply(actor=director, feedback=feedback, text="Кечиресиз.")
    feedback.refresh_from_db()
    assert feedback.status == Status.ANSWERED
    assert feedback.answered_at is not None
    reasons = list(feedback.history.values_list("history_change_reason", flat=True))
    assert len(reasons) == 3  # created, in review, answered
    email = Email.objects.get(to=feedback.email)
    assert "Кечиресиз." in email.body_text


def test_closing_reply_closes_and_asks_if_satisfied(director):
    feedback = FeedbackFactory(status=Status.IN_REVIEW)
    with translation.override("en"):
        services.feedback_reply(
            actor=director, feedback=feedback, text="Done.", close=True
        )
    feedback.refresh_from_db()
    assert feedback.status == Status.CLOSED and feedback.closed_at
    assert "satisfied" in Email.objects.get(to=feedback.email).body_text
    with pytest.raises(ValidationError):
        services.feedback_reply(actor=director, feedback=feedback, text="Again")


def test_someone_else_may_not_reply(staff):
    feedback = FeedbackFactory()
    with pytest.raises(PermissionDenied):
        services.feedback_reply(actor=staff, feedback=feedback, text="x")
    assert not Reply.objects.exists()


def test_the_assignee_may_reply(manager, staff):
    feedback = FeedbackFactory(kind=Kind.SUGGESTION)
    services.feedback_assign(actor=manager, feedback=feedback, assignee=staff)
    assert Notification.objects.filter(
        recipient=staff, event="satisfaction.assigned"
    ).exists()
    services.feedback_reply(actor=staff, feedback=feedback, text="Рахмат")
    assert Reply.objects.get().author == staff


def test_director_handles_complaints_but_not_suggestions(director):
    with pytest.raises(PermissionDenied):
        services.feedback_note(
            actor=director, feedback=FeedbackFactory(kind=Kind.SUGGESTION), text="x"
        )
    note = services.feedback_note(actor=director, feedback=FeedbackFactory(), text="y")
    assert note.internal


def test_triage_raises_a_nonconformity_once(manager):
    feedback = FeedbackFactory()
    services.feedback_triage(
        actor=manager, feedback=feedback, category="deadlines", is_nonconformity=True
    )
    services.feedback_triage(
        actor=manager, feedback=feedback, category="deadlines", is_nonconformity=True
    )
    nc = Nonconformity.objects.get()
    assert nc.source == Source.COMPLAINT
    assert nc.origin == feedback
    feedback.refresh_from_db()
    assert feedback.nonconformity == nc and feedback.triaged_by == manager


def test_triage_needs_the_permission(director):
    with pytest.raises(PermissionDenied):
        services.feedback_triage(
            actor=director, feedback=FeedbackFactory(), category="other"
        )


def test_publication_needs_consent_and_an_answer(manager):
    question = FeedbackFactory(kind=Kind.QUESTION, may_publish=True)
    with pytest.raises(ValidationError):
        services.feedback_publish(actor=manager, feedback=question, question="Q?")
    services.feedback_reply(actor=manager, feedback=question, text="A.")
    services.feedback_publish(actor=manager, feedback=question, question="Q?")
    question.refresh_from_db()
    assert question.published_at and question.public_question == "Q?"
    private = FeedbackFactory(kind=Kind.QUESTION, may_publish=False)
    services.feedback_reply(actor=manager, feedback=private, text="A.")
    with pytest.raises(ValidationError):
        services.feedback_publish(actor=manager, feedback=private, question="Q?")


def test_satisfaction_is_asked_once_and_only_when_closed():
    feedback = FeedbackFactory(status=Status.ANSWERED)
    with pytest.raises(ValidationError):
        services.feedback_satisfaction(feedback=feedback, satisfied=True)
    Feedback.objects.filter(pk=feedback.pk).update(status=Status.CLOSED)
    services.feedback_satisfaction(feedback=feedback, satisfied=False)
    with pytest.raises(ValidationError):
        services.feedback_satisfaction(feedback=feedback, satisfied=True)
    feedback.refresh_from_db()
    assert feedback.satisfied is False


# --- Personal data -----------------------------------------------------------------


def test_anonymising_removes_contact_data_from_rows_history_and_outbox():
    feedback = submit(organisation="Колледж", phone="+996 555 123456")
    services.feedback_anonymise_request(feedback=feedback)
    feedback.refresh_from_db()
    assert (feedback.name, feedback.email, feedback.phone) == ("", "", "")
    assert feedback.anonymised_at
    for row in feedback.history.all():
        assert (row.name, row.organisation, row.email, row.phone) == ("", "", "", "")
    assert not Email.objects.filter(to="aigul@example.kg").exists()
    assert feedback_by_code(feedback.code) == feedback  # the page still works


def test_old_closed_feedback_and_named_answers_are_anonymised(settings):
    settings.SATISFACTION_ANONYMISE_AFTER_YEARS = 3
    now = timezone.now()
    old = FeedbackFactory(status=Status.CLOSED, closed_at=now - timedelta(days=3 * 366))
    recent = FeedbackFactory(status=Status.CLOSED, closed_at=now - timedelta(days=30))
    still_open = FeedbackFactory(status=Status.IN_REVIEW)
    question = QuestionFactory()
    survey = services.survey_send(
        actor=None,
        questionnaire=question.questionnaire,
        title="S",
        recipients=[("Нурлан", "n@example.kg")],
        anonymous=False,
    )
    response = Response.objects.create(survey=survey, respondent="Нурлан")
    Response.objects.filter(pk=response.pk).update(
        submitted_at=now - timedelta(days=4 * 365)
    )
    Invitation.objects.filter(survey=survey).update(
        created_at=now - timedelta(days=4 * 365)
    )
    assert services.personal_data_anonymise(now=now) >= 3
    old.refresh_from_db()
    recent.refresh_from_db()
    still_open.refresh_from_db()
    assert old.email == "" and old.history.filter(email__gt="").count() == 0
    assert recent.email and still_open.email
    response.refresh_from_db()
    assert response.respondent == ""
    assert Invitation.objects.get().email == ""


# --- Weekly triage ---------------------------------------------------------------


def test_weekly_digest_lists_each_item_once_and_is_idempotent(manager):
    monday = date(2026, 3, 2)
    first = FeedbackFactory()
    overdue = FeedbackFactory(deadline=monday - timedelta(days=1))
    digest = services.triage_digest_send(today=monday)
    assert digest.item_count == 2 and digest.overdue == 1 and digest.unanswered == 2
    assert set(digest.items.all()) == {first, overdue}
    assert services.triage_digest_send(today=monday + timedelta(days=2)) is None
    assert Notification.objects.filter(event="satisfaction.weekly_digest").count() == 1
    later = FeedbackFactory()
    second = services.triage_digest_send(today=monday + timedelta(days=7))
    assert list(second.items.all()) == [later]
    assert TriageDigest.objects.count() == 2
    note = Notification.objects.filter(event="satisfaction.weekly_digest").first()
    assert later.code in note.body


# --- Surveys ---------------------------------------------------------------------


def _survey(anonymous=True, recipients=(("Асель", "asel@example.kg"),)):
    questionnaire = QuestionnaireFactory()
    scale = QuestionFactory(questionnaire=questionnaire, kind=QuestionKind.SCALE5)
    nps = QuestionFactory(questionnaire=questionnaire, kind=QuestionKind.SCALE10)
    choice = QuestionFactory(
        questionnaire=questionnaire, kind=QuestionKind.CHOICE, choices="Ооба\nЖок"
    )
    text = QuestionFactory(
        questionnaire=questionnaire, kind=QuestionKind.TEXT, required=False
    )
    survey = services.survey_send(
        actor=None,
        questionnaire=questionnaire,
        title="S",
        recipients=list(recipients),
        anonymous=anonymous,
    )
    return survey, (scale, nps, choice, text)


def _token_from_outbox(address: str) -> str:
    body = Email.objects.filter(to=address).latest("id").body_text
    return re.search(r"/survey/([^/\s]+)/", body).group(1)


def test_survey_links_are_single_use(manager):
    _sent, (scale, nps, choice, text) = _survey()
    token = _token_from_outbox("asel@example.kg")
    assert not Invitation.objects.filter(token_hash=token).exists()  # hashed
    answers = {scale.pk: "5", nps.pk: "9", choice.pk: "Ооба", text.pk: "<b>ok</b>"}
    response = services.survey_answer(token=token, answers=answers, respondent="X")
    assert response.respondent == ""  # anonymous
    assert Answer.objects.filter(response=response).count() == 4
    with pytest.raises(ValidationError) as caught:
        services.survey_answer(token=token, answers=answers)
    assert caught.value.code == "invalid"


def test_expired_link_is_refused():
    _sent, (scale, *_rest) = _survey()
    token = _token_from_outbox("asel@example.kg")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError):
        services.survey_answer(token=token, answers={scale.pk: "4"})
    assert not Response.objects.exists()


def test_bad_answers_are_refused_by_question():
    _sent, (scale, nps, choice, _text) = _survey()
    token = _token_from_outbox("asel@example.kg")
    with pytest.raises(ValidationError) as caught:
        services.survey_answer(
            token=token, answers={scale.pk: "6", nps.pk: "x", choice.pk: "Мүмкүн"}
        )
    assert set(caught.value.message_dict) == {
        f"q{scale.pk}",
        f"q{nps.pk}",
        f"q{choice.pk}",
    }
    assert not Response.objects.exists()
    assert Invitation.objects.get().used_at is None


def test_results_index_nps_and_rate():
    people = [(f"P{i}", f"p{i}@example.kg") for i in range(4)]
    survey, (scale, nps, choice, _text) = _survey(anonymous=False, recipients=people)
    for i, (value5, value10) in enumerate([(5, 10), (3, 9), (1, 2)]):
        services.survey_answer(
            token=_token_from_outbox(f"p{i}@example.kg"),
            answers={scale.pk: str(value5), nps.pk: str(value10), choice.pk: "Жок"},
        )
    results = survey_results(survey)
    assert results.invited == 4 and results.responses == 3
    assert results.response_rate == 75.0
    # (100 + 50 + 0 + 100 + 90 + 20) / 6
    assert results.index == 60.0
    assert results.nps == round((2 - 1) * 100 / 3, 1)
    assert dict(results.questions[2].distribution) == {"Ооба": 0, "Жок": 3}
    named = Response.objects.first()
    assert named.respondent.startswith("P")


def test_summary_counts_survey_and_closing_loop_answers():
    _sent, (scale, *_rest) = _survey()
    services.survey_answer(
        token=_token_from_outbox("asel@example.kg"),
        answers={scale.pk: "5", _rest[0].pk: "10", _rest[1].pk: "Ооба"},
    )
    FeedbackFactory(status=Status.CLOSED, satisfied=False, satisfied_at=timezone.now())
    summary = satisfaction_summary(timezone.localdate().year)
    assert summary["responses"] == 1 and summary["response_rate"] == 100.0
    assert summary["index"] == round((100 + 100 + 0) / 3, 1)
    assert summary["nps"] == 100.0
    assert summary["loop_satisfied"] == 0.0 and summary["loop_answers"] == 1
    assert dict(summary["feedback_by_kind"])["complaint"] == 1


def test_survey_without_questions_is_refused(manager):
    with pytest.raises(ValidationError):
        services.survey_send(
            actor=manager, questionnaire=QuestionnaireFactory(), title="x"
        )
    assert not Survey.objects.exists()


def test_seminar_hook_sends_once():
    questionnaire = QuestionnaireFactory(audience="seminar")
    QuestionFactory(questionnaire=questionnaire)
    people = [("А", "a@example.kg"), ("Б", "b@example.kg"), ("Б", "B@example.kg")]
    first = services.survey_send_for_seminar(
        seminar_reference="С-2026-03 Ички аудит", participants=people
    )
    again = services.survey_send_for_seminar(
        seminar_reference="С-2026-03 Ички аудит", participants=people
    )
    assert first == again
    assert first.invitations.count() == 2
    assert Email.objects.count() == 2
