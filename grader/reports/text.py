"""Learner text is data: whatever a learner wrote, or a name contains, is shown exactly as text and can
never act as a formula (CSV), an escape sequence (terminal) or markup and script (HTML).

Each output neutralises text where it lands:
  CSV       a cell starting with = + - @ (or a tab or carriage return) would be a formula in a
            spreadsheet: it is prefixed with ' so it is read as text (OWASP's advice);
  terminal  control characters are removed: ESC sequences (colours, OSC 52 clipboard writes, window
            titles), carriage returns that overwrite a line, bidirectional overrides that reorder it;
  HTML      html.escape for markup, and `script_json` for data inside <script>: every < > & is
            written as a JSON escape, so no </script or <!-- can end or swallow the script.
"""

from __future__ import annotations

import json
import re

CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional marks and overrides
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_text(value, *, one_line: bool = False) -> str:
    """`value` as text safe to print on a terminal: control and escape characters removed; tabs become
    spaces; with one_line, line breaks become " ⏎ " (a table cell)."""
    text = _TERMINAL_UNSAFE.sub("", str(value)).replace("\t", "    ")
    if one_line:
        text = " ⏎ ".join(line for line in text.splitlines() if line.strip())
    return text


def csv_text(value) -> str:
    """A text cell a spreadsheet reads as text, never as a formula."""
    text = str(value)
    if text.lstrip(" ").startswith(CSV_FORMULA_STARTS):
        return "'" + text
    return text


def script_json(data) -> str:
    """JSON to embed inside <script type="application/json">: no <, > or & appears literally, so the
    data can neither close the element (</script>) nor open an HTML comment (<!--) that swallows it."""
    text = json.dumps(data, default=str, ensure_ascii=False)
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text
