"""The portal's URLs: one prefix per app (see ``sapat.public`` for the public)."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from documents.urls import public_urlpatterns as documents_public_urls
from sapat.quality.urls import public_urlpatterns as quality_public_urls
from sapat.signing.urls import public_urlpatterns as signing_public_urls
from satisfaction.urls import public_urlpatterns as satisfaction_public_urls
from training.urls import public_urlpatterns as training_public_urls

from . import views

handler403 = "sapat.views.error_403"
handler404 = "sapat.views.error_404"
handler500 = "sapat.views.error_500"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("healthz/", views.healthz, name="healthz"),
    path("search/", views.search_view, name="search"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("accounts/", include("sapat.accounts.urls")),
    path("notifications/", include("sapat.notify.urls")),
    path("signing/", include("sapat.signing.urls")),
    *signing_public_urls,
    *quality_public_urls,
    *documents_public_urls,
    *training_public_urls,
    *satisfaction_public_urls,
    path("quality/", include("sapat.quality.urls")),
    path("documents/", include("documents.urls")),
    path("records/", include("records.urls")),
    path("capa/", include("capa.urls")),
    path("audits/", include("audits.urls")),
    path("projects/", include("projects.urls")),
    path("training/", include("training.urls")),
    path("suppliers/", include("suppliers.urls")),
    path("satisfaction/", include("satisfaction.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
