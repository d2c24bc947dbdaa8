"""Corporate training services: the rules of ПК-03 and their bad input."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from documents.models import RevisionStatus
from documents.services import register as documents
from sapat.notify.models import Notification
from sapat.signing.models import ApprovalStatus, Meaning, Signature
from sapat.signing.selectors import pdfs_of
from suppliers.models import Evaluation
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.documents.factories import RevisionFactory
from tests.suppliers.factories import trainer
from training.models import (
    Certificate,
    MemoStatus,
    Participant,
    RequestStatus,
    Seminar,
    SeminarDay,
    SeminarStatus,
    TopicMark,
)
from training.services import seminars as services

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


def _message(error) -> str:
    return " ".join(error.value.messages)


@pytest.fixture
def manager(make_user):
    return make_user("director")


# --- Requests and plans ---------------------------------------------------------


def test_request_created_with_history_and_decided(manager):
    client = ClientFactory()
    request = services.request_create(
        actor=manager,
        client=client,
        topic="Ички аудит",
        received_on=timezone.localdate(),
        requirements="20 катышуучу",
    )
    assert request.history.first().history_user == manager
    services.request_decide(actor=manager, training_request=request, accept=True)
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED


def test_request_declined_then_no_further_move(manager):
    request = RequestFactory()
    services.request_decide(actor=manager, training_request=request, accept=False)
    with pytest.raises(ValidationError):
        services.request_decide(actor=manager, training_request=request, accept=True)


def test_request_needs_permission(staff):
    with pytest.raises(PermissionDenied):
        services.request_create(
            actor=staff,
            client=ClientFactory(),
            topic="x",
            received_on=timezone.localdate(),
            requirements="y",
        )


def test_indicative_plan_reminded_before_the_period(director):
    today = timezone.localdate().replace(month=3, day=25)
    assert services.indicative_plans_remind(today=today) == 1  # quarter 2
    assert Notification.objects.filter(
        recipient=director, event="training.plan_due"
    ).exists()
    assert services.indicative_plans_remind(today=today) == 0  # once


def test_no_reminder_when_the_plans_exist(director):
    today = timezone.localdate().replace(month=6, day=20)
    services.indicative_plan_save(
        actor=director, kind="quarter", year=today.year, number=3, content="3"
    )
    services.indicative_plan_save(
        actor=director, kind="half", year=today.year, number=2, content="5"
    )
    assert services.indicative_plans_remind(today=today) == 0


def test_indicative_plan_number_must_exist_in_year(director):
    # The message is lazy: it is read in English inside the override.
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            services.indicative_plan_save(
                actor=director, kind="half", year=2026, number=3, content="x"
            )
        assert "There is no such period in the year." in _message(error)


# --- Programmes -----------------------------------------------------------------


def test_trainer_not_on_the_list_refused(manager):
    outsider = trainer(name="Тизмеде жок")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.programme_create(actor=manager, title="P", trainers=[outsider])
    assert "Not on the approved trainers list in force" in _message(error)


def test_programme_verified_by_its_trainer_then_sent(manager):
    user = UserFactory(roles=["trainer"])
    supplier = listed_trainer(user=user)
    programme = services.programme_create(
        actor=manager, title="Сапат", trainers=[supplier]
    )
    services.topic_add(
        actor=manager,
        programme=programme,
        title="Киришүү",
        hours=Decimal("2"),
        trainer=supplier,
    )
    assert programme.approval_problems()
    services.programme_verify(actor=user, programme=programme, password=TEST_PASSWORD)
    assert (
        Signature.objects.for_object(programme)
        .filter(meaning=Meaning.VERIFIED, signer=user)
        .exists()
    )
    assert programme.approval_problems() == []


def test_programme_verify_only_by_its_trainer(manager):
    programme = ProgrammeFactory()
    with pytest.raises(PermissionDenied):
        services.programme_verify(
            actor=manager, programme=programme, password=TEST_PASSWORD
        )


def test_topic_trainer_must_be_the_programmes(manager):
    programme = ProgrammeFactory()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.topic_add(
            actor=manager,
            programme=programme,
            title="T",
            hours=1,
            trainer=listed_trainer(),
        )
    assert "Choose one of the programme's trainers." in _message(error)


# --- Seminars -------------------------------------------------------------------


def _seminar_args(programme, **fields):
    today = timezone.localdate()
    return {
        "programme": programme,
        "title": "Семинар",
        "starts_on": today,
        "ends_on": today + timedelta(days=2),
        "venue": "Бишкек",
        "spare_sets": 2,
        **fields,
    }


@pytest.mark.parametrize("spares", [1, 6])
def test_spares_outside_two_to_five_refused(manager, spares):
    programme = approved_programme()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.seminar_create(
            actor=manager, **_seminar_args(programme, spare_sets=spares)
        )
    assert "Spare sets must be from 2 to 5." in _message(error)
    assert not Seminar.objects.exists()


@pytest.mark.parametrize("spares", [2, 5])
def test_spares_two_and_five_accepted_and_print_order(manager, spares):
    programme = approved_programme()
    seminar = services.seminar_create(
        actor=manager, **_seminar_args(programme, spare_sets=spares)
    )
    assert seminar.days.count() == 3
    for _n in range(4):
        ParticipantFactory(seminar=seminar)
    revision = RevisionFactory(approval_status=RevisionStatus.IN_FORCE)
    handout = services.handout_add(
        actor=manager, seminar=seminar, document=revision.document, kind="handout"
    )
    assert services.print_order(seminar)[0]["total"] == 4 + spares
    services.damaged_copy_log(actor=manager, handout=handout, copies=2, reason="суу")
    assert services.print_order(seminar)[0]["total"] == 4 + spares + 2
    assert handout.damaged.get().history.first().history_user == manager


def test_seminar_needs_an_approved_programme(manager):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.seminar_create(actor=manager, **_seminar_args(ProgrammeFactory()))
    assert "Only an approved programme is delivered." in _message(error)


def test_seminar_day_outside_the_dates_refused(manager):
    seminar = SeminarFactory()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.seminar_day_add(
            actor=manager, seminar=seminar, day=seminar.ends_on + timedelta(days=1)
        )
    assert "A training day must be within the seminar's dates" in _message(error)
    assert seminar.days.count() == 2


def test_participant_added_twice_refused(manager):
    seminar = SeminarFactory()
    services.participant_add(
        actor=manager, seminar=seminar, name="Асанова Айгүл", organisation="№5"
    )
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.participant_add(
            actor=manager, seminar=seminar, name=" асанова айгүл", organisation="№5"
        )
    assert "This participant is already on the list." in _message(error)
    assert seminar.participants.count() == 1


def test_topics_marked_by_the_trainer_only(manager):
    seminar = SeminarFactory()
    day = seminar.days.first()
    topic = seminar.programme.topics.first()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.topics_mark(actor=manager, day=day, topics=[topic])
    assert "Only the topic's trainer marks it" in _message(error)
    assert not TopicMark.objects.exists()
    services.topics_mark(actor=trainer_user(seminar), day=day, topics=[topic])
    day.refresh_from_db()
    assert day.marked_at is not None
    assert TopicMark.objects.get().marked_by == trainer_user(seminar)


def test_evening_reminder_for_unmarked_days_once(manager):
    seminar = SeminarFactory()
    user = trainer_user(seminar)
    assert services.topic_marks_remind() == 1
    assert services.topic_marks_remind() == 0
    assert (
        Notification.objects.filter(
            recipient=user, event="training.topics_unmarked"
        ).count()
        == 1
    )
    other = SeminarFactory()
    services.topics_mark(
        actor=trainer_user(other),
        day=other.days.first(),
        topics=other.programme.topics.all(),
    )
    assert services.topic_marks_remind() == 0


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (SeminarStatus.PLANNED, SeminarStatus.IN_PROGRESS),
        (SeminarStatus.PLANNED, SeminarStatus.CANCELLED),
        (SeminarStatus.IN_PROGRESS, SeminarStatus.DONE),
    ],
)
def test_seminar_transitions(manager, start, target):
    seminar = SeminarFactory()
    Seminar.objects.filter(pk=seminar.pk).update(status=start)
    services.seminar_move(actor=manager, seminar=seminar, new_status=target)
    seminar.refresh_from_db()
    assert seminar.status == target
    assert seminar.history.first().history_user == manager


def test_seminar_forbidden_transition(manager):
    seminar = SeminarFactory()
    with pytest.raises(ValidationError):
        services.seminar_move(
            actor=manager, seminar=seminar, new_status=SeminarStatus.DONE
        )


def test_finishing_sends_the_questionnaire_links(manager):
    from sapat.notify.models import Email

    seminar = SeminarFactory(status=SeminarStatus.IN_PROGRESS)
    participant = ParticipantFactory(seminar=seminar)
    services.seminar_move(actor=manager, seminar=seminar, new_status=SeminarStatus.DONE)
    email = Email.objects.get(to=participant.email)
    assert participant.token in email.body_text


# --- Handouts: memos and the impact check ---------------------------------------


def test_approved_handout_changes_only_through_an_accepted_memo(manager):
    seminar = SeminarFactory()
    first = RevisionFactory(approval_status=RevisionStatus.IN_FORCE, number=1)
    handout = services.handout_add(
        actor=manager, seminar=seminar, document=first.document, kind="handout"
    )
    RevisionFactory(document=first.document, number=2, approval_status="approved")
    second = first.document.revisions.get(number=2)
    documents.revision_bring_in_force(revision=second, actor=manager)
    seminar.refresh_from_db()
    assert seminar.revision_flag  # the impact check flagged it
    assert Notification.objects.filter(
        recipient=trainer_user(seminar), event="training.new_revision"
    ).exists()

    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.handout_revise(actor=manager, handout=handout)
    assert "only through the trainer's service memo" in _message(error)

    with pytest.raises(PermissionDenied):
        services.memo_submit(actor=manager, handout=handout, change="x", cost=1)
    memo = services.memo_submit(
        actor=trainer_user(seminar), handout=handout, change="Ката 3-бетте", cost=500
    )
    services.memo_decide(actor=manager, memo=memo, accept=True, decision="Макул")
    services.handout_revise(actor=manager, handout=handout)
    handout.refresh_from_db()
    memo.refresh_from_db()
    seminar.refresh_from_db()
    assert handout.revision == second
    assert memo.status == MemoStatus.USED
    assert seminar.revision_flag == ""


def test_memo_refused_then_final(manager):
    seminar = SeminarFactory()
    revision = RevisionFactory(approval_status=RevisionStatus.IN_FORCE)
    handout = services.handout_add(
        actor=manager, seminar=seminar, document=revision.document, kind="test"
    )
    memo = services.memo_submit(
        actor=trainer_user(seminar), handout=handout, change="x", cost=10
    )
    services.memo_decide(actor=manager, memo=memo, accept=False, decision="Кымбат")
    with pytest.raises(ValidationError):
        services.memo_decide(actor=manager, memo=memo, accept=True)


def test_memo_decided_by_the_director_only(make_user):
    seminar = SeminarFactory()
    revision = RevisionFactory(approval_status=RevisionStatus.IN_FORCE)
    handout = services.handout_add(
        actor=make_user("director"),
        seminar=seminar,
        document=revision.document,
        kind="handout",
    )
    memo = services.memo_submit(
        actor=trainer_user(seminar), handout=handout, change="x", cost=10
    )
    with pytest.raises(PermissionDenied):
        services.memo_decide(actor=make_user("quality_manager"), memo=memo, accept=True)


def test_handout_needs_a_revision_in_force(manager):
    seminar = SeminarFactory()
    draft = RevisionFactory()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.handout_add(
            actor=manager, seminar=seminar, document=draft.document, kind="handout"
        )
    assert "The document has no revision in force." in _message(error)


# --- Tests, evaluation, certificates ---------------------------------------------


def test_scores_within_the_test_maximum(manager):
    seminar = SeminarFactory()
    participant = ParticipantFactory(seminar=seminar)
    test = services.seminar_test_create(actor=manager, seminar=seminar, title="Тест")
    services.question_add(actor=manager, test=test, text="2+2?", answer="4", points=3)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.scores_set(actor=manager, test=test, scores={participant: 4})
    assert "A score must be from 0 to 3." in _message(error)
    services.scores_set(actor=manager, test=test, scores={participant: 3})
    assert test.scores.get().score == 3


def _done(seminar):
    Seminar.objects.filter(pk=seminar.pk).update(status=SeminarStatus.DONE)
    seminar.refresh_from_db()
    return seminar


def test_evaluation_by_link_once_and_fed_to_purchasing(manager):
    seminar = SeminarFactory()
    participant = ParticipantFactory(seminar=seminar)
    with pytest.raises(ValidationError):
        services.evaluation_submit(
            token=participant.token, seminar_mark=5, trainer_mark=5
        )
    _done(seminar)
    services.evaluation_submit(token=participant.token, seminar_mark=5, trainer_mark=4)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.evaluation_submit(
            token=participant.token, seminar_mark=5, trainer_mark=4
        )
    assert "already evaluated" in _message(error)
    services.review_write(
        actor=trainer_user(seminar), seminar=seminar, mark=5, text="Жакшы өттү"
    )
    with pytest.raises(PermissionDenied):
        services.review_write(actor=manager, seminar=seminar, mark=5, text="x")
    assert services.evaluations_close(actor=manager, seminar=seminar) == 1
    evaluation = Evaluation.objects.get(supplier=seminar.programme.trainers.first())
    assert evaluation.total == Decimal("4.50")
    with pytest.raises(ValidationError):
        services.evaluations_close(actor=manager, seminar=seminar)


def test_evaluation_bad_token():
    with pytest.raises(PermissionDenied):
        services.evaluation_submit(token="nope", seminar_mark=5, trainer_mark=5)


def test_certificate_refused_for_a_participant_who_did_not_attend(manager):
    seminar = _done(SeminarFactory())
    absent = ParticipantFactory(seminar=seminar)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.certificate_issue(actor=manager, participant=absent)
    assert "did not attend: no certificate." in _message(error)
    assert not Certificate.objects.exists()


def test_certificates_for_the_group_in_celery(manager, pdf_keys, organisation):

    seminar = SeminarFactory()
    present = ParticipantFactory(seminar=seminar)
    ParticipantFactory(seminar=seminar)  # absent
    present.days.add(seminar.days.first())
    _done(seminar)
    with pytest.raises(PermissionDenied):
        services.certificates_request(actor=UserFactory(), seminar=seminar)
    from training.tasks import seminar_certificates

    assert seminar_certificates(seminar.pk) == 1
    certificate = Certificate.objects.get()
    assert certificate.participant == present
    assert pdfs_of(certificate).exists()


def test_certificate_needs_the_seminar_done(manager):
    seminar = SeminarFactory()
    participant = ParticipantFactory(seminar=seminar)
    participant.days.add(seminar.days.first())
    with pytest.raises(ValidationError):
        services.certificate_issue(actor=manager, participant=participant)


def test_handover_of_open_seminars(manager, make_user):
    from sapat.handover import open_work, providers

    seminar = SeminarFactory(created_by=manager)
    work = {p.key: items for p, items in open_work(manager)}
    assert work["training.seminars"] == [(str(seminar), seminar.get_absolute_url())]
    successor = make_user("director")
    provider = next(p for p in providers() if p.key == "training.seminars")
    assert provider.hand_over(from_user=manager, to_user=successor, actor=manager) == 1
    seminar.refresh_from_db()
    assert seminar.created_by == successor


def test_one_questionnaire_per_participant_when_the_seminar_ends(manager, monkeypatch):
    import satisfaction.services
    from sapat.notify.models import Email

    surveys = []
    monkeypatch.setattr(
        satisfaction.services,
        "survey_send_for_seminar",
        lambda **kwargs: surveys.append(kwargs),
    )
    seminar = SeminarFactory(status=SeminarStatus.IN_PROGRESS)
    participant = ParticipantFactory(seminar=seminar)

    services.seminar_move(actor=manager, seminar=seminar, new_status=SeminarStatus.DONE)

    assert surveys == []
    assert Email.objects.filter(to=participant.email).count() == 1


def test_participant_model_unique_and_day_model_unique():
    seminar = SeminarFactory()
    assert SeminarDay.objects.filter(seminar=seminar).count() == 2
    ParticipantFactory(seminar=seminar, name="A", organisation="B")
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.create(seminar=seminar, name="A", organisation="B")


def test_programme_status_default_draft():
    assert ProgrammeFactory().approval_status == ApprovalStatus.DRAFT


def test_certificate_registered_as_a_record(
    manager, pdf_keys, organisation, django_capture_on_commit_callbacks
):
    from records.models import Record
    from tests.records.factories import ItemFactory, NomenclatureFactory

    ItemFactory(
        record_kind="training.certificate",
        section__nomenclature=NomenclatureFactory(year=timezone.localdate().year),
    )
    seminar = _done(SeminarFactory())
    participant = ParticipantFactory(seminar=seminar)
    participant.days.add(seminar.days.first())
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.certificate_issue(actor=manager, participant=participant)
    record = Record.objects.get()
    assert record.object_id == certificate.pk
    assert record.files.count() == 1


def test_documents_signal_revision_in_force(manager):
    from documents.signals import revision_in_force

    received = []

    def listener(sender, revision, previous, **kwargs):
        received.append((revision.number, previous.number if previous else None))

    revision_in_force.connect(listener, weak=False, dispatch_uid="test.listener")
    try:
        first = RevisionFactory(approval_status="approved", number=1)
        documents.revision_bring_in_force(revision=first, actor=manager)
        second = RevisionFactory(
            document=first.document, approval_status="approved", number=2
        )
        documents.revision_bring_in_force(revision=second, actor=manager)
    finally:
        revision_in_force.disconnect(dispatch_uid="test.listener")
    assert received == [(1, None), (2, 1)]


def test_programme_revision_flags_its_seminars(manager):
    first = RevisionFactory(approval_status=RevisionStatus.IN_FORCE, number=1)
    programme = services.programme_create(
        actor=manager,
        title="P",
        trainers=[listed_trainer()],
        document=first.document,
    )
    assert programme.revision == first
    seminar = SeminarFactory(programme=programme)
    second = RevisionFactory(
        document=first.document, number=2, approval_status="approved"
    )
    with translation.override("en"):
        documents.revision_bring_in_force(revision=second, actor=manager)
    seminar.refresh_from_db()
    assert seminar.revision_flag.startswith("Programme ")
