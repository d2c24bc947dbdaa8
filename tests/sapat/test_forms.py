"""The form helpers every app shares (``sapat.forms``)."""

from datetime import date

import pytest
from django import forms
from django.utils import translation

from records.forms import DisposalActForm
from records.models import Record
from sapat.forms import DateInput


class _Form(forms.Form):
    day = forms.DateField(widget=DateInput())


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_date_input_renders_iso_in_every_language(language):
    # <input type="date"> shows nothing unless its value is ISO.
    with translation.override(language):
        html = str(_Form(initial={"day": date(2026, 3, 1)})["day"])
    assert 'type="date"' in html
    assert 'value="2026-03-01"' in html


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_date_input_reads_back_what_it_renders(language):
    with translation.override(language):
        form = _Form(data={"day": "2026-03-01"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == date(2026, 3, 1)


def test_a_prefilled_records_form_shows_its_date_in_russian():
    form = DisposalActForm(
        initial={"date": date(2026, 12, 8)}, records=Record.objects.none()
    )
    with translation.override("ru"):
        assert 'value="2026-12-08"' in str(form["date"])
