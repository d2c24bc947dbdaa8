from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from records import services
from records.models import Nomenclature, NomenclatureItem, Record, RecordFile
from sapat.notify.models import Notification
from sapat.signing import services as signing
from tests.accounts.factories import TEST_PASSWORD
from tests.records.factories import ItemFactory, RecordFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_user):
    return make_user("quality_manager")


def test_keep_until_counts_from_the_next_first_of_january():
    item = NomenclatureItem(retention_kind="years", retention_years=5)
    assert item.keep_until(date(2026, 3, 15)) == date(2032, 1, 1)
    assert (
        NomenclatureItem(retention_kind="permanent").keep_until(date(2026, 1, 1))
        is None
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"retention_kind": "years", "retention_years": None}, "retention_years"),
        ({"retention_kind": "permanent", "retention_years": 3}, "retention_years"),
        ({"retention_kind": "years", "retention_years": 0}, "retention_years"),
    ],
)
def test_an_item_with_a_bad_retention_is_refused(manager, fields, field):
    section = SectionFactory()
    with pytest.raises(ValidationError) as error:
        services.item_save(
            actor=manager,
            nomenclature=section.nomenclature,
            section=section,
            index="05-01",
            title="X",
            **fields,
        )
    assert field in error.value.message_dict
    assert not NomenclatureItem.objects.exists()


def test_a_duplicate_index_in_one_year_is_refused(manager):
    item = ItemFactory(index="05-01")
    with pytest.raises(ValidationError) as error:
        services.item_save(
            actor=manager,
            nomenclature=item.nomenclature,
            section=item.section,
            index="05-01",
            title="Again",
            retention_kind="permanent",
        )
    assert "05-01" in error.value.message_dict["index"][0]


def test_staff_cannot_change_the_nomenclature(staff):
    section = SectionFactory()
    with pytest.raises(PermissionDenied):
        services.item_save(
            actor=staff,
            nomenclature=section.nomenclature,
            section=section,
            index="1",
            title="X",
            retention_kind="permanent",
        )


def test_an_approved_nomenclature_is_frozen(manager, organisation, director):
    item = ItemFactory()
    route = signing.route_start(obj=item.nomenclature, actor=manager)
    signing.route_sign(step=route.steps.get(), actor=director, password=TEST_PASSWORD)
    with pytest.raises(ValidationError) as error:
        services.item_save(actor=manager, item=item, title="Changed")
    assert error.value.code == "not_draft"


def test_a_nomenclature_without_items_cannot_be_sent(manager, organisation):
    nomenclature = Nomenclature.objects.create(year=2030)
    with pytest.raises(ValidationError):
        signing.route_start(obj=nomenclature, actor=manager)


def test_copy_from_last_year_and_documents_follow_on_approval(
    manager, organisation, director
):
    from tests.documents.factories import DocumentFactory

    old = ItemFactory(index="05-02", record_kind="documents.documentrevision")
    document = DocumentFactory(nomenclature_item=old)
    new = services.nomenclature_copy(actor=manager, source=old.nomenclature, year=2027)
    assert list(new.items.values_list("index", "record_kind")) == [
        ("05-02", "documents.documentrevision")
    ]
    route = signing.route_start(obj=new, actor=manager)
    signing.route_sign(step=route.steps.get(), actor=director, password=TEST_PASSWORD)
    document.refresh_from_db()
    assert document.nomenclature_item.nomenclature == new


def test_copy_to_an_existing_year_is_refused(manager):
    item = ItemFactory()
    with pytest.raises(ValidationError):
        services.nomenclature_copy(actor=manager, source=item.nomenclature, year=2026)


def test_record_register_by_kind_finds_the_item_of_its_year(manager):
    item = ItemFactory(record_kind="audits.auditreport")
    record = services.record_register(
        actor=manager,
        kind="audits.auditreport",
        title="Аудит",
        date=date(2026, 5, 5),
        medium="electronic",
        files=[("report.pdf", b"%PDF-1.7 test")],
    )
    assert record.item == item
    assert record.keep_until == date(2032, 1, 1)
    stored = RecordFile.objects.get(record=record)
    assert len(stored.sha256) == 64 and stored.size == 13


