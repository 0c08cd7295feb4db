"""Fixtures shared by every app's tests: a network with one person per role, and Celery.

The world: network `net` with cities A (lead partner) and B; network `other_net` with its
own city and coordinator. Each role fixture is a user who holds exactly that role.
"""

import os
import uuid

import pytest
from django.test import Client

from partners.enums import Role
from tests.factories import PASSWORD, MembershipFactory, NetworkFactory, PartnerFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    """A fast password hasher: the tests create hundreds of people with passwords."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def net(db):
    return NetworkFactory(acronym="TESTNET", slug="testnet")


@pytest.fixture
def city_a(net):
    return PartnerFactory(network=net, city="Alphaville", slug="alphaville", is_lead_partner=True)


@pytest.fixture
def city_b(net):
    return PartnerFactory(network=net, city="Betatown", slug="betatown", country="FR")


@pytest.fixture
def other_net(db):
    return NetworkFactory(acronym="OTHERNET", slug="othernet")


@pytest.fixture
def other_city(other_net):
    return PartnerFactory(network=other_net, city="Gammaburg", slug="gammaburg", country="DE")


def _person(email, network, role, partner=None, **extra):
    user = UserFactory(email=email, **extra)
    MembershipFactory(user=user, network=network, role=role, partner=partner)
    return user


@pytest.fixture
def coordinator(net, city_a):
    return _person(
        "coord@example.org", net, Role.COORDINATOR, city_a, job_title="Deputy Project Coordinator"
    )


@pytest.fixture
def lead_partner(net, city_a):
    return _person("lp@example.org", net, Role.LEAD_PARTNER, city_a)


@pytest.fixture
def lead_expert(net):
    return _person("le@example.org", net, Role.LEAD_EXPERT, job_title="Lead Expert")


@pytest.fixture
def ad_hoc_expert(net):
    return _person("adhoc@example.org", net, Role.AD_HOC_EXPERT)


@pytest.fixture
def officer(net):
    return _person("officer@example.org", net, Role.PROGRAMME_OFFICER)


@pytest.fixture
def city_coordinator_a(net, city_a):
    return _person("a-coord@example.org", net, Role.CITY_COORDINATOR, city_a)


@pytest.fixture
def city_member_a(net, city_a):
    return _person("a-member@example.org", net, Role.CITY_TEAM_MEMBER, city_a)


@pytest.fixture
def city_coordinator_b(net, city_b):
    return _person("b-coord@example.org", net, Role.CITY_COORDINATOR, city_b)


@pytest.fixture
def city_member_b(net, city_b):
    return _person("b-member@example.org", net, Role.CITY_TEAM_MEMBER, city_b)


@pytest.fixture
def other_network_coordinator(other_net, other_city):
    return _person("other-coord@example.org", other_net, Role.COORDINATOR, other_city)


@pytest.fixture
def outsider(db):
    """Logged in, but in no network at all."""
    return UserFactory(email="outsider@example.org")


#: Every role fixture by name, for permission tables.
ROLE_FIXTURES = [
    "anonymous",
    "outsider",
    "city_member_a",
    "city_coordinator_a",
    "city_member_b",
    "city_coordinator_b",
    "lead_expert",
    "lead_partner",
    "ad_hoc_expert",
    "officer",
    "coordinator",
    "other_network_coordinator",
]


@pytest.fixture
def anonymous():
    return None


@pytest.fixture
def client_for(db):
    """A test client logged in as the given user (or anonymous for None)."""

    def make(user):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture(scope="session")
def celery_test_queue():
    """A queue of this test run's own, so parallel runs on one Redis never share tasks."""
    from cities4csr.celery import app

    name = f"test-{uuid.uuid4().hex[:12]}"
    app.conf.task_default_queue = name
    return name


@pytest.fixture
def celery_worker(celery_test_queue, transactional_db, settings):
    """A real Celery worker thread consuming from the real Redis broker.

    Tests that use it must be transactional so the worker thread sees their rows.
    """
    from celery.contrib.testing.worker import start_worker

    from cities4csr.celery import app

    app.conf.task_always_eager = False
    with start_worker(
        app, perform_ping_check=False, pool="threads", concurrency=4, queues=[celery_test_queue]
    ) as worker:
        yield worker


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Close what the worker and live-server threads left open, so the test database drops.

    Threads that ran tasks or served pages may end with their database connection still
    open; PostgreSQL then refuses to drop the test database at the end of the run.
    """
    yield
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
