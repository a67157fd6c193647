"""Starting a worker: inside bubblewrap when the machine has it, else confined by Landlock alone.

**bubblewrap** (the `bwrap` of Flatpak) gives each run its own user, PID, IPC, mount, UTS and network
namespaces, no capabilities, no_new_privs, a seccomp filter (`grader.engine.seccomp`), and a
filesystem of its own: /usr and the Python installation read-only, only the third-party packages the
exercise lists (`packages` in the manifest) under /sandbox/site, the worker's four files under
/sandbox/engine, a size-bounded tmpfs at /work (the scratch folder, also $HOME and $TMPDIR), a
fresh /proc and a minimal /dev. No /tmp, /run, /home or course folder of the host exists in there,
so no host socket can be reached and nothing hidden can be read. The worker is PID 1 of its
namespace: when it ends, the kernel ends everything it started; bwrap dies with its parent.

**Landlock** (the fallback, where bwrap is missing): the worker confines itself (`confine.py`).
Either way the run's processes go into a cgroup of their own when the machine allows it
(`grader.engine.cgroups`), for whole-tree memory and process limits.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from grader.engine import seccomp
from grader.engine.cgroups import RunCgroup
from grader.engine.remember import file_stamp, remembered
from grader.errors import UsageProblem

ENGINE = Path(__file__).resolve().parent
WORKER_FILES = ("worker.py", "wire.py", "confine.py", "fpguard.py")
SITE = "/sandbox/site"
WORKDIR = "/work"
SANDBOX_UID = 1000
START_TIMEOUT_S = 20.0


class SandboxUnavailable(UsageProblem):
    """The full sandbox cannot run here (no bubblewrap, or it failed to start); the message says why."""


@dataclass
class Launched:
    process: subprocess.Popen | None  # None for a run forked by a warm pool's zygote
    pid: int  # the worker's process id, as seen from here
    isolation: str  # "bubblewrap" or "landlock"
    cgroup: RunCgroup | None
    notes: dict = field(default_factory=dict)
    status_fd: int | None = None  # bwrap's status channel, open for the run (closing it early would SIGPIPE bwrap)


_broken: list[str] = []  # why bubblewrap could not start a run here, once it failed


@lru_cache(maxsize=1)
def _which_bwrap() -> str | None:
    return shutil.which("bwrap")


def bwrap_path() -> str | None:
    """bubblewrap, if it is installed (and has not failed to start a run in this process)."""
    return None if _broken else _which_bwrap()


def mark_broken(reason: str) -> None:
    _broken.append(reason)


@lru_cache(maxsize=1)
def bwrap_works() -> bool:
    """Whether bubblewrap can make namespaces here (a real start): checked before official grading."""
    found = bwrap_path()
    if found is None:
        return False
    probe = subprocess.run(
        [found, "--unshare-all", "--ro-bind", "/", "/", "--", "/bin/true"], capture_output=True, timeout=20
    )
    return probe.returncode == 0


def _distribution_closure(names) -> list:
    """The installed distributions `names` need at run time (their non-optional requirements)."""
    import importlib.metadata

    seen, found, todo = set(), [], list(names)
    while todo:
        name = todo.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        seen.add(key)
        try:
            distribution = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        found.append(distribution)
        for requirement in distribution.requires or []:
            if "extra ==" not in requirement:
                todo.append(re.match(r"[A-Za-z0-9_.-]+", requirement).group(0))
    return found


@lru_cache(maxsize=8)
def package_binds(packages: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(host path, sandbox path) of every top-level folder or module the allowed packages install."""
    sites = sorted({sysconfig.get_paths()[k] for k in ("purelib", "platlib")})
    key = [sys.prefix, list(packages), [file_stamp(Path(site)) for site in sites]]
    found = remembered("packages", key, lambda: [list(pair) for pair in _package_binds(packages)])
    return tuple(tuple(pair) for pair in found)


