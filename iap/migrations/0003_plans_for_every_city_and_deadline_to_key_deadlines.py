"""Every existing city gets its roadmap and plan (new ones get them when created), and the
IAP roadmap deadline moves to the network's key deadlines."""

from django.db import migrations

#: The plan's sections as they were when this migration was written.
SECTION_KINDS = ["context", "objectives", "actions", "funding", "monitoring", "risks"]


def create_city_plans(apps, schema_editor):
    Partner = apps.get_model("partners", "Partner")
    Roadmap = apps.get_model("iap", "Roadmap")
    ActionPlan = apps.get_model("iap", "ActionPlan")
    PlanSection = apps.get_model("iap", "PlanSection")
    for partner in Partner.objects.all():
        Roadmap.objects.get_or_create(partner=partner)
        plan, _created = ActionPlan.objects.get_or_create(partner=partner)
        PlanSection.objects.bulk_create(
            [PlanSection(plan=plan, kind=kind) for kind in SECTION_KINDS], ignore_conflicts=True
        )


def deadlines_to_key_deadlines(apps, schema_editor):
    IapSettings = apps.get_model("iap", "IapSettings")
    KeyDeadline = apps.get_model("partners", "KeyDeadline")
    for row in IapSettings.objects.exclude(roadmap_deadline=None):
        if not KeyDeadline.objects.filter(network_id=row.network_id, purpose="iap_roadmap").exists():
            KeyDeadline.objects.create(
                network_id=row.network_id,
                purpose="iap_roadmap",
                title="IAP roadmaps submitted",
                due_on=row.roadmap_deadline,
            )


def key_deadlines_to_deadlines(apps, schema_editor):
    IapSettings = apps.get_model("iap", "IapSettings")
    KeyDeadline = apps.get_model("partners", "KeyDeadline")
    for deadline in KeyDeadline.objects.filter(purpose="iap_roadmap"):
        IapSettings.objects.update_or_create(
            network_id=deadline.network_id, defaults={"roadmap_deadline": deadline.due_on}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("iap", "0002_verbose_names_and_versions"),
        ("partners", "0004_one_outbox_and_deadline_purpose"),
    ]

    operations = [
        migrations.RunPython(create_city_plans, migrations.RunPython.noop),
        migrations.RunPython(deadlines_to_key_deadlines, key_deadlines_to_deadlines),
    ]
