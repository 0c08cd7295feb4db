"""Notifications reach the inbox at once and the mailbox after commit, through Celery."""

import time

import pytest
from django.core import mail
from django.db import transaction

from partners import services, tasks
from partners.models import Notification
from tests.services import unreachable_broker


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.django_db(transaction=True)
def test_email_goes_out_through_a_real_worker_after_commit(celery_worker, city_member_a):
    with transaction.atomic():
        services.notify(
            recipients=[city_member_a], title="Your roadmap was approved", url="/n/x/", email=True
        )
        time.sleep(0.3)
        assert mail.outbox == []  # nothing leaves before the transaction commits
    assert wait_for(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].to == [city_member_a.email]
    assert "Your roadmap was approved" in mail.outbox[0].subject
    assert "http://" in mail.outbox[0].body
    assert wait_for(lambda: Notification.objects.filter(email_sent_at__isnull=False).count() == 1)


@pytest.mark.django_db(transaction=True)
def test_rolled_back_notification_is_never_sent(celery_worker, city_member_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify(recipients=[city_member_a], title="Never", email=True)
        raise RuntimeError("the change failed")
    time.sleep(0.5)
    assert mail.outbox == []
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_broker_down_delays_the_email_but_does_not_lose_it(city_member_a, settings):
    with unreachable_broker(), transaction.atomic():
        services.notify(recipients=[city_member_a], title="Check-up call moved", email=True)
    assert mail.outbox == []
    row = Notification.objects.get()
    assert row.email_sent_at is None
    assert tasks.send_pending_emails() == 1  # the beat sweep, once the broker is back
    assert len(mail.outbox) == 1
    assert tasks.send_pending_emails() == 0


@pytest.mark.django_db
def test_each_email_is_sent_once_however_often_the_task_runs(city_member_a, city_member_b):
    rows = services.notify(recipients=[city_member_a, city_member_b], title="TNM #4", email=True)
    for _ in range(3):
        for row in rows:
            tasks.send_notification_email(row.pk)
        tasks.send_pending_emails()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [city_member_a.email, city_member_b.email]
    )


@pytest.mark.django_db
def test_failed_send_is_counted_and_tried_again(city_member_a, settings):
    [row] = services.notify(recipients=[city_member_a], title="Retry me", email=True)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    assert services.send_notification_email(notification_id=row.pk) is False
    row.refresh_from_db()
    assert row.email_attempts == 1 and row.email_sent_at is None and row.email_last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.send_notification_email(notification_id=row.pk) is True


@pytest.mark.django_db
def test_inactive_people_and_duplicates_get_one_or_no_notification(city_member_a, outsider):
    outsider.is_active = False
    outsider.save()
    rows = services.notify(recipients=[city_member_a, city_member_a, outsider], title="x")
    assert [r.recipient for r in rows] == [city_member_a]


@pytest.mark.django_db(transaction=True)
def test_health_task_runs_on_a_real_worker(celery_worker):
    from django.core.cache import cache
    from django.utils import timezone

    cache.delete(tasks.HEARTBEAT_KEY)
    sent = timezone.now().isoformat()
    tasks.health_ping.delay()
    assert wait_for(lambda: (cache.get(tasks.HEARTBEAT_KEY) or "") >= sent)


def test_every_periodic_job_names_a_registered_task():
    from django.conf import settings

    from cities4csr.celery import app

    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, f"{name}: {entry['task']} is not a task"
