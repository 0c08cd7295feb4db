"""`make run` ends in `make serve`: web, worker and beat start together and the site answers."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_make_serve_starts_web_worker_and_beat(tmp_path):
    port = free_port()
    db = settings.DATABASES["default"]
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "CELERY_CONCURRENCY": "1",
        # The test database, so that the served site has its tables.
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        # A Redis database of its own, so this beat and worker touch nothing else.
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603
            ["make", "--no-print-directory", "serve"],  # noqa: S607
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        status = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            text = log.read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/") as page:  # noqa: S310
                    status = page.status
            except OSError:
                pass
            if status == 200 and "ready." in text and "beat: Starting" in text:
                break
            time.sleep(0.5)
        text = log.read_text()
        assert status == 200, text
        assert "ready." in text, text  # the Celery worker
        assert "beat: Starting" in text, text
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
