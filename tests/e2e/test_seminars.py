"""A corporate seminar (ПК-03) from the client's request to the certificates,
as the director, the trainer and the participants would do it."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from playwright.sync_api import expect

from sapat.signing.models import SignedPDF
from sapat.signing.pdf import verify_pdf
from suppliers.models import Evaluation
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.training.seminars.factories import ClientFactory, listed_trainer
from training.models import (
    Certificate,
    Participant,
    Programme,
    Seminar,
    SeminarScore,
    TopicMark,
    TrainingRequest,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, base, user, next_url="/"):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.locator("button[type=submit].w-100").click()


def _ok(page):
    expect(page.locator(".alert-success").first).to_be_visible()


def test_request_to_verified_certificates(
    live_server, page, organisation, director, pdf_keys
):
    base = live_server.url
    today = timezone.localdate()
    trainer_account = UserFactory(roles=["trainer"], full_name="Шарипова Динара")
    trainer = listed_trainer(user=trainer_account, name="Шарипова Динара")
    client = ClientFactory(name="Ош мамлекеттик университети")

    # The director registers the client's request and accepts it.
    _login(page, base, director, "/training/requests/new/")
    page.select_option("select[name=client]", str(client.pk))
    page.fill("input[name=topic]", "Ички баалоо")
    page.fill("textarea[name=requirements]", "20 мугалим, 2 күн.")
    page.fill("input[name=contract_number]", "ОК-2026/14")
    page.locator("form button[type=submit].btn-primary").click()
    _ok(page)
    page.get_by_test_id("request-accept").click()
    expect(page.get_by_test_id("request-status")).to_have_attribute(
        "data-status", "accepted"
    )
    request = TrainingRequest.objects.get()

    # The programme: two topics of the trainer on the approved list.
    page.get_by_test_id("programme-new").click()
    page.fill("input[name=title]", "Билим берүүнүн сапатын ички баалоо")
    page.select_option("select[name=trainers]", [str(trainer.pk)])
    page.locator("form button[type=submit].btn-primary").click()
    _ok(page)
    programme = Programme.objects.get()
    assert programme.request == request
    for title in ("Стандарттар", "Далилдер"):
        page.get_by_test_id("topic-add").click()
        form = page.get_by_test_id("topic-form")
        form.locator("input[name=title]").fill(title)
        form.locator("input[name=hours]").fill("4")
        form.locator("select[name=trainer]").select_option(str(trainer.pk))
        form.locator("button[type=submit]").click()
        _ok(page)
    programme_url = page.url

    # The trainer verifies and signs it (§7.3.5).
    _login(page, base, trainer_account, programme_url)
    page.get_by_test_id("verify-form").locator("input[name=password]").fill(
        TEST_PASSWORD
    )
    page.get_by_test_id("programme-verify").click()
    _ok(page)

    # The director sends it and approves it (§7.3.6).
    _login(page, base, director, programme_url)
    page.get_by_test_id("route-start").click()
    page.locator("form[action*='/sign/'] input[name=password]").fill(TEST_PASSWORD)
    page.get_by_test_id("sign-approved").click()
    expect(page.get_by_test_id("approval-status")).to_have_attribute(
        "class", "badge text-bg-success"
    )

    # A two-day seminar with two participants.
    page.get_by_test_id("seminar-new").click()
    page.fill("input[name=title]", "Ички баалоо: ОшМУ")
    page.fill("input[name=starts_on]", today.isoformat())
    page.fill("input[name=ends_on]", (today + timedelta(days=1)).isoformat())
    page.fill("input[name=venue]", "Ош, ОшМУ")
    page.fill("input[name=spare_sets]", "3")
    page.locator("form button[type=submit].btn-primary").click()
    _ok(page)
    assert Seminar.objects.get().spare_sets == 3
    seminar_url = page.url
    for name, email in (
        ("Асанова Айгүл", "a.asanova@example.kg"),
        ("Бейшеев Марат", "m.beisheev@example.kg"),
    ):
        page.get_by_test_id("participant-add").click()
        form = page.get_by_test_id("participant-form")
        form.locator("input[name=name]").fill(name)
        form.locator("input[name=organisation]").fill("ОшМУ")
        form.locator("input[name=email]").fill(email)
        form.locator("button[type=submit]").click()
        _ok(page)
    page.get_by_test_id("seminar-start").click()
    _ok(page)
    first_day = today.isoformat()
    page.get_by_test_id(f"attendance-{first_day}").click()
    attendance = page.get_by_test_id(f"attendance-form-{first_day}")
    for box in attendance.locator("input[type=checkbox]").all():
        box.check()
    attendance.locator("button[type=submit]").click()
    _ok(page)

    # The trainer marks the topics covered at the end of each day.
    _login(page, base, trainer_account, seminar_url)
    topics = list(programme.topics.order_by("order"))
    for day, topic in zip((today, today + timedelta(days=1)), topics, strict=True):
        form = page.get_by_test_id(f"mark-form-{day.isoformat()}")
        form.locator(f"input[value='{topic.pk}']").check()
        form.locator("button[type=submit]").click()
        _ok(page)
    expect(page.get_by_test_id("progress-1")).to_have_attribute("data-done", "yes")
    expect(page.get_by_test_id("progress-2")).to_have_attribute("data-done", "yes")
    assert TopicMark.objects.count() == 2

    # The director records a test and the scores.
    _login(page, base, director, seminar_url)
    page.get_by_test_id("test-new").click()
    form = page.get_by_test_id("test-form")
    form.locator("input[name=title]").fill("Жыйынтык тест")
    form.locator("button[type=submit]").click()
    page.get_by_test_id("question-add").click()
    form = page.get_by_test_id("question-form")
    form.locator("textarea[name=text]").fill("Ички баалоонун максаты эмне?")
    form.locator("textarea[name=answer]").fill("Сапатты жакшыртуу")
    form.locator("input[name=points]").fill("10")
    form.locator("button[type=submit]").click()
    _ok(page)
    scores = page.get_by_test_id("scores-form")
    for participant, score in zip(
        Participant.objects.order_by("name"), ("9", "7"), strict=True
    ):
        scores.locator(f"input[name=p{participant.pk}]").fill(score)
    scores.locator("button[type=submit]").click()
    _ok(page)
    assert sorted(SeminarScore.objects.values_list("score", flat=True)) == [7, 9]

    # The seminar ends: each participant evaluates it by the link.
    page.goto(seminar_url)
    page.get_by_test_id("seminar-finish").click()
    _ok(page)
    for participant, mark in zip(
        Participant.objects.order_by("name"), ("5", "4"), strict=True
    ):
        page.context.clear_cookies()
        page.goto(f"{base}/seminar-evaluation/{participant.token}/")
        form = page.get_by_test_id("evaluation-form")
        form.locator("select[name=seminar_mark]").select_option(mark)
        form.locator("select[name=trainer_mark]").select_option(mark)
        form.locator("button[type=submit]").click()
        expect(page.get_by_test_id("evaluation-thanks")).to_be_visible()

    # The trainer's review; the director closes the evaluation.
    _login(page, base, trainer_account, seminar_url)
    page.get_by_test_id("review-write").click()
    form = page.get_by_test_id("review-form")
    form.locator("select[name=mark]").select_option("5")
    form.locator("textarea[name=text]").fill("Катышуучулар активдүү болушту.")
    form.locator("button[type=submit]").click()
    _ok(page)
    _login(page, base, director, seminar_url)
    page.get_by_test_id("evaluation-close").click()
    _ok(page)
    assert Evaluation.objects.get(supplier=trainer).total == pytest.approx(4.75)

    # Certificates for the group, signed, in one ZIP, verifiable by QR link.
    page.get_by_test_id("certificates-issue").click()
    _ok(page)
    page.goto(seminar_url)
    expect(page.get_by_test_id("certificates-zip")).to_be_visible()
    certificates = Certificate.objects.all()
    assert certificates.count() == 2
    pdf = SignedPDF.objects.get(
        content_type=ContentType.objects.get_for_model(Certificate),
        object_id=certificates.first().pk,
        status="ready",
    )
    data = pdf.file.read()
    with ThreadPoolExecutor(max_workers=1) as pool:
        check = pool.submit(verify_pdf, data).result()
    assert check.intact and check.by_us and check.covers_whole_file
    page.context.clear_cookies()
    page.goto(f"{base}/verify/{pdf.code}/")
    expect(page.get_by_test_id("verify-ok")).to_be_visible()
