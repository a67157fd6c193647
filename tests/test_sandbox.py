"""Attacks on the sandbox, by class (issue 11): each one fails inside the run, earns nothing, and leaves
nothing behind for the host or the next learner. Run as root here (how CI and servers run)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time

import pytest

from grader.engine import launch, pool
from grader.engine.judge import grade_source
from tests.conftest import fast, sleepers

pytestmark = pytest.mark.skipif(launch.bwrap_path() is None, reason="bubblewrap is not installed")


@pytest.fixture(params=["single run", "warm pool"], autouse=True)
def mode(request):
    """Every attack, on a run started by its own bwrap and on one forked by a warm pool's zygote."""
    if request.param == "warm pool":
        if "cli" in request.keywords:
            pytest.skip("grade submit starts a single run")
        pool.enable()
    yield request.param
    if request.param == "warm pool":
        pool.shutdown()
        pool._enabled = False


RELU = "\ndef relu(x):\n    return np.maximum(x, 0)\n"


def run(body: str, slug="activations", **limits):
    limits = {"call_limit": 2.0, "time_limit": 20.0, **limits}
    source = "import numpy as np\n" + textwrap.dedent(body) + RELU
    return grade_source(fast(slug, **limits), source, "mallory")


def shown(result) -> str:
    return result.output + "\n".join(t.message for t in result.tests) + result.message


def test_the_run_reports_the_full_sandbox(mode):
    result = run("")
    assert result.sandbox["isolation"] == ("bubblewrap" if mode == "single run" else "bubblewrap (warm pool)")
    assert result.sandbox["syscalls"] == "seccomp filter"
    assert sum(t.points for t in result.tests if t.function == "relu") == 2


def test_host_unix_sockets_cannot_be_reached(tmp_path):
    path = tmp_path / "daemon.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.listen()
    abstract = socket.socket(socket.AF_UNIX)
    abstract.bind("\0nn-grade-test-daemon")
    abstract.listen()
    try:
        result = run(f"""
            import socket
            for address in [{str(path)!r}, "\\0nn-grade-test-daemon", "/run/dbus/system_bus_socket",
                            "/tmp/.X11-unix/X0", "/var/run/docker.sock"]:
                s = socket.socket(socket.AF_UNIX)
                try:
                    s.connect(address)
                    print("CONNECTED", address)
                except OSError:
                    pass
            print("done")
        """)
    finally:
        server.close()
        abstract.close()
    assert "done" in result.output and "CONNECTED" not in result.output, result.output


def test_no_capabilities_and_no_host_settings():
    result = run("""
        import ctypes, os, socket, time
        libc = ctypes.CDLL(None, use_errno=True)
        header, data = (ctypes.c_uint32 * 2)(0x20080522, 0), (ctypes.c_uint32 * 6)()
        libc.capget(header, data)
        bounding = [cap for cap in range(41) if libc.prctl(23, cap, 0, 0, 0) == 1]  # PR_CAPBSET_READ
        print("caps", list(data), "bounding", bounding)
        for name, call in [("hostname", lambda: socket.sethostname("pwned")),
                           ("clock", lambda: time.clock_settime(time.CLOCK_REALTIME, 0)),
                           ("reboot", lambda: libc.reboot(0x4321FEDC) == 0 or os.strerror(ctypes.get_errno())),
                           ("fanotify", lambda: libc.fanotify_init(4, 0) >= 0 or os.strerror(ctypes.get_errno())),
                           ("unshare", lambda: libc.unshare(0x10000000) == 0 or os.strerror(ctypes.get_errno())),
                           ("ptrace", lambda: libc.ptrace(16, 1, 0, 0) == 0 or os.strerror(ctypes.get_errno()))]:
            try:
                outcome = call()
                print(name, "ALLOWED" if outcome is True or outcome is None else "refused")
            except OSError:
                print(name, "refused")
        print("uid", os.getuid())
    """)
    out = result.output
    assert "caps [0, 0, 0, 0, 0, 0] bounding []" in out, out
    assert "ALLOWED" not in out and out.count("refused") == 6, out
    assert "uid 1000" in out
    assert socket.gethostname() != "pwned"


