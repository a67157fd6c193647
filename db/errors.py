"""Problems with a database that the user can fix: one line saying what is wrong and how, never a secret."""

from __future__ import annotations

from grader.errors import UsageProblem


class DatabaseError(UsageProblem):
    """A bad URL, a missing file or folder, a server that refuses, a file that cannot be written...

    A UsageProblem, so the CLI prints it as one line and exits with code 2. Messages name the
    database by its masked URL (`db.urls.masked`): a password is never shown."""


class MissingDatabase(DatabaseError):
    """A read command was pointed at a database that does not exist (or holds no gradebook)."""
