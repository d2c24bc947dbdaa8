from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from sapat.forms import DateInput

from .models import CalendarDay, Language


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "The username or password is wrong. Both are case-sensitive."
        ),
        "inactive": _("This account is switched off. Ask the system administrator."),
    }


class QueuedPasswordResetForm(PasswordResetForm):
    """Password reset whose e-mail goes through the outbox like every other.

    Django's form already answers the same for an unknown address as for a
    known one; this only changes how the message is sent.
    """

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from django.template.loader import render_to_string

        from sapat.notify.services import email_queue

        email_queue(
            to=to_email,
            subject=render_to_string(subject_template_name, context),
            body_text=render_to_string(email_template_name, context),
        )


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("preferred language"), choices=Language)
    email_notifications = forms.BooleanField(
        label=_("send notifications by e-mail"), required=False
    )
    phone = forms.RegexField(
        label=_("phone"),
        regex=r"^[0-9 +()\-]{0,50}$",
        required=False,
        error_messages={
            "invalid": _("Use digits, spaces, +, ( ) and - only."),
        },
    )


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("kind"), choices=CalendarDay.Kind)
    name = forms.CharField(label=_("name"), max_length=200)


class CalendarSeedForm(forms.Form):
    year = forms.IntegerField(
        label=_("year"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "min_value": _("Choose a year between 2000 and 2100."),
            "max_value": _("Choose a year between 2000 and 2100."),
        },
    )


class TokenForm(forms.Form):
    """A six-digit code of the authenticator app (TOTP)."""

    token = forms.CharField(
        label=_("Code from the authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )
