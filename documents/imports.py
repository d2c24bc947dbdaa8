"""Import of an existing register of documents (issue #14).

Each row is registered through :func:`documents.services.register.document_create`
(status "in preparation", no revision yet): the revisions and their files
follow the usual route.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sapat.imports import Choice, Column, Importer, Integer, org_unit, person

from .models import Document
from .models.register import Access, DocumentType, normalise_code
from .services.register import document_create


class DocumentImporter(Importer):
    key = "documents"
    model = Document
    permission = "documents.add_document"
    title = _("Import of the register of documents")
    url_name = "documents:import"
    list_url_name = "documents:index"
    template_name = "documents"
    unique = ("code",)
    columns = (
        Column(
            "code", required=True, headers=("код", "шифр", "обозначение", "белгиси")
        ),
        Column(
            "title",
            required=True,
            headers=("аталышы", "наименование", "название", "документтин аталышы"),
        ),
        Column(
            "doc_type",
            Choice(DocumentType),
            required=True,
            headers=("түрү", "тип", "вид", "вид документа", "документтин түрү"),
        ),
        Column(
            "owner",
            person(),
            headers=("ээси", "владелец", "ответственный", "жооптуу"),
            help=_("Empty: the person importing."),
        ),
        Column(
            "owner_unit",
            org_unit(),
            headers=("бөлүм", "бөлүмү", "подразделение", "отдел"),
        ),
        Column(
            "access",
            Choice(Access, default=Access.STAFF),
            headers=("жеткиликтүүлүк", "доступ"),
            help=_("Empty: all staff."),
        ),
        Column(
            "review_months",
            Integer(1, 60),
            headers=("кайра кароо мезгили", "период пересмотра", "пересмотр, мес"),
            help=_("Empty: 12."),
        ),
    )

    def identity(self, values):
        return normalise_code(values.get("code") or "") or None

    def existing(self, identities):
        codes = Document.objects.values_list("code", flat=True)
        return identities & {normalise_code(code) for code in codes}

    def save(self, values):
        return document_create(
            actor=self.user,
            code=values["code"],
            title=values["title"],
            doc_type=values["doc_type"],
            owner=values["owner"] or self.user,
            owner_unit=values["owner_unit"],
            access=values["access"],
            review_months=values["review_months"] or 12,
        )
