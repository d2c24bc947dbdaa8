"""Import of an existing list of suppliers (issue #14).

Each row is registered through :func:`suppliers.services.supplier_create`,
with its purchase categories; evaluations follow the usual route.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sapat.imports import Boolean, Choice, Column, Importer, MultiChoice, normalise

from .models import Category, Supplier
from .services import supplier_create


class SupplierImporter(Importer):
    key = "suppliers"
    model = Supplier
    permission = "suppliers.add_supplier"
    title = _("Import of suppliers")
    url_name = "suppliers:import"
    list_url_name = "suppliers:supplier_list"
    template_name = "suppliers"
    unique = ("tax_id", "name")
    columns = (
        Column(
            "name",
            required=True,
            headers=("аталышы", "наименование", "название", "поставщик", "жабдуучу"),
        ),
        Column(
            "kind",
            Choice(Supplier.Kind, default=Supplier.Kind.ORGANISATION),
            headers=("түрү", "вид", "тип"),
        ),
        Column(
            "categories",
            MultiChoice(Category),
            required=True,
            label=_("categories"),
            headers=("категориялар", "категория", "категории", "category"),
        ),
        Column("tax_id", headers=("инн", "ИНН", "салык төлөөчүнүн номери", "tax id")),
        Column(
            "contact_person",
            headers=("байланышуучу адам", "контактное лицо", "контакт"),
        ),
        Column("phone", headers=("телефон",)),
        Column("email", headers=("электрондук почта", "эл. почта", "email", "почта")),
        Column("address", headers=("дареги", "адрес")),
        Column("website", headers=("сайт", "веб-сайт")),
        Column("notes", headers=("эскертүү", "примечание", "примечания")),
        Column(
            "active",
            Boolean(default=True),
            headers=("активдүү", "активный", "действующий"),
        ),
    )

    def identity(self, values):
        if values.get("tax_id"):
            return ("tax_id", normalise(values["tax_id"]))
        return ("name", normalise(values.get("name")))

    def existing(self, identities):
        found = set()
        for name, tax_id in Supplier.objects.values_list("name", "tax_id"):
            found.add(("name", normalise(name)))
            if tax_id:
                found.add(("tax_id", normalise(tax_id)))
        return identities & found

    def save(self, values):
        fields = dict(values)
        categories = fields.pop("categories")
        return supplier_create(actor=self.user, categories=categories, **fields)
