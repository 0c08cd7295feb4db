from django.db import migrations


class Migration(migrations.Migration):
    """The roadmap deadline reminders are obligation reminders now (`progress`); their rows
    were copied into its audit log first."""

    dependencies = [
        ("iap", "0005_plausible_dates_and_markdown_limits"),
        ("progress", "0002_deadline_reminders_into_the_log"),
    ]

    operations = [migrations.DeleteModel(name="DeadlineReminder")]
