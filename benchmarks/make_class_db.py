"""Make a large, realistic class database to benchmark `grade report` and `grade export`.

2,000 learners x every exercise of the manifest x 20 official submissions each, with per-test
results (about 10 hidden tests per exercise, the usual failure messages) and quiz answers (most
questions of every quiz, with second attempts after a wrong answer). Learners differ in skill and
improve from one submission to the next; a few submissions do not even import.

Rows are inserted in big batches with executemany through SQLAlchemy Core, with explicit ids, in
one transaction per batch of learners.

    python benchmarks/make_class_db.py [--out /tmp/class_2000.sqlite3] [--students 2000]
                                       [--submissions 20] [--seed 6] [--url postgresql://...]

Failures carry the messages a class produces: wrong values (in parametrised tests, one row per case,
with the judge's diagnosis for most of them), wrong shapes, unfilled stubs ("is not implemented yet").
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, insert  # noqa: E402

from db.models import QuizAnswer, Student, Submission, TestRun  # noqa: E402
from db.session import open_database  # noqa: E402
from grader import __version__  # noqa: E402
from grader.course.catalog import load_manifest  # noqa: E402
from grader.course.quizbank import load_keys, load_quizzes  # noqa: E402

START = datetime(2026, 9, 1, 9, 0, 0)
CHUNK = 100  # learners per transaction
KINDS = (
    ("values", "{call} gives wrong values"),
    ("shape", "{call} returns an array of the wrong shape"),
    ("float32", "{call} with float32 inputs: the result is not float32"),
    ("untouched", "{call} modified its input; build a new array instead"),
    ("stable", "{call} is not numerically stable: numpy reported 'overflow encountered in exp'"),
)
ERRORS = (
    "your file has a syntax error at line 12 (    return x @ W + b); fix it and submit again",
    "importing your file raised NameError: name 'np' is not defined (line 3, in <module>)",
    "your file called sys.exit() (or exit()) while being imported, so nothing could be graded; remove that call",
)


def functions_of(exercise) -> list[str]:
    """The public functions of an exercise, read from its stub (learner-visible)."""
    tree = ast.parse(exercise.stub_path.read_text())
    names = [
        node.name
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_")
    ]
    return names or [exercise.slug]


def hidden_tests(exercise, rng) -> list[dict]:
    """About 10 synthetic tests spread over the exercise's functions, points adding up to its total."""
    functions = functions_of(exercise)
    tests = []
    for k in range(10):
        function = functions[k % len(functions)]
        kind, message = KINDS[(k // len(functions)) % len(KINDS)]
        call = f"{function}(x) with x of shape (3, 5)"
        case = f"[shape{k % 3}-{k % 2}]" if kind == "values" else ""  # a parametrised test: one name per case
        tests.append(
            {
                "name": f"{function}_{kind}" + (f"_{k}" if k >= 2 * len(KINDS) else "") + case,
                "misconception": (
                    f"{exercise.slug}.{function}_reduced_over_the_wrong_axis" if kind == "values" else None
                ),
                "function": function,
                "difficulty": float(rng.normal(0.0, 1.0)),
                "messages": [
                    message.format(call=call),
                    f"{call}: the result is not a numpy array",
                    f"{function} is not implemented yet: it raises NotImplementedError",
                ],
            }
        )
    seen = set()
    for test in tests:  # unique names
        while test["name"] in seen:
            test["name"] += "_b"
        seen.add(test["name"])
    share = round(exercise.points / len(tests), 4)
    for test in tests:
        test["points"] = share
    tests[-1]["points"] = round(exercise.points - share * (len(tests) - 1), 4)
    return tests


def _diagnosis(test: dict, ok: bool, pick: int, diagnosed: bool) -> dict:
    if ok or pick != 0 or not diagnosed or not test["misconception"]:
        return {"diagnosis_id": None, "diagnosis_text": None}
    return {
        "diagnosis_id": test["misconception"],
        "diagnosis_text": "the values are right along another axis: the reduction runs over the wrong axis",
    }


def answer_pools(quizzes, keys):
    """Per question: its id, quiz, the right answer and the plausible wrong ones."""
    pools = []
    for quiz in quizzes:
        for question in quiz.questions:
            key = keys.get(question.id) if keys else None
            if question.kind == "numeric":
                right = float(key.key) if key else 1.0
                value = int(right) if right.is_integer() else right
                wrong = [str(value * 10), str(value + 1), str(value / 2)]
                right_text = str(value)
            elif question.kind == "single":
                right_text = key.key if key else question.choice_ids[0]
                wrong = [c for c in question.choice_ids if c != right_text]
            else:
                right_text = ",".join(key.key) if key else question.choice_ids[0]
                ids = question.choice_ids
                wrong = [ids[0], ",".join(ids[:2]), ",".join(ids)]
                wrong = [w for w in wrong if w != right_text] or [ids[-1]]
            pools.append(
                {
                    "quiz": quiz.id,
                    "question": question.id,
                    "right": right_text,
                    "wrong": wrong,
                    "difficulty": 0.0,
                    "judged": keys is not None,
                }
            )
    return pools


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="/tmp/class_2000.sqlite3", help="the SQLite file to create (replaced)")
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--submissions", type=int, default=20, help="official submissions per learner and exercise")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--url", help="an empty database to fill instead, e.g. postgresql://user@host/bench")
    args = parser.parse_args()

    out = Path(args.out).resolve()
    if not args.url:
        for stale in (out, out.with_name(out.name + "-wal"), out.with_name(out.name + "-shm")):
            stale.unlink(missing_ok=True)
    started = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    exercises = load_manifest()
    tests = {e.slug: hidden_tests(e, rng) for e in exercises}
    quizzes = load_quizzes(ROOT)
    pools = answer_pools(quizzes, load_keys(ROOT))
    for pool in pools:
        pool["difficulty"] = float(rng.normal(0.0, 1.0))

    database = open_database(args.url or f"sqlite:///{out}")
    engine = database.engine
    engine.dispose()  # new connections skip fsync: a benchmark database can be made again
    if database.dialect == "sqlite":
        event.listen(
            engine, "connect", lambda dbapi_connection, _: dbapi_connection.execute("PRAGMA synchronous = OFF")
        )
    counts = {"students": 0, "submissions": 0, "test_results": 0, "quiz_answers": 0}
    submission_id = 0
    n_sub = args.submissions
    for first in range(0, args.students, CHUNK):
        names = [f"learner{n:05d}" for n in range(first, min(first + CHUNK, args.students))]
        skill = rng.normal(0.5, 1.0, size=len(names))
        students, submissions, results, answers = [], [], [], []
        for offset, name in enumerate(names):
            sid = first + offset + 1
            students.append({"id": sid, "name": name, "created_at": START})
            when = START + timedelta(minutes=int(rng.integers(0, 600)))
            for exercise in exercises:
                exercise_tests = tests[exercise.slug]
                difficulty = np.array([t["difficulty"] for t in exercise_tests])
                progress = np.linspace(-1.5, 1.5, n_sub)[:, None]
                chance = 1.0 / (1.0 + np.exp(-(1.5 * (skill[offset] + progress - difficulty[None, :]))))
                passed = rng.random((n_sub, len(exercise_tests))) < chance
                broken = rng.random(n_sub) < 0.03
                pick = rng.integers(0, 3, size=(n_sub, len(exercise_tests)))
                pick = np.where(rng.random(pick.shape) < 0.7, 0, pick)  # one message dominates
                diagnosed = rng.random(pick.shape) < 0.6
                for k in range(n_sub):
                    submission_id += 1
                    when += timedelta(minutes=int(rng.integers(5, 240)))
                    source = f"# {name} {exercise.slug} attempt {k}\n"
                    if broken[k]:
                        score, status, message, rows = 0.0, "error", ERRORS[k % len(ERRORS)], []
                    else:
                        rows = [
                            {
                                "submission_id": submission_id,
                                "position": i,
                                "name": t["name"],
                                "function": t["function"],
                                "passed": bool(ok),
                                "status": "passed" if ok else "failed",
                                "points": t["points"] if ok else 0.0,
                                "max_points": t["points"],
                                "message": "" if ok else t["messages"][pick[k, i]],
                                # the judge's diagnosis of a wrong value, for most learners who make that mistake
                                **_diagnosis(t, ok, pick[k, i], diagnosed[k, i]),
                            }
                            for i, (t, ok) in enumerate(zip(exercise_tests, passed[k]))
                        ]
                        score = round(sum(r["points"] for r in rows), 4)
                        status, message = ("passed" if all(passed[k]) else "failed"), ""
                    submissions.append(
                        {
                            "id": submission_id,
                            "student_id": sid,
                            "exercise": exercise.slug,
                            "submitted_at": when,
                            "score": score,
                            "max_score": float(exercise.points),
                            "status": status,
                            "message": message,
                            "duration": round(float(rng.uniform(0.5, 3.0)), 3),
                            "source": source,
                            "source_sha256": hashlib.sha256(source.encode()).hexdigest(),
                            "grader_version": __version__,
                            "schema_version": 1,
                            "official": True,
                            "origin": "autograde" if k % 4 == 0 else "submit",
                            "output": "",
                            "sandbox": json.dumps({"filesystem": "landlock", "restarts": 0}),
                        }
                    )
                    results.extend(rows)
            for pool in pools:
                if rng.random() < 0.1:
                    continue  # skipped this question
                right = rng.random() < 1.0 / (1.0 + np.exp(-(skill[offset] + 1.0 - pool["difficulty"])))
                wrong_pick = pool["wrong"][0 if rng.random() < 0.6 else int(rng.integers(0, len(pool["wrong"])))]
                when += timedelta(seconds=int(rng.integers(10, 120)))
                answers.append(
                    {
                        "student_id": sid,
                        "quiz": pool["quiz"],
                        "question_id": pool["question"],
                        "answer": pool["right"] if right else wrong_pick,
                        "correct": bool(right) if pool["judged"] else None,
                        "attempt": 1,
                        "answered_at": when,
                    }
                )
                if not right and rng.random() < 0.4:
                    answers.append(
                        {
                            "student_id": sid,
                            "quiz": pool["quiz"],
                            "question_id": pool["question"],
                            "answer": pool["right"],
                            "correct": True if pool["judged"] else None,
                            "attempt": 2,
                            "answered_at": when + timedelta(seconds=30),
                        }
                    )
        with engine.begin() as connection:
            connection.execute(insert(Student.__table__), students)
            connection.execute(insert(Submission.__table__), submissions)
            for start in range(0, len(results), 50_000):
                connection.execute(insert(TestRun.__table__), results[start : start + 50_000])
            connection.execute(insert(QuizAnswer.__table__), answers)
        counts["students"] += len(students)
        counts["submissions"] += len(submissions)
        counts["test_results"] += len(results)
        counts["quiz_answers"] += len(answers)
        print(f"\r{counts['students']}/{args.students} learners", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    database.dispose()
    size = out.stat().st_size / 2**20 if not args.url else 0.0
    print(
        f"{database.shown_url}: {counts['students']} learners, {counts['submissions']} submissions, "
        f"{counts['test_results']} test results, {counts['quiz_answers']} quiz answers, {size:.0f} MB "
        f"in {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