def test_record_register_without_a_fitting_item_is_refused(manager):
    with pytest.raises(ValidationError) as error:
        services.record_register(
            actor=manager,
            kind="nothing.here",
            title="X",
            date=date(2026, 1, 1),
            medium="paper",
        )
    assert error.value.code == "no_item"


def test_a_document_approval_sheet_is_filed_under_its_item(
    manager, organisation, director, pdf_keys, django_capture_on_commit_callbacks
):
    from documents.services import register as documents

    item = ItemFactory(record_kind="documents.documentrevision", index="05-03")
    document = documents.document_create(
        actor=manager,
        code="ДЖ-01",
        title="Документтерди башкаруу",
        doc_type="procedure",
        owner=manager,
    )
    revision = documents.revision_create(document=document, actor=manager, body="Текст")
    route = signing.route_start(obj=revision, actor=manager)
    with django_capture_on_commit_callbacks(execute=True):
        signing.route_sign(
            step=route.steps.get(), actor=director, password=TEST_PASSWORD
        )
    record = Record.objects.get(item=item)
    assert record.content_object == revision
    assert record.files.get().name.endswith(".pdf")


# --- Disposal ---------------------------------------------------------------


def test_a_disposal_act_refuses_a_record_not_yet_due_naming_it(manager):
    due = RecordFactory(title="Эски протокол", date=date(2015, 3, 1))
    early = RecordFactory(title="Жаңы протокол", date=date(2025, 3, 1))
    with pytest.raises(ValidationError) as error:
        services.disposal_act_create(
            actor=manager, number="1", date=date(2026, 11, 27), records=[due, early]
        )
    assert "Жаңы протокол" in str(error.value)
    assert "Эски протокол" not in str(error.value)


def test_permanent_records_are_never_disposed(manager):
    record = RecordFactory(
        item=ItemFactory(retention_kind="permanent", retention_years=None)
    )
    with pytest.raises(ValidationError):
        services.disposal_act_create(
            actor=manager, number="1", date=date(2099, 1, 1), records=[record]
        )


def test_an_approved_act_deletes_the_files_and_keeps_the_rows(
    manager,
    organisation,
    director,
    make_user,
    pdf_keys,
    django_capture_on_commit_callbacks,
):
    item = ItemFactory(retention_years=1)
    record = services.record_register(
        actor=manager,
        item=item,
        title="Old",
        date=date(2020, 1, 1),
        medium="electronic",
        files=[("a.pdf", b"%PDF-1.7 old")],
    )
    stored = record.files.get()
    path = stored.file.path
    act = services.disposal_act_create(
        actor=manager, number="2026/1", date=date(2026, 11, 27), records=[record]
    )
    member = make_user("deputy_director")
    route = signing.route_start(obj=act, actor=manager, agreers=[member])
    signing.route_sign(
        step=route.steps.get(signer=member), actor=member, password=TEST_PASSWORD
    )
    import os

    assert os.path.exists(path)
    with django_capture_on_commit_callbacks(execute=True):
        signing.route_sign(
            step=route.steps.get(signer=director),
            actor=director,
            password=TEST_PASSWORD,
        )
    record.refresh_from_db()
    stored.refresh_from_db()
    assert record.status == "destroyed"
    assert record.destroyed_by == act
    assert stored.deleted_at is not None
    assert not os.path.exists(path)


def test_staff_cannot_draw_up_an_act(staff):
    record = RecordFactory(date=date(2000, 1, 1))
    with pytest.raises(PermissionDenied):
        services.disposal_act_create(
            actor=staff, number="1", date=date(2026, 1, 1), records=[record]
        )


def test_the_monthly_reminder_goes_once_a_month(manager):
    RecordFactory(date=date(2000, 1, 1))
    assert services.disposal_due_remind(today=date(2026, 12, 1)) == 1
    assert services.disposal_due_remind(today=date(2026, 12, 2)) == 0
    assert services.disposal_due_remind(today=date(2027, 1, 1)) == 1
    assert (
        Notification.objects.filter(
            recipient=manager, event="records.disposal_due"
        ).count()
        == 2
    )
