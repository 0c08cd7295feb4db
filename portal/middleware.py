import zoneinfo

from django.conf import settings
from django.http import HttpResponse
from django.template import loader
from django.utils import timezone, translation
from django.utils.translation import get_language


class UserTimezoneMiddleware:
    """Show times in the viewer's own zone; they are stored in UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        tz = (
            getattr(user, "time_zone", None) if user is not None and user.is_authenticated else None
        )
        if isinstance(tz, str):
            tz = zoneinfo.ZoneInfo(tz)
        with timezone.override(tz):  # None means the default zone; never leaks to the thread
            return self.get_response(request)


class UserLanguageMiddleware:
    """The language a signed-in person chose in their profile wins over their browser's
    and the language cookie (LocaleMiddleware's choice stays for visitors and for people
    who chose none). Placed after the authentication middleware, which it needs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if chosen and translation.check_for_language(chosen):
            translation.activate(chosen)  # LocaleMiddleware activates anew for each request
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class RequestBodyLimitMiddleware:
    """Refuse a request body larger than the biggest upload before anything reads it.

    The margin leaves room for the form's other fields and the multipart boundaries; a
    file that fits MAX_UPLOAD_MB still reaches the form, which says so in its own words.
    """

    MARGIN_BYTES = 1024 * 1024

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._declared_length(request) > self.limit():
            page = loader.get_template("413.html").render(
                {"LANGUAGE_CODE": get_language(), "max_upload_mb": settings.MAX_UPLOAD_MB}
            )
            return HttpResponse(page, status=413)
        return self.get_response(request)

    @classmethod
    def limit(cls) -> int:
        return settings.MAX_UPLOAD_MB * 1024 * 1024 + cls.MARGIN_BYTES

    @staticmethod
    def _declared_length(request) -> int:
        try:
            return int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return 0  # Django reads no body for a length it cannot parse either
