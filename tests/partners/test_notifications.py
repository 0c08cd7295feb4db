"""Notifications reach the inbox at once and the mailbox through the outbox after commit;
opening one marks it read and leads to the record it is about.

One smoke test runs a real Celery worker; the others drive the outbox sweep themselves.
"""

import ast
import re
import threading
from collections import Counter
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from partners import services
from partners.models import Notification, NotificationEmail
from portal import pagecache
from portal.outbox import MAX_ATTEMPTS, OutboxStatus, send_one, send_pending
from tests.factories import UserFactory
from tests.services import unreachable_broker, wait_until


def sweep():
    return send_pending(models=[NotificationEmail])


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    return settings


def mail_server_back(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_email_goes_out_through_a_real_worker_after_commit(celery_worker, city_member_a):
    with transaction.atomic():
        [notification] = services.notify(
            recipients=[city_member_a], title="Your roadmap was approved", url="/n/x/", email=True
        )
    assert wait_until(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].to == [city_member_a.email]
    assert "Your roadmap was approved" in mail.outbox[0].subject
    assert "http://" in mail.outbox[0].body
    email = NotificationEmail.objects.get(notification=notification)
    assert wait_until(
        lambda: NotificationEmail.objects.get(pk=email.pk).status == OutboxStatus.SENT
    )


def test_the_email_is_handed_to_the_worker_only_when_the_transaction_commits(
    city_member_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        services.notify(recipients=[city_member_a], title="After commit", email=True)
        assert NotificationEmail.objects.get().status == OutboxStatus.PENDING
    handing_over = [c for c in callbacks if getattr(c, "func", None) is not pagecache.bump]
    assert len(handing_over) == 1
    assert mail.outbox == []  # the worker sends it; here nobody ran the task


def test_rolled_back_notification_is_never_sent(city_member_a, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.notify(recipients=[city_member_a], title="Never", email=True)
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert not NotificationEmail.objects.exists()
    # The sweep would have sent it: one that was committed does go out.
    services.notify(recipients=[city_member_a], title="Committed", email=True)
    assert sweep() == Counter({OutboxStatus.SENT: 1})
    assert [m.subject for m in mail.outbox] == ["[CITIES4CSR portal] Committed"]


@pytest.mark.django_db(transaction=True)
def test_broker_down_delays_the_email_but_does_not_lose_it(city_member_a):
    with unreachable_broker(), transaction.atomic():
        services.notify(recipients=[city_member_a], title="Check-up call moved", email=True)
    assert mail.outbox == []
    assert NotificationEmail.objects.get().status == OutboxStatus.PENDING
    assert sweep() == Counter({OutboxStatus.SENT: 1})  # the beat sweep, once the broker is back
    assert [m.to for m in mail.outbox] == [[city_member_a.email]]
    assert sweep() == Counter()


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_send_each_email_once(net):
    people = UserFactory.create_batch(12)
    with unreachable_broker():  # only the sweeps below send
        services.notify(recipients=people, title="TNM #4", network=net, email=True)
    start = threading.Barrier(4)
    totals = []

    def run_sweeps():
        try:
            start.wait()
            totals.append(sum(sweep().values()))
            totals.append(sum(sweep().values()))
        finally:
            connection.close()

    threads = [threading.Thread(target=run_sweeps) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert sum(totals) == len(people)
    assert set(NotificationEmail.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


def test_sending_the_same_row_again_sends_nothing(city_member_a, city_member_b):
    rows = services.notify(recipients=[city_member_a, city_member_b], title="TNM #4", email=True)
    for _ in range(3):
        for row in rows:
            send_one(NotificationEmail, pk=row.email.pk)
        sweep()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [city_member_a.email, city_member_b.email]
    )


def test_failed_send_is_counted_and_tried_again(city_member_a, mail_server_down):
    [notification] = services.notify(recipients=[city_member_a], title="Retry me", email=True)
    pk = notification.email.pk
    assert send_one(NotificationEmail, pk=pk) == ("error", pk)
    email = NotificationEmail.objects.get(pk=pk)
    assert (email.status, email.attempts, email.sent_at) == (OutboxStatus.PENDING, 1, None)
    assert email.last_error
    mail_server_back(mail_server_down)
    assert sweep() == Counter({OutboxStatus.SENT: 1})
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboxStatus.SENT, 2)
    assert len(mail.outbox) == 1


def test_an_email_that_keeps_failing_is_left_for_the_admin_who_sends_it_again(
    client, city_member_a, mail_server_down, monkeypatch, django_capture_on_commit_callbacks
):
    from cities4csr.celery import app

    [notification] = services.notify(recipients=[city_member_a], title="Keeps failing", email=True)
    for _ in range(MAX_ATTEMPTS):
        assert sweep() == Counter({"error": 1})
    email = NotificationEmail.objects.get()
    assert (email.status, email.attempts) == (OutboxStatus.FAILED, MAX_ATTEMPTS)
    assert email.last_error
    assert sweep() == Counter()  # a failed row waits for a person

    mail_server_back(mail_server_down)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    changelist = reverse("admin:partners_notificationemail_changelist")
    listed = client.get(changelist, {"status__exact": OutboxStatus.FAILED})
    assert listed.status_code == 200
    assert "Keeps failing" in listed.content.decode()
    assert "Send the selected e-mails again" in listed.content.decode()

    monkeypatch.setitem(app.conf, "task_always_eager", True)  # the worker, in this thread
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist, {"action": "send_again", "_selected_action": [email.pk]}, follow=True
        )
    assert "1 e-mail will be sent again." in response.content.decode()
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (OutboxStatus.SENT, 1, "")
    assert [m.subject for m in mail.outbox] == [f"[CITIES4CSR portal] {notification.title}"]


def test_inactive_people_and_duplicates_get_one_or_no_notification(city_member_a, outsider):
    outsider.is_active = False
    outsider.save()
    rows = services.notify(recipients=[city_member_a, city_member_a, outsider], title="x")
    assert [r.recipient for r in rows] == [city_member_a]


def test_every_periodic_job_names_a_registered_task():
    from django.conf import settings

    from cities4csr.celery import app

    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, f"{name}: {entry['task']} is not a task"


# Opening a notification, marking all read, and links to the record -----------------------

UNREAD_BADGE = re.compile(r'badge text-bg-light">(\d+)<span class="visually-hidden"> unread')


def header_unread_count(html: str) -> int:
    """The count of unread notifications the menu of every page shows (0: no badge)."""
    found = UNREAD_BADGE.search(html.split("</nav>")[0])
    return int(found.group(1)) if found else 0


def open_notification(client, notification):
    return client.post(reverse("notification_open", args=[notification.pk]))


def test_opening_a_notification_marks_it_read_and_leads_to_the_record(
    client_for, city_member_a, city_a
):
    [row] = services.notify(
        recipients=[city_member_a],
        title="Your city page was updated",
        url=city_a.get_absolute_url(),
    )
    client = client_for(city_member_a)
    response = open_notification(client, row)
    assert response.status_code == 302
    assert response["Location"] == city_a.get_absolute_url()
    row.refresh_from_db()
    assert row.is_read
    assert "Alphaville" in client.get(response["Location"]).content.decode()


def test_opening_a_notification_read_before_keeps_when_it_was_read(client_for, city_member_a, net):
    [row] = services.notify(recipients=[city_member_a], title="Old", url=net.get_absolute_url())
    client = client_for(city_member_a)
    open_notification(client, row)
    row.refresh_from_db()
    first_read = row.read_at
    response = open_notification(client, row)
    assert (response.status_code, response["Location"]) == (302, net.get_absolute_url())
    row.refresh_from_db()
    assert row.read_at == first_read


def test_another_persons_notification_is_not_found_and_stays_unread(
    client_for, city_member_a, city_member_b, net
):
    [theirs] = services.notify(recipients=[city_member_b], title="B's", url=net.get_absolute_url())
    response = open_notification(client_for(city_member_a), theirs)
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_the_service_refuses_to_open_another_persons_notification(city_member_a, city_member_b):
    [theirs] = services.notify(recipients=[city_member_b], title="B's", url="/")
    with pytest.raises(PermissionDenied):
        services.notification_open(user=city_member_a, notification=theirs)
    theirs.refresh_from_db()
    assert not theirs.is_read


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/",
        "//evil.example/n/testnet/",
        "http://evil.example/n/testnet/",
        "javascript:alert(1)",
        "https:///evil.example/",
        "/\\evil.example/",
        "",
    ],
)
def test_an_address_off_the_site_is_not_followed(client_for, city_member_a, url):
    [row] = services.notify(recipients=[city_member_a], title="Phishing?", url=url)
    response = open_notification(client_for(city_member_a), row)
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications")
    row.refresh_from_db()
    assert row.is_read  # opened all the same: it has nothing more to show


