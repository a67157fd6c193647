"""The warm pool's zygote: one Python that has imported numpy (and torch) once, and forks a run per submission.

It runs inside its own bubblewrap sandbox (the same filesystem view as a single run) and never runs
learner code itself. For each job the judge sends, over a Unix socket, the job's three channels
(requests, replies, output) as file descriptors. The zygote forks; the child enters fresh user,
mount, PID, IPC, network and UTS namespaces, forks again so that the run is PID 1 of its own PID
namespace (when it ends, everything it started ends), mounts a fresh size-bounded tmpfs on /work
and empty ones on /dev/shm and /proc (nothing of another run is visible), drops every capability,
sets no_new_privs, loads the strict system-call filter, and only then becomes an ordinary worker
(`worker.serve`): the learner's module is imported there, in a process no other submission shares.

Imported inside the sandbox: it must not import the project.
"""

import ctypes
import json
import os
import re
import socket
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.append("/sandbox/site")
import worker  # noqa: E402 - imports numpy, fpguard and wire once, for every run

_libc = ctypes.CDLL(None, use_errno=True)
NEWUSER, NEWNS, NEWPID, NEWIPC, NEWNET, NEWUTS = 0x10000000, 0x20000, 0x20000000, 0x8000000, 0x40000000, 0x4000000
PR_SET_NO_NEW_PRIVS, PR_CAPBSET_DROP, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 24, 22, 2
LAST_CAP = 63


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _check(result: int, what: str) -> None:
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def _mount_tmpfs(target: str, options: str) -> None:
    _check(_libc.mount(b"tmpfs", target.encode(), b"tmpfs", 0, options.encode()), f"mount {target}")


MS_RDONLY, MS_REMOUNT, MS_BIND = 1, 32, 4096
_KEPT_FLAGS = {"nosuid": 2, "nodev": 4, "noexec": 8, "noatime": 1024, "nodiratime": 2048, "relatime": 1 << 21}


def _everything_read_only() -> None:
    """Make every mount this run inherited from the zygote read-only (in the run's own mount namespace).

    The zygote's mounts (its root with /sandbox, /dev, the tmpfs hiding site-packages) are shared by all
    its runs: a file one run wrote there (a module planted in /sandbox/site, on every run's sys.path) ran
    in the next learner's worker. bubblewrap now mounts them read-only (`launch.bwrap_command`); this
    holds even for a mount added there later. The flags the kernel locked (nosuid, nodev...) are kept.
    """
    with open("/proc/self/mountinfo") as handle:
        mounts = [line.split() for line in handle]
    for fields in mounts:
        target = re.sub(r"\\([0-7]{3})", lambda code: chr(int(code.group(1), 8)), fields[4])  # "\040" is " "
        options = fields[5].split(",")
        if "ro" in options:
            continue
        flags = MS_REMOUNT | MS_BIND | MS_RDONLY | sum(_KEPT_FLAGS.get(option, 0) for option in options)
        _check(_libc.mount(None, target.encode(), None, flags, None), f"remount {target} read-only")


def _drop_everything(program: bytes) -> None:
    """No capability of any kind, no way to gain one, and the strict system-call filter."""
    for cap in range(LAST_CAP + 1):
        _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)  # capabilities this kernel lacks fail harmlessly
    header, data = _CapHeader(0x20080522, 0), (_CapData * 2)()  # _LINUX_CAPABILITY_VERSION_3
    _check(_libc.capset(ctypes.byref(header), data), "capset")
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    if program:
        buffer = ctypes.create_string_buffer(program)
        fprog = _SockFprog(len(program) // 8, ctypes.addressof(buffer))
        _check(_libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0), "seccomp")


def _run_job(fds: list[int], job: dict, program: bytes, control: socket.socket) -> None:
    """In the zygote's child: fresh namespaces, then the run itself as PID 1 of its own. Never returns."""
    code = 1
    try:
        control.close()
        request_fd, reply_fd, output_fd = fds
        uid, gid = os.getuid(), os.getgid()
        _check(_libc.unshare(NEWUSER | NEWNS | NEWPID | NEWIPC | NEWNET | NEWUTS), "unshare")
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{name}", "w") as handle:
                handle.write(text)
        run = os.fork()
        if run:  # the first child only waits: the run is its child, PID 1 of the new namespace
            for fd in fds:
                os.close(fd)
            os.waitpid(run, 0)
            code = 0
            return
        _everything_read_only()
        _mount_tmpfs("/work", f"size={job['disk_mb'] * 2**20},mode=1777")
        _mount_tmpfs("/dev/shm", "size=1048576,mode=1777")
        _mount_tmpfs("/proc", "size=4096,mode=555")  # another run's processes are never in sight
        _libc.sethostname(b"grader", 6)
        os.chdir("/work")
        os.dup2(request_fd, 0)
        os.dup2(output_fd, 1)
        os.dup2(output_fd, 2)
        for fd in (request_fd, output_fd):
            os.close(fd)
        _drop_everything(program)
        worker.serve("bubblewrap (warm pool)", reply_fd, "no network (private namespace)")
        code = 0
    except BaseException:  # noqa: BLE001 - whatever happens, this process ends here and never returns
        code = 1
    finally:
        os._exit(code)


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def main(control_fd: int) -> None:
    control = socket.socket(fileno=control_fd)
    setup = json.loads(control.recv(1 << 16))
    for name in setup.get("preload", []):
        __import__(name)
        if name == "torch":
            sys.modules["torch"].set_num_threads(1)
    program = bytes.fromhex(setup.get("seccomp", ""))
    control.sendall(b'{"ready": true}')
    while True:
        _reap()
        message, fds, _, _ = socket.recv_fds(control, 1 << 16, 3)
        if not message:
            return  # the judge went away
        job = json.loads(message)
        pid = os.fork()
        if pid == 0:
            _run_job(fds, job, program, control)
        for fd in fds:
            os.close(fd)
        control.sendall(json.dumps({"pid": pid}).encode())


if __name__ == "__main__":
    main(int(sys.argv[1]))