def test_a_deep_chain_of_setsid_forks_does_not_outlive_the_run():
    result = run("""
        import os, time
        r, w = os.pipe()
        def chain(depth):
            if os.fork() == 0:
                os.setsid()
                if depth:
                    chain(depth - 1)
                else:
                    os.write(w, b"x")
                    os.execv("/bin/sleep", ["sleep", "623.5"])
                os._exit(0)
        chain(12)
        print("deepest started:", os.read(r, 1) == b"x")
        time.sleep(0.2)
    """)
    assert "deepest started: True" in result.output, result.output
    assert sleepers("623.5") == []


@pytest.mark.cli
@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGINT", "SIGHUP", "SIGKILL"])
def test_signals_to_grade_end_everything_under_it(tmp_path, signal_name):
    learner = tmp_path / "activations.py"
    marker = f"631.{os.getpid() % 100}{len(signal_name)}"
    learner.write_text(
        textwrap.dedent(f"""
        import os, time
        if os.fork() == 0:
            os.setsid()
            os.execv("/bin/sleep", ["sleep", "{marker}"])
        time.sleep(60)
    """)
    )
    grade = subprocess.Popen(
        [sys.executable, "-m", "grader", "submit", "activations", "--file", str(learner), "--db",
         f"sqlite:///{tmp_path / 'db.sqlite3'}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    for _ in range(200):
        if sleepers(marker):
            break
        time.sleep(0.05)
    assert sleepers(marker), "the learner's process started"
    grade.send_signal(getattr(__import__("signal"), signal_name))
    grade.wait(timeout=30)
    for _ in range(100):
        if not sleepers(marker):
            break
        time.sleep(0.05)
    assert sleepers(marker) == [], f"the learner's process outlived grade after {signal_name}"
    assert b"Traceback" not in grade.stderr.read()


def test_ipc_left_by_one_run_is_not_there_for_the_next():
    first = run("""
        import ctypes, os
        libc = ctypes.CDLL(None, use_errno=True)
        key = libc.shmget(0x4E4E, 4096, 0o1666)
        print("shmget", "refused" if key < 0 else "ALLOWED")
        fd = os.open("/dev/shm", os.O_RDONLY) if os.path.exists("/dev/shm") else -1
        print("devshm", fd)
    """)
    assert "shmget refused" in first.output, first.output
    second = run("""
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        print("found", libc.shmget(0x4E4E, 0, 0))
        import os
        print("files", os.listdir("/work"))
    """)
    assert "found -1" in second.output and "files ['activations.py']" in second.output, second.output


def test_memory_is_limited_for_the_whole_process_tree():
    result = run(
        """
        import os
        children = []
        for _ in range(3):
            pid = os.fork()
            if pid == 0:
                block = bytearray(1536 * 2**20)
                block[::4096] = b"x" * len(block[::4096])
                os._exit(0)
            children.append(pid)
        print("exits", [os.waitpid(p, 0)[1] for p in children])
    """,
        memory_mb=2048,
    )
    statuses = result.output.split("exits")[-1]
    assert "9" in statuses or result.status == "error", result.output  # at least one child was killed (SIGKILL: 9)


def test_process_count_is_limited_and_said():
    result = run(
        """
        import os, time
        started = 0
        try:
            for _ in range(300):
                if os.fork() == 0:
                    time.sleep(30)
                    os._exit(0)
                started += 1
        except OSError as error:
            print("stopped at", started, type(error).__name__)
    """,
        max_processes=64,
    )
    assert "stopped at" in result.output, result.output
    count = int(result.output.split("stopped at")[1].split()[0])
    assert count < 64


def test_disk_is_limited_for_the_whole_folder():
    result = run(
        """
        import os
        written = 0
        try:
            for i in range(200):
                with open(f"chunk{i}", "wb") as handle:
                    handle.write(b"x" * (8 * 2**20))
                written += 8
        except OSError as error:
            print("stopped at", written, "MB", error.errno)
    """,
        disk_mb=64,
    )
    assert "stopped at" in result.output and "MB 28" in result.output, result.output
    assert int(result.output.split("stopped at")[1].split()[0]) <= 64


def test_running_out_of_disk_in_a_call_is_said_plainly():
    source = "import numpy as np\ndef relu(x):\n    open('big', 'wb').write(b'x' * (80 * 2**20))\n    return x\n"
    result = grade_source(fast("activations", disk_mb=32, call_limit=5.0), source, "mallory")
    assert "wrote more than 32 MB" in shown(result), shown(result)


def test_a_worker_that_stops_reading_cannot_block_the_judge():
    import dataclasses

    import numpy as np

    from grader.course.catalog import get_exercise
    from grader.engine.failures import LearnerError
    from grader.engine.sandbox import Sandbox

    source = "import sys, time\nsys.modules['wire'].Reader.read_message = lambda *a, **k: time.sleep(600)\ndef relu(x):\n    return x\n"
    sandbox = Sandbox(dataclasses.replace(get_exercise("activations"), call_limit=1.0, time_limit=10.0), source)
    started = time.monotonic()
    try:
        with pytest.raises(LearnerError):
            sandbox.call("relu", [np.zeros(4_000_000)], {})
    finally:
        sandbox.close()
    assert time.monotonic() - started < 30


def test_a_huge_reply_is_refused_without_reading_it():
    result = grade_source(
        fast("activations", call_limit=10.0, time_limit=30.0),
        "import numpy as np\ndef relu(x):\n    return np.ones(20_000_000)\n",
        "mallory",
    )
    assert "returned a value larger than 64 MB" in shown(result), shown(result)


def test_forged_bytes_on_the_reply_channel_are_refused():
    source = textwrap.dedent("""
        import os, sys, struct
        import numpy as np
        def relu(x):
            for fd in range(3, 1024):  # whichever is the reply channel
                try:
                    os.write(fd, struct.pack("<I", 2**31) + b"{" * 1000)
                except OSError:
                    pass
            return x
    """)
    result = grade_source(fast("activations", call_limit=2.0, time_limit=20.0), source, "mallory")
    assert sum(t.points for t in result.tests if t.function == "relu") == 0
    refused = ("larger than 64 MB", "more than 1 MB of lists", "ended the worker")
    assert any(text in shown(result) for text in refused), shown(result)


def test_what_must_stay_hidden_is_not_in_the_filesystem():
    result = run("""
        import os
        hits = []
        for top in ("/", "/sandbox", "/usr/share", "/usr/lib"):
            for folder, dirs, files in os.walk(top):
                if folder.startswith(("/proc", "/sys", "/dev")):
                    dirs[:] = []
                    continue
                for name in files + dirs:
                    if name in ("solutions", "digits.csv.gz", "grades.sqlite3", "test_activations.py", "sklearn"):
                        hits.append(os.path.join(folder, name))
        print("hits", hits[:5])
        for module in ("sklearn", "torch", "scipy", "solutions", "grader"):
            try:
                __import__(module)
                print("IMPORTED", module)
            except ImportError:
                pass
        print("top", sorted(os.listdir("/")))
    """)
    assert "hits []" in result.output, result.output
    assert "IMPORTED" not in result.output, result.output
    assert "'tmp'" not in result.output and "'home'" not in result.output and "'run'" not in result.output


def test_only_the_listed_packages_are_importable_torch_for_fine_tuning():
    result = grade_source(
        fast("fine_tuning", call_limit=30.0, time_limit=60.0),
        "import numpy, torch\nprint('torch', torch.__version__)\ntry:\n    import sklearn\nexcept ImportError:\n    print('no sklearn')\n",
        "mallory",
    )
    assert "torch 2." in result.output and "no sklearn" in result.output, result.output


def test_a_stability_check_cannot_be_switched_off():
    textbook = "1 / (1 + np.exp(-x))"
    plain = f"import numpy as np\ndef sigmoid(x):\n    return {textbook}\n"
    silenced = (
        "import numpy as np, warnings\nnp.seterr(all='ignore')\nwarnings.filterwarnings('ignore')\n"
        f"def sigmoid(x):\n    with np.errstate(all='ignore'):\n        return {textbook}\n"
    )
    scores = []
    for source in (plain, silenced):
        result = grade_source(fast("activations"), source, "mallory")
        stable = next(t for t in result.tests if t.name == "sigmoid_stable_for_large_inputs")
        assert not stable.passed, stable
        scores.append(result.score)
    assert scores[0] == scores[1]


def test_a_loaded_host_does_not_cost_a_correct_learner_points():
    """Eight busy processes on this machine's cores: a correct function needing ~0.4 s of CPU per call, with
    a 1 s limit, still passes every check, because only its own time is charged."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(8)]
    try:
        source = textwrap.dedent("""
            import time
            import numpy as np
            def relu(x):
                end = time.process_time() + 0.4
                while time.process_time() < end:
                    pass
                return np.maximum(x, 0)
        """)
        result = grade_source(fast("activations", call_limit=1.0, time_limit=60.0), source, "mallory")
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    relu = [t for t in result.tests if t.function == "relu"]
    assert all(t.passed for t in relu), [t.message for t in relu]


@pytest.mark.cli
def test_official_grading_refuses_the_weak_sandbox(monkeypatch):
    from grader.engine.launch import SandboxUnavailable

    monkeypatch.setenv("GRADE_SANDBOX", "landlock")
    with pytest.raises(SandboxUnavailable, match="--allow-weak-sandbox"):
        grade_source(fast("activations"), RELU, "mallory", require_full=True)
    practice = grade_source(fast("activations"), "import numpy as np\n" + RELU, "mallory")
    assert practice.sandbox["isolation"] == "landlock"
    assert sum(t.points for t in practice.tests if t.function == "relu") == 2


@pytest.mark.cli
def test_a_host_too_loaded_to_give_the_code_its_time_records_nothing(tmp_path):
    """Sixty busy processes share one core with `grade`: the learner's 0.2 s of work (within its 0.4 s
    limit) cannot get its CPU within the wall-clock cap, so the run is void (one line, exit 2) and nothing
    is recorded."""
    learner = tmp_path / "activations.py"
    learner.write_text(
        "import time\nimport numpy as np\ndef relu(x):\n    end = time.process_time() + 0.2\n"
        "    while time.process_time() < end:\n        pass\n    return np.maximum(x, 0)\n"
    )
    one_core = ["taskset", "-c", "0"]
    # each in a session of its own: the kernel shares a core between sessions (autogroups) before processes
    hogs = [subprocess.Popen(["setsid", *one_core, sys.executable, "-c", "while True: pass"]) for _ in range(60)]
    database = tmp_path / "g.sqlite3"
    try:
        script = (
            "import dataclasses, sys\n"
            "from grader.course.catalog import get_exercise\n"
            "import grader.course.catalog as catalog\n"
            "fast = dataclasses.replace(get_exercise('activations'), call_limit=0.4, time_limit=30.0)\n"
            "catalog.get_exercise = lambda slug, root=None: fast\n"
            "from grader.cli import main\n"
            f"sys.argv = ['grade', 'submit', 'activations', '--file', {str(learner)!r}, '--db', "
            f"'sqlite:///{database}']\n"
            "main()\n"
        )
        done = subprocess.run([*one_core, sys.executable, "-c", script], capture_output=True, text=True, timeout=180)
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    assert done.returncode == 2, done.stdout + done.stderr
    assert "overloaded" in done.stderr and "nothing was recorded" in done.stderr, done.stderr
    import sqlite3

    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM submissions").fetchone()[0] == 0


def test_sleeping_or_blocking_counts_as_the_learners_time():
    result = run(
        """
        import time, os
        def relu_grad(x):
            time.sleep(30)
        def leaky_relu(x, alpha=0.01):
            os.read(os.pipe()[0], 1)  # a pipe nobody writes to: blocks for ever
    """,
        call_limit=1.0,
        time_limit=20.0,
    )
    messages = "\n".join(t.message for t in result.tests if t.function in ("relu_grad", "leaky_relu"))
    assert "relu_grad(x) with x of shape (3, 5) did not return within 1 s" in messages, messages
    assert "leaky_relu" in messages and "did not return within 1 s" in messages, messages
    assert "was not run again" in messages  # one time limit per function, not one per test
