"""Uploaded files go to S3-compatible object storage when MEDIA_STORAGE_URL says so."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The storage each process builds from its settings, as Django hands it to the file fields.
REPORT = """
import json
from django.conf import settings
from django.core.files.storage import storages

media = storages["default"]
print(json.dumps({
    "STORAGES": settings.STORAGES,
    "DATABASE": settings.DATABASES["default"],
    "media": {
        "class": type(media).__name__,
        **{
            name: getattr(media, name, None)
            for name in [
                "bucket_name", "location", "endpoint_url", "region_name", "addressing_style",
                "default_acl", "querystring_auth", "file_overwrite", "access_key", "base_location",
            ]
        },
    },
}, default=str))
"""

S3_URL = (
    "s3://portal-media/cities4csr/uploads?endpoint_url=https://s3.example.org&region_name=eu-west-1"
)


def settings_with(**env):
    """The storage settings a fresh process reads from this environment, or its error."""
    own = {"DJANGO_ENV", "DEBUG", "MEDIA_STORAGE_URL", "MEDIA_ROOT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    full_env = {k: v for k, v in os.environ.items() if k not in own and not k.startswith("AWS_")}
    full_env.update(DJANGO_SETTINGS_MODULE="cities4csr.settings", **env)
    result = subprocess.run(
        [sys.executable, "-c", REPORT],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode:
        return result.stderr
    return json.loads(result.stdout)


def test_without_a_storage_url_uploads_stay_on_the_local_disk(tmp_path):
    report = settings_with(MEDIA_ROOT=str(tmp_path))
    assert report["STORAGES"]["default"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }
    assert report["media"]["class"] == "FileSystemStorage"
    assert report["media"]["base_location"] == str(tmp_path)


def test_a_storage_url_puts_uploads_in_a_private_bucket():
    report = settings_with(
        MEDIA_STORAGE_URL=S3_URL, AWS_ACCESS_KEY_ID="AKIA-TEST", AWS_SECRET_ACCESS_KEY="secret"
    )
    assert report["STORAGES"]["default"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "portal-media",
            "location": "cities4csr/uploads",
            "endpoint_url": "https://s3.example.org",
            "region_name": "eu-west-1",
            "addressing_style": None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    media = report["media"]
    assert media["class"] == "S3Storage"
    assert media["bucket_name"] == "portal-media"
    assert media["location"] == "cities4csr/uploads"
    assert media["endpoint_url"] == "https://s3.example.org"
    assert media["region_name"] == "eu-west-1"
    assert media["default_acl"] is None and media["querystring_auth"] is True
    assert media["file_overwrite"] is False
    assert media["access_key"] == "AKIA-TEST"  # from the environment, as boto3 reads it


def test_a_bucket_alone_keeps_files_at_its_root_with_path_style_addresses():
    report = settings_with(MEDIA_STORAGE_URL="s3://media?addressing_style=path")
    options = report["STORAGES"]["default"]["OPTIONS"]
    assert options["bucket_name"] == "media" and options["location"] == ""
    assert options["endpoint_url"] is None and options["addressing_style"] == "path"


def test_static_files_stay_with_whitenoise_when_uploads_move_to_a_bucket():
    report = settings_with(
        MEDIA_STORAGE_URL=S3_URL,
        DJANGO_ENV="production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="portal.example.org",
    )
    assert report["STORAGES"]["staticfiles"] == {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    }
    assert report["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"


@pytest.mark.parametrize(
    "url, says",
    [
        ("https://portal-media/uploads", "has the scheme 'https', not 's3'"),
        ("s3:///uploads", "does not name a bucket"),
        ("s3://Portal-Media/uploads", "does not name a bucket"),
        ("s3://portal-media:9000/uploads", "does not name a bucket"),
        ("s3://portal-media:port/uploads", "cannot be read"),
        ("s3://AKIA:hunter2@portal-media/uploads", "holds credentials"),
        ("s3://portal-media?endpoint=https://s3.example.org", "has unknown parameters: endpoint"),
        ("s3://portal-media?region_name=a&region_name=b", "repeats a parameter"),
        ("s3://portal-media?region_name=", "repeats a parameter or leaves one empty"),
        ("s3://portal-media?endpoint_url=s3.example.org", "endpoint_url that is not an http(s)"),
        ("s3://portal-media?addressing_style=sideways", "addressing_style other than"),
        ("s3://portal-media?region_name", "cannot be read"),
    ],
)
def test_a_malformed_storage_url_stops_the_start_with_a_clear_message(url, says):
    error = settings_with(MEDIA_STORAGE_URL=url)
    assert isinstance(error, str), "the settings loaded"
    assert "ImproperlyConfigured: MEDIA_STORAGE_URL " in error
    assert says in error
    assert "expected s3://bucket/prefix?endpoint_url=" in error
    assert "hunter2" not in error


def test_server_side_cursors_can_be_turned_off_for_a_transaction_pooler():
    assert settings_with()["DATABASE"]["DISABLE_SERVER_SIDE_CURSORS"] is False
    report = settings_with(DATABASE_DISABLE_SERVER_SIDE_CURSORS="true")
    assert report["DATABASE"]["DISABLE_SERVER_SIDE_CURSORS"] is True
