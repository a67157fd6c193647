"""The sandbox's bubblewrap arguments and system-call filter, run as an unprivileged user (issue 11).

The project's own Python lives where other users cannot read it here (under /root), so this runs
the distribution's python3 in the same sandbox the engine builds, as `nobody`: the namespaces, the
filesystem view, no capabilities and the seccomp filter must hold without root too."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap

import pytest

from grader.engine import launch, seccomp

SYSTEM_PYTHON = "/usr/bin/python3"
pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("setpriv") or not os.access(SYSTEM_PYTHON, os.X_OK)
    or launch.bwrap_path() is None,
    reason="needs root to become nobody, setpriv, the system python3 and bubblewrap",
)  # fmt: skip

PROBE = textwrap.dedent("""
    import ctypes, os, socket
    libc = ctypes.CDLL(None, use_errno=True)
    header, data = (ctypes.c_uint32 * 2)(0x20080522, 0), (ctypes.c_uint32 * 6)()
    libc.capget(header, data)
    print("uid", os.getuid(), "caps", list(data))
    print("root", sorted(os.listdir("/")))
    for name, call in [("shmget", lambda: libc.shmget(0x4E4E, 4096, 0o1666)),
                       ("unshare", lambda: libc.unshare(0x10000000)),
                       ("inet", lambda: socket.socket(socket.AF_INET).close() or 0)]:
        try:
            print(name, "refused" if call() != 0 else "ALLOWED")
        except OSError:
            print(name, "refused")
    open("/work/x", "w").write("scratch is writable")
    print("done")
""")


def test_the_engines_bubblewrap_sandbox_holds_for_an_unprivileged_user(monkeypatch):
    monkeypatch.setattr(launch, "_python_binds", lambda: ([], []))
    status_r, status_w = os.pipe()
    seccomp_r, seccomp_w = os.pipe()
    os.write(seccomp_w, seccomp.program())
    os.close(seccomp_w)
    command = launch.bwrap_command((), 16, {"status": status_w, "seccomp": seccomp_r, "reply": 1}, torch=False)
    command = command[: command.index("--")] + ["--", SYSTEM_PYTHON, "-I", "-c", PROBE]
    nobody = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]
    done = subprocess.run(
        [*nobody, *command], capture_output=True, text=True, timeout=60, pass_fds=(status_w, seccomp_r)
    )
    for fd in (status_r, status_w, seccomp_r):
        os.close(fd)
    out = done.stdout
    assert done.returncode == 0 and "done" in out, done.stdout + done.stderr
    assert "uid 1000 caps [0, 0, 0, 0, 0, 0]" in out
    root = out.split("root ")[1].splitlines()[0]
    assert not any(f"'{host}'" in root for host in ("tmp", "home", "root", "run", "etc", "var", "opt")), root
    assert out.count("refused") == 3, out
