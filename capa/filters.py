"""The filters of the nonconformity and action lists (GET parameters)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sapat.accounts.models import User
from sapat.forms import LongSelect
from sapat.quality.models import ProcessCard

from .models import (
    NONCONFORMITY_OPEN,
    Action,
    ActionKind,
    ActionStatus,
    Nonconformity,
    NonconformityStatus,
    Severity,
    Source,
)


def text_condition(value: str, *fields: str) -> Q:
    """Case-insensitive search in ``fields``, Cyrillic included.

    SQLite's LIKE folds ASCII only, so the usual spellings of the words are
    searched as well (as in records.selectors); PostgreSQL's ILIKE folds all.
    """
    value = value.strip()[:100]
    variants = {value, value.casefold(), value.capitalize(), value.upper()}
    condition = Q()
    for variant in variants:
        for field in fields:
            condition |= Q(**{f"{field}__icontains": variant})
    return condition


def _processes(request=None):
    return ProcessCard.objects.order_by("code")


class NonconformityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("search"), method="search", max_length=100)
    source = django_filters.ChoiceFilter(
        label=_("source"), choices=Source.choices, empty_label=_("any source")
    )
    status = django_filters.ChoiceFilter(
        label=_("status"),
        choices=NonconformityStatus.choices,
        empty_label=_("any status"),
    )
    severity = django_filters.ChoiceFilter(
        label=_("severity"), choices=Severity.choices, empty_label=_("any severity")
    )
    process = django_filters.ModelChoiceFilter(
        label=_("process"), queryset=_processes, empty_label=_("any process")
    )
    open = django_filters.BooleanFilter(
        label=_("open only"), method="open_only", widget=forms.CheckboxInput
    )

    class Meta:
        model = Nonconformity
        fields = ["q", "source", "status", "severity", "process", "open"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(text_condition(value, "description", "affected"))

    def open_only(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if value:
            return queryset.filter(status__in=NONCONFORMITY_OPEN)
        return queryset


def _owners(request=None):
    return User.objects.filter(is_active=True).order_by("full_name")


class ActionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("search"), method="search", max_length=100)
    kind = django_filters.ChoiceFilter(
        label=_("kind"), choices=ActionKind.choices, empty_label=_("any kind")
    )
    status = django_filters.ChoiceFilter(
        label=_("status"), choices=ActionStatus.choices, empty_label=_("any status")
    )
    process = django_filters.ModelChoiceFilter(
        label=_("process"), queryset=_processes, empty_label=_("any process")
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("responsible"),
        queryset=_owners,
        empty_label=_("anyone"),
        widget=LongSelect,
    )
    overdue = django_filters.BooleanFilter(
        label=_("overdue only"), method="overdue_only", widget=forms.CheckboxInput
    )

    class Meta:
        model = Action
        fields = ["q", "kind", "status", "process", "owner", "overdue"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            text_condition(value, "title", "description", "root_cause")
        )

    def overdue_only(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if value:
            return queryset.filter(overdue_condition())
        return queryset


def overdue_condition(today=None) -> Q:
    """Past its deadline and not yet implemented."""
    today = today or timezone.localdate()
    return Q(
        due_date__lt=today,
        status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS],
    )
