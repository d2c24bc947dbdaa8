"""Purchasing pages: permission pairs, bad input and query budgets."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from capa.models import Nonconformity
from suppliers.models import (
    Category,
    Criterion,
    Evaluation,
    ListChangeProposal,
    Purchase,
    Supplier,
    SupplierDocument,
    SupplierList,
    TrainerListReview,
)
from tests.accounts.factories import UserFactory
from tests.suppliers.factories import (
    CriterionFactory,
    EvaluationFactory,
    ProposalFactory,
    PurchaseFactory,
    ReviewFactory,
    SupplierFactory,
    TrainerEntryFactory,
    approved_list,
)
from tests.utils import assert_constant_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def manager(make_user):
    return make_user("quality_manager", language="en")


@pytest.fixture
def office(make_user):
    return make_user("office_manager", language="en")


@pytest.fixture
def member(make_user):
    return make_user("staff", language="en")


# --- Pages open to staff -----------------------------------------------------------


def test_index_pair(client, member):
    client.force_login(UserFactory())
    assert client.get(reverse("suppliers:index")).status_code == 403
    client.force_login(member)
    response = client.get(reverse("suppliers:index"))
    assert response.status_code == 200
    assert "ДЖ-11" in response.content.decode()


@pytest.mark.parametrize(
    "name",
    ["supplier_list", "criteria", "requirements", "list_index", "trainers"],
)
def test_staff_pages_render(client, member, name):
    client.force_login(member)
    assert client.get(reverse(f"suppliers:{name}")).status_code == 200


def test_supplier_list_has_a_query_budget(client, member):
    approved_list(2026)
    client.force_login(member)

    def make(n):
        for _ in range(n):
            SupplierFactory(categories=[Category.IT, Category.EQUIPMENT])

    assert_constant_queries(client, reverse("suppliers:supplier_list"), make)


def test_supplier_detail_shows_evaluations_to_the_manager_only(client, member, manager):
    evaluation = EvaluationFactory(evidence="Үч келишим")
    url = evaluation.supplier.get_absolute_url()
    client.force_login(member)
    assert "Үч келишим" not in client.get(url).content.decode()
    client.force_login(manager)
    assert "Үч келишим" in client.get(url).content.decode()


# --- Suppliers ----------------------------------------------------------------------


def test_supplier_create_pair(client, member, manager):
    url = reverse("suppliers:supplier_create")
    data = {
        "name": "«Принт» ЖЧК",
        "kind": "organisation",
        "categories": ["printing"],
        "active": "on",
    }
    client.force_login(member)
    assert client.post(url, data).status_code == 403
    assert not Supplier.objects.exists()
    client.force_login(manager)
    assert client.post(url, data).status_code == 302
    supplier = Supplier.objects.get()
    assert supplier.categories == ["printing"]
    assert supplier.history.latest().history_user == manager


def test_document_upload_pair_and_bad_file(client, member, manager):
    supplier = SupplierFactory()
    url = reverse("suppliers:document_add", args=[supplier.pk])
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(manager)
    bad = SimpleUploadedFile("x.pdf", b"MZ\x90" + b"\x00" * 50, "application/pdf")
    response = client.post(url, {"title": "Лицензия", "upload": bad})
    assert response.status_code == 200
    assert response.context["form"].errors["upload"]
    assert not SupplierDocument.objects.exists()
    good = SimpleUploadedFile("l.pdf", b"%PDF-1.7 license", "application/pdf")
    assert client.post(url, {"title": "Лицензия", "upload": good}).status_code == 302
    document = SupplierDocument.objects.get()
    assert document.history.latest().history_user == manager
    download = client.get(reverse("suppliers:document_download", args=[document.pk]))
    assert download.status_code == 200
    client.force_login(member)
    assert (
        client.get(
            reverse("suppliers:document_download", args=[document.pk])
        ).status_code
        == 403
    )


# --- Criteria and evaluation --------------------------------------------------------


def _criteria_post(rows):
    data = {
        "c-TOTAL_FORMS": str(len(rows)),
        "c-INITIAL_FORMS": "0",
        "c-MIN_NUM_FORMS": "0",
        "c-MAX_NUM_FORMS": "15",
    }
    for i, (name, weight) in enumerate(rows):
        data[f"c-{i}-name"] = name
        data[f"c-{i}-weight"] = str(weight)
    return data


def test_criteria_edit_pair(client, member, manager):
    url = reverse("suppliers:criteria_edit", args=["it"])
    data = _criteria_post([("Сапат", 70), ("Баа", 30)])
    client.force_login(member)
    assert client.post(url, data).status_code == 403
    assert not Criterion.objects.exists()
    client.force_login(manager)
    assert client.post(url, data).status_code == 302
    assert sorted(Criterion.objects.values_list("weight", flat=True)) == [30, 70]
    assert Criterion.objects.first().history.latest().history_user == manager


def test_weights_not_adding_up_to_100_are_a_form_error(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("suppliers:criteria_edit", args=["it"]),
        _criteria_post([("Сапат", 70), ("Баа", 20)]),
    )
    assert response.status_code == 200
    assert "The weights add up to 90%; they must add up to 100%." in str(
        response.context["formset"].non_form_errors()
    )
    assert not Criterion.objects.exists()


def test_evaluation_pair(client, member, manager):
    quality = CriterionFactory(weight=60)
    price = CriterionFactory(weight=40)
    supplier = SupplierFactory()
    url = reverse("suppliers:evaluation_create", args=[supplier.pk, "it"])
    data = {
        "basis": "initial",
        "evaluated_on": timezone.localdate().isoformat(),
        f"score_{quality.pk}": "4",
        f"score_{price.pk}": "3",
        "evidence": "Келишимдер",
    }
    client.force_login(member)
    assert client.post(url, data).status_code == 403
    client.force_login(manager)
    assert client.post(url, data).status_code == 302
    evaluation = Evaluation.objects.get()
    assert str(evaluation.total) == "3.60"
    assert evaluation.history.latest().history_user == manager


def test_a_score_outside_the_scale_is_a_form_error(client, manager):
    quality = CriterionFactory(weight=100)
    supplier = SupplierFactory()
    client.force_login(manager)
    response = client.post(
        reverse("suppliers:evaluation_create", args=[supplier.pk, "it"]),
        {
            "basis": "initial",
            "evaluated_on": timezone.localdate().isoformat(),
            f"score_{quality.pk}": "7",
            "evidence": "x",
        },
    )
    assert response.status_code == 200
    assert "less than or equal to 5" in str(
        response.context["form"].errors[f"score_{quality.pk}"]
    )
    assert not Evaluation.objects.exists()


# --- Proposals and lists ------------------------------------------------------------


def test_proposal_create_by_staff_and_decide_pair(client, member, manager):
    supplier = SupplierFactory()
    EvaluationFactory(supplier=supplier)
    client.force_login(member)
    response = client.post(
        reverse("suppliers:proposal_create"),
        {
            "year": "2027",
            "supplier": supplier.pk,
            "category": "it",
            "action": "add",
            "reason": "Ишенимдүү",
        },
    )
    assert response.status_code == 302
    proposal = ListChangeProposal.objects.get()
    decide = reverse("suppliers:proposal_decide", args=[proposal.pk])
    assert client.post(decide, {"accept": "1"}).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == "pending"
    client.force_login(manager)
    assert client.post(decide, {"accept": "1"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "accepted"
    assert proposal.history.latest().history_user == manager


def test_proposal_form_reports_a_removal_of_a_supplier_not_listed(client, member):
    supplier = SupplierFactory()
    client.force_login(member)
    response = client.post(
        reverse("suppliers:proposal_create"),
        {
            "year": "2027",
            "supplier": supplier.pk,
            "category": "it",
            "action": "remove",
            "reason": "x",
        },
    )
    assert response.status_code == 200
    assert "is not on the list" in str(response.context["form"].errors["supplier"])
    assert not ListChangeProposal.objects.exists()


def test_proposal_list_has_a_query_budget(client, manager):
    client.force_login(manager)
    assert_constant_queries(
        client,
        reverse("suppliers:proposal_list"),
        lambda n: ProposalFactory.create_batch(n),
    )


def test_staff_see_only_their_own_proposals(client, member):
    mine = ProposalFactory(proposed_by=member)
    ProposalFactory()
    client.force_login(member)
    page = client.get(reverse("suppliers:proposal_list")).context["page_obj"]
    assert list(page) == [mine]


def test_list_compile_pair(client, member, manager):
    approved_list(2026, [(SupplierFactory(), "it")])
    url = reverse("suppliers:list_compile")
    client.force_login(member)
    assert client.post(url, {"year": "2027"}).status_code == 403
    assert not SupplierList.objects.filter(year=2027).exists()
    client.force_login(manager)
    assert client.post(url, {"year": "2027"}).status_code == 302
    compiled = SupplierList.objects.get(year=2027)
    assert compiled.entries.count() == 1
    assert compiled.history.latest().history_user == manager


def test_list_page_names_unresolved_proposals_and_has_a_query_budget(
    client, member, organisation
):
    supplier_list = approved_list(2026)
    ProposalFactory(year=2026, supplier=SupplierFactory(name="«Гамма» ЖЧК"))
    SupplierList.objects.filter(pk=supplier_list.pk).update(approval_status="draft")
    client.force_login(member)
    url = supplier_list.get_absolute_url()
    assert "«Гамма» ЖЧК" in client.get(url).content.decode()

    def make(n):
        from suppliers.models import ListEntry

        for _ in range(n):
            ListEntry.objects.create(
                supplier_list=supplier_list, supplier=SupplierFactory(), category="it"
            )
            ProposalFactory(year=2026)

    assert_constant_queries(client, url, make)


def test_list_index_has_a_query_budget(client, member):
    client.force_login(member)
    years = iter(range(2000, 2100))

    def make(n):
        for _ in range(n):
            approved_list(next(years), [(SupplierFactory(), "it")])

    assert_constant_queries(client, reverse("suppliers:list_index"), make)


# --- The trainers list ---------------------------------------------------------------


def test_review_pair(client, member, director):
    url = reverse("suppliers:review_create")
    data = {"reviewed_on": timezone.localdate().isoformat(), "notes": "Өзгөрүү жок"}
    client.force_login(member)
    assert client.post(url, data).status_code == 403
    assert not TrainerListReview.objects.exists()
    client.force_login(director)
    assert client.post(url, data).status_code == 302
    review = TrainerListReview.objects.get()
    assert review.reviewed_by == director
    assert review.history.latest().history_user == director


def test_review_form_refuses_a_removal_without_reason(client, director):
    entry = TrainerEntryFactory(added_on=timezone.localdate() - timedelta(days=10))
    client.force_login(director)
    response = client.post(
        reverse("suppliers:review_create"),
        {
            "reviewed_on": timezone.localdate().isoformat(),
            "remove": [entry.supplier_id],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["removal_reason"]
    assert TrainerListReview.objects.count() == 1  # the factory's own


def test_trainers_page_has_a_query_budget(client, member):
    client.force_login(member)

    def make(n):
        for _ in range(n):
            TrainerEntryFactory()
            ReviewFactory()

    assert_constant_queries(client, reverse("suppliers:trainers"), make)


# --- Purchases -----------------------------------------------------------------------


def test_purchase_request_by_staff_refused_for_an_unapproved_supplier(client, member):
    supplier = SupplierFactory(name="«Сервер» ЖЧК")
    client.force_login(member)
    url = reverse("suppliers:purchase_create")
    response = client.post(
        url, {"category": "it", "subject": "Сервер", "supplier": supplier.pk}
    )
    assert response.status_code == 200
    assert "not on the approved suppliers list in force" in str(
        response.context["form"].errors["supplier"]
    )
    assert not Purchase.objects.exists()
    printer = SupplierFactory(categories=["printing"])
    response = client.post(
        url, {"category": "printing", "subject": "Китепчелер", "supplier": printer.pk}
    )
    assert response.status_code == 302
    assert Purchase.objects.get().requested_by == member


def test_purchase_order_pair(client, member, office):
    purchase = PurchaseFactory(requested_by=member)
    url = reverse("suppliers:purchase_order", args=[purchase.pk])
    data = {
        "supplier": purchase.supplier_id,
        "ordered_on": timezone.localdate().isoformat(),
        "order_reference": "№12",
    }
    client.force_login(member)
    assert client.post(url, data).status_code == 403
    purchase.refresh_from_db()
    assert purchase.status == "requested"
    client.force_login(office)
    assert client.post(url, data).status_code == 302
    purchase.refresh_from_db()
    assert purchase.status == "ordered"
    assert purchase.history.latest().history_user == office


def test_failed_verification_shows_the_nonconformity(client, member, office):
    purchase = PurchaseFactory(status="ordered")
    url = reverse("suppliers:purchase_verify", args=[purchase.pk])
    data = {
        "passed": "0",
        "findings": "Барактар жетишпейт",
        "verified_on": timezone.localdate().isoformat(),
    }
    client.force_login(member)
    assert client.post(url, data).status_code == 403
    client.force_login(office)
    assert client.post(url, data).status_code == 302
    nonconformity = Nonconformity.objects.get()
    page = client.get(purchase.get_absolute_url()).content.decode()
    assert nonconformity.get_absolute_url() in page


def test_verification_without_findings_is_a_form_error(client, office):
    purchase = PurchaseFactory(status="ordered")
    client.force_login(office)
    response = client.post(
        reverse("suppliers:purchase_verify", args=[purchase.pk]),
        {"passed": "1", "findings": "", "verified_on": timezone.localdate()},
    )
    assert response.status_code == 200
    assert response.context["verify_form"].errors["findings"]
    purchase.refresh_from_db()
    assert purchase.status == "ordered"


def test_staff_see_only_their_own_purchases(client, member):
    mine = PurchaseFactory(requested_by=member)
    other = PurchaseFactory()
    client.force_login(member)
    assert list(client.get(reverse("suppliers:purchase_list")).context["page_obj"]) == [
        mine
    ]
    assert client.get(other.get_absolute_url()).status_code == 404


def test_purchase_list_has_a_query_budget(client, office):
    client.force_login(office)
    assert_constant_queries(
        client,
        reverse("suppliers:purchase_list"),
        lambda n: PurchaseFactory.create_batch(n),
    )


# --- Analysis -----------------------------------------------------------------------


def test_analysis_pair_and_query_budget(client, member, manager):
    client.force_login(member)
    assert client.get(reverse("suppliers:analysis")).status_code == 403
    client.force_login(manager)

    def make(n):
        for _ in range(n):
            supplier = SupplierFactory(categories=["printing"])
            EvaluationFactory(supplier=supplier, category="printing")
            PurchaseFactory(supplier=supplier)

    assert_constant_queries(client, reverse("suppliers:analysis"), make)


def test_index_pages_do_not_break_without_data(client, manager):
    client.force_login(manager)
    for name in ("index", "purchase_list", "proposal_list", "analysis"):
        assert client.get(reverse(f"suppliers:{name}")).status_code == 200, name


def test_every_page_renders_for_the_people_who_use_it(client, director):
    from tests.suppliers.factories import trainer

    supplier = trainer()
    CriterionFactory(category="trainers", weight=100)
    EvaluationFactory(supplier=supplier, category="trainers")
    entry = TrainerEntryFactory(supplier=supplier)
    purchases = [
        PurchaseFactory(status=status)
        for status in ("requested", "ordered", "failed", "accepted", "cancelled")
    ]
    supplier_list = approved_list(2026, [(supplier, "trainers")])
    client.force_login(director)
    urls = [
        supplier.get_absolute_url(),
        reverse("suppliers:supplier_edit", args=[supplier.pk]),
        reverse("suppliers:document_add", args=[supplier.pk]),
        reverse("suppliers:evaluation_create", args=[supplier.pk, "trainers"]),
        reverse("suppliers:criteria_edit", args=["it"]),
        reverse("suppliers:supplier_create"),
        reverse("suppliers:proposal_create") + f"?supplier={supplier.pk}",
        reverse("suppliers:review_create"),
        entry.added_in.get_absolute_url(),
        supplier_list.get_absolute_url(),
        reverse("suppliers:purchase_create"),
        reverse("suppliers:index"),
        *[p.get_absolute_url() for p in purchases],
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
