import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models

#: PostgreSQL's configuration of each language, with accents folded before its stemmer
#: (search.languages): "search_<language>". `simple` has no stemmer: its words as they are.
LANGUAGES = ("simple", "english", "french", "hungarian", "italian", "portuguese", "spanish")


def _statements(create: bool) -> list[str]:
    statements = []
    for language in LANGUAGES:
        name = f"search_{language}"
        if not create:
            statements.append(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")
            continue
        dictionary = "simple" if language == "simple" else f"{language}_stem"
        statements += [
            f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.{language})",
            f"ALTER TEXT SEARCH CONFIGURATION {name} "
            f"ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {dictionary}",
        ]
    return statements


def create_configurations(apps, schema_editor):
    """On PostgreSQL only: the SQLite try-out has no full-text search (nor the page)."""
    if schema_editor.connection.vendor == "postgresql":
        for statement in _statements(create=True):
            schema_editor.execute(statement)


def drop_configurations(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in _statements(create=False):
            schema_editor.execute(statement)


class AddIndexOnPostgreSQL(migrations.AddIndex):
    """A PostgreSQL index (GIN); other databases go without it."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("partners", "0010_user_language"),
    ]

    operations = [
        UnaccentExtension(),
        migrations.RunPython(create_configurations, drop_configurations),
        migrations.CreateModel(
            name="Entry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("object_id", models.PositiveBigIntegerField(verbose_name="object id")),
                ("kind", models.CharField(choices=[("meeting", "Transnational meeting"), ("agenda_item", "Agenda item"), ("minutes", "Minutes"), ("call", "Call"), ("document", "Document"), ("roadmap", "IAP roadmap"), ("roadmap_step", "Roadmap step"), ("iap_section", "IAP section"), ("iap_action", "IAP action"), ("ssa", "Small Scale Action"), ("stakeholder", "ULG stakeholder"), ("ulg_meeting", "ULG meeting"), ("person", "Person"), ("news", "News article")], max_length=20, verbose_name="kind")),
                ("title", models.CharField(max_length=400, verbose_name="title")),
                ("detail", models.CharField(blank=True, help_text="E.g. the city.", max_length=300, verbose_name="where it belongs")),
                ("body", models.TextField(blank=True, verbose_name="text searched")),
                ("url", models.CharField(max_length=500, verbose_name="address")),
                ("config", models.CharField(help_text="How its words are read: search_english, search_italian …", max_length=40, verbose_name="text search configuration")),
                ("vector", django.contrib.postgres.search.SearchVectorField(editable=False, null=True, verbose_name="search vector")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                ("content_type", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="contenttypes.contenttype", verbose_name="type of object")),
                ("network", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="partners.network", verbose_name="network")),
                ("partner", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="partners.partner", verbose_name="partner city")),
            ],
            options={
                "verbose_name": "search entry",
                "verbose_name_plural": "search entries",
                "ordering": ["kind", "pk"],
                "indexes": [
                    models.Index(fields=["network", "kind"], name="search_entry_network_kind"),
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("content_type", "object_id", "kind"), name="search_entry_once_per_kind"),
                ],
            },
        ),
        AddIndexOnPostgreSQL(
            model_name="entry",
            index=django.contrib.postgres.indexes.GinIndex(fields=["vector"], name="search_entry_vector"),
        ),
    ]
