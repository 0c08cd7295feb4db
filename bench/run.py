"""`make bench`: the portal's pages under gunicorn beside a bare Django project, in one run.

    .venv/bin/python bench/run.py

1. Makes sure the bench database exists, is migrated and holds `load_demo --scale N`.
2. Serves the bare project (bench/bare) with gunicorn and loads its "hello" and 50-row
   template pages with wrk; then serves the portal the same way and loads each main page,
   logged in as the role that uses it.
3. Prints one line per page, `bench: <page> <req/s> req/s p50 <ms> ms p99 <ms> ms
   <percent> % of bare template`, the SQL queries of one cold request in process, and the
   slowest page and worst p99 at the end.

Every page is checked before and after it is measured: a 200 with the page's own title or
marker, so that a redirect to the login page or an error page is never taken for a figure.

Environment: BENCH_SECONDS (per page, default 5), BENCH_WARMUP_SECONDS (1), BENCH_SCALE
(30; 0 loads only the two demo networks), BENCH_NETWORK (gen-01, or cities4csr at scale 0),
BENCH_DATABASE (cities4csr_bench), BENCH_WORKERS (3), BENCH_CONNECTIONS (16),
BENCH_THREADS (2), BENCH_RELOAD (1 loads the demo data again).
"""

import html
import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)


def setting(name: str, default: str) -> str:
    return os.environ.get(name) or default


SECONDS = int(setting("BENCH_SECONDS", "5"))
WARMUP_SECONDS = int(setting("BENCH_WARMUP_SECONDS", "1"))
SCALE = int(setting("BENCH_SCALE", "30"))
NETWORK = setting("BENCH_NETWORK", f"gen-{1:02d}" if SCALE else "cities4csr")
DATABASE = setting("BENCH_DATABASE", "cities4csr_bench")
WORKERS = int(setting("BENCH_WORKERS", "3"))
CONNECTIONS = int(setting("BENCH_CONNECTIONS", "16"))
THREADS = int(setting("BENCH_THREADS", "2"))
#: Load the demo data again even when it is there (after a change to the generator).
RELOAD = setting("BENCH_RELOAD", "") not in ("", "0")
#: The bench's own cache keys, new for each run: the first request of a page is cold, and
#: nothing is shared with the development database's cache.
CACHE_PREFIX = f"cities4csr-bench-{secrets.token_hex(4)}"


def fail(message: str):
    print(f"bench: FAILED: {message}", file=sys.stderr, flush=True)
    raise SystemExit(1)


def say(line: str):
    print(f"bench: {line}", flush=True)


# The bench database -------------------------------------------------------------------


def database_url(name: str) -> str:
    return f"postgres://postgres@{HOST}:5432/{name}"


def ensure_database():
    import psycopg2
    from psycopg2 import sql

    connection = psycopg2.connect(host=HOST, port=5432, user="postgres", dbname="postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
            if cursor.fetchone() is None:
                say(f"creating the database {DATABASE}")
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
    finally:
        connection.close()


def manage(*args: str):
    result = subprocess.run(  # noqa: S603 (our own arguments, no shell)
        [sys.executable, "manage.py", *args], cwd=ROOT, env=portal_environment(), check=False
    )
    if result.returncode != 0:
        fail(f"manage.py {' '.join(args)} exited with {result.returncode}")


def portal_environment() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cities4csr.settings",
        "DJANGO_ENV": "development",
        "DEBUG": "false",
        "DATABASE_URL": database_url(DATABASE),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "CACHE_KEY_PREFIX": CACHE_PREFIX,
    }


def loaded(network_slug: str) -> bool:
    from partners.models import Network

    return Network.objects.filter(slug=network_slug).exists()


def ensure_data():
    """Migrate, and load the demo data only when it is not there yet (a second run is fast)."""
    import django

    manage("migrate", "--noinput", "--verbosity", "0")
    os.environ.update(portal_environment())
    django.setup()
    last = f"gen-{SCALE:02d}" if SCALE else "cities4csr"
    if RELOAD or not loaded(last):
        say(f"loading the demo data at scale {SCALE} into {DATABASE} (once)")
        manage("load_demo", *(["--scale", str(SCALE)] if SCALE else []))
    for slug in {last, NETWORK}:
        if not loaded(slug):
            fail(f"network {slug} is not in {DATABASE} after load_demo")


# The pages -----------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    path: str
    user: object = None  # None: anonymous
    #: What the page's <title> holds, and what else its body must contain.
    title: str | None = None
    markers: tuple[str, ...] = ()
    #: The Cookie header of the person's session, set by log_in().
    cookie: str | None = field(default=None, repr=False)


