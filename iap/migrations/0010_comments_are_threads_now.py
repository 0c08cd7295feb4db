from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("iap", "0009_threads_plan_states_lessons_rubric"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="sectioncomment",
            name="author",
        ),
        migrations.RemoveField(
            model_name="sectioncomment",
            name="section",
        ),
        migrations.RemoveField(
            model_name="actionplan",
            name="status",
        ),
        migrations.RemoveField(
            model_name="smallscaleaction",
            name="lessons",
        ),
        migrations.DeleteModel(
            name="RoadmapComment",
        ),
        migrations.DeleteModel(
            name="SectionComment",
        ),
    ]
