"""Recording a graded run into an existing SQLite gradebook with the standard library alone.

Importing SQLAlchemy costs about 0.2 CPU-seconds: more than grading an exercise. A learner's cold
`grade submit` usually writes one submission into a SQLite file that already has the newest schema;
that case is done here with `sqlite3`, under the settings db.session gives SQLite (busy timeout, WAL,
foreign keys, BEGIN IMMEDIATE) and with the column values of db.plain, which db.recording uses too.
Anything else (a file not made yet, an older schema, a URL with options, PostgreSQL) is not for this
module: `open_gradebook` returns None and the caller opens the database through db.session.
"""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

from db.errors import DatabaseError
from db.plain import (
    BUSY_TIMEOUT_S,
    HEAD_REVISION,
    SQLITE_PRAGMAS,
    database_url,
    per_test_columns,
    result_columns,
    source_hash,
    utcnow,
)

STAMP = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a DateTime in SQLite


def sqlite_file(url: str | None) -> Path | None:
    """The file of a plain sqlite:///path URL; None for any other URL (options, quoting, memory, servers)."""
    text = database_url(url)
    name = text.removeprefix("sqlite:///")
    if name == text or not name or name == ":memory:" or any(c in name for c in "?#%"):
        return None
    return Path(name).expanduser().resolve()


def _insert(table: str, values: dict) -> str:
    names = ", ".join(values)
    return f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + name for name in values)})"


class LeanGradebook:
    """A SQLite gradebook at the newest schema, open with `sqlite3` for recording graded runs."""

    def __init__(self, connection: sqlite3.Connection, shown_url: str):
        self.connection = connection
        self.shown_url = shown_url

    def record_submission(self, result, source: str, origin: str = "submit") -> int:
        """Store a graded run (a grader.results.RunResult) with its tests, done at once; return its id.
        The same rows as db.recording.record_submission."""
        now = utcnow().strftime(STAMP)
        try:
            self.connection.execute("BEGIN IMMEDIATE")  # the write lock up front, as db.session takes it
            try:
                submission = {
                    "student_id": self._learner_id(result.student, now),
                    "exercise": result.exercise,
                    "submitted_at": now,
                    "source": source,
                    "source_sha256": source_hash(source),
                    "origin": origin,
                    "job_id": str(uuid.uuid4()),
                    "state": "done",
                    "late": False,
                    "graded_at": now,
                    "runs": 0,
                    **result_columns(result),
                }
                submission_id = self.connection.execute(_insert("submissions", submission), submission).lastrowid
                for test in per_test_columns(result):
                    row = {"submission_id": submission_id, **test}
                    self.connection.execute(_insert("test_results", row), row)
                self.connection.execute("COMMIT")
            except BaseException:
                if self.connection.in_transaction:
                    self.connection.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            reason = " ".join(str(error).split()) or type(error).__name__
            raise DatabaseError(f"could not write to the database {self.shown_url}: {reason}") from None
        return submission_id

    def _learner_id(self, name: str, now: str) -> int:
        found = self.connection.execute("SELECT id FROM students WHERE name = ?", (name,)).fetchone()
        if found is not None:
            return found[0]
        return self.connection.execute("INSERT INTO students (name, created_at) VALUES (?, ?)", (name, now)).lastrowid

    def close(self) -> None:
        self.connection.close()


def open_gradebook(url: str | None) -> LeanGradebook | None:
    """The SQLite gradebook at `url` (else $GRADE_DB, else the course's file) when it exists with the newest
    schema; None when it must be opened through db.session instead (which also explains any problem)."""
    path = sqlite_file(url)
    if path is None or not path.is_file():
        return None
    connection = None
    try:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        for setting in SQLITE_PRAGMAS:
            connection.execute(f"PRAGMA {setting}")
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.Error:
        revision = None
    if revision != [(HEAD_REVISION,)]:
        if connection is not None:
            connection.close()
        return None
    return LeanGradebook(connection, database_url(url))
