"""Every change in records control: the nomenclature, records, disposal.

Other apps file their records through :func:`record_register`; signed PDFs
are filed automatically under the item whose ``record_kind`` names the
signed model (see ``RecordsConfig.ready``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sapat.accounts.models import User
from sapat.accounts.roles import QUALITY_MANAGER, ROLES_BY_KEY
from sapat.history import attribute
from sapat.notify.events import Event, register
from sapat.notify.services import notify
from sapat.signing.models import ApprovalStatus

from .models import (
    DisposalAct,
    Nomenclature,
    NomenclatureItem,
    Record,
    RecordFile,
    Section,
)

register(
    Event(
        "records.disposal_due",
        title=gettext_lazy("Records due for disposal: %(count)s"),
        body=gettext_lazy(
            "Their retention has ended. Draw up a disposal act for the commission "
            "and the director."
        ),
    )
)


def _require(actor: User | None, perm: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied


def _editable(nomenclature: Nomenclature) -> None:
    if nomenclature.approval_status != ApprovalStatus.DRAFT:
        raise ValidationError(
            _("The nomenclature of %(year)s is %(status)s: only a draft is edited.")
            % {
                "year": nomenclature.year,
                "status": nomenclature.get_approval_status_display(),
            },
            code="not_draft",
        )


@transaction.atomic
def nomenclature_create(*, actor: User, year: int, notes: str = "") -> Nomenclature:
    _require(actor, "records.add_nomenclature")
    nomenclature = Nomenclature(year=year, notes=notes)
    nomenclature.full_clean()
    attribute(nomenclature, actor=actor, reason=_("Created"))
    nomenclature.save()
    return nomenclature


@transaction.atomic
def nomenclature_copy(*, actor: User, source: Nomenclature, year: int) -> Nomenclature:
    """ "Copy from last year": a draft for ``year`` with the same sections
    and items (no records). Documents move to the new items when it is
    approved."""
    _require(actor, "records.add_nomenclature")
    if Nomenclature.objects.filter(year=year).exists():
        raise ValidationError(
            {"year": _("The nomenclature of %(year)s exists already.") % {"year": year}}
        )
    target = nomenclature_create(actor=actor, year=year, notes=source.notes)
    sections = {}
    for section in source.sections.all():
        sections[section.pk] = Section.objects.create(
            nomenclature=target,
            unit_id=section.unit_id,
            code=section.code,
            title=section.title,
            order=section.order,
        )
    NomenclatureItem.objects.bulk_create(
        [
            NomenclatureItem(
                nomenclature=target,
                section=sections[item.section_id],
                index=item.index,
                title=item.title,
                retention_kind=item.retention_kind,
                retention_years=item.retention_years,
                legal_basis=item.legal_basis,
                storage_place=item.storage_place,
                medium=item.medium,
                responsible_id=item.responsible_id,
                notes=item.notes,
                record_kind=item.record_kind,
                restricted=item.restricted,
            )
            for item in source.items.all()
        ]
    )
    return target


def on_nomenclature_approved(nomenclature: Nomenclature) -> int:
    """The newly approved year's items take over the documents of the
    previous year's items with the same index."""
    from documents.models import Document

    moved = 0
    new_items = {i.index: i for i in nomenclature.items.all()}
    for document in Document.objects.filter(
        nomenclature_item__nomenclature__year__lt=nomenclature.year
    ).select_related("nomenclature_item"):
        item = new_items.get(document.nomenclature_item.index)
        if item is not None:
            Document.objects.filter(pk=document.pk).update(nomenclature_item=item)
            moved += 1
    return moved


@transaction.atomic
def section_create(
    *,
    actor: User,
    nomenclature: Nomenclature,
    code: str,
    title: str,
    unit=None,
    order=0,
) -> Section:
    _require(actor, "records.change_nomenclature")
    _editable(nomenclature)
    section = Section(
        nomenclature=nomenclature, code=code, title=title, unit=unit, order=order
    )
    section.full_clean()
    attribute(section, actor=actor)
    section.save()
    return section


