from datetime import date
from decimal import Decimal

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from sapat.quality import services
from sapat.quality.models import Measurement, QualityPolicy
from sapat.signing.models import ApprovalStatus, Signature, SignedPDF
from sapat.signing.services import route_start
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.quality.factories import (
    ConceptFactory,
    IndicatorFactory,
    ObjectiveFactory,
    PolicyFactory,
    ProcessCardFactory,
)
from tests.utils import assert_constant_queries

pytestmark = pytest.mark.django_db


# --- Policy: permission pair, bad input, approval on the intranet -----------


def test_staff_may_not_create_a_policy(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("quality:policy_create"), {"year": 2027, "title": "X", "text": "Y"}
    )
    assert response.status_code == 403
    assert not QualityPolicy.objects.exists()


def test_the_quality_manager_creates_a_policy(client, make_user):
    manager = make_user("quality_manager")
    client.force_login(manager)
    response = client.post(
        reverse("quality:policy_create"),
        {"year": 2027, "title": "Сапат саясаты", "text": "Артыкчылыктар"},
    )
    policy = QualityPolicy.objects.get()
    assert response.status_code == 302
    assert response.url == policy.get_absolute_url()
    assert policy.history.latest().history_user == manager


def test_policy_form_rejects_bad_input_and_saves_nothing(client, make_user):
    client.force_login(make_user("quality_manager"))
    response = client.post(
        reverse("quality:policy_create"), {"year": "1812", "title": "", "text": ""}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"year", "title", "text"} <= set(errors)
    assert not QualityPolicy.objects.exists()


def test_the_director_approves_the_policy_on_the_intranet(
    client,
    director,
    make_user,
    organisation,
    pdf_keys,
    django_capture_on_commit_callbacks,
):
    manager = make_user("quality_manager")
    policy = PolicyFactory()
    client.force_login(manager)
    response = client.post(
        reverse("signing:route_start", args=[_ct(policy), policy.pk]), {"agreers": []}
    )
    assert response.status_code == 302
    step = policy_step(policy)
    client.force_login(director)
    page = client.get(policy.get_absolute_url())
    assert (
        f'action="{reverse("signing:step_sign", args=[step.pk])}"'
        in page.content.decode()
    )
    wrong = client.post(
        reverse("signing:step_sign", args=[step.pk]),
        {"password": "nope", "comment": ""},
    )
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["password"]
    assert not Signature.objects.exists()
    # The wrong password counts towards the lockout, as on the login page.
    assert AccessAttempt.objects.filter(username=director.username).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("signing:step_sign", args=[step.pk]),
            {"password": TEST_PASSWORD, "comment": ""},
        )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.approval_status == ApprovalStatus.APPROVED
    pdf = SignedPDF.objects.get()
    assert pdf.status == SignedPDF.Status.READY
    public = client.get(reverse("quality_policy_public"))
    assert policy.text in public.content.decode()


