"""What the PDFs of the records app read besides the approvable object.

The signing pipeline renders ``pdf/records/nomenclature.html`` and
``pdf/records/disposal_act.html`` with the object and its signatures; these
builders add the rows, loaded in a fixed number of queries however many
items or records there are, so the templates never query per row.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q

from documents.register_list import documents_in_force_register

from .models import DisposalAct, Nomenclature, NomenclatureItem, Record


def nomenclature_pdf_context(nomenclature: Nomenclature) -> dict:
    """The sections of ``nomenclature`` with their items, and the documents.

    Returns ``{"sections": [...], "register_rows": [...]}``: the sections in
    their order, each with ``items_list`` (its items by index, each with its
    ``responsible`` loaded and ``record_count``, the records still kept), and
    the list of documents in force
    (:func:`documents.register_list.documents_in_force_register`).
    Runs four queries however many items there are (sections, items,
    documents, revisions in force). Changes nothing.
    """
    items = (
        NomenclatureItem.objects.select_related("responsible")
        .annotate(
            record_count=Count("records", filter=Q(records__status=Record.Status.KEPT))
        )
        .order_by("index")
    )
    sections = list(
        nomenclature.sections.order_by("order", "code").prefetch_related(
            Prefetch("items", queryset=items, to_attr="items_list")
        )
    )
    return {"sections": sections, "register_rows": documents_in_force_register()}


def disposal_act_pdf_context(act: DisposalAct) -> dict:
    """The records of ``act`` with their items, by item index then date.

    Returns ``{"records": [...]}`` in one query however many records the act
    lists; without it the template reads ``object.records`` itself, with a
    query per row for the item. Changes nothing.
    """
    records = act.records.select_related("item").order_by("item__index", "date", "id")
    return {"records": list(records)}
