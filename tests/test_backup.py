"""manage.py backup / restore_backup: a whole studio, restored elsewhere, compared."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from access.services import token_create
from tests import services
from tests.backup_snapshot import snapshot
from tests.services import ROOT
from tests.test_media import make_video

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def studio_data_dir(settings, tmp_path: Path) -> Path:
    """The data dir's key files, as a studio with C2PA signing keeps them."""
    data_dir = tmp_path / "studio"
    (data_dir / "keys").mkdir(parents=True)
    (data_dir / "secret_key").write_text(settings.SECRET_KEY)
    key = data_dir / "keys" / "c2pa.key"
    key.write_text("-----BEGIN PRIVATE KEY-----\nnot-a-real-key\n-----END PRIVATE KEY-----\n")
    key.chmod(0o600)
    settings.DATA_DIR = data_dir
    # Media of its own too: other tests leave files in the session's media folder.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": data_dir / "media", "base_url": None},
        },
    }
    return data_dir


@pytest.fixture
def restore_database_url() -> Iterator[str | None]:
    """An empty database of the same kind as the test one: SQLite needs none (the new
    data dir holds it); PostgreSQL gets a fresh database beside the test one."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        yield None
        return
    import psycopg

    name = f"{db['NAME']}_restore"
    admin_url = services.test_database_url().rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield services.test_database_url().rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def child_env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    # No SECRET_KEY: the restored studio must run on the key file the backup brought.
    skip = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "PROMETHEUS_MULTIPROC_DIR")
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(SORA_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="sora_site.settings")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_a_backup_restored_elsewhere_holds_the_same_studio(
    alice, bob, staff_user, studio_data_dir, restore_database_url, tmp_path
) -> None:
    make_video(alice, prompt="a heron in fog")
    make_video(bob, shared=True, content=b"another video" * 100)
    _, raw = token_create(user=alice, name="laptop", scopes=["read"])
    original = snapshot(raw)
    assert len(original["videos"]) == 2 and original["audit"]

    dest = tmp_path / "backup"
    call_command("backup", str(dest))
    manifest = json.loads((dest / "manifest.json").read_text())
    paths = {item["path"] for item in manifest["files"]}
    assert {"data/secret_key", "data/keys/c2pa.key"} <= paths
    assert sum(p.startswith("media/videos/") for p in paths) == 4  # two videos, two posters
    assert manifest["counts"]["videos"] == 2

    target = tmp_path / "restored"
    env = child_env(target, restore_database_url)
    restored = run(env, "manage.py", "restore_backup", str(dest))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "Restored" in restored.stdout
    copy = run(env, "-m", "tests.backup_snapshot", raw)
    assert copy.returncode == 0, copy.stderr
    assert json.loads(copy.stdout) == original | {"token_user": "alice@example.com"}
    assert (target / "keys" / "c2pa.key").stat().st_mode & 0o777 == 0o600

    again = run(env, "manage.py", "restore_backup", str(dest))
    assert again.returncode != 0
    assert "Restore needs an empty studio" in again.stderr


def test_a_damaged_backup_is_refused_and_nothing_is_restored(
    alice, studio_data_dir, restore_database_url, tmp_path
) -> None:
    make_video(alice)
    dest = tmp_path / "backup"
    call_command("backup", str(dest))
    damaged = tmp_path / "damaged"
    shutil.copytree(dest, damaged)
    video = next((damaged / "media" / "videos").rglob("video.mp4"))
    video.write_bytes(b"x" + video.read_bytes()[1:])

    target = tmp_path / "restored"
    env = child_env(target, restore_database_url)
    result = run(env, "manage.py", "restore_backup", str(damaged))
    assert result.returncode != 0
    assert "does not match its checksum" in result.stderr
    assert "Nothing was restored" in result.stderr
    assert not any((target / "media").iterdir())
    assert not (target / "keys").exists()


def test_backup_refuses_a_folder_that_is_not_empty(studio_data_dir, tmp_path) -> None:
    dest = tmp_path / "backup"
    dest.mkdir()
    (dest / "something").write_text("keep me")
    with pytest.raises(CommandError, match="not an empty folder"):
        call_command("backup", str(dest))
    assert (dest / "something").read_text() == "keep me"
