"""The import pages every register shares: upload, preview, confirm, template.

An app adds them with :func:`import_urls`; the register is the URL's, never
the browser's word. The flow: the upload is checked (type by content, size,
header) and kept (:mod:`.stored`); the preview re-reads it and shows every
row with its problems; the confirmation re-reads and re-checks it all, then
saves every row in one transaction or none.
"""

from __future__ import annotations

import csv
import io

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from . import stored
from .importer import Importer
from .reading import MAX_BYTES, MAX_ROWS, read_table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )


def _importer(request, importer_class: type[Importer], url_kwargs) -> Importer:
    importer = importer_class(user=request.user, **url_kwargs)
    if not importer.allowed():
        raise PermissionDenied
    return importer


def _context(importer: Importer, **extra) -> dict:
    return {
        "importer": importer,
        "list_title": capfirst(importer.model._meta.verbose_name_plural),
        "upload_url": importer.url(),
        "confirm_url": importer.url("_confirm"),
        "template_csv_url": importer.url("_template", fmt="csv"),
        "template_xlsx_url": importer.url("_template", fmt="xlsx"),
        "columns": [
            {
                "title": column.title(importer.model),
                "required": column.required,
                "describe": column.describe(),
            }
            for column in importer.columns
        ],
        "max_mb": f"{MAX_BYTES / (1024 * 1024):g}",
        "max_rows": MAX_ROWS,
        **extra,
    }


def _read(importer: Importer, data: bytes):
    table = read_table(data)
    return importer.check(table)


def upload(request, *, importer_class: type[Importer], **url_kwargs):
    """The upload page: the file is checked and kept, then the preview."""
    importer = _importer(request, importer_class, url_kwargs)
    form = UploadForm(request.POST or None, request.FILES or None)
    problems = importer.problems()
    if request.method == "POST" and not problems and form.is_valid():
        upload_file = form.cleaned_data["file"]
        if upload_file.size > MAX_BYTES:
            form.add_error(
                "file",
                _("The file is larger than %(limit)s MB.")
                % {"limit": f"{MAX_BYTES / (1024 * 1024):g}"},
            )
        else:
            data = upload_file.read()
            try:
                _read(importer, data)
            except ValidationError as error:
                form.add_error("file", error)
            else:
                token = stored.store(data, user=request.user, importer=importer)
                return redirect(importer.url("_preview", token=token))
    return render(
        request,
        "imports/upload.html",
        _context(importer, form=form, problems=problems),
    )


def _stored(request, importer: Importer, token: str):
    """The kept file's name and bytes; an expired upload sends the user back
    to the upload page (None), another user's or a forged one is a 404."""
    try:
        return stored.load(token, user=request.user, importer=importer)
    except stored.Expired:
        messages.error(request, _("This upload has expired; upload the file again."))
        return None
    except stored.Unknown:
        raise Http404 from None


def preview(request, *, importer_class: type[Importer], token: str, **url_kwargs):
    """Every row with its parsed values and problems; nothing is saved."""
    importer = _importer(request, importer_class, url_kwargs)
    found = _stored(request, importer, token)
    if found is None:
        return redirect(importer.url())
    _name, data = found
    try:
        result = _read(importer, data)
    except ValidationError as error:
        result, file_errors = None, error.messages
    else:
        file_errors = []
    return render(
        request,
        "imports/preview.html",
        _context(importer, preview=result, file_errors=file_errors, token=token),
    )


@require_POST
def confirm(request, *, importer_class: type[Importer], **url_kwargs):
    """Re-read and re-check the kept file, then save all its rows or none.

    The check and the save run in one transaction that first claims the
    upload (:func:`.stored.claim`): a second click on "Import" waits, then
    finds the upload gone and saves nothing twice.
    """
    importer = _importer(request, importer_class, url_kwargs)
    token = request.POST.get("token", "")
    found = _stored(request, importer, token)
    if found is None:
        return redirect(importer.url())
    name, data = found
    result, file_errors, saved = None, [], None
    try:
        with transaction.atomic():
            stored.claim(name, user=request.user)
            result = _read(importer, data)
            if result.ok:
                saved = importer.save_all(result)
                stored.forget(name)
    except stored.Unknown:
        raise Http404 from None
    except ValidationError as error:
        if result is None:
            file_errors = error.messages
        else:
            messages.error(request, " ".join(error.messages))
    if saved is not None:
        messages.success(
            request,
            ngettext(
                "Imported: %(count)s row.", "Imported: %(count)s rows.", len(saved)
            )
            % {"count": len(saved)},
        )
        return redirect(importer.list_url())
    # Nothing was saved: the user fixes the file and uploads it again, so
    # the kept copy is of no more use.
    stored.forget(name)
    return render(
        request,
        "imports/preview.html",
        _context(importer, preview=result, file_errors=file_errors),
    )


def template(request, *, importer_class: type[Importer], fmt: str, **url_kwargs):
    """An empty file with the header row, in the user's language.

    The CSV is UTF-8 with a BOM and semicolons: what Excel opens correctly
    with Cyrillic in the Kyrgyz and Russian locales.
    """
    importer = _importer(request, importer_class, url_kwargs)
    titles = importer.titles()
    filename = f"{importer.template_name}.{fmt}"
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out, delimiter=";").writerow(titles)
        response = HttpResponse(
            ("\ufeff" + out.getvalue()).encode("utf-8"),
            content_type="text/csv; charset=utf-8",
        )
    elif fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=importer.template_name[:31])
        sheet.append(titles)
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def import_urls(importer_class: type[Importer], *, route: str, name: str) -> list:
    """The four import URLs of a register under ``route`` (e.g.
    ``"import/"``), named ``name``, ``name_preview``, ``name_confirm`` and
    ``name_template``. ``route`` may hold URL arguments (``<int:year>/``);
    they reach the importer as keyword arguments."""
    extra = {"importer_class": importer_class}
    return [
        path(route, upload, extra, name=name),
        path(f"{route}preview/<str:token>/", preview, extra, name=f"{name}_preview"),
        path(f"{route}confirm/", confirm, extra, name=f"{name}_confirm"),
        path(f"{route}template.<str:fmt>", template, extra, name=f"{name}_template"),
    ]
