"""Photos stored before thumbnails existed get theirs when the portal is migrated."""

import datetime as dt
import io

from django.core.files.base import ContentFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from PIL import Image

BEFORE = [
    ("meetings", "0006_actions_slots_library_invitations"),
    ("iap", "0007_ssa_photo_thumbnails"),
]


def png(width=800, height=600) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 120, 60)).save(out, "PNG")
    return out.getvalue()


def test_photos_already_stored_get_thumbnails_and_other_files_do_not(migrator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    migrator.migrate(BEFORE)
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    network = old.get_model("partners", "Network").objects.create(
        name="Old", acronym="OLD", slug="old",
        start_date=dt.date(2019, 9, 1), end_date=dt.date(2022, 12, 31),
    )  # fmt: skip
    Document = old.get_model("meetings", "Document")
    photo = Document(network=network, title="Site visit")
    photo.file.save("visit.png", ContentFile(png()), save=True)
    slides = Document(network=network, title="Slides")
    slides.file.save("slides.pdf", ContentFile(b"%PDF-1.4 slides"), save=True)
    gone = Document(network=network, title="Lost photo", file="meetings/library/1/x/lost.png")
    gone.save()

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    photo.refresh_from_db()
    slides.refresh_from_db()
    gone.refresh_from_db()
    assert photo.thumbnail.name.endswith(".jpg")
    with photo.thumbnail.open("rb") as stored:
        assert Image.open(stored).width == 320
    assert slides.thumbnail.name == "" and gone.thumbnail.name == ""
