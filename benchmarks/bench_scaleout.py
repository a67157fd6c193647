"""Grading hosts under load and faults: `grade serve --queue` over PostgreSQL and Redis, `grade worker`
processes, a generated class submitting over HTTP at once (all on 127.0.0.1, in temporary folders).

1. Scaling: SCALING submissions (mixed exercises, right files and stubs) graded by one worker, then by two
   (each worker one grading process: --concurrency 1); graded submissions a second for each.
2. Faults: SUBMISSIONS submissions from LEARNERS learners, CLIENTS at a time, two workers; when a third
   are graded one worker is killed with SIGKILL (its whole process group: main process, grading
   process, sandbox), and started again 2 s later; when two thirds are graded Redis is restarted.
   It prints submissions sent, recorded, duplicated (a result recorded twice, or a row no learner was
   told of) and lost (accepted and never graded), jobs graded twice and recorded once, the throughput
   and the latency from sending a file to holding its result (p50/p95, the refusals' waits included).

    python benchmarks/bench_scaleout.py [--submissions 360] [--learners 120] [--clients 24] [--scaling 80]
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

from postgres_server import PostgresServer, find_bindir
from redis_server import start_redis
from server_process import ServerProcess
from worker_process import WorkerProcess, job_rows, wait_until

from grader.course.catalog import get_exercise

EXERCISES = ("neurons", "activations", "losses", "optimizers")
FILES = {slug: (get_exercise(slug).solution_path.read_bytes(), get_exercise(slug).stub_path.read_bytes()) for slug in EXERCISES}  # fmt: skip


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


class Class:
    """The generated class: learners sending submissions over HTTP from `clients` threads at once; a file
    refused (429/503) is sent again after the Retry-After the server asks for."""

    def __init__(self, server: ServerProcess, learners: list[str]):
        self.server, self.learners = server, learners
        self.lock = threading.Lock()
        self.accepted: list[int] = []
        self.latencies: list[float] = []
        self.refused = 0
        self.failures: list[str] = []

    def one(self, n: int) -> None:
        slug = EXERCISES[n % len(EXERCISES)]
        content = FILES[slug][(n // len(EXERCISES)) % 2]
        token = self.server.tokens[self.learners[n % len(self.learners)]]
        began = time.monotonic()
        while True:
            status, headers, view = self.server.submit(token, slug, content, wait=600)
            if status not in (429, 503):
                break
            with self.lock:
                self.refused += 1
            time.sleep(min(float(headers.get("Retry-After", 1)), 3.0))
        if status not in (200, 202):
            with self.lock:
                self.failures.append(f"{status}: {view}")
            return
        with self.lock:
            self.accepted.append(view["id"])
        if status == 202:
            view = self.server.wait_done(token, view["id"], timeout=1200)
        with self.lock:
            self.latencies.append(time.monotonic() - began)

    def run(self, count: int, clients: int, start: int = 0) -> float:
        """Send `count` submissions from `clients` threads; return the seconds until every one is graded."""
        work = list(range(start, start + count))
        began = time.monotonic()

        def client() -> None:
            while True:
                with self.lock:
                    if not work:
                        return
                    n = work.pop(0)
                self.one(n)

        threads = [threading.Thread(target=client) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.monotonic() - began


def tree_cpu_s(pid: int) -> float:
    """CPU seconds of a process and its descendants (with the children they reaped: the sandbox runs)."""
    import os

    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
            stack += [int(child) for child in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU time of the whole machine so far, in clock ticks."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return sum(values) - idle, sum(values)


class CpuMeter:
    """Where the CPU went during a phase: the workers, the server, PostgreSQL, Redis, the clients (this
    process), and how busy the machine was."""

    def __init__(self, parts: dict[str, list[int]]):
        import resource

        self.parts = parts
        self._self = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
        self.before = self._read()

    def _read(self) -> dict[str, float]:
        found = {name: sum(tree_cpu_s(pid) for pid in pids) for name, pids in self.parts.items()}
        found["clients"] = self._self()
        found["busy"], found["total"] = machine_busy()
        return found

    def report(self, graded: int) -> str:
        after = self._read()
        used = {name: after[name] - self.before[name] for name in after}
        busy = 100 * used.pop("busy") / max(1, used.pop("total"))
        shares = ", ".join(f"{name} {1000 * seconds / max(1, graded):.0f}" for name, seconds in used.items())
        return f"CPU ms per graded submission: {shares}; the 2 cores {busy:.0f}% busy"


def counted(server: ServerProcess, workers: int) -> None:
    def seen() -> bool:
        status, _, queue = server.request("GET", "/api/v1/queue", server.instructor_token)
        return status == 200 and queue["workers"] == workers

    wait_until(seen, 30, f"the server counting {workers} workers")


def done_count(db_url: str, ids: set[int]) -> int:
    return sum(row["state"] == "done" for row in job_rows(db_url) if row["id"] in ids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=360)
    parser.add_argument("--learners", type=int, default=120)
    parser.add_argument("--clients", type=int, default=24)
    parser.add_argument("--scaling", type=int, default=80, help="submissions of each scaling run")
    options = parser.parse_args()
    bindir, redis = find_bindir(), start_redis()
    if bindir is None or redis is None:
        raise SystemExit("needs PostgreSQL and redis-server (apt-get install postgresql redis-server)")
    postgres = PostgresServer(bindir).start()
    learners = [f"learner{n:03d}" for n in range(options.learners)]
    workers: list[WorkerProcess] = []
    with tempfile.TemporaryDirectory(prefix="bench-scaleout-") as folder:
        folder = Path(folder)
        url = postgres.new_database("bench")
        limits = ("--max-wait", "3600", "--rate", "10000", "--pending", "1000", "--queue-limit", "100000")
        server = ServerProcess(folder, learners, "--queue", redis.url, "--resend-after", "15", *limits, jobs=None, db_url=url)  # fmt: skip
        try:
            server.start()

            def worker(name: str) -> WorkerProcess:
                started = WorkerProcess(redis.url, url, folder / f"{name}.log", concurrency=1).start()
                workers.append(started)
                return started

            # 1. scaling: one grading host, then two (each warmed up first: its zygotes start on first use)
            first = worker("first")
            counted(server, 1)
            warm = Class(server, learners)
            warm.run(8, 4)
            services = {"server": [server.process.pid], "postgres": [postgres.pid()], "redis": [redis.process.pid]}
            meter = CpuMeter({"workers": [first.pid], **services})
            one = Class(server, learners)
            one_s = one.run(options.scaling, options.clients)
            one_cpu = meter.report(len(one.latencies))
            second = worker("second")
            counted(server, 2)
            warm.run(8, 4, start=8)
            meter = CpuMeter({"workers": [first.pid, second.pid], **services})
            two = Class(server, learners)
            two_s = two.run(options.scaling, options.clients)
            two_cpu = meter.report(len(two.latencies))
            print(
                f"scaling, {options.scaling} submissions each (4 exercises, right files and stubs), {options.clients} clients:"
            )
            print(f"  one worker : {len(one.latencies) / one_s:5.2f} graded/s  p50 {percentile(one.latencies, 50):.2f} s  p95 {percentile(one.latencies, 95):.2f} s")  # fmt: skip
            print(f"  two workers: {len(two.latencies) / two_s:5.2f} graded/s  p50 {percentile(two.latencies, 50):.2f} s  p95 {percentile(two.latencies, 95):.2f} s")  # fmt: skip
            print(f"  speed-up   : {one_s / two_s * len(two.latencies) / max(1, len(one.latencies)):.2f}x")
            print(f"  one worker : {one_cpu}")
            print(f"  two workers: {two_cpu}")

            # 2. faults: a worker killed outright and started again, Redis restarted
            run = Class(server, learners)
            events: list[str] = []
            began = time.monotonic()

            def saboteur() -> None:
                total = options.submissions
                wait_until(lambda: done_count(url, set(run.accepted)) >= total // 3, 1200, "a third graded", 0.5)
                first.kill()
                events.append(f"{time.monotonic() - began:5.1f} s  worker killed (SIGKILL, process group)")
                time.sleep(2)
                worker("first-again")
                events.append(f"{time.monotonic() - began:5.1f} s  worker started again")
                wait_until(lambda: done_count(url, set(run.accepted)) >= 2 * total // 3, 1200, "two thirds", 0.5)
                redis.restart()
                events.append(f"{time.monotonic() - began:5.1f} s  Redis restarted")

            sabotage = threading.Thread(target=saboteur, daemon=True)
            sabotage.start()
            wall = run.run(options.submissions, options.clients, start=1000)
            sabotage.join(60)
            rows = {row["id"]: row for row in job_rows(url)}
            accepted = set(run.accepted)
            counts: dict[str, list[int]] = {}
            for row in rows.values():
                if row["state"] == "done":
                    counts.setdefault(row["exercise"], []).append(row["tests"])
            tests_of = {exercise: statistics.mode(values) for exercise, values in counts.items()}
            recorded = [rows[i] for i in accepted if i in rows and rows[i]["state"] == "done"]
            twice = [row for row in recorded if row["tests"] != tests_of[row["exercise"]]]
            strays = set(rows) - accepted - set(one.accepted) - set(two.accepted) - set(warm.accepted)
            print(f"\nfaults: {options.submissions} submissions from {options.learners} learners, {options.clients} clients, two workers")  # fmt: skip
            for event in events:
                print(f"  {event}")
            print(f"  sent {options.submissions}, accepted {len(accepted)} ({run.refused} refusals sent again), failed {len(run.failures)}")  # fmt: skip
            print(f"  recorded {len(recorded)}, duplicated {len(twice) + len(strays)}, lost {len(accepted) - len(recorded)}")  # fmt: skip
            print(f"  graded more than once (the killed worker's, the restart's), recorded once: {sum(r['runs'] > 1 for r in recorded)}")  # fmt: skip
            print(f"  throughput {len(run.latencies) / wall:.2f} graded/s over {wall:.1f} s")
            print(f"  latency p50 {percentile(run.latencies, 50):.2f} s  p95 {percentile(run.latencies, 95):.2f} s  max {max(run.latencies):.2f} s")  # fmt: skip
            for failure in run.failures[:5]:
                print("  failed:", failure)
            said = [line for line in server.output().splitlines() if line.startswith("grade serve:")]
            print("\nthe server said:" if said else "", *said, sep="\n  ")
        finally:
            for started in workers:
                started.stop(timeout=60)
            server.stop()
            redis.remove()
            postgres.stop()


if __name__ == "__main__":
    main()
