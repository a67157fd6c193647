"""The time charged to a learner: their own, not the host's.

On a loaded grading machine a correct submission may wait for a CPU far longer than it computes.
A call's limit is therefore measured in *charged* time: the CPU time the run used (the whole
process tree, from its cgroup, or the worker's threads), plus the time the worker spent sleeping
(it chose to wait: `time.sleep`, a blocking read, waiting for a child), never more than the
wall-clock time. Time spent ready to run but waiting for a CPU is never charged. Sleeping is
sampled from the worker's state each time the judge looks (every quarter second or sooner; an
interval counts when the worker slept at both its ends), which the kernel's own run-delay counters
cannot replace: they are only brought up to date when a waiting
process finally gets a CPU. Where /proc gives nothing, charged time is wall-clock time.
"""

from __future__ import annotations

import os
import time

# The learner's own waiting: sleeping (sleep, a blocking read, waitpid) or stopped, or a main thread that
# ended itself (pthread_exit) while others wait. Not "D": an uninterruptible wait is the machine's (page
# cache, memory pressure) far more often than the code's (vfork, the code's one way in, is refused).
SLEEPING = ("S", "T", "t", "Z")


def _fields(path: str) -> list[int] | None:
    try:
        with open(path) as handle:
            return [int(v) for v in handle.read().split()]
    except (OSError, ValueError):
        return None


def cpu_seconds(pid: int) -> float | None:
    """CPU time used by every thread of the process so far."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return None
    found = [_fields(f"/proc/{pid}/task/{task}/schedstat") for task in tasks]
    return sum(fields[0] for fields in found if fields) / 1e9


def state(pid: int) -> str | None:
    """The main thread's scheduler state letter (R running or runnable, S sleeping, D blocked...)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


class Stopwatch:
    """Charged time since it started, for the process `pid` (and its cgroup's CPU time, if any)."""

    def __init__(self, pid: int, cgroup=None):
        self.pid, self.cgroup = pid, cgroup
        self.started = self._seen = time.monotonic()
        self._state = state(pid)
        self._slept = 0.0
        self._cpu = self._cpu_now()

    def _cpu_now(self) -> float | None:
        if self.cgroup is not None:
            used = self.cgroup.cpu_seconds()
            if used is not None:
                return used
        return cpu_seconds(self.pid)

    def wall(self) -> float:
        return time.monotonic() - self.started

    def charged(self) -> float:
        now, current = time.monotonic(), state(self.pid)
        if self._state in SLEEPING and current in SLEEPING:  # asleep at both ends of the interval
            self._slept += now - self._seen
        self._seen, self._state = now, current
        wall = now - self.started
        cpu = self._cpu_now()
        if cpu is None or self._cpu is None or self._state is None:
            return wall
        return min(wall, cpu - self._cpu + self._slept)
