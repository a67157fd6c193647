"""What the sandbox costs to start, next to a bare Python start (issue 11).

For each way of starting a run, the median time from asking for a worker to the worker saying it
has imported the learner's (trivial) module and is ready:
  - a bare `python -c pass` and `python -c "import numpy"` (no sandbox at all, for comparison);
  - a single run in bubblewrap (namespaces, seccomp, its own filesystem, a cgroup);
  - a single run in the Landlock fallback;
  - a run forked by the warm pool's zygote.

    python benchmarks/bench_sandbox.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grader.course.catalog import get_exercise
from grader.engine import launch, pool
from grader.engine.sandbox import Sandbox

SOURCE = "import numpy as np\n\ndef relu(x):\n    return np.maximum(x, 0)\n"


def process(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def ready(runs: int) -> float:
    exercise = get_exercise("activations")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        sandbox = Sandbox(exercise, SOURCE)
        sandbox.functions()  # waits until the worker has imported the module
        times.append(time.perf_counter() - started)
        sandbox.close()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    rows = [
        ("python -c pass", process([sys.executable, "-c", "pass"], runs)),
        ('python -c "import numpy"', process([sys.executable, "-c", "import numpy"], runs)),
    ]
    if launch.bwrap_path():
        rows.append(("bubblewrap run, ready", ready(runs)))
    os.environ["GRADE_SANDBOX"] = "landlock"
    rows.append(("Landlock fallback run, ready", ready(runs)))
    del os.environ["GRADE_SANDBOX"]
    if launch.bwrap_works():
        pool.enable()
        ready(1)  # the zygote starts once
        rows.append(("warm pool run, ready", ready(runs)))
        pool.shutdown()
    bare = rows[1][1]
    print(f"{'start':34}{'median s':>10}{'vs numpy':>10}")
    for name, seconds in rows:
        print(f"{name:34}{seconds:10.3f}{seconds / bare:9.2f}x")


if __name__ == "__main__":
    main()
