"""Satisfaction in the Django admin: read-mostly; changes go through pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Feedback, Question, Questionnaire, Survey, TriageDigest


@admin.register(Feedback)
class FeedbackAdmin(SimpleHistoryAdmin):
    list_display = ("code", "kind", "channel", "status", "received_on", "deadline")
    list_filter = ("kind", "status", "channel")
    search_fields = ("code",)
    readonly_fields = [f.name for f in Feedback._meta.fields]

    def has_add_permission(self, request):
        return False


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Questionnaire)
class QuestionnaireAdmin(SimpleHistoryAdmin):
    list_display = ("title", "audience", "active")
    inlines = [QuestionInline]


@admin.register(Survey)
class SurveyAdmin(SimpleHistoryAdmin):
    list_display = ("title", "questionnaire", "anonymous", "created_at", "expires_on")
    readonly_fields = ("created_by",)


@admin.register(TriageDigest)
class TriageDigestAdmin(admin.ModelAdmin):
    list_display = ("week", "item_count", "unanswered", "overdue", "created_at")
    readonly_fields = ("week", "item_count", "unanswered", "overdue")
