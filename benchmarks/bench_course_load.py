"""How much reading the course costs a `grade` run: prints figures, asserts nothing.

    python benchmarks/bench_course_load.py [--runs N] [--source DIR]

Each figure is the median of N fresh processes (default 15):
  - importing grader.course.catalog and the first load_manifest(), with the validated manifest in
    the cache (every run but the first after a change) and without it (validated with pydantic);
  - `grade list` and `grade submit neurons` (the reference solution, into a throwaway database),
    next to a bare `python -c "import numpy"`.
`--source DIR` runs the same against another checkout of the grader (e.g. main, for a before/after).
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

ROOT = Path(__file__).resolve().parent.parent

LOAD = """
import time
import click, rich.console  # what the CLI has imported by the time it reads the manifest
started = time.perf_counter()
from grader.course.catalog import load_manifest
imported = time.perf_counter()
load_manifest()
print((imported - started) * 1000, (time.perf_counter() - imported) * 1000)
"""


def median_ms(command: list[str], env: dict, runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU (user + system, the process and its children) milliseconds; CPU
    time is the steadier figure on a machine other people share."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000


def load_figures(env: dict, runs: int, clear_cache: Path | None) -> tuple[float, float]:
    imports, loads = [], []
    for _ in range(runs):
        if clear_cache is not None:
            for entry in clear_cache.glob("nn-grade/course/manifest-*.json"):
                entry.unlink()
        out = subprocess.run([sys.executable, "-c", LOAD], env=env, capture_output=True, text=True, check=True).stdout
        first, second = (float(x) for x in out.split())
        imports.append(first)
        loads.append(second)
    return statistics.median(imports), statistics.median(loads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--source", type=Path, default=ROOT, help="the checkout whose grader is measured")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        cache = Path(scratch) / "cache"
        env = {**os.environ, "PYTHONPATH": str(args.source), "XDG_CACHE_HOME": str(cache)}
        subprocess.run([sys.executable, "-c", LOAD], env=env, capture_output=True, check=True)  # fill the cache
        imported, loaded = load_figures(env, args.runs, None)
        print(f"import catalog {imported:6.2f} ms   load_manifest {loaded:6.2f} ms   (validated manifest cached)")
        imported, loaded = load_figures(env, max(3, args.runs // 3), cache)
        print(
            f"import catalog {imported:6.2f} ms   load_manifest {loaded:6.2f} ms   (cache emptied first: validated with pydantic)"
        )
        grade = [sys.executable, "-m", "grader"]
        database = f"sqlite:///{Path(scratch) / 'bench.sqlite3'}"
        solution = str(args.source / "solutions" / "neurons.py")
        numpy = median_ms([sys.executable, "-c", "import numpy"], env, args.runs)
        listing = median_ms([*grade, "list"], env, args.runs)
        submit = median_ms([*grade, "submit", "neurons", "--file", solution, "--db", database], env, args.runs)
        print("                          wall clock   CPU time")
        print(f"python -c 'import numpy'  {numpy[0]:7.1f} ms  {numpy[1]:7.1f} ms")
        print(f"grade list                {listing[0]:7.1f} ms  {listing[1]:7.1f} ms")
        print(
            f"grade submit neurons      {submit[0]:7.1f} ms  {submit[1]:7.1f} ms"
            f"   ({submit[0] / numpy[0]:.1f}x a bare numpy import, wall clock)"
        )


if __name__ == "__main__":
    main()