def member(network, role, partner=None):
    from partners.models import Membership

    memberships = Membership.objects.filter(network=network, role=role).select_related(
        "user", "partner"
    )
    if partner is not None:
        memberships = memberships.filter(partner=partner)
    found = memberships.filter(user__is_active=True).order_by("partner__slug", "user__email")
    membership = found.first()
    if membership is None:
        fail(f"no {role} in network {network.slug}")
    return membership


def latest(queryset, what):
    from django.utils import timezone

    found = queryset.filter(starts_at__lte=timezone.now()).order_by("-starts_at").first()
    found = found or queryset.order_by("starts_at").first()
    if found is None:
        fail(f"no {what} in the bench data")
    return found


#: Short queries a person types in the search box: a word found in many records, a few,
#: or none.
SEARCH_QUERIES = ("city", "roadmap", "ulg", "budget", "companies", "Budaors")


def search_url(network) -> str:
    """The search page, for a short query."""
    from django.urls import reverse

    return reverse("search:results") + f"?q={SEARCH_QUERIES[0]}"


def time_search(network, runs: int = 20) -> tuple[float, float]:
    """Milliseconds (p50, p99) of a short query in process as the network's coordinator:
    the person's networks read, the results counted and ranked, the first page highlighted
    (what the search page asks the database, without rendering it)."""
    from partners.enums import Role
    from partners.roles import forget_memberships
    from search.selectors import search

    person = member(network, Role.COORDINATOR).user
    timings = []
    for text in SEARCH_QUERIES:
        for run in range(runs + 1):
            forget_memberships(person)
            started = time.perf_counter()
            search(user=person, text=text).page(1)
            if run:  # the first of each query warms up
                timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return timings[len(timings) // 2], timings[min(len(timings) - 1, len(timings) * 99 // 100)]


def pages() -> list[Page]:
    from django.urls import reverse

    from meetings import services as meeting_services
    from meetings.models import Call, Meeting
    from news.selectors import published_articles
    from partners.enums import Role
    from partners.models import Network

    network = Network.objects.get(slug=NETWORK)
    slug, acronym = network.slug, network.acronym
    coordinator = member(network, Role.COORDINATOR).user
    city_coordinator = member(network, Role.CITY_COORDINATOR)
    city = city_coordinator.partner
    roles = [
        ("coordinator", coordinator),
        ("lead partner", member(network, Role.LEAD_PARTNER).user),
        ("lead expert", member(network, Role.LEAD_EXPERT).user),
        ("city coordinator", city_coordinator.user),
        ("team member", member(network, Role.CITY_TEAM_MEMBER, partner=city).user),
        ("programme officer", member(network, Role.PROGRAMME_OFFICER).user),
    ]
    lead_expert = roles[2][1]
    meeting = latest(Meeting.objects.filter(network=network), "meeting")
    call = latest(Call.objects.filter(network=network), "call")
    article = published_articles(network=network).first()
    if article is None:
        fail(f"no published article in {slug}")
    feed_token = meeting_services.calendar_feed_renew(user=coordinator)

    def url(name, *args):
        return reverse(name, args=args)

    home = url("partners:network_home", slug)
    result = [
        Page(f"network home, {role} {home}", home, user, acronym, (user.get_full_name(),))
        for role, user in roles
    ]
    own_home = url("progress:home", slug)
    result += [
        Page(f"own home, {role} {own_home}", own_home, user, f"Your home in {acronym}")
        for role, user in roles
    ]
    result += [
        Page("where each city stands", url("progress:matrix", slug), coordinator,
             "Where each city stands"),
        Page("all roadmaps", url("iap:overview_roadmaps", slug), coordinator, "All roadmaps"),
        Page("reminders sent", url("progress:reminder_log", slug), coordinator,
             "Reminders sent"),
    ]  # fmt: skip
    city_pages = [
        ("roadmap", "iap:roadmap", f"{city.city}: IAP roadmap"),
        ("plan", "iap:plan", f"{city.city}: Integrated Action Plan"),
        ("SSA list", "iap:ssa_list", f"{city.city}: Small Scale Actions"),
    ]
    result += [
        Page("meetings", url("meetings:meeting_list", slug), coordinator, "Meetings and calls"),
        Page("meeting", meeting.get_absolute_url(), coordinator, meeting.title),
        Page("call", call.get_absolute_url(), coordinator, call.title),
        Page("review queue", url("iap:review_queue", slug), lead_expert, "IAP roadmap reviews"),
        *(
            Page(f"{name} of {city.city}", url(view, slug, city.slug), coordinator, title)
            for name, view, title in city_pages
        ),
        Page("people", url("partners:people", slug), coordinator, "People and roles"),
        Page("cities", url("partners:partner_list", slug), coordinator, acronym),
        Page("pairs", url("partners:city_groups", slug), coordinator, "City pairs and clusters"),
        Page("invitations", url("partners:invitations", slug), coordinator, "Invitations"),
        Page("news, editors' list", url("news:manage", slug), coordinator, f"{acronym} news"),
        Page("news, public list", url("news:list"), None, "News"),
        Page(f"news, public list of {slug}", url("news:network_list", slug), None, acronym),
        Page("article", article.get_absolute_url(), None, article.title),
        Page("news feed, Atom", url("news:feed"), None, None, ("<feed", "<entry>")),
        Page(f"news feed of {slug}, RSS", url("news:network_rss", slug), None, None, ("<item>",)),
        Page(
            "personal calendar feed",
            url("meetings:calendar_feed", feed_token),
            None,
            None,
            ("BEGIN:VCALENDAR", "BEGIN:VEVENT"),
        ),
        Page("front page, anonymous /", url("home"), None, "Welcome"),
    ]
    result.append(Page("search short query", search_url(network), coordinator, "Search"))
    return result


def log_in(all_pages: list[Page]) -> list[str]:
    """A session per person, made as the login view makes it; returns the session keys."""
    from django.conf import settings
    from django.test import Client
    from django.utils.crypto import get_random_string

    sessions = {}
    for page in all_pages:
        if page.user is None:
            continue
        if page.user.pk not in sessions:
            client = Client()
            client.force_login(page.user, backend=MODEL_BACKEND)
            sessions[page.user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
        csrf = get_random_string(32)
        page.cookie = (
            f"{settings.SESSION_COOKIE_NAME}={sessions[page.user.pk]}; "
            f"{settings.CSRF_COOKIE_NAME}={csrf}"
        )
    return list(sessions.values())


def log_out(session_keys: list[str]):
    from importlib import import_module

    from django.conf import settings

    engine = import_module(settings.SESSION_ENGINE)
    for key in session_keys:
        engine.SessionStore(session_key=key).delete()


COLD_RUNS = 20


def count_queries(all_pages: list[Page]) -> dict[str, tuple[int, int, float]]:
    """SQL queries of a page built anew (the page cache bypassed) and of a page served from
    the cache, and the milliseconds a page built anew takes in this process."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    counts, problems = {}, []
    for page in all_pages:
        client = Client(HTTP_HOST=HOST, raise_request_exception=False)
        if page.cookie:
            client.cookies.load(page.cookie)
        client.get(page.path)  # templates compiled, the CSRF cookie set
        with override_settings(PAGE_CACHE_SECONDS=0):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(page.path)
            cold_queries = len(queries)
            started = time.perf_counter()
            for _ in range(COLD_RUNS):
                client.get(page.path)
            cold_ms = (time.perf_counter() - started) / COLD_RUNS * 1000
        client.get(page.path)  # stored
        with CaptureQueriesContext(connection) as queries:
            client.get(page.path)
        runs = [cold_queries, len(queries), cold_ms]
        why = problem(page, response.status_code, response.content.decode("utf-8", "replace"))
        if why:
            problems.append(f"{page.name} ({page.path}): {why}")
        counts[page.name] = tuple(runs)
    connection.close()
    if problems:
        fail("pages that are not what they should be, in process:\n  " + "\n  ".join(problems))
    return counts


def problem(page: Page, status: int, body: str) -> str | None:
    """Why this response is not the page, or None when it is."""
    if status != 200:
        return f"status {status}"
    if page.title is not None:
        found = TITLE.search(body)
        title = html.unescape(found[1]).strip() if found else None
        if title is None or page.title not in title:
            return f"title {title!r}, expected it to contain {page.title!r}"
    missing = [m for m in page.markers if m not in body and html.escape(m) not in body]
    if missing:
        return f"missing {missing!r}"
    return None


def fetch(port: int, path: str, cookie: str | None = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def check(port: int, all_pages: list[Page], when: str):
    problems = []
    for page in all_pages:
        status, body = fetch(port, page.path, page.cookie)
        why = problem(page, status, body)
        if why:
            problems.append(f"{page.name} ({page.path}): {why}")
    if problems:
        fail(f"pages that are not what they should be {when}:\n  " + "\n  ".join(problems))


# Servers and load ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn with sync workers on a free port, started and stopped around a block."""

    def __init__(self, module: str, settings_module: str, probe: str):
        self.module, self.settings_module, self.probe = module, settings_module, probe
        self.port = free_port()

    def __enter__(self):
        self.log = tempfile.TemporaryFile(mode="w+")
        env = {**portal_environment(), "DJANGO_SETTINGS_MODULE": self.settings_module}
        command = [str(BIN / "gunicorn"), self.module, "--workers", str(WORKERS)]
        command += ["--bind", f"{HOST}:{self.port}", "--log-level", "warning"]
        self.process = subprocess.Popen(  # noqa: S603 (our own arguments, no shell)
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                fail(f"gunicorn {self.module} stopped:\n{self.log.read()}")
            try:
                fetch(self.port, self.probe)
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        fail(f"gunicorn {self.module} did not answer within 60 s")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"


def load(server: Gunicorn, path: str, cookie: str | None = None):
    from bench import wrk

    headers = {"Cookie": cookie} if cookie else {}
    common = {"threads": THREADS, "connections": CONNECTIONS, "headers": headers}
    if WARMUP_SECONDS:
        wrk.run(server.url(path), seconds=WARMUP_SECONDS, **common)
    figures = wrk.run(server.url(path), seconds=SECONDS, **common)
    if figures.errors:
        fail(f"{path}: {figures.errors} of {figures.requests} responses were errors")
    if figures.socket_errors:
        say(
            f"warning: {path}: {figures.socket_errors} connections failed or timed out; "
            "their requests are not in the latency figures"
        )
    return figures


def line(name: str, figures, reference: float) -> str:
    percent = figures.requests_per_second / reference * 100
    return (
        f"{name} {figures.requests_per_second:.0f} req/s p50 {figures.p50_ms:.1f} ms "
        f"p99 {figures.p99_ms:.1f} ms {percent:.0f} % of bare template"
    )


def forget_cache_keys():
    """Remove this run's keys from Redis (sessions are deleted one by one before)."""
    from django.conf import settings

    cache = settings.CACHES["default"]
    redis_cli = shutil.which("redis-cli")
    if "redis" not in cache["BACKEND"].lower() or not redis_cli:
        return
    location = cache["LOCATION"]
    scan = subprocess.run(  # noqa: S603 (our own arguments, no shell)
        [redis_cli, "-u", location, "--scan", "--pattern", f"{CACHE_PREFIX}:*"],
        capture_output=True,
        text=True,
        check=False,
    )
    keys = scan.stdout.split()
    for start in range(0, len(keys), 500):
        subprocess.run(  # noqa: S603 (our own arguments, no shell)
            [redis_cli, "-u", location, "unlink", *keys[start : start + 500]],
            capture_output=True,
            check=False,
        )


def main():
    sys.path.insert(0, str(ROOT))
    # WhiteNoise's note that `collectstatic` has not run: the bench loads no static file.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    if shutil.which("wrk") is None:
        fail("wrk is not installed: `make bench` installs it (apt-get install wrk)")
    ensure_database()
    ensure_data()
    say(
        f"{DATABASE} at scale {SCALE}, network {NETWORK}; gunicorn with {WORKERS} sync "
        f"workers, wrk -t{THREADS} -c{CONNECTIONS} -d{SECONDS}s after {WARMUP_SECONDS} s warm-up"
    )
    all_pages = pages()
    session_keys = log_in(all_pages)
    try:
        queries = count_queries(all_pages)
        from partners.models import Network

        p50, p99 = time_search(Network.objects.get(slug=NETWORK))
        say(f"search short query {p50:.1f} ms p50 {p99:.1f} ms p99 in process at scale {SCALE}")
        with Gunicorn("bench.bare.wsgi", "bench.bare.settings", "/hello/") as bare:
            hello = load(bare, "/hello/")
            rows = load(bare, "/rows/")
        reference = rows.requests_per_second
        say(line("bare hello", hello, reference))
        say(line("bare 50-row template", rows, reference))
        measured = []
        with Gunicorn("cities4csr.wsgi", "cities4csr.settings", "/") as portal:
            check(portal.port, all_pages, "before the run")
            for page in all_pages:
                figures = load(portal, page.path, page.cookie)
                measured.append((page, figures))
                say(line(page.name, figures, reference))
                cold, warm, cold_ms = queries[page.name]
                say(
                    f"queries {page.name} {cold} built anew in {cold_ms:.1f} ms in process"
                    f" (served from the cache: {warm})"
                )
            check(portal.port, all_pages, "after the run")
        # The machine's load drifts during a run: the reference again shows by how much.
        with Gunicorn("bench.bare.wsgi", "bench.bare.settings", "/hello/") as bare:
            again = load(bare, "/rows/")
        say(line("bare 50-row template, again after the pages", again, reference))
    finally:
        log_out(session_keys)
        forget_cache_keys()
    slowest_page, slowest = min(measured, key=lambda item: item[1].requests_per_second)
    say(
        f"slowest page {slowest_page.name} "
        f"{slowest.requests_per_second / reference * 100:.0f} % of bare template"
    )
    say(f"worst p99 {max(figures.p99_ms for _, figures in measured):.1f} ms")


if __name__ == "__main__":
    main()
