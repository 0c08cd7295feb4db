"""The roadmap deadline reminders sent before obligations existed go into the audit log,
with their dates, so the log shows them as it shows the new ones."""

from django.db import migrations

STAGES = {"14_days": ("before", 14), "3_days": ("before", 3), "late": ("escalated", 0)}


def forwards(apps, schema_editor):
    DeadlineReminder = apps.get_model("iap", "DeadlineReminder")
    Obligation = apps.get_model("partners", "Obligation")
    ReminderSent = apps.get_model("progress", "ReminderSent")
    for old in DeadlineReminder.objects.order_by("pk"):
        obligation = (
            Obligation.objects.filter(network_id=old.network_id, kind="iap_roadmap").first()
            or Obligation.objects.get_or_create(
                network_id=old.network_id,
                kind="other",
                due_on=old.deadline,
                defaults={"title": "IAP roadmaps submitted (earlier deadline)"},
            )[0]
        )
        stage, days = STAGES.get(old.kind, ("before", 0))
        row, created = ReminderSent.objects.get_or_create(
            obligation=obligation,
            partner_id=old.partner_id,
            stage=stage,
            days_before=days,
            due_on=old.deadline,
            defaults={
                "title": "IAP roadmap deadline reminder",
                "recipient_names": "the city team" if old.partner_id else "the coordinators",
            },
        )
        ReminderSent.objects.filter(pk=row.pk).update(sent_at=old.sent_at)


def backwards(apps, schema_editor):
    DeadlineReminder = apps.get_model("iap", "DeadlineReminder")
    ReminderSent = apps.get_model("progress", "ReminderSent")
    kinds = {value: key for key, value in STAGES.items()}
    for row in ReminderSent.objects.filter(obligation__kind="iap_roadmap").select_related(
        "obligation"
    ):
        kind = kinds.get((row.stage, row.days_before))
        if kind and (kind == "late") == (row.partner_id is None):
            DeadlineReminder.objects.get_or_create(
                network_id=row.obligation.network_id,
                partner_id=row.partner_id,
                kind=kind,
                deadline=row.due_on,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0001_reminders_sent"),
        ("iap", "0005_plausible_dates_and_markdown_limits"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