@transaction.atomic
def item_save(
    *, actor: User, item: NomenclatureItem | None = None, **fields
) -> NomenclatureItem:
    """Create (``item`` None) or change an item of a draft nomenclature.

    Raises ``ValidationError`` for a duplicate index in the year, a missing
    or nonsensical retention, or an approved nomenclature.
    """
    if item is None:
        _require(actor, "records.add_nomenclatureitem")
        item = NomenclatureItem(**fields)
    else:
        _require(actor, "records.change_nomenclatureitem")
        item = NomenclatureItem.objects.select_for_update().get(pk=item.pk)
        for name, value in fields.items():
            setattr(item, name, value)
    _editable(item.nomenclature)
    duplicate = NomenclatureItem.objects.filter(
        nomenclature=item.nomenclature, index=item.index
    ).exclude(pk=item.pk)
    if duplicate.exists():
        raise ValidationError(
            {
                "index": _("The index %(index)s is used already in %(year)s.")
                % {"index": item.index, "year": item.nomenclature.year}
            }
        )
    item.full_clean()
    attribute(item, actor=actor)
    item.save()
    return item


@transaction.atomic
def item_delete(*, actor: User, item: NomenclatureItem) -> None:
    _require(actor, "records.delete_nomenclatureitem")
    _editable(item.nomenclature)
    if item.records.exists():
        raise ValidationError(_("The item holds records: it cannot be removed."))
    attribute(item, actor=actor)
    item.delete()


def item_for_kind(kind: str, on: date) -> NomenclatureItem | None:
    """The item that files records of ``kind`` dated ``on``.

    The nomenclature of that year (approved preferred), else the newest one
    that has such an item.
    """
    items = NomenclatureItem.objects.filter(record_kind=kind).select_related(
        "nomenclature"
    )
    same_year = [i for i in items if i.nomenclature.year == on.year]
    if same_year:
        return sorted(
            same_year,
            key=lambda i: i.nomenclature.approval_status != ApprovalStatus.APPROVED,
        )[0]
    return items.order_by("-nomenclature__year").first()


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@transaction.atomic
def record_register(
    *,
    title: str,
    date: date,
    medium: str,
    actor: User | None = None,
    obj: models.Model | None = None,
    item: NomenclatureItem | None = None,
    kind: str = "",
    place: str = "",
    files: Iterable[tuple[str, bytes | File]] = (),
    quality_data: bool = False,
) -> Record:
    """File one record under its nomenclature item; the one way apps do it.

    Give ``item``, or ``kind`` (e.g. "documents.documentrevision") to find
    the item of the record's year. ``obj`` links the record to the QMS
    object it proves. ``files`` are ``(name, content)`` pairs; each is kept
    with its SHA-256. "Keep until" follows from the item's retention.
    ``actor`` None means the system (a service of another app).
    Raises ``ValidationError`` when no item fits.
    """
    _require(actor, "records.add_record")
    if item is None and kind:
        item = item_for_kind(kind, date)
    if item is None:
        raise ValidationError(
            _("No item of the nomenclature of files takes this kind of record."),
            code="no_item",
        )
    record = Record(
        item=item,
        title=title[:300],
        date=date,
        medium=medium,
        place=place,
        quality_data=quality_data,
        keep_until=item.keep_until(date),
        created_by=actor,
    )
    if obj is not None:
        record.content_type = ContentType.objects.get_for_model(obj)
        record.object_id = obj.pk
    record.full_clean()
    attribute(record, actor=actor, reason=_("Registered"))
    record.save()
    for name, content in files:
        data = content if isinstance(content, bytes) else content.read()
        stored = RecordFile(
            record=record, name=name[:255], sha256=_digest(data), size=len(data)
        )
        stored.file.save(name, ContentFile(data), save=False)
        stored.save()
    return record


