"""Forms of the CAPA pages. They parse input; the services decide and save."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from documents.models import Document
from sapat.accounts.models import User
from sapat.forms import DateInput, OwnIdsMixin
from sapat.signing.forms import PasswordField

from .models import (
    NONCONFORMITY_OPEN,
    Action,
    ActionTask,
    Disposition,
    Nonconformity,
)
from .selectors import default_checker

DATE = DateInput()


def _people():
    return User.objects.filter(is_active=True).order_by("full_name", "pk")


def _text(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


# --- Nonconformities ----------------------------------------------------------

NONCONFORMITY_FIELDS = [
    "source",
    "description",
    "affected",
    "process",
    "unit",
    "severity",
    "detected_on",
    "responsible",
]


class NonconformityForm(forms.ModelForm):
    """Register (or correct) a nonconformity."""

    class Meta:
        model = Nonconformity
        fields = NONCONFORMITY_FIELDS
        widgets = {"description": _text(4), "detected_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = _people()
        self.fields["process"].queryset = self.fields["process"].queryset.order_by(
            "code"
        )


class NonconformityCreateForm(NonconformityForm):
    files = MultipleFileField(
        label=_("evidence files"),
        required=False,
        help_text=_("Photos, scans or documents: PDF, DOCX, XLSX, ODT, JPEG, PNG."),
    )
    origin = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta(NonconformityForm.Meta):
        pass


class ContainForm(forms.Form):
    containment = forms.CharField(
        label=_("immediate correction (containment)"),
        widget=_text(3),
        max_length=5000,
        error_messages={"required": _("Say what was done at once to contain it.")},
    )
    disposition = forms.ChoiceField(
        label=_("decision on the nonconforming service"),
        choices=[("", "—"), *Disposition.choices],
        error_messages={
            "required": _("Decide what happens to the nonconforming service.")
        },
    )
    disposition_note = forms.CharField(
        label=_("notes on the decision"),
        required=False,
        widget=_text(2),
        max_length=5000,
    )
    password = PasswordField()


class AnalyseForm(forms.Form):
    responsible = forms.ModelChoiceField(
        label=_("responsible for the analysis"),
        queryset=User.objects.none(),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = _people()


class RejectForm(OwnIdsMixin, forms.Form):
    id_prefix = "reject"

    reason = forms.CharField(
        label=_("why this is not a nonconformity"),
        widget=_text(2),
        max_length=5000,
        error_messages={"required": _("Say why this is not a nonconformity.")},
    )
    password = PasswordField()


class CloseForm(OwnIdsMixin, forms.Form):
    id_prefix = "close"

    reason = forms.CharField(
        label=_("reason"),
        widget=_text(2),
        max_length=5000,
        required=False,
        help_text=_("Needed when it is closed without a corrective action."),
    )
    password = PasswordField()


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("file"),
        help_text=_("PDF, DOCX, XLSX, ODT, JPEG or PNG, up to 25 MB."),
    )


# --- Actions --------------------------------------------------------------------

ACTION_FORM_FIELDS = [
    "kind",
    "title",
    "description",
    "nonconformities",
    "process",
    "trigger",
    "trigger_reference",
    "potential_problem",
    "why_1",
    "why_2",
    "why_3",
    "why_4",
    "why_5",
    "cause_category",
    "root_cause",
    "qms_impact",
    "affected_documents",
    "owner",
    "due_date",
    "check_due",
    "checker",
]


class ActionForm(forms.ModelForm):
    """Open an action; on edit the kind and the nonconformities stay."""

    class Meta:
        model = Action
        fields = ACTION_FORM_FIELDS
        widgets = {
            "description": _text(3),
            "potential_problem": _text(2),
            "why_1": _text(2),
            "why_2": _text(2),
            "why_3": _text(2),
            "why_4": _text(2),
            "why_5": _text(2),
            "root_cause": _text(2),
            "qms_impact": _text(2),
            "due_date": DATE,
            "check_due": DATE,
        }

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing:
            del self.fields["kind"]
            del self.fields["nonconformities"]
        else:
            self.fields["nonconformities"].queryset = Nonconformity.objects.filter(
                status__in=NONCONFORMITY_OPEN
            ).order_by("-year", "-seq")
        self.fields["owner"].queryset = _people()
        self.fields["checker"].queryset = _people()
        self.fields["checker"].required = False
        self.fields["checker"].help_text = _(
            "Empty: a quality manager who is not the owner."
        )
        self.fields["affected_documents"].queryset = Document.objects.exclude(
            status="withdrawn"
        ).order_by("code")
        self.fields["process"].queryset = self.fields["process"].queryset.order_by(
            "code"
        )

    def clean(self):
        data = super().clean()
        if not data.get("checker") and data.get("owner"):
            checker = default_checker(data["owner"])
            if checker is None:
                self.add_error("checker", _("Choose who checks the effectiveness."))
            else:
                data["checker"] = checker
        return data


class TaskForm(forms.ModelForm):
    class Meta:
        model = ActionTask
        fields = ["title", "owner", "due_date"]
        widgets = {"due_date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()

    def _post_clean(self):
        # The service validates the task against its action (due date).
        return


class TaskMarkForm(forms.Form):
    done = forms.BooleanField(required=False)


class PasswordForm(forms.Form):
    password = PasswordField()


class ImplementForm(forms.Form):
    note = forms.CharField(
        label=_("what was done"),
        widget=_text(3),
        max_length=5000,
        error_messages={"required": _("Say what was done.")},
    )
    password = PasswordField()


class CheckForm(forms.Form):
    effective = forms.TypedChoiceField(
        label=_("the action was"),
        choices=[("yes", _("effective")), ("no", _("not effective"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the action was effective.")},
    )
    result = forms.CharField(
        label=_("result of the effectiveness check"),
        widget=_text(3),
        max_length=5000,
        error_messages={"required": _("Describe what the check found.")},
    )
    password = PasswordField()


class ManualReviewForm(forms.Form):
    reason = forms.CharField(
        label=_("what should change in the quality manual and why"),
        widget=_text(3),
        max_length=5000,
        error_messages={"required": _("Say what should change and why.")},
    )


# --- The plan ---------------------------------------------------------------------


class PlanForm(forms.Form):
    notes = forms.CharField(
        label=_("notes"), required=False, widget=_text(3), max_length=5000
    )
