"""The cold path and the warm pool, side by side, on this machine.

Prints, in one run:
  - a bare `python -c "import numpy"` start, and a cold `grade submit activations --json` (wall and CPU);
  - the warm pool's latency for one submission on an idle pool (request to result);
  - a class of >= 100 submissions mixed across the numpy exercises (references, correct alternates and
    planted misconceptions) graded by `run_batch` as `grade autograde --jobs 2` does: throughput,
    CPU-seconds per submission, and the peak memory (PSS) of the grading processes and zygotes;
  - fine_tuning graded through the pool.

    python benchmarks/bench_pool.py [--runs 10] [--learners 30]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from db.recording import record_submission  # noqa: E402
from db.session import open_database  # noqa: E402
from grader.course.catalog import get_exercise  # noqa: E402
from grader.engine.diagnosis import load_catalogue, variant_source  # noqa: E402

EXERCISES = ("neurons", "activations", "losses", "optimizers", "regularization", "deep_training")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall-clock seconds and median CPU seconds (the command and everything it started)."""
    walls, cpus = [], []
    for _ in range(runs):
        before, started = children_cpu(), time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, cwd=ROOT)
        walls.append(time.perf_counter() - started)
        cpus.append(children_cpu() - before)
    return statistics.median(walls), statistics.median(cpus)


def descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/task/{current}/children") as handle:
                kids = {int(p) for p in handle.read().split()}
        except OSError:
            continue
        todo.extend(kids - found)
        found |= kids
    return found


def pss_mb(pids) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                total += sum(int(line.split()[1]) for line in handle if line.startswith("Pss:"))
        except (OSError, ValueError):
            pass
    return total / 1024


class PeakMemory(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.peak, self.running = 0.0, True

    def run(self):
        while self.running:
            self.peak = max(self.peak, pss_mb(descendants(os.getpid())))
            time.sleep(0.1)


def make_class(folder: Path, learners: int) -> int:
    """learners x EXERCISES files: references, alternates and planted misconceptions in turn."""
    sources = {}
    for slug in EXERCISES:
        exercise = get_exercise(slug)
        reference = exercise.solution_path.read_text()
        alternates = [p.read_text() for p in sorted((ROOT / "tests" / "alternates" / slug).glob("*.py"))]
        wrong = [variant_source(reference, item) for item in load_catalogue(slug, ROOT)]
        sources[slug] = [reference, *alternates, *wrong]
    count = 0
    for number in range(learners):
        for slug, options in sources.items():
            path = folder / f"learner{number:03d}" / f"{slug}.py"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(options[number % len(options)])
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--learners", type=int, default=30)
    args = parser.parse_args()
    python, grade = sys.executable, [sys.executable, "-m", "grader"]
    bare = timed([python, "-c", "import numpy"], args.runs)
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{scratch}/cold.sqlite3"
        solution = str(ROOT / "solutions" / "activations.py")
        timed([*grade, "submit", "activations", "--file", solution, "--db", url, "--json"], 1)  # creates the db
        cold = timed([*grade, "submit", "activations", "--file", solution, "--db", url, "--json"], args.runs)

        from grader.engine import pool
        from grader.engine.judge import grade_source

        pool.enable()
        exercise = get_exercise("activations")
        source = exercise.solution_path.read_text()
        grade_source(exercise, source, "warm-up")
        latencies = []
        for _ in range(args.runs * 2):
            started = time.perf_counter()
            grade_source(exercise, source, "bench")
            latencies.append(time.perf_counter() - started)
        fine = get_exercise("fine_tuning")
        grade_source(fine, fine.solution_path.read_text(), "warm-up")  # the torch zygote starts once
        started = time.perf_counter()
        fine_result = grade_source(fine, fine.solution_path.read_text(), "bench")
        fine_seconds = time.perf_counter() - started
        pool.shutdown()
        pool._enabled = False

        from grader.service.autograde import plan_batch, run_batch

        folder = Path(scratch) / "class"
        total = make_class(folder, args.learners)
        database = open_database(f"sqlite:///{scratch}/class.sqlite3")
        batch = plan_batch(folder, only=list(EXERCISES))
        memory = PeakMemory()
        memory.start()
        before_self = resource.getrusage(resource.RUSAGE_SELF)
        before_children = children_cpu()
        started = time.perf_counter()
        run_batch(batch, lambda result, source: record_submission(database, result, source, "bench"), jobs=2)
        wall = time.perf_counter() - started
        memory.running = False
        after_self = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (after_self.ru_utime - before_self.ru_utime + after_self.ru_stime - before_self.ru_stime) + (
            children_cpu() - before_children
        )
        graded = sum(item.outcome == "graded" for item in batch.items)

    print(f"{'':44}{'wall s':>9}{'CPU s':>9}   target")
    bare_label = 'python -c "import numpy" (bare start)'
    print(f"{bare_label:44}{bare[0]:9.3f}{bare[1]:9.3f}")
    print(
        f"{'cold grade submit activations --json':44}{cold[0]:9.3f}{cold[1]:9.3f}   <= 2.5x bare ({2.5 * bare[0]:.3f} s)"
    )
    print(f"{'  ratio to the bare start':44}{cold[0] / bare[0]:9.2f}x")
    print(f"{'warm pool, one submission, idle (p50)':44}{statistics.median(latencies):9.3f}{'':9}   <= 0.150")
    print(f"{'warm pool, one submission, idle (p95)':44}{statistics.quantiles(latencies, n=20)[-1]:9.3f}")
    print(f"{'fine_tuning through the pool':44}{fine_seconds:9.3f}{'':9}   <= 1.5   (score {fine_result.score:g})")
    print(f"class: {graded} of {total} submissions graded ({len(EXERCISES)} exercises, 2 processes)")
    print(f"{'  throughput (submissions per second)':44}{graded / wall:9.1f}{'':9}   >= 20")
    print(f"{'  CPU seconds per submission':44}{'':9}{cpu / max(graded, 1):9.3f}   <= 0.150")
    print(f"{'  peak memory of the pool (PSS, MB)':44}{memory.peak:9.0f}")


if __name__ == "__main__":
    main()
