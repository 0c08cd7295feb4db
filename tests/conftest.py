"""Fixtures shared by every app's tests: a network with one person per role, and Celery.

The world: network `net` with cities A (lead partner) and B; network `other_net` with its
own city and coordinator. Each role fixture is a user who holds exactly that role.
"""

import os
import uuid
from contextlib import contextmanager

import pytest
from django.test import Client

from partners.enums import Role
from tests import test_url_coverage as url_coverage
from tests.factories import PASSWORD, MembershipFactory, NetworkFactory, PartnerFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DESELECTED = pytest.StashKey[list]()
UNREQUESTED = pytest.StashKey[list]()
WORKER_REPORTS = pytest.StashKey[list]()
#: The key of the URL guard's report in what a pytest-xdist worker sends its controller.
URL_REPORT = "url_coverage"


def worker_id(config):
    """`gw0`, `gw1`… in a pytest-xdist worker; None in its controller or a run of one process."""
    return getattr(config, "workerinput", {}).get("workerid")


def is_parallel_controller(config):
    return config.pluginmanager.has_plugin("dsession")


def pytest_configure(config):
    """A fast password hasher: the tests create hundreds of people with passwords.

    Cache keys go under a prefix of this process's own, so that the workers of a parallel
    run, other runs and a development site sharing the Redis never read each other's keys.
    """
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    prefix = f"test-{worker_id(config) or 'main'}-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "KEY_PREFIX": prefix},
    }
    url_coverage.RUN.start()
    config.stash[DESELECTED] = []
    config.stash[WORKER_REPORTS] = []


def pytest_deselected(items):
    """Remember what `-m` or `--deselect` left out: the URL guard needs the whole suite."""
    if items:
        config = items[0].config
        config.stash[DESELECTED] += [{mark.name for mark in item.iter_markers()} for item in items]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """In the controller of a parallel run, keep the URL report of each worker that finished
    (None for one that went down)."""
    report = None if error else getattr(node, "workeroutput", {}).get(URL_REPORT)
    node.config.stash[WORKER_REPORTS].append(report)


def pytest_sessionfinish(session, exitstatus):
    """After a run of the whole suite, fail when a page of ours was never requested.

    A worker of a parallel run only hands what it saw to the controller, which checks the
    sum of all the workers once.
    """
    config = session.config
    stopped = bool(session.shouldstop or session.shouldfail)
    if worker_id(config):
        config.workeroutput[URL_REPORT] = url_coverage.report(
            requested=url_coverage.RUN.requested,
            deselected=config.stash[DESELECTED],
            stopped=stopped,
        )
        return
    if is_parallel_controller(config):
        requested, deselected, workers_stopped = url_coverage.combined(config.stash[WORKER_REPORTS])
        stopped = stopped or workers_stopped
    else:
        requested, deselected = url_coverage.RUN.requested, config.stash[DESELECTED]
    whole = url_coverage.whole_suite(
        args=[str(config.invocation_params.dir / arg) for arg in config.args],
        testpaths=[str(config.rootpath / path) for path in config.getini("testpaths")],
        keyword=config.option.keyword,
        deselected=deselected,
        stopped=stopped,
        collect_only=config.option.collectonly,
    )
    ran = exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED)
    config.stash[UNREQUESTED] = url_coverage.unrequested(requested) if whole and ran else []
    if config.stash[UNREQUESTED]:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, config):
    if None in config.stash.get(WORKER_REPORTS, []):
        terminalreporter.write_line(
            "The URL guard did not run: a worker went down before it said which pages it requested."
        )
    unrequested = config.stash.get(UNREQUESTED, [])
    if unrequested:
        terminalreporter.write_sep("=", "URL patterns no test requested", red=True)
        for name in unrequested:
            terminalreporter.write_line(f"  {name}")
        terminalreporter.write_line(
            "Each page needs a test that opens it (a row of its app's permission table)."
        )


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


@pytest.fixture(autouse=True)
def throttle_counters_of_this_test(settings):
    """Login and password-reset throttles count under this test's own prefix in the shared Redis."""
    settings.THROTTLE_KEY_PREFIX = f"test-throttle-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session", autouse=True)
def media_of_this_run(tmp_path_factory):
    """Uploaded and generated files (the demo's library, thumbnails) go to a folder of the
    run's own, never into the project's media folder; a module or test may narrow it. Each
    worker of a parallel run has its own, under its own `tmp_path_factory` base folder."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(autouse=True)
def page_cache_of_this_test(settings):
    """Stored pages and their versions live under this test's own prefix in the shared
    Redis: the database is rolled back after each test, the cache is not."""
    settings.PAGE_CACHE_PREFIX = f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def migrator(transactional_db):
    """Migrate back and forth; the database ends at the latest migrations whatever happens."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    yield executor
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def password():
    return PASSWORD


def _queue_name():
    return f"test-{uuid.uuid4().hex[:12]}"


@contextmanager
def _celery_conf(app, **changes):
    """Set these Celery settings for a while, then put back what was there."""
    before = {key: app.conf[key] for key in changes}
    app.conf.update(changes)
    try:
        yield
    finally:
        app.conf.update(before)


@contextmanager
def _queue_deleted_afterwards(app, name):
    """Tasks a test left in its queue go with it, instead of waiting in Redis."""
    from kombu.exceptions import OperationalError

    try:
        yield
    finally:
        try:
            with app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1)
                connection.default_channel.queue_delete(name)
        except OperationalError:
            pass  # no broker: nothing was queued there either


@pytest.fixture(scope="session", autouse=True)
def celery_unread_queue():
    """Tasks queued outside a worker test go to a queue of this run that nothing reads.

    Otherwise they would reach the `celery` queue of the Redis the test run shares, and a
    worker serving a development site would take them.
    """
    from cities4csr.celery import app

    name = _queue_name()
    with _celery_conf(app, task_default_queue=name), _queue_deleted_afterwards(app, name):
        yield name


@contextmanager
def _logging_left_alone():
    """Keep the worker from taking over the root logger (pytest's capture, `caplog`)."""
    from celery import _state, signals

    def keep_logging(**kwargs):
        return None

    environ = dict(os.environ)
    join_will_block = _state.task_join_will_block()
    signals.setup_logging.connect(keep_logging, weak=False)
    try:
        yield
    finally:
        signals.setup_logging.disconnect(keep_logging)
        _state._set_task_join_will_block(join_will_block)
        for key in set(os.environ) - set(environ):
            del os.environ[key]
        os.environ.update(environ)


@pytest.fixture
def celery_worker(request, transactional_db):
    """A real Celery worker thread consuming a queue of its own from the real Redis broker.

    Only for the few smoke tests marked `@pytest.mark.celery`; the others send e-mail
    through the sweep (`portal.outbox.send_pending()`). Tests that use it are transactional
    so that the worker thread sees their rows. Every setting it changes is put back.
    """
    if request.node.get_closest_marker("celery") is None:
        pytest.fail(
            f"{request.node.nodeid} uses a real Celery worker: mark it @pytest.mark.celery",
            pytrace=False,
        )
    from celery.contrib.testing.worker import start_worker

    from cities4csr.celery import app

    name = _queue_name()
    with (
        _celery_conf(app, task_default_queue=name, task_always_eager=False),
        _logging_left_alone(),
        _queue_deleted_afterwards(app, name),
        start_worker(
            app, perform_ping_check=False, pool="threads", concurrency=4, queues=[name]
        ) as worker,
    ):
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
