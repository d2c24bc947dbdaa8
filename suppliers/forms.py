from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sapat.forms import DateInput

from .models import (
    SCORE_MAX,
    SCORE_MIN,
    WEIGHT_TOTAL,
    Category,
    EvaluationBasis,
    ProposalAction,
    Supplier,
    TrainerRequirement,
)

DATE = DateInput()


class SupplierForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("purchase categories"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Supplier
        fields = [
            "name",
            "kind",
            "categories",
            "tax_id",
            "contact_person",
            "phone",
            "email",
            "address",
            "website",
            "expert",
            "notes",
            "active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["categories"] = self.instance.categories
        self.fields["expert"].queryset = self.fields["expert"].queryset.filter(
            active=True
        )

    def validate_unique(self):
        # The service checks the taxpayer number and reports it.
        return


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    upload = forms.FileField(
        label=_("file"), help_text=_("PDF, DOCX, XLSX or ODT, up to 25 MB.")
    )
    valid_until = forms.DateField(label=_("valid until"), required=False, widget=DATE)


class EvaluationForm(forms.Form):
    """One score field per criterion in use, then the evidence."""

    basis = forms.ChoiceField(label=_("basis"), choices=EvaluationBasis.choices)
    evaluated_on = forms.DateField(label=_("evaluated on"), widget=DATE)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=f"{criterion.name} ({criterion.weight}%)",
                help_text=criterion.description
                or _("From %(min)s (poor) to %(max)s (excellent).")
                % {"min": SCORE_MIN, "max": SCORE_MAX},
                min_value=SCORE_MIN,
                max_value=SCORE_MAX,
                widget=forms.NumberInput(attrs={"min": SCORE_MIN, "max": SCORE_MAX}),
            )
        self.fields["evidence"] = forms.CharField(
            label=_("evidence"),
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("What the scores rest on: deliveries, documents, references."),
        )
        self.fields["reference"] = forms.CharField(
            label=_("reference"), max_length=200, required=False
        )

    def scores(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"score_{c.pk}"] for c in self.criteria}


class CriterionRowForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("criterion"), max_length=200, required=False)
    description = forms.CharField(
        label=_("how it is judged"), max_length=300, required=False
    )
    weight = forms.IntegerField(
        label=_("weight, %"), min_value=0, max_value=WEIGHT_TOTAL, required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("name") and not data.get("weight"):
            self.add_error("weight", _("Give the weight."))
        return data


class BaseCriteriaFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        rows = [f.cleaned_data for f in self.forms if f.cleaned_data.get("name")]
        total = sum(r.get("weight") or 0 for r in rows)
        if total != WEIGHT_TOTAL:
            raise ValidationError(
                _(
                    "The weights add up to %(total)s%%; they must add up to "
                    "%(needed)s%%."
                ),
                params={"total": total, "needed": WEIGHT_TOTAL},
                code="weights",
            )

    def rows(self) -> list[dict]:
        return [
            {**f.cleaned_data, "order": i}
            for i, f in enumerate(self.forms)
            if f.cleaned_data.get("name")
        ]


CriteriaFormSet = forms.formset_factory(
    CriterionRowForm, formset=BaseCriteriaFormSet, extra=2, max_num=15
)


class RequirementForm(forms.ModelForm):
    class Meta:
        model = TrainerRequirement
        fields = ["area", "min_level", "note", "active"]

    def validate_unique(self):
        return


class ProposalForm(forms.Form):
    year = forms.IntegerField(
        label=_("list of the year"), min_value=2000, max_value=2100
    )
    supplier = forms.ModelChoiceField(
        label=_("supplier"), queryset=Supplier.objects.filter(active=True)
    )
    category = forms.ChoiceField(label=_("category"), choices=Category.choices)
    action = forms.ChoiceField(label=_("proposal"), choices=ProposalAction.choices)
    reason = forms.CharField(
        label=_("reason"), widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("decision"),
        choices=[("1", _("accept")), ("0", _("reject"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("note"), required=False, max_length=1000)


class CompileForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("reviewed on"), widget=DATE)
    add = forms.ModelMultipleChoiceField(
        label=_("add trainers"),
        queryset=Supplier.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    remove = forms.ModelMultipleChoiceField(
        label=_("remove trainers"),
        queryset=Supplier.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    removal_reason = forms.CharField(
        label=_("why removed"), max_length=300, required=False
    )
    notes = forms.CharField(
        label=_("conclusion"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, candidates, on_list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["add"].queryset = candidates
        self.fields["remove"].queryset = on_list


class PurchaseForm(forms.Form):
    category = forms.ChoiceField(label=_("category"), choices=Category.choices)
    subject = forms.CharField(label=_("what is bought"), max_length=300)
    description = forms.CharField(
        label=_("requirements"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Quantity, specification, deadlines: what the receipt checks."),
    )
    amount = forms.DecimalField(
        label=_("estimated cost, som"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
    )
    needed_by = forms.DateField(label=_("needed by"), required=False, widget=DATE)
    supplier = forms.ModelChoiceField(
        label=_("supplier"),
        queryset=Supplier.objects.filter(active=True),
        required=False,
        help_text=_(
            "Printing and administrative goods: any supplier. Other categories: "
            "only suppliers on the approved list in force."
        ),
    )


class OrderForm(forms.Form):
    supplier = forms.ModelChoiceField(
        label=_("supplier"), queryset=Supplier.objects.filter(active=True)
    )
    order_reference = forms.CharField(
        label=_("order or contract number"), max_length=100, required=False
    )
    ordered_on = forms.DateField(label=_("ordered on"), widget=DATE)
    amount = forms.DecimalField(
        label=_("cost, som"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
    )


class VerificationForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("result"),
        choices=[
            ("1", _("meets the requirements")),
            ("0", _("does not meet them")),
        ],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    findings = forms.CharField(
        label=_("findings"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was checked and what was found."),
    )
    verified_on = forms.DateField(label=_("verified on"), widget=DATE)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("why cancelled"), max_length=300)
