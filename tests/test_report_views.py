"""What an instructor reads: an exercise's tests with their cases, unfilled stubs and import errors
apart from real mistakes, misconceptions with their learners; the class table within the terminal's
width; a learner's drill-down with messages and output; gradebooks an LMS imports; the HTML page's
accessibility and chart layout.
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
from grader.course.catalog import load_manifest
from grader.results import RunResult, TestResult

STUB = "softmax is not implemented yet: it raises NotImplementedError"
SHIFT = {"id": "activations.softmax_without_max_shift", "text": "exp overflows: subtract the maximum first"}


def _run(student, cases, relu_ok=True, output="", diagnosis=None, status=None, message=""):
    """activations with relu (8 points) and softmax_other_axis in three cases (14/3 points each);
    `cases` holds each case's failure message ("" for passed)."""
    tests = [TestResult("relu_values", "relu", relu_ok, 8.0 if relu_ok else 0.0, 8.0, "" if relu_ok else STUB)]
    for i, failure in enumerate(cases):
        test = TestResult(
            f"softmax_other_axis[shape{i}-1]",
            "softmax",
            not failure,
            0.0 if failure else 14 / 3,
            14 / 3,
            failure,
            "failed" if failure else "passed",
        )
        if failure and diagnosis:
            test.diagnosis = diagnosis
        tests.append(test)
    score = 0.0 if status == "error" else sum(t.points for t in tests)
    return RunResult(
        "activations",
        student,
        score,
        22.0,
        status or ("passed" if score >= 22 else "failed"),
        [] if status == "error" else tests,
        message,
        output=output,
        grader_version=__version__,
    )


@pytest.fixture
def activations_class(db_url):
    database = open_database(db_url)
    runs = [
        _run("ada", ["", "", ""]),
        _run("bob", ["", "wrong on axis 0", "wrong on axis 0"], output="debug: shape (4, 6)\n"),
        _run("cy", ["", "", "overflow"], diagnosis=SHIFT),
        _run("dee", [STUB, STUB, STUB], relu_ok=False),  # nothing filled in yet
        _run("eli", [STUB, STUB, STUB]),  # relu done, softmax not yet
        _run("fox", [], status="error", message="your file has a syntax error at line 3"),
        _run("gil", ["overflow", "overflow", ""], diagnosis=SHIFT),
    ]
    for run in runs:
        recording.record_submission(database, run, f"# {run.student}")
    recording.record_quiz_answer(database, "hal", "neurons", "neurons.1", "a", True)  # in the class, never submitted
    return database


def test_exercise_report_groups_cases_and_counts_stubs_and_errors_apart(cli, activations_class):
    report = json.loads(cli("report", "--exercise", "activations", "--json").output)
    assert (report["learners"], report["class_learners"], report["errors"], report["untouched"]) == (7, 8, 1, 1)
    assert report["who"] == "7 of the class's 8 learners submitted activations; 1 who never did are left out"
    groups = {g["test"]: g for g in report["groups"]}
    softmax = groups["softmax_other_axis"]
    assert [c["case"] for c in softmax["cases"]] == ["shape0-1", "shape1-1", "shape2-1"]
    assert softmax["points"] == 14 and softmax["learners"] == 6  # fox's run did not import: no tests ran
    assert (softmax["failing"], softmax["unfilled"]) == (3, 2)  # bob, cy, gil make mistakes; dee, eli not started
    assert [(c["failing"], c["unfilled"]) for c in softmax["cases"]] == [(1, 2), (2, 2), (2, 2)]
    assert (groups["relu_values"]["failing"], groups["relu_values"]["unfilled"]) == (0, 1)
    assert softmax["cases"][0]["top_message"] == "overflow"  # more stubs than mistakes: the mistake tops the list
    assert report["misconceptions"] == [
        {
            "id": SHIFT["id"],
            "text": SHIFT["text"],
            "learners": 2,
            "students": ["cy", "gil"],
            "tests": [f"softmax_other_axis[shape{i}-1]" for i in range(3)],
        }
    ]
    text = cli("report", "--exercise", "activations").output
    assert "softmax_other_axis (3 cases)" in text and "· shape1-1" in text
    assert "submitted the stub untouched" in text and "could not be graded at all" in text
    assert re.search(r"activations\.softmax_without_max_shift\s+2\s+cy, gil\s+exp overflows", text), text
    assert "1 who never did are left out" in text


