"""Configuration: the production settings pass Django's deployment check."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_python(*args, drop=(), **env):
    """Run the venv's Python in the repo with the test process's environment, adjusted."""
    # The test suite allows async-unsafe calls for Playwright; a deployment must not.
    dropped = {"DJANGO_ALLOW_ASYNC_UNSAFE", *drop}
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def test_production_configuration_passes_check_deploy_with_no_findings():
    result = run_python(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="teaching.settings_production",
        SECRET_KEY="x7#kq" * 12,
        ALLOWED_HOSTS="lens.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_python(
        "manage.py", "check", drop={"SECRET_KEY"}, DJANGO_SETTINGS_MODULE="teaching.settings_production"
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_development_settings_default_to_sqlite_with_concurrent_write_options():
    probe = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default'], default=str))"
    )
    result = run_python("-c", probe, drop={"DATABASE_URL"}, DJANGO_SETTINGS_MODULE="teaching.settings")
    database = json.loads(result.stdout)
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"].endswith("db.sqlite3")
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
