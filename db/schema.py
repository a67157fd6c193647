"""Keeping the schema at the newest revision (Alembic, db/migrations), safely with many processes.

Opening a database brings it to HEAD_REVISION; when it is already there (the usual case) two cheap
queries say so and Alembic is not even imported. When it is not, one process migrates and the others
wait, then find nothing left to do:
  SQLite      the migration runs in a BEGIN IMMEDIATE transaction (the write lock, taken up front);
  PostgreSQL  the migration's transaction first takes an advisory lock (pg_advisory_xact_lock), and
              PostgreSQL's DDL is transactional, so tables and version appear together at commit.
So ten `grade submit` processes starting on a fresh database all record their work.
"""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from db.errors import MissingDatabase
from db.plain import DB_DIR, HEAD_REVISION

MIGRATION_LOCK_KEY = 0x6E6E_6772_6164  # any fixed 64-bit number; "nngrad" in ASCII
MIGRATIONS = DB_DIR / "migrations"


def revision_of(connection: Connection) -> str | None:
    """The schema revision of the database; None for a database that holds no gradebook yet."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def current_revision(engine: Engine) -> str | None:
    with engine.connect().execution_options(readonly=True) as connection:
        return revision_of(connection)


def ensure_schema(engine: Engine, *, create: bool = True, shown_url: str = "") -> None:
    """Bring the schema to HEAD_REVISION. With create=False a database holding no gradebook is refused
    (MissingDatabase) instead of being given one: read commands never make a gradebook appear."""
    revision = current_revision(engine)
    if revision == HEAD_REVISION:
        return
    if revision is None and not create:
        raise MissingDatabase(
            f"the database {shown_url} holds no gradebook (nothing was ever recorded there); check --db or $GRADE_DB"
        )
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:  # BEGIN IMMEDIATE on SQLite: one migrator at a time
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")  # reads the revision again, under the lock: a no-op if done meanwhile
