"""Where the learner's course server is, and their token: the learner's side, standard library only.

In order: $GRADE_SERVER (with $GRADE_TOKEN), else what `grade login` kept (login.json in the config
folder, mode 0600), else the server a learners' copy was released for (`server.toml` at the course's
root, written by `grade release --server URL`: the address only, never a token). No server: the
commands work locally as before.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

SERVER_FILE = "server.toml"  # in a learners' copy made with `grade release --server URL`


@dataclass(frozen=True)
class Login:
    url: str
    token: str  # "" when the learner has not logged in yet


def normal_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if "://" not in url:
        url = "http://" + url
    return url


def login_path() -> Path:
    from grader.course.places import config_dir

    return config_dir() / "login.json"


def course_server_url() -> str | None:
    """The server named by this copy of the course (server.toml), if any."""
    from grader.course.catalog import COURSE_ROOT

    path = COURSE_ROOT / SERVER_FILE
    if not path.is_file():
        return None
    import tomllib

    try:
        url = tomllib.loads(path.read_text(encoding="utf-8")).get("url")
    except (OSError, ValueError):
        return None
    return normal_url(url) if isinstance(url, str) and url.strip() else None


def _saved() -> Login | None:
    try:
        data = json.loads(login_path().read_text(encoding="utf-8"))
        return Login(normal_url(data["url"]), str(data.get("token", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def current() -> Login | None:
    """The server to talk to and the token to show it, or None to work locally."""
    url = os.environ.get("GRADE_SERVER", "").strip()
    saved = _saved()
    if url:
        url = normal_url(url)
        token = os.environ.get("GRADE_TOKEN", "").strip()
        if not token and saved is not None and saved.url == url:
            token = saved.token
        return Login(url, token)
    if saved is not None:
        return saved
    released_for = course_server_url()
    return Login(released_for, "") if released_for else None


def save(login: Login) -> Path:
    from grader.course.places import write_private

    path = login_path()
    write_private(path, json.dumps({"url": login.url, "token": login.token}) + "\n")
    return path


def forget() -> bool:
    try:
        login_path().unlink()
        return True
    except FileNotFoundError:
        return False
