"""Forms of projects. They only collect input: the services validate
(``full_clean``) and their errors are mapped back with ``errors_to_form``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sapat.accounts.models import User
from sapat.forms import DateInput

from .models import (
    Client,
    ClientContact,
    ClientDocument,
    Communication,
    ContractVersion,
    Decision,
    DecisionStatus,
    Deliverable,
    ItemStatus,
    Meeting,
    PlanItem,
    Project,
    ProjectStage,
    RequirementsReview,
    TeamRole,
    WorkPlan,
)

FILE_HELP = _("PDF, DOCX, XLSX or ODT, up to 25 MB.")


def _active_users():
    return User.objects.filter(is_active=True).order_by("last_name", "first_name")


class ServiceForm(forms.ModelForm):
    """A model form that never saves and leaves model validation to the
    service (which reports it back onto the form)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DateInput()
            if isinstance(field, forms.ModelChoiceField) and (
                field.queryset.model is User
            ):
                field.queryset = _active_users()
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 3)

    def _post_clean(self):
        return


class ClientForm(ServiceForm):
    class Meta:
        model = Client
        fields = [
            "name",
            "kind",
            "organisation",
            "region",
            "address",
            "general_director",
            "email",
            "phone",
            "notes",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Client.objects.filter(
            kind=Client.Kind.ORGANISATION
        )


class ContactForm(ServiceForm):
    class Meta:
        model = ClientContact
        fields = ["name", "position", "email", "phone"]


class CommunicationForm(ServiceForm):
    class Meta:
        model = Communication
        fields = ["date", "kind", "direction", "contact", "project", "summary"]

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = client.contacts.all()
        self.fields["project"].queryset = client.projects.all()


class ReviewForm(ServiceForm):
    class Meta:
        model = RequirementsReview
        fields = [
            "service_type",
            "client_requests",
            "legal_requirements",
            "unstated_requirements",
            "capacity",
            "capacity_ok",
        ]


class ReviewDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[
            (RequirementsReview.Decision.ACCEPT, _("accept")),
            (RequirementsReview.Decision.DECLINE, _("decline")),
        ],
    )
    note = forms.CharField(
        label=_("decision note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    password = forms.CharField(
        label=_("your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Signing the review confirms it is you."),
    )


class ContractForm(ServiceForm):
    class Meta:
        model = ContractVersion
        fields = ["number", "title", "project", "file", "terms_of_reference", "remarks"]
        help_texts = {"file": FILE_HELP}

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = client.projects.all()


class ProjectForm(ServiceForm):
    class Meta:
        model = Project
        fields = [
            "client",
            "code",
            "title",
            "service_type",
            "review",
            "project_manager",
            "referent",
            "start_date",
            "end_date",
            "quality_programme",
            "estimate",
        ]

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review"].queryset = RequirementsReview.objects.filter(
            decision=RequirementsReview.Decision.ACCEPT
        ).select_related("client")
        if editing:
            for name in ("client", "code", "review"):
                del self.fields[name]


