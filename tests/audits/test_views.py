import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from audits import services
from audits.models import (
    Audit,
    AuditProgramme,
    AuditStatus,
    ManagementReview,
    ReviewDecision,
    ReviewStatus,
)
from tests.accounts.factories import UserFactory
from tests.utils import assert_constant_queries

from .factories import AuditFactory, ProgrammeFactory, ReviewFactory, make_auditor

pytestmark = pytest.mark.django_db


def _reads_english(user):
    """The portal speaks to ``user`` in English (the profile's language), so
    the page's messages compare to their English msgids."""
    user.language = "en"
    user.save(update_fields=["language"])
    return user


# --- Permission pairs ------------------------------------------------------------


def test_programme_create_permission_pair(client, staff, qm):
    url = reverse("audits:programme_create")
    client.force_login(staff)
    assert client.post(url, {"year": 2026, "cycle_years": 3}).status_code == 403
    assert not AuditProgramme.objects.exists()
    client.force_login(qm)
    response = client.post(url, {"year": 2026, "cycle_years": 3})
    assert response.status_code == 302
    programme = AuditProgramme.objects.get()
    assert programme.history.first().history_user == qm


def test_index_redirects_to_programme(client, staff, programme):
    client.force_login(staff)
    response = client.get(reverse("audits:index"))
    assert response.status_code == 302
    assert response.url == programme.get_absolute_url()
    assert client.get(response.url).status_code == 200


def _audit_post(audit_kwargs, **extra):
    data = {
        "planned": "on",
        "title": audit_kwargs["title"],
        "processes": [p.pk for p in audit_kwargs["processes"]],
        "clauses": [c.pk for c in audit_kwargs["clauses"]],
        "units": [u.pk for u in audit_kwargs["units"]],
        "lead_auditor": audit_kwargs["lead_auditor"].pk,
        "start_date": "2026-05-12",
        "end_date": "2026-05-13",
    }
    data.update(extra)
    return data


