"""Settings come from the environment; production settings pass Django's deploy check."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    # The test run itself relaxes Django's async guard for the browser tests; a
    # deployment never would, so the child process must not inherit it.
    inherited = {"DEBUG", "DJANGO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    full_env = {k: v for k, v in os.environ.items() if k not in inherited}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x" * 20 + "a-long-random-looking-production-key-9f8e7d6c5b4a",
    "ALLOWED_HOSTS": "portal.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


def test_production_settings_pass_the_deploy_check():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_settings_would_not_pass_the_deploy_check():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", DATABASE_URL="sqlite://")
    assert result.returncode != 0
    assert "security.W" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_a_sqlite_database_url_works_for_a_zero_service_try_out(tmp_path):
    url = f"sqlite:///{tmp_path / 'try.sqlite3'}"
    result = run_manage("migrate", "--noinput", DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    result = run_manage("load_demo", DATABASE_URL=url, MEDIA_ROOT=str(tmp_path / "media"))
    assert result.returncode == 0, result.stderr
    assert "coordinator@example.org" in result.stdout