def test_an_address_of_this_site_with_its_host_is_followed(client_for, city_member_a, net):
    url = f"http://testserver{net.get_absolute_url()}"
    [row] = services.notify(recipients=[city_member_a], title="Absolute", url=url)
    response = open_notification(client_for(city_member_a), row)
    assert response["Location"] == url


def test_an_http_address_is_not_followed_from_an_https_page(client_for, city_member_a, net):
    [row] = services.notify(
        recipients=[city_member_a],
        title="Downgrade",
        url=f"http://testserver{net.get_absolute_url()}",
    )
    response = client_for(city_member_a).post(
        reverse("notification_open", args=[row.pk]), secure=True
    )
    assert response["Location"] == reverse("notifications")


def test_a_get_on_the_open_address_changes_nothing(client_for, city_member_a, net):
    [row] = services.notify(recipients=[city_member_a], title="Look", url=net.get_absolute_url())
    response = client_for(city_member_a).get(reverse("notification_open", args=[row.pk]))
    assert response.status_code == 405
    row.refresh_from_db()
    assert not row.is_read


def test_opening_without_the_csrf_token_is_refused(city_member_a, net):
    client = Client(enforce_csrf_checks=True)
    client.force_login(city_member_a)
    [row] = services.notify(recipients=[city_member_a], title="Forged", url=net.get_absolute_url())
    assert open_notification(client, row).status_code == 403
    row.refresh_from_db()
    assert not row.is_read


