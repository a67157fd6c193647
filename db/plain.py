"""What the database package knows without importing SQLAlchemy: where the gradebook is, the schema
revision this code writes, and the values a graded run stores. The lean SQLite recorder (db.lean) and
the SQLAlchemy one (db.recording) both take their rows from here, so they cannot drift apart.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from grader.course.catalog import COURSE_ROOT
from grader.course.places import default_database_path

DB_DIR = Path(__file__).resolve().parent
# db/grades.sqlite3 in a writable course checkout, else the user's data folder (never site-packages)
DEFAULT_URL = f"sqlite:///{default_database_path(COURSE_ROOT)}"
HEAD_REVISION = "0005"  # the newest file in db/migrations/versions; a test keeps them in step
BUSY_TIMEOUT_S = 120  # a SQLite writer waits this long for another one's lock before it gives up
# every SQLite connection, through SQLAlchemy (db.session) or not (db.lean): WAL lets readers go on while
# one process writes; foreign keys are off in SQLite unless asked for
SQLITE_PRAGMAS = (
    f"busy_timeout = {BUSY_TIMEOUT_S * 1000}",
    "journal_mode = WAL",
    "synchronous = NORMAL",
    "foreign_keys = ON",
)


def database_url(url: str | None = None) -> str:
    """The URL given, else $GRADE_DB, else the course's SQLite file."""
    return url or os.environ.get("GRADE_DB") or DEFAULT_URL


def is_default(url: str | None) -> bool:
    """True when neither --db nor $GRADE_DB chose the database."""
    return not url and not os.environ.get("GRADE_DB")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def source_hash(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def result_columns(result) -> dict:
    """The columns of a submission that a graded run (a grader.results.RunResult) fills in."""
    return {
        "score": result.score,
        "max_score": result.max_score,
        "status": result.status,
        "message": result.message,
        "duration": result.duration,
        "grader_version": result.grader_version,
        "schema_version": result.schema_version,
        "official": result.official,
        "output": result.output,
        "sandbox": json.dumps(result.sandbox),
    }


def _diagnosis(test) -> tuple[str | None, str | None]:
    """The judge's diagnosis of a test result (None, or {"id": ..., "text": ...}) as two columns."""
    diagnosis = getattr(test, "diagnosis", None)
    if not diagnosis:
        return None, None
    if isinstance(diagnosis, dict):
        ident, text = diagnosis.get("id"), diagnosis.get("text")
    else:
        ident, text = getattr(diagnosis, "id", None), getattr(diagnosis, "text", None)
    return (str(ident)[:100] if ident else None), (str(text) if text else None)


def per_test_columns(result) -> list[dict]:
    """The columns of a graded run's test rows, in order."""
    rows = []
    for position, test in enumerate(result.tests):
        diagnosis_id, diagnosis_text = _diagnosis(test)
        rows.append(
            {
                "position": position,
                "name": test.name,
                "function": test.function,
                "passed": test.passed,
                "status": test.status,
                "points": test.points,
                "max_points": test.max_points,
                "message": test.message,
                "diagnosis_id": diagnosis_id,
                "diagnosis_text": diagnosis_text,
            }
        )
    return rows
