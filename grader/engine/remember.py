"""Facts about this machine the engine computes once and keeps in the user's cache folder.

Which folders make up an exercise's packages, the compiled system-call filter: they cost
importlib.metadata, libseccomp and a few milliseconds to work out, and change only when packages
are installed or the engine's code changes, which the cache key includes. A cache folder that
cannot be written only costs the time to work them out again.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from grader.course.places import cache_dir


def remembered(name: str, key, compute):
    """compute(), kept as JSON under `name` for as long as `key` (anything JSON can hold) is the same."""
    digest = hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()[:24]
    path = cache_dir() / "engine" / f"{name}-{digest}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    value = compute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(value), encoding="utf-8")
        partial.replace(path)  # atomic: a concurrent reader sees the old file or the new one
    except OSError:
        pass
    return value


def file_stamp(path: Path) -> list:
    """What changes when a file or folder changes (its path, size and modification time)."""
    try:
        info = Path(path).stat()
    except OSError:
        return [str(path), None]
    return [str(path), info.st_size, info.st_mtime_ns]
