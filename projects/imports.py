"""Import of an existing register of clients (issue #14).

Each row goes through :func:`projects.services.client_create`. A programme
names the organisation that runs it; that organisation is registered
already (import the organisations first, then their programmes).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sapat.imports import Choice, Column, Importer, Reference, normalise

from .models import Client
from .services import client_create


def _organisations(importer):
    return Client.objects.filter(kind=Client.Kind.ORGANISATION)


class ClientImporter(Importer):
    key = "clients"
    model = Client
    permission = "projects.add_client"
    title = gettext_lazy("Import of clients")
    url_name = "projects:client_import"
    list_url_name = "projects:client_list"
    template_name = "clients"
    unique = ("name", "organisation")
    columns = (
        Column(
            "name",
            required=True,
            headers=("аталышы", "наименование", "название", "кардар", "клиент"),
        ),
        Column(
            "kind",
            Choice(Client.Kind, default=Client.Kind.ORGANISATION),
            headers=("түрү", "вид", "тип"),
        ),
        Column(
            "organisation",
            Reference(
                _organisations,
                keys=lambda client: (client.name,),
                description=gettext_lazy(
                    "For a programme: the name of a registered organisation."
                ),
                not_found=gettext_lazy(
                    "“%(value)s” is not a registered education organisation."
                ),
            ),
            headers=("уюм", "организация", "вуз", "жогорку окуу жайы"),
        ),
        Column("region", headers=("аймак", "регион", "область")),
        Column("address", headers=("дареги", "адрес")),
        Column(
            "general_director",
            headers=("жетекчи", "ректор", "руководитель", "директор"),
        ),
        Column("email", headers=("электрондук почта", "эл. почта", "email", "почта")),
        Column("phone", headers=("телефон",)),
        Column("notes", headers=("эскертүү", "примечание", "примечания")),
    )

    def identity(self, values):
        organisation = values.get("organisation")
        return (normalise(values.get("name")), organisation.pk if organisation else 0)

    def existing(self, identities):
        found = {
            (normalise(name), organisation or 0)
            for name, organisation in Client.objects.values_list(
                "name", "organisation_id"
            )
        }
        return identities & found

    def check_row(self, row):
        if row.values["organisation"] and row.values["kind"] != Client.Kind.PROGRAMME:
            row.add_error(
                "organisation", _("Only a programme belongs to an organisation.")
            )

    def save(self, values):
        return client_create(actor=self.user, **values)
