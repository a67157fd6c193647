"""Submissions that try to cheat, crash or hang: no unearned points, a clear message, bounded time,
no process left behind, nothing read or written outside the worker's folder."""

from __future__ import annotations

import os
import textwrap
import time

import pytest

from grader.engine.judge import grade_source
from tests.conftest import fast, sleepers

CORRECT_RELU = """
def relu(x):
    return np.maximum(x, 0)
"""


def grade(source: str, slug="activations", **limits):
    limits = {"call_limit": 1.0, "time_limit": 8.0, **limits}
    started = time.monotonic()
    result = grade_source(fast(slug, **limits), textwrap.dedent(source), "mallory")
    return result, time.monotonic() - started


# Every hostile run ends within its own limits (a few seconds on an idle machine); the bound leaves room
# for a loaded one, where limits count the learner's own time, not the host's.
BOUNDED_S = 30


def messages(result) -> str:
    return "\n".join(t.message for t in result.tests)


def test_syntax_error_is_one_clear_message():
    result, _ = grade("def relu(x)\n    return x\n")
    assert result.score == 0 and result.status == "error"
    assert "syntax error at line 1" in result.message
    assert all(t.message == result.message for t in result.tests)


def test_exit_at_import_gains_nothing():
    result, seconds = grade("""
        import sys
        print("22/22 tests passed, score 22/22")
        sys.exit(0)
    """)
    assert result.score == 0 and result.status == "error"
    assert "sys.exit()" in result.message
    assert "22/22 tests passed" in result.output  # shown as the learner's output, never parsed
    assert seconds < BOUNDED_S


def test_hard_exit_at_import_gains_nothing():
    result, seconds = grade("import os\nos._exit(0)\n")
    assert result.score == 0
    assert "ended the grading process" in result.message
    assert seconds < BOUNDED_S


def test_exception_at_import_names_the_line():
    result, _ = grade("import numpy as np\nx = 1 / 0\n")
    assert result.score == 0
    assert "ZeroDivisionError" in result.message and "line 2" in result.message


def test_missing_function_is_named_and_others_still_graded():
    result, _ = grade("import numpy as np\n" + CORRECT_RELU)
    relu_points = sum(t.points for t in result.tests if t.function == "relu")
    assert relu_points == 2 and result.score == 2
    sigmoid = [t for t in result.tests if t.function == "sigmoid"]
    assert all("sigmoid is not defined in your file" in t.message for t in sigmoid)


def test_exception_in_a_function_is_reported_with_its_type():
    result, _ = grade("""
        def relu(x):
            raise KeyError("oops")
    """)
    assert result.score == 0
    assert "raised KeyError" in messages(result) and "line 3" in messages(result)


def test_wrong_type_and_wrong_shape():
    result, _ = grade("""
        import numpy as np
        def relu(x):
            return x.tolist()
        def relu_grad(x):
            return (x > 0).astype(float).T
        def sigmoid(x):
            return "0.5"
    """)
    assert result.score == 0
    text = messages(result)
    assert "returned a list of 3 items; it should return a numpy array" in text
    assert "returned shape" in text
    assert "returned a str" in text


def test_infinite_loop_is_stopped_per_call_and_the_run_is_bounded():
    result, seconds = grade(
        """
        import numpy as np
        def relu(x):
            while True:
                pass
        def sigmoid(x):
            while True:
                pass
        def relu_grad(x):
            return (x > 0).astype(float)
    """,
        time_limit=6.0,
    )
    assert "did not return within 1 s" in messages(result)
    assert sum(t.points for t in result.tests if t.function == "relu_grad") == 2  # still graded after restarts
    assert seconds < BOUNDED_S
    assert result.score == 2


def test_infinite_loop_at_import_is_bounded():
    result, seconds = grade("while True:\n    pass\n", time_limit=4.0)
    assert result.score == 0
    assert seconds < BOUNDED_S
    assert "time limit" in result.message or "did not finish" in result.message


def test_monkeypatching_numpy_changes_nothing_in_the_judge():
    result, _ = grade("""
        import numpy as np
        np.allclose = lambda *a, **k: True
        np.isclose = lambda a, b, **k: np.ones(np.broadcast(a, b).shape, bool)
        np.array_equal = lambda *a, **k: True
        np.testing.assert_allclose = lambda *a, **k: None
        def relu(x):
            return np.zeros_like(x) - 1
        def sigmoid(x):
            return np.zeros_like(x)
    """)
    assert result.score == 0


