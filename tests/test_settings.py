"""Settings come from the environment; malformed values stop start-up by name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import ROOT

pytestmark = pytest.mark.slow

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x" * 20 + "-production-secret-key-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "studio.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://studio.example.org",
    # A production studio signs with its own certificate or not at all (sora_site.W004);
    # this one does not sign, so it needs no certificate files.
    "C2PA_ENABLED": "0",
}


def run_manage(tmp_path: Path, *args: str, **env_vars: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(SORA_DATA_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="sora_site.settings")
    env.update(env_vars)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings(tmp_path: Path) -> None:
    result = run_manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_without_secret_key_refuses_to_start(tmp_path: Path) -> None:
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = run_manage(tmp_path, "check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("PORT_IS_NOT_READ_HERE", "x"),
        ("JOB_TIMEOUT_SECONDS", "soon"),
        ("DATABASE_URL", "mysql://nope"),
        ("REDIS_URL", "localhost:6379"),
        ("DJANGO_ENV", "staging"),
        ("CSRF_TRUSTED_ORIGINS", "studio.example.org"),
        ("GENERATION_OFFLOAD", "maybe"),
    ],
)
def test_malformed_values_stop_start_up_naming_the_variable(
    tmp_path: Path, variable: str, value: str
) -> None:
    result = run_manage(tmp_path, "check", **{variable: value})
    if variable == "PORT_IS_NOT_READ_HERE":
        assert result.returncode == 0  # control: an unknown variable is ignored
        return
    assert result.returncode != 0
    assert variable in result.stderr


def test_embedded_default_keeps_all_state_in_the_data_dir(tmp_path: Path) -> None:
    result = run_manage(tmp_path, "migrate", "--noinput")
    assert result.returncode == 0, result.stderr
    data_dir = tmp_path / "var"
    assert (data_dir / "db.sqlite3").exists()
    assert len((data_dir / "secret_key").read_text()) >= 50
    again = run_manage(
        tmp_path,
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
    )
    assert again.stdout.strip() == (data_dir / "secret_key").read_text().strip()


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path: Path) -> None:
    code = (
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]); "
        "print(connection.settings_dict['OPTIONS']['transaction_mode'])"
    )
    result = run_manage(tmp_path, "shell", "-v", "0", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "IMMEDIATE"]
