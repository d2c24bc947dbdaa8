"""Forms of the external documents register and of the correspondence."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sapat.accounts.models import User
from sapat.forms import DateInput

from .models import ExternalDocument, Letter

_DATE = DateInput()
#: What the file picker offers; the content is checked by the service.
ACCEPTED_FILES = ".pdf,.docx,.xlsx,.odt"


def _active_users():
    return User.objects.filter(is_active=True).order_by("full_name")


class ExternalDocumentForm(forms.ModelForm):
    source_url = forms.URLField(
        label=_("source"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_(
            "Where it is published: the Government's or the Ministry's "
            "website, or the legal database."
        ),
    )

    class Meta:
        model = ExternalDocument
        fields = [
            "title",
            "kind",
            "issuer",
            "number",
            "issued_on",
            "source_url",
            "status",
            "replaced_by",
            "responsible",
            "notes",
        ]
        widgets = {
            "issued_on": _DATE,
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "replaced_by": _("Only for the status “replaced”."),
            "responsible": _("Checks every week that it is still in force."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = _active_users()
        others = ExternalDocument.objects.order_by("title")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["replaced_by"].queryset = others


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; ``cleaned_data`` holds a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_FILES}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [
                super(MultipleFileField, self).clean(item, initial) for item in data
            ]
        cleaned = super().clean(data, initial)
        return [cleaned] if cleaned else []


class LetterForm(forms.ModelForm):
    files = MultipleFileField(
        label=_("files"),
        required=False,
        help_text=_("Scans or files of the letter: PDF, DOCX, XLSX or ODT."),
    )

    class Meta:
        model = Letter
        fields = [
            "direction",
            "date",
            "counterparty",
            "their_number",
            "subject",
            "executor",
            "due_date",
            "nomenclature_index",
        ]
        widgets = {"date": _DATE, "due_date": _DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["executor"].queryset = _active_users()


class LetterEditForm(LetterForm):
    """The direction is part of the number: it is not edited."""

    files = MultipleFileField(
        label=_("more files"),
        required=False,
        help_text=_("Added to the files already attached: PDF, DOCX, XLSX or ODT."),
    )

    class Meta(LetterForm.Meta):
        fields = [name for name in LetterForm.Meta.fields if name != "direction"]
