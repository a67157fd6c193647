"""Hidden tests as a person reads them. A parametrised test runs once per case; the judge names a case
in words (`softmax_other_axis (z of shape (4, 6), axis=0)`) or, in older results, by pytest's id
(`softmax_other_axis[shape1-1]`). Reports show one row per test with its cases beneath, either way.
"""

from __future__ import annotations

import re

_PYTEST_ID = re.compile(r"^(?P<base>[^\[\]]+)\[(?P<case>.*)\]$")
_WORDED = re.compile(r"^(?P<base>\S+) \((?P<case>.*)\)$")


def split_name(name: str) -> tuple[str, str]:
    """(test, case): `softmax_other_axis[shape1-1]` -> ("softmax_other_axis", "shape1-1");
    `softmax_other_axis (z of shape (4, 6), axis=0)` -> ("softmax_other_axis", "z of shape (4, 6), axis=0");
    a test without cases -> (name, "")."""
    for pattern in (_PYTEST_ID, _WORDED):
        match = pattern.match(name)
        if match:
            return match["base"], match["case"]
    return name, ""


def readable(name: str) -> str:
    """A test name for a chart or a list: the case in parentheses, as the judge words it."""
    base, case = split_name(name)
    return f"{base} ({case})" if case else base


def group_tests(tests: list[dict], failing_by_test: dict[str, tuple[set, set]] | None = None) -> list[dict]:
    """Per-case rows (dicts with test, function, points, learners, failing, unfilled...) grouped by test,
    in order of first appearance. A group counts a learner once however many of its cases they fail
    (`failing_by_test`: test name -> (learners with a real mistake, learners with an unfilled stub));
    without it, the worst case's count stands in."""
    groups: dict[tuple[str, str], dict] = {}
    for test in tests:
        base, case = split_name(test["test"])
        group = groups.setdefault(
            (test["function"], base),
            {
                "test": base,
                "function": test["function"],
                "points": 0.0,
                "learners": 0,
                "cases": [],
                "_wrong": set(),
                "_stub": set(),
                "failing": 0,
                "unfilled": 0,
            },
        )
        group["points"] += test["points"]
        group["learners"] = max(group["learners"], test["learners"])
        group["cases"].append({**test, "case": case})
        if failing_by_test is not None:
            wrong, stub = failing_by_test.get(test["test"], (set(), set()))
            group["_wrong"] |= wrong
            group["_stub"] |= stub
        else:
            group["failing"] = max(group["failing"], test["failing"])
            group["unfilled"] = max(group["unfilled"], test["unfilled"])
    result = []
    for group in groups.values():
        wrong, stub = group.pop("_wrong"), group.pop("_stub")
        group["points"] = round(group["points"], 4)
        if failing_by_test is not None:
            group["failing"], group["unfilled"] = len(wrong), len(stub - wrong)
        group["failing_share"] = round(group["failing"] / group["learners"], 4) if group["learners"] else 0.0
        top = max(group["cases"], key=lambda c: (c["top_message_count"], -group["cases"].index(c)))
        group["top_message"], group["top_message_count"] = top["top_message"], top["top_message_count"]
        result.append(group)
    return result
