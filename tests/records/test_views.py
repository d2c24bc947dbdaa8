from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from records import services
from records.models import NomenclatureItem, Record, RecordFile
from tests.accounts.factories import UserFactory
from tests.records.factories import ItemFactory, RecordFactory, SectionFactory
from tests.utils import assert_constant_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_user):
    return make_user("quality_manager")


def test_nomenclature_pages_pair(client, staff):
    item = ItemFactory()
    nobody = UserFactory()  # no role at all
    client.force_login(nobody)
    assert client.get(reverse("records:index")).status_code == 403
    client.force_login(staff)
    response = client.get(item.nomenclature.get_absolute_url())
    assert response.status_code == 200
    assert item.title in response.content.decode()


def test_item_create_pair(client, staff, manager):
    section = SectionFactory()
    url = reverse("records:item_create", args=[section.nomenclature.year])
    data = {
        "section": section.pk,
        "index": "05-09",
        "title": "Актылар",
        "retention_kind": "permanent",
        "medium": "both",
    }
    client.force_login(staff)
    assert client.post(url, data).status_code == 403
    client.force_login(manager)
    assert client.post(url, data).status_code == 302
    item = NomenclatureItem.objects.get(index="05-09")
    assert item.history.latest().history_user == manager


def test_item_form_rejects_negative_and_empty_retention_and_duplicates(client, manager):
    existing = ItemFactory(index="05-01")
    url = reverse("records:item_create", args=[existing.nomenclature.year])
    base = {"section": existing.section_id, "title": "X", "medium": "both"}
    client.force_login(manager)
    negative = client.post(
        url,
        {**base, "index": "05-02", "retention_kind": "years", "retention_years": "-3"},
    )
    assert negative.context["form"].errors["retention_years"]
    empty = client.post(
        url,
        {**base, "index": "05-02", "retention_kind": "years", "retention_years": ""},
    )
    assert empty.context["form"].errors["retention_years"]
    duplicate = client.post(
        url, {**base, "index": "05-01", "retention_kind": "permanent"}
    )
    assert duplicate.context["form"].errors["index"]
    assert NomenclatureItem.objects.count() == 1


def test_nomenclature_page_has_a_query_budget(client, staff):
    section = SectionFactory()
    client.force_login(staff)

    def make(n):
        for _ in range(n):
            item = ItemFactory(section=section, responsible=UserFactory())
            RecordFactory(item=item)

    assert_constant_queries(client, section.nomenclature.get_absolute_url(), make)


def test_record_list_has_a_query_budget(client, staff):
    client.force_login(staff)
    assert_constant_queries(
        client, reverse("records:record_list"), lambda n: RecordFactory.create_batch(n)
    )


def test_record_list_pages_in_date_order_with_file_counts_without_group_by(
    client, staff
):
    records = RecordFactory.create_batch(30)
    RecordFile.objects.bulk_create(
        RecordFile(record=records[0], name=f"{n}.pdf", sha256="0" * 64)
        for n in range(2)
    )
    client.force_login(staff)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("records:record_list"), {"page": 1})
    page = response.context["page_obj"]
    assert page.paginator.object_list.ordered
    shown = list(page)
    assert [r.date for r in shown] == sorted((r.date for r in records), reverse=True)[
        : len(shown)
    ]
    by_pk = {r.pk: r.file_count for r in page.paginator.object_list}
    assert by_pk[records[0].pk] == 2
    # The paginator's count and the page: neither groups the join of files.
    assert not [q for q in captured if "GROUP BY" in q["sql"]]


def test_record_create_pair_and_bad_file(client, staff):
    item = ItemFactory(section__nomenclature__year=timezone.localdate().year)
    nobody = UserFactory()
    url = reverse("records:record_create")
    client.force_login(nobody)
    assert client.get(url).status_code == 403
    client.force_login(staff)
    bad = SimpleUploadedFile("x.pdf", b"MZ\x90" + b"\x00" * 50, "application/pdf")
    response = client.post(
        url,
        {
            "item": item.pk,
            "title": "T",
            "date": "2026-05-01",
            "medium": "electronic",
            "files": bad,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["files"]
    assert not Record.objects.exists()
    response = client.post(
        url,
        {
            "item": item.pk,
            "title": "Катышуучулардын тизмеси",
            "date": "2026-05-01",
            "medium": "paper",
            "place": "Шкаф 2",
        },
    )
    assert response.status_code == 302
    record = Record.objects.get()
    assert record.created_by == staff
    assert record.keep_until == date(2032, 1, 1)


def test_records_of_a_restricted_item_are_404_to_others(client, staff, make_user):
    item = ItemFactory(restricted=True)
    record = services.record_register(
        actor=None,
        item=item,
        title="Жабык",
        date=date(2026, 1, 1),
        medium="electronic",
        files=[("a.pdf", b"%PDF-1.7 x")],
    )
    stored = record.files.get()
    client.force_login(staff)
    assert client.get(record.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("records:record_file", args=[stored.pk])).status_code == 404
    )
    assert list(client.get(reverse("records:record_list")).context["page_obj"]) == []
    reader = make_user("referent")
    assign_perm("records.readrecords_nomenclatureitem", reader, item)
    client.force_login(reader)
    assert client.get(record.get_absolute_url()).status_code == 200
    download = client.get(reverse("records:record_file", args=[stored.pk]))
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"


def test_due_list_and_act_pairs(client, staff, manager):
    record = RecordFactory(date=date(2010, 1, 1))
    client.force_login(staff)
    assert client.get(reverse("records:records_due")).status_code == 403
    assert client.post(reverse("records:act_create"), {}).status_code == 403
    client.force_login(manager)
    due = client.get(reverse("records:records_due"))
    assert record in list(due.context["page_obj"])
    response = client.post(
        reverse("records:act_create"),
        {"number": "2026/1", "date": "2026-11-27", "records": [record.pk]},
    )
    assert response.status_code == 302


def test_act_form_names_a_record_not_yet_due(client, manager):
    record = RecordFactory(title="Жаңы", date=date(2026, 1, 1))
    client.force_login(manager)
    response = client.post(
        reverse("records:act_create"),
        {"number": "2026/2", "date": "2026-11-27", "records": [record.pk]},
    )
    assert response.status_code == 200
    assert "Жаңы" in str(response.context["form"].errors["records"])
