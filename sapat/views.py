"""Portal-wide pages: "My work", procedure landing pages, health, errors."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.db.models import Max
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

from .registry import MenuEntry, dashboard


def dashboard_view(request: HttpRequest):
    """ "My work": every app's block, without importing the apps."""
    return render(request, "dashboard.html", {"blocks": dashboard.render_list(request)})


def procedure_index(request: HttpRequest, app_label: str):
    """Landing page of a procedure app: what it covers and who is responsible."""
    try:
        config = apps.get_app_config(app_label)
    except LookupError:
        raise Http404 from None
    if not isinstance(getattr(config, "menu", None), MenuEntry):
        raise Http404
    return render(
        request,
        "sapat/procedure_index.html",
        {"config": config, "entry": config.menu},
    )


def _check(probe) -> str:
    try:
        probe()
    except Exception as exc:  # a health page reports, it does not crash
        return f"error: {type(exc).__name__}"
    return "ok"


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    cache.set("healthz", "1", 10)
    if cache.get("healthz") != "1":
        raise RuntimeError("cache did not keep a value")


def _broker() -> None:
    from sapat.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, cache, broker and when beat last sent a task.

    200 when the database and the cache answer, 503 otherwise; the broker is
    "eager" when Celery runs in-process (no ``REDIS_URL``).
    """
    from django_celery_beat.models import PeriodicTask

    report = {"database": _check(_database), "cache": _check(_cache)}
    report["broker"] = "eager" if settings.CELERY_TASK_ALWAYS_EAGER else _check(_broker)
    beat = None
    if report["database"] == "ok":
        beat = PeriodicTask.objects.aggregate(last=Max("last_run_at"))["last"]
    report["beat_last_run"] = beat.isoformat() if beat else None
    report["time"] = timezone.now().isoformat()
    healthy = report["database"] == "ok" and report["cache"] == "ok"
    return JsonResponse(report, status=200 if healthy else 503)


@login_not_required
@requires_csrf_token
def error_403(request, exception=None):
    return render(request, "403.html", status=403)


@login_not_required
@requires_csrf_token
def error_404(request, exception=None):
    return render(request, "404.html", status=404)


@login_not_required
@requires_csrf_token
def error_500(request):
    # No context processors: the database may be what failed.
    from django.template import loader

    template = loader.get_template("500.html")
    from django.http import HttpResponseServerError

    return HttpResponseServerError(template.render({"request_path": request.path}))


def search_view(request: HttpRequest):
    """The navbar's global search: every registered kind, grouped, each
    scoped in SQL to what the user may see (see :mod:`sapat.search`)."""
    from . import search

    raw = request.GET.get("q", "")
    query = search.clean_query(raw)
    groups = search.search(request.user, query)
    return render(
        request,
        "sapat/search.html",
        {
            "q": query,
            "truncated": len(raw.strip()) > search.MAX_QUERY_LENGTH,
            "max_length": search.MAX_QUERY_LENGTH,
            "groups": groups,
            "total": sum(group.count for group in groups),
        },
    )
