"""Import of existing registers from CSV or XLSX (issue #14).

Each app declares its importers in ``<app>/imports.py`` from the pieces
here and adds their pages to its ``urls.py`` with :func:`import_urls`.
"""

from .columns import (
    Boolean,
    Choice,
    Column,
    Date,
    Integer,
    MultiChoice,
    Reference,
    Text,
    normalise,
    org_unit,
    person,
)
from .importer import Importer, Preview, Row
from .views import import_urls

__all__ = [
    "Boolean",
    "Choice",
    "Column",
    "Date",
    "Importer",
    "Integer",
    "MultiChoice",
    "Preview",
    "Reference",
    "Row",
    "Text",
    "import_urls",
    "normalise",
    "org_unit",
    "person",
]
