"""An importer: a register's columns, how its rows are checked and saved.

Each app declares one subclass of :class:`Importer` per register in its
``imports.py``. :meth:`Importer.check` reads a :class:`~.reading.Table` into
a :class:`Preview` (every row parsed, every problem named, nothing saved);
:meth:`Importer.save_all` saves a preview without errors through the app's
own create service, in one transaction: all rows or none.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .columns import Column, normalise
from .reading import Table


@dataclass
class Cell:
    column: Column
    title: str
    text: str
    value: Any
    display: str
    errors: list[str] = field(default_factory=list)


@dataclass
class Row:
    """A data row: its line in the file, its cells and what is wrong."""

    number: int
    cells: dict[str, Cell]
    errors: list[str] = field(default_factory=list)
    #: The cells of the columns the file has, in the register's order.
    shown: list[Cell] = field(default_factory=list)

    @property
    def values(self) -> dict[str, Any]:
        return {name: cell.value for name, cell in self.cells.items()}

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(cell.errors for cell in self.cells.values())

    def add_error(self, column: str | None, message: str) -> None:
        if column is not None and column in self.cells:
            self.cells[column].errors.append(str(message))
        else:
            self.errors.append(str(message))

    def error_messages(self) -> list[str]:
        """Every problem of the row, each cell's prefixed by its column."""
        found = []
        for cell in self.cells.values():
            for error in cell.errors:
                found.append(f"{cell.title}: {error}")
        return found + self.errors


@dataclass
class Preview:
    """What an import would do: every row parsed, the problems named."""

    columns: list[Column]
    rows: list[Row]
    errors: list[str] = field(default_factory=list)
    #: The headings of ``columns``, in the user's language.
    titles: list[str] = field(default_factory=list)

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.has_errors)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.error_count