def test_exercise_report_reads_worded_case_names_too(cli, db_url):
    database = open_database(db_url)
    tests = [
        TestResult(f"softmax_other_axis (z of shape {shape}, axis=0)", "softmax", False, 0.0, 1.0, "wrong")
        for shape in ("(4, 6)", "(2, 3, 5)")
    ]
    recording.record_submission(database, RunResult("activations", "ann", 0.0, 22.0, "failed", tests), "x")
    report = json.loads(cli("report", "--exercise", "activations", "--json").output)
    assert [(g["test"], [c["case"] for c in g["cases"]]) for g in report["groups"]] == [
        ("softmax_other_axis", ["z of shape (4, 6), axis=0", "z of shape (2, 3, 5), axis=0"])
    ]


def test_learner_drill_down_shows_messages_diagnosis_and_output(cli, activations_class):
    text = cli("report", "--student", "bob").output
    assert "activations: latest submission" in text and "wrong on axis 0" in text
    assert "The code printed:" in text and "debug: shape (4, 6)" in text
    report = json.loads(cli("report", "--student", "cy", "--json").output)
    results = report["submissions"][0]["test_results"]
    assert [r["passed"] for r in results] == [True, True, True, False]
    assert results[3]["diagnosis"] == SHIFT and results[3]["message"] == "overflow"
    assert "exp overflows: subtract the maximum first [activations.softmax_without_max_shift]" in cli(
        "report", "--student", "cy"
    ).output.replace("\n", " ").replace("  ", " ")


class _Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_class_table_fits_the_terminal(activations_class, monkeypatch, columns):
    from grader.reports import class_report, terminal

    monkeypatch.setenv("COLUMNS", str(columns))
    recording.record_submission(activations_class, _run("a-learner-with-a-very-long-name-indeed", ["", "", ""]), "x")
    screen = _Terminal()
    terminal.render(class_report.class_report(activations_class), screen)
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in screen.getvalue().splitlines()]
    assert max(len(line) for line in lines) <= columns, "\n".join(lines)
    assert "Part 1 of" in screen.getvalue()  # eleven exercises and the quizzes do not fit: shown in parts
    for name in ("ada", "bob", "hal", "a-learner-with-a-very-"):
        assert any(name in line for line in lines), name
    wide = io.StringIO()  # a file or a pipe: one line per learner, however long
    terminal.render(class_report.class_report(activations_class), wide)
    assert "Part 1" not in wide.getvalue() and max(len(line) for line in wide.getvalue().splitlines()) > columns


def test_class_means_are_rounded_and_say_whom_they_count(cli, activations_class):
    report = json.loads(cli("report", "--json").output)
    act = next(e for e in report["exercises"] if e["exercise"] == "activations")
    scores = [22, 8 + 14 / 3, 8 + 28 / 3, 0, 8, 0, 8 + 14 / 3]
    assert act["learners"] == 7 and act["mean_best"] == round(sum(scores) / 7, 2)
    assert act["mean_all"] == round(sum(scores) / 8, 2) and "left out" in report["means"]
    text = cli("report").output
    assert "learners who tried" in text and "mean of those" in text and "left out" in text
    assert re.search(r"mean of those\s+—\s+" + re.escape(f"{round(sum(scores) / 7, 2):g}"), text), text


