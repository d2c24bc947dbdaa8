from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sapat.signing.admin import ApprovableAdmin

from .models import (
    DevelopmentConcept,
    Indicator,
    IsoClause,
    Measurement,
    Objective,
    ProcessCard,
    QualityPolicy,
)


@admin.register(QualityPolicy)
class QualityPolicyAdmin(ApprovableAdmin):
    list_display = ["year", "title", "approval_status", "approved_at"]
    list_filter = ["approval_status"]
    search_fields = ["title", "text"]


@admin.register(DevelopmentConcept)
class DevelopmentConceptAdmin(ApprovableAdmin):
    list_display = ["title", "period_start", "period_end", "approval_status"]

    def get_queryset(self, request):
        from sapat.access import visible_to

        return visible_to(request.user, super().get_queryset(request))


@admin.register(Objective)
class ObjectiveAdmin(ApprovableAdmin):
    list_display = ["title", "level", "service", "year", "owner", "approval_status"]
    list_filter = ["level", "year", "approval_status"]
    list_select_related = ["owner"]

    def get_queryset(self, request):
        from .selectors import objective_list

        return objective_list(user=request.user)


@admin.register(ProcessCard)
class ProcessCardAdmin(ApprovableAdmin):
    list_display = ["code", "name", "level", "owner", "approval_status"]
    list_filter = ["level", "approval_status"]
    list_select_related = ["owner"]
    search_fields = ["code", "name"]
    filter_horizontal = ["participants", "clauses"]


class MeasurementInline(admin.TabularInline):
    model = Measurement
    extra = 0
    fields = ["period", "value", "comment", "recorded_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # measurements are recorded on the indicator page


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "process", "owner", "target", "unit", "frequency", "active"]
    list_filter = ["frequency", "direction", "active"]
    list_select_related = ["process", "owner"]
    inlines = [MeasurementInline]


@admin.register(IsoClause)
class IsoClauseAdmin(admin.ModelAdmin):
    list_display = ["edition", "number", "title", "title_ky"]
    list_filter = ["edition"]
    search_fields = ["number", "title", "title_ky", "title_ru"]
    filter_horizontal = ["equivalents"]
