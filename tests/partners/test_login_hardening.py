"""Logging in and asking for a new password hold against guessing, spoofing and odd input.

The throttle counts in the real cache (Redis); each test counts under a prefix of its own,
and its keys are deleted afterwards.
"""

import re
import uuid

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from partners.throttle import client_address, normalised_email
from tests.factories import UserFactory

EMAIL = "nantes-member@example.org"
SPELLINGS = [
    "nantes-member@example.org",
    "NaNtEs-MeMbEr@example.org",
    "  Nantes-Member@EXAMPLE.org ",
    "NANTES-MEMBER@EXAMPLE.ORG",
    "nantes-MEMBER@example.ORG",
]


@pytest.fixture(autouse=True)
def throttle_counters_of_this_test(settings):
    """Counters under a prefix no other test or run shares, deleted afterwards."""
    prefix = f"test-throttle-{uuid.uuid4().hex[:12]}"
    settings.THROTTLE_KEY_PREFIX = prefix
    yield
    redis = cache._cache.get_client(write=True)
    keys = list(redis.scan_iter(match=f"{cache.make_key(prefix)}*", count=10_000))
    if keys:
        redis.delete(*keys)


@pytest.fixture
def member(db):
    return UserFactory(email=EMAIL)


def log_in(client, username, password, **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, **headers)


def logged_in(client):
    return "_auth_user_id" in client.session


# 1. Lockout by letter case


def test_wrong_passwords_in_any_spelling_lock_the_account(client, member, password, settings):
    assert len(SPELLINGS) == settings.AXES_FAILURE_LIMIT
    for spelling in SPELLINGS:
        log_in(client, spelling, "wrong")

    for spelling in SPELLINGS:
        response = log_in(client, spelling, password)
        assert response.status_code == 429, spelling
        assert "Too many failed logins" in response.content.decode()
        assert not logged_in(client)


def test_right_password_in_another_case_does_not_log_in_while_locked(client, member, password):
    for _ in range(5):
        log_in(client, EMAIL, "wrong")
    response = log_in(client, "NaNtEs-MeMbEr@example.org", password)
    assert response.status_code == 429
    assert not logged_in(client)


def test_right_password_in_another_case_logs_in_when_not_locked(client, member, password):
    response = log_in(client, " NaNtEs-MeMbEr@Example.ORG", password)
    assert response.status_code == 302
    assert logged_in(client)


def test_normalised_email_is_trimmed_and_lower_case():
    assert normalised_email("  NaNtEs-MeMbEr@Example.ORG\t") == EMAIL
    assert normalised_email(None) == ""


# 2. The client's address behind trusted proxies


