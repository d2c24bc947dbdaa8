"""Pages of customer satisfaction: the public ones are the hardest to break."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from satisfaction import services
from satisfaction.models import Attachment, Feedback, Kind, Reply, Status
from tests.accounts.factories import UserFactory
from tests.satisfaction.factories import (
    PDF,
    FeedbackFactory,
    QuestionFactory,
    QuestionnaireFactory,
    SurveyFactory,
    png_bytes,
    upload,
)
from tests.utils import assert_constant_queries

pytestmark = pytest.mark.django_db

FORM = "/feedback/"
STATUS = "/feedback/status/"


def en(message: str) -> str:
    with translation.override("en"):
        return gettext(message)


@pytest.fixture
def manager(make_user):
    return make_user("quality_manager", language="en")


@pytest.fixture
def nobody(db):
    return UserFactory(language="en")


@pytest.fixture
def english(client):
    client.cookies["sapat_language"] = "en"
    return client


def valid(**overrides):
    data = {
        "kind": "complaint",
        "name": "Айгүл",
        "organisation": "Колледж",
        "email": "aigul@example.kg",
        "phone": "",
        "reference": "",
        "text": "Корутунду кечикти.",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


# --- The public form ----------------------------------------------------------------


def test_public_urls_are_where_the_issue_says():
    assert reverse("feedback_public") == FORM
    assert reverse("feedback_status") == STATUS
    assert reverse("feedback_questions") == "/feedback/questions/"
    assert reverse("survey_answer", args=["abc"]) == "/survey/abc/"


def test_form_is_open_to_anyone(english):
    response = english.get(FORM)
    assert response.status_code == 200
    assert 'name="website"' in response.content.decode()  # the honeypot


def test_submission_shows_the_code(english):
    response = english.post(FORM, valid(files=[upload()]))
    assert response.status_code == 200
    feedback = Feedback.objects.get()
    assert services.display_code(feedback.code) in response.content.decode()
    assert feedback.attachments.count() == 1
    assert feedback.language == "en"


def test_missing_contact_and_consent_keep_the_rest(english):
    response = english.post(FORM, valid(email="", consent=""))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert (
        en("Give an e-mail address or a phone number to reach you.") in errors["email"]
    )
    assert en("We need your consent to process what you send.") in errors["consent"]
    assert "Корутунду кечикти." in response.content.decode()
    assert not Feedback.objects.exists()


def test_text_over_the_limit_is_a_form_error(english):
    response = english.post(FORM, valid(text="x" * 5001))
    assert "text" in response.context["form"].errors
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00 not a pdf", "Only PDF, JPEG and PNG files are accepted"),
        (png_bytes(30000, 30000), "The image is too large"),
    ],
)
def test_bad_attachments_are_form_errors(english, content, message):
    response = english.post(FORM, valid(files=[upload("x.pdf", content)]))
    assert message in " ".join(response.context["form"].errors["files"])
    assert not Feedback.objects.exists()


def test_oversized_attachment_is_a_form_error(english, settings):
    settings.SATISFACTION_MAX_ATTACHMENT_MB = 1
    response = english.post(
        FORM, valid(files=[upload("big.pdf", PDF + b"0" * (1024 * 1024))])
    )
    assert "larger than 1 MB" in " ".join(response.context["form"].errors["files"])
    assert not Attachment.objects.exists()


def test_more_than_three_files_is_a_form_error(english):
    response = english.post(FORM, valid(files=[upload(f"{i}.pdf") for i in range(4)]))
    assert "files" in response.context["form"].errors
    assert not Feedback.objects.exists()


def test_honeypot_drops_the_submission_silently(english):
    response = english.post(FORM, valid(website="http://spam.example"))
    assert response.status_code == 200
    assert "feedback-code" in response.content.decode()
    assert not Feedback.objects.exists()


def test_the_n_plus_first_post_is_refused_with_429(client, settings):
    settings.SATISFACTION_RATE_MINUTE = "5/m"
    client.cookies["sapat_language"] = "ru"
    for _ in range(5):
        assert client.post(FORM, valid()).status_code == 200
    response = client.post(FORM, valid())
    assert response.status_code == 429
    assert response["Content-Language"] == "ru"
    assert "too-many" in response.content.decode()
    assert Feedback.objects.count() == 5
    assert client.get(FORM).status_code == 200  # reading is not limited


def test_hourly_limit_applies_too(client, settings):
    settings.SATISFACTION_RATE_MINUTE = "100/m"
    settings.SATISFACTION_RATE_HOUR = "2/h"
    client.post(FORM, valid())
    client.post(FORM, valid())
    assert client.post(FORM, valid()).status_code == 429


def test_post_without_csrf_token_is_refused():
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(FORM, valid())
    assert response.status_code == 403
    assert not Feedback.objects.exists()


def test_replayed_post_with_a_forged_token_is_refused():
    browser = Client(enforce_csrf_checks=True)
    browser.get(FORM)
    data = valid(csrfmiddlewaretoken="x" * 64)
    assert browser.post(FORM, data).status_code == 403
    assert not Feedback.objects.exists()


def test_form_with_a_real_token_is_accepted():
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(FORM).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert browser.post(FORM, valid(csrfmiddlewaretoken=token)).status_code == 200
    assert Feedback.objects.count() == 1


# --- The status page ----------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "",
        "nonsense",
        "ABCDEFGHJKMN",
        "' OR 1=1 --",
        "A" * 10000,
        "\x00\x01",
        "ЖЖЖЖЖЖЖЖЖЖЖЖ",
    ],
)
def test_wrong_or_malformed_code_is_not_found(english, code):
    FeedbackFactory(code="ABCDEFGHJKMP")
    response = english.post(STATUS, {"code": code})
    assert response.status_code == 200
    body = response.content.decode()
    assert "status-not-found" in body
    assert "status-result" not in body


def test_code_shows_status_and_public_replies_only(english, director):
    feedback = FeedbackFactory()
    services.feedback_note(actor=director, feedback=feedback, text="SECRET NOTE")
    services.feedback_reply(actor=director, feedback=feedback, text="Our answer")
    response = english.post(STATUS, {"code": feedback.code.lower()})
    body = response.content.decode()
    assert "Our answer" in body
    assert "SECRET NOTE" not in body
    assert feedback.email not in body
    assert str(director) not in body


def test_code_is_never_in_the_address(english):
    assert english.get(STATUS + "?code=ABCDEFGHJKMN").status_code == 200
    assert "status-result" not in english.get(STATUS).content.decode()


def test_client_answers_the_closing_question(english, director):
    feedback = FeedbackFactory()
    services.feedback_reply(actor=director, feedback=feedback, text="x", close=True)
    page = english.post(STATUS, {"code": feedback.code}).content.decode()
    assert "satisfied-form" in page
    english.post(
        STATUS, {"code": feedback.code, "action": "satisfied", "satisfied": "yes"}
    )
    feedback.refresh_from_db()
    assert feedback.satisfied is True


def test_client_asks_to_be_anonymised(english):
    feedback = FeedbackFactory()
    english.post(STATUS, {"code": feedback.code, "action": "anonymise"})
    feedback.refresh_from_db()
    assert feedback.email == "" and feedback.anonymised_at


def test_lookups_are_rate_limited(client, settings):
    settings.SATISFACTION_LOOKUP_RATE = "2/m"
    client.post(STATUS, {"code": "x"})
    client.post(STATUS, {"code": "x"})
    assert client.post(STATUS, {"code": "x"}).status_code == 429


# --- Questions and answers ----------------------------------------------------------


def test_only_published_answered_questions_are_shown(client, manager):
    shown = FeedbackFactory(kind=Kind.QUESTION, may_publish=True, text="private words")
    services.feedback_reply(actor=manager, feedback=shown, text="Public answer")
    services.feedback_publish(actor=manager, feedback=shown, question="<b>How?</b>")
    hidden = FeedbackFactory(kind=Kind.QUESTION, may_publish=True, text="Unpublished")
    services.feedback_reply(actor=manager, feedback=hidden, text="Hidden answer")
    body = client.get("/feedback/questions/").content.decode()
    assert "&lt;b&gt;How?&lt;/b&gt;" in body and "Public answer" in body
    assert "Hidden answer" not in body and "private words" not in body


# --- Survey links -------------------------------------------------------------------


def test_survey_link_answers_once(client):
    question = QuestionFactory()
    survey = SurveyFactory(questionnaire=question.questionnaire)
    _invitation, token = services.survey_invite(survey=survey, name="А")
    url = reverse("survey_answer", args=[token])
    assert client.get(url).status_code == 200
    response = client.post(url, {f"q{question.pk}": "4"})
    assert "survey-thanks" in response.content.decode()
    again = client.get(url)
    assert again.status_code == 404
    assert "survey-invalid" in again.content.decode()


def test_survey_bad_answer_is_a_form_error(client):
    question = QuestionFactory()
    survey = SurveyFactory(questionnaire=question.questionnaire)
    _invitation, token = services.survey_invite(survey=survey)
    response = client.post(reverse("survey_answer", args=[token]), {})
    assert f"q{question.pk}" in response.context["form"].errors


@pytest.mark.parametrize("token", ["x", "a" * 43, "%00" * 30])
def test_unknown_survey_link_is_404_not_500(client, token):
    assert client.get(f"/survey/{token}/").status_code == 404


# --- Intranet: permission pairs -----------------------------------------------------


def test_index_pair(client, nobody, manager):
    client.force_login(nobody)
    assert client.get(reverse("satisfaction:index")).status_code == 403
    client.force_login(manager)
    assert client.get(reverse("satisfaction:index")).status_code == 200


def test_inbox_pair_and_director_sees_complaints_only(client, staff, director):
    complaint = FeedbackFactory(kind=Kind.COMPLAINT)
    suggestion = FeedbackFactory(kind=Kind.SUGGESTION)
    client.force_login(staff)
    assert client.get(reverse("satisfaction:feedback_list")).status_code == 403
    client.force_login(director)
    body = client.get(reverse("satisfaction:feedback_list")).content.decode()
    assert complaint.code in body and suggestion.code not in body
    assert client.get(suggestion.get_absolute_url()).status_code == 404


def test_script_payload_is_escaped_in_the_intranet(client, manager):
    feedback = FeedbackFactory(
        text="<script>alert(1)</script>", name="<img src=x onerror=alert(1)>"
    )
    client.force_login(manager)
    for url in (reverse("satisfaction:feedback_list"), feedback.get_absolute_url()):
        body = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in body
        assert "<img src=x" not in body
        assert "&lt;script&gt;" in body


def test_reply_pair(client, staff, director):
    feedback = FeedbackFactory()
    url = reverse("satisfaction:feedback_reply", args=[feedback.pk])
    client.force_login(staff)
    assert client.post(url, {"text": "x"}).status_code == 404
    assert not Reply.objects.exists()
    client.force_login(director)
    assert client.post(url, {"text": "Жооп"}).status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == Status.ANSWERED
    assert feedback.history.latest().history_user == director


def test_empty_reply_is_a_form_error(client, director):
    feedback = FeedbackFactory()
    client.force_login(director)
    url = reverse("satisfaction:feedback_reply", args=[feedback.pk])
    response = client.post(url, {"text": ""})
    assert response.status_code == 400
    assert "text" in response.context["reply_form"].errors
    assert not Reply.objects.exists()


def test_move_and_note_pairs(client, staff, manager):
    feedback = FeedbackFactory(kind=Kind.SUGGESTION)
    move = reverse("satisfaction:feedback_move", args=[feedback.pk])
    note = reverse("satisfaction:feedback_note", args=[feedback.pk])
    client.force_login(staff)
    assert client.post(move, {"status": "in_review"}).status_code == 404
    assert client.post(note, {"text": "n"}).status_code == 404
    client.force_login(manager)
    client.post(move, {"status": "in_review"})
    client.post(note, {"text": "n"})
    feedback.refresh_from_db()
    assert feedback.status == Status.IN_REVIEW
    assert feedback.replies.get().internal


def test_assign_pair(client, director, manager, staff):
    feedback = FeedbackFactory(kind=Kind.SUGGESTION)
    url = reverse("satisfaction:feedback_assign", args=[feedback.pk])
    client.force_login(director)
    assert client.post(url, {"assignee": staff.pk}).status_code == 404
    client.force_login(manager)
    assert client.post(url, {"assignee": staff.pk}).status_code == 302
    feedback.refresh_from_db()
    assert feedback.assignee == staff
    # The assignee now sees it and may answer.
    client.force_login(staff)
    assert client.get(feedback.get_absolute_url()).status_code == 200


def test_triage_pair(client, director, manager):
    feedback = FeedbackFactory()
    url = reverse("satisfaction:feedback_triage", args=[feedback.pk])
    client.force_login(director)
    assert client.post(url, {"category": "service"}).status_code == 403
    client.force_login(manager)
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"category": "service", "is_nonconformity": "on", "severity": "minor"}
    )
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.category == "service" and feedback.nonconformity


def test_register_pair_and_bad_input(client, nobody, staff):
    url = reverse("satisfaction:feedback_register")
    client.force_login(nobody)
    assert client.get(url).status_code == 403
    client.force_login(staff)
    data = {
        "channel": "paper",
        "kind": "complaint",
        "received_on": "2999-01-01",
        "text": "Кат",
        "files": [upload("x.pdf", b"MZ evil")],
    }
    response = client.post(url, data)
    assert {"received_on", "files"} <= set(response.context["form"].errors)
    assert not Feedback.objects.exists()
    data.update(received_on="2026-01-05", files=[upload()])
    response = client.post(url, data)
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.channel == "paper" and feedback.created_by == staff


def test_attachment_download_pair(client, staff, director):
    feedback = services.feedback_submit(
        kind="complaint",
        text="x",
        consent=True,
        email="a@example.kg",
        files=[upload("<b>scan</b>.pdf")],
    )
    stored = feedback.attachments.get()
    url = reverse("satisfaction:attachment_download", args=[stored.pk])
    client.force_login(staff)
    assert client.get(url).status_code == 404
    client.force_login(director)
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF


def test_publish_pair(client, director, manager):
    feedback = FeedbackFactory(kind=Kind.QUESTION, may_publish=True)
    services.feedback_reply(actor=manager, feedback=feedback, text="A")
    url = reverse("satisfaction:feedback_publish", args=[feedback.pk])
    client.force_login(manager)
    assert client.post(url, {"publish": "1", "public_question": "Q"}).status_code == 302
    feedback.refresh_from_db()
    assert feedback.published_at


def test_questionnaire_and_survey_pages(client, staff, manager):
    client.force_login(staff)
    assert client.get(reverse("satisfaction:questionnaire_list")).status_code == 403
    assert client.get(reverse("satisfaction:survey_list")).status_code == 403
    assert client.get(reverse("satisfaction:summary")).status_code == 403
    client.force_login(manager)
    response = client.post(
        reverse("satisfaction:questionnaire_create"),
        {"title": "Долбоор", "intro": "", "audience": "project", "active": "on"},
    )
    assert response.status_code == 302
    url = response["Location"]
    bad = client.post(url, {"text": "Тандоо", "kind": "choice", "choices": "бир"})
    assert "choices" in bad.context["form"].errors
    client.post(url, {"text": "Баа", "kind": "scale5", "required": "on"})
    questionnaire = QuestionnaireFactory._meta.model.objects.get(title="Долбоор")
    assert questionnaire.questions.count() == 1
    response = client.post(
        reverse("satisfaction:survey_create"),
        {
            "questionnaire": questionnaire.pk,
            "title": "Сурамжылоо",
            "anonymous": "on",
            "expires_on": "2999-01-01",
            "recipients": "Асель, asel@example.kg\nnot-an-address",
        },
    )
    assert "recipients" in response.context["form"].errors
    response = client.post(
        reverse("satisfaction:survey_create"),
        {
            "questionnaire": questionnaire.pk,
            "title": "Сурамжылоо",
            "anonymous": "on",
            "expires_on": "2999-01-01",
            "recipients": "Асель, asel@example.kg",
        },
    )
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "<svg" in detail and "style=" not in detail.split("<svg", 1)[1]
    summary = client.get(reverse("satisfaction:summary")).content.decode()
    assert "<svg" in summary


# --- Query budgets ------------------------------------------------------------------


def test_inbox_query_budget(client, director, make_user):
    client.force_login(director)

    def make_rows(n):
        for _ in range(n):
            feedback = FeedbackFactory(assignee=make_user("staff"))
            Attachment.objects.create(
                feedback=feedback, name="a.pdf", file_type="pdf", sha256="0" * 64
            )

    assert_constant_queries(client, reverse("satisfaction:feedback_list"), make_rows)


def test_survey_list_query_budget(client, manager):
    client.force_login(manager)

    def make_rows(n):
        for _ in range(n):
            survey = SurveyFactory()
            services.survey_invite(survey=survey, email="x@example.kg")

    assert_constant_queries(client, reverse("satisfaction:survey_list"), make_rows)


def test_questionnaire_list_query_budget(client, manager):
    client.force_login(manager)

    def make_rows(n):
        for _ in range(n):
            QuestionFactory()

    assert_constant_queries(
        client, reverse("satisfaction:questionnaire_list"), make_rows
    )


def test_public_questions_query_budget(client, manager):
    def make_rows(n):
        for _ in range(n):
            feedback = FeedbackFactory(kind=Kind.QUESTION, may_publish=True)
            services.feedback_reply(actor=manager, feedback=feedback, text="A")
            services.feedback_publish(actor=manager, feedback=feedback, question="Q")

    assert_constant_queries(client, "/feedback/questions/", make_rows)
