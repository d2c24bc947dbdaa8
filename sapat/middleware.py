"""Request middleware of the portal."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

_SUPPORTED = {code for code, _name in settings.LANGUAGES}


class PreferredLanguageMiddleware:
    """Pick the page language: switcher cookie, then the user's profile, then ky.

    Unlike Django's ``LocaleMiddleware`` this ignores the browser's
    ``Accept-Language``: the agency works in Kyrgyz, and a browser set to
    English must not turn the portal English unless the user asks.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in _SUPPORTED:
            user = getattr(request, "user", None)
            language = getattr(user, "language", None) if user else None
        if language not in _SUPPORTED:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
