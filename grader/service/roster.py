"""The course server's roster: learners and their tokens, and the instructor's token.

A token is `secrets.token_urlsafe(32)` (256 random bits), shown once when it is made and stored only as
its sha256, so a copy of the database grants nothing. A learner's token acts as that learner only.
The instructor's token is made by the first `grade serve` on a database and written to a file only its
owner can read (mode 0600, in the user's config folder); the server then reuses it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from pathlib import Path

from grader.course.places import config_dir, write_private
from grader.course.submissions import check_student
from grader.errors import UsageProblem

NAME_COLUMNS = ("student", "name", "login", "username", "user")
ID_COLUMNS = ("id", "sis user id", "sis_user_id", "student id", "student_id", "id number", "roster_id")
EMAIL_COLUMNS = ("email", "e-mail", "email address", "mail")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode("utf-8", "replace")).hexdigest()


def add(database, names: list[str], *, replace: bool = False, ids: dict | None = None) -> list[dict]:
    """Give each learner of `names` a new token; return [{"student", "token"}] in order. A learner who
    already holds a token is refused (nothing is changed) unless `replace`, which revokes the old one.
    `ids` maps a name to (LMS id, e-mail) from an LMS export."""
    from db import roster

    names = [check_student(name, "the roster") for name in names]
    if not names:
        raise UsageProblem("name at least one learner: `grade roster add alice bob`")
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise UsageProblem(f"{twice[0]!r} is named twice; name each learner once")
    holding = sorted(roster.active_learners(database, names))
    if holding and not replace:
        more = f" (and {len(holding) - 1} more)" if len(holding) > 1 else ""
        raise UsageProblem(
            f"{holding[0]!r}{more} already has a token; nothing was changed. Pass --replace to give new tokens "
            "(the old ones stop working), or `grade roster revoke NAME`"
        )
    ids = ids or {}
    issued = [(name, new_token()) for name in names]
    roster.enrol(
        database,
        [(roster.Enrolment(name, *ids.get(name, (None, None))), token_hash(token)) for name, token in issued],
        replace=replace,
    )
    return [{"student": name, "token": token} for name, token in issued]


def read_roster_csv(path: Path) -> list[tuple[str, str | None, str | None]]:
    """(name, LMS id, e-mail) per row of a roster CSV: a header naming the name column (student, name,
    login...) and optionally an id (id, SIS User ID...) and an e-mail column."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageProblem(f"{path} does not exist; give the roster's CSV file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UsageProblem(f"{path} could not be read as UTF-8 text ({error}); export the roster as CSV") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise UsageProblem(f"{path} is empty; it needs a header row (e.g. name,id,email) and one row per learner")
    header = [cell.strip().lower() for cell in rows[0]]

    def column(names: tuple[str, ...]) -> int | None:
        return next((header.index(name) for name in names if name in header), None)

    name_at, id_at, email_at = column(NAME_COLUMNS), column(ID_COLUMNS), column(EMAIL_COLUMNS)
    if name_at is None:
        raise UsageProblem(
            f"{path} has no column of learners' names; its header must name one of: {', '.join(NAME_COLUMNS)}"
        )
    found = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(at: int | None, row=row) -> str | None:
            value = row[at].strip() if at is not None and at < len(row) else ""
            return value or None

        name = cell(name_at)
        if name is None:
            raise UsageProblem(f"{path}, line {number}: no name; every row needs the learner's name")
        found.append((check_student(name, f"{path}, line {number}"), cell(id_at), cell(email_at)))
    return found


def import_csv(database, path: Path) -> tuple[list[dict], list[str]]:
    """Enrol every learner of a roster CSV who holds no token yet; return (new tokens, names skipped
    because they already hold one). Ids and e-mails are stored for everyone in the file."""
    from db import roster

    entries = read_roster_csv(path)
    names = [name for name, _, _ in entries]
    holding = roster.active_learners(database, names)
    ids = {name: (lms_id, email) for name, lms_id, email in entries}
    fresh = [name for name in dict.fromkeys(names) if name not in holding]
    issued = add(database, fresh, ids=ids) if fresh else []
    if holding:
        roster.enrol_ids(database, {name: ids[name] for name in holding})
    return issued, sorted(holding)


def instructor_token(database, path: Path | None = None) -> tuple[Path, bool]:
    """Make sure the instructor's token in `path` (default: the config folder's instructor-token) is one
    this database accepts; make and store one if not. Return (the file, whether it is new)."""
    from db import roster

    path = Path(path) if path else config_dir() / "instructor-token"
    if path.is_file():
        token = path.read_text(encoding="utf-8").strip()
        identity = roster.identify(database, token_hash(token)) if token else None
        if identity is not None and identity.role == "instructor":
            return path, False
    token = new_token()
    roster.add_instructor_token(database, token_hash(token))
    write_private(path, token + "\n")
    return path, True
