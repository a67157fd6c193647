"""Database URLs: the default, parsing with messages a user can act on, PostgreSQL's driver, masking.

A URL may carry a password (postgresql://grader:PASSWORD@host/course). It is never printed: every
message names the database by `masked(url)`, and `scrubbed()` removes the password from anything a
driver says (some echo the connection string back).
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from db.errors import DatabaseError
from db.plain import DB_DIR, DEFAULT_URL, database_url, is_default

__all__ = ["DB_DIR", "DEFAULT_URL", "database_url", "is_default", "masked", "parse", "scrubbed", "sqlite_path"]

POSTGRES_DRIVER = "postgresql+psycopg"  # psycopg 3: `pip install 'nn-grade[postgres]'`

# user:password@ in anything that looks like a URL, for text that could not be parsed as one
_CREDENTIALS = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<user>[^:/@\s]*):(?P<secret>[^@\s]*)@")


def masked(url: str | URL) -> str:
    """The URL as it may be shown: any password replaced by ***."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return _CREDENTIALS.sub(r"\g<scheme>\g<user>:***@", url)
    except ValueError:  # e.g. a port that is not a number
        return _CREDENTIALS.sub(r"\g<scheme>\g<user>:***@", url)


def scrubbed(message: str, url: str | URL) -> str:
    """A driver's message on one line, without the password of `url` or of any URL it quotes."""
    secret = None
    try:
        secret = (url if isinstance(url, URL) else make_url(url)).password
    except (ArgumentError, ValueError):
        pass
    text = _CREDENTIALS.sub(r"\g<scheme>\g<user>:***@", str(message))
    if secret:
        text = text.replace(str(secret), "***")
    return " ".join(text.split())


def parse(url: str) -> URL:
    """The URL as SQLAlchemy reads it, with psycopg chosen for a bare postgresql:// URL."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise DatabaseError(
            f"'{masked(url)}' is not a database URL; use e.g. sqlite:///path/to/grades.sqlite3 "
            "or postgresql://user@host/course"
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername=POSTGRES_DRIVER)
    return parsed


def sqlite_path(parsed: URL) -> Path | None:
    """The file of a SQLite URL (None for an in-memory database), also for file: URIs (?uri=true)."""
    database = parsed.database
    if not database or database == ":memory:":
        return None
    if parsed.query.get("uri") in ("true", "1") and database.startswith("file:"):
        database = database.removeprefix("file:").split("?", 1)[0]
        if not database or database == ":memory:" or parsed.query.get("mode") == "memory":
            return None
    return Path(database).expanduser().resolve()
