from django import forms
from django.utils.translation import gettext_lazy as _

from sapat.accounts.models import OrgUnit, User
from sapat.forms import DateInput, OwnIdsMixin
from sapat.quality.models import IsoClause, ProcessCard
from sapat.signing.forms import PasswordField

from .models import Answer, DecisionArea, FindingKind, ReviewKind


def _active_users():
    return User.objects.filter(is_active=True).order_by("full_name")


class ProgrammeForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    cycle_years = forms.IntegerField(
        label=_("audit cycle, years"), min_value=1, max_value=5, initial=3
    )
    notes = forms.CharField(
        label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProgrammeEditForm(OwnIdsMixin, ProgrammeForm):
    id_prefix = "edit"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["year"]


class AuditForm(forms.Form):
    planned = forms.BooleanField(
        label=_("planned in the programme"), required=False, initial=True
    )
    reason = forms.CharField(
        label=_("reason for an unplanned audit"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    title = forms.CharField(label=_("title"), max_length=300)
    processes = forms.ModelMultipleChoiceField(
        label=_("processes"),
        queryset=ProcessCard.objects.exclude(approval_status="superseded").order_by(
            "code"
        ),
        required=False,
    )
    clauses = forms.ModelMultipleChoiceField(
        label=_("clauses"),
        queryset=IsoClause.objects.order_by("edition", "sort_key"),
        required=False,
    )
    units = forms.ModelMultipleChoiceField(
        label=_("audited units"), queryset=OrgUnit.objects.all(), required=False
    )
    criteria = forms.CharField(
        label=_("criteria"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    lead_auditor = forms.ModelChoiceField(
        label=_("lead auditor"), queryset=User.objects.none()
    )
    auditors = forms.ModelMultipleChoiceField(
        label=_("auditors"), queryset=User.objects.none(), required=False
    )
    start_date = forms.DateField(label=_("start"), widget=DateInput())
    end_date = forms.DateField(label=_("end"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every active user is listed: the service explains who may not audit.
        self.fields["lead_auditor"].queryset = _active_users()
        self.fields["auditors"].queryset = _active_users()


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("answer"), choices=[("", "—"), *Answer.choices], required=False
    )
    evidence = forms.CharField(
        label=_("evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FindingForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=FindingKind.choices)
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea(attrs={"rows": 3})
    )
    clause = forms.ModelChoiceField(
        label=_("clause"), queryset=IsoClause.objects.none(), required=False
    )
    process = forms.ModelChoiceField(
        label=_("process"), queryset=ProcessCard.objects.none(), required=False
    )
    unit = forms.ModelChoiceField(
        label=_("unit"), queryset=OrgUnit.objects.none(), required=False
    )

    def __init__(self, *args, audit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clause"].queryset = audit.clauses.all()
        self.fields["process"].queryset = audit.processes.all()
        self.fields["unit"].queryset = audit.units.all()


class ReportForm(forms.Form):
    conclusion = forms.CharField(
        label=_("conclusion"), widget=forms.Textarea(attrs={"rows": 4})
    )
    password = PasswordField()


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=500)


class ReviewForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=ReviewKind.choices)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(
        label=_("month"), min_value=1, max_value=12, required=False
    )
    date = forms.DateField(label=_("date"), widget=DateInput())
    chair = forms.ModelChoiceField(label=_("chair"), queryset=User.objects.none())
    participants = forms.CharField(
        label=_("participants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = _active_users()


class HoldForm(forms.Form):
    participants = forms.CharField(
        label=_("participants"), widget=forms.Textarea(attrs={"rows": 2})
    )
    minutes = forms.CharField(
        label=_("minutes"), widget=forms.Textarea(attrs={"rows": 8})
    )


class DecisionForm(forms.Form):
    area = forms.ChoiceField(label=_("area"), choices=DecisionArea.choices)
    text = forms.CharField(
        label=_("decision"), widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.ModelChoiceField(label=_("owner"), queryset=User.objects.none())
    due_date = forms.DateField(label=_("due"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _active_users()


class DecisionDoneForm(forms.Form):
    result = forms.CharField(
        label=_("result"), widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionActionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=[
            ("preventive", _("preventive action")),
            ("improvement", _("improvement")),
        ],
    )
    checker = forms.ModelChoiceField(
        label=_("checks effectiveness"), queryset=User.objects.none()
    )
    check_due = forms.DateField(label=_("effectiveness check due"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checker"].queryset = _active_users()


class ManualReviewForm(forms.Form):
    reason = forms.CharField(
        label=_("what should change in the quality manual"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MeetingForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    date = forms.DateField(label=_("date"), widget=DateInput())
    results = forms.CharField(
        label=_("the year's results"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    objectives = forms.CharField(
        label=_("next year's objectives"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    plans = forms.CharField(
        label=_("next year's plans"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    minutes = forms.CharField(
        label=_("minutes"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )


class AssessmentForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    due_date = forms.DateField(label=_("due"), widget=DateInput())


class ScoreForm(forms.Form):
    value = forms.IntegerField(
        label=_("score"), min_value=0, max_value=5, required=False
    )
    evidence = forms.CharField(
        label=_("evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    strengths = forms.CharField(
        label=_("strengths"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    improvements = forms.CharField(
        label=_("areas for improvement"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ScoreActionForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("owner"), queryset=User.objects.none())
    checker = forms.ModelChoiceField(
        label=_("checks effectiveness"), queryset=User.objects.none()
    )
    due_date = forms.DateField(label=_("due"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _active_users()
        self.fields["checker"].queryset = _active_users()
