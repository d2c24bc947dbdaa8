"""Side-by-side comparison of two revisions' texts (ДЖ-01: what changed).

:func:`compare_texts` turns two texts into the rows of a two-column table:
lines are matched with :class:`difflib.SequenceMatcher`, changed lines get
word-level ``<del>``/``<ins>`` highlights, and long unchanged runs are folded
into one "skip" row with a few lines of context around each change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from django.utils.html import escape

RowKind = Literal["equal", "replace", "delete", "insert", "skip"]

#: Unchanged lines kept before and after each change.
CONTEXT_LINES = 3

# Words (letters and digits of any script, so Cyrillic and ң ө ү too), runs
# of whitespace, and single other characters: a changed comma is highlighted
# alone, not with the word before it.
_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")


@dataclass(frozen=True)
class DiffRow:
    """One row of the side-by-side table.

    ``old_no``/``new_no`` are 1-based line numbers (``None`` on the side that
    has no line). ``old_html``/``new_html`` are the lines HTML-escaped, with
    the changed words of a "replace" row wrapped in ``<del>``/``<ins>``: they
    are safe to render with ``|safe``. A "skip" row stands for ``skipped``
    unchanged lines, the first of which are ``old_no`` and ``new_no``.
    """

    kind: RowKind
    old_no: int | None = None
    old_line: str = ""
    new_no: int | None = None
    new_line: str = ""
    old_html: str = ""
    new_html: str = ""
    skipped: int = 0


def _tokens(line: str) -> list[str]:
    return _TOKENS.findall(line)


def highlight_words(old: str, new: str) -> tuple[str, str]:
    """``old`` and ``new`` escaped, their differing words in ``<del>``/``<ins>``."""
    a, b = _tokens(old), _tokens(new)
    old_parts: list[str] = []
    new_parts: list[str] = []
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old_text = escape("".join(a[i1:i2]))
        new_text = escape("".join(b[j1:j2]))
        if tag == "equal":
            old_parts.append(old_text)
            new_parts.append(new_text)
            continue
        if old_text:
            old_parts.append(f"<del>{old_text}</del>")
        if new_text:
            new_parts.append(f"<ins>{new_text}</ins>")
    return "".join(old_parts), "".join(new_parts)


def _equal_row(a: list[str], b: list[str], i: int, j: int) -> DiffRow:
    return DiffRow(
        kind="equal",
        old_no=i + 1,
        old_line=a[i],
        new_no=j + 1,
        new_line=b[j],
        old_html=escape(a[i]),
        new_html=escape(b[j]),
    )


def _equal_rows(
    a: list[str],
    b: list[str],
    i1: int,
    i2: int,
    j1: int,
    *,
    first: bool,
    last: bool,
    context: int,
) -> list[DiffRow]:
    """An unchanged run, folded to ``context`` lines next to each change."""
    length = i2 - i1
    head = 0 if first else context
    tail = 0 if last else context
    hidden = length - head - tail
    # Folding a single line would save nothing: the skip row takes its place.
    if hidden <= 1:
        return [_equal_row(a, b, i1 + k, j1 + k) for k in range(length)]
    rows = [_equal_row(a, b, i1 + k, j1 + k) for k in range(head)]
    rows.append(
        DiffRow(kind="skip", old_no=i1 + head + 1, new_no=j1 + head + 1, skipped=hidden)
    )
    rows += [_equal_row(a, b, i1 + k, j1 + k) for k in range(length - tail, length)]
    return rows


def _changed_rows(
    a: list[str], b: list[str], i1: int, i2: int, j1: int, j2: int
) -> list[DiffRow]:
    """Changed lines side by side; the longer side's surplus as delete/insert."""
    rows = []
    for k in range(max(i2 - i1, j2 - j1)):
        i, j = i1 + k, j1 + k
        if i < i2 and j < j2:
            old_html, new_html = highlight_words(a[i], b[j])
            rows.append(
                DiffRow(
                    kind="replace",
                    old_no=i + 1,
                    old_line=a[i],
                    new_no=j + 1,
                    new_line=b[j],
                    old_html=old_html,
                    new_html=new_html,
                )
            )
        elif i < i2:
            rows.append(
                DiffRow(
                    kind="delete", old_no=i + 1, old_line=a[i], old_html=escape(a[i])
                )
            )
        else:
            rows.append(
                DiffRow(
                    kind="insert", new_no=j + 1, new_line=b[j], new_html=escape(b[j])
                )
            )
    return rows


def compare_texts(old: str, new: str, *, context: int = CONTEXT_LINES) -> list[DiffRow]:
    """The rows of a side-by-side comparison of ``old`` and ``new``, line by line.

    Lines are compared whole (``\\r\\n`` and ``\\n`` alike); a "replace" row
    pairs an old line with the new line that took its place and carries
    word-level highlights in ``old_html``/``new_html``. An unchanged run is
    folded into one "skip" row, keeping ``context`` lines next to each change;
    identical texts give a single "skip" row. Two empty texts give no rows.
    Pure: touches no database and no template.
    """
    a, b = old.splitlines(), new.splitlines()
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    opcodes = matcher.get_opcodes()
    rows: list[DiffRow] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            rows += _equal_rows(
                a,
                b,
                i1,
                i2,
                j1,
                first=index == 0,
                last=index == len(opcodes) - 1,
                context=context,
            )
        else:
            rows += _changed_rows(a, b, i1, i2, j1, j2)
    return rows
