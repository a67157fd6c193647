"""The time charged to a learner: their own, not the host's.

On a loaded grading machine a correct submission may wait for a CPU far longer than it computes.
A call's limit is therefore measured in *charged* time: the wall-clock time minus the time the
worker's main thread spent ready to run but waiting for a CPU (`/proc/PID/task/PID/schedstat`,
second field), and never less than the CPU time the run itself used (so that threads of its own
competing for the CPU cannot hide its work). Sleeping and blocking count: the learner's code chose
to wait. Where the kernel gives no scheduler statistics, charged time is wall-clock time.
"""

from __future__ import annotations

import os
import time


def _fields(path: str) -> list[int] | None:
    try:
        with open(path) as handle:
            return [int(v) for v in handle.read().split()]
    except (OSError, ValueError):
        return None


def waited_for_cpu(pid: int) -> float | None:
    """Seconds the process's main thread has spent runnable but not running."""
    fields = _fields(f"/proc/{pid}/task/{pid}/schedstat")
    return None if not fields or len(fields) < 2 else fields[1] / 1e9


def cpu_seconds(pid: int) -> float | None:
    """CPU time used by every thread of the process so far."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return None
    found = [_fields(f"/proc/{pid}/task/{task}/schedstat") for task in tasks]
    return sum(fields[0] for fields in found if fields) / 1e9


class Stopwatch:
    """Charged time since it started, for the process `pid` (and its cgroup's CPU time, if any)."""

    def __init__(self, pid: int, cgroup=None):
        self.pid, self.cgroup = pid, cgroup
        self.started = time.monotonic()
        self._waited = waited_for_cpu(pid)
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
        wall = self.wall()
        waited = waited_for_cpu(self.pid)
        if self._waited is None or waited is None:
            return wall
        own = max(0.0, wall - (waited - self._waited))
        cpu = self._cpu_now()
        if cpu is not None and self._cpu is not None:
            own = max(own, cpu - self._cpu)
        return own
