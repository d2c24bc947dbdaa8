"""Corporate training pages: permission pairs, bad input, query budgets."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from documents.models import RevisionStatus
from tests.accounts.factories import TEST_PASSWORD
from tests.documents.factories import RevisionFactory
from tests.utils import assert_constant_queries
from training.models import (
    IndicativePlan,
    Participant,
    Programme,
    Seminar,
    SeminarEvaluation,
    SeminarStatus,
    ServiceMemo,
    TopicMark,
    TrainingRequest,
)

from .factories import (
    ClientFactory,
    ParticipantFactory,
    ProgrammeFactory,
    RequestFactory,
    SeminarFactory,
    approved_programme,
    listed_trainer,
    trainer_user,
)

pytestmark = pytest.mark.django_db


def _reads_english(user):
    """The portal speaks to ``user`` in English (the profile's language), so
    the page's messages compare to their English msgids."""
    user.language = "en"
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def director_client(client, director):
    client.force_login(director)
    return client


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def _urls():
    seminar = SeminarFactory()
    programme = seminar.programme
    request = RequestFactory()
    return [
        reverse("training:request_list"),
        reverse("training:request_create"),
        reverse("training:request_detail", args=[request.pk]),
        reverse("training:request_edit", args=[request.pk]),
        reverse("training:indicative_plan_list"),
        reverse("training:programme_list"),
        reverse("training:programme_create"),
        reverse("training:programme_detail", args=[programme.pk]),
        reverse("training:seminar_list"),
        reverse("training:seminar_calendar"),
        reverse("training:seminar_create"),
        reverse("training:seminar_detail", args=[seminar.pk]),
        reverse("training:seminar_edit", args=[seminar.pk]),
        reverse("training:validation_record"),
    ]


def test_pages_open_for_the_director(director_client):
    for url in _urls():
        assert director_client.get(url).status_code == 200, url


def test_pages_closed_to_other_staff(staff_client):
    for url in _urls():
        assert staff_client.get(url).status_code in (403, 404), url


def test_quality_manager_reads_and_validates_but_does_not_schedule(client, make_user):
    client.force_login(make_user("quality_manager"))
    assert client.get(reverse("training:seminar_list")).status_code == 200
    assert client.get(reverse("training:validation_record")).status_code == 200
    assert client.get(reverse("training:seminar_create")).status_code == 403


def test_landing_page_shows_the_seminars(director_client):
    SeminarFactory()
    response = director_client.get(reverse("training:index"))
    assert b"seminars-card" in response.content
    assert response.context["seminars_in_progress"] == 1


# --- Permission pairs on the writes -------------------------------------------------


def test_request_create_pair(client, staff, director):
    client_row = ClientFactory()
    data = {
        "client": client_row.pk,
        "topic": "Ички аудит",
        "received_on": timezone.localdate().isoformat(),
        "requirements": "20 катышуучу",
        "participants_expected": 20,
    }
    client.force_login(staff)
    assert client.post(reverse("training:request_create"), data).status_code == 403
    assert not TrainingRequest.objects.exists()
    client.force_login(director)
    response = client.post(reverse("training:request_create"), data)
    assert response.status_code == 302
    request = TrainingRequest.objects.get()
    assert request.history.first().history_user == director


def test_indicative_plan_pair(client, staff, director):
    data = {"kind": "quarter", "year": 2027, "number": 1, "content": "2 семинар"}
    url = reverse("training:indicative_plan_list")
    client.force_login(staff)
    assert client.post(url, data).status_code == 403
    client.force_login(director)
    assert client.post(url, data).status_code == 302
    assert IndicativePlan.objects.get().history.first().history_user == director


def test_programme_trainer_not_on_list_refused_by_form(director_client, director):
    from tests.suppliers.factories import trainer

    outsider = trainer(name="Тизмеде жок")
    _reads_english(director)
    response = director_client.post(
        reverse("training:programme_create"),
        {"title": "P", "trainers": [outsider.pk]},
    )
    assert response.status_code == 200
    assert "Not on the approved trainers list in force" in response.content.decode()
    assert not Programme.objects.exists()


def test_programme_create_pair(client, staff, director):
    supplier = listed_trainer()
    data = {"title": "Сапат", "trainers": [supplier.pk]}
    client.force_login(staff)
    assert client.post(reverse("training:programme_create"), data).status_code == 403
    client.force_login(director)
    assert client.post(reverse("training:programme_create"), data).status_code == 302
    assert Programme.objects.get().history.first().history_user == director


def test_programme_verify_by_the_trainer_view(client, director):
    programme = ProgrammeFactory()
    user = programme.trainers.first().expert.user
    url = reverse("training:programme_verify", args=[programme.pk])
    client.force_login(director)
    assert client.post(url, {"password": TEST_PASSWORD}).status_code == 403
    client.force_login(user)
    assert client.post(url, {"password": TEST_PASSWORD}).status_code == 302
    assert not programme.approval_problems()


@pytest.mark.parametrize("spares", ["1", "6"])
def test_seminar_form_refuses_spares(director_client, director, spares):
    programme = approved_programme()
    today = timezone.localdate()
    _reads_english(director)
    response = director_client.post(
        reverse("training:seminar_create"),
        {
            "programme": programme.pk,
            "title": "S",
            "starts_on": today.isoformat(),
            "ends_on": today.isoformat(),
            "venue": "Ош",
            "spare_sets": spares,
        },
    )
    assert response.status_code == 200
    assert "Spare sets must be from 2 to 5." in response.content.decode()
    assert not Seminar.objects.exists()


def test_seminar_create_pair(client, staff, director):
    programme = approved_programme()
    today = timezone.localdate()
    data = {
        "programme": programme.pk,
        "title": "S",
        "starts_on": today.isoformat(),
        "ends_on": today.isoformat(),
        "venue": "Ош",
        "spare_sets": "5",
    }
    client.force_login(staff)
    assert client.post(reverse("training:seminar_create"), data).status_code == 403
    client.force_login(director)
    assert client.post(reverse("training:seminar_create"), data).status_code == 302
    seminar = Seminar.objects.get()
    assert seminar.spare_sets == 5
    assert seminar.history.first().history_user == director


def test_participant_add_pair_and_twice(client, staff, director):
    seminar = SeminarFactory()
    url = reverse("training:participant_add", args=[seminar.pk])
    data = {"name": "Асанова Айгүл", "organisation": "№5"}
    client.force_login(staff)
    assert client.post(url, data).status_code in (403, 404)
    assert not Participant.objects.exists()
    client.force_login(director)
    client.post(url, data)
    _reads_english(director)
    response = client.post(url, data, follow=True)
    assert "This participant is already on the list." in response.content.decode()
    assert Participant.objects.count() == 1
    assert Participant.objects.get().history.first().history_user == director


def test_day_outside_dates_refused_by_view(director_client, director):
    seminar = SeminarFactory()
    _reads_english(director)
    response = director_client.post(
        reverse("training:day_add", args=[seminar.pk]),
        {"date": (seminar.starts_on - timedelta(days=1)).isoformat()},
        follow=True,
    )
    assert "must be within the seminar&#x27;s dates" in response.content.decode()
    assert seminar.days.count() == 2


def test_topics_mark_pair(client, director):
    seminar = SeminarFactory()
    day = seminar.days.first()
    topic = seminar.programme.topics.first()
    url = reverse("training:topics_mark", args=[day.pk])
    client.force_login(_reads_english(director))
    response = client.post(url, {"topics": [topic.pk]}, follow=True)
    assert "Only the topic&#x27;s trainer marks it" in response.content.decode()
    assert not TopicMark.objects.exists()
    client.force_login(trainer_user(seminar))
    assert client.post(url, {"topics": [topic.pk]}).status_code == 302
    assert TopicMark.objects.get().history.first().history_user == trainer_user(seminar)


def test_seminar_move_pair(client, staff, director):
    seminar = SeminarFactory()
    url = reverse("training:seminar_move", args=[seminar.pk])
    client.force_login(staff)
    assert client.post(url, {"status": "in_progress"}).status_code in (403, 404)
    seminar.refresh_from_db()
    assert seminar.status == SeminarStatus.PLANNED
    client.force_login(director)
    client.post(url, {"status": "in_progress"})
    seminar.refresh_from_db()
    assert seminar.status == SeminarStatus.IN_PROGRESS


def test_memo_submit_and_decide_pairs(client, director, make_user):
    seminar = SeminarFactory()
    revision = RevisionFactory(approval_status=RevisionStatus.IN_FORCE)
    from training.services.seminars import handout_add

    handout = handout_add(
        actor=director, seminar=seminar, document=revision.document, kind="handout"
    )
    url = reverse("training:memo_submit", args=[handout.pk])
    client.force_login(director)
    assert client.post(url, {"change": "x", "cost": "5"}).status_code == 403
    client.force_login(trainer_user(seminar))
    assert client.post(url, {"change": "Ката", "cost": "5"}).status_code == 302
    memo = ServiceMemo.objects.get()
    decide = reverse("training:memo_decide", args=[memo.pk])
    client.force_login(make_user("quality_manager"))
    assert client.post(decide, {"accept": "1"}).status_code == 403
    client.force_login(director)
    client.post(decide, {"accept": "1", "decision": "Макул"})
    memo.refresh_from_db()
    assert memo.status == "accepted"
    assert memo.history.first().history_user == director


def test_test_scores_bad_input(director_client, director):
    from training.services.seminars import question_add, seminar_test_create

    seminar = SeminarFactory()
    participant = ParticipantFactory(seminar=seminar)
    test = seminar_test_create(actor=None, seminar=seminar, title="Тест")
    question_add(actor=None, test=test, text="?", answer="!", points=2)
    url = reverse("training:test_detail", args=[test.pk])
    _reads_english(director)
    response = director_client.post(url, {f"p{participant.pk}": "9"})
    assert "A score must be from 0 to 2." in response.content.decode()
    assert not test.scores.exists()
    director_client.post(url, {f"p{participant.pk}": "2"})
    assert test.scores.get().score == 2


def test_evaluation_page_by_link(client):
    seminar = SeminarFactory(status=SeminarStatus.DONE)
    participant = ParticipantFactory(seminar=seminar)
    url = reverse("seminar_evaluate", args=[participant.token])
    assert client.get(url).status_code == 200
    response = client.post(url, {"seminar_mark": "5", "trainer_mark": "4"})
    assert response.status_code == 302
    assert SeminarEvaluation.objects.get().trainer_mark == 4
    assert client.get(reverse("seminar_evaluate", args=["nope"])).status_code == 404


def test_certificate_refused_for_absent_participant_view(director_client, director):
    seminar = SeminarFactory(status=SeminarStatus.DONE)
    participant = ParticipantFactory(seminar=seminar)
    _reads_english(director)
    response = director_client.post(
        reverse("training:certificate_issue", args=[participant.pk]), follow=True
    )
    assert "did not attend: no certificate." in response.content.decode()


def test_certificates_zip_pair(
    client, staff, director, pdf_keys, organisation, django_capture_on_commit_callbacks
):
    import io
    import zipfile

    from training.tasks import seminar_certificates

    seminar = SeminarFactory(status=SeminarStatus.DONE)
    participant = ParticipantFactory(seminar=seminar)
    participant.days.add(seminar.days.first())
    with django_capture_on_commit_callbacks(execute=True):
        seminar_certificates(seminar.pk)
    url = reverse("training:certificates_zip", args=[seminar.pk])
    client.force_login(staff)
    assert client.get(url).status_code in (403, 404)
    client.force_login(director)
    response = client.get(url)
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert len(names) == 1


# --- Query budgets --------------------------------------------------------------


@pytest.fixture
def reader(client, make_user):
    client.force_login(make_user("quality_manager"))
    return client


def test_request_list_queries(reader):
    assert_constant_queries(
        reader,
        reverse("training:request_list"),
        lambda n: RequestFactory.create_batch(n),
    )


def test_programme_list_queries(reader):
    assert_constant_queries(
        reader,
        reverse("training:programme_list"),
        lambda n: ProgrammeFactory.create_batch(n),
    )


def test_indicative_plan_list_queries(reader, director):
    counter = iter(range(2030, 2100))

    def make(n):
        for _ in range(n):
            IndicativePlan.objects.create(
                kind="year",
                year=next(counter),
                number=1,
                content="x",
                created_by=director,
            )

    assert_constant_queries(reader, reverse("training:indicative_plan_list"), make)


@pytest.mark.parametrize("name", ["training:seminar_list", "training:seminar_calendar"])
def test_seminar_lists_queries(reader, name):
    assert_constant_queries(
        reader, reverse(name), lambda n: SeminarFactory.create_batch(n)
    )


def test_seminar_detail_queries(reader):
    seminar = SeminarFactory()

    def make(n):
        for participant in ParticipantFactory.create_batch(n, seminar=seminar):
            participant.days.add(seminar.days.first())

    assert_constant_queries(
        reader, reverse("training:seminar_detail", args=[seminar.pk]), make
    )


def test_validation_record_queries(reader):
    assert_constant_queries(
        reader,
        reverse("training:validation_record"),
        lambda n: SeminarFactory.create_batch(n),
    )


def test_admin_lists_open(client, director):
    director.is_superuser = True
    director.save()
    ParticipantFactory()
    client.force_login(director)
    for name in (
        "programme",
        "trainingrequest",
        "seminar",
        "participant",
        "certificate",
        "servicememo",
    ):
        url = reverse(f"admin:training_{name}_changelist")
        assert client.get(url).status_code == 200, name
