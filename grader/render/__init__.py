"""Presentation: plain results turned into terminal tables (rich, in grader.render.terminal) or JSON (here,
without rich, so that a --json run never loads it)."""

from __future__ import annotations

import json
import sys


def print_json(data, stream=None) -> None:
    (stream or sys.stdout).write(json.dumps(data, indent=2, default=str) + "\n")
