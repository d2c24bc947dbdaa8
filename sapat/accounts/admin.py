from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import CalendarDay, OrganisationProfile, OrgUnit, User


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ["username", "full_name", "post", "unit", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "groups", "unit"]
    search_fields = ["username", "full_name", "email", "post"]
    list_select_related = ["unit"]
    ordering = ["full_name"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Person"),
            {"fields": ("full_name", "email", "phone", "post", "unit", "language")},
        ),
        (
            _("Access"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                    "email_notifications",
                )
            },
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "full_name",
                    "email",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]


@admin.register(OrgUnit)
class OrgUnitAdmin(SimpleHistoryAdmin):
    list_display = ["name_ky", "parent", "head", "order"]
    list_select_related = ["parent", "head"]
    search_fields = ["name_ky", "name_ru", "name_en"]
    autocomplete_fields = ["head"]


@admin.register(OrganisationProfile)
class OrganisationProfileAdmin(SimpleHistoryAdmin):
    list_display = ["short_name", "director", "website"]
    autocomplete_fields = ["director"]

    def has_add_permission(self, request):
        return (
            super().has_add_permission(request)
            and not OrganisationProfile.objects.exists()
        )

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]
