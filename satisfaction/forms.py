"""Forms of the public feedback pages, the inbox, triage and surveys.

Every field of the public form has a size limit; files are checked by
content in the form (for messages on the field) and again by the service.
"""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sapat.accounts.models import User
from sapat.forms import DateInput, OwnIdsMixin

from .files import validate_public_upload
from .models import (
    MAX_TEXT,
    Category,
    Channel,
    Kind,
    Question,
    QuestionKind,
    Questionnaire,
)
from .services import MAX_PUBLIC_FILES, MAX_STAFF_FILES

phone_validator = RegexValidator(
    r"^[0-9+()\- ]{5,50}$", _("Digits, spaces, +, - and brackets only.")
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content."""

    def __init__(self, *args, limit: int, **kwargs):
        self.limit = limit
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        if len(files) > self.limit:
            raise ValidationError(_("At most %(count)s files.") % {"count": self.limit})
        errors = []
        for upload in files:
            try:
                validate_public_upload(upload)
            except ValidationError as error:
                errors.extend(f"{upload.name[:80]}: {m}" for m in error.messages)
        if errors:
            raise ValidationError(errors)
        return files


def _project_field() -> forms.ModelChoiceField | None:
    try:
        Project = apps.get_model("projects", "Project")
    except LookupError:
        return None
    return forms.ModelChoiceField(
        label=_("project"), queryset=Project.objects.all(), required=False
    )


class ContactFields(forms.Form):
    name = forms.CharField(label=_("your name"), max_length=200, required=False)
    organisation = forms.CharField(
        label=_("organisation"), max_length=300, required=False
    )
    email = forms.EmailField(label=_("e-mail"), max_length=254, required=False)
    phone = forms.CharField(
        label=_("phone"), max_length=50, required=False, validators=[phone_validator]
    )


class FeedbackForm(ContactFields):
    """The public form: works without JavaScript; the honeypot is hidden."""

    kind = forms.ChoiceField(label=_("what are you sending?"), choices=Kind.choices)
    reference = forms.CharField(
        label=_("project or seminar"),
        max_length=200,
        required=False,
        help_text=_("If it concerns one: its name, date or contract number."),
    )
    text = forms.CharField(
        label=_("text"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 7})
    )
    files = MultipleFileField(
        label=_("attachments"),
        limit=MAX_PUBLIC_FILES,
        required=False,
        help_text=_("Up to 3 files: PDF, JPEG or PNG."),
    )
    may_publish = forms.BooleanField(
        label=_("my question and the answer may be published (without my name)"),
        required=False,
    )
    consent = forms.BooleanField(
        label=_("I agree that my data is processed to handle this request"),
        error_messages={
            "required": _("We need your consent to process what you send.")
        },
    )
    #: The honeypot: hidden from people, filled in by bots.
    website = forms.CharField(
        label=_("leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    field_order = [
        "kind",
        "name",
        "organisation",
        "email",
        "phone",
        "reference",
        "text",
        "files",
        "may_publish",
        "consent",
        "website",
    ]

    def clean(self):
        data = super().clean()
        if not (data.get("email") or data.get("phone")) and not (
            self.has_error("email") or self.has_error("phone")
        ):
            self.add_error(
                "email", _("Give an e-mail address or a phone number to reach you.")
            )
        return data

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class CodeForm(forms.Form):
    code = forms.CharField(label=_("tracking code"), max_length=40)


class SatisfiedForm(forms.Form):
    code = forms.CharField(max_length=40, widget=forms.HiddenInput)
    satisfied = forms.TypedChoiceField(
        label=_("are you satisfied with how this was handled?"),
        choices=[("yes", _("yes")), ("no", _("no"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )


class RegisterForm(ContactFields):
    """Staff register a complaint that came by e-mail or on paper."""

    channel = forms.ChoiceField(
        label=_("received by"),
        choices=[
            (Channel.EMAIL, Channel.EMAIL.label),
            (Channel.PAPER, Channel.PAPER.label),
        ],
    )
    kind = forms.ChoiceField(label=_("kind"), choices=Kind.choices)
    received_on = forms.DateField(label=_("received on"), widget=DateInput())
    seminar_reference = forms.CharField(
        label=_("seminar"), max_length=200, required=False
    )
    text = forms.CharField(
        label=_("text"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 7})
    )
    files = MultipleFileField(
        label=_("scan or message"),
        limit=MAX_STAFF_FILES,
        required=False,
        help_text=_("The scanned letter or the e-mail printed as PDF; JPEG or PNG."),
    )

    field_order = [
        "channel",
        "kind",
        "received_on",
        "name",
        "organisation",
        "email",
        "phone",
        "project",
        "seminar_reference",
        "text",
        "files",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = _project_field()
        if field is not None:
            self.fields["project"] = field
            self.order_fields(self.field_order)
        self.fields["name"].label = _("name")

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return value


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("reply to the client"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    close = forms.BooleanField(
        label=_("closing reply: close the item and ask if the client is satisfied"),
        required=False,
    )


class NoteForm(OwnIdsMixin, forms.Form):
    id_prefix = "note"

    text = forms.CharField(
        label=_("internal note"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _staff():
    return User.objects.filter(is_active=True).order_by("full_name")


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("assignee"), queryset=_staff())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _staff()


class MoveForm(forms.Form):
    status = forms.CharField(max_length=12, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("reason"), max_length=300, required=False)


class TriageForm(forms.Form):
    category = forms.ChoiceField(label=_("category"), choices=Category.choices)
    assignee = forms.ModelChoiceField(
        label=_("owner"), queryset=_staff(), required=False
    )
    is_nonconformity = forms.BooleanField(
        label=_("it shows a nonconformity (raises one in CAPA)"), required=False
    )
    severity = forms.ChoiceField(
        label=_("severity of the nonconformity"),
        choices=[
            ("minor", _("minor")),
            ("major", _("major")),
            ("critical", _("critical")),
        ],
        initial="minor",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _staff()
        field = _project_field()
        if field is not None:
            self.fields["project"] = field
            self.order_fields(["category", "assignee", "project"])


class PublishForm(forms.Form):
    public_question = forms.CharField(
        label=_("question as published"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Remove names and anything personal before publishing."),
    )


class QuestionnaireForm(forms.ModelForm):
    class Meta:
        model = Questionnaire
        fields = ["title", "intro", "audience", "active"]


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["text", "kind", "choices", "required"]
        widgets = {"choices": forms.Textarea(attrs={"rows": 3})}


class SurveyForm(forms.Form):
    questionnaire = forms.ModelChoiceField(
        label=_("questionnaire"), queryset=Questionnaire.objects.all()
    )
    title = forms.CharField(label=_("title"), max_length=200)
    anonymous = forms.BooleanField(label=_("anonymous"), required=False, initial=True)
    seminar_reference = forms.CharField(
        label=_("seminar"), max_length=200, required=False
    )
    expires_on = forms.DateField(label=_("links expire on"), widget=DateInput())
    recipients = forms.CharField(
        label=_("recipients"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One a line: name, e-mail."),
    )

    def clean_recipients(self):
        people, bad = [], []
        for line in self.cleaned_data["recipients"].splitlines():
            line = line.strip()
            if not line:
                continue
            name, _sep, email = line.rpartition(",")
            email = email.strip()
            try:
                forms.EmailField().clean(email)
            except ValidationError:
                bad.append(line[:80])
                continue
            people.append((name.strip(), email))
        if bad:
            raise ValidationError(
                _("Not an e-mail address: %(lines)s") % {"lines": "; ".join(bad)}
            )
        if not people:
            raise ValidationError(_("Give at least one recipient."))
        return people


def answer_form(questions: list[Question], *, named: bool, data=None) -> forms.Form:
    """The form of one questionnaire: a field ``q<id>`` per question."""
    form = forms.Form(data)
    if named:
        form.fields["respondent"] = forms.CharField(
            label=_("your name"), max_length=200, required=False
        )
    for question in questions:
        name = f"q{question.pk}"
        if question.kind == QuestionKind.SCALE5:
            choices = [(str(v), str(v)) for v in range(1, 6)]
        elif question.kind == QuestionKind.SCALE10:
            choices = [(str(v), str(v)) for v in range(0, 11)]
        elif question.kind == QuestionKind.CHOICE:
            choices = [(c, c) for c in question.choice_list]
        else:
            choices = None
        if choices is None:
            field = forms.CharField(
                max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
            )
        else:
            field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect)
        field.label = question.text
        field.required = question.required
        field.question = question
        form.fields[name] = field
    return form
