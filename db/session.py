"""Opening the database: URL, engine, SQLite settings for many writers, schema migrations.

Many `grade submit` processes may write one SQLite file at once. Each write
transaction starts with BEGIN IMMEDIATE, so it takes the write lock up front and
waits (busy timeout) instead of failing with "database is locked" halfway
through; WAL mode lets readers go on meanwhile.

The schema is versioned with Alembic (db/migrations). Opening a database brings
it to the newest revision automatically; when it is already there (the usual
case) a single query says so and Alembic is not even imported.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import (
    ArgumentError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.orm import sessionmaker

from grader.course.catalog import COURSE_ROOT
from grader.course.places import default_database_path

DB_DIR = Path(__file__).resolve().parent
# db/grades.sqlite3 in a writable course checkout, else the user's data folder (never site-packages)
DEFAULT_URL = f"sqlite:///{default_database_path(COURSE_ROOT)}"
MIGRATIONS = DB_DIR / "migrations"
HEAD_REVISION = "0002"  # the newest file in db/migrations/versions; a test keeps them in step
BUSY_TIMEOUT_S = 120


class DatabaseError(Exception):
    """A problem the user can fix (a bad URL, a missing folder...); the message says how."""


def database_url(url: str | None = None) -> str:
    return url or os.environ.get("GRADE_DB") or DEFAULT_URL


def _sqlite_settings(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        readonly = connection.get_execution_options().get("readonly", False)
        connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


class Database:
    """An open, migrated database. `writing()` and `reading()` give sessions."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._write = sessionmaker(engine, expire_on_commit=False)
        self._read = sessionmaker(engine.execution_options(readonly=True), expire_on_commit=False)

    @contextmanager
    def writing(self):
        with self._write() as session, session.begin():
            yield session

    @contextmanager
    def reading(self):
        with self._read() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str | None = None, *, migrate: bool = True) -> Database:
    """Open (and create or upgrade) the database at `url`, or raise DatabaseError."""
    url = database_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(f"'{url}' is not a database URL; use e.g. sqlite:///path/to/grades.sqlite3") from None
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite and parsed.database not in (None, "", ":memory:"):
        folder = Path(parsed.database).expanduser().resolve().parent
        if not folder.is_dir():
            raise DatabaseError(
                f"the folder {folder} of the database {url} does not exist; create it or choose another --db"
            )
    try:
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_S} if is_sqlite else {})
    except NoSuchModuleError:
        raise DatabaseError(
            f"'{parsed.get_backend_name()}' is not a database this installation can use; "
            "use a sqlite:/// URL or install the driver"
        ) from None
    except (ArgumentError, ImportError) as error:
        raise DatabaseError(f"cannot use the database {url}: {error}") from None
    if is_sqlite:
        _sqlite_settings(engine)
    database = Database(engine)
    if migrate:
        try:
            ensure_schema(engine)
        except OperationalError as error:
            engine.dispose()
            raise DatabaseError(f"cannot open the database {url}: {error.orig}") from None
        except SQLAlchemyError as error:
            engine.dispose()
            raise DatabaseError(f"cannot open the database {url}: {error}") from None
    return database


def current_revision(engine: Engine) -> str | None:
    with engine.connect().execution_options(readonly=True) as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError:
            return None
        except SQLAlchemyError:
            return None


def ensure_schema(engine: Engine) -> None:
    """Bring the schema to HEAD_REVISION; a no-op costing one query when it is there already."""
    if current_revision(engine) == HEAD_REVISION:
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:  # BEGIN IMMEDIATE on SQLite: one migrator at a time
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
