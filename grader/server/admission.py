"""Admission control: the server never takes more work than it can grade within its time limits.

Two checks before a submission is stored, each answered with a status and a Retry-After:
  429  a learner past their rate (RATE submissions a minute, or PENDING of theirs not graded yet): one
       learner cannot crowd the others out;
  503  the queue is full: the grading already waiting (estimated per exercise from recent runs) would
       keep a new job waiting longer than MAX_WAIT seconds, or QUEUE_LIMIT jobs wait already; or no
       grading host is alive (`grade serve --queue` with every `grade worker` down).
A refused submission is not stored at all: the learner sends it again later, and nothing is lost.
Time limits count the learner's own time (grader.engine.timing), so a busy host does not cost a
correct learner points; admission keeps the wait short and the host from being swamped.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    rate_per_minute: int = 12
    pending_per_learner: int = 3
    max_wait_s: float = 120.0
    queue_limit: int = 500


class Refused(Exception):
    """A submission turned away: the HTTP status, one line for the learner, and when to try again."""

    def __init__(self, status: int, message: str, retry_after: float):
        super().__init__(message)
        self.status = status
        self.retry_after = max(1, math.ceil(retry_after))


class Admission:
    def __init__(self, limits: Limits):
        self.limits = limits
        self._lock = threading.Lock()
        self._recent: dict[str, deque[float]] = {}

    def check_learner(self, student: str, pending: int) -> None:
        """Raise Refused (429) if the learner is past their rate or has too many submissions waiting;
        otherwise count this submission in their rate (`forget` takes it back if it is refused later)."""
        limit = self.limits
        if pending >= limit.pending_per_learner:
            raise Refused(
                429,
                f"you have {pending} submissions waiting to be graded; wait for their results before sending more",
                5,
            )
        now = time.monotonic()
        with self._lock:
            recent = self._recent.setdefault(student, deque())
            while recent and recent[0] <= now - 60:
                recent.popleft()
            if len(recent) >= limit.rate_per_minute:
                wait = recent[0] + 60 - now
                raise Refused(
                    429, f"at most {limit.rate_per_minute} submissions a minute; try again in {math.ceil(wait)} s", wait
                )
            recent.append(now)

    def check_queue(self, load, estimate_s: float) -> None:
        """Raise Refused (503) if a job with that estimated grading time would wait too long, or if no grading
        process is alive to grade it (the grading hosts of `grade serve --queue` are all down)."""
        if load.workers == 0:
            raise Refused(503, "no grading host is running at the moment; nothing was recorded, send it again soon", 30)
        waited = load.backlog_s + estimate_s / max(1, load.workers)
        if load.queued >= self.limits.queue_limit or waited > self.limits.max_wait_s:
            retry = max(5.0, load.backlog_s - self.limits.max_wait_s / 2)
            raise Refused(
                503,
                f"the server is busy grading ({load.queued + load.running} submissions ahead); "
                f"nothing was recorded, send it again in {math.ceil(retry)} s",
                retry,
            )

    def forget(self, student: str) -> None:
        """Take back the latest submission counted for the learner (it was refused after all)."""
        with self._lock:
            recent = self._recent.get(student)
            if recent:
                recent.pop()