def _package_binds(packages: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    binds = {}
    for distribution in _distribution_closure(packages):
        for entry in {f.parts[0] for f in distribution.files or [] if f.parts}:
            if entry.endswith((".dist-info", ".egg-info", ".pth")) or entry in ("..", "__pycache__", "bin"):
                continue
            path = Path(distribution.locate_file(entry))
            if path.exists():
                binds[str(path)] = f"{SITE}/{entry}"
    return tuple(sorted(binds.items()))


@lru_cache(maxsize=1)
def _python_binds() -> tuple[list[str], list[str]]:
    """(folders to bind read-only, folders to hide) for the interpreter and its standard library."""
    prefix = Path(sys.base_prefix).resolve()
    binds = [] if str(prefix).startswith("/usr/") or prefix == Path("/usr") else [str(prefix)]
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    hidden = [
        str(prefix / "lib" / version / "site-packages"),
        "/usr/lib/python3/dist-packages",
        f"/usr/local/lib/{version}/dist-packages",
        f"/usr/local/lib/{version}/site-packages",
        f"/usr/lib/{version}/site-packages",
    ]
    return binds, [path for path in dict.fromkeys(hidden) if Path(path).is_dir()]


def base_python() -> str:
    """The interpreter itself, not the virtual environment's link to it (the venv stays outside)."""
    return str(Path(sys.executable).resolve())


def _root_binds() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), f"/{name}"]
        elif path.is_dir():
            args += ["--ro-bind", str(path), f"/{name}"]
    return args


def bwrap_command(packages, disk_mb: int, fds: dict[str, int], torch: bool, zygote: bool = False) -> list[str]:
    """bwrap's arguments for one run (the worker), or for a warm pool's zygote (which must be able to make
    each run's user namespace, so it keeps that one right; its runs never do)."""
    binds, hidden = _python_binds()
    args = [bwrap_path(), "--unshare-all", "--unshare-user", *([] if zygote else ["--disable-userns"])]
    args += ["--uid", str(SANDBOX_UID)]
    args += ["--gid", str(SANDBOX_UID), "--hostname", "grader", "--die-with-parent", "--new-session"]
    args += ["--as-pid-1", "--cap-drop", "ALL", *_root_binds()]
    for path in binds:
        args += ["--ro-bind", path, path]
    for path in hidden:
        args += ["--tmpfs", path]
    for host, inside in package_binds(tuple(packages)):
        args += ["--ro-bind", host, inside]
    for name in (*WORKER_FILES, "zygote.py") if zygote else WORKER_FILES:
        args += ["--ro-bind", str(ENGINE / name), f"/sandbox/engine/{name}"]
    if torch:  # torch sizes its thread pool from these
        args += ["--ro-bind-try", "/sys/devices/system/cpu", "/sys/devices/system/cpu"]
    args += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", str(2**20), "--tmpfs", "/dev/shm"]
    args += ["--perms", "1777", "--size", str(disk_mb * 2**20), "--tmpfs", WORKDIR]
    # the scratch folder is the only place to write: the root, /dev and the hiding tmpfs had no size limit
    for path in ("/", "/dev", *hidden):
        args += ["--remount-ro", path]
    args += ["--chdir", WORKDIR, "--json-status-fd", str(fds["status"])]
    if "seccomp" in fds:
        args += ["--seccomp", str(fds["seccomp"])]
    if "block" in fds:
        args += ["--block-fd", str(fds["block"])]
    if zygote:
        return [*args, "--", base_python(), "-I", "-S", "-B", "-u", "/sandbox/engine/zygote.py", str(fds["control"])]
    worker = ["/sandbox/engine/worker.py", "bubblewrap", str(fds["reply"])]
    return [*args, "--", base_python(), "-I", "-S", "-B", "-u", *worker]


def wait_gone(pid: int, limit: float = 5.0) -> None:
    """Until process `pid` has ended (a warm-pool run, whose parent in the zygote reaps it)."""
    deadline = time.monotonic() + limit
    while os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
        time.sleep(0.002)


