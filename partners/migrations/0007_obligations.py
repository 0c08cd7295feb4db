"""Key deadlines become obligations: the same rows (the roadmap deadline keeps its kind, the
display-only ones become milestones), with what reminders and states need."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

import partners.models
import portal.validators


def back_to_key_deadlines(apps, schema_editor):
    """Going back, key deadlines know two purposes: the roadmap deadline and the others.
    A review (no date) cannot be one; every other new kind becomes a plain deadline."""
    Obligation = apps.get_model("partners", "Obligation")
    Obligation.objects.filter(kind="roadmap_review").delete()
    Obligation.objects.exclude(kind__in=["iap_roadmap", "other"]).update(kind="other")


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0006_plausible_dates"),
        # iap's earlier migrations read and write the model by its old name.
        ("iap", "0005_plausible_dates_and_markdown_limits"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="keydeadline", name="one_deadline_per_purpose"),
        migrations.RenameModel(old_name="KeyDeadline", new_name="Obligation"),
        migrations.RenameField(model_name="obligation", old_name="purpose", new_name="kind"),
        migrations.AlterModelOptions(
            name="obligation",
            options={
                "ordering": ["network", models.OrderBy(models.F("due_on"), nulls_first=True), "pk"],
                "verbose_name": "obligation",
                "verbose_name_plural": "obligations",
            },
        ),
        migrations.AddField(
            model_name="obligation",
            name="grace_days",
            field=models.PositiveSmallIntegerField(
                default=7,
                validators=[django.core.validators.MaxValueValidator(365)],
                verbose_name="tell the coordinator after (days late)",
            ),
        ),
        migrations.AddField(
            model_name="obligation",
            name="meeting_number",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="For attendance: the transnational meeting it is about.",
                null=True,
                verbose_name="TNM number",
            ),
        ),
        migrations.AddField(
            model_name="obligation",
            name="opens_on",
            field=models.DateField(
                blank=True,
                help_text="E.g. the first day of the quarter in which a ULG meeting is owed.",
                null=True,
                validators=[portal.validators.plausible_date],
                verbose_name="counts from",
            ),
        ),
        migrations.AddField(
            model_name="obligation",
            name="remind_days",
            field=models.JSONField(
                blank=True,
                default=partners.models.default_remind_days,
                validators=[partners.models.validate_remind_days],
                verbose_name="remind (days before)",
            ),
        ),
        migrations.AddField(
            model_name="obligation",
            name="target",
            field=models.PositiveSmallIntegerField(
                default=1,
                help_text="For Small Scale Actions: how many each city plans.",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(100),
                ],
                verbose_name="how many",
            ),
        ),
        migrations.AddField(
            model_name="obligation",
            name="within_days",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(365),
                ],
                verbose_name="review within (days)",
            ),
        ),
        migrations.AlterField(
            model_name="obligation",
            name="due_on",
            field=models.DateField(
                blank=True,
                help_text="For reviews, leave empty: each review is due N days after its submission.",
                null=True,
                validators=[portal.validators.plausible_date],
                verbose_name="due on",
            ),
        ),
        migrations.AlterField(
            model_name="obligation",
            name="kind",
            field=models.CharField(
                choices=[
                    ("iap_roadmap", "Submit the IAP roadmap"),
                    ("roadmap_review", "Review each submitted roadmap"),
                    ("ssas_planned", "Plan the Small Scale Actions"),
                    ("ulg_meeting", "Hold a ULG meeting"),
                    ("tnm_attendance", "Register attendance for a TNM"),
                    ("follow_ups", "Finish the check-up call follow-ups"),
                    ("final_iap", "Deliver the final IAP"),
                    ("other", "Milestone of the workplan (nobody owes it)"),
                ],
                default="other",
                max_length=20,
                verbose_name="what is owed",
            ),
        ),
        migrations.AlterField(
            model_name="obligation",
            name="network",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="obligations",
                to="partners.network",
                verbose_name="network",
            ),
        ),
        migrations.AddConstraint(
            model_name="obligation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind__in", ("iap_roadmap", "roadmap_review", "final_iap"))),
                fields=("network", "kind"),
                name="one_obligation_per_kind",
                violation_error_message="The network has one obligation of this kind only.",
            ),
        ),
        migrations.AddConstraint(
            model_name="obligation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "roadmap_review"), ("within_days__isnull", False)),
                    models.Q(
                        models.Q(("kind", "roadmap_review"), _negated=True),
                        ("due_on__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="obligation_has_a_due_date",
                violation_error_message="Give a due date (or, for reviews, the number of days).",
            ),
        ),
        migrations.AddConstraint(
            model_name="obligation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "tnm_attendance"), _negated=True),
                    ("meeting_number__isnull", False),
                    _connector="OR",
                ),
                name="attendance_names_its_meeting",
                violation_error_message="Give the number of the TNM.",
            ),
        ),
        migrations.AddConstraint(
            model_name="obligation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("opens_on__isnull", True),
                    ("due_on__isnull", True),
                    ("due_on__gte", models.F("opens_on")),
                    _connector="OR",
                ),
                name="obligation_dates_in_order",
                violation_error_message="The due date is before the date it counts from.",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, back_to_key_deadlines),
    ]
