"""Latency and throughput of the course server: `grade serve` on 127.0.0.1 (SQLite, the embedded queue,
--jobs grading processes) with LEARNERS learners sending SUBMISSIONS submissions over HTTP from CLIENTS
threads at once, half of them right, half the stubs, mixed exercises.

Each latency is from sending the file to holding its graded result (?wait=); throughput is graded
submissions a second over the whole run. Every submission is checked to be recorded exactly once.

    python benchmarks/bench_server.py [--submissions 200] [--clients 16] [--jobs 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from server_process import ServerProcess

from grader.course.catalog import get_exercise

EXERCISES = ("neurons", "activations", "losses")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--learners", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    options = parser.parse_args()
    learners = [f"learner{n:03d}" for n in range(options.learners)]
    files = {
        slug: (get_exercise(slug).solution_path.read_bytes(), get_exercise(slug).stub_path.read_bytes())
        for slug in EXERCISES
    }
    with tempfile.TemporaryDirectory(prefix="bench-server-") as folder:
        server = ServerProcess(Path(folder), learners, "--max-wait", "3600", "--rate", "1000", "--pending", "1000")
        server.options[-1] = str(options.jobs)
        started = time.monotonic()
        server.start()
        print(f"server up in {time.monotonic() - started:.1f} s ({options.jobs} grading processes)")
        work = list(range(options.submissions))
        lock = threading.Lock()
        latencies: dict[str, list[float]] = {slug: [] for slug in EXERCISES}
        failures: list[str] = []
        ids: list[int] = []

        def client() -> None:
            while True:
                with lock:
                    if not work:
                        return
                    n = work.pop()
                slug = EXERCISES[n % len(EXERCISES)]
                content = files[slug][(n // len(EXERCISES)) % 2]
                token = server.tokens[learners[n % len(learners)]]
                sent = time.monotonic()
                status, _, view = server.submit(token, slug, content, wait=600)
                if status == 202:
                    view = server.wait_done(token, view["id"], timeout=1200)
                elif status != 200:
                    failures.append(f"{status}: {view}")
                    continue
                with lock:
                    latencies[slug].append(time.monotonic() - sent)
                    ids.append(view["id"])

        began = time.monotonic()
        threads = [threading.Thread(target=client) for _ in range(options.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - began
        server.stop()
        every = sorted(value for values in latencies.values() for value in values)

        def pct(values, q):
            return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]

        print(f"{len(every)} submissions graded of {options.submissions} sent, {len(failures)} refused or failed")
        print(f"recorded: {len(set(ids))} distinct submissions, {len(ids) - len(set(ids))} duplicated")
        print(f"throughput: {len(every) / wall:.2f} submissions/s over {wall:.1f} s")
        print(f"latency all: p50 {pct(every, 50):.2f} s  p95 {pct(every, 95):.2f} s  max {every[-1]:.2f} s")
        for slug, values in latencies.items():
            if values:
                values.sort()
                print(f"  {slug:<12} n={len(values):<4} p50 {pct(values, 50):.2f} s  p95 {pct(values, 95):.2f} s")
        for failure in failures[:5]:
            print("  refused:", failure)


if __name__ == "__main__":
    main()
