"""Opening the database: engines for SQLite and PostgreSQL, sessions for reading and writing.

SQLite (the default, one file): many `grade submit` processes may write one file at once. Each write
transaction starts with BEGIN IMMEDIATE, so it takes the write lock up front and waits (busy timeout)
instead of failing with "database is locked" halfway through; WAL mode lets readers go on meanwhile.

PostgreSQL (a class on a server; `pip install 'nn-grade[postgres]'`, URL postgresql://... or
postgresql+psycopg://...): the server handles concurrency; writes that must not interleave (a
learner's attempt numbers) lock what they depend on.

Writing commands create the database (and bring its schema up to date, see db.schema); read commands
open it with create=False and refuse one that does not exist, so a mistyped --db never yields an empty
report. Every problem is a DatabaseError: one line, the URL masked.
"""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import StaticPool

from db.errors import DatabaseError, MissingDatabase
from db.plain import BUSY_TIMEOUT_S, SQLITE_PRAGMAS
from db.schema import HEAD_REVISION, MIGRATIONS, current_revision, ensure_schema
from db.urls import DEFAULT_URL, database_url, is_default, masked, parse, scrubbed, sqlite_path

__all__ = [
    "DEFAULT_URL",
    "HEAD_REVISION",
    "MIGRATIONS",
    "Database",
    "DatabaseError",
    "MissingDatabase",
    "current_revision",
    "database_url",
    "open_database",
]

CONNECT_TIMEOUT_S = 10


def _sqlite_settings(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        for setting in SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {setting}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        readonly = connection.get_execution_options().get("readonly", False)
        connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


def describe(error: BaseException, url: str | URL) -> str:
    """What went wrong, in the driver's words, on one line, without SQL or the password."""
    cause = getattr(error, "orig", None) or error
    return scrubbed(str(cause), url) or type(cause).__name__


class Database:
    """An open, migrated database. `writing()` and `reading()` give sessions.

    A write that the database refuses (a read-only file, a full disk, a lost server) raises
    DatabaseError naming the database, never a driver traceback with SQL."""

    def __init__(self, engine: Engine, shown_url: str = ""):
        self.engine = engine
        self.shown_url = shown_url or masked(engine.url)
        self.dialect = engine.dialect.name
        self._write = sessionmaker(engine, expire_on_commit=False)
        self._read = sessionmaker(engine.execution_options(readonly=True), expire_on_commit=False)

    @contextmanager
    def writing(self):
        try:
            with self._write() as session, session.begin():
                yield session
        except OperationalError as error:
            raise DatabaseError(
                f"could not write to the database {self.shown_url}: {describe(error, self.engine.url)}"
            ) from None

    @contextmanager
    def reading(self):
        with self._read() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _engine(parsed: URL) -> Engine:
    backend = parsed.get_backend_name()
    options: dict = {}
    if backend == "sqlite":
        options["connect_args"] = {"timeout": BUSY_TIMEOUT_S}
        if sqlite_path(parsed) is None:
            options["poolclass"] = StaticPool  # one in-memory database, not one per connection
    elif backend == "postgresql":
        options["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_S}
        options["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **options)
    except NoSuchModuleError:
        raise DatabaseError(
            f"'{backend}' is not a database this installation can use; use a sqlite:/// or postgresql:// URL"
        ) from None
    except ImportError:
        hint = "pip install 'nn-grade[postgres]'" if backend == "postgresql" else "install the driver"
        raise DatabaseError(f"the driver for {masked(parsed)} is not installed: {hint}") from None
    except (ArgumentError, TypeError) as error:
        raise DatabaseError(f"cannot use the database {masked(parsed)}: {describe(error, parsed)}") from None
    if backend == "sqlite":
        _sqlite_settings(engine)
    return engine


def open_database(url: str | None = None, *, create: bool = True, migrate: bool = True) -> Database:
    """Open the database at `url` (else $GRADE_DB, else the course's SQLite file), or raise DatabaseError.

    create=True (writing commands): a new database is created and given the schema. create=False
    (read commands): a database that does not exist or holds no gradebook is refused with
    MissingDatabase; only the course's default file, when nothing was recorded yet, opens as an
    empty gradebook in memory (a new learner's `grade status`), and no file is created.
    """
    text = database_url(url)
    parsed = parse(text)
    shown = masked(parsed)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(parsed)
        if path is not None and not path.parent.is_dir():
            raise DatabaseError(
                f"the folder {path.parent} of the database {shown} does not exist; create it or choose another --db"
            )
        if path is not None and not create and not path.exists():
            if is_default(url):
                parsed = parse("sqlite://")
                create = True
            else:
                raise MissingDatabase(
                    f"there is no database at {path}: check --db or $GRADE_DB (read commands never create "
                    "one; `grade submit` does)"
                )
    engine = _engine(parsed)
    if migrate:
        try:
            ensure_schema(engine, create=create, shown_url=shown)
        except DatabaseError:
            engine.dispose()
            raise
        except (DBAPIError, SQLAlchemyError) as error:
            engine.dispose()
            raise DatabaseError(f"cannot open the database {shown}: {describe(error, parsed)}") from None
    return Database(engine, shown)