class Importer:
    """One register's import. Subclasses set the class attributes and
    :meth:`save`; most also :meth:`existing` and :meth:`identity`.

    An importer is made for one request: ``user`` imports, ``url_kwargs``
    are the URL's (e.g. the nomenclature's year).
    """

    #: Used in the stored upload's token: an upload is confirmed only by
    #: the importer it was made for.
    key: ClassVar[str]
    model: ClassVar[type[models.Model]]
    permission: ClassVar[str]
    title: ClassVar[str | Promise]
    #: ``app:name`` of the upload page; ``_preview``, ``_confirm``,
    #: ``_template`` follow it (see :func:`sapat.imports.views.import_urls`).
    url_name: ClassVar[str]
    list_url_name: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]
    #: Columns whose values together identify a row: twice in the file is
    #: refused, and so is a row :meth:`existing` finds in the database.
    unique: ClassVar[tuple[str, ...]] = ()
    #: A file name for the template (no extension).
    template_name: ClassVar[str] = "import"

    def __init__(self, *, user, **url_kwargs):
        self.user = user
        self.url_kwargs = url_kwargs

    # --- What subclasses may change --------------------------------------

    def allowed(self) -> bool:
        """May ``user`` import here? The service checks again on save."""
        return self.user.has_perm(self.permission)

    def problems(self) -> list[str]:
        """Why nothing may be imported here now (e.g. an approved year)."""
        return []

    def identity(self, values: dict) -> Hashable | None:
        """What makes a row the same as another; None: never compared."""
        parts = tuple(normalise(values.get(name)) for name in self.unique)
        return parts if any(parts) else None

    def existing(self, identities: set) -> set:
        """Which of ``identities`` are in the database already (one query)."""
        return set()

    def check_row(self, row: Row) -> None:
        """Checks across cells of a parsed row; ``row.add_error`` reports."""

    def save(self, values: dict) -> models.Model:
        """Save one row through the app's create service."""
        raise NotImplementedError

    # --- URLs ------------------------------------------------------------

    def url(self, suffix: str = "", **kwargs) -> str:
        return reverse(self.url_name + suffix, kwargs={**self.url_kwargs, **kwargs})

    def list_url(self) -> str:
        return reverse(self.list_url_name, kwargs=self.url_kwargs or None)

    # --- The work --------------------------------------------------------

    def titles(self) -> list[str]:
        return [column.title(self.model) for column in self.columns]

    @classmethod
    def header_map(cls) -> dict[str, Column]:
        """Every accepted header name and its column. A column's own names
        and ``headers`` come before the translations of its label: "срок
        хранения" may be both one column's header and another's label."""
        by_name: dict[str, Column] = {}
        for column in cls.columns:
            for name in column.explicit_names():
                by_name.setdefault(name, column)
        for column in cls.columns:
            for name in column.header_names(cls.model):
                by_name.setdefault(name, column)
        return by_name

    def map_header(self, header: list[str]) -> dict[int, Column]:
        """Which column each position of the header is, or a
        ``ValidationError`` listing unknown, repeated and missing columns."""
        by_name = self.header_map()
        positions: dict[int, Column] = {}
        errors, seen = [], set()
        for position, text in enumerate(header):
            if not text.strip():
                continue
            column = by_name.get(normalise(text))
            if column is None:
                errors.append(_("Unknown column “%(name)s”.") % {"name": text})
            elif column.name in seen:
                errors.append(
                    _("The column “%(name)s” is there twice.")
                    % {"name": column.title(self.model)}
                )
            else:
                seen.add(column.name)
                positions[position] = column
        for column in self.columns:
            if column.required and column.name not in seen:
                errors.append(
                    _("The required column “%(name)s” is missing.")
                    % {"name": column.title(self.model)}
                )
        if errors:
            raise ValidationError(errors, code="header")
        return positions

    def check(self, table: Table) -> Preview:
        """Parse and check every row of ``table``; saves nothing.

        Raises ``ValidationError`` for a header that cannot be used; row
        problems are on the preview's rows.
        """
        positions = self.map_header(table.header)
        mapped = {column.name for column in positions.values()}
        present = [column for column in self.columns if column.name in mapped]
        states = {c.name: c.kind.prepare(self, c) for c in present}
        self._titles = {c.name: c.title(self.model) for c in self.columns}
        preview = Preview(
            columns=present,
            rows=[],
            errors=[str(problem) for problem in self.problems()],
            titles=[self._titles[column.name] for column in present],
        )
        for number, cells in table.rows:
            row = Row(number=number, cells={})
            texts = {column.name: "" for column in present}
            raw = {column.name: None for column in present}
            for position, content in enumerate(cells):
                column = positions.get(position)
                if column is not None:
                    raw[column.name] = content
                    texts[column.name] = (
                        "" if content is None else " ".join(str(content).split())
                    )
                elif content is not None and str(content).strip():
                    row.errors.append(
                        _("A value stands in a column without a header: “%(value)s”.")
                        % {"value": str(content).strip()[:50]}
                    )
            for column in present:
                row.cells[column.name] = self._cell(
                    column, raw[column.name], texts[column.name], states[column.name]
                )
            row.shown = [row.cells[column.name] for column in present]
            # A column the file leaves out has its default on every row but
            # is not shown.
            for column in self.columns:
                if column not in present:
                    row.cells[column.name] = self._cell(column, None, "", None)
            preview.rows.append(row)
        self._check_unique(preview)
        for row in preview.rows:
            if not row.has_errors:
                self.check_row(row)
        return preview

    def _cell(self, column: Column, content, text: str, state) -> Cell:
        cell = Cell(
            column=column,
            title=self._titles[column.name],
            text=text,
            value=column.kind.empty,
            display="",
        )
        if not text:
            if column.required:
                cell.errors.append(_("A value is required."))
            return cell
        try:
            cell.value = column.kind.parse(content, state)
        except ValidationError as error:
            cell.value = None
            cell.errors.extend(error.messages)
        else:
            cell.display = column.kind.display(cell.value)
        return cell

    def _check_unique(self, preview: Preview) -> None:
        if not self.unique:
            return
        first: dict[Hashable, int] = {}
        identities: dict[int, Hashable] = {}
        for row in preview.rows:
            if any(row.cells[name].errors for name in self.unique):
                continue
            identity = self.identity(row.values)
            if identity is None:
                continue
            if identity in first:
                row.add_error(
                    None,
                    _("The same as row %(number)s of the file.")
                    % {"number": first[identity]},
                )
            else:
                first[identity] = row.number
                identities[row.number] = identity
        found = self.existing(set(identities.values())) if identities else set()
        for row in preview.rows:
            if identities.get(row.number) in found:
                row.add_error(None, _("It is in the register already."))

    def save_all(self, preview: Preview) -> list[models.Model]:
        """Save every row of an error-free ``preview``, all or none.

        Each row goes through :meth:`save` (the app's service: permission,
        ``full_clean()``, history). A row the service refuses gets its
        message on the preview, the other rows are still tried so that all
        problems show at once, and then everything is rolled back: raises
        ``ValidationError`` and leaves the database as it was.
        """
        if not preview.ok:
            raise ValueError("only a preview without errors is saved")
        saved = []
        with transaction.atomic():
            for row in preview.rows:
                try:
                    with transaction.atomic():
                        saved.append(self.save(row.values))
                except ValidationError as error:
                    for name, messages in _by_field(error).items():
                        for message in messages:
                            row.add_error(self._column_for(name), message)
                except IntegrityError:
                    row.add_error(
                        None, _("It conflicts with a row saved meanwhile; try again.")
                    )
            if preview.error_count:
                # Raised inside the transaction: it rolls back every row.
                raise ValidationError(
                    ngettext(
                        "Nothing was imported: %(count)s row could not be saved.",
                        "Nothing was imported: %(count)s rows could not be saved.",
                        preview.error_count,
                    )
                    % {"count": preview.error_count},
                    code="rolled_back",
                )
        return saved

    def _column_for(self, field_name: str | None) -> str | None:
        for column in self.columns:
            if field_name in (column.name, column.field):
                return column.name
        return None


def _by_field(error: ValidationError) -> dict[str | None, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            (None if name == "__all__" else name): messages
            for name, messages in error.message_dict.items()
        }
    return {None: error.messages}