def request_from(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/accounts/login/", **headers)


@pytest.mark.parametrize(
    "proxies, remote, forwarded, address",
    [
        (0, "192.0.2.1", None, "192.0.2.1"),
        (0, "192.0.2.1", "203.0.113.9", "192.0.2.1"),
        (1, "10.0.0.2", "203.0.113.9", "203.0.113.9"),
        (1, "10.0.0.2", "198.51.100.66, 203.0.113.9", "203.0.113.9"),
        (2, "10.0.0.3", "198.51.100.66, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (1, "10.0.0.2", "2001:DB8::1", "2001:db8::1"),
        # Not through the proxy at all, or nonsense in the header: the peer's address.
        (1, "192.0.2.1", None, "192.0.2.1"),
        (2, "10.0.0.3", "203.0.113.9", "10.0.0.3"),
        (1, "10.0.0.2", "not-an-address", "10.0.0.2"),
        (1, "10.0.0.2", "203.0.113.9, ", "10.0.0.2"),
    ],
)
def test_client_address_comes_from_the_trusted_proxies_only(
    settings, proxies, remote, forwarded, address
):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_address(request_from(remote, forwarded)) == address


def test_without_trusted_proxies_a_forged_forwarded_header_does_not_escape_the_lockout(
    member, password, settings
):
    settings.TRUSTED_PROXY_COUNT = 0
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, EMAIL, "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    response = log_in(client, EMAIL, password, HTTP_X_FORWARDED_FOR="198.51.100.200")
    assert response.status_code == 429
    assert not logged_in(client)


def test_behind_one_proxy_someone_else_cannot_lock_a_person_out(member, password, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    attacker = Client(**proxy)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(attacker, EMAIL, "wrong", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert log_in(attacker, EMAIL, password, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429

    person = Client(**proxy)
    response = log_in(person, EMAIL, password, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 302
    assert logged_in(person)


def test_behind_one_proxy_a_forged_left_entry_does_not_escape_the_lockout(
    member, password, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR="10.0.0.2")
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, EMAIL, "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.9")
    forged = "198.51.100.200, 203.0.113.9"
    assert log_in(client, EMAIL, password, HTTP_X_FORWARDED_FOR=forged).status_code == 429


# 2. Throttling of logins and password-reset requests


def assert_throttled(response):
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "Too many attempts" in html
    assert re.search(r"try again in \d+ minutes?", html), html


def test_login_attempts_are_throttled_per_address_across_accounts(db, settings):
    settings.LOGIN_ATTEMPTS_PER_ADDRESS = 20
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(20):
        response = log_in(client, f"guess{n}@example.org", "wrong")
        assert response.status_code == 200, n
    assert_throttled(log_in(client, "guess-last@example.org", "wrong"))

    other_address = Client(REMOTE_ADDR="198.51.100.7")
    assert log_in(other_address, "guess0@example.org", "wrong").status_code == 200


def test_a_throttled_address_cannot_log_in_even_with_the_right_password(member, password, settings):
    settings.LOGIN_ATTEMPTS_PER_ADDRESS = 3
    client = Client()
    for n in range(3):
        log_in(client, f"guess{n}@example.org", "wrong")
    assert_throttled(log_in(client, EMAIL, password))
    assert not logged_in(client)


def test_successful_logins_do_not_use_up_the_address_allowance(member, password, settings):
    settings.LOGIN_ATTEMPTS_PER_ADDRESS = 2
    for _ in range(4):
        client = Client()
        assert log_in(client, EMAIL, password).status_code == 302


def test_login_throttle_follows_the_address_behind_the_proxy(db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_ATTEMPTS_PER_ADDRESS = 2
    client = Client(REMOTE_ADDR="10.0.0.2")
    for _ in range(2):
        log_in(client, "x@example.org", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert_throttled(log_in(client, "x@example.org", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.9"))
    response = log_in(client, "x@example.org", "wrong", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 200


def test_throttle_page_is_translated(db, settings):
    settings.LOGIN_ATTEMPTS_PER_ADDRESS = 0
    response = Client().post(
        reverse("login"), {"username": "x@example.org", "password": "x"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 429
    assert '<html lang="fr">' in response.content.decode()


def ask_reset(client, email):
    return client.post(reverse("password_reset"), {"email": email})


def test_password_reset_emails_are_limited_per_account(member, settings):
    settings.PASSWORD_RESETS_PER_ACCOUNT = 3
    for n, spelling in enumerate(SPELLINGS[:3]):
        client = Client(REMOTE_ADDR=f"198.51.100.{n}")
        assert ask_reset(client, spelling).status_code == 302
    assert len(mail.outbox) == 3

    assert_throttled(ask_reset(Client(REMOTE_ADDR="198.51.100.99"), SPELLINGS[3]))
    assert len(mail.outbox) == 3


def test_password_reset_throttle_reveals_nothing_about_whether_the_account_exists(member, settings):
    settings.PASSWORD_RESETS_PER_ACCOUNT = 3

    def statuses(email):
        return [ask_reset(Client(REMOTE_ADDR=f"198.51.100.{n}"), email) for n in range(4)]

    known = statuses(EMAIL)
    unknown = statuses("nobody@example.org")
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [302] * 3 + [429]
    assert [r.get("Location") for r in known] == [r.get("Location") for r in unknown]
    assert known[-1].content == unknown[-1].content


def test_password_reset_requests_are_limited_per_address(db, settings):
    settings.PASSWORD_RESETS_PER_ADDRESS = 5
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(5):
        assert ask_reset(client, f"someone{n}@example.org").status_code == 302
    assert_throttled(ask_reset(client, "someone-else@example.org"))
    assert ask_reset(Client(REMOTE_ADDR="198.51.100.7"), "x@example.org").status_code == 302


def test_login_and_reset_still_work_when_the_cache_is_unreachable(member, password):
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    client = Client()
    with override_settings(CACHES=unreachable):
        assert log_in(client, EMAIL, "wrong").status_code == 200
        assert log_in(client, EMAIL, password).status_code == 302
        assert ask_reset(Client(), EMAIL).status_code == 302


# 6a. Odd usernames answer with the form, never a server error

ODD_VALUES = [
    pytest.param("a" * 300 + "@example.org", id="300-characters"),
    pytest.param("x" * 256, id="256-characters"),
    pytest.param("nantes-member\x00@example.org", id="NUL"),
    pytest.param("\x00", id="only-NUL"),
    pytest.param("é" * 400, id="long-unicode"),
]


@pytest.mark.parametrize("username", ODD_VALUES)
def test_odd_username_gets_the_login_form_with_an_error(member, username):
    client = Client(raise_request_exception=False)
    response = log_in(client, username, "wrong")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not logged_in(client)


@pytest.mark.parametrize("username", ODD_VALUES)
def test_odd_username_repeated_never_breaks_the_lockout(member, password, username, settings):
    client = Client(raise_request_exception=False)
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        assert log_in(client, username, "wrong").status_code in {200, 429}
    assert log_in(client, EMAIL, password).status_code == 302


@pytest.mark.parametrize("email", ODD_VALUES)
def test_odd_email_gets_the_password_reset_form_with_an_error(member, email):
    response = Client(raise_request_exception=False).post(
        reverse("password_reset"), {"email": email}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert mail.outbox == []


@pytest.mark.parametrize("username", ODD_VALUES)
def test_odd_username_on_the_admin_login_gets_the_form_again(db, username, settings):
    client = Client(raise_request_exception=False)
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = client.post(reverse("admin:login"), {"username": username, "password": "wrong"})
        assert response.status_code in {200, 429}
