from django import forms
from django.utils.translation import gettext_lazy as _

from sapat.accounts.models import User
from sapat.forms import DateInput, OwnIdsMixin

from .models import Delegation


class PasswordField(forms.CharField):
    widget = forms.PasswordInput(attrs={"autocomplete": "current-password"})

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("your password"))
        kwargs.setdefault(
            "help_text", _("Signing asks for your password again, like a pen.")
        )
        kwargs.setdefault(
            "error_messages", {"required": _("Enter your password to sign.")}
        )
        super().__init__(strip=False, **kwargs)


class SignForm(forms.Form):
    password = PasswordField()
    comment = forms.CharField(
        label=_("comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReturnForm(OwnIdsMixin, forms.Form):
    id_prefix = "return"

    comment = forms.CharField(
        label=_("remarks"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write what must change before you return it.")},
    )
    password = PasswordField()


class RouteStartForm(forms.Form):
    agreers = forms.ModelMultipleChoiceField(
        label=_("agreed by"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("In the order they sign; the director approves last."),
    )
    parallel = forms.BooleanField(label=_("agree in parallel"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreers"].queryset = User.objects.filter(is_active=True).order_by(
            "full_name"
        )


class DelegationForm(forms.ModelForm):
    class Meta:
        model = Delegation
        fields = ["deputy", "starts_on", "ends_on", "reason"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
        }

    def __init__(self, *args, principal, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.principal = principal
        self.fields["deputy"].queryset = User.objects.filter(is_active=True).exclude(
            pk=principal.pk
        )


MAX_UPLOAD = 20 * 1024 * 1024


class VerifyUploadForm(forms.Form):
    file = forms.FileField(
        label=_("PDF file"),
        help_text=_("A PDF signed by the portal, up to 20 MB."),
        error_messages={
            "required": _("Choose a PDF file."),
            "empty": _("The file is empty."),
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(
                _("The file is larger than 20 MB."), code="size"
            )
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError(_("This is not a PDF file."), code="type")
        return upload