def file_signed_pdf(*, obj: models.Model, pdf) -> Record | None:
    """File a signed PDF (approval sheet, act, report…) as a record, when
    an item of the nomenclature takes that kind of record. Idempotent."""
    kind = obj._meta.label_lower
    on = timezone.localdate()
    item = item_for_kind(kind, on)
    if item is None:
        return None
    content_type = ContentType.objects.get_for_model(obj)
    title = pdf.title
    if Record.objects.filter(
        content_type=content_type, object_id=obj.pk, title=title, date=on
    ).exists():
        return None
    pdf.file.open("rb")
    try:
        data = pdf.file.read()
    finally:
        pdf.file.close()
    return record_register(
        title=title,
        date=on,
        medium="electronic",
        obj=obj,
        item=item,
        place=item.storage_place,
        files=[(f"{pdf.code}.pdf", data)],
    )


# --- Disposal -----------------------------------------------------------------


def records_due(*, on: date | None = None):
    """Records kept past their "keep until" date, oldest first."""
    on = on or timezone.localdate()
    return (
        Record.objects.filter(status=Record.Status.KEPT, keep_until__lte=on)
        .select_related("item")
        .order_by("keep_until", "id")
    )


@transaction.atomic
def disposal_act_create(
    *, actor: User, number: str, date: date, records: Iterable[Record], notes: str = ""
) -> DisposalAct:
    """Draw up a disposal act; every record must be due by the act's date.

    Refuses, naming them, records whose retention has not ended or that
    are destroyed already. The act then goes to the commission (agreers)
    and the director through the approval route.
    """
    _require(actor, "records.add_disposalact")
    records = list(
        Record.objects.select_for_update().filter(pk__in=[r.pk for r in records])
    )
    if not records:
        raise ValidationError({"records": _("Choose the records to destroy.")})
    early = [r for r in records if r.keep_until is None or r.keep_until > date]
    if early:
        raise ValidationError(
            {
                "records": _("Not yet due for disposal: %(records)s.")
                % {
                    "records": "; ".join(
                        f"{r.title} ({r.keep_until or _('kept permanently')})"
                        for r in early
                    )
                }
            }
        )
    gone = [r for r in records if r.status != Record.Status.KEPT]
    if gone:
        raise ValidationError(
            {
                "records": _("Destroyed already: %(records)s.")
                % {"records": "; ".join(r.title for r in gone)}
            }
        )
    act = DisposalAct(number=number, date=date, notes=notes, created_by=actor)
    act.full_clean()
    attribute(act, actor=actor, reason=_("Drawn up"))
    act.save()
    act.records.set(records)
    return act


def disposal_execute(*, act: DisposalAct, actor: User | None) -> int:
    """After the director's approval: delete the files, keep the rows as
    "destroyed by act N on date". Runs inside the approving transaction;
    files are deleted only after it commits."""
    files = list(
        RecordFile.objects.filter(record__in=act.records.all(), deleted_at__isnull=True)
    )
    now = timezone.now()
    for record in act.records.select_for_update():
        record.status = Record.Status.DESTROYED
        record.destroyed_by = act
        record.destroyed_on = act.date
        attribute(record, actor=actor, reason=str(act))
        record.save(update_fields=["status", "destroyed_by", "destroyed_on"])
    RecordFile.objects.filter(pk__in=[f.pk for f in files]).update(deleted_at=now)

    def delete_files():
        for stored in files:
            if stored.file:
                stored.file.storage.delete(stored.file.name)

    transaction.on_commit(delete_files)
    return len(files)


def disposal_due_remind(*, today: date | None = None) -> int:
    """Monthly: tell the quality managers how many records are due."""
    today = today or timezone.localdate()
    count = records_due(on=today).count()
    if not count:
        return 0
    managers = User.objects.filter(
        is_active=True,
        groups=Group.objects.get(name=ROLES_BY_KEY[QUALITY_MANAGER].group_name),
    )
    return len(
        notify(
            recipients=managers,
            event="records.disposal_due",
            target="/records/due/",
            context={"count": count},
            once_key=f"records:disposal-due:{today:%Y-%m}",
        )
    )
