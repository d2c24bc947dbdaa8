"""Every change to people, units, the profile and the calendar."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sapat.history import attribute
from sapat.notify.services import notify

from .calendar import FIXED_HOLIDAYS
from .models import CalendarDay, OrganisationProfile, OrgUnit, User
from .roles import ROLES, ROLES_BY_KEY, TOP_MANAGEMENT, TOP_MANAGEMENT_ROLES
from .roles import role_permissions as _role_permissions


def roles_sync() -> dict[str, int]:
    """Create the role groups and set exactly their declared permissions.

    Idempotent; called after every ``migrate``. Permissions named in
    :mod:`.roles` that do not exist yet (an app not migrated) are skipped.
    Returns the number of permissions per group.
    """
    wanted = {code for role in ROLES for code in _role_permissions(role)}
    by_code = {}
    for perm in Permission.objects.select_related("content_type").filter(
        codename__in={code.split(".", 1)[1] for code in wanted}
    ):
        by_code[f"{perm.content_type.app_label}.{perm.codename}"] = perm
    counts = {}
    with transaction.atomic():
        for role in ROLES:
            group, _created = Group.objects.get_or_create(name=role.group_name)
            perms = [by_code[c] for c in _role_permissions(role) if c in by_code]
            group.permissions.set(perms)
            counts[role.group_name] = len(perms)
    return counts


def _with_top_management(role_keys: set[str]) -> set[str]:
    if role_keys & TOP_MANAGEMENT_ROLES:
        role_keys = role_keys | {TOP_MANAGEMENT}
    return role_keys


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    full_name: str,
    email: str,
    roles: list[str],
    post: str = "",
    unit: OrgUnit | None = None,
    language: str = "ky",
    password: str | None = None,
) -> User:
    """Create a member of staff with role groups and welcome them.

    ``roles`` are keys of :data:`.roles.ROLES`; the director, deputies, PR
    director and founders also join "Top management". Without ``password``
    the account has none usable until reset by e-mail. Queues a welcome
    notification (e-mail on commit). Raises ``ValidationError`` on bad data
    or an unknown role.
    """
    unknown = set(roles) - set(ROLES_BY_KEY)
    if unknown:
        raise ValidationError(
            _("Unknown role: %(roles)s") % {"roles": ", ".join(sorted(unknown))}
        )
    role_keys = _with_top_management(set(roles))
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        post=post,
        unit=unit,
        language=language,
        is_staff=any(ROLES_BY_KEY[key].admin_access for key in role_keys),
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    attribute(user, actor=actor, reason=_("Account created"))
    user.save()
    user.groups.set(
        Group.objects.filter(
            name__in=[ROLES_BY_KEY[key].group_name for key in role_keys]
        )
    )
    notify(
        recipients=[user],
        event="accounts.welcome",
        target=user.get_absolute_url(),
        context={"name": user.get_short_name()},
    )
    return user


@transaction.atomic
def user_set_roles(*, actor: User, user: User, roles: list[str]) -> User:
    """Replace ``user``'s role groups; notifies the user of the change.

    Requires ``accounts.change_user``. Raises ``PermissionDenied`` or
    ``ValidationError`` (unknown role).
    """
    if not actor.has_perm("accounts.change_user"):
        raise PermissionDenied
    unknown = set(roles) - set(ROLES_BY_KEY)
    if unknown:
        raise ValidationError(
            _("Unknown role: %(roles)s") % {"roles": ", ".join(sorted(unknown))}
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    role_keys = _with_top_management(set(roles))
    role_groups = {role.group_name for role in ROLES}
    kept = user.groups.exclude(name__in=role_groups)
    user.groups.set(
        [
            *kept,
            *Group.objects.filter(
                name__in=[ROLES_BY_KEY[key].group_name for key in role_keys]
            ),
        ]
    )
    user.is_staff = user.is_superuser or any(
        ROLES_BY_KEY[key].admin_access for key in role_keys
    )
    attribute(user, actor=actor, reason=_("Roles changed"))
    user.save(update_fields=["is_staff"])
    notify(
        recipients=[user],
        event="accounts.roles_changed",
        target=user.get_absolute_url(),
        context={"roles": ", ".join(str(ROLES_BY_KEY[k].label) for k in role_keys)},
    )
    return user


@transaction.atomic
def user_update_preferences(
    *,
    user: User,
    language: str,
    email_notifications: bool,
    phone: str = "",
) -> User:
    """A user's own settings: language of e-mails, e-mail switch, phone."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.language = language
    user.email_notifications = email_notifications
    user.phone = phone
    user.full_clean(exclude=["password"])
    attribute(user, actor=user, reason=_("Preferences changed"))
    user.save(update_fields=["language", "email_notifications", "phone"])
    return user


