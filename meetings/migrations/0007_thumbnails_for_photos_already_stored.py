"""Photos uploaded before thumbnails existed get theirs, so that every gallery shows them.
A file missing from storage, or one that is not a readable image, is left as it was."""

from django.db import migrations

from portal.thumbnails import is_image, make_thumbnail


def thumbnails(model):
    def forwards(apps, schema_editor):
        Model = apps.get_model(*model)
        for row in Model.objects.filter(thumbnail="").exclude(file=""):
            if not is_image(row.file.name):
                continue
            try:
                with row.file.open("rb") as stored:
                    thumbnail = make_thumbnail(stored)
            except OSError:  # gone from storage
                continue
            if thumbnail is not None:
                row.thumbnail.save(thumbnail.name, thumbnail, save=False)
                Model.objects.filter(pk=row.pk).update(thumbnail=row.thumbnail.name)

    return forwards


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0006_actions_slots_library_invitations"),
        ("iap", "0007_ssa_photo_thumbnails"),
    ]

    operations = [
        migrations.RunPython(thumbnails(("meetings", "Document")), migrations.RunPython.noop),
        migrations.RunPython(thumbnails(("iap", "SsaFile")), migrations.RunPython.noop),
    ]
