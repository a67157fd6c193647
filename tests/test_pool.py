"""The warm pool (issue 12): runs forked by a zygote that imported numpy once, each still a world of its own.
What one run writes, allocates, changes in numpy or leaves running is invisible to the next."""

from __future__ import annotations

import textwrap

import pytest

from grader.course.catalog import get_exercise
from grader.engine import launch, pool
from grader.engine.judge import grade_source
from tests.conftest import fast, sleepers

pytestmark = pytest.mark.skipif(launch.bwrap_path() is None, reason="bubblewrap is not installed")


@pytest.fixture(autouse=True)
def warm():
    pool.enable()
    yield
    pool.shutdown()
    pool._enabled = False


def run(body: str):
    source = "import numpy as np\n" + textwrap.dedent(body) + "\ndef relu(x):\n    return np.maximum(x, 0)\n"
    return grade_source(fast("activations", call_limit=2.0, time_limit=20.0), source, "x")


def test_nothing_passes_from_one_run_to_the_next():
    first = run("""
        import os, sys, threading, time
        open("/work/left.txt", "w").write("secret")
        open("/dev/shm/left", "w").write("secret")
        np.sum = lambda *a, **k: 42          # a monkeypatched numpy
        np.left_behind = bytearray(50 * 2**20)
        os.environ["LEFT"] = "secret"
        sys.modules["left_module"] = sys
        threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
        if os.fork() == 0:
            os.setsid()
            os.execv("/bin/sleep", ["sleep", "641.5"])
        print("first run done")
    """)
    assert "first run done" in first.output
    assert sleepers("641.5") == [], "a process of the first run outlived it"
    second = run("""
        import os, sys
        print("work", sorted(os.listdir("/work")))
        print("shm", os.listdir("/dev/shm"))
        print("sum", np.sum([1, 2]), hasattr(np, "left_behind"))
        print("env", os.environ.get("LEFT"), "left_module" in sys.modules)
        print("proc", os.listdir("/proc"))
    """)
    out = second.output
    assert "work ['activations.py']" in out and "shm []" in out, out
    assert "sum 3 False" in out and "env None False" in out and "proc []" in out, out
    assert sum(t.points for t in second.tests if t.function == "relu") == 2


def test_the_pool_grades_like_a_single_run():
    exercise = get_exercise("activations")
    source = exercise.solution_path.read_text()
    warm_result = grade_source(exercise, source, "x")
    pool._enabled = False
    cold_result = grade_source(exercise, source, "x")
    assert warm_result.score == cold_result.score == exercise.points
    assert [t.name for t in warm_result.tests] == [t.name for t in cold_result.tests]
    assert warm_result.sandbox["isolation"] == "bubblewrap (warm pool)"


def test_a_zygote_that_died_is_started_again():
    run("")
    pool.zygote_for(("numpy",)).process.kill()
    result = run("")
    assert sum(t.points for t in result.tests if t.function == "relu") == 2


def test_torch_runs_come_from_a_torch_zygote():
    exercise = get_exercise("fine_tuning")
    result = grade_source(exercise, exercise.solution_path.read_text(), "x")
    assert result.score == exercise.points, [t.message for t in result.tests if not t.passed]
    assert set(pool._zygotes) >= {("numpy", "torch")}