def test_lms_gradebooks(cli, activations_class, tmp_path):
    canvas = list(csv.reader(io.StringIO(cli("export", "csv", "-", "--format", "canvas").output)))
    exercises = load_manifest()
    assert canvas[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert canvas[0][5].startswith("neurons — ") and len(canvas[0]) == 5 + len(exercises) + (len(canvas[0]) - 5 - 11)
    assert canvas[1][0].strip() == "Points Possible" and canvas[1][1:5] == ["", "", "", ""]
    assert canvas[1][5:7] == ["12", "22"]
    assert not any("total" in title.lower() for title in canvas[0]), "no total columns in an LMS file"
    rows = {row[0]: row for row in canvas[2:]}
    assert rows["bob"][3] == "bob" and rows["bob"][1] == ""  # no roster id: the name is the login
    assert rows["bob"][5] == "" and rows["bob"][6] == "12.67"  # neurons never attempted: blank
    assert rows["hal"][6] == ""
    moodle = list(csv.reader(io.StringIO(cli("export", "csv", "-", "--format", "moodle").output)))
    assert moodle[0][:3] == ["Username", "ID number", "Email address"] and moodle[1][0] == "ada"
    assert len(moodle) == 1 + 8
    from grader.reports.csv_files import LearnerIds, gradebook_csv

    with_roster = gradebook_csv(activations_class, "canvas", {"bob": LearnerIds("4711", "bob.b", "b@uni", "A1")})
    bob = next(r for r in csv.reader(io.StringIO(with_roster)) if r[0] == "bob")
    assert bob[1:5] == ["4711", "4711", "bob.b", "A1"]
    out = tmp_path / "canvas.csv"
    result = cli("export", "csv", str(out), "--format", "canvas")
    assert result.exit_code == 0 and "canvas gradebook of 8 learners" in result.output, result.output


def test_html_sorting_is_reachable_by_keyboard_and_readable(cli, activations_class, tmp_path):
    from grader.reports.html_page import BACKGROUNDS, STYLE, TEXT_COLOURS

    page_path = tmp_path / "class.html"
    assert cli("report", "--html", str(page_path)).exit_code == 0
    page = page_path.read_text()
    headers = re.findall(r"<th[^>]*>.*?</th>", re.search(r'<table id="class-table".*?</thead>', page, re.S).group(0))
    assert headers and all('scope="col"' in h and '<button type="button">' in h for h in headers)
    assert "aria-sort" in page and 'removeAttribute("aria-sort")' in page
    assert '<td class="none" data-v="">—</td>' in page  # never attempted: empty sort key, kept last
    assert 'if (x === "" || y === "") return (x === "") - (y === "");' in page  # before the direction flips

    def luminance(colour):
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for name, colour in TEXT_COLOURS.items():
        for background in BACKGROUNDS.values():
            light, dark = sorted((luminance(colour), luminance(background)), reverse=True)
            assert (light + 0.05) / (dark + 0.05) >= 4.5, (name, colour, background)
    used = set(re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})", STYLE))
    assert used <= set(TEXT_COLOURS.values()), used - set(TEXT_COLOURS.values())


def test_questions_everyone_got_right_are_not_hardest(cli, db_url, tmp_path):
    database = open_database(db_url)
    for student in ("ann", "ben"):
        recording.record_quiz_answer(database, student, "neurons", "neurons.1", "a", True)
    recording.record_quiz_answer(database, "ann", "neurons", "neurons.3", "b", False)
    report = json.loads(cli("report", "--json").output)
    from grader.reports.class_report import hardest_questions

    assert [q["question"] for q in hardest_questions(database)] == ["neurons.3"]
    assert report["learners"] == 2


@pytest.mark.parametrize("learners", [5, 2000])
def test_charts_keep_every_label_inside_and_apart(learners):
    """The histogram's band labels never overlap, and every text of a chart lies inside what is saved."""
    from matplotlib import rc_context

    from grader.reports import charts

    counts = [learners * share // 100 for share in (1, 2, 4, 8, 15, 20, 20, 15, 10, 5)]
    rows = [
        (
            f"{i}. an exercise with a rather long name number {i}",
            i / 11,
            f"{i * learners // 11}/{learners} (99%), {learners} tried",
        )
        for i in range(11)
    ]
    with rc_context(charts.STYLE):
        for figure in (charts.histogram_figure(counts, "total"), charts.bar_figure(rows)):
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            FigureCanvasAgg(figure).draw()
            renderer = figure.canvas.get_renderer()
            saved = figure.get_tightbbox(renderer)
            texts = [t for t in figure.findobj(lambda a: hasattr(a, "get_text")) if t.get_visible() and t.get_text()]
            boxes = [t.get_window_extent(renderer) for t in texts]
            dpi = figure.dpi
            for text, box in zip(texts, boxes):
                assert saved.x0 * dpi - 1 <= box.x0 and box.x1 <= saved.x1 * dpi + 1, text.get_text()
            ticks = [t.get_window_extent(renderer) for t in figure.axes[0].get_xticklabels() if t.get_text()]
            for left, right in zip(ticks, ticks[1:]):
                assert left.x1 < right.x0, "axis labels run together"
