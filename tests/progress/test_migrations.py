"""Key deadlines become obligations and the roadmap deadline reminders already sent go
into the audit log, with their dates: nothing sent before is sent again."""

import datetime as dt

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from partners.enums import ObligationKind, Role
from partners.models import Obligation
from progress.enums import ReminderStage
from progress.models import ReminderSent
from progress.services import send_obligation_reminders
from tests.factories import MembershipFactory, UserFactory

BEFORE = [
    ("partners", "0006_plausible_dates"),
    ("iap", "0005_plausible_dates_and_markdown_limits"),
]
ROADMAPS_DUE = dt.date(2020, 12, 31)


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(7, 0)), dt.UTC)


def test_key_deadlines_become_obligations_and_their_reminders_the_audit_log(migrator):
    migrator.migrate(BEFORE)
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    network_model = old.get_model("partners", "Network")
    partner_model = old.get_model("partners", "Partner")
    deadline_model = old.get_model("partners", "KeyDeadline")
    reminder_model = old.get_model("iap", "DeadlineReminder")

    def network(slug):
        return network_model.objects.create(
            name=slug.title(), acronym=slug.upper(), slug=slug,
            start_date=dt.date(2019, 9, 1), end_date=dt.date(2022, 12, 31),
        )  # fmt: skip

    net = network("csr")
    sofia = partner_model.objects.create(network=net, city="Sofia", slug="sofia", country="BG")
    porto = partner_model.objects.create(network=net, city="Porto", slug="porto", country="PT")
    roadmap = deadline_model.objects.create(
        network=net, title="IAP roadmaps submitted", due_on=ROADMAPS_DUE, purpose="iap_roadmap"
    )
    kickoff = deadline_model.objects.create(
        network=net, title="Kick-off meeting", due_on=dt.date(2020, 2, 20), purpose="other"
    )
    sent = {
        ("14_days", sofia.pk): dt.date(2020, 12, 17),
        ("3_days", sofia.pk): dt.date(2020, 12, 28),
        ("late", None): dt.date(2021, 1, 1),  # the old report to the coordinators
    }
    for (kind, partner_id), day in sent.items():
        row = reminder_model.objects.create(
            network=net, partner_id=partner_id, kind=kind, deadline=ROADMAPS_DUE
        )
        reminder_model.objects.filter(pk=row.pk).update(sent_at=at(day))
    # A network whose roadmap deadline was removed after its reminders went out.
    gone = network("gone")
    lisbon = partner_model.objects.create(network=gone, city="Lisbon", slug="lisbon", country="PT")
    row = reminder_model.objects.create(
        network=gone, partner=lisbon, kind="14_days", deadline=dt.date(2020, 11, 30)
    )
    reminder_model.objects.filter(pk=row.pk).update(sent_at=at(dt.date(2020, 11, 16)))

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    obligations = {ob.pk: ob for ob in Obligation.objects.filter(network_id=net.pk)}
    assert set(obligations) == {roadmap.pk, kickoff.pk}  # the same rows
    assert obligations[roadmap.pk].kind == ObligationKind.ROADMAP
    assert obligations[roadmap.pk].due_on == ROADMAPS_DUE
    assert obligations[roadmap.pk].title == "IAP roadmaps submitted"
    assert obligations[kickoff.pk].kind == ObligationKind.MILESTONE
    assert obligations[kickoff.pk].due_on == dt.date(2020, 2, 20)
    for obligation in obligations.values():  # what reminders and states need, by default
        assert obligation.remind_days == [14, 3] and obligation.grace_days == 7

    log = sorted(
        (row.partner_id or 0, row.stage, row.days_before, row.due_on, row.sent_at)
        for row in ReminderSent.objects.filter(obligation_id=roadmap.pk)
    )
    assert log == sorted(
        [
            (sofia.pk, ReminderStage.BEFORE, 14, ROADMAPS_DUE, at(dt.date(2020, 12, 17))),
            (sofia.pk, ReminderStage.BEFORE, 3, ROADMAPS_DUE, at(dt.date(2020, 12, 28))),
            # 0: the old report to the coordinators named no city.
            (0, ReminderStage.ESCALATED, 0, ROADMAPS_DUE, at(dt.date(2021, 1, 1))),
        ]
    )
    [earlier] = Obligation.objects.filter(network_id=gone.pk)
    assert (earlier.kind, earlier.due_on) == (ObligationKind.MILESTONE, dt.date(2020, 11, 30))
    [lisbon_row] = ReminderSent.objects.filter(obligation=earlier)
    assert (lisbon_row.partner_id, lisbon_row.stage, lisbon_row.days_before) == (
        lisbon.pk,
        ReminderStage.BEFORE,
        14,
    )
    assert lisbon_row.sent_at == at(dt.date(2020, 11, 16))

    # What went out before is not sent again: Sofia had its 3-day reminder, Porto had none.
    for city in (sofia, porto):  # someone to tell in each city (nobody: nothing is logged)
        MembershipFactory(
            user=UserFactory(), network_id=net.pk, partner_id=city.pk,
            role=Role.CITY_COORDINATOR,
        )  # fmt: skip
    counts = send_obligation_reminders(today=dt.date(2020, 12, 29))
    assert counts == {"before": 1, "late": 0, "escalated": 0}
    assert ReminderSent.objects.filter(
        obligation_id=roadmap.pk, partner_id=porto.pk, stage=ReminderStage.BEFORE
    ).exists()
    # Late now: each city is told, but the coordinators were told by the old report.
    counts = send_obligation_reminders(today=dt.date(2021, 1, 10))
    assert counts == {"before": 0, "late": 2, "escalated": 0}


def test_going_back_keeps_every_dated_obligation_as_a_key_deadline(migrator, net):
    for kind, extra in [
        (ObligationKind.ROADMAP, {}),
        (ObligationKind.ULG_MEETING, {}),
        (ObligationKind.ULG_MEETING, {"title": "Next quarter"}),
        (ObligationKind.TNM_ATTENDANCE, {"meeting_number": 6}),
        (ObligationKind.MILESTONE, {}),
    ]:
        Obligation.objects.create(
            network=net, kind=kind, title=extra.pop("title", str(kind.label)),
            due_on=ROADMAPS_DUE, **extra,
        )  # fmt: skip
    Obligation.objects.create(
        network=net, kind=ObligationKind.ROADMAP_REVIEW, title="Reviews", within_days=10
    )
    migrator.migrate(BEFORE)
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    rows = old.get_model("partners", "KeyDeadline").objects.filter(network_id=net.pk)
    assert sorted(rows.values_list("purpose", flat=True)) == ["iap_roadmap", *["other"] * 4]
    assert set(rows.values_list("due_on", flat=True)) == {ROADMAPS_DUE}