def test_audit_create_permission_pair(client, staff, qm, audit_kwargs):
    url = reverse("audits:audit_create", args=[2026])
    client.force_login(staff)
    assert client.post(url, _audit_post(audit_kwargs)).status_code == 403
    assert not Audit.objects.exists()
    client.force_login(qm)
    response = client.post(url, _audit_post(audit_kwargs))
    assert response.status_code == 302
    audit = Audit.objects.get()
    assert audit.history.first().history_user == qm


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {"start_date": "2027-02-01", "end_date": "2027-02-02"},
            "A planned audit falls within its programme&#x27;s year (2026).",
        ),
        ({"planned": "", "reason": ""}, "Give the reason for an unplanned audit."),
    ],
)
def test_audit_form_bad_input(client, qm, audit_kwargs, extra, message):
    client.force_login(_reads_english(qm))
    data = _audit_post(audit_kwargs, **extra)
    if extra.get("planned") == "":
        del data["planned"]
    response = client.post(reverse("audits:audit_create", args=[2026]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Audit.objects.exists()


def test_audit_form_auditor_from_audited_unit(client, qm, audit_kwargs, audited_unit):
    insider = make_auditor(full_name="Жылдыз Орозова", unit=audited_unit)
    client.force_login(_reads_english(qm))
    response = client.post(
        reverse("audits:audit_create", args=[2026]),
        _audit_post(audit_kwargs, auditors=[insider.pk]),
    )
    assert response.status_code == 200
    assert "auditors never audit their own unit" in response.content.decode()
    assert not Audit.objects.exists()


def test_send_plan_permission_pair(client, staff, qm, audit_kwargs):
    audit = services.audit_create(actor=qm, **audit_kwargs)
    url = reverse("audits:audit_send_plan", args=[audit.pk])
    client.force_login(staff)
    assert client.post(url).status_code == 403
    audit.refresh_from_db()
    assert audit.status == AuditStatus.PLANNED
    client.force_login(audit.lead_auditor)
    assert client.post(url).status_code == 302
    audit.refresh_from_db()
    assert audit.status == AuditStatus.NOTIFIED
    assert audit.history.first().history_user == audit.lead_auditor


def test_report_sign_refused_lists_items(client, qm, audit_kwargs):
    audit = services.audit_create(actor=qm, **audit_kwargs)
    lead = audit.lead_auditor
    services.audit_send_plan(actor=lead, audit=audit)
    services.audit_start(actor=lead, audit=audit)
    client.force_login(_reads_english(lead))
    response = client.post(
        reverse("audits:audit_report", args=[audit.pk]),
        {"conclusion": "Шайкеш", "password": "x"},
        follow=True,
    )
    html = response.content.decode()
    assert "Answer the mandatory checklist items first" in html
    assert audit.checklist.first().question.split("“")[0] in html
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_PROGRESS


def test_review_pages_permission_pair(client, staff, qm, director):
    review = ReviewFactory(chair=director)
    client.force_login(staff)
    assert (
        client.get(reverse("audits:review_detail", args=[review.pk])).status_code == 403
    )
    assert (
        client.get(reverse("audits:review_inputs", args=[review.pk])).status_code == 403
    )
    client.force_login(qm)
    assert (
        client.get(reverse("audits:review_detail", args=[review.pk])).status_code == 200
    )
    assert (
        client.get(reverse("audits:review_inputs", args=[review.pk])).status_code == 200
    )


def test_review_hold_permission_pair(client, staff, qm):
    review = ReviewFactory()
    url = reverse("audits:review_hold", args=[review.pk])
    data = {"minutes": "Протокол", "participants": "Баары"}
    client.force_login(staff)
    assert client.post(url, data).status_code == 403
    review.refresh_from_db()
    assert review.status == ReviewStatus.PLANNED
    client.force_login(qm)
    client.post(url, data)
    review.refresh_from_db()
    assert review.status == ReviewStatus.HELD
    assert review.history.first().history_user == qm


def test_review_form_bad_input(client, qm, director):
    client.force_login(_reads_english(qm))
    response = client.post(
        reverse("audits:review_create"),
        {
            "kind": "operational",
            "year": 2026,
            "date": "2026-04-20",
            "chair": director.pk,
        },
    )
    assert "An operational review is for a month." in response.content.decode()
    assert not ManagementReview.objects.exists()


def test_decision_add_permission_pair(client, staff, qm):
    review = ReviewFactory(status=ReviewStatus.HELD)
    url = reverse("audits:decision_add", args=[review.pk])
    data = {"area": "qms", "text": "Чечим", "owner": qm.pk, "due_date": "2026-12-30"}
    client.force_login(staff)
    assert client.post(url, data).status_code == 403
    assert not ReviewDecision.objects.exists()
    client.force_login(qm)
    client.post(url, data)
    decision = ReviewDecision.objects.get()
    assert decision.history.first().history_user == qm


def test_meeting_create_permission_pair(client, staff, qm):
    from audits.models import StaffMeeting

    url = reverse("audits:meeting_create")
    data = {"year": 2026, "date": "2026-12-28", "results": "Жыйынтыктар"}
    client.force_login(staff)
    assert client.post(url, data).status_code == 403
    client.force_login(qm)
    assert client.post(url, data).status_code == 302
    assert StaffMeeting.objects.get().history.first().history_user == qm


def test_meeting_bad_input(client, qm):
    from audits.models import StaffMeeting

    client.force_login(_reads_english(qm))
    response = client.post(
        reverse("audits:meeting_create"), {"year": 2026, "date": "2027-01-05"}
    )
    assert "The meeting falls within its year." in response.content.decode()
    assert not StaffMeeting.objects.exists()


def test_assessment_flow(client, qm):
    from audits.models import Score, SelfAssessment

    client.force_login(qm)
    client.post(reverse("audits:criteria_seed"))
    assert client.get(reverse("audits:assessment_list")).status_code == 200
    client.post(
        reverse("audits:assessment_create"), {"year": 2026, "due_date": "2026-12-01"}
    )
    assessment = SelfAssessment.objects.get()
    assert assessment.scores.count() >= 5
    score = assessment.scores.first()
    _reads_english(qm)
    response = client.post(
        reverse("audits:score_edit", args=[score.pk]), {"value": 4, "evidence": ""}
    )
    assert "A score needs its evidence." in response.content.decode()
    client.post(
        reverse("audits:score_edit", args=[score.pk]),
        {"value": 4, "evidence": "Жазуулар", "improvements": "Окутуу"},
    )
    score = Score.objects.get(pk=score.pk)
    assert score.score == 4
    assert score.history.first().history_user == qm
    page = client.get(reverse("audits:assessment_detail", args=[2026]))
    assert page.status_code == 200


def test_score_edit_permission_pair(client, staff, qm):
    from audits.models import Score

    client.force_login(qm)
    client.post(reverse("audits:criteria_seed"))
    client.post(
        reverse("audits:assessment_create"), {"year": 2026, "due_date": "2026-12-01"}
    )
    score = Score.objects.first()
    client.force_login(staff)
    url = reverse("audits:score_edit", args=[score.pk])
    assert client.post(url, {"value": 3, "evidence": "E"}).status_code == 403
    assert Score.objects.get(pk=score.pk).score is None


# --- Query budgets ---------------------------------------------------------------


def test_audit_list_queries(client, staff, programme):
    client.force_login(staff)

    def make(n):
        for _i in range(n):
            audit = AuditFactory(programme=programme)
            audit.auditors.add(UserFactory())

    assert_constant_queries(client, reverse("audits:audit_list"), make)


def test_programme_detail_queries(client, staff, programme, card):
    client.force_login(staff)

    def make(n):
        for _i in range(n):
            audit = AuditFactory(programme=programme)
            audit.processes.add(card)

    assert_constant_queries(
        client, reverse("audits:programme_detail", args=[2026]), make
    )


def test_review_list_queries(client, make_user):
    director = make_user("director")
    client.force_login(make_user("quality_manager"))
    months = iter(range(1, 13))
    years = iter(range(2000, 2100))

    def make(n):
        for _i in range(n):
            ReviewFactory(chair=director, year=next(years), month=next(months, 1))

    assert_constant_queries(client, reverse("audits:review_list"), make)


def test_decision_list_queries(client, qm):
    client.force_login(qm)
    review = ReviewFactory(status=ReviewStatus.HELD)

    def make(n):
        for _i in range(n):
            ReviewDecision.objects.create(
                review=review,
                area="qms",
                text="Ч",
                owner=UserFactory(),
                due_date=datetime.date(2026, 12, 1),
            )

    assert_constant_queries(client, reverse("audits:decision_list"), make)


def test_meeting_list_queries(client, staff):
    from audits.models import StaffMeeting

    client.force_login(staff)
    years = iter(range(2000, 2100))

    def make(n):
        for _i in range(n):
            year = next(years)
            StaffMeeting.objects.create(year=year, date=datetime.date(year, 12, 28))

    assert_constant_queries(client, reverse("audits:meeting_list"), make)


def test_audit_detail_renders(client, qm, audit_kwargs):
    audit = services.audit_create(actor=qm, **audit_kwargs)
    client.force_login(qm)
    assert client.get(audit.get_absolute_url()).status_code == 200


def test_programme_unused_year_404(client, staff):
    client.force_login(staff)
    ProgrammeFactory(year=2025)
    assert (
        client.get(reverse("audits:programme_detail", args=[2030])).status_code == 404
    )


def test_index_without_programme_offers_to_create(client, qm):
    client.force_login(qm)
    with translation.override("en"):
        response = client.get(reverse("audits:index"))
    assert response.status_code == 200
    assert 'data-testid="programme-form"' in response.content.decode()


def test_audit_pages_carry_no_inline_style(client, qm, audit_kwargs):
    audit = services.audit_create(actor=qm, **audit_kwargs)
    client.force_login(qm)
    for url in (
        audit.get_absolute_url(),
        reverse("audits:programme_detail", args=[2026]),
        reverse("audits:assessment_list"),
        reverse("audits:review_list"),
    ):
        content = client.get(url).content.decode()
        assert "style=" not in content and "<script>" not in content
