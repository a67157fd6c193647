"""Wall time of every `grade report` / `grade export` on a large class database.

Each command runs as the instructor runs it (`python -m grader ...` in a fresh process, so Python's
start-up and opening the database are included), output to a temporary folder; the figures are the
median of --repeat runs, in seconds: the wall time, and the CPU time the command used (on a machine
shared with other work, the wall time grows with the load; the CPU time much less).

    python benchmarks/make_class_db.py --out /tmp/class_2000.sqlite3     # once: 2,000 learners
    python benchmarks/bench_report.py --db /tmp/class_2000.sqlite3 [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/class_2000.sqlite3", help="the SQLite file made by make_class_db.py")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--url", help="benchmark this database instead (e.g. postgresql://...), made with --url too")
    args = parser.parse_args()
    path = Path(args.db).resolve()
    if not args.url and not path.exists():
        sys.exit(f"{path} does not exist; make it first: python benchmarks/make_class_db.py --out {path}")
    url = args.url or f"sqlite:///{path}"
    sys.path.insert(0, str(ROOT))
    from grader.course.catalog import load_manifest

    exercise = load_manifest()[3].slug  # backprop: a middle-of-the-course exercise
    out = Path(tempfile.mkdtemp(prefix="bench-report-"))
    cases = [
        ("class table (terminal)", ["report", "--sort", "total"]),
        ("class table --csv", ["report", "--csv"]),
        ("class table --json", ["report", "--json"]),
        ("class page --html (charts)", ["report", "--html", str(out / "class.html")]),
        (f"--exercise {exercise}", ["report", "--exercise", exercise]),
        (f"--exercise {exercise} --basis latest", ["report", "--exercise", exercise, "--basis", "latest"]),
        (f"--exercise {exercise} --html", ["report", "--exercise", exercise, "--html", str(out / "ex.html")]),
        ("--quiz 4", ["report", "--quiz", "4"]),
        ("--student learner00042", ["report", "--student", "learner00042"]),
        ("export csv (gradebook)", ["export", "csv", str(out / "gradebook.csv")]),
        ("export csv --format canvas", ["export", "csv", str(out / "canvas.csv"), "--format", "canvas"]),
        (
            f"export gradescope --exercise {exercise}",
            ["export", "gradescope", str(out / "gs1"), "--exercise", exercise],
        ),
        ("export gradescope (every exercise)", ["export", "gradescope", str(out / "gs")]),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "-m", "grader", "report", "--limit", "1", "--db", url],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )  # migrate (if needed) and warm the file cache once
    shown = f"{path} ({path.stat().st_size / 2**20:.0f} MB)" if not args.url else url.split("@")[-1]
    print(f"database: {shown}; median of {args.repeat} runs, wall time of the whole command")
    for label, command in cases:
        times, cpus, failed = [], [], ""
        for _ in range(args.repeat):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "grader", *command, "--db", url],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            times.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            if done.returncode != 0:
                failed = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"
                break
        if failed:
            print(f"  {label:<44} failed: {failed}")
            continue
        print(f"  {label:<44} {statistics.median(times):6.2f} s  (CPU {statistics.median(cpus):5.2f} s)")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import grader.cli"], cwd=ROOT, env=env, check=True)
    print(f"  {'(python start-up + import grader.cli alone)':<44} {time.perf_counter() - started:6.2f} s")


if __name__ == "__main__":
    main()
