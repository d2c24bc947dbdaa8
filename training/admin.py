"""Personnel in the admin: reference data editable, signed objects read-only;
the director approves attestations and plans here through the services."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sapat.signing.admin import ApprovableAdmin

from .models import (
    Attestation,
    Briefing,
    Competence,
    CompetenceHeld,
    ConflictOfInterest,
    Employee,
    Expert,
    ExpertArea,
    ExpertiseArea,
    Induction,
    PlanItem,
    Post,
    PostCompetence,
    StaffTrainingPlan,
    TrainingNeed,
    TrainingTaken,
    seminars,
)


class ReadOnly(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Competence)
class CompetenceAdmin(ReadOnly):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(ExpertiseArea)
class ExpertiseAreaAdmin(ReadOnly):
    list_display = ["code", "name", "order"]


class PostCompetenceInline(admin.TabularInline):
    model = PostCompetence
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Post)
class PostAdmin(ReadOnly):
    list_display = ["title", "unit", "job_description"]
    list_select_related = ["unit", "job_description"]
    inlines = [PostCompetenceInline]


@admin.register(Employee)
class EmployeeAdmin(ReadOnly):
    list_display = ["user", "post", "hired_on", "left_on"]
    list_select_related = ["user", "post"]
    list_filter = ["post"]
    search_fields = ["user__full_name"]


@admin.register(TrainingTaken)
class TrainingTakenAdmin(ReadOnly):
    list_display = ["title", "employee", "kind", "issued_on", "expires_on"]
    list_select_related = ["employee__user"]
    list_filter = ["kind"]


@admin.register(CompetenceHeld)
class CompetenceHeldAdmin(ReadOnly):
    list_display = ["employee", "competence", "level", "assessed_on"]
    list_select_related = ["employee__user", "competence"]


class ExpertAreaInline(admin.TabularInline):
    model = ExpertArea
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Expert)
class ExpertAdmin(ReadOnly):
    list_display = ["name", "availability", "public_consent", "active"]
    list_filter = ["availability", "public_consent"]
    search_fields = ["name", "affiliation"]
    inlines = [ExpertAreaInline]


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(ReadOnly):
    list_display = ["expert", "client_name", "declared_on"]
    list_select_related = ["expert"]


@admin.register(Attestation)
class AttestationAdmin(ApprovableAdmin):
    """Approve attestations here; they are drawn up on the intranet."""

    list_display = ["employee", "date", "result", "approval_status"]
    list_select_related = ["employee__user"]
    readonly_fields = ["commission"]

    def has_add_permission(self, request):
        return False


@admin.register(TrainingNeed)
class TrainingNeedAdmin(ReadOnly):
    list_display = ["employee", "competence", "topic", "source"]
    list_select_related = ["employee__user", "competence"]
    list_filter = ["source"]


@admin.register(StaffTrainingPlan)
class StaffTrainingPlanAdmin(ApprovableAdmin):
    """Approve the year's plan here; its trainings are planned on the intranet."""

    list_display = ["year", "approval_status", "approved_at"]

    def has_add_permission(self, request):
        return False


@admin.register(PlanItem)
class PlanItemAdmin(ReadOnly):
    list_display = ["plan", "employee", "topic", "planned_on", "status"]
    list_select_related = ["plan", "employee__user"]
    list_filter = ["status"]


@admin.register(Induction)
class InductionAdmin(ReadOnly):
    list_display = ["employee", "started_on", "completed_on", "responsible"]
    list_select_related = ["employee__user", "responsible"]


@admin.register(Briefing)
class BriefingAdmin(ReadOnly):
    list_display = ["induction", "kind", "given_on", "given_by"]
    list_select_related = ["induction__employee__user", "given_by"]


# --- Corporate training (ПК-03): read in the admin, changed on the intranet --


@admin.register(seminars.Programme)
class ProgrammeAdmin(ApprovableAdmin):
    """Approve programmes here too; they are drawn up on the intranet."""

    list_display = ["title", "approval_status"]
    readonly_fields = ["trainers"]

    def has_add_permission(self, request):
        return False


@admin.register(seminars.TrainingRequest)
class TrainingRequestAdmin(ReadOnly):
    list_display = ["topic", "client", "received_on", "status"]
    list_select_related = ["client"]


@admin.register(seminars.Seminar)
class SeminarAdmin(ReadOnly):
    list_display = ["title", "starts_on", "ends_on", "status"]


@admin.register(seminars.Participant)
class ParticipantAdmin(ReadOnly):
    list_display = ["name", "organisation", "seminar"]
    list_select_related = ["seminar"]
    exclude = ["token"]


@admin.register(seminars.Certificate)
class CertificateAdmin(ReadOnly):
    list_display = ["number", "participant", "issued_on"]
    list_select_related = ["participant"]


@admin.register(seminars.ServiceMemo)
class ServiceMemoAdmin(ReadOnly):
    list_display = ["handout", "author", "cost", "status"]
    list_select_related = ["handout__document", "handout__revision", "author"]
