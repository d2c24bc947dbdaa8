"""Forms of personnel and competence; the services validate the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sapat.accounts.models import User
from sapat.forms import DateInput

from ..models import (
    Attestation,
    Briefing,
    Competence,
    ConflictOfInterest,
    Employee,
    Expert,
    ExpertiseArea,
    Level,
    Post,
    TrainingNeed,
    TrainingTaken,
)

DATE = DateInput()
FILE_HELP = _("PDF, DOCX, XLSX or ODT, up to 25 MB.")


def _people():
    return User.objects.filter(is_active=True).order_by("full_name")


class LevelField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("level"))
        super().__init__(choices=Level.choices, coerce=int, **kwargs)


def _documents_in_force():
    from documents.models import Document
    from documents.models.register import DocumentStatus, DocumentType

    return Document.objects.filter(
        status=DocumentStatus.IN_FORCE,
        doc_type__in=[
            DocumentType.QUALITY_MANUAL,
            DocumentType.PROCEDURE,
            DocumentType.PROCESS_MAP,
            DocumentType.INSTRUCTION,
            DocumentType.POLICY,
            DocumentType.REGULATION,
            DocumentType.ORDER,
        ],
    ).order_by("code")


def _file_clean(upload):
    if upload:
        from documents.files import validate_upload

        validate_upload(upload)
        upload.seek(0)
    return upload


class CompetenceForm(forms.ModelForm):
    class Meta:
        model = Competence
        fields = ["code", "name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class AreaForm(forms.ModelForm):
    class Meta:
        model = ExpertiseArea
        fields = ["code", "name", "order"]


class PostForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = ["title", "unit", "job_description", "duties"]
        widgets = {"duties": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from documents.models import Document

        self.fields["job_description"].queryset = Document.objects.order_by("code")


class RequirementForm(forms.Form):
    competence = forms.ModelChoiceField(
        label=_("competence"), queryset=Competence.objects.order_by("name")
    )
    level = LevelField(label=_("required level"))


class HireForm(forms.ModelForm):
    class Meta:
        model = Employee
        fields = [
            "user",
            "post",
            "hired_on",
            "education",
            "qualifications",
            "languages",
        ]
        widgets = {
            "hired_on": DATE,
            "education": forms.Textarea(attrs={"rows": 2}),
            "qualifications": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _people().filter(staff_file__isnull=True)

    def validate_unique(self):
        # The service says "has a staff file already" in its own words.
        return


class EmployeeForm(forms.ModelForm):
    class Meta:
        model = Employee
        fields = ["post", "hired_on", "education", "qualifications", "languages"]
        widgets = {
            "hired_on": DATE,
            "education": forms.Textarea(attrs={"rows": 2}),
            "qualifications": forms.Textarea(attrs={"rows": 2}),
        }


class TrainingForm(forms.ModelForm):
    class Meta:
        model = TrainingTaken
        fields = [
            "title",
            "provider",
            "kind",
            "issued_on",
            "expires_on",
            "hours",
            "certificate",
            "competence",
            "level",
        ]
        widgets = {"issued_on": DATE, "expires_on": DATE}
        help_texts = {"certificate": FILE_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"] = LevelField(label=_("level reached"), required=False)
        self.fields["level"].empty_value = None

    def clean_certificate(self):
        return _file_clean(self.cleaned_data.get("certificate"))

    def clean(self):
        data = super().clean()
        issued, expires = data.get("issued_on"), data.get("expires_on")
        if issued and expires and expires < issued:
            self.add_error(
                "expires_on", _("A certificate cannot expire before it was issued.")
            )
        return data


class CompetenceHeldForm(forms.Form):
    competence = forms.ModelChoiceField(
        label=_("competence"), queryset=Competence.objects.order_by("name")
    )
    level = LevelField()
    assessed_on = forms.DateField(label=_("assessed on"), widget=DATE)
    evidence = forms.CharField(
        label=_("evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence_file = forms.FileField(
        label=_("evidence file"), required=False, help_text=FILE_HELP
    )

    def clean_evidence_file(self):
        return _file_clean(self.cleaned_data.get("evidence_file"))


class DeactivateForm(forms.Form):
    successor = forms.ModelChoiceField(
        label=_("hand the open work over to"),
        queryset=User.objects.none(),
        required=False,
    )
    left_on = forms.DateField(label=_("left on"), widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = _people().exclude(pk=user.pk)


class ExpertForm(forms.ModelForm):
    class Meta:
        model = Expert
        fields = [
            "user",
            "name",
            "affiliation",
            "country",
            "email",
            "phone",
            "cv",
            "availability",
            "availability_note",
            "public_consent",
            "consent_on",
            "public_affiliation",
            "public_country",
            "public_email",
            "public_phone",
            "public_cv",
        ]
        widgets = {"consent_on": DATE}
        help_texts = {"cv": FILE_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _people()
        self.fields["name"].required = False

    def clean_cv(self):
        upload = self.cleaned_data.get("cv")
        if upload and hasattr(upload, "content_type"):
            _file_clean(upload)
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("user") and not (data.get("name") or "").strip():
            self.add_error("name", _("Name the external expert."))
        return data


class ExpertAreaForm(forms.Form):
    area = forms.ModelChoiceField(
        label=_("field of expertise"), queryset=ExpertiseArea.objects.all()
    )
    level = LevelField()


class ConflictForm(forms.ModelForm):
    class Meta:
        model = ConflictOfInterest
        fields = ["client_name", "declared_on", "note"]
        widgets = {"declared_on": DATE, "note": forms.Textarea(attrs={"rows": 2})}


class AttestationForm(forms.ModelForm):
    class Meta:
        model = Attestation
        fields = ["employee", "date", "commission", "result", "recommendations"]
        widgets = {"date": DATE, "recommendations": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = Employee.objects.select_related(
            "user"
        ).order_by("user__full_name")
        self.fields["commission"].queryset = _people()


class NeedForm(forms.ModelForm):
    class Meta:
        model = TrainingNeed
        fields = ["employee", "source", "competence", "level", "topic"]

    def __init__(self, *args, attestation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"] = LevelField(label=_("level wanted"), required=False)
        self.fields["level"].empty_value = None
        self.fields["employee"].queryset = Employee.objects.filter(
            left_on__isnull=True
        ).select_related("user")
        self.fields["source"].choices = [
            c for c in TrainingNeed.Source.choices if c[0] != "attestation"
        ]
        if attestation is not None:
            del self.fields["employee"]
            del self.fields["source"]

    def clean(self):
        data = super().clean()
        if not data.get("competence") and not (data.get("topic") or "").strip():
            self.add_error("topic", _("Name a competence or a topic."))
        return data

    def _post_clean(self):
        # The service builds and checks the need (its attestation, source).
        return


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    notes = forms.CharField(
        label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PlanItemForm(forms.Form):
    employee = forms.ModelChoiceField(
        label=_("staff file"), queryset=Employee.objects.none()
    )
    topic = forms.CharField(label=_("training"), max_length=300)
    competence = forms.ModelChoiceField(
        label=_("competence"), queryset=Competence.objects.all(), required=False
    )
    level = LevelField(label=_("level wanted"), required=False, empty_value=None)
    planned_on = forms.DateField(label=_("planned for"), widget=DATE)
    responsible = forms.ModelChoiceField(
        label=_("organised by"), queryset=User.objects.none()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = Employee.objects.filter(
            left_on__isnull=True
        ).select_related("user")
        self.fields["responsible"].queryset = _people()


class FromNeedsForm(forms.Form):
    planned_on = forms.DateField(label=_("planned for"), widget=DATE)
    responsible = forms.ModelChoiceField(
        label=_("organised by"), queryset=User.objects.none()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = _people()


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300)


class InductionForm(forms.Form):
    documents = forms.ModelMultipleChoiceField(
        label=_("documents to read"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    started_on = forms.DateField(label=_("started on"), widget=DATE)
    responsible = forms.ModelChoiceField(
        label=_("responsible"), queryset=User.objects.none()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = _documents_in_force()
        self.fields["responsible"].queryset = _people()


class ChecklistForm(forms.Form):
    documents = forms.ModelMultipleChoiceField(
        label=_("documents to read"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = _documents_in_force()


class BriefingForm(forms.Form):
    kind = forms.ChoiceField(choices=Briefing.Kind.choices, widget=forms.HiddenInput)
    given_on = forms.DateField(label=_("given on"), widget=DATE)
    notes = forms.CharField(label=_("notes"), max_length=300, required=False)
    password = forms.CharField(
        label=_("your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Signing asks for your password again, like a pen."),
        error_messages={"required": _("Enter your password to sign.")},
    )