class ComplexityForm(ServiceForm):
    class Meta:
        model = Project
        fields = ["complexity", "area", "team_order", "team_order_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["complexity"].required = True


class TeamMemberForm(forms.Form):
    expert = forms.ModelChoiceField(
        label=_("expert"),
        required=False,
        queryset=None,
        help_text=_("From the experts database; the expert needs an account."),
    )
    user = forms.ModelChoiceField(
        label=_("member of staff"), required=False, queryset=None
    )
    role = forms.ChoiceField(label=_("role"), choices=TeamRole.choices)

    def __init__(self, *args, **kwargs):
        from training.models import Expert

        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = Expert.objects.filter(active=True)
        self.fields["user"].queryset = _active_users()


class StageForm(ServiceForm):
    class Meta:
        model = ProjectStage
        fields = ["owner", "planned_start", "planned_end"]


class StageFinishForm(forms.Form):
    finished_on = forms.DateField(label=_("finished on"), widget=DateInput())


class CloseForm(forms.Form):
    assessment = forms.CharField(
        label=_("project manager's assessment"), widget=forms.Textarea
    )
    supplier_analysis = forms.CharField(
        label=_("analysis of the suppliers used"),
        widget=forms.Textarea,
        help_text=_("Quality, timeliness and price of what the suppliers provided."),
    )
    suppliers = forms.ModelMultipleChoiceField(
        label=_("suppliers used"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    closed_on = forms.DateField(label=_("closed on"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        from suppliers.models import Supplier

        super().__init__(*args, **kwargs)
        self.fields["suppliers"].queryset = Supplier.objects.filter(active=True)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300)


class ClientDocumentForm(ServiceForm):
    class Meta:
        model = ClientDocument
        fields = [
            "title",
            "medium",
            "received_on",
            "received_from",
            "location",
            "custodian",
            "file",
            "notes",
        ]
        help_texts = {"file": FILE_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["custodian"].required = False
        self.fields["custodian"].help_text = _("Empty: the project's referent.")


class ReturnForm(forms.Form):
    returned_on = forms.DateField(label=_("returned on"), widget=DateInput())
    returned_to = forms.CharField(label=_("returned to"), max_length=200)


class PlanForm(ServiceForm):
    class Meta:
        model = WorkPlan
        fields = ["kind", "year", "period", "title"]


class ItemForm(ServiceForm):
    class Meta:
        model = PlanItem
        fields = ["title", "kind", "stage", "owner", "start_date", "due_date"]

    def __init__(self, *args, project: Project | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if project is None:
            del self.fields["stage"]


class ItemStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=ItemStatus.choices)
    note = forms.CharField(
        label=_("weekly status"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MeetingForm(ServiceForm):
    class Meta:
        model = Meeting
        fields = [
            "kind",
            "project",
            "number",
            "date",
            "place",
            "chair",
            "attendees",
            "minutes",
            "complaints",
        ]
        widgets = {"attendees": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = _active_users()
        if projects is not None:
            self.fields["project"].queryset = projects


class MinutesForm(ServiceForm):
    class Meta:
        model = Meeting
        fields = ["place", "attendees", "minutes", "complaints"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = _active_users()


class DecisionForm(ServiceForm):
    class Meta:
        model = Decision
        fields = ["text", "owner", "due_date"]


class DecisionMoveForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (DecisionStatus.DONE, _("done")),
            (DecisionStatus.CANCELLED, _("cancelled")),
        ]
    )


class PreventiveForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=300)
    potential_problem = forms.CharField(
        label=_("potential nonconformity"), widget=forms.Textarea(attrs={"rows": 2})
    )
    root_cause = forms.CharField(
        label=_("potential cause"), widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.ModelChoiceField(label=_("owner"), queryset=None)
    due_date = forms.DateField(label=_("deadline"), widget=DateInput())
    checker = forms.ModelChoiceField(label=_("checks effectiveness"), queryset=None)
    check_due = forms.DateField(label=_("check by"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _active_users()
        self.fields["checker"].queryset = _active_users()


class DeliverableForm(ServiceForm):
    class Meta:
        model = Deliverable
        fields = ["kind", "title", "file", "summary"]
        help_texts = {"file": FILE_HELP}


class DeliverableEditForm(ServiceForm):
    class Meta:
        model = Deliverable
        fields = ["title", "file", "summary"]
        help_texts = {"file": FILE_HELP}


class ReviseForm(forms.Form):
    decision = forms.ModelChoiceField(
        label=_("status-meeting decision"),
        queryset=None,
        required=False,
        help_text=_("The decision in the minutes that allows the change."),
    )
    file = forms.FileField(label=_("file"), required=False, help_text=FILE_HELP)
    summary = forms.CharField(
        label=_("what changed"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = decisions


class ClientSignatureForm(forms.Form):
    contact = forms.ModelChoiceField(label=_("representative"), queryset=None)
    signed_on = forms.DateField(label=_("signed on"), widget=DateInput())
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = client.contacts.filter(active=True)


class ContractSendForm(forms.Form):
    sent_on = forms.DateField(label=_("sent on"), widget=DateInput())
