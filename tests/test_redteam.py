"""An independent set of attacks on the sandbox (the red team's): each one earns nothing, ends in a clear
per-function message within bounded time, never a traceback, and leaves nothing for the host or the
next run. Every attack runs on a single run (its own bwrap) and on a run forked by the warm pool."""

from __future__ import annotations

import io
import socket
import textwrap
import time

import numpy as np
import pytest

from grader.course.catalog import get_exercise
from grader.engine import launch, pool
from grader.engine.judge import grade_source
from grader.render import terminal
from tests.conftest import fast

pytestmark = pytest.mark.skipif(launch.bwrap_path() is None, reason="bubblewrap is not installed")


@pytest.fixture(params=["single run", "warm pool"], autouse=True)
def mode(request):
    if request.param == "warm pool":
        pool.enable()
    yield request.param
    if request.param == "warm pool":
        pool.shutdown()
        pool._enabled = False


# Finds the worker's own variables (the reply channel, the request being served) by walking the stack,
# as a submission determined to write on the judge's channel would.
CHANNEL = """
import json, os, struct, sys
def _find(name):
    frame = sys._getframe(1)
    while frame:
        if name in frame.f_locals:
            return frame.f_locals[name]
        frame = frame.f_back
def _send(message):
    os.write(_find("reply_fd"), sys.modules["wire"].pack(message))
def _send_raw(header: bytes):
    os.write(_find("reply_fd"), struct.pack("<I", len(header)) + header)
"""


def run(body: str, slug="activations", **limits):
    limits = {"call_limit": 2.0, "time_limit": 20.0, **limits}
    return grade_source(fast(slug, **limits), "import numpy as np\n" + textwrap.dedent(body), "mallory")


def messages(result, function: str | None = None) -> str:
    return "\n".join(t.message for t in result.tests if function is None or t.function == function)


def points(result, function: str) -> float:
    return sum(t.points for t in result.tests if t.function == function)


def test_nothing_written_outside_the_scratch_folder_reaches_a_later_run():
    """The root, /sandbox/site (on sys.path), /sandbox/engine, /dev and a new /tmp: all read-only, so no
    module planted by one learner can run inside the next learner's worker."""
    first = run("""
        import os
        for folder in ["/", "/sandbox", "/sandbox/site", "/sandbox/engine", "/dev", "/root", "/usr"]:
            try:
                with open(os.path.join(folder, "planted_rt.py"), "w") as handle:
                    handle.write("print('PLANTED CODE RAN')")
                print("WROTE", folder)
            except OSError as error:
                print("refused", folder, error.errno)
        try:
            os.mkdir("/tmp")
            print("WROTE /tmp")
        except OSError:
            print("refused /tmp")
        def relu(x):
            return np.maximum(x, 0)
    """)
    assert "WROTE" not in first.output and first.output.count("refused") == 8, first.output
    second = run("""
        try:
            import planted_rt
        except ImportError:
            print("nothing planted")
        def relu(x):
            return np.maximum(x, 0)
    """)
    assert "nothing planted" in second.output and "PLANTED" not in second.output, second.output
    assert points(second, "relu") == 2


def test_dev_shm_and_dev_cannot_get_round_the_disk_limit():
    result = run(
        """
        import os
        for path in ["/dev/shm/fill", "/dev/fill"]:
            written = 0
            try:
                with open(path, "wb") as handle:
                    for _ in range(60):
                        handle.write(b"x" * 2**20)
                        written += 1
            except OSError:
                pass
            print(path, "MB", written)
        def relu(x):
            return np.maximum(x, 0)
        """,
        disk_mb=50,
    )
    assert "/dev/shm/fill MB 1\n" in result.output and "/dev/fill MB 0" in result.output, result.output  # 1 MB
    assert points(result, "relu") == 2


def test_a_vfork_child_that_never_execs_cannot_void_the_run():
    """A vfork parent waits uninterruptibly using no CPU, which the judge does not charge: once the call had
    run 4x its limit the host was blamed and the run voided (nothing recorded). vfork is refused; Python's
    subprocess, which tries vfork first, still works."""
    result = run(
        """
        import ctypes, subprocess
        libc = ctypes.CDLL(None, use_errno=True)
        def relu(x):
            if libc.syscall(58) == 0:  # vfork on x86-64; a child that never execs
                libc.pause()
            if libc.syscall(56, 0x4000 | 17, 0, 0, 0, 0) == 0:  # clone(CLONE_VFORK | SIGCHLD)
                libc.pause()
            return np.maximum(x, 0)
        def relu_grad(x):
            return (x > 0).astype(float) * (subprocess.run(["true"]).returncode == 0)
        """,
        call_limit=1.0,
    )
    assert points(result, "relu") == 2, messages(result, "relu")
    assert points(result, "relu_grad") == 2, messages(result, "relu_grad")


