"""Notifications reach the inbox at once and the mailbox through the outbox after commit.

One smoke test runs a real Celery worker; the others drive the outbox sweep themselves.
"""

import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse

from partners import services
from partners.models import NotificationEmail
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
