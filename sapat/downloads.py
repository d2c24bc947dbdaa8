"""File downloads: every protected file leaves the portal through here."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def attachment(
    file: FieldFile, *, filename: str, content_type: str | None = None
) -> FileResponse:
    """Serve ``file`` as a download (never rendered inline), with ``nosniff``.

    The caller has checked the permission. A file missing from storage is a
    404, not a 500.
    """
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
