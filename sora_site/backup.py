"""Backup and restore of a whole studio: database, media and the data dir's key files.

A backup is a folder:

    manifest.json      what is inside, with a SHA-256 and size for every file
    db.sqlite3         SQLite's online backup (consistent while the studio runs), or
    db.pgdump          pg_dump --format=custom of the PostgreSQL database
    media/...          every file of the default storage, read through Django's
                       storage API (so S3 and other backends work the same way)
    data/...           key files from SORA_DATA_DIR (secret_key, signing keys, ...)

Restore checks every checksum before it writes anything, and only writes into an
empty studio (no tables, no media, no key files but the one settings generate).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from access.models import ApiToken, AuditEvent
from generation.models import Job, Video

FORMAT = 1
CHUNK = 1024 * 1024
# Data-dir entries that are not keys: the database, media, Redis, caches, locks.
DATA_DIR_SKIP = {
    "media",
    "redis",
    "static",
    "metrics",
    "serve.lock",
    "db.sqlite3",
    "db.sqlite3-wal",
    "db.sqlite3-shm",
    "db.sqlite3-journal",
}
# Settings create this file on first start when SECRET_KEY is unset; restore replaces it.
GENERATED_FILES = {"secret_key"}


class BackupError(Exception):
    """Something a person must fix; the message says what. Nothing was changed."""


@dataclass(frozen=True)
class Entry:
    path: str  # relative to the backup folder, with forward slashes
    sha256: str
    size: int


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- backup ---------------------------------------------------------------------


def backup_create(*, dest: Path) -> dict[str, Any]:
    """Write a backup of this studio into `dest` (new or empty); return the manifest."""
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"{dest} already exists and is not an empty folder; choose a new one.")
    dest.mkdir(parents=True, exist_ok=True)
    try:
        database = _database_dump(dest)
        media = list(_media_copy(default_storage, dest / "media"))
        keys = list(_data_files_copy(Path(settings.DATA_DIR), dest / "data"))
    except BaseException:
        shutil.rmtree(dest, ignore_errors=True)  # a half-written backup must not look whole
        raise
    files = [_entry(dest, dest / database), *media, *keys]
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": {"vendor": connection.vendor, "file": database},
        "migrations": _latest_migrations(),
        "counts": studio_counts(),
        "secret_key_in_backup": (dest / "data" / "secret_key").exists(),
        "files": [entry.__dict__ for entry in files],
    }
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def _entry(root: Path, path: Path) -> Entry:
    return Entry(path.relative_to(root).as_posix(), sha256_of(path), path.stat().st_size)


def _database_dump(dest: Path) -> str:
    if connection.vendor == "sqlite":
        target = dest / "db.sqlite3"
        connection.ensure_connection()
        raw = connection.connection
        with sqlite3.connect(target) as copy:
            raw.backup(copy)  # SQLite's online backup: a consistent copy while others write
        copy.close()
        return target.name
    if connection.vendor == "postgresql":
        target = dest / "db.pgdump"
        _pg_run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target)])
        return target.name
    raise BackupError(f"Backing up a {connection.vendor} database is not supported.")


def _pg_run(argv: list[str]) -> None:
    """Run a PostgreSQL client with the connection in the environment, never in argv
    (argv is visible to every user of the machine, and the password would be in it)."""
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        PGHOST=str(db.get("HOST") or ""),
        PGPORT=str(db.get("PORT") or ""),
        PGUSER=str(db.get("USER") or ""),
        PGPASSWORD=str(db.get("PASSWORD") or ""),
        PGDATABASE=str(db["NAME"]),
    )
    try:
        result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(
            f"{argv[0]} is not installed; install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client) in the version of your server."
        ) from None
    if result.returncode != 0:
        raise BackupError(f"{argv[0]} failed: {result.stderr.strip()}")


def _storage_walk(storage: Storage, folder: str = "") -> Iterator[str]:
    dirs, files = storage.listdir(folder)
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(dirs):
        yield from _storage_walk(storage, f"{folder}/{sub}" if folder else sub)


def _media_copy(storage: Storage, dest: Path) -> Iterator[Entry]:
    try:
        names = list(_storage_walk(storage))
    except FileNotFoundError:
        names = []  # a storage folder that was never written to
    for name in names:
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as source, target.open("wb") as copy:
            shutil.copyfileobj(source, copy, CHUNK)
        yield _entry(dest.parent, target)


def _data_files_copy(data_dir: Path, dest: Path) -> Iterator[Entry]:
    for path in sorted(data_dir.rglob("*")):
        relative = path.relative_to(data_dir)
        if relative.parts[0] in DATA_DIR_SKIP or not path.is_file():
            continue
        if path.suffix in (".sqlite3", ".db") or path.name.endswith(("-wal", "-shm")):
            continue  # other databases (tests', metrics') are not the studio's state
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)  # keeps the mode: key files stay 0600
        yield _entry(dest.parent, target)


def _latest_migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).migration_qs.values_list("app", "name"):
        latest[app] = max(latest.get(app, ""), name)
    return latest


def counts_line(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in counts.items())


def studio_counts() -> dict[str, int]:
    return {
        "accounts": get_user_model().objects.count(),
        "jobs": Job.objects.count(),
        "videos": Video.objects.count(),
        "audit_events": AuditEvent.objects.count(),
        "api_tokens": ApiToken.objects.count(),
    }


# --- restore --------------------------------------------------------------------


def backup_verify(*, src: Path) -> dict[str, Any]:
    """The manifest, once every file listed in it is present and matches its checksum."""
    manifest_path = src / "manifest.json"
    if not manifest_path.is_file():
        raise BackupError(f"{src} is not a studio backup: it has no manifest.json.")
    try:
        manifest = json.loads(manifest_path.read_text())
    except ValueError as exc:
        raise BackupError(f"{manifest_path} is not valid JSON ({exc}).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Backup format {manifest.get('format')!r} is not one this version reads")
    for item in manifest["files"]:
        path = src / item["path"]
        if not path.is_file():
            raise BackupError(f"The backup is incomplete: {item['path']} is missing.")
        if path.stat().st_size != item["size"] or sha256_of(path) != item["sha256"]:
            raise BackupError(
                f"The backup is damaged: {item['path']} does not match its checksum in "
                "manifest.json. Nothing was restored; use another copy of the backup."
            )
    return manifest


def restore_target_problems(storage: Storage = default_storage) -> list[str]:
    """Why this studio is not empty enough to restore into (empty list: it is)."""
    problems = []
    tables = connection.introspection.table_names()
    if tables:
        problems.append(f"the database already has {len(tables)} table(s)")
    try:
        if next(_storage_walk(storage), None) is not None:
            problems.append("the media storage already holds files")
    except FileNotFoundError:
        pass
    data_dir = Path(settings.DATA_DIR)
    for path in sorted(data_dir.iterdir()):
        if path.name in DATA_DIR_SKIP or path.name in GENERATED_FILES:
            continue
        problems.append(f"{path} exists")
    return problems


def backup_restore(*, src: Path) -> dict[str, Any]:
    """Bring a backup back into this (empty) studio; return its manifest."""
    manifest = backup_verify(src=src)
    database = manifest["database"]
    if database["vendor"] != connection.vendor:
        raise BackupError(
            f"This backup holds a {database['vendor']} database but this studio is set up "
            f"for {connection.vendor}; set DATABASE_URL to match the backup."
        )
    problems = restore_target_problems()
    if problems:
        raise BackupError(
            "Restore needs an empty studio (a new SORA_DATA_DIR and an empty database), "
            "but " + "; ".join(problems) + ". Nothing was restored."
        )
    _data_files_restore(src / "data", Path(settings.DATA_DIR))
    _database_load(src / database["file"])
    _media_restore(src / "media", default_storage)
    return manifest


def _data_files_restore(src: Path, data_dir: Path) -> None:
    if not src.is_dir():
        return
    for path in sorted(src.rglob("*")):
        if path.is_file():
            target = data_dir / path.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


def _database_load(dump: Path) -> None:
    if connection.vendor == "sqlite":
        connection.close()
        target = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        with sqlite3.connect(dump) as source:
            source.backup(target)
        source.close()
        target.close()
    else:
        name = str(connection.settings_dict["NAME"])
        argv = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
        _pg_run([*argv, "--dbname", name, str(dump)])
    connection.close()  # the next query sees the restored database


def _media_restore(src: Path, storage: Storage) -> None:
    if not src.is_dir():
        return
    for path in sorted(src.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(src).as_posix()
        with path.open("rb") as handle:
            saved = storage.save(name, File(handle))
        if saved != name:
            raise BackupError(f"The storage renamed {name} to {saved}; the restore is incomplete.")
