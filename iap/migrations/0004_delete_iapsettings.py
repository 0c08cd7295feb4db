from django.db import migrations


class Migration(migrations.Migration):
    """The roadmap deadline is a key deadline of the network now (see 0003)."""

    dependencies = [
        ("iap", "0003_plans_for_every_city_and_deadline_to_key_deadlines"),
    ]

    operations = [
        migrations.DeleteModel(name="IapSettings"),
    ]
