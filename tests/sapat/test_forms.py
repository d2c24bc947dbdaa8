"""The form helpers every app shares (``sapat.forms``)."""

from datetime import date

import pytest
from django import forms
from django.test.html import parse_html
from django.utils import translation

from records.forms import DisposalActForm
from records.models import Record
from sapat.forms import DateInput, LongSelect


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


CHOICES = [("", "anyone"), (1, "Асанова <Айгүл>"), (2, 'O"Brien & Co')]


@pytest.mark.parametrize("value", [None, "", "1", 2, "3"])
def test_long_select_writes_the_html_django_writes(value):
    attrs = {"id": "id_owner", "class": "form-select", "required": True}
    django = forms.Select(choices=CHOICES).render("owner", value, attrs)
    ours = LongSelect(choices=CHOICES).render("owner", value, attrs)
    # The same elements, attributes (in any order) and text.
    assert parse_html(ours) == parse_html(django)
    assert "&lt;Айгүл&gt;" in ours and "O&quot;Brien &amp; Co" in ours


@pytest.mark.django_db
def test_long_select_in_the_actions_filter_keeps_the_chosen_owner(rf):
    from capa.filters import ActionFilter
    from capa.models import Action
    from tests.accounts.factories import UserFactory

    owner = UserFactory(full_name="Бекова <Нурзат>")
    form = ActionFilter(
        {"owner": str(owner.pk)}, queryset=Action.objects.none(), request=rf.get("/")
    ).form
    html = str(form["owner"])
    assert f'<option value="{owner.pk}" selected>Бекова &lt;Нурзат&gt;</option>' in html
