from django import forms
from django.utils.translation import gettext_lazy as _

from sapat.accounts.models import User
from sapat.forms import DateInput

from .models import DevelopmentConcept, Indicator, Objective, ProcessCard, QualityPolicy

_TEXTAREA = forms.Textarea(attrs={"rows": 4})


class PolicyForm(forms.ModelForm):
    class Meta:
        model = QualityPolicy
        fields = ["year", "title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 12})}


class ConceptForm(forms.ModelForm):
    class Meta:
        model = DevelopmentConcept
        fields = ["title", "period_start", "period_end", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 12})}


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = Objective
        fields = [
            "level",
            "service",
            "year",
            "title",
            "description",
            "owner",
            "concept",
        ]
        widgets = {"description": _TEXTAREA}

    def __init__(self, *args, concepts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True)
        # Only concepts the author may read can be linked.
        self.fields["concept"].queryset = (
            concepts if concepts is not None else DevelopmentConcept.objects.none()
        )


class ProcessCardForm(forms.ModelForm):
    class Meta:
        model = ProcessCard
        fields = [
            "code",
            "name",
            "level",
            "unit",
            "owner",
            "manager",
            "goal",
            "tasks",
            "executors",
            "inputs",
            "outputs",
            "external_documents",
            "internal_documents",
            "records",
            "effectiveness_criteria",
            "methods",
            "participants",
            "clauses",
        ]
        widgets = dict.fromkeys(
            (
                "goal",
                "tasks",
                "executors",
                "inputs",
                "outputs",
                "external_documents",
                "internal_documents",
                "records",
                "effectiveness_criteria",
                "methods",
            ),
            _TEXTAREA,
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        active = User.objects.filter(is_active=True)
        for name in ("owner", "manager", "participants"):
            self.fields[name].queryset = active
        self.fields["clauses"].queryset = self.fields["clauses"].queryset.order_by(
            "edition", "sort_key"
        )


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "name",
            "process",
            "objective",
            "owner",
            "unit",
            "target",
            "direction",
            "frequency",
            "amber_margin",
            "active",
        ]

    def __init__(self, *args, objectives=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True)
        self.fields["objective"].queryset = (
            objectives if objectives is not None else Objective.objects.none()
        )


class MeasurementForm(forms.Form):
    period = forms.DateField(
        label=_("period"),
        help_text=_("The first day of the period measured."),
        widget=DateInput(),
    )
    value = forms.DecimalField(
        label=_("value"),
        max_digits=12,
        decimal_places=2,
        error_messages={"invalid": _("Enter a number, e.g. 87.5.")},
    )
    comment = forms.CharField(label=_("comment"), max_length=500, required=False)
