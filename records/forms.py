from django import forms
from django.utils.translation import gettext_lazy as _

from sapat.accounts.models import User
from sapat.forms import DateInput

from .models import Medium, NomenclatureItem, Record, Section


class NomenclatureForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    copy_from = forms.IntegerField(
        label=_("copy from year"),
        required=False,
        help_text=_("Empty: start with no items."),
    )


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["code", "title", "unit", "order"]


class ItemForm(forms.ModelForm):
    class Meta:
        model = NomenclatureItem
        fields = [
            "section",
            "index",
            "title",
            "retention_kind",
            "retention_years",
            "legal_basis",
            "storage_place",
            "medium",
            "responsible",
            "notes",
            "record_kind",
            "restricted",
        ]

    def __init__(self, *args, nomenclature, **kwargs):
        super().__init__(*args, **kwargs)
        self.nomenclature = nomenclature
        self.instance.nomenclature = nomenclature
        self.fields["section"].queryset = nomenclature.sections.all()
        self.fields["responsible"].queryset = User.objects.filter(is_active=True)

    def validate_unique(self):
        # The service validates (with the nomenclature set) and reports it.
        return


class RecordForm(forms.Form):
    item = forms.ModelChoiceField(
        label=_("nomenclature item"), queryset=NomenclatureItem.objects.none()
    )
    title = forms.CharField(label=_("title"), max_length=300)
    date = forms.DateField(label=_("date"), widget=DateInput())
    medium = forms.ChoiceField(label=_("format"), choices=Medium.choices)
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    quality_data = forms.BooleanField(label=_("quality data"), required=False)
    files = forms.FileField(
        label=_("files"),
        required=False,
        help_text=_("PDF, DOCX, XLSX or ODT, up to 25 MB."),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items

    def clean_files(self):
        upload = self.cleaned_data.get("files")
        if upload:
            from documents.files import validate_upload

            validate_upload(upload)
            upload.seek(0)
        return upload

    def clean(self):
        data = super().clean()
        if data.get("medium") in {Medium.ELECTRONIC} and not data.get("files"):
            self.add_error("files", _("An electronic record needs its file."))
        return data


class DisposalActForm(forms.Form):
    number = forms.CharField(label=_("number"), max_length=30)
    date = forms.DateField(label=_("date"), widget=DateInput())
    records = forms.ModelMultipleChoiceField(
        label=_("records"),
        queryset=Record.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, records, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["records"].queryset = records
