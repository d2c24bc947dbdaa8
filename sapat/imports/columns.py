"""The columns of an import and how each kind of cell is read.

A :class:`Column` names the keyword its value goes to, the header names it
is known by and whether it must be there; its kind (:class:`Text`,
:class:`Date`, :class:`Choice`, :class:`Reference`...) turns the cell into a
value or raises a ``ValidationError`` in the user's language. A kind loads
what it looks up (units, people, sections) once per file in ``prepare``, so
a file of 30 rows costs the queries of a file of 3.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def normalise(text: Any) -> str:
    """What two spellings of a name or a header have in common: no case, no
    quotes, asterisks or extra spaces, ё as е."""
    text = re.sub(r"[«»\"“”„*:]", " ", str(text or ""))
    return " ".join(text.casefold().replace("ё", "е").split())


def in_every_language(text) -> set[str]:
    """``text`` (a lazy translation) as it reads in each portal language."""
    found = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found.add(normalise(text))
    return found


class Kind:
    """How a non-empty cell becomes a value. Subclasses override ``parse``."""

    #: The value of an empty cell.
    empty: Any = None

    def prepare(self, importer, column: Column) -> Any:
        """What ``parse`` looks values up in; one call per file."""
        return None

    def parse(self, cell, state) -> Any:
        raise NotImplementedError

    def display(self, value) -> str:
        return "" if value is None else str(value)

    def describe(self) -> str:
        return ""


class Text(Kind):
    """Text, checked by the model field of the same name when there is one
    (length, e-mail, web address...)."""

    empty = ""

    def prepare(self, importer, column):
        try:
            return importer.model._meta.get_field(column.field)
        except FieldDoesNotExist:
            return None

    def parse(self, cell, state):
        if isinstance(cell, float) and cell.is_integer():
            cell = int(cell)  # a number typed into an XLSX cell: "12", not "12.0"
        if isinstance(cell, datetime.datetime | datetime.date):
            cell = cell.strftime("%d.%m.%Y")
        value = " ".join(str(cell).split())
        if state is not None:
            value = state.clean(value, None)
        return value


class Integer(Kind):
    def __init__(self, minimum: int | None = None, maximum: int | None = None):
        self.minimum, self.maximum = minimum, maximum

    def parse(self, cell, state):
        if isinstance(cell, bool):
            raise ValidationError(_("Enter a whole number."))
        if isinstance(cell, float) and cell.is_integer():
            cell = int(cell)
        try:
            value = int(str(cell).strip())
        except ValueError:
            raise ValidationError(_("Enter a whole number.")) from None
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            raise ValidationError(
                _("Enter a number from %(min)s to %(max)s.")
                % {"min": self.minimum, "max": self.maximum}
            )
        return value

    def describe(self):
        if self.minimum is not None and self.maximum is not None:
            return _("A whole number from %(min)s to %(max)s.") % {
                "min": self.minimum,
                "max": self.maximum,
            }
        return _("A whole number.")


class Date(Kind):
    """31.12.2026, 31/12/2026, 2026-12-31 or a date cell of a spreadsheet."""

    FORMATS = ("%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%y")

    def parse(self, cell, state):
        if isinstance(cell, datetime.datetime):
            return cell.date()
        if isinstance(cell, datetime.date):
            return cell
        text = str(cell).strip()
        for pattern in self.FORMATS:
            try:
                return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007
            except ValueError:
                continue
        raise ValidationError(
            _("“%(value)s” is not a date; write it as 31.12.2026.") % {"value": text}
        )

    def display(self, value):
        return "" if value is None else formats.date_format(value, "SHORT_DATE_FORMAT")

    def describe(self):
        return _("A date: 31.12.2026 or 2026-12-31.")


class Boolean(Kind):
    YES = {"yes", "y", "true", "1", "+", "да", "ооба"}
    NO = {"no", "n", "false", "0", "-", "нет", "жок"}

    def __init__(self, default: bool = False):
        self.empty = default

    def prepare(self, importer, column):
        return (
            self.YES | in_every_language(gettext_lazy("yes")),
            self.NO | in_every_language(gettext_lazy("no")),
        )

    def parse(self, cell, state):
        if isinstance(cell, bool):
            return cell
        text = normalise(cell)
        if isinstance(cell, int | float):
            text = str(int(cell))
        yes, no = state or self.prepare(None, None)
        if text in yes:
            return True
        if text in no:
            return False
        raise ValidationError(
            _("“%(value)s” is neither yes nor no.") % {"value": str(cell).strip()}
        )

    def display(self, value):
        return _("yes") if value else _("no")

    def describe(self):
        return _("yes or no (да / нет, ооба / жок); empty: %(default)s.") % {
            "default": self.display(self.empty)
        }


class Choice(Kind):
    """One of ``choices``, by its code or its label in any portal language."""

    def __init__(self, choices: type[models.Choices], *, default: str | None = None):
        self.choices = choices
        self.empty = default

    def prepare(self, importer, column):
        names = {}
        for value, label in self.choices.choices:
            names[normalise(value)] = value
            for spelling in in_every_language(label):
                names.setdefault(spelling, value)
        return names

    def parse(self, cell, state):
        try:
            return state[normalise(cell)]
        except KeyError:
            raise ValidationError(
                _("“%(value)s” is not one of the accepted values.")
                % {"value": str(cell).strip()}
            ) from None

    def display(self, value):
        return "" if value is None else str(capfirst(self.choices(value).label))

    def describe(self):
        return "; ".join(
            f"{capfirst(label)} ({value})" for value, label in self.choices.choices
        )


class MultiChoice(Choice):
    """Several of ``choices``, separated by ``;`` or ``,``."""

    empty: Any = ()

    def __init__(self, choices: type[models.Choices]):
        super().__init__(choices)
        self.empty = ()

    def parse(self, cell, state):
        values, unknown = [], []
        for part in re.split(r"[;,\n]", str(cell)):
            if not part.strip():
                continue
            value = state.get(normalise(part))
            if value is None:
                unknown.append(part.strip())
            elif value not in values:
                values.append(value)
        if unknown:
            raise ValidationError(
                _("Not accepted: %(values)s.") % {"values": ", ".join(unknown)}
            )
        return tuple(values)

    def display(self, value):
        return ", ".join(str(self.choices(v).label) for v in value or ())

    def describe(self):
        return _("One or more, separated by “;”: %(values)s") % {
            "values": super().describe()
        }


_NOT_FOUND = gettext_lazy("“%(value)s” is not found.")


class Reference(Kind):
    """An existing object, found by any of its names.

    ``objects(importer)`` gives the candidates (one query); ``keys(obj)``
    the names each is known by. A name two objects share is refused as
    ambiguous rather than guessed.
    """

    def __init__(
        self,
        objects: Callable[[Any], Iterable[models.Model]],
        *,
        keys: Callable[[models.Model], Iterable[str]],
        description: str | Promise = "",
        not_found: str | Promise = _NOT_FOUND,
    ):
        self.objects, self.keys = objects, keys
        self.description, self.not_found = description, not_found

    def prepare(self, importer, column):
        found: dict[str, list[models.Model]] = {}
        for obj in self.objects(importer):
            for key in {normalise(k) for k in self.keys(obj) if k}:
                found.setdefault(key, []).append(obj)
        return found

    def parse(self, cell, state):
        text = " ".join(str(cell).split())
        matches = state.get(normalise(text), [])
        if not matches:
            raise ValidationError(str(self.not_found) % {"value": text})
        if len(matches) > 1:
            raise ValidationError(
                _("“%(value)s” matches several; write it more exactly.")
                % {"value": text}
            )
        return matches[0]

    def describe(self):
        return str(self.description)


def people(importer) -> models.QuerySet:
    from sapat.accounts.models import User

    return User.objects.filter(is_active=True)


def person() -> Reference:
    """A member of staff, by login name, e-mail or full name."""
    return Reference(
        people,
        keys=lambda user: (user.username, user.email, user.full_name),
        description=gettext_lazy(
            "A member of staff: login name, e-mail or full name as in the portal."
        ),
        not_found=gettext_lazy("“%(value)s” is not a member of staff of the portal."),
    )


def org_unit() -> Reference:
    """A unit of the structure, by its name in any language."""
    from sapat.accounts.models import OrgUnit

    return Reference(
        lambda importer: OrgUnit.objects.all(),
        keys=lambda unit: (unit.name_ky, unit.name_ru, unit.name_en),
        description=gettext_lazy(
            "A unit of the structure, by its name in Kyrgyz, Russian or English."
        ),
        not_found=gettext_lazy("“%(value)s” is not a unit of the structure."),
    )


@dataclass(frozen=True)
class Column:
    """One column of a register's file.

    ``name`` is the keyword the value is saved under; ``field`` the model
    field it is checked against and labelled by (``name`` by default);
    ``headers`` the header names accepted besides the label in every portal
    language and ``name`` itself (give the Kyrgyz and Russian usual ones).
    """

    name: str
    kind: Kind = field(default_factory=Text)
    required: bool = False
    headers: tuple[str, ...] = ()
    label: str | Promise | None = None
    help: str | Promise = ""
    field: str = ""

    def __post_init__(self):
        if not self.field:
            object.__setattr__(self, "field", self.name)

    def title(self, model: type[models.Model]) -> str:
        if self.label is not None:
            return str(capfirst(self.label))
        return str(capfirst(model._meta.get_field(self.field).verbose_name))

    def explicit_names(self) -> set[str]:
        names = {normalise(self.name), normalise(self.name.replace("_", " "))}
        return names | {normalise(header) for header in self.headers}

    def header_names(self, model: type[models.Model]) -> set[str]:
        names = self.explicit_names()
        label = (
            self.label
            if self.label is not None
            else model._meta.get_field(self.field).verbose_name
        )
        return names | in_every_language(label)

    def describe(self) -> str:
        return " ".join(str(part) for part in (self.kind.describe(), self.help) if part)
