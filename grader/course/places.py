"""Where the grader keeps its own files: the user's cache, data and config folders, per the XDG base
directory specification ($XDG_CACHE_HOME, else ~/.cache; $XDG_DATA_HOME, else ~/.local/share;
$XDG_CONFIG_HOME, else ~/.config).

The grader runs on Linux only (its sandbox needs Linux), where these two rules are all that
platformdirs would apply, and importing platformdirs would add about 5 ms to every `grade` run.
Nothing here creates a folder unless said so.
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "nn-grade"


def _xdg(variable: str, fallback: str) -> Path:
    value = os.environ.get(variable, "")
    if os.path.isabs(value):  # the specification says to ignore a relative path
        return Path(value) / APP
    return Path.home() / fallback / APP


def cache_dir() -> Path:
    """Where validated course files are cached: $XDG_CACHE_HOME/nn-grade or ~/.cache/nn-grade."""
    return _xdg("XDG_CACHE_HOME", ".cache")


def data_dir() -> Path:
    """Where the default grades database lives when the course is not a writable checkout:
    $XDG_DATA_HOME/nn-grade or ~/.local/share/nn-grade."""
    return _xdg("XDG_DATA_HOME", ".local/share")


def config_dir() -> Path:
    """Where the course server's login and the instructor's token are kept: $XDG_CONFIG_HOME/nn-grade or
    ~/.config/nn-grade."""
    return _xdg("XDG_CONFIG_HOME", ".config")


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read or write (0600), in a folder only they can enter (0700 when
    it is created here): tokens live in such files."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(text)


def is_writable_checkout(root: Path) -> bool:
    """True for a course folder someone develops or works in: a source tree (it has pyproject.toml,
    which an installed wheel never has) whose db/ folder this user can write."""
    return (root / "pyproject.toml").is_file() and os.access(root / "db", os.W_OK | os.X_OK)


def default_database_path(root: Path) -> Path:
    """The SQLite file `grade` uses when neither --db nor $GRADE_DB says otherwise: db/grades.sqlite3
    of a writable checkout (as it always was), else grades.sqlite3 in the user's data folder, which
    is created if needed, so an installed grader never writes into site-packages."""
    if is_writable_checkout(root):
        return root / "db" / "grades.sqlite3"
    folder = data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # opening the database then says which folder is missing
    return folder / "grades.sqlite3"


def label_of(path: Path, root: Path) -> str:
    """A course file's name as messages show it: relative to the course root."""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(path)
