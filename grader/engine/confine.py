"""Operating-system confinement of the worker: Landlock, a private network, rlimits.

Landlock (Linux 5.13+) lets an unprivileged process give up access rights for
itself and its future children: after `restrict()` the worker can read only the
Python installation, write only in its throwaway directory, open no TCP
connection (ABI 4+) and signal no process outside itself (ABI 6+). We call the
three system calls directly through ctypes because the `landlock` package only
knows the filesystem part.

Imported by the worker before it is confined: it must not import the project.
"""

from __future__ import annotations

import ctypes
import errno
import os
import resource

_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38
_CLONE_NEWUSER, _CLONE_NEWNET = 0x10000000, 0x40000000

# Filesystem rights (linux/landlock.h).
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1, 2, 4, 8
_DIR_WRITE_RIGHTS = 16 | 32 | 64 | 128 | 256 | 512 | 1024 | 2048 | 4096  # remove/make *
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
_NET_BIND_TCP, _NET_CONNECT_TCP = 1, 2
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1, 2


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


_libc = ctypes.CDLL(None, use_errno=True)


def _syscall(number: int, *args) -> int:
    result = _libc.syscall(ctypes.c_long(number), *args)
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return result


def landlock_abi() -> int:
    """The kernel's Landlock ABI version, or 0 when Landlock is unavailable."""
    try:
        return _syscall(_SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION))
    except (OSError, AttributeError):
        return 0


def _file_rights(abi: int) -> int:
    rights = EXECUTE | WRITE_FILE | READ_FILE
    if abi >= 3:
        rights |= TRUNCATE
    if abi >= 5:
        rights |= IOCTL_DEV
    return rights


def restrict(read_paths, write_paths, device_files=("/dev/null",)) -> str:
    """Confine this thread (and what it starts) to the given paths; describe what was done.

    read_paths: directories (or files) that may be read and executed.
    write_paths: directories where anything may be created, written and removed.
    Everything else on the filesystem is out of reach; so are TCP and signals
    to other processes where the kernel supports it.
    """
    abi = landlock_abi()
    if abi < 1:
        return "unavailable: this kernel has no Landlock, so the submission could read your files"
    file_rights = _file_rights(abi)
    all_fs = file_rights | READ_DIR | _DIR_WRITE_RIGHTS | (REFER if abi >= 2 else 0)
    attr = _RulesetAttr(all_fs, 0, 0)
    size = 8
    if abi >= 4:
        attr.handled_access_net = _NET_BIND_TCP | _NET_CONNECT_TCP
        size = 16
    if abi >= 6:
        attr.scoped = _SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL
        size = 24
    ruleset = _syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    try:

        def allow(path: str, rights: int) -> None:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                return  # a path that does not exist needs no rule
            try:
                if not os.path.isdir(path):
                    rights &= file_rights
                rule = _PathBeneathAttr(rights, fd)
                _syscall(
                    _SYS_ADD_RULE,
                    ctypes.c_int(ruleset),
                    ctypes.c_int(_RULE_PATH_BENEATH),
                    ctypes.byref(rule),
                    ctypes.c_uint32(0),
                )
            finally:
                os.close(fd)

        for path in read_paths:
            allow(path, EXECUTE | READ_FILE | READ_DIR)
        for path in device_files:
            allow(path, READ_FILE | WRITE_FILE)
        for path in write_paths:
            allow(path, all_fs)
        if _libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
        _syscall(_SYS_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0))
    finally:
        os.close(ruleset)
    parts = [f"Landlock ABI {abi}: files outside the worker's folder are read-only or hidden"]
    parts.append("TCP blocked" if abi >= 4 else "TCP not blocked by this kernel's Landlock")
    if abi >= 6:
        parts.append("signals to other processes blocked")
    return "; ".join(parts)


def isolate_network() -> str:
    """Move into a new, empty network namespace (no interfaces but a down loopback)."""
    flags = _CLONE_NEWNET if os.geteuid() == 0 else _CLONE_NEWUSER | _CLONE_NEWNET
    if _libc.unshare(ctypes.c_int(flags)) == 0:
        return "no network (private namespace)"
    err = ctypes.get_errno()
    return f"network namespace unavailable ({errno.errorcode.get(err, err)})"


_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """SIGKILL this process when the judge that started it dies (bubblewrap does this itself)."""
    _libc.prctl(_PR_SET_PDEATHSIG, 9, 0, 0, 0)


def set_limits(memory_bytes: int, file_bytes: int = 64 * 2**20) -> None:
    """Bound the worker's address space and the size of any file it writes; no core dumps."""
    for limit, value in (
        (resource.RLIMIT_AS, memory_bytes),
        (resource.RLIMIT_FSIZE, file_bytes),
        (resource.RLIMIT_CORE, 0),
    ):
        try:
            resource.setrlimit(limit, (value, value))
        except (ValueError, OSError):
            pass
