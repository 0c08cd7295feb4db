import zoneinfo

from django.utils import timezone


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
