"""The system-call filter of the worker, built with libseccomp (through pyseccomp) for bubblewrap.

Everything a numpy or torch exercise needs is allowed; what no exercise needs and what could reach
the host or a later run is refused with EPERM (the learner's code sees a PermissionError): mounts
and namespaces, ptrace and reading other processes' memory, kernel keyrings, BPF and perf, fanotify,
userfaultfd and io_uring, System V IPC, rebooting, setting the clock or the hostname, loading kernel
modules, and every socket family but Unix sockets (there is no network in the sandbox anyway).
bubblewrap loads the compiled program (`--seccomp FD`) just before it starts the worker.
"""

from __future__ import annotations

import errno
import os
from functools import lru_cache
from pathlib import Path

REFUSED = (
    # namespaces, mounts, the root
    "mount", "umount2", "pivot_root", "chroot", "unshare", "setns", "open_tree", "move_mount",
    "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
    # other processes, the kernel
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
    "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd",
    "fanotify_init", "fanotify_mark", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
    "open_by_handle_at", "name_to_handle_at", "lookup_dcookie", "syslog", "acct", "quotactl",
    "swapon", "swapoff", "reboot", "vhangup", "iopl", "ioperm", "modify_ldt", "uselib",
    "sync", "syncfs",  # write back the host's filesystems (/usr is one): its disks, an uninterruptible wait
    # the host's clock and name
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "sethostname", "setdomainname",
    # System V IPC
    "shmget", "shmat", "shmdt", "shmctl", "semget", "semop", "semtimedop", "semctl",
    "msgget", "msgsnd", "msgrcv", "msgctl",
)  # fmt: skip
AF_UNIX = 1
TIOCSTI = 0x5412  # pushing characters into a terminal's input


CLONE_NEWUSER, CLONE_VFORK = 0x10000000, 0x4000
ZYGOTE_NEEDS = ("unshare", "mount")  # a warm pool's zygote makes each run's namespaces and mounts


@lru_cache(maxsize=2)
def program(for_zygote: bool = False) -> bytes | None:
    """The compiled BPF filter (the zygote's lets it build runs), or None where libseccomp is missing."""
    import platform

    from grader.engine.remember import remembered

    key = [Path(__file__).read_text(encoding="utf-8"), for_zygote, platform.machine()]
    found = remembered("seccomp", key, lambda: (_compile(for_zygote) or b"").hex())
    return bytes.fromhex(found) or None


def _compile(for_zygote: bool) -> bytes | None:
    try:
        import pyseccomp as seccomp
    except (ImportError, OSError, AttributeError):
        return None
    try:
        refuse = seccomp.ERRNO(errno.EPERM)
        rules = seccomp.SyscallFilter(seccomp.ALLOW)
        for name in REFUSED:
            if for_zygote and name in ZYGOTE_NEEDS:
                continue
            try:
                rules.add_rule(refuse, name)
            except (OSError, ValueError, RuntimeError):
                pass  # a system call this architecture does not have
        rules.add_rule(seccomp.ERRNO(errno.EAFNOSUPPORT), "socket", seccomp.Arg(0, seccomp.NE, AF_UNIX))
        rules.add_rule(refuse, "ioctl", seccomp.Arg(1, seccomp.MASKED_EQ, 0xFFFFFFFF, TIOCSTI))
        if not for_zygote:  # no new user namespace, hence no capabilities, ever again
            rules.add_rule(refuse, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER))
            rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")  # its flags cannot be filtered: glibc falls back
            # a vfork parent waits uninterruptibly, using no CPU: a child that never execs would hang the call
            # uncharged until the judge blames the host and voids the run (Python's subprocess falls back to fork)
            rules.add_rule(refuse, "vfork")
            rules.add_rule(refuse, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, CLONE_VFORK, CLONE_VFORK))
        with os.fdopen(os.memfd_create("seccomp"), "w+b") as handle:
            rules.export_bpf(handle)
            handle.seek(0)
            return handle.read()
    except Exception:  # noqa: BLE001 - a libseccomp that cannot build the filter: run without it, and say so
        return None
