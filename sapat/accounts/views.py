"""Login, profile, the staff directory, the authority matrix, the calendar."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sapat.access import visible_to
from sapat.forms import errors_to_form

from . import otp, selectors, services
from .forms import (
    CalendarDayForm,
    CalendarSeedForm,
    LoginForm,
    PreferencesForm,
    QueuedPasswordResetForm,
    TokenForm,
)
from .models import CalendarDay, User
from .roles import ROLES_BY_GROUP
from .tasks import calendar_seed_year_task


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "emails/password_reset.txt"
    subject_template_name = "emails/password_reset.subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Your password was changed."))
        return super().form_valid(form)


def profile(request):
    user = request.user
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            services.user_update_preferences(user=user, **form.cleaned_data)
            messages.success(request, _("Your settings were saved."))
            return redirect("accounts:profile")
    else:
        form = PreferencesForm(
            initial={
                "language": user.language,
                "email_notifications": user.email_notifications,
                "phone": user.phone,
            }
        )
    roles = [
        ROLES_BY_GROUP[g.name] for g in user.groups.all() if g.name in ROLES_BY_GROUP
    ]
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "roles": roles,
            "profile_user": user,
            **_second_factor_context(user),
        },
    )


def _second_factor_context(user, token_form=None) -> dict:
    if not otp.may_enrol(user):
        return {"second_factor": False}
    pending = otp.pending_device(user)
    return {
        "second_factor": True,
        "second_factor_confirmed": otp.has_confirmed_device(user),
        "second_factor_qr": otp.qr_svg(pending) if pending else "",
        "token_form": token_form or TokenForm(),
    }


@require_POST
def otp_enrol(request):
    """Start (QR code) or confirm (code) the enrolment of a TOTP authenticator."""
    if not otp.may_enrol(request.user):
        raise PermissionDenied
    if "token" not in request.POST:
        try:
            otp.totp_enrol_start(user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("accounts:profile")
    token_form = TokenForm(request.POST)
    if token_form.is_valid():
        try:
            otp.totp_enrol_confirm(
                user=request.user,
                token=token_form.cleaned_data["token"],
                request=request,
            )
        except ValidationError as exc:
            errors_to_form(token_form, exc)
        else:
            messages.success(
                request, _("Your authenticator is confirmed: log in with a code.")
            )
            return redirect("accounts:profile")
    user = request.user
    form = PreferencesForm(
        initial={
            "language": user.language,
            "email_notifications": user.email_notifications,
            "phone": user.phone,
        }
    )
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "roles": [],
            "profile_user": user,
            **_second_factor_context(user, token_form),
        },
        status=400,
    )


def otp_verify(request):
    """The code after the password, for whoever has a confirmed authenticator."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    target = target or reverse_lazy("dashboard")
    if request.user.is_verified() or not otp.has_confirmed_device(request.user):
        return redirect(target)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            otp.totp_verify(request=request, token=form.cleaned_data["token"])
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            return redirect(target)
    return render(
        request,
        "accounts/otp_verify.html",
        {"form": form, "next": target},
        status=400 if form.errors else 200,
    )


def user_list(request):
    search = request.GET.get("q", "").strip()[:100]
    page = Paginator(
        selectors.user_directory(viewer=request.user, search=search), 25
    ).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page_obj": page, "q": search})


def user_detail(request, pk: int):
    person = get_object_or_404(
        visible_to(request.user, User.objects.select_related("unit")), pk=pk
    )
    roles = [
        ROLES_BY_GROUP[g.name] for g in person.groups.all() if g.name in ROLES_BY_GROUP
    ]
    return render(
        request, "accounts/user_detail.html", {"person": person, "roles": roles}
    )


def authority_matrix(request):
    return render(
        request, "accounts/authority_matrix.html", selectors.authority_matrix()
    )


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2000), 2100)


@permission_required("accounts.view_calendarday", raise_exception=True)
def calendar(request):
    year = _year(request)
    can_edit = request.user.has_perm("accounts.add_calendarday")
    day_form = CalendarDayForm(prefix="day")
    seed_form = CalendarSeedForm(prefix="seed", initial={"year": year})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if "seed" in request.POST:
            seed_form = CalendarSeedForm(request.POST, prefix="seed")
            if seed_form.is_valid():
                calendar_seed_year_task.delay_on_commit(
                    seed_form.cleaned_data["year"], request.user.pk
                )
                messages.success(
                    request,
                    _(
                        "The fixed public holidays are being added; "
                        "you will be notified."
                    ),
                )
                return redirect(f"{request.path}?year={seed_form.cleaned_data['year']}")
        else:
            day_form = CalendarDayForm(request.POST, prefix="day")
            if day_form.is_valid():
                try:
                    entry = services.calendar_day_set(
                        actor=request.user,
                        day=day_form.cleaned_data["date"],
                        kind=day_form.cleaned_data["kind"],
                        name=day_form.cleaned_data["name"],
                    )
                except ValidationError as exc:
                    day_form.add_error(None, exc)
                else:
                    messages.success(request, _("The calendar was updated."))
                    return redirect(f"{request.path}?year={entry.date.year}")
    return render(
        request,
        "accounts/calendar.html",
        {
            "year": year,
            "days": selectors.calendar_year(year=year),
            "day_form": day_form,
            "seed_form": seed_form,
            "can_edit": can_edit,
            "today": timezone.localdate(),
        },
    )


@require_POST
@permission_required("accounts.delete_calendarday", raise_exception=True)
def calendar_day_delete(request, pk: int):
    entry = get_object_or_404(CalendarDay, pk=pk)
    services.calendar_day_delete(actor=request.user, entry=entry)
    messages.success(request, _("The day was removed from the calendar."))
    return redirect(f"{reverse_lazy('accounts:calendar')}?year={entry.date.year}")
