"""Helpers for the tests."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url: str) -> int:
    """Queries one GET of ``url`` takes; the response must be 200."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(context.captured_queries)


def assert_constant_queries(client, url: str, make_rows) -> None:
    """The page takes as many queries with 30 rows as with 3.

    ``make_rows(n)`` creates ``n`` more rows, each with its own related rows.
    """
    count_queries(client, url)  # warm the per-process caches (content types)
    make_rows(3)
    few = count_queries(client, url)
    make_rows(27)
    many = count_queries(client, url)
    assert few == many, f"{few} queries for 3 rows, {many} for 30"


def csv_file(rows, *, name="register.csv", encoding="utf-8", delimiter=",", bom=False):
    """An uploaded CSV of ``rows`` (lists of cells), as Excel saves it."""
    import csv
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    data = out.getvalue().encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    return SimpleUploadedFile(name, data, content_type="text/csv")


def xlsx_file(rows, *, name="register.xlsx"):
    """An uploaded XLSX whose first sheet holds ``rows``."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/zip")


def import_upload(client, url: str, upload):
    """POST ``upload`` to an import page; the preview page's response (the
    redirect followed) or the upload page with its errors."""
    return client.post(url, {"file": upload}, follow=True)


def import_confirm(client, preview_response):
    """Confirm the import the preview ``preview_response`` shows."""
    context = preview_response.context
    return client.post(context["confirm_url"], {"token": context["token"]}, follow=True)


def assert_import_pair(client, url: str, rows, *, without, allowed, model):
    """The permission pair of an import page: ``without`` the permission is
    refused the upload page, the upload, and the confirmation of the preview
    ``allowed`` made, and nothing is saved; ``allowed`` imports ``rows``
    (one row of ``model``), and its history names them. The preview."""
    client.force_login(without)
    assert client.get(url).status_code == 403
    assert client.post(url, {"file": csv_file(rows)}).status_code == 403
    client.force_login(allowed)
    preview = import_upload(client, url, csv_file(rows))
    client.force_login(without)
    confirm = {"token": preview.context["token"]}
    assert client.post(preview.context["confirm_url"], confirm).status_code == 403
    assert not model.objects.exists()
    client.force_login(allowed)
    import_confirm(client, preview)
    assert model.objects.get().history.get().history_user == allowed
    return preview


def assert_constant_preview_queries(client, url: str, upload_for) -> None:
    """The import preview takes as many queries for 30 rows as for 3.

    ``upload_for(n)`` gives a file of ``n`` correct rows, each naming its
    own related rows (units, people, sections...).
    """

    def count(n: int) -> int:
        preview = import_upload(client, url, upload_for(n))
        assert preview.context["preview"].ok, [
            row.error_messages() for row in preview.context["preview"].rows
        ]
        return count_queries(client, preview.redirect_chain[-1][0])

    count(3)  # warm the per-process caches (content types)
    few, many = count(3), count(30)
    assert few == many, f"{few} queries for 3 rows, {many} for 30"
