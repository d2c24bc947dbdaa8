"""Import of the items of a draft nomenclature of files (issue #14).

The year is the URL's; the sections are made first on the nomenclature's
page and named in the file by their code or title. Each row goes through
:func:`records.services.item_save`.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sapat.imports import (
    Boolean,
    Choice,
    Column,
    Importer,
    Integer,
    Reference,
    normalise,
    person,
)
from sapat.signing.models import ApprovalStatus

from .models import Medium, Nomenclature, NomenclatureItem, Retention
from .services import item_save


def _sections(importer):
    return importer.nomenclature.sections.all()


class NomenclatureItemImporter(Importer):
    key = "nomenclature-items"
    model = NomenclatureItem
    permission = "records.add_nomenclatureitem"
    title = gettext_lazy("Import of the items of the nomenclature of files")
    url_name = "records:item_import"
    list_url_name = "records:nomenclature_detail"
    template_name = "nomenclature"
    unique = ("index",)
    columns = (
        Column(
            "section",
            Reference(
                _sections,
                keys=lambda section: (section.code, section.title, str(section)),
                description=gettext_lazy(
                    "A section of this nomenclature, by its code or title."
                ),
                not_found=gettext_lazy(
                    "“%(value)s” is not a section of this nomenclature."
                ),
            ),
            required=True,
            headers=("бөлүм", "бөлүмү", "раздел"),
        ),
        Column(
            "index",
            required=True,
            headers=("индекс", "индекси", "индекс дела", "иштин индекси"),
        ),
        Column(
            "title",
            required=True,
            headers=("аталышы", "заголовок", "наименование", "иштин аталышы"),
        ),
        Column(
            "retention_kind",
            Choice(Retention, default=Retention.YEARS),
            headers=("сактоо", "хранение", "вид хранения", "срок хранения"),
        ),
        Column(
            "retention_years",
            Integer(1, 100),
            headers=("сактоо мөөнөтү, жыл", "срок хранения, лет", "лет", "жыл"),
        ),
        Column(
            "legal_basis",
            headers=("негизи", "статья", "основание", "статья по перечню"),
        ),
        Column(
            "storage_place",
            headers=("сактоо жери", "место хранения"),
        ),
        Column(
            "medium",
            Choice(Medium, default=Medium.BOTH),
            headers=("формат", "носитель"),
        ),
        Column(
            "responsible",
            person(),
            headers=("жооптуу", "ответственный"),
        ),
        Column("notes", headers=("эскертүү", "примечание", "примечания")),
        Column(
            "restricted",
            Boolean(default=False),
            headers=("чектелген", "ограниченный", "ограничен"),
        ),
    )

    def __init__(self, *, user, year: int, **url_kwargs):
        super().__init__(user=user, year=year, **url_kwargs)
        self.nomenclature = get_object_or_404(Nomenclature, year=year)

    def problems(self):
        if self.nomenclature.approval_status != ApprovalStatus.DRAFT:
            return [
                _(
                    "The nomenclature of %(year)s is %(status)s: "
                    "only a draft takes new items."
                )
                % {
                    "year": self.nomenclature.year,
                    "status": self.nomenclature.get_approval_status_display(),
                }
            ]
        return []

    def existing(self, identities):
        indexes = self.nomenclature.items.values_list("index", flat=True)
        return identities & {(normalise(index),) for index in indexes}

    def check_row(self, row):
        kind, years = row.values["retention_kind"], row.values["retention_years"]
        if kind == Retention.YEARS and not years:
            row.add_error(
                "retention_years", _("Say for how many years the records are kept.")
            )
        if kind != Retention.YEARS and years:
            row.add_error(
                "retention_years", _("Years apply only to a retention in years.")
            )

    def save(self, values):
        return item_save(actor=self.user, nomenclature=self.nomenclature, **values)
