from django import forms
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from sapat.accounts.models import User
from sapat.forms import DateInput
from sapat.signing.forms import PasswordField

from .models import Document, DocumentRevision


def _active_users():
    return User.objects.filter(is_active=True).order_by("full_name")


class DocumentForm(forms.ModelForm):
    readers = forms.ModelMultipleChoiceField(
        label=_("readers"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("For a restricted document: who besides its owner may read it."),
    )
    reader_groups = forms.ModelMultipleChoiceField(
        label=_("reader roles"), queryset=Group.objects.none(), required=False
    )

    class Meta:
        model = Document
        fields = [
            "code",
            "title",
            "doc_type",
            "owner",
            "owner_unit",
            "access",
            "review_months",
            "distribution_groups",
            "distribution_users",
            "clauses",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("owner", "distribution_users", "readers"):
            self.fields[name].queryset = _active_users()
        self.fields["reader_groups"].queryset = Group.objects.order_by("name")
        self.fields["clauses"].queryset = self.fields["clauses"].queryset.order_by(
            "edition", "sort_key"
        )

    def clean(self):
        data = super().clean()
        if data.get("access") != "restricted" and (
            data.get("readers") or data.get("reader_groups")
        ):
            self.add_error(
                "readers", _("Readers are named for restricted documents only.")
            )
        return data


class RevisionForm(forms.ModelForm):
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = DocumentRevision
        fields = ["body", "file", "change_summary", "effective_date", "executors"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 14}),
            "change_summary": forms.Textarea(attrs={"rows": 3}),
            "effective_date": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["executors"].queryset = _active_users()
        self.fields["file"].help_text = _("PDF, DOCX, XLSX or ODT, up to 25 MB.")
        if self.instance.pk:
            self.fields["lock_version"].initial = self.instance.lock_version

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):
            from .files import validate_upload

            validate_upload(upload)
            upload.seek(0)
        return upload


class PasswordForm(forms.Form):
    password = PasswordField()


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=500)


class ChangeRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("proposed change and why"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )


class DecideForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("decision"),
        choices=[("1", _("accept: prepare a new revision")), ("0", _("reject"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    decision = forms.CharField(
        label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PaperCopyForm(forms.Form):
    holder = forms.ModelChoiceField(label=_("holder"), queryset=User.objects.none())
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    issued_on = forms.DateField(label=_("issued"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = _active_users()
