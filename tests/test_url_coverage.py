"""Every page of the portal is requested by some test, as Zulip checks.

`tests/conftest.py` starts `RUN` before the first test: it records the URL pattern of every
request the run handles, through the test client or the live server the browser tests
drive. At the end of a run of the whole suite, a named pattern nobody requested fails the
run (see `pytest_sessionfinish` there). A new page therefore cannot land without a test
that opens it. The tests below check the recording and the sum themselves, so that the
guard cannot pass by seeing nothing.

In a parallel run (pytest-xdist) each worker records only the requests of its own share of
the tests: it hands its `report()` to the controller, which adds them up (`combined()`) and
does the check once, for the whole run.
"""

import os
import re
import subprocess
import sys
import textwrap
import threading
import urllib.request
from pathlib import Path

import pytest
from django.core.handlers.wsgi import get_path_info
from django.core.signals import request_started
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

#: Namespaces whose pages are Django's own, not the portal's.
NOT_OURS = {"admin"}


def named_patterns(resolver=None, namespace=""):
    """(full name, pattern) of every named URL pattern of the portal, e.g. `iap:roadmap`."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in NOT_OURS:
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def url_names():
    return [name for name, _pattern in named_patterns()]


class UrlRecorder:
    """Which URL patterns the handled requests resolved to."""

    def __init__(self):
        self.requested = set()
        self._lock = threading.Lock()

    def start(self):
        request_started.connect(self.record, weak=False, dispatch_uid=id(self))

    def stop(self):
        request_started.disconnect(dispatch_uid=id(self))

    def record(self, sender, environ=None, scope=None, **kwargs):
        if environ is not None:
            path = get_path_info(environ)
        else:  # an ASGI request
            path = scope["path"].removeprefix(scope.get("root_path", ""))
        try:
            name = resolve(path).view_name
        except Resolver404:
            return
        with self._lock:
            self.requested.add(name)

    def missing(self, names=None):
        """The patterns no request resolved to, in order."""
        return unrequested(self.requested, names)


def unrequested(requested, names=None):
    """The patterns of `names` (all of ours by default) missing from `requested`, in order."""
    names = set(url_names() if names is None else names)
    return sorted(names - set(requested))


#: The recorder of this test run (of this worker, in a parallel run).
RUN = UrlRecorder()


def report(*, requested, deselected, stopped):
    """What a worker of a parallel run hands the controller, in types execnet can send."""
    return {
        "requested": sorted(requested),
        "deselected": [sorted(markers) for markers in deselected],
        "stopped": bool(stopped),
    }


def combined(reports):
    """The workers' reports as one run's: (requested, deselected, stopped).

    A worker that went down sent no report (None): the pages it had requested are unknown,
    so the run counts as stopped, and the guard stays silent rather than blame pages.
    """
    requested, deselected, stopped = set(), [], not reports
    for one in reports:
        if one is None:
            stopped = True
            continue
        requested.update(one["requested"])
        deselected += [set(markers) for markers in one["deselected"]]
        stopped = stopped or one["stopped"]
    return requested, deselected, stopped


def whole_suite(*, args, testpaths, keyword, deselected, stopped, collect_only):
    """Whether the run covered every test, so that an unrequested page means a missing test.

    `args` are the paths given on the command line (the configured `testpaths` when none
    were); `deselected` are the markers of each test that `-m` or `--deselect` left out:
    leaving out the benchmarks (`-m "not bench"`) still counts as the whole suite.
    """
    if collect_only or stopped or keyword:
        return False
    if any("::" in arg for arg in args):
        return False
    if {Path(arg).resolve() for arg in args} != {Path(path).resolve() for path in testpaths}:
        return False
    return all("bench" in markers for markers in deselected)


def test_a_pattern_no_test_requested_is_reported():
    recorder = UrlRecorder()
    recorder.requested = {"home", "news:list"}
    assert recorder.missing(["home", "news:list", "news:article"]) == ["news:article"]


def test_a_fresh_recorder_reports_every_page_of_ours_and_none_of_the_admin():
    missing = UrlRecorder().missing()
    assert {"home", "login", "partners:network_home", "meetings:meeting_list"} <= set(missing)
    assert {"iap:roadmap", "news:article", "profile", "notifications"} <= set(missing)
    assert not [name for name in missing if name.startswith("admin:")]


@pytest.mark.django_db
def test_test_client_requests_are_recorded(client):
    recorder = UrlRecorder()
    recorder.start()
    try:
        client.get(reverse("login"))
        client.get(reverse("news:article", args=["nowhere", "nothing"]))  # a 404 still counts
        client.get("/no/such/page/")
    finally:
        recorder.stop()
    assert recorder.requested == {"login", "news:article"}


def test_live_server_requests_are_recorded(live_server):
    recorder = UrlRecorder()
    recorder.start()
    try:
        with urllib.request.urlopen(f"{live_server.url}{reverse('login')}") as page:  # noqa: S310
            assert page.status == 200
    finally:
        recorder.stop()
    assert recorder.requested == {"login"}


def test_pages_requested_on_different_workers_count_together():
    on_gw0 = report(requested={"home", "news:list"}, deselected=[{"bench"}], stopped=False)
    on_gw1 = report(requested={"news:list", "login"}, deselected=[{"bench"}], stopped=False)
    requested, deselected, stopped = combined([on_gw0, on_gw1])
    names = ["home", "login", "news:list", "news:article"]
    assert unrequested(requested, names) == ["news:article"]
    assert deselected == [{"bench"}, {"bench"}]
    assert stopped is False


def test_a_worker_that_went_down_or_stopped_leaves_the_run_unchecked():
    fine = report(requested={"home"}, deselected=[], stopped=False)
    assert combined([fine, None])[2] is True  # it crashed: its pages are unknown
    assert combined([fine, report(requested=set(), deselected=[], stopped=True)])[2] is True
    assert combined([])[2] is True


TINY_PROJECT = {
    "pytest.ini": """
        [pytest]
        testpaths = t
    """,
    "tiny_settings.py": """
        from cities4csr.settings import *  # noqa: F403

        ROOT_URLCONF = "tiny_urls"
        MIDDLEWARE = []
    """,
    "tiny_urls.py": """
        from django.http import HttpResponse
        from django.urls import path

        def page(request):
            return HttpResponse("a page")

        urlpatterns = [
            path("first/", page, name="first"),
            path("second/", page, name="second"),
            path("third/", page, name="third"),
        ]
    """,
    # The portal's own hooks, without its fixtures.
    "conftest.py": """
        from tests.conftest import (  # noqa: F401
            pytest_configure,
            pytest_deselected,
            pytest_sessionfinish,
            pytest_terminal_summary,
            pytest_testnodedown,
        )
    """,
    "t/test_first.py": """
        from django.test import Client

        def test_first():
            assert Client().get("/first/").status_code == 200
    """,
    "t/test_second.py": """
        from django.test import Client

        def test_second():
            assert Client().get("/second/").status_code == 200
    """,
}


def test_a_parallel_run_fails_on_a_page_that_no_worker_requested(tmp_path):
    """The guard end to end: two workers each request one page of three; the run fails
    naming the third only, so what each worker saw was added up in the controller."""
    project = tmp_path / "project"
    for name, text in TINY_PROJECT.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(textwrap.dedent(text).lstrip())
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    env["PYTHONPATH"] = os.pathsep.join([str(project), str(Path(__file__).resolve().parents[1])])
    env["DJANGO_SETTINGS_MODULE"] = "tiny_settings"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadscope", "-v",
         "-p", "no:cacheprovider", "-p", "no:playwright", "--basetemp", str(tmp_path / "tmp")],
        cwd=project, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    out = run.stdout + run.stderr
    assert "2 passed" in out, out
    assert set(re.findall(r"^\[(gw\d+)\].* PASSED ", out, re.MULTILINE)) == {"gw0", "gw1"}, out
    summary = out.partition("URL patterns no test requested")[2].partition("\n")[2]
    assert summary.partition("Each page needs")[0].split() == ["third"], out
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, out


def test_this_run_is_being_recorded(client, db):
    client.get(reverse("password_reset"))
    assert "password_reset" in RUN.requested


@pytest.mark.parametrize(
    "change, whole",
    [
        ({}, True),
        ({"args": ["tests/"]}, True),
        ({"deselected": [{"bench"}, {"bench", "django_db"}]}, True),
        ({"args": ["tests/news"]}, False),
        (
            {"args": ["tests/test_url_coverage.py::test_a_pattern_no_test_requested_is_reported"]},
            False,
        ),
        ({"keyword": "roadmap"}, False),
        ({"deselected": [{"bench"}, {"browser"}]}, False),
        ({"stopped": True}, False),
        ({"collect_only": True}, False),
    ],
)
def test_the_guard_runs_only_when_the_whole_suite_ran(change, whole):
    run = {
        "args": ["tests"],
        "testpaths": ["tests"],
        "keyword": "",
        "deselected": [],
        "stopped": False,
        "collect_only": False,
        **change,
    }
    assert whole_suite(**run) is whole
