"""Import of an existing register of clients."""

import pytest
from django.urls import reverse

from projects.models import Client
from tests.projects.factories import ClientFactory
from tests.utils import (
    assert_constant_preview_queries,
    assert_import_pair,
    csv_file,
    import_confirm,
    import_upload,
    xlsx_file,
)

pytestmark = pytest.mark.django_db

URL = "/projects/clients/import/"


def test_import_clients_from_csv(client, referent):
    university = ClientFactory(name="Кыргыз улуттук университети")
    client.force_login(referent)
    upload = csv_file(
        [
            ["Наименование", "Вид", "Организация", "Регион", "Ректор"],
            ["Ош мамлекеттик университети", "", "", "Ош", "Кожобеков К."],
            ["Педагогика", "programme", "КЫРГЫЗ УЛУТТУК УНИВЕРСИТЕТИ", "", ""],
        ]
    )
    preview = import_upload(client, URL, upload)
    assert preview.context["preview"].ok
    import_confirm(client, preview)
    osh = Client.objects.get(name="Ош мамлекеттик университети")
    assert (osh.kind, osh.region, osh.general_director) == (
        "organisation",
        "Ош",
        "Кожобеков К.",
    )
    assert osh.created_by == referent
    assert osh.history.get().history_user == referent
    programme = Client.objects.get(name="Педагогика")
    assert (programme.kind, programme.organisation) == ("programme", university)


def test_import_clients_from_xlsx(client, referent):
    client.force_login(referent)
    upload = xlsx_file([["Name", "E-mail", "Phone"], ["ААК", "aak@example.kg", 312000]])
    preview = import_upload(client, URL, upload)
    assert preview.context["preview"].ok
    import_confirm(client, preview)
    assert Client.objects.get().phone == "312000"


def test_client_rows_with_errors_save_nothing(client, referent):
    ClientFactory(name="Бар университет")
    client.force_login(referent)
    preview = import_upload(
        client,
        URL,
        csv_file(
            [
                ["Name", "Kind", "Organisation"],
                ["«Бар университет»", "", ""],
                ["Программа", "programme", "Жок университет"],
                ["Уюм", "organisation", "Бар университет"],
            ]
        ),
    )
    rows = [row.error_messages() for row in preview.context["preview"].rows]
    assert rows == [
        ["It is in the register already."],
        ["Organisation: “Жок университет” is not a registered education organisation."],
        ["Organisation: Only a programme belongs to an organisation."],
    ]
    assert Client.objects.count() == 1


def test_client_import_pair(client, staff, referent):
    data = [["Name"], ["Жаңы кардар"]]
    assert_import_pair(client, URL, data, without=staff, allowed=referent, model=Client)


def test_client_list_links_to_the_import(client, staff, referent):
    client.force_login(staff)
    assert URL not in client.get(reverse("projects:client_list")).content.decode()
    client.force_login(referent)
    assert URL in client.get(reverse("projects:client_list")).content.decode()


def test_client_preview_queries_do_not_grow_with_rows(client, referent):
    organisations = [ClientFactory() for _ in range(30)]
    client.force_login(referent)
    assert_constant_preview_queries(
        client,
        URL,
        lambda n: csv_file(
            [["Name", "Kind", "Organisation"]]
            + [[f"Программа {i}", "programme", organisations[i].name] for i in range(n)]
        ),
    )