def test_a_main_thread_that_ends_itself_is_charged_for_the_waiting():
    """pthread_exit on the main thread leaves it a zombie while another thread waits: neither CPU nor sleep
    was charged, so the call ran on until the host was blamed and the run voided."""
    started = time.monotonic()
    result = run(
        """
        import ctypes, threading, time
        def relu(x):
            threading.Thread(target=time.sleep, args=(1000,)).start()
            ctypes.CDLL(None).pthread_exit(None)
        """,
        call_limit=1.0,
    )
    assert "did not return within 1 s" in messages(result, "relu"), messages(result, "relu")
    assert time.monotonic() - started < 15


def test_forged_messages_on_the_judges_channel_reach_no_result(monkeypatch):
    """A ready message forged at import: under bubblewrap the judge states the run's filesystem itself;
    under Landlock the worker's account is kept as printable text only (no escape sequence reaches a
    terminal); fields of the wrong type refuse the run; forged replies with fields of the wrong type are
    named as such, never a traceback."""
    forge = (
        CHANNEL
        + r"""
_send({"ok": True, "error": None, "functions": ["relu"], "network": "none",
       "sandbox": "unavailable\x1b]52;c;cHduZWQ=\x1b\\ \x1b[2J forged"})
os._exit(0)
"""
    )
    filesystem = run(forge).sandbox["filesystem"]
    assert "its own filesystem" in filesystem and "forged" not in filesystem, filesystem
    with monkeypatch.context() as patched:
        patched.setenv("GRADE_SANDBOX", "landlock")
        filesystem = run(forge).sandbox["filesystem"]
    assert "\x1b" not in filesystem and filesystem.endswith("[2J forged"), filesystem
    typed = run(CHANNEL + '_send({"ok": True, "error": None, "functions": ["relu", 5], "sandbox": {"a": 1}})\n')
    assert typed.status == "error" and "wrote on the grader's channel" in typed.message, typed.message
    forged = run(
        CHANNEL
        + """
def relu(x):
    _send({"id": _find("request")["id"], "ok": True, "value": np.maximum(x, 0), "warnings": [1, None]})
    os._exit(0)
def relu_grad(x):
    _send([1, 2])
    os._exit(0)
def leaky_relu(x, alpha=0.01):
    _send({"id": _find("request")["id"], "ok": False, "error": {"kind": "exception", "type": 5, "where": 7}})
    os._exit(0)
def leaky_relu_grad(x, alpha=0.01):
    _send({"id": _find("request")["id"], "ok": False})
    os._exit(0)
"""
    )
    for function in ("relu", "relu_grad", "leaky_relu", "leaky_relu_grad"):
        assert points(forged, function) == 0
        assert "not one the grader sends" in messages(forged, function), messages(forged, function)


def test_forged_array_blobs_arrive_as_unsupported_or_end_the_worker():
    """A .npy header claiming 8 TiB raised MemoryError in the judge (not a wire error: the same message was
    parsed again for every later check); .npz, text and structured blobs are not plain numbers."""
    result = run(
        CHANNEL
        + """
import io
from numpy.lib import format
def _blob(raw):
    header = json.dumps({"__dict__": {"id": _find("request")["id"], "ok": True, "value": {"__ndarray__": 0}}})
    os.write(_find("reply_fd"), struct.pack("<I", len(header)) + header.encode() + struct.pack("<Q", len(raw)) + raw)
    os._exit(0)
def _saved(save, value):
    buffer = io.BytesIO()
    save(buffer, value)
    return buffer.getvalue()
def relu(x):
    buffer = io.BytesIO()
    format.write_array_header_1_0(buffer, {"descr": "<f8", "fortran_order": False, "shape": (2**40,)})
    _blob(buffer.getvalue() + bytes(8))
def relu_grad(x):
    _blob(_saved(np.savez, np.zeros(3)))
def leaky_relu(x, alpha=0.01):
    _blob(_saved(np.save, np.array(["a", "b"])))
def leaky_relu_grad(x, alpha=0.01):
    _blob(_saved(np.save, np.zeros(3, dtype=[("a", "f8")])))
"""
    )
    assert result.score == 0
    assert "relu(x) with x of shape (3, 5) ended the worker process" in messages(result, "relu")
    assert "returned a NpzFile" in messages(result, "relu_grad"), messages(result, "relu_grad")
    assert "returned a ndarray of dtype <U1" in messages(result, "leaky_relu")
    assert "returned a ndarray of dtype [('a', '<f8')]" in messages(result, "leaky_relu_grad")
    assert "could not check the result" not in messages(result)