@transaction.atomic
def organisation_profile_update(*, actor: User, **fields) -> OrganisationProfile:
    """Change the organisation profile; requires its change permission."""
    if not actor.has_perm("accounts.change_organisationprofile"):
        raise PermissionDenied
    profile = OrganisationProfile.objects.select_for_update().filter(pk=1).first()
    profile = profile or OrganisationProfile(pk=1)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean()
    attribute(profile, actor=actor, reason=_("Organisation profile changed"))
    profile.save()
    return profile


@transaction.atomic
def calendar_day_set(
    *, actor: User | None, day: date, kind: str, name: str
) -> CalendarDay:
    """Mark ``day`` as a holiday or a moved working day (creates or updates)."""
    if actor is not None and not actor.has_perm("accounts.add_calendarday"):
        raise PermissionDenied
    entry = CalendarDay.objects.select_for_update().filter(date=day).first()
    entry = entry or CalendarDay(date=day)
    entry.kind, entry.name = kind, name
    entry.full_clean()
    attribute(entry, actor=actor, reason=_("Working calendar changed"))
    entry.save()
    return entry


@transaction.atomic
def calendar_day_delete(*, actor: User, entry: CalendarDay) -> None:
    if not actor.has_perm("accounts.delete_calendarday"):
        raise PermissionDenied
    attribute(entry, actor=actor, reason=_("Working calendar changed"))
    entry.delete()


@transaction.atomic
def calendar_seed_year(*, actor: User | None, year: int) -> list[CalendarDay]:
    """Add the fixed public holidays of ``year`` that are not entered yet.

    Idempotent: days already in the calendar (possibly edited by hand) are
    left as they are. Returns the days created.
    """
    if not 2000 <= year <= 2100:
        raise ValidationError(_("Choose a year between 2000 and 2100."))
    if actor is not None and not actor.has_perm("accounts.add_calendarday"):
        raise PermissionDenied
    existing = set(
        CalendarDay.objects.filter(date__year=year).values_list("date", flat=True)
    )
    created = []
    for month, day_of_month, name in FIXED_HOLIDAYS:
        day = date(year, month, day_of_month)
        if day in existing:
            continue
        entry = CalendarDay(date=day, kind=CalendarDay.Kind.HOLIDAY, name=name)
        attribute(entry, actor=actor, reason=_("Fixed public holidays added"))
        entry.save()
        created.append(entry)
    return created


def _describe_work(work) -> str:
    return "; ".join(
        f"{provider.label}: {', '.join(label for label, _url in items)}"
        for provider, items in work
    )


@transaction.atomic
def user_deactivate(
    *,
    user: User,
    actor: User,
    successor: User | None = None,
    left_on: date | None = None,
) -> int:
    """Deactivate ``user``, handing their open work to ``successor`` first.

    Requires ``accounts.change_user``. The open work is what the providers
    of :mod:`sapat.handover` list (documents owned, KPIs, files of the
    nomenclature, plan items, inductions…). With open work and no
    ``successor`` nothing changes and ``ValidationError`` lists the work;
    otherwise every provider hands its items over, the account becomes
    inactive and :data:`sapat.handover.deactivated` is sent (the staff file
    closes on ``left_on``, today by default). Returns the number of items
    handed over. Raises ``PermissionDenied`` or ``ValidationError``.
    """
    from django.utils import timezone

    from sapat.handover import deactivated, open_work

    if not actor.has_perm("accounts.change_user"):
        raise PermissionDenied
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ValidationError(_("The account is inactive already."))
    if user.pk == actor.pk:
        raise ValidationError(_("Nobody deactivates their own account."))
    if successor is not None and (successor.pk == user.pk or not successor.is_active):
        raise ValidationError(
            {"successor": _("Choose an active colleague to take over the work.")}
        )
    work = open_work(user)
    if work and successor is None:
        raise ValidationError(
            {
                "successor": _(
                    "%(name)s still has open work: %(work)s. Choose who takes it over."
                )
                % {"name": user.get_full_name(), "work": _describe_work(work)}
            },
            code="open_work",
        )
    moved = 0
    for provider, _items in work:
        moved += provider.hand_over(from_user=user, to_user=successor, actor=actor)
    left = open_work(user)
    if left:
        raise ValidationError(
            _("Some work could not be handed over: %(work)s.")
            % {"work": _describe_work(left)},
            code="open_work",
        )
    user.is_active = False
    attribute(user, actor=actor, reason=_("Deactivated"))
    user.save(update_fields=["is_active"])
    deactivated.send(
        sender=User,
        user=user,
        successor=successor,
        actor=actor,
        left_on=left_on or timezone.localdate(),
    )
    return moved
