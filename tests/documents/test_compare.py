"""documents.compare: side-by-side comparison of two revisions' texts."""

import re

from django.template.loader import render_to_string

from documents.compare import DiffRow, compare_texts, highlight_words


def _lines(count: int, prefix: str = "Сап") -> list[str]:
    return [f"{prefix} {n}-сап" for n in range(1, count + 1)]


def _kinds(rows: list[DiffRow]) -> list[str]:
    return [row.kind for row in rows]


def _without_marks(html: str) -> str:
    return re.sub(r"</?(del|ins)>", "", html)


def test_compare_empty_texts_gives_no_rows():
    assert compare_texts("", "") == []


def test_compare_identical_texts_folds_them_into_one_skip_row():
    text = "\n".join(_lines(10))

    rows = compare_texts(text, text)

    assert _kinds(rows) == ["skip"]
    assert rows[0].skipped == 10
    assert (rows[0].old_no, rows[0].new_no) == (1, 1)


def test_compare_ignores_the_kind_of_line_ending():
    assert _kinds(compare_texts("бир\r\nэки\r\nүч", "бир\nэки\nүч")) == ["skip"]


def test_compare_inserted_line_is_an_insert_row_numbered_on_the_new_side():
    rows = compare_texts("а\nб\nв", "а\nб\nЖАҢЫ\nв")

    assert _kinds(rows) == ["equal", "equal", "insert", "equal"]
    inserted = rows[2]
    assert (inserted.old_no, inserted.new_no) == (None, 3)
    assert inserted.new_line == "ЖАҢЫ"
    assert inserted.new_html == "ЖАҢЫ"
    assert inserted.old_line == inserted.old_html == ""
    assert (rows[3].old_no, rows[3].new_no) == (3, 4)


def test_compare_deleted_line_is_a_delete_row_numbered_on_the_old_side():
    rows = compare_texts("а\nөчүрүлгөн\nб", "а\nб")

    assert _kinds(rows) == ["equal", "delete", "equal"]
    assert (rows[1].old_no, rows[1].new_no) == (2, None)
    assert rows[1].old_line == "өчүрүлгөн"
    assert (rows[2].old_no, rows[2].new_no) == (3, 2)


def test_compare_changed_line_is_a_replace_row_with_word_highlights():
    rows = compare_texts(
        "Аудит жылына бир жолу өткөрүлөт.", "Аудит жылына эки жолу өткөрүлөт."
    )

    [row] = rows
    assert row.kind == "replace"
    assert (row.old_no, row.new_no) == (1, 1)
    assert row.old_html == "Аудит жылына <del>бир</del> жолу өткөрүлөт."
    assert row.new_html == "Аудит жылына <ins>эки</ins> жолу өткөрүлөт."


def test_compare_uneven_change_pairs_lines_then_inserts_the_rest():
    rows = compare_texts(
        "башы\nэски 1\nэски 2\nаягы", "башы\nжаңы 1\nжаңы 2\nжаңы 3\nаягы"
    )

    assert _kinds(rows) == ["equal", "replace", "replace", "insert", "equal"]
    assert rows[3].new_no == 4
    assert rows[4].old_no == 4
    assert rows[4].new_no == 5


def test_compare_uneven_change_pairs_lines_then_deletes_the_rest():
    rows = compare_texts("башы\nэски 1\nэски 2\nэски 3\nаягы", "башы\nжаңы 1\nаягы")

    assert _kinds(rows) == ["equal", "replace", "delete", "delete", "equal"]


def test_compare_keeps_three_lines_of_context_and_skips_the_rest():
    old = _lines(20)
    new = list(old)
    new[9] = "Өзгөргөн сап"

    rows = compare_texts("\n".join(old), "\n".join(new))

    assert _kinds(rows) == [
        "skip",
        *["equal"] * 3,
        "replace",
        *["equal"] * 3,
        "skip",
    ]
    head, tail = rows[0], rows[-1]
    assert (head.skipped, head.old_no, head.new_no) == (6, 1, 1)
    assert [row.old_no for row in rows[1:4]] == [7, 8, 9]
    assert rows[4].old_no == 10
    assert [row.old_no for row in rows[5:8]] == [11, 12, 13]
    assert (tail.skipped, tail.old_no, tail.new_no) == (7, 14, 14)


