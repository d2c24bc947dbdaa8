"""Context every page gets: the organisation and the navbar."""

from django.utils.functional import SimpleLazyObject

from sapat.accounts.models import OrganisationProfile

from .registry import menu_entries


def portal(request):
    user = getattr(request, "user", None)
    return {
        "organisation": SimpleLazyObject(OrganisationProfile.load),
        "menu": SimpleLazyObject(
            lambda: menu_entries(user) if user and user.is_authenticated else []
        ),
    }
