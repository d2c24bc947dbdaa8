"""The register pages: permission pairs, bad input, restricted documents."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Document, DocumentRevision, PaperCopy
from documents.services import register as services
from sapat.signing import services as signing
from tests.accounts.factories import TEST_PASSWORD
from tests.documents.factories import DocumentFactory, RevisionFactory
from tests.utils import assert_constant_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_user):
    return make_user("quality_manager")


@pytest.fixture
def in_force(manager, organisation, director):
    document = services.document_create(
        actor=manager,
        code="ДЖ-01",
        title="Документтерди башкаруу",
        doc_type="procedure",
        owner=manager,
    )
    revision = services.revision_create(document=document, actor=manager, body="Текст")
    route = signing.route_start(obj=revision, actor=manager)
    signing.route_sign(step=route.steps.get(), actor=director, password=TEST_PASSWORD)
    revision.refresh_from_db()
    return revision


@pytest.fixture
def restricted(manager):
    return services.document_create(
        actor=manager,
        code="Б-9",
        title="Жашыруун буйрук",
        doc_type="order",
        owner=manager,
        access="restricted",
    )


def test_create_document_pair(client, staff, manager):
    data = {
        "code": "ДЖ-50",
        "title": "Жаңы",
        "doc_type": "procedure",
        "owner": manager.pk,
        "access": "staff",
        "review_months": 12,
    }
    client.force_login(staff)
    assert client.post(reverse("documents:create"), data).status_code == 403
    assert not Document.objects.filter(code="ДЖ-50").exists()
    client.force_login(manager)
    response = client.post(reverse("documents:create"), data)
    assert response.status_code == 302
    document = Document.objects.get(code="ДЖ-50")
    assert document.history.latest().history_user == manager


def test_create_document_rejects_bad_input(client, manager):
    DocumentFactory(code="ДЖ-01")
    client.force_login(manager)
    response = client.post(
        reverse("documents:create"),
        {
            "code": "ДЖ-01",
            "title": "",
            "doc_type": "nonsense",
            "owner": manager.pk,
            "access": "staff",
            "review_months": 0,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"code", "title", "doc_type", "review_months"} <= set(errors)


def test_edit_document_pair(client, staff, manager):
    document = DocumentFactory(owner=manager)
    url = reverse("documents:edit", args=[document.pk])
    client.force_login(staff)
    assert client.get(url).status_code == 403
    client.force_login(manager)
    response = client.post(
        url,
        {
            "code": document.code,
            "title": "Changed",
            "doc_type": "procedure",
            "owner": manager.pk,
            "access": "staff",
            "review_months": 6,
        },
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.title == "Changed"


def test_revision_create_pair_and_executable_refused(client, staff, manager):
    document = DocumentFactory(owner=manager)
    url = reverse("documents:revision_create", args=[document.pk])
    client.force_login(staff)
    assert client.post(url, {"body": "x"}).status_code == 403
    client.force_login(manager)
    fake = SimpleUploadedFile(
        "virus.pdf", b"MZ\x90\x00" + b"\x00" * 100, "application/pdf"
    )
    response = client.post(url, {"body": "", "file": fake, "change_summary": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not DocumentRevision.objects.exists()
    response = client.post(url, {"body": "Жаңы текст", "change_summary": "Биринчи"})
    assert response.status_code == 302
    assert document.revisions.get().number == 1


def test_revision_edit_conflict_shows_a_message(client, manager):
    revision = RevisionFactory(document=DocumentFactory(owner=manager))
    url = reverse(
        "documents:revision_edit", args=[revision.document_id, revision.number]
    )
    client.force_login(manager)
    stale = {
        "body": "Mine",
        "change_summary": "",
        "lock_version": revision.lock_version,
    }
    services.revision_update(
        revision=revision,
        actor=manager,
        lock_version=revision.lock_version,
        body="Theirs",
    )
    response = client.post(url, stale)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    revision.refresh_from_db()
    assert revision.body == "Theirs"


def test_a_restricted_document_is_404_everywhere_for_others(client, staff, restricted):
    revision = RevisionFactory(document=restricted, number=1)
    client.force_login(staff)
    assert client.get(restricted.get_absolute_url()).status_code == 404
    assert client.get(revision.get_absolute_url()).status_code == 404
    listing = client.get(reverse("documents:index"))
    assert restricted not in list(listing.context["page_obj"])
    found = client.get(reverse("documents:index"), {"q": "жашыруун"})
    assert list(found.context["page_obj"]) == []
    download = reverse("documents:revision_download", args=[restricted.pk, 1])
    assert client.get(download).status_code == 404


def test_the_owner_sees_the_restricted_document(client, manager, restricted):
    client.force_login(manager)
    assert client.get(restricted.get_absolute_url()).status_code == 200


def test_acknowledge_pair(client, in_force, staff):
    url = reverse(
        "documents:revision_acknowledge", args=[in_force.document_id, in_force.number]
    )
    client.force_login(staff)
    client.post(url, {"password": "wrong"})
    assert staff.pk not in services.acknowledgements(in_force)
    client.post(url, {"password": TEST_PASSWORD})
    assert staff.pk in services.acknowledgements(in_force)


def test_matrix_shows_who_is_left(client, in_force, make_user, manager):
    reader, slow = make_user("staff"), make_user("staff")
    services.revision_acknowledge(
        revision=in_force, actor=reader, password=TEST_PASSWORD
    )
    client.force_login(manager)
    response = client.get(reverse("documents:matrix", args=[in_force.document_id]))
    rows = {person.pk: signature for person, signature in response.context["rows"]}
    assert rows[reader.pk] is not None
    assert rows[slow.pk] is None
    assert response.context["left"] >= 1


def test_paper_copies_pair(client, in_force, staff, manager):
    url = reverse(
        "documents:paper_copies", args=[in_force.document_id, in_force.number]
    )
    data = {"holder": staff.pk, "place": "101", "issued_on": "2026-11-27"}
    client.force_login(staff)
    assert client.post(url, data).status_code == 403
    assert not PaperCopy.objects.exists()
    client.force_login(manager)
    assert client.post(url, data).status_code == 302
    assert PaperCopy.objects.get().holder == staff


def test_paper_copy_form_rejects_a_bad_date(client, in_force, manager):
    client.force_login(manager)
    response = client.post(
        reverse("documents:paper_copies", args=[in_force.document_id, in_force.number]),
        {"holder": manager.pk, "issued_on": "yesterday"},
    )
    assert response.context["form"].errors["issued_on"]


def test_change_request_form_needs_a_reason(client, in_force, staff):
    client.force_login(staff)
    response = client.post(
        reverse("documents:change_request", args=[in_force.document_id]), {"reason": ""}
    )
    assert response.context["form"].errors["reason"]


def test_decide_pair(client, in_force, staff, manager):
    change = services.change_request_create(
        document=in_force.document, actor=staff, reason="X"
    )
    url = reverse("documents:change_request_decide", args=[change.pk])
    client.force_login(staff)
    assert client.post(url, {"accept": "0", "decision": "no"}).status_code == 403
    client.force_login(manager)
    assert client.post(url, {"accept": "0", "decision": "No"}).status_code == 302


def test_register_pdf_pair(client, in_force, staff, manager, pdf_keys):
    client.force_login(staff)
    assert client.get(reverse("documents:register_pdf")).status_code == 403
    client.force_login(manager)
    response = client.get(reverse("documents:register_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    from sapat.signing.pdf import verify_pdf

    assert verify_pdf(response.content).intact


def test_public_documents_need_no_login(client, manager):
    public = DocumentFactory(
        access="public", status="in_force", title="Сапат боюнча колдонмо"
    )
    RevisionFactory(document=public, approval_status="in_force", number=1)
    DocumentFactory(access="staff", status="in_force", title="Ички")
    response = client.get(reverse("documents_public"))
    assert [d.pk for d in response.context["documents"]] == [public.pk]
    page = client.get(reverse("documents_public_download", args=[public.pk]))
    assert page.status_code == 200


def test_compare_shows_the_differences(client, manager):
    document = DocumentFactory(owner=manager)
    RevisionFactory(document=document, number=1, body="Биринчи сап\nЭкинчи сап")
    RevisionFactory(document=document, number=2, body="Биринчи сап\nӨзгөргөн сап")
    client.force_login(manager)
    response = client.get(
        reverse("documents:compare", args=[document.pk]), {"a": 1, "b": 2}
    )
    assert response.status_code == 200
    assert "Өзгөргөн" in response.content.decode()


def test_document_list_has_a_query_budget(client, staff):
    client.force_login(staff)

    def make(n):
        for _ in range(n):
            document = DocumentFactory(status="in_force")
            RevisionFactory(document=document, number=1, approval_status="in_force")

    assert_constant_queries(client, reverse("documents:index"), make)


def test_list_filters_by_type_and_ignores_unknown_values(client, staff):
    DocumentFactory(doc_type="plan", code="П-1")
    DocumentFactory(doc_type="procedure", code="ДЖ-77")
    client.force_login(staff)
    response = client.get(reverse("documents:index"), {"type": "plan"})
    assert [d.code for d in response.context["page_obj"]] == ["П-1"]
    response = client.get(reverse("documents:index"), {"type": "<x>", "status": "??"})
    assert response.status_code == 200
