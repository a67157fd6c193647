"""Whole-tree limits for one run with Linux control groups: memory, process count, CPU time.

A run's processes (the worker and everything it forks) go into a fresh cgroup made for that run
and removed after it. v2 (the unified hierarchy) and v1 (a memory, a pids and a cpuacct
hierarchy) are both handled; where neither can be written (no root, no delegation) `RunCgroup.
create` returns None and the worker falls back to per-process rlimits, and the result says so.
"""

from __future__ import annotations

import itertools
import os
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
GROUP = "nn-grade"
_counter = itertools.count()


def _write(path: Path, value: str) -> bool:
    try:
        path.write_text(value)
        return True
    except OSError:
        return False


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def _keyed(text: str) -> dict[str, int]:
    found = {}
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        if value.strip().isdigit():
            found[key] = int(value)
    return found


def _unified() -> Path | None:
    """A v2 folder where this process may make run cgroups with memory and pids controllers."""
    if not (ROOT / "cgroup.controllers").exists():
        return None
    parent = ROOT / GROUP
    try:
        parent.mkdir(exist_ok=True)
    except OSError:
        return None
    controllers = set(_read(ROOT / "cgroup.subtree_control").split())
    if not {"memory", "pids"} <= controllers:
        _write(ROOT / "cgroup.subtree_control", "+memory +pids")
    _write(parent / "cgroup.subtree_control", "+memory +pids")
    return parent if {"memory", "pids"} <= set(_read(parent / "cgroup.subtree_control").split()) else None


def _legacy() -> dict[str, Path] | None:
    """v1 folders for memory, pids and cpuacct where this process may make run cgroups."""
    found = {}
    for controller in ("memory", "pids", "cpuacct"):
        parent = ROOT / controller / GROUP
        try:
            parent.mkdir(exist_ok=True)
        except OSError:
            return None
        found[controller] = parent
    return found


class RunCgroup:
    """The cgroup(s) of one run; `create` makes them, `remove` kills what is left and deletes them."""

    def __init__(self, folders: dict[str, Path], unified: bool):
        self.folders = folders
        self.unified = unified

    @classmethod
    def create(cls, memory_bytes: int, max_processes: int) -> RunCgroup | None:
        if os.geteuid() != 0:
            return None
        name = f"run-{os.getpid()}-{next(_counter)}"
        parent = _unified()
        if parent is not None:
            folder = parent / name
            try:
                folder.mkdir()
            except OSError:
                return None
            group = cls({"all": folder}, unified=True)
            ok = _write(folder / "memory.max", str(memory_bytes)) and _write(folder / "pids.max", str(max_processes))
            _write(folder / "memory.swap.max", "0")
        else:
            parents = _legacy()
            if parents is None:
                return None
            folders = {}
            for controller, path in parents.items():
                try:
                    (path / name).mkdir()
                except OSError:
                    cls(folders, unified=False).remove()
                    return None
                folders[controller] = path / name
            group = cls(folders, unified=False)
            ok = _write(folders["memory"] / "memory.limit_in_bytes", str(memory_bytes))
            ok = ok and _write(folders["pids"] / "pids.max", str(max_processes))
            _write(folders["memory"] / "memory.memsw.limit_in_bytes", str(memory_bytes))  # no swap, where accounted
        if not ok:
            group.remove()
            return None
        return group

    def add(self, pid: int) -> bool:
        """Move process `pid` (and what it starts from now on) into the run's cgroups."""
        return all(_write(folder / "cgroup.procs", str(pid)) for folder in self.folders.values())

    def _folder(self, controller: str) -> Path:
        return self.folders["all"] if self.unified else self.folders[controller]

    def cpu_seconds(self) -> float | None:
        """CPU time used by every process of the run so far (user + system)."""
        if self.unified:
            usec = _keyed(_read(self.folders["all"] / "cpu.stat")).get("usage_usec")
            return None if usec is None else usec / 1e6
        text = _read(self._folder("cpuacct") / "cpuacct.usage").strip()
        return int(text) / 1e9 if text.isdigit() else None

    def limits_hit(self) -> dict[str, bool]:
        """Which limits the run ran into: {"memory": ..., "processes": ...}."""
        if self.unified:
            memory = _keyed(_read(self.folders["all"] / "memory.events")).get("oom_kill", 0) > 0
            processes = _keyed(_read(self.folders["all"] / "pids.events")).get("max", 0) > 0
        else:
            memory = _keyed(_read(self._folder("memory") / "memory.oom_control")).get("oom_kill", 0) > 0
            processes = _keyed(_read(self._folder("pids") / "pids.events")).get("max", 0) > 0
        return {"memory": memory, "processes": processes}

    def pids(self) -> set[int]:
        found = set()
        for folder in self.folders.values():
            found |= {int(p) for p in _read(folder / "cgroup.procs").split() if p.isdigit()}
        return found

    def kill(self) -> None:
        """SIGKILL every process still in the run's cgroups (a fork bomb included)."""
        if self.unified and _write(self.folders["all"] / "cgroup.kill", "1"):
            return
        for _ in range(50):
            left = self.pids()
            if not left:
                return
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.01)

    def remove(self) -> None:
        self.kill()
        for folder in self.folders.values():
            for _ in range(100):  # a killed process leaves its cgroup a moment after it dies
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.01)


def sweep_stale() -> None:
    """Remove run cgroups left by a `grade` that was killed (their owner process no longer exists)."""
    parents = [ROOT / GROUP] + [ROOT / c / GROUP for c in ("memory", "pids", "cpuacct")]
    for parent in parents:
        try:
            children = list(parent.iterdir())
        except OSError:
            continue
        for child in children:
            if not child.is_dir() or not child.name.startswith("run-"):
                continue
            owner = child.name.split("-")[1]
            if owner.isdigit() and not Path(f"/proc/{owner}").exists():
                RunCgroup({"x": child}, unified=parent == ROOT / GROUP).remove()
