"""Grade a whole class: every `SUBMISSIONS_DIR/<student>/<slug>.py` (or `.ipynb`), in parallel.

The plan (`plan_batch`) says, for each learner and exercise, what will happen: grade a file, skip
it (its source was already graded for that learner and exercise), or report it missing. Grading
(`run_batch`) happens in the grading service (`grader.service.grading`: N grading processes, each
a judge like `grade submit` with a warm pool of its own, a zygote that imported numpy once and forks
one isolated run per file). Results are recorded by this process, one at a time, exactly as `grade
submit` records them (origin "autograde"). Official grading needs the full sandbox (bubblewrap)
unless the instructor allows the weaker one; a run that the host's load spoiled is left pending,
not recorded, and graded again next time.

A grading process that dies, or overruns the exercise's time limit by far, costs only its own
submission, reported as "crashed"; a fresh process takes its place and the batch goes on. No click here.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from grader.course.catalog import load_manifest
from grader.results import RunResult
from grader.service.batch import Batch, Item, plan_batch, skip_already_graded
from grader.service.grading import JUDGE_GRACE_S, Outcome

__all__ = ["JUDGE_GRACE_S", "Batch", "Item", "plan_batch", "run_batch", "skip_already_graded"]


def run_batch(
    batch: Batch,
    record: Callable[[RunResult, str], int],
    jobs: int | None = None,
    time_limit: float | None = None,
    on_done: Callable[[Item], None] | None = None,
    on_start: Callable[[Item, int], None] | None = None,
    on_tick: Callable[[], None] | None = None,
    allow_weak_sandbox: bool = False,
) -> Batch:
    """Grade every pending item of `batch` in `jobs` grading processes; `record(result, source)` stores a
    graded run and returns its submission id. `on_start(item, pid)` and `on_done(item)` report progress.
    Without bubblewrap the batch is refused (SandboxUnavailable) unless `allow_weak_sandbox`."""
    import os

    from grader.service.grading import GradingPool, full_sandbox_or_refuse

    started = time.monotonic()
    full_sandbox_or_refuse(allow_weak_sandbox)
    # the slowest first (torch, then the longest limits), so that no process is left alone with a slow one at the end
    weight = {e.slug: (e.torch, e.time_limit) for e in load_manifest()}
    pending = deque(
        sorted(
            (item for item in batch.items if item.outcome == "pending"),
            key=lambda item: weight.get(item.exercise, (False, 0.0)),
            reverse=True,
        )
    )
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(pending) or 1))
    batch.jobs = jobs
    if not pending:
        batch.wall_time = time.monotonic() - started
        return batch

    def finish(outcome: Outcome) -> None:
        item = outcome.tag
        if outcome.kind == "graded":
            result = outcome.result
            try:
                item.submission_id = record(result, item.source)
            except Exception as error:  # noqa: BLE001 - e.g. the database stayed locked: this file only
                item.outcome, item.message = "crashed", f"graded, but the result could not be recorded: {error}"
            else:
                item.outcome, item.score, item.status = "graded", result.score, result.status
                item.message, item.duration = result.message, result.duration
        elif outcome.kind == "pending":  # the host, not the file: graded again next time
            item.outcome, item.message = "pending", outcome.message
        else:
            item.outcome, item.message = "crashed", outcome.message
        if on_done:
            on_done(item)

    grading = GradingPool(jobs, time_limit=time_limit, allow_weak_sandbox=allow_weak_sandbox)
    try:
        while pending or grading.running:
            while grading.idle and pending:
                item = pending.popleft()
                pid = grading.start(item, item.exercise, item.student, item.source)
                if on_start:
                    on_start(item, pid)
            outcomes = grading.wait(timeout=0.5)
            if on_tick:
                on_tick()
            for outcome in outcomes:
                finish(outcome)
    finally:
        _, unfinished = grading.close()
        for item in unfinished:  # interrupted: never recorded, graded again next time
            item.outcome, item.message = "pending", "interrupted"
        for item in batch.items:
            item.source = ""
    batch.wall_time = time.monotonic() - started
    return batch
