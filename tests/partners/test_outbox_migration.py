"""Moving to the one outbox keeps every e-mail's state: sent stays sent, pending is sent."""

import datetime as dt

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from partners.models import InvitationEmail, NotificationEmail
from portal.outbox import OutboxStatus

BEFORE = ("partners", "0003_workplan_ulg_meetings_pairs_invitations")


def test_old_emails_become_outbox_rows_in_the_state_they_were(migrator):
    migrator.migrate([BEFORE])
    old = MigrationExecutor(connection).loader.project_state([BEFORE]).apps
    person = old.get_model("partners", "User").objects.create(email="old@example.org")
    network = old.get_model("partners", "Network").objects.create(
        name="Old", acronym="OLD", slug="old",
        start_date=dt.date(2019, 9, 1), end_date=dt.date(2022, 12, 31),
    )  # fmt: skip
    notification = old.get_model("partners", "Notification")
    sent = notification.objects.create(
        recipient=person, title="Sent", email_wanted=True,
        email_sent_at=timezone.now(), email_attempts=1,
    )  # fmt: skip
    waiting = notification.objects.create(
        recipient=person, title="Waiting", email_wanted=True, email_attempts=2,
        email_last_error="Connection refused",
    )  # fmt: skip
    given_up = notification.objects.create(
        recipient=person, title="Given up", email_wanted=True, email_attempts=8
    )
    inbox_only = notification.objects.create(recipient=person, title="Inbox only")
    invitation = old.get_model("partners", "Invitation")
    now = timezone.now()
    accepted = invitation.objects.create(
        network=network, email="a@example.org", role="lead_expert",
        expires_at=now, accepted_at=now, email_sent_at=now, email_attempts=1,
    )  # fmt: skip
    open_unsent = invitation.objects.create(
        network=network, email="b@example.org", role="lead_expert",
        expires_at=now + dt.timedelta(days=7),
    )  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    emails = {e.notification_id: e for e in NotificationEmail.objects.all()}
    assert set(emails) == {sent.pk, waiting.pk, given_up.pk}  # not the inbox-only one
    assert inbox_only.pk not in emails
    assert emails[sent.pk].status == OutboxStatus.SENT and emails[sent.pk].sent_at
    assert emails[waiting.pk].status == OutboxStatus.PENDING
    assert (emails[waiting.pk].attempts, emails[waiting.pk].last_error) == (
        2,
        "Connection refused",
    )
    assert emails[given_up.pk].status == OutboxStatus.FAILED
    invitations = {e.invitation_id: e.status for e in InvitationEmail.objects.all()}
    assert invitations == {accepted.pk: OutboxStatus.SENT, open_unsent.pk: OutboxStatus.PENDING}