def test_mark_all_read_marks_every_unread_one_of_the_person_and_says_how_many(
    client_for, city_member_a, city_member_b
):
    mine = services.notify(recipients=[city_member_a], title="One")
    mine += services.notify(recipients=[city_member_a], title="Two")
    mine += services.notify(recipients=[city_member_a], title="Three")
    services.notification_mark_read(user=city_member_a, notification_ids=[mine[0].pk])
    [theirs] = services.notify(recipients=[city_member_b], title="Not A's")
    client = client_for(city_member_a)
    inbox = client.get(reverse("notifications")).content.decode()
    assert "Mark all as read" in inbox

    response = client.post(reverse("notifications_mark_read"), follow=True)
    html = response.content.decode()
    assert "2 notifications marked as read." in html
    assert not Notification.objects.filter(recipient=city_member_a, read_at=None).exists()
    theirs.refresh_from_db()
    assert not theirs.is_read
    assert header_unread_count(html) == 0
    assert "Mark all as read" not in html  # nothing left to mark

    services.notify(recipients=[city_member_a], title="Four")
    html = client.post(reverse("notifications_mark_read"), follow=True).content.decode()
    assert "1 notification marked as read." in html
    html = client.post(reverse("notifications_mark_read"), follow=True).content.decode()
    assert "There was nothing unread." in html


def test_mark_all_read_service_counts_only_unread_ones(city_member_a):
    services.notify(recipients=[city_member_a], title="One")
    services.notify(recipients=[city_member_a], title="Two")
    assert services.notifications_mark_all_read(user=city_member_a) == 2
    assert services.notifications_mark_all_read(user=city_member_a) == 0


def test_the_inbox_marks_unread_ones_in_words_and_opens_each_through_a_form(
    client_for, city_member_a, net
):
    [read] = services.notify(recipients=[city_member_a], title="Seen before", url="/")
    services.notification_open(user=city_member_a, notification=read)
    [unread] = services.notify(
        recipients=[city_member_a], title="Fresh news", url=net.get_absolute_url()
    )
    [external] = services.notify(
        recipients=[city_member_a], title="Elsewhere", url="https://evil.example/"
    )
    html = client_for(city_member_a).get(reverse("notifications")).content.decode()
    main = html.split('id="main"')[1]
    assert main.count(">Unread</span>") == 2
    assert "· Read" in main
    for row in (read, unread, external):
        assert f'action="{reverse("notification_open", args=[row.pk])}"' in main
    assert 'href="https://evil.example/"' not in html
    assert f'href="{net.get_absolute_url()}"' not in main  # a link would not mark it read
    assert main.count('name="csrfmiddlewaretoken"') == 4  # three to open, one to mark all


def test_a_read_notification_without_an_address_is_plain_text(client_for, city_member_a):
    [row] = services.notify(recipients=[city_member_a], title="Just so you know")
    services.notification_open(user=city_member_a, notification=row)
    html = client_for(city_member_a).get(reverse("notifications")).content.decode()
    assert reverse("notification_open", args=[row.pk]) not in html
    assert "<span>Just so you know</span>" in html


def test_the_unread_count_in_the_header_drops_after_opening(client_for, city_member_a, net):
    record = net.get_absolute_url()
    client = client_for(city_member_a)
    [first] = services.notify(recipients=[city_member_a], title="First", url=record)
    services.notify(recipients=[city_member_a], title="Second", url=record)
    for _ in range(3):  # stored in the page cache, with its count
        page = client.get(record).content.decode()
    assert header_unread_count(page) == 2

    response = client.post(reverse("notification_open", args=[first.pk]), follow=True)
    assert response.redirect_chain == [(record, 302)]
    assert header_unread_count(response.content.decode()) == 1
    assert header_unread_count(client.get(reverse("notifications")).content.decode()) == 1


ROOT = Path(__file__).resolve().parents[2]
#: Calls of notify() that pass no address of their record, and why they may (none now).
NOTIFY_WITHOUT_URL: set[tuple[str, str]] = set()


def notify_calls():
    """(file, enclosing function, call) of every notify() in the apps' code."""
    for app in sorted(path.parent for path in ROOT.glob("*/apps.py")):
        for path in sorted(app.rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            for function in ast.walk(tree):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for node in ast.walk(function):
                    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "notify":
                        yield str(path.relative_to(ROOT)), function.name, node


def test_every_notification_links_to_the_record_it_is_about():
    calls = list(notify_calls())
    assert calls, "no notify() call found: the check sees nothing"
    missing = []
    for path, function, call in calls:
        url = next((k.value for k in call.keywords if k.arg == "url"), None)
        empty = url is None or (isinstance(url, ast.Constant) and not url.value)
        if empty and (path, function) not in NOTIFY_WITHOUT_URL:
            missing.append(f"{path}:{call.lineno} in {function}()")
    assert not missing, "notify() without the address of its record:\n" + "\n".join(missing)
