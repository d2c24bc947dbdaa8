"""Form helpers every app's views share."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.shortcuts import redirect, render
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _


class DateInput(forms.DateInput):
    """The browser's date picker. ``<input type="date">`` takes its value in
    ISO form only (yyyy-mm-dd), whatever the page's language: a date in the
    language's own format (dd.mm.yyyy) is invalid HTML and shows an empty
    field, so a form opened to be corrected would lose its date."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format)


class LongSelect(forms.Select):
    """A select for long, flat lists (every member of staff), written in one
    pass. Django renders each option through a template of its own, which for
    the thousand people of a large organisation was most of a list page's
    time (the CAPA actions list at 30 agency years: 140 ms of 155). Same HTML
    as Django's; no option groups."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        rendered = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option, " selected" if option in chosen else "", label)
                for option, label in (
                    ("" if option is None else str(option), label)
                    for option, label in self.choices
                )
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            rendered,
        )


class OwnIdsMixin:
    """For a form shown on a page beside another with the same field names:
    its fields' ids start with ``id_<id_prefix>_``, so no two controls of the
    page share an id and each label names its own control. Field names, and
    so the data posted, stay as they are."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


def errors_to_form(form, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` on the form it came from.

    Field errors land on their field when the form has it, everything else
    as a non-field error.
    """
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def save_form(request, form, save, *, template: str, context: dict | None = None):
    """The usual create/edit view: validate ``form``, call ``save(data)``
    (a service returning the object), map its errors back onto the form,
    and redirect to the object on success."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(dict(form.cleaned_data))
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(obj.get_absolute_url())
    return render(request, template, {"form": form, **(context or {})})