def test_rigged_equality_gains_nothing():
    result, _ = grade("""
        import numpy as np
        class Liar(np.ndarray):
            def __eq__(self, other):
                return True
            def __array_finalize__(self, obj):
                pass
        class Anything:
            def __eq__(self, other):
                return True
            __ne__ = lambda self, other: False
            def __float__(self):
                return 0.0
        class Truthy(float):
            def __eq__(self, other):
                return True
        def relu(x):
            return np.zeros(x.shape).view(Liar)
        def relu_grad(x):
            return Anything()
        def softmax(z, axis=-1):
            return [Anything()]
        def sigmoid(x):
            return Truthy(0.0)
    """)
    assert result.score == 0
    assert "values are wrong" in messages(result)


def test_walking_the_stack_finds_no_reference():
    result, _ = grade("""
        import gc, inspect, sys
        import numpy as np
        def relu(x):
            for frame in inspect.stack():
                for value in frame.frame.f_locals.values():
                    if isinstance(value, np.ndarray) and value.shape == x.shape and value is not x:
                        return value
            found = [m for m in sys.modules if "solutions" in m]
            return np.full(x.shape, float(len(found)))
    """)
    assert sum(t.points for t in result.tests if t.function == "relu") == 0


def test_confinement_no_reading_the_course_no_writing_outside_no_network(tmp_path):
    from grader.course.catalog import COURSE_ROOT

    target = tmp_path / "escaped.txt"
    secret = tmp_path / "secret.txt"
    secret.write_text("the host's")
    result, _ = grade(f"""
        import os, socket
        import numpy as np
        seen = []
        for path in [{str(COURSE_ROOT / "solutions" / "activations.py")!r}, {str(COURSE_ROOT / "db")!r},
                     "/etc/passwd", {str(secret)!r}, {str(tmp_path)!r}]:
            try:
                open(path).read() if os.path.isfile(path) else os.listdir(path)
                seen.append("READ " + path)
            except OSError:
                pass
        try:
            open({str(target)!r}, "w").write("x")
            seen.append("WROTE")
        except OSError:
            pass
        try:
            socket.create_connection(("127.0.0.1", 9), timeout=1)
            seen.append("CONNECTED")
        except OSError as error:
            if "refused" in str(error).lower():
                seen.append("NETWORK REACHABLE")
        open("allowed.txt", "w").write("the worker's own folder is writable")
        def relu(x):
            return np.full(x.shape, float(len(seen)))
        print("seen:", seen)
    """)
    if result.sandbox["filesystem"].startswith("unavailable"):
        pytest.skip("this kernel has no Landlock")
    assert "seen: []" in result.output, result.output
    assert not target.exists()


def test_no_process_is_left_behind():
    def children():
        with open(f"/proc/{os.getpid()}/task/{os.getpid()}/children") as handle:
            return set(handle.read().split())

    before = children()
    result, seconds = grade("""
        import os, time
        ready, told = os.pipe()
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execv("/bin/sleep", ["sleep", "612.345"])
            os.write(told, b"x")
            os.execv("/bin/sleep", ["sleep", "612.346"])
        os.read(ready, 1)  # the import goes on once both processes exist
        for _ in range(100):
            alive = [p for p in os.listdir("/proc") if p.isdigit() and b"612.34" in open(f"/proc/{p}/cmdline", "rb").read()]
            if len(alive) == 2:
                break
            time.sleep(0.02)
        print("alive:", len(alive))
        def relu(x):
            return x
    """)
    assert "alive: 2" in result.output, result.output  # both were running during the run
    assert seconds < BOUNDED_S
    assert children() == before
    assert sleepers("612.345") == [] and sleepers("612.346") == [], "a process outlived the run"


def test_memory_hog_is_stopped_with_a_message():
    result, seconds = grade(
        """
        import numpy as np
        def relu(x):
            hog = [np.ones(2**27) for _ in range(100)]  # 100 GiB
            return x
    """,
        memory_mb=1024,
    )
    assert result.score == 0
    assert "MemoryError" in messages(result) or "memory" in messages(result)
    assert seconds < BOUNDED_S


def test_learner_output_is_truncated_and_paths_hidden():
    result, _ = grade("""
        import os
        print(os.getcwd())
        print(__file__)
        print("x" * 100000)
    """)
    assert "/tmp/grade-" not in result.output
    assert len(result.output) < 5000 and "output truncated" in result.output
