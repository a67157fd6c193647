"""The `grade` commands of this area (filled in by its issue)."""
from __future__ import annotations