def test_a_reply_of_millions_of_small_python_objects_is_refused_before_parsing():
    """60 MB of "[]," (under the 64 MB reply limit) parsed into 20 million lists grew the judge by 2.8 GB
    and took it 20 s; the JSON part of a reply is limited to 1 MB."""
    started = time.monotonic()
    result = run(
        CHANNEL
        + """
def relu(x):
    _send_raw(b'{"__dict__": {"id": %d, "ok": true, "value": [' % _find("request")["id"] + b"[]," * 20_000_000 + b"[]]}}")
    os._exit(0)
""",
        call_limit=5.0,
    )
    assert "returned more than 1 MB of lists, numbers or text" in messages(result, "relu"), messages(result, "relu")
    assert time.monotonic() - started < 20


def test_odd_return_values_fail_cleanly_and_never_break_the_judge():
    result = run("""
        class Rigged(np.ndarray):
            def __eq__(self, other):
                return True
        class Pretender:
            def __array__(self, *args, **kwargs):
                return np.zeros(3)
            def __eq__(self, other):
                return True
            def __float__(self):
                return 0.0
        def relu(x):
            return np.zeros_like(x).view(Rigged)
        def relu_grad(x):
            return np.array([Pretender()], dtype=object)
        def leaky_relu(x, alpha=0.01):
            return np.full(x.shape, np.nan)
        def leaky_relu_grad(x, alpha=0.01):
            return np.broadcast_to(np.float64(0), (10**6, 10**6))
        def sigmoid(x):
            return np.zeros((0, 2**40))
        def sigmoid_grad(x):
            return [np.zeros(x.shape)] * 3
        def tanh(x):
            return 10**4000  # its float() overflowed inside the judge's diagnosis: a traceback, the run lost
        def tanh_grad(x):
            return np.array(0.5)
        def softmax(z, axis=-1):
            return (z + 0j) / z.size
    """)
    assert result.score == 0, [(t.name, t.message) for t in result.tests if t.passed]
    assert "returned a ndarray of dtype object" in messages(result, "relu_grad")
    assert "NaN or infinite" in messages(result, "leaky_relu")
    assert "returned a value larger than 64 MB" in messages(result, "leaky_relu_grad"), messages(
        result, "leaky_relu_grad"
    )
    assert "returned shape (0, 1099511627776)" in messages(result, "sigmoid")
    assert "returned a list of 3 items" in messages(result, "sigmoid_grad")
    assert "returned a int" in messages(result, "tanh"), messages(result, "tanh")
    assert "returned shape ()" in messages(result, "tanh_grad")
    assert "not plain data" in messages(result, "softmax") or "dtype" in messages(result, "softmax")


def test_judge_breakers_each_end_in_one_message():
    started = time.monotonic()
    result = run(
        CHANNEL
        + r"""
import signal, sys
print("\x1b]52;c;cHduZWQ=\x07\x1b[2J escape")
class Endless(Exception):
    def __str__(self):
        while True:
            pass
class Broken(Exception):
    def __str__(self):
        raise RuntimeError("no")
def relu(x):
    os.close(0), os.close(1), os.close(2)
def relu_grad(x):
    os.kill(os.getpid(), signal.SIGSTOP)
def leaky_relu(x, alpha=0.01):
    data = sys.modules["wire"].pack({"id": _find("request")["id"], "ok": True, "value": x})
    os.write(_find("reply_fd"), data[: len(data) // 2])
    os._exit(0)
def leaky_relu_grad(x, alpha=0.01):
    raise KeyboardInterrupt
def sigmoid(x):
    sys.setrecursionlimit(10**6)
    def deeper(n):
        return deeper(n + 1)
    return deeper(0)
def sigmoid_grad(x):
    raise Broken()
def tanh(x):
    raise Endless()
def tanh_grad(x):
    while True:
        try:
            os.fork()
        except OSError:
            pass
""",
        call_limit=2.0,
        time_limit=40.0,
    )
    assert result.score == 0
    shown = io.StringIO()
    terminal.submission(result, get_exercise("activations"), stream=shown)
    assert "escape" in shown.getvalue() and "\x1b" not in shown.getvalue()  # the learner's output is data
    assert "ended the worker process" in messages(result, "leaky_relu")
    assert "raised KeyboardInterrupt" in messages(result, "leaky_relu_grad")
    assert "sigmoid_grad(x) with x of shape (3, 5) raised Broken" in messages(result, "sigmoid_grad")
    for function in ("tanh", "tanh_grad"):
        assert "did not return within 2 s" in messages(result, function), messages(result, function)
    assert time.monotonic() - started < 60