def _ct(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


def policy_step(policy):
    from sapat.signing.services import open_route

    return open_route(policy).steps.get(meaning="approved")


def test_a_signing_step_page_is_404_to_those_who_cannot_see_the_object(
    client, make_user, organisation
):
    concept = ConceptFactory()
    services_grant = __import__("sapat.quality.services", fromlist=["x"])
    services_grant._grant_top_management(concept)
    route = route_start(obj=concept, actor=make_user("director"))
    client.force_login(make_user("staff"))
    step = route.steps.get()
    assert client.get(reverse("signing:step_sign", args=[step.pk])).status_code == 404


def test_public_policy_page_needs_no_login_and_shows_nothing_unapproved(client):
    PolicyFactory(text="Draft only")
    response = client.get(reverse("quality_policy_public"))
    assert response.status_code == 200
    assert "Draft only" not in response.content.decode()


def test_policy_list_has_a_query_budget(client, staff):
    client.force_login(staff)
    assert_constant_queries(
        client, reverse("quality:policy_list"), lambda n: PolicyFactory.create_batch(n)
    )


# --- Concept and corporate objectives: top management only ------------------


def _concept(make_user):
    return services.concept_create(
        actor=make_user("founder"),
        title="Концепция",
        period_start=2026,
        period_end=2030,
        text="…",
    )


def test_staff_gets_404_on_the_concept(client, make_user, staff):
    concept = _concept(make_user)
    client.force_login(staff)
    assert client.get(concept.get_absolute_url()).status_code == 404
    listing = client.get(reverse("quality:concept_list"))
    assert list(listing.context["page_obj"]) == []


@pytest.mark.parametrize("role", ["director", "deputy_director"])
def test_director_and_deputies_see_the_concept(client, make_user, role):
    concept = _concept(make_user)
    client.force_login(make_user(role))
    response = client.get(concept.get_absolute_url())
    assert response.status_code == 200
    assert concept.title in response.content.decode()


def test_staff_gets_404_on_a_corporate_objective_and_sees_service_ones(
    client, make_user, staff
):
    director = make_user("director")
    corporate = services.objective_create(
        actor=director,
        level="corporate",
        service="",
        year=2027,
        title="Corp",
        owner=director,
    )
    service = ObjectiveFactory()
    client.force_login(staff)
    assert client.get(corporate.get_absolute_url()).status_code == 404
    assert client.get(service.get_absolute_url()).status_code == 200
    listing = client.get(reverse("quality:objective_list"))
    assert list(listing.context["page_obj"]) == [service]
    client.force_login(make_user("deputy_director"))
    assert client.get(corporate.get_absolute_url()).status_code == 200


def test_objective_list_has_a_query_budget(client, make_user):
    user = make_user("deputy_director")
    client.force_login(user)

    def make(n):
        director = make_user("director")
        for _ in range(n):
            services.objective_create(
                actor=director,
                level="corporate",
                service="",
                year=2027,
                title="C",
                owner=UserFactory(),
            )
            ObjectiveFactory()

    assert_constant_queries(client, reverse("quality:objective_list"), make)


# --- Process cards ------------------------------------------------------------


def test_process_card_create_pair(client, make_user, staff):
    data = {"code": "ПК-02", "name": "Долбоорду аткаруу", "level": 1}
    client.force_login(staff)
    assert client.post(reverse("quality:process_create"), data).status_code == 403
    client.force_login(make_user("quality_manager"))
    response = client.post(reverse("quality:process_create"), data)
    assert response.status_code == 302


def test_process_card_form_rejects_a_duplicate_code(client, make_user):
    ProcessCardFactory(code="ПК-02")
    client.force_login(make_user("quality_manager"))
    response = client.post(
        reverse("quality:process_create"), {"code": "ПК-02", "name": "X", "level": 1}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"]


def test_process_detail_shows_the_history_and_the_agreement_sheet(client, staff):
    card = ProcessCardFactory()
    client.force_login(staff)
    content = client.get(card.get_absolute_url()).content.decode()
    assert 'id="history-heading"' in content
    assert 'id="approval-heading"' in content


def test_process_list_has_a_query_budget(client, staff):
    client.force_login(staff)
    assert_constant_queries(
        client,
        reverse("quality:process_list"),
        lambda n: ProcessCardFactory.create_batch(n),
    )


# --- Indicators -------------------------------------------------------------


def test_indicator_page_draws_the_chart_and_records_a_measurement(client):
    indicator = IndicatorFactory(target=Decimal("90"))
    client.force_login(indicator.owner)
    response = client.post(
        indicator.get_absolute_url(),
        {"period": "2026-04-01", "value": "75", "comment": ""},
    )
    assert response.status_code == 302
    page = client.get(indicator.get_absolute_url())
    assert "<svg" in page.content.decode()
    assert 'data-status="red"' in page.content.decode()


def test_measurement_form_rejects_text_and_a_second_value_for_a_period(client):
    indicator = IndicatorFactory()
    Measurement.objects.create(
        indicator=indicator,
        period=date(2026, 1, 1),
        value=Decimal("1"),
        recorded_by=indicator.owner,
    )
    client.force_login(indicator.owner)
    response = client.post(
        indicator.get_absolute_url(), {"period": "2026-01-01", "value": "ninety"}
    )
    assert response.context["form"].errors["value"]
    response = client.post(
        indicator.get_absolute_url(), {"period": "2026-01-01", "value": "50"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["period"]
    assert Measurement.objects.count() == 1


def test_staff_who_do_not_own_an_indicator_cannot_record(client, staff):
    indicator = IndicatorFactory()
    client.force_login(staff)
    response = client.post(
        indicator.get_absolute_url(), {"period": "2026-01-01", "value": "50"}
    )
    assert response.status_code == 403
    assert not Measurement.objects.exists()


def test_indicator_list_has_a_query_budget(client, staff):
    client.force_login(staff)

    def make(n):
        for indicator in IndicatorFactory.create_batch(n):
            Measurement.objects.create(
                indicator=indicator,
                period=date(2026, 1, 1),
                value=Decimal("80"),
                recorded_by=indicator.owner,
            )

    assert_constant_queries(client, reverse("quality:indicator_list"), make)


# --- Clause map and public structure ------------------------------------------


def test_clause_map_flags_gaps_and_shows_approved_process_cards(client, staff):
    from sapat.quality.models import IsoClause

    clause = IsoClause.objects.get(edition="2015", number="8.5.1")
    card = ProcessCardFactory(approval_status=ApprovalStatus.APPROVED)
    card.clauses.add(clause)
    client.force_login(staff)
    response = client.get(reverse("quality:clause_map"), {"edition": "2015"})
    rows = {row.clause.number: row for row in response.context["rows"]}
    assert rows["8.5.1"].evidence["document"][0].label == str(card)
    assert "document" not in rows["8.5.1"].missing
    assert "record" in rows["8.5.1"].missing  # no records app yet: a gap
    assert "document" in rows["9.2"].missing
    assert response.context["gaps"] == len(rows)


def test_clause_map_ignores_an_unknown_edition(client, staff):
    client.force_login(staff)
    response = client.get(reverse("quality:clause_map"), {"edition": "1987"})
    assert response.context["edition"] == "2015"


def test_structure_is_public(client):
    from tests.accounts.factories import OrgUnitFactory

    root = OrgUnitFactory(name_ky="Агенттик")
    OrgUnitFactory(name_ky="Сапат кызматы", parent=root)
    response = client.get(reverse("structure_public"))
    assert response.status_code == 200
    assert "Сапат кызматы" in response.content.decode()


def test_quality_index_and_dashboard_block(client, make_user):
    owner = make_user("staff")
    IndicatorFactory(owner=owner)
    client.force_login(owner)
    assert client.get(reverse("quality:index")).status_code == 200
    dashboard = client.get(reverse("dashboard"))
    assert "quality/_kpi_block.html" in [t for t, _c in dashboard.context["blocks"]]
