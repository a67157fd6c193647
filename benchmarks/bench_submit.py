"""How long learners wait: wall time of `grade submit` from the shell, CLI start-up included.

    python benchmarks/bench_submit.py            # activations, 15 runs, plus every exercise once... thrice
    python benchmarks/bench_submit.py --runs 30 --exercise neurons

Prints the median (and min/max) of `grade submit activations` on the reference solution, then the
median of 3 runs for every exercise's reference. Targets on a 2-core machine: activations < 0.5 s,
fine_tuning < 10 s, every other exercise (but training) < 2 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRADE = Path(sys.executable).with_name("grade")


def time_submit(slug: str, db_url: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [
            str(GRADE),
            "submit",
            slug,
            "--file",
            str(ROOT / "solutions" / f"{slug}.py"),
            "--db",
            db_url,
            "--student",
            "bench",
        ],
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"grade submit {slug} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--exercise", default="activations")
    parser.add_argument("--skip-all", action="store_true", help="only the one exercise")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from grader.course.catalog import load_manifest

    with tempfile.TemporaryDirectory() as folder:
        db_url = f"sqlite:///{folder}/bench.sqlite3"
        time_submit(args.exercise, db_url)  # warm-up: creates the database, fills the OS caches
        times = [time_submit(args.exercise, db_url) for _ in range(args.runs)]
        print(
            f"grade submit {args.exercise}: median {statistics.median(times):.3f} s "
            f"(min {min(times):.3f}, max {max(times):.3f}, {args.runs} runs)"
        )
        if args.skip_all:
            return
        print("\nevery exercise, reference solution, median of 3 runs:")
        for exercise in load_manifest():
            runs = [time_submit(exercise.slug, db_url) for _ in range(3)]
            print(f"  {exercise.slug:<16} {statistics.median(runs):7.2f} s")


if __name__ == "__main__":
    main()
