"""What a graded run says about each function, as plain data: the terminal table (grader.render.terminal)
and the course server's pages show the same lines in the same order. No rich here."""

from __future__ import annotations

PASS, FAIL = "✓", "✗"


def feedback_lines(tests, verbose: bool = False) -> list[tuple[str, str]]:
    """One function's feedback as (text, style) lines: the mistakes named first ("bold"), then where the
    checks failed (at most two unless `verbose`), then notes of passed checks. Texts are raw: escaping is
    the renderer's."""
    diagnoses: dict[str, str] = {}  # one text per mistake, in the words of its first test
    for test in tests:
        if not test.passed and test.diagnosis:
            diagnoses.setdefault(test.diagnosis["id"], test.diagnosis["text"])
    located = list(dict.fromkeys(t.message for t in tests if not t.passed and t.message))
    notes = list(dict.fromkeys(f"{PASS} {t.message}" for t in tests if t.passed and t.message))
    lines = [(f"Likely mistake: {text}", "bold") for text in diagnoses.values()]
    shown = located if verbose else located[:2]
    lines += [(message, "") for message in shown]
    if len(located) > len(shown):
        lines.append((f"(and {len(located) - len(shown)} more: --verbose shows them)", "dim"))
    lines += [(note, "") for note in notes]
    return lines


def function_rows(result, verbose: bool = False) -> list[dict]:
    """One row per function of a RunResult, in test order: function, ok, earned, available, lines."""
    by_function: dict[str, list] = {}
    for test in result.tests:
        by_function.setdefault(test.function, []).append(test)
    rows = []
    for function, (earned, available) in result.by_function().items():
        tests = [t for t in by_function[function] if not (result.message and t.message == result.message)]
        rows.append(
            {
                "function": function,
                "ok": earned == available,
                "earned": earned,
                "available": available,
                "lines": feedback_lines(tests, verbose),
            }
        )
    return rows
