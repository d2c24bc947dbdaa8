"""Forms of corporate training (ПК-03); the services validate the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sapat.forms import DateInput

from ..models.seminars import (
    MARK_MAX,
    MARK_MIN,
    HandoutKind,
    IndicativePlan,
    Programme,
    Seminar,
    TrainingRequest,
)

DATE = DateInput()
MARKS = [(n, str(n)) for n in range(MARK_MAX, MARK_MIN - 1, -1)]
MARK_CHOICES = [("", "—"), *MARKS]


def _trainers():
    """Suppliers of the trainers category; the service checks the list."""
    from suppliers.models import Category, Supplier

    return Supplier.objects.filter(
        active=True, category_rows__category=Category.TRAINERS
    ).order_by("name")


class RequestForm(forms.ModelForm):
    class Meta:
        model = TrainingRequest
        fields = [
            "client",
            "contact",
            "topic",
            "received_on",
            "requirements",
            "participants_expected",
            "contract_number",
            "contract_date",
            "contract_conditions",
        ]
        widgets = {"received_on": DATE, "contract_date": DATE}


class PlanForm(forms.ModelForm):
    class Meta:
        model = IndicativePlan
        fields = ["kind", "year", "number", "content"]


class ProgrammeForm(forms.ModelForm):
    trainers = forms.ModelMultipleChoiceField(label=_("trainers"), queryset=None)

    class Meta:
        model = Programme
        fields = ["title", "aims", "request", "trainers"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainers"].queryset = _trainers()
        self.fields["request"].queryset = TrainingRequest.objects.select_related(
            "client"
        )


class ProgrammeCreateForm(ProgrammeForm):
    """A new programme may name its electronic master in the register."""

    class Meta(ProgrammeForm.Meta):
        fields = ["title", "aims", "request", "trainers", "document"]

    def __init__(self, *args, **kwargs):
        from documents.models import Document
        from documents.models.register import DocumentStatus

        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = Document.objects.filter(
            status=DocumentStatus.IN_FORCE
        ).order_by("code")


class TopicForm(forms.Form):
    title = forms.CharField(label=_("topic"), max_length=300)
    hours = forms.DecimalField(
        label=_("hours"), max_digits=5, decimal_places=1, min_value=0.5
    )
    trainer = forms.ModelChoiceField(label=_("trainer"), queryset=None)

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainer"].queryset = programme.trainers.all()


class VerifyForm(forms.Form):
    password = forms.CharField(
        label=_("your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SeminarForm(forms.ModelForm):
    spare_sets = forms.IntegerField(
        label=_("spare sets of handouts"),
        initial=2,
        help_text=_("Printed beyond one set per participant: from 2 to 5."),
    )

    class Meta:
        model = Seminar
        fields = ["programme", "title", "starts_on", "ends_on", "venue", "spare_sets"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, **kwargs):
        from ..selectors.seminars import approved_programmes

        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = approved_programmes()

    def _post_clean(self):
        """The service validates the instance (spares, dates)."""


class SeminarEditForm(SeminarForm):
    class Meta(SeminarForm.Meta):
        fields = ["title", "starts_on", "ends_on", "venue", "spare_sets"]

    def __init__(self, *args, **kwargs):
        forms.ModelForm.__init__(self, *args, **kwargs)


class DayForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=DATE)


class ParticipantForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    organisation = forms.CharField(label=_("organisation"), max_length=300)
    email = forms.EmailField(label=_("e-mail"), required=False)
    phone = forms.CharField(label=_("phone"), max_length=50, required=False)


class AttendanceForm(forms.Form):
    participants = forms.ModelMultipleChoiceField(
        label=_("present"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, seminar: Seminar, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = seminar.participants.order_by("name")


class MarkForm(forms.Form):
    topics = forms.ModelMultipleChoiceField(
        label=_("topics covered"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args, seminar: Seminar, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = seminar.programme.topics.order_by("order")


class HandoutForm(forms.Form):
    document = forms.ModelChoiceField(label=_("controlled document"), queryset=None)
    kind = forms.ChoiceField(label=_("kind"), choices=HandoutKind.choices)

    def __init__(self, *args, **kwargs):
        from documents.models import Document
        from documents.models.register import DocumentStatus

        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = Document.objects.filter(
            status=DocumentStatus.IN_FORCE
        ).order_by("code")


class DamagedForm(forms.Form):
    copies = forms.IntegerField(label=_("copies replaced"), min_value=1)
    reason = forms.CharField(label=_("damage"), max_length=300)


class MemoForm(forms.Form):
    change = forms.CharField(label=_("the error or the change"), widget=forms.Textarea)
    cost = forms.DecimalField(
        label=_("cost of the change"), max_digits=10, decimal_places=2, min_value=0
    )


class MemoDecisionForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("decision"),
        choices=[("1", _("accept")), ("0", _("refuse"))],
        coerce=lambda v: v == "1",
    )
    decision = forms.CharField(label=_("reason"), max_length=500, required=False)


class SeminarTestForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=300)
    pass_score = forms.IntegerField(label=_("pass score"), min_value=0, initial=0)


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("question"), widget=forms.Textarea(attrs={"rows": 2})
    )
    answer = forms.CharField(
        label=_("correct answer"), widget=forms.Textarea(attrs={"rows": 2})
    )
    points = forms.IntegerField(label=_("points"), min_value=1, initial=1)


class ScoresForm(forms.Form):
    """One score field per participant."""

    def __init__(self, *args, participants, scores: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = list(participants)
        for participant in self.participants:
            self.fields[f"p{participant.pk}"] = forms.IntegerField(
                label=str(participant),
                required=False,
                initial=scores.get(participant.pk),
            )

    def scores(self) -> dict:
        return {p: self.cleaned_data.get(f"p{p.pk}") for p in self.participants}


class EvaluationForm(forms.Form):
    seminar_mark = forms.TypedChoiceField(
        label=_("How do you rate the seminar?"),
        choices=MARK_CHOICES,
        coerce=int,
    )
    trainer_mark = forms.TypedChoiceField(
        label=_("How do you rate the trainer?"),
        choices=MARK_CHOICES,
        coerce=int,
    )
    comment = forms.CharField(
        label=_("comments and suggestions"), widget=forms.Textarea, required=False
    )


class ReviewForm(forms.Form):
    mark = forms.TypedChoiceField(label=_("own mark"), choices=MARKS, coerce=int)
    text = forms.CharField(label=_("review"), widget=forms.Textarea)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("from"), widget=DATE)
    end = forms.DateField(label=_("to"), widget=DATE)
