from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Criterion


@admin.register(Criterion)
class CriterionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "title", "clause", "order", "active")
    list_filter = ("active",)
    search_fields = ("code", "title")
