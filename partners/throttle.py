"""Who is knocking at the login and password-reset doors, and how often they may knock.

django-axes locks an e-mail-and-address pair after a few wrong passwords; it asks this
module for both, so that every spelling of an e-mail is one account and the address is the
client's, not the reverse proxy's. On top of that, fixed-window counters in the cache
(Redis) limit failed logins per address and password-reset requests per address and per
e-mail, whether or not an account has that e-mail, so the limit reveals nothing.
"""

import hashlib
import ipaddress
import logging
import math
import time
import unicodedata
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.template.response import TemplateResponse

logger = logging.getLogger(__name__)

#: The longest username django-axes can record (its `username` column).
AXES_USERNAME_LENGTH = 255


def normalised_email(value) -> str:
    """One spelling per e-mail: NFKC, trimmed, case-folded, without NUL characters."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).replace("\x00", "").strip().casefold()


def lockout_username(request, credentials=None) -> str:
    """The username django-axes counts failures for (`AXES_USERNAME_CALLABLE`)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        value = credentials.get(field)
    else:
        value = getattr(request, "data", request.POST).get(field)
    return normalised_email(value)[:AXES_USERNAME_LENGTH]


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The address the request came from, as the trusted reverse proxies saw it.

    Each of the `TRUSTED_PROXY_COUNT` proxies in front of the portal appends the address it
    was reached from to X-Forwarded-For, so the client's is that many entries from the
    right; whatever stands further left was written by the client and proves nothing.
    With no trusted proxy, or a header too short or garbled to have passed through them
    all, the address of the connection itself counts.
    """
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(forwarded) >= proxies and (address := _address(forwarded[-proxies])):
            return address
    return _address(remote or "") or remote


def _address_group(address: str | None) -> str:
    """An IPv6 client holds a whole /64, so count it as one."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


@dataclass(frozen=True)
class Limit:
    """At most `setting` requests of one subject per window of `seconds`."""

    name: str
    setting: str
    seconds: int

    @property
    def allowed(self) -> int:
        return getattr(settings, self.setting)

    def _window_start(self, now: float) -> int:
        return int(now // self.seconds) * self.seconds

    def _key(self, subject: str, window_start: int) -> str:
        """The counter of the subject in this window; the e-mail or address only hashed."""
        digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
        return f"{settings.THROTTLE_KEY_PREFIX}:{self.name}:{digest}:{window_start}"

    def seconds_to_wait(self, subject: str) -> int:
        """How long the subject must wait before the next request; 0 when it may go on."""
        now = time.time()
        start = self._window_start(now)
        used = cache.get(self._key(subject, start), 0)
        return math.ceil(start + self.seconds - now) if used >= self.allowed else 0

    def count(self, subject: str) -> None:
        key = self._key(subject, self._window_start(time.time()))
        cache.add(key, 0, timeout=self.seconds + 60)
        cache.incr(key)


LOGIN_PER_ADDRESS = Limit("login-address", "LOGIN_ATTEMPTS_PER_ADDRESS", 15 * 60)
RESET_PER_ADDRESS = Limit("reset-address", "PASSWORD_RESETS_PER_ADDRESS", 60 * 60)
RESET_PER_ACCOUNT = Limit("reset-account", "PASSWORD_RESETS_PER_ACCOUNT", 60 * 60)


def _seconds_to_wait(checks) -> int:
    try:
        return max((limit.seconds_to_wait(subject) for limit, subject in checks), default=0)
    except Exception:
        # The lockout in the database still holds; an outage of the cache must not
        # keep everyone from logging in.
        logger.warning("Throttle not checked: the cache is unreachable", exc_info=True)
        return 0


def _count(checks) -> None:
    try:
        for limit, subject in checks:
            limit.count(subject)
    except Exception:
        logger.warning("Throttle not counted: the cache is unreachable", exc_info=True)


def too_many_requests(request, seconds: int) -> TemplateResponse:
    """The page that says when to try again, with the same in `Retry-After`."""
    response = TemplateResponse(
        request,
        "registration/throttled.html",
        {"minutes": max(1, math.ceil(seconds / 60))},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


def login_throttled(view):
    """Refuse login attempts from an address that failed too often lately."""

    @wraps(view)
    def throttled_view(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        checks = [(LOGIN_PER_ADDRESS, _address_group(client_address(request)))]
        if wait := _seconds_to_wait(checks):
            return too_many_requests(request, wait)
        response = view(request, *args, **kwargs)
        if not request.user.is_authenticated:
            _count(checks)
        return response

    return throttled_view


def password_reset_throttled(view):
    """Refuse reset requests beyond the limits per address and per e-mail asked for."""

    @wraps(view)
    def throttled_view(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        checks = [(RESET_PER_ADDRESS, _address_group(client_address(request)))]
        if email := normalised_email(request.POST.get("email")):
            checks.append((RESET_PER_ACCOUNT, email))
        if wait := _seconds_to_wait(checks):
            return too_many_requests(request, wait)
        _count(checks)
        return view(request, *args, **kwargs)

    return throttled_view
