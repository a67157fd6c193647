"""The fallback where bubblewrap is missing: the worker confines itself with Landlock.

The worker enters a private network namespace, bounds itself with rlimits and gives up, through
Landlock, every file right but reading the Python installation and the exercise's packages and
writing its scratch folder (`confine.py`). Without a PID namespace, processes it starts are ended
here: this process becomes a child subreaper, so orphans re-parent to it. Official grading refuses
to run this way unless the instructor allows it; a learner's practice run says it was weaker.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from functools import lru_cache
from pathlib import Path

from grader.engine.cgroups import RunCgroup
from grader.engine.launch import ENGINE, Launched, environment, package_binds


@lru_cache(maxsize=1)
def sweep_stale() -> None:
    """Once per process: remove what runs of a `grade` killed with -9 left (scratch folders, cgroups)."""
    from grader.engine.cgroups import sweep_stale as sweep_cgroups

    sweep_cgroups()
    for folder in Path(tempfile.gettempdir()).glob("grade-*-*"):
        owner = folder.name.split("-")[1]
        if owner.isdigit() and not Path(f"/proc/{owner}").exists():
            shutil.rmtree(folder, ignore_errors=True)


_PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> None:
    """Without a PID namespace (the fallback), orphans of the worker re-parent to us, so we can end them."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def children_of(pid: int) -> set[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return {int(p) for p in handle.read().split()}
    except OSError:
        return set()


def end_strays(known: set[int]) -> None:
    """SIGKILL and reap our children that are not in `known` (what a fallback worker left behind)."""
    for _ in range(5):
        strays = children_of(os.getpid()) - known
        if not strays:
            return
        for pid in strays:
            for kill in (os.killpg, os.kill):
                try:
                    kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        time.sleep(0.02)


def start_landlock(stdin_fd, output_fd, reply_fd, workdir: Path, limits) -> Launched:
    """The fallback: the worker confines itself with Landlock and a private network namespace."""
    cgroup = RunCgroup.create(limits["memory_mb"] * 2**20, limits["max_processes"])
    become_subreaper()
    process = subprocess.Popen(
        [sys.executable, "-I", "-B", "-u", str(ENGINE / "worker.py"), "landlock", str(reply_fd)], stdin=stdin_fd, stdout=output_fd,
        stderr=output_fd, pass_fds=(reply_fd,), cwd=workdir, env=environment(str(workdir)), start_new_session=True,
    )  # fmt: skip
    if cgroup is not None and not cgroup.add(process.pid):  # it waits for its configuration before any code
        cgroup.remove()
        cgroup = None
    return Launched(process, process.pid, "landlock", cgroup, {"syscalls": "no seccomp filter (no bubblewrap)"})


def readable_paths(course_root: Path, packages) -> list[str]:
    """For Landlock: the Python installation and the allowed packages, nothing of the course."""
    paths = {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib")}
    paths |= {"/usr/lib", "/lib", "/lib64", "/usr/lib64", "/etc/ld.so.cache", "/dev/urandom", "/proc/cpuinfo"}
    paths |= {"/sys/devices/system/cpu", str(ENGINE)}
    paths |= {host for host, _ in package_binds(tuple(packages))}
    course = course_root.resolve()
    return sorted(p for p in paths if course not in Path(p).resolve().parents or str(ENGINE) == p)