def test_compare_skip_between_two_changes_keeps_context_on_both_sides():
    old = _lines(30)
    new = list(old)
    new[1] = "биринчи өзгөрүү"
    new[25] = "экинчи өзгөрүү"

    rows = compare_texts("\n".join(old), "\n".join(new))
    skips = [row for row in rows if row.kind == "skip"]

    # Lines 3-25 are unchanged: 3 kept after line 2, 3 before line 26.
    assert skips[0].skipped == 23 - 6
    assert skips[0].old_no == 6
    assert sum(row.skipped for row in skips) + len(
        [row for row in rows if row.kind != "skip"]
    ) == len(old)


def test_compare_short_unchanged_run_between_changes_is_not_folded():
    old = _lines(9)
    new = list(old)
    new[0] = "башкача"
    new[8] = "башкача"

    rows = compare_texts("\n".join(old), "\n".join(new))

    # Seven unchanged lines: 3 + 3 of context leave one, not worth a skip row.
    assert "skip" not in _kinds(rows)
    assert len(rows) == 9


def test_compare_skip_is_relative_to_the_context_asked_for():
    old = _lines(10)
    new = [*old[:5], "жаңы", *old[5:]]

    rows = compare_texts("\n".join(old), "\n".join(new), context=1)

    assert _kinds(rows) == ["skip", "equal", "insert", "equal", "skip"]
    assert rows[0].skipped == 4
    assert rows[-1].skipped == 4


def test_compare_escapes_html_in_every_row():
    old = '<script>alert("x")</script>\nA & B\n<b>калың</b> сөз'
    new = '<script>alert("y")</script>\nA & B\n<i>калың</i> сөз\n<img src=x onerror=1>'

    rows = compare_texts(old, new)

    for row in rows:
        for html in (row.old_html, row.new_html):
            # The only markup left is compare_texts' own.
            assert "<" not in _without_marks(html)
    assert rows[0].kind == "replace"
    assert rows[0].old_html.startswith("&lt;script&gt;alert(&quot;")
    assert "<del>x</del>" in rows[0].old_html
    assert "<ins>y</ins>" in rows[0].new_html
    assert rows[1].old_html == "A &amp; B"
    assert rows[3].new_html == "&lt;img src=x onerror=1&gt;"
    # The raw lines stay as they were, for plain-text uses.
    assert rows[0].old_line == '<script>alert("x")</script>'


def test_highlight_words_marks_whole_cyrillic_words():
    old_html, new_html = highlight_words(
        "Өзүн өзү балоо жүргүзүү тартиби", "Өзүн-өзү баалоо жүргүзүү тартиби"
    )

    assert "<del>балоо</del>" in old_html
    assert "<ins>баалоо</ins>" in new_html
    assert "<ins>-</ins>" in new_html
    assert _without_marks(old_html) == "Өзүн өзү балоо жүргүзүү тартиби"
    assert _without_marks(new_html) == "Өзүн-өзү баалоо жүргүзүү тартиби"


def test_highlight_words_marks_an_inserted_word_only_on_the_new_side():
    old_html, new_html = highlight_words(
        "Сапат боюнча колдонмо", "Сапат боюнча жаңы колдонмо"
    )

    assert "<del>" not in old_html
    assert old_html == "Сапат боюнча колдонмо"
    assert re.search(r"<ins>\s*жаңы\s*</ins>", new_html)


def test_compare_template_renders_highlights_and_escaped_text():
    rows = compare_texts(
        "<b>ДЖ-01</b> бир\n" + "\n".join(_lines(10)),
        "<b>ДЖ-01</b> эки\n" + "\n".join(_lines(10)),
    )

    html = render_to_string("documents/_compare.html", {"rows": rows, "a": 1, "b": 2})

    assert "<del>бир</del>" in html
    assert "<ins>эки</ins>" in html
    assert "&lt;b&gt;ДЖ-01&lt;/b&gt;" in html
    assert "<b>ДЖ-01</b>" not in html
    assert "doc-compare__row--replace" in html
    assert "doc-compare__row--skip" in html
    assert "style=" not in html
