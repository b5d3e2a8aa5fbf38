"""Bring the database schema up to date before the studio starts (`manage.py serve`).

A new data directory, or an upgrade, must not end in "no such table": `serve`
applies pending migrations itself and says which. Several web nodes may start at
once against one PostgreSQL database; a session-level advisory lock lets one of
them migrate while the others wait, then find nothing left to do.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

# Any fixed 64-bit number; every node of one studio must use the same one.
MIGRATION_LOCK_ID = 0x53_74_75_64_69_6F  # "Studio"


class DatabaseUnreachable(Exception):
    """The database named by the settings cannot be reached; the message says how to fix it."""


def database_description() -> str:
    """Where the database is, for messages: host, port and name, never the password."""
    config = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        return f"SQLite at {config['NAME']}"
    host = config.get("HOST") or "localhost"
    port = f":{config['PORT']}" if config.get("PORT") else ""
    return f"{connection.vendor} at {host}{port}, database {config.get('NAME')!r}"


def database_check() -> None:
    """Connect once, turning any failure into one sentence that names DATABASE_URL."""
    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatabaseUnreachable(
            f"Cannot reach the database ({database_description()}): {reason}. "
            "Check that it is running and that DATABASE_URL is right."
        ) from None


def migrations_pending() -> list[str]:
    """Migrations not yet applied, as app_label.name, in the order migrate would apply them."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


@contextmanager
def migration_lock() -> Iterator[None]:
    """One migrating node at a time on PostgreSQL; SQLite's data-dir lock does this already."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_ID])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_ID])


def migrations_apply() -> list[str]:
    """Apply what is pending and return it; empty when the schema was up to date.

    The plan is read again under the lock: the node that waited finds the work done."""
    database_check()
    with migration_lock():
        pending = migrations_pending()
        if pending:
            call_command("migrate", interactive=False, verbosity=0)
        return pending
