"""What the learner reads: text prints exactly as written (never as markup), escape sequences never
reach the terminal, a named mistake comes before where the check failed."""

from __future__ import annotations

import io

from grader.course.catalog import get_exercise
from grader.render import terminal
from grader.results import RunResult, TestResult

TRICKY = [
    "use np.maximum(x, 0) rather than x[x < 0] = 0",
    "returned [[nan, nan], [ 0., 0.]]",
    "line 3: return [v for v in x if v[0] > 0] :warning: [bold]not bold[/bold]",
    "sigmoid(np.array([np.log(3.0)]))",
]


def render(result, **options) -> str:
    stream = io.StringIO()
    terminal.submission(result, get_exercise("activations"), stream=stream, **options)
    return stream.getvalue()


def result_with(messages, output="", diagnosis=None) -> RunResult:
    tests = [TestResult(f"t{i}", "relu", False, 0.0, 1.0, m, "failed", diagnosis) for i, m in enumerate(messages)]
    return RunResult("activations", "[red]alice[/red]", 0.0, 22.0, "failed", tests, output=output)


def test_brackets_and_emoji_codes_print_as_written():
    for text in TRICKY:
        shown = render(result_with([text]), verbose=True)
        assert text in " ".join(shown.split()), shown
    assert "[red]alice[/red]" in render(result_with(["x"]))


def test_escape_sequences_are_stripped():
    hostile = "before\x1b]52;c;ZXZpbA==\x07after\x1b[2J\x9b31m"
    shown = render(result_with([hostile], output=hostile))
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
    assert "beforeafter" in shown.replace("]52;c;ZXZpbA==", "").replace("[2J", "").replace("31m", "")


def test_a_named_mistake_comes_first_and_only_once():
    diagnosis = {"id": "activations.demo", "text": "the mistake, named"}
    shown = render(result_with(["where it failed", "where else"], diagnosis=diagnosis))
    assert shown.count("the mistake, named") == 1
    assert shown.index("the mistake, named") < shown.index("where it failed")


def test_more_failures_than_shown_can_be_expanded():
    messages = [f"failure number {i}" for i in range(5)]
    short = render(result_with(messages))
    assert "failure number 4" not in short and "--verbose" in short
    assert "failure number 4" in render(result_with(messages), verbose=True)