def reap(pid: int, limit: float = 2.0) -> None:
    """Collect `pid` if it became our child (a subreaper inherits a killed bwrap's sandbox process)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        except ChildProcessError:
            return  # not ours: its own parent reaps it
        time.sleep(0.002)


def environment(home: str) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": home,
        "LANG": "C.UTF-8",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
    }


def _child_pid(status_fd: int, process: subprocess.Popen) -> int:
    """The sandboxed worker's pid, from bwrap's JSON status messages."""
    deadline = time.monotonic() + START_TIMEOUT_S
    buffer = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([status_fd], [], [], 0.2)
        if ready:
            chunk = os.read(status_fd, 4096)
            if not chunk:
                break
            buffer += chunk
            match = re.search(rb'"child-pid"\s*:\s*(\d+)', buffer)
            if match:
                return int(match.group(1))
        elif process.poll() is not None:
            break
    raise SandboxUnavailable("bubblewrap did not start the worker")


def start_bubblewrap(stdin_fd, output_fd, reply_fd, packages, limits) -> Launched:
    """Start the worker inside bubblewrap; its process joins a fresh cgroup before it runs any code."""
    cgroup = RunCgroup.create(limits["memory_mb"] * 2**20, limits["max_processes"])
    status_r, status_w = os.pipe()
    keep, close_here, fds = [reply_fd, status_w], [status_w], {"status": status_w, "reply": reply_fd}
    program = seccomp.program()
    if program is not None:
        seccomp_r, seccomp_w = os.pipe()
        os.write(seccomp_w, program)
        os.close(seccomp_w)
        fds["seccomp"], keep, close_here = seccomp_r, [*keep, seccomp_r], [*close_here, seccomp_r]
    if cgroup is not None:
        block_r, block_w = os.pipe()
        fds["block"], keep, close_here = block_r, [*keep, block_r], [*close_here, block_r]
    command = bwrap_command(packages, limits["disk_mb"], fds, torch="torch" in packages)
    try:
        process = subprocess.Popen(
            command, stdin=stdin_fd, stdout=output_fd, stderr=output_fd, pass_fds=tuple(keep),
            env=environment(WORKDIR), cwd="/",
        )  # fmt: skip
    finally:
        for fd in close_here:
            os.close(fd)
    try:
        pid = _child_pid(status_r, process)
    except SandboxUnavailable:
        os.close(status_r)
        process.kill()
        process.wait()
        if cgroup is not None:
            cgroup.remove()
        raise
    if cgroup is not None:
        if not cgroup.add(pid):
            cgroup.remove()
            cgroup = None
        os.write(block_w, b"go")
        os.close(block_w)
    notes = {"syscalls": "seccomp filter" if program is not None else "no seccomp filter (libseccomp missing)"}
    return Launched(process, pid, "bubblewrap", cgroup, notes, status_r)


def describe(limits: dict, cgroup: RunCgroup | None) -> str:
    if cgroup is None:
        return (
            f"per process: {limits['memory_mb']} MB of memory, files up to {limits['disk_mb']} MB "
            "(no cgroup here: the process count and the whole tree's memory are not limited)"
        )
    kind = "cgroup v2" if cgroup.unified else "cgroup v1"
    return (
        f"whole run ({kind}): {limits['memory_mb']} MB of memory, {limits['max_processes']} processes, "
        f"{limits['disk_mb']} MB of scratch space"
    )


def reported(isolation: str, ready: dict | None) -> dict[str, str]:
    """The run's filesystem and network, for its result. The worker's own account is the learner's code
    to forge (it can write on the channel): for bubblewrap the judge says it itself; Landlock's account
    (what this kernel enforced) only the worker knows, so it is kept, as printable text, cut short."""
    if ready is None:
        return {"filesystem": "not started", "network": ""}
    if isolation.startswith("bubblewrap"):
        filesystem = f"{isolation}: its own filesystem (the Python installation read-only, a private scratch folder)"
        return {"filesystem": filesystem, "network": "no network (private namespace)"}
    said = {key: ready.get(key) if isinstance(ready.get(key), str) else "" for key in ("sandbox", "network")}
    return {"filesystem": _printable(said["sandbox"]), "network": _printable(said["network"])}


def _printable(text: str) -> str:
    return "".join(filter(str.isprintable, text))[:300]
