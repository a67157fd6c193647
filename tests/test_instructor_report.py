"""`grade report` and `grade export` against a small hand-made database with known answers.

The class (rows inserted with db.recording, the way grading and quizzes record them):
  ann   neurons 6 then 12 (best = latest = 12); activations 11 (test t4 fails "msg C");
        a practice run of neurons (official=False, never counted); quiz neurons: 2 right at first
  ben   neurons 12 then 6 (best 12, latest 6: t2 fails "msg A"); quiz: 1 right at first (neurons.2),
        neurons.1 wrong ("b") then right
  cat   neurons 0 (t1 "msg B", t2 "msg A"); activations: an error run (sys.exit at import, no tests);
        quiz: neurons.1 wrong ("b")
  dan   quiz only: neurons.1 wrong ("c"), neurons.2 wrong ("109184")
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from db import recording
from db.session import open_database
from grader import __version__
from grader.course.catalog import COURSE_ROOT, load_manifest
from grader.course.quizbank import load_quizzes
from grader.results import RunResult, TestResult

EXIT_MESSAGE = "your file called sys.exit() (or exit()) while being imported, so nothing could be graded"
EXERCISES = [e.slug for e in load_manifest()]
QUIZZES = [q.id for q in load_quizzes(COURSE_ROOT)]


def neurons_run(student, t1, t2, official=True):
    tests = [
        TestResult(
            "t1", "neuron", t1 is None, 6.0 if t1 is None else 0.0, 6.0, t1 or "", "passed" if t1 is None else "failed"
        ),
        TestResult(
            "t2",
            "count_parameters",
            t2 is None,
            6.0 if t2 is None else 0.0,
            6.0,
            t2 or "",
            "passed" if t2 is None else "failed",
        ),
    ]
    score = sum(t.points for t in tests)
    return RunResult(
        "neurons",
        student,
        score,
        12.0,
        "passed" if score == 12 else "failed",
        tests,
        duration=1.25,
        grader_version=__version__,
        official=official,
    )


@pytest.fixture
def classroom(db_url):
    database = open_database(db_url)

    def submit(result, source):
        return recording.record_submission(database, result, source, origin="autograde")

    ids = {}
    ids["ann1"] = submit(neurons_run("ann", None, "msg A"), "ann v1")
    ids["ann2"] = submit(neurons_run("ann", None, None), "ann v2")
    submit(
        RunResult(
            "activations",
            "ann",
            11.0,
            22.0,
            "failed",
            [
                TestResult("t3", "relu", True, 11.0, 11.0),
                TestResult("t4", "softmax", False, 0.0, 11.0, "msg C", "failed"),
            ],
            grader_version=__version__,
        ),
        "ann act",
    )
    recording.record_submission(
        database, neurons_run("ann", "msg B", "msg B", official=False), "ann practice", origin="practice"
    )
    ids["ben1"] = submit(neurons_run("ben", None, None), "ben v1")
    ids["ben2"] = submit(neurons_run("ben", None, "msg A"), "ben v2")
    ids["cat1"] = submit(neurons_run("cat", "msg B", "msg A"), "cat v1")
    ids["cat_act"] = submit(
        RunResult("activations", "cat", 0.0, 22.0, "error", [], EXIT_MESSAGE, grader_version=__version__),
        "import sys; sys.exit()",
    )
    for student, question, answer, correct in (
        ("ann", "neurons.1", "a", True),
        ("ann", "neurons.2", "109386", True),
        ("ben", "neurons.1", "b", False),
        ("ben", "neurons.1", "a", True),
        ("ben", "neurons.2", "109386", True),
        ("cat", "neurons.1", "b", False),
        ("dan", "neurons.1", "c", False),
        ("dan", "neurons.2", "109184", False),
    ):
        recording.record_quiz_answer(database, student, "neurons", question, answer, correct)
    return ids


def data(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout if hasattr(result, "stdout") else result.output)


# ---------------------------------------------------------------- the class table


def test_class_report_json_has_the_known_answers(cli, classroom):
    report = data(cli("report", "--json"))
    rows = {row["student"]: row for row in report["rows"]}
    assert list(rows) == ["ann", "ben", "cat", "dan"]  # default: by name
    assert (rows["ann"]["neurons"], rows["ann"]["activations"], rows["ann"]["quiz:neurons"]) == (12, 11, 2)
    assert (rows["ben"]["neurons"], rows["ben"]["activations"], rows["ben"]["quiz:neurons"]) == (12, None, 1)
    assert (rows["cat"]["neurons"], rows["cat"]["activations"], rows["cat"]["quiz:neurons"]) == (0, 0, 0)
    assert rows["dan"]["neurons"] is None and rows["dan"]["quiz:neurons"] == 0
    assert [
        (rows[s]["exercises"], rows[s]["quizzes"], rows[s]["total"], rows[s]["complete"], rows[s]["rank"]) for s in rows
    ] == [(23, 2, 25, 1, 1), (12, 1, 13, 1, 2), (0, 0, 0, 0, 3), (0, 0, 0, 0, 3)]
    for slug in EXERCISES:
        assert slug in rows["ann"]
    for quiz in QUIZZES:
        assert f"quiz:{quiz}" in rows["ann"] and rows["ann"].get(f"quiz:{quiz}") in (None, 2)
    assert report["learners"] == 4
    stats = {e["exercise"]: e for e in report["exercises"]}
    assert (
        stats["neurons"]["learners"],
        stats["neurons"]["complete"],
        stats["neurons"]["mean_best"],
        stats["neurons"]["submissions"],
    ) == (3, 2, 8, 5)  # the practice run is not counted
    assert (stats["activations"]["learners"], stats["activations"]["complete"]) == (2, 0)
    quiz = next(q for q in report["quizzes"] if q["quiz"] == "neurons")
    assert (quiz["learners"], quiz["mean_score"]) == (4, 0.75)
    bands = len(report["distribution"])
    expected = [0] * bands
    for total in (25, 13, 0, 0):
        expected[min(int(total * bands / report["max_total"]), bands - 1)] += 1
    assert report["distribution"] == expected


@pytest.mark.parametrize(
    "args, order",
    [
        (["--sort", "total"], ["ann", "ben", "cat", "dan"]),
        (["--sort", "total", "--reverse"], ["cat", "dan", "ben", "ann"]),
        (["--sort", "neurons"], ["ann", "ben", "cat", "dan"]),  # never attempted: last
        (["--sort", "activations"], ["ann", "cat", "ben", "dan"]),
        (["--sort", "quiz:neurons"], ["ann", "ben", "cat", "dan"]),
        (["--sort", "rank"], ["ann", "ben", "cat", "dan"]),
        (["--sort", "student", "--reverse"], ["dan", "cat", "ben", "ann"]),
        (["--sort", "total", "--limit", "2"], ["ann", "ben"]),
    ],
)
def test_class_report_sorts_by_any_column(cli, classroom, args, order):
    assert [row["student"] for row in data(cli("report", "--json", *args))["rows"]] == order


def test_class_report_terminal_and_csv(cli, classroom):
    table = cli("report", "--sort", "total")
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    ann = next(line for line in lines if re.search(r"\bann\b", line))
    assert re.search(r"\b1\s+ann\s+12\s+11\b", ann) and re.search(r"23\s+2\s+25\s+1/11$", ann), table.output
    assert "sorted by total (descending)" in table.output and "class mean" in table.output, table.output
    assert lines.index(ann) < lines.index(next(line for line in lines if re.search(r"\bben\b", line)))
    rows = list(csv.DictReader(io.StringIO(data_text(cli("report", "--csv")))))
    assert [r["student"] for r in rows] == ["ann", "ben", "cat", "dan"]
    assert (rows[0]["neurons"], rows[0]["activations"], rows[0]["quiz:neurons"], rows[0]["total"]) == (
        "12",
        "11",
        "2",
        "25",
    )
    assert rows[1]["activations"] == "" and rows[3]["neurons"] == ""  # never attempted: blank


def data_text(result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout if hasattr(result, "stdout") else result.output


def test_report_usage_errors_are_one_line(cli, classroom):
    for args, words in (
        (["--sort", "totl"], "did you mean 'total'"),
        (["--exercise", "neuron"], "did you mean"),
        (["--quiz", "99"], "no quiz '99'"),
        (["--student", "anne"], "did you mean 'ann'"),
        (["--exercise", "neurons", "--quiz", "1"], "cannot be combined"),
        (["--csv", "--json"], "choose one format"),
        (["--basis", "latest"], "--exercise"),
    ):
        result = cli("report", *args)
        assert result.exit_code == 2, (args, result.output)
        assert words in result.output and len(result.output.strip().splitlines()) == 1, (args, result.output)


# ---------------------------------------------------------------- one exercise, quiz, learner


def test_exercise_report_on_best_and_latest(cli, classroom):
    best = data(cli("report", "--exercise", "neurons", "--json"))
    assert best["basis"] == "best" and "best official submission" in best["header"] and best["learners"] == 3
    tests = {t["test"]: t for t in best["tests"]}
    assert [t["test"] for t in best["tests"]] == ["t1", "t2"]
    assert (tests["t1"]["learners"], tests["t1"]["failing"], tests["t1"]["top_message"]) == (3, 1, "msg B")
    assert (tests["t2"]["failing"], tests["t2"]["top_message"], tests["t2"]["top_message_count"]) == (1, "msg A", 1)
    latest = data(cli("report", "--exercise", "neurons", "--basis", "latest", "--json"))
    assert "latest official submission" in latest["header"]
    tests = {t["test"]: t for t in latest["tests"]}
    assert (tests["t2"]["failing"], tests["t2"]["top_message"], tests["t2"]["top_message_count"]) == (2, "msg A", 2)
    assert tests["t1"]["failing"] == 1
    act = data(cli("report", "--exercise", "activations", "--json"))
    assert (act["learners"], act["errors"], act["top_error"]) == (2, 1, EXIT_MESSAGE)
    assert [(t["test"], t["learners"], t["failing"], t["top_message"]) for t in act["tests"]] == [
        ("t3", 1, 0, ""),
        ("t4", 1, 1, "msg C"),
    ]
    text = cli("report", "--exercise", "neurons")
    assert text.exit_code == 0 and "best official submission" in text.output, text.output
    assert re.search(r"t2\s+count_parameters\s+6\s+1/3 \(33%\)\s+\(1\) msg A", text.output), text.output
    rows = list(csv.DictReader(io.StringIO(data_text(cli("report", "--exercise", "neurons", "--csv")))))
    assert [(r["test"], r["failing"], r["learners"], r["top_message"]) for r in rows] == [
        ("t1", "1", "3", "msg B"),
        ("t2", "1", "3", "msg A"),
    ]


def test_quiz_report_first_attempts_and_most_chosen_wrong_answer(cli, classroom):
    report = data(cli("report", "--quiz", "neurons", "--json"))
    assert report == data(cli("report", "--quiz", "1", "--json"))  # by name or chapter number
    questions = {q["question"]: q for q in report["questions"]}
    one, two = questions["neurons.1"], questions["neurons.2"]
    assert (one["answered"], one["right"], one["right_share"], one["top_wrong"], one["top_wrong_count"]) == (
        4,
        1,
        0.25,
        "b",
        2,
    )
    assert one["top_wrong_text"].startswith("b) ")
    assert (two["answered"], two["right"], two["top_wrong"], two["top_wrong_count"]) == (3, 2, "109184", 1)
    unanswered = [q for q in report["questions"] if q["question"] not in ("neurons.1", "neurons.2")]
    assert unanswered and all(q["answered"] == 0 and q["right_share"] is None for q in unanswered)
    text = cli("report", "--quiz", "1")
    assert text.exit_code == 0 and "first attempt" in text.output, text.output
    assert re.search(r"neurons\.1 .* 1/4 \(25%\)\s+\(2\) b\) ", text.output), text.output
    rows = list(csv.DictReader(io.StringIO(data_text(cli("report", "--quiz", "1", "--csv")))))
    assert (rows[0]["question"], rows[0]["right"], rows[0]["top_wrong"]) == ("neurons.1", "1", "b")


def test_student_report_is_the_whole_history(cli, classroom):
    report = data(cli("report", "--student", "ann", "--json"))
    subs = report["submissions"]
    assert [(s["exercise"], s["score"], s["official"], s["origin"]) for s in subs] == [
        ("neurons", 6, True, "autograde"),
        ("neurons", 12, True, "autograde"),
        ("activations", 11, True, "autograde"),
        ("neurons", 0, False, "practice"),
    ]
    assert [(s["tests_passed"], s["tests"]) for s in subs] == [(1, 2), (2, 2), (1, 2), (0, 2)]
    assert [(a["question"], a["answer"], a["correct"], a["attempt"]) for a in report["answers"]] == [
        ("neurons.1", "a", True, 1),
        ("neurons.2", "109386", True, 1),
    ]
    best = {b["exercise"]: b["best"] for b in report["best"]}
    assert best["neurons"] == 12 and best["activations"] == 11 and best["losses"] is None
    ben = data(cli("report", "--student", "ben", "--json"))
    assert [(a["answer"], a["attempt"]) for a in ben["answers"] if a["question"] == "neurons.1"] == [("b", 1), ("a", 2)]
    text = cli("report", "--student", "ann")
    assert text.exit_code == 0 and "History of ann" in text.output and "(practice)" in text.output, text.output
    rows = list(csv.DictReader(io.StringIO(data_text(cli("report", "--student", "ann", "--csv")))))
    assert [r["kind"] for r in rows] == ["submission"] * 4 + ["answer"] * 2


# ---------------------------------------------------------------- HTML


def test_html_page_is_self_contained_with_charts_and_data(cli, classroom, tmp_path):
    page_path = tmp_path / "class.html"
    result = cli("report", "--html", str(page_path))
    assert result.exit_code == 0 and "no network needed" in result.output, result.output
    page = page_path.read_text()
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    for chart in ("chart-distribution", "chart-completion", "chart-hardest-tests", "chart-hardest-questions"):
        assert re.search(rf'<figure id="{chart}">.*?<svg .*?</svg></figure>', page, re.S), chart
    assert page.count("<svg") == 4 and len(re.findall(r'id="chart-completion-bar-\d+"', page)) == len(EXERCISES)
    assert len(re.findall(r'id="chart-distribution-bar-\d+"', page)) == len(report_bands(page))
    assert 'id="class-table"' in page and "<td>ann</td>" in page and "<td>dan</td>" in page
    assert "msg A" in page and "neurons.1" in page  # hardest test and question
    assert not re.search(r"https?://|<link\b|\bsrc=|@import|url\((?!#)", page), "the page must need no network"
    embedded = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S).group(1)
    report = json.loads(embedded)
    assert {row["student"]: row["total"] for row in report["rows"]} == {"ann": 25, "ben": 13, "cat": 0, "dan": 0}
    assert report["hardest_tests"][0]["failing"] >= 1 and report["hardest_questions"][0]["question"] == "neurons.1"
    for args, chart in (
        (["--exercise", "neurons"], "chart-failing-tests"),
        (["--quiz", "1"], "chart-right-first"),
        (["--student", "ann"], "chart-best"),
    ):
        other = tmp_path / f"{chart}.html"
        assert cli("report", *args, "--html", str(other)).exit_code == 0
        text = other.read_text()
        assert f'<figure id="{chart}">' in text and "<svg" in text and "report-data" in text, chart


# ---------------------------------------------------------------- exports


def test_export_gradescope_results_follow_the_specification(cli, classroom, tmp_path):
    out = tmp_path / "gs"
    result = cli("export", "gradescope", str(out))
    assert result.exit_code == 0 and "Wrote 5 results.json" in result.output, result.output
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("results.json"))
    assert files == [
        "activations/ann/results.json",
        "activations/cat/results.json",
        "neurons/ann/results.json",
        "neurons/ben/results.json",
        "neurons/cat/results.json",
    ]
    ann = json.loads((out / "neurons" / "ann" / "results.json").read_text())
    assert ann["score"] == 12 and isinstance(ann["execution_time"], (int, float)) and "neurons" in ann["output"]
    assert [(t["name"], t["score"], t["max_score"], t["status"]) for t in ann["tests"]] == [
        ("neuron: t1", 6, 6, "passed"),
        ("count_parameters: t2", 6, 6, "passed"),
    ]
    for test in ann["tests"]:
        assert set(test) >= {"name", "score", "max_score", "status", "output"}
    ben = json.loads((out / "neurons" / "ben" / "results.json").read_text())
    assert ben["extra_data"]["submission_id"] == classroom["ben1"]  # the best, not the latest
    cat = json.loads((out / "activations" / "cat" / "results.json").read_text())
    assert cat["score"] == 0 and cat["tests"] == [] and EXIT_MESSAGE in cat["output"]
    act = json.loads((out / "activations" / "ann" / "results.json").read_text())
    assert act["tests"][1] == {**act["tests"][1], "status": "failed", "score": 0, "output": "msg C"}
    latest = tmp_path / "latest"
    assert cli("export", "gradescope", str(latest), "--basis", "latest", "--exercise", "neurons").exit_code == 0
    ben = json.loads((latest / "neurons" / "ben" / "results.json").read_text())
    assert ben["extra_data"]["submission_id"] == classroom["ben2"] and ben["score"] == 6
    assert not (latest / "activations").exists()


def test_export_gradebook_csv(cli, classroom, tmp_path):
    path = tmp_path / "gradebook.csv"
    result = cli("export", "csv", str(path))
    assert result.exit_code == 0 and "4 learners" in result.output, result.output
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    assert list(rows[0]) == ["student", *EXERCISES, *(f"quiz:{q}" for q in QUIZZES), "exercises", "quizzes", "total"]
    assert [(r["student"], r["neurons"], r["activations"], r["quiz:neurons"], r["total"]) for r in rows] == [
        ("ann", "12", "11", "2", "25"),
        ("ben", "12", "", "1", "13"),  # never attempted: blank, and 0 in the totals
        ("cat", "0", "0", "0", "0"),
        ("dan", "", "", "0", "0"),
    ]
    assert data_text(cli("export", "csv", "-")) == path.read_text()


def report_bands(page: str) -> list[int]:
    embedded = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S).group(1)
    return json.loads(embedded)["distribution"]
