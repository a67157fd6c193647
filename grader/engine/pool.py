"""The warm pool: zygotes that fork one isolated run per submission, instead of starting a Python each time.

A zygote (`zygote.py`) is started once per package set (numpy; numpy and torch) in its own bubblewrap
sandbox and imports those packages once. `Zygote.spawn` hands it a job's three channels; it forks a
run with fresh namespaces, scratch folder and limits (see zygote.py). Here, the run's process is put
into a cgroup of its own before it reads its configuration, exactly as a single run's is, so the
`Sandbox` drives both kinds of run the same way. `enable()` makes every Sandbox of this process use
the pool; `grade autograde`'s grading processes and the course server's do.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time

from grader.engine import launch, seccomp
from grader.engine.cgroups import RunCgroup

_enabled = False
_zygotes: dict[tuple[str, ...], Zygote] = {}
_lock = threading.Lock()


def enable() -> None:
    global _enabled
    _enabled = launch.bwrap_works()


def enabled() -> bool:
    return _enabled


def zygote_for(packages: tuple[str, ...]) -> Zygote:
    with _lock:
        found = _zygotes.get(packages)
        if found is None or not found.alive():
            if found is not None:
                found.close()
            found = _zygotes[packages] = Zygote(packages)
        return found


def spawn(packages: tuple[str, ...], request_r: int, output_fd: int, reply_w: int, limits: dict) -> launch.Launched:
    """A run forked by the zygote of `packages`; a zygote that died on the way is replaced once."""
    try:
        return zygote_for(packages).spawn(request_r, output_fd, reply_w, limits)
    except ZygoteGone:
        return zygote_for(packages).spawn(request_r, output_fd, reply_w, limits)


def shutdown() -> None:
    with _lock:
        for zygote in _zygotes.values():
            zygote.close()
        _zygotes.clear()


def _ns_pid(host_pid: int) -> int | None:
    """The process's id in the zygote's PID namespace (one level below the host's)."""
    try:
        with open(f"/proc/{host_pid}/status") as handle:
            for line in handle:
                if line.startswith("NSpid:"):
                    levels = line.split()[1:]  # the host's id, then the zygote namespace's, then deeper ones
                    return int(levels[1]) if len(levels) > 1 else None
    except (OSError, ValueError):
        return None
    return None


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        return []


class ZygoteGone(launch.SandboxUnavailable):
    """The zygote ended (killed, or out of memory); a new one is started."""


class Zygote:
    """The judge's handle on one zygote: start it, hand it jobs, find each run's process."""

    def __init__(self, packages: tuple[str, ...]):
        self.packages = packages
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        status_r, status_w = os.pipe()
        seccomp_r, seccomp_w = os.pipe()
        os.write(seccomp_w, seccomp.program(for_zygote=True) or b"")
        os.close(seccomp_w)
        fds = {"status": status_w, "control": theirs.fileno(), "reply": -1}
        if seccomp.program(for_zygote=True):
            fds["seccomp"] = seccomp_r
        command = launch.bwrap_command(packages, 1, fds, torch="torch" in packages, zygote=True)
        output = os.open(os.devnull, os.O_WRONLY)
        try:
            self.process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=output, stderr=output,
                pass_fds=(status_w, theirs.fileno(), seccomp_r), env=launch.environment(launch.WORKDIR), cwd="/",
            )  # fmt: skip
        finally:
            for fd in (status_w, seccomp_r, output):
                os.close(fd)
            theirs.close()
        self.status_fd = status_r
        self.pid = launch._child_pid(status_r, self.process)
        self.control = ours
        self._lock = threading.Lock()
        preload = ["torch"] if "torch" in packages else []
        program = seccomp.program() or b""
        self.control.sendall(json.dumps({"preload": preload, "seccomp": program.hex()}).encode())
        self.control.settimeout(120)
        if json.loads(self.control.recv(1 << 16) or b"{}").get("ready") is not True:
            self.close()
            raise launch.SandboxUnavailable("the warm pool's zygote did not start")
        self.control.settimeout(20)

    dead = False

    def alive(self) -> bool:
        return not self.dead and self.process.poll() is None

    def spawn(self, request_r: int, output_fd: int, reply_w: int, limits: dict) -> launch.Launched:
        """Fork a run for one job; its process joins a fresh cgroup before it reads its configuration."""
        cgroup = RunCgroup.create(limits["memory_mb"] * 2**20, limits["max_processes"])
        with self._lock:
            job = json.dumps({"disk_mb": limits["disk_mb"]}).encode()
            try:
                socket.send_fds(self.control, [job], [request_r, reply_w, output_fd])
                reply = self.control.recv(1 << 16)
            except OSError:
                reply = b""
        if not reply:
            self.dead = True
            if cgroup is not None:
                cgroup.remove()
            raise ZygoteGone("the warm pool's zygote ended")
        first = self._host_pid(json.loads(reply)["pid"])
        run = None
        for _ in range(500):  # the first child forks the run at once
            found = _children(first) if first else []
            if found:
                run = found[0]
                break
            time.sleep(0.001)
        if run is None:  # the zygote ended while forking it
            self.dead = True
            if cgroup is not None:
                cgroup.remove()
            raise ZygoteGone("the warm pool could not start a run")
        if cgroup is not None and not (cgroup.add(first) and cgroup.add(run)):
            cgroup.remove()
            cgroup = None
        notes = {"syscalls": "seccomp filter" if seccomp.program() else "no seccomp filter (libseccomp missing)"}
        return launch.Launched(None, run, "bubblewrap (warm pool)", cgroup, notes)

    def _host_pid(self, ns_pid: int) -> int | None:
        for _ in range(500):
            for pid in _children(self.pid):
                if _ns_pid(pid) == ns_pid:
                    return pid
            time.sleep(0.001)
        return None

    def close(self) -> None:
        for end in (self.control.close, lambda: os.close(self.status_fd)):
            try:
                end()
            except OSError:
                pass
        try:
            os.kill(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.kill()
        self.process.wait()