def test_no_network_to_the_host_and_the_kernels_risky_parts_refused():
    tcp = socket.socket()
    tcp.bind(("127.0.0.1", 0))
    tcp.listen()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.settimeout(0.5)
    try:
        result = run(f"""
            import ctypes, os, signal, socket
            libc = ctypes.CDLL(None, use_errno=True)
            def attempt(name, call):
                try:
                    outcome = call()
                    print(name, "refused" if outcome == -1 else f"ALLOWED {{outcome}}")
                except OSError:
                    print(name, "refused")
            attempt("tcp", lambda: socket.create_connection(("127.0.0.1", {tcp.getsockname()[1]}), timeout=1))
            attempt("udp", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(
                b"x", ("127.0.0.1", {udp.getsockname()[1]})))
            attempt("netlink", lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0))
            for name, number, args in [("io_uring_setup", 425, (8, ctypes.create_string_buffer(120))),
                                       ("bpf", 321, (0, 0, 0)), ("keyctl", 250, (0, 0, 0)),
                                       ("userfaultfd", 323, (0,)), ("perf_event_open", 298, (0, 0, -1, -1, 0)),
                                       ("setns", 308, (0, 0)), ("sync", 162, ()), ("vfork", 58, ()),
                                       ("syncfs", 306, (os.open("/usr", os.O_RDONLY),))]:
                attempt(name, lambda: libc.syscall(number, *args))
            if os.fork() == 0:
                os._exit(0)
            os.kill(-1, signal.SIGKILL)  # everything it may signal: its own namespace only
            print("survived kill(-1)")
        """)
        try:
            got = udp.recvfrom(16)
        except OSError:
            got = None
    finally:
        tcp.close()
        udp.close()
    assert got is None
    assert "ALLOWED" not in result.output and result.output.count("refused") == 12, result.output


def test_no_random_state_of_one_run_reaches_the_next():
    """What one run draws from numpy's and Python's random state, or sets as a seed, is not seen by the next."""
    draws = []
    for _ in range(2):
        result = run("""
            import random
            print("draw", np.random.random(), random.random())
            np.random.seed(1234), random.seed(1234)
            np.random.random(1000)
            def relu(x):
                return np.maximum(x, 0)
        """)
        draws.append(next(line for line in result.output.splitlines() if line.startswith("draw")))
    seeded = np.random.RandomState(1234).random_sample()
    assert str(seeded) not in draws[1] and draws[0] != draws[1], draws


def test_odd_values_in_neurons_and_autograd_are_named_not_crashed_on():
    neurons = run(
        """
        def neuron(x, w, b, activation="sigmoid"):
            return float("nan")
        def count_parameters(layer_sizes):
            return 10**400
        """,
        slug="neurons",
    )
    assert "returned an integer too large to be a float" in messages(neurons, "count_parameters")
    assert "could not check the result" not in messages(neurons)
    autograd = run(
        """
        class Value:
            def __init__(self, data, _children=(), _op=""):
                self.data, self.grad = 10**4000, [1, 2]
            def __add__(self, other):
                return self
            __radd__ = __mul__ = __rmul__ = __sub__ = __rsub__ = __truediv__ = __rtruediv__ = __pow__ = __add__
            def __neg__(self):
                return self
            def relu(self):
                return self
            tanh = exp = log = relu
            def backward(self):
                pass
        """,
        slug="autograd",
    )
    assert autograd.score == 0 and autograd.tests, autograd.message


def test_the_scratch_folder_is_hidden_from_the_output_as_whole_path_parts_only():
    """The run's folder (/work) is taken out of what the learner printed, but only as a whole path part:
    /sandbox/engine/worker.py printed as /sandbox/engine.er.py."""
    result = run("""
        import os, sys
        print(os.getcwd(), os.path.join(os.getcwd(), "notes.txt"), "/sandbox/engine/worker.py", "/workers")
        def relu(x):
            return np.maximum(x, 0)
    """)
    assert ". notes.txt /sandbox/engine/worker.py /workers" in result.output, result.output
