"""Where things are in a TOML file: the line of each table, key and inline-table item.

`tomllib` gives values but no positions, and a course author needs "line 31" to find a mistake.
`key_lines(text)` scans the text once and maps paths, as a validator names them, to 1-based lines:

    ("title",)                       a top-level key
    ("exercise", 3)                  the 4th [[exercise]] header
    ("exercise", 3, "points")        its `points` key
    ("question", 0, "choices", 2)    the 3rd inline table of that question's `choices = [...]`
    ("question", 0, "choices", 2, "text")   a key inside it

Only what the course files use is understood (tables, arrays of tables, keys, strings of every
kind, arrays of inline tables); anything else just gets the line of the nearest enclosing path.
The scan never fails: a file tomllib rejected is reported with tomllib's own line instead.
"""

from __future__ import annotations

import re

Path_ = tuple[str | int, ...]

_HEADER = re.compile(r"\s*(\[\[?)\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"\s*([A-Za-z0-9_\-]+|\"[^\"]*\"|'[^']*')\s*=")


def key_lines(text: str) -> dict[Path_, int]:
    """Every path found in `text`, mapped to the line where it starts (see the module docstring)."""
    lines = text.splitlines()
    found: dict[Path_, int] = {}
    counts: dict[str, int] = {}
    table: Path_ = ()
    index = 0
    while index < len(lines):
        line = lines[index]
        header = _HEADER.match(line)
        if header and not _KEY.match(line):
            name = header.group(2).strip().strip("\"'")
            if header.group(1) == "[[":
                counts[name] = counts.get(name, 0) + 1
                table = (name, counts[name] - 1)
            else:
                table = (name,)
            found.setdefault(table, index + 1)
            index += 1
            continue
        key = _KEY.match(line)
        if not key:
            index += 1
            continue
        path = (*table, key.group(1).strip("\"'"))
        found.setdefault(path, index + 1)
        index = _scan_value(lines, index, key.end(), path, found)
    return found


def _scan_value(lines: list[str], row: int, column: int, path: Path_, found: dict[Path_, int]) -> int:
    """Walk one value from lines[row][column:], recording inline-table items of an array; returns the
    index of the first line after the value."""
    depth = 0  # brackets and braces open
    item = -1
    inner_key: list[Path_] = []  # the path of the inline table being read, if any
    while row < len(lines):
        text = lines[row]
        while column < len(text):
            char = text[column]
            if text.startswith(('"""', "'''"), column):
                row, column = _skip_multiline(lines, row, column + 3, text[column : column + 3])
                if row >= len(lines):
                    return row
                text = lines[row]
                continue
            if char in "\"'":
                column = _skip_string(text, column + 1, char)
                continue
            if char == "#":
                break
            if char in "[{":
                depth += 1
                if char == "{" and depth == 2:  # an inline table, item of an array
                    item += 1
                    inner_key = [(*path, item)]
                    found.setdefault(inner_key[0], row + 1)
            elif char in "]}":
                depth -= 1
                if depth <= 1:
                    inner_key = []
            elif inner_key and depth == 2:
                key = _KEY.match(text, column)
                if key and (column == 0 or text[column - 1] in " {,\t"):
                    found.setdefault((*inner_key[0], key.group(1).strip("\"'")), row + 1)
                    column = key.end()
                    continue
            column += 1
        row += 1
        column = 0
        if depth <= 0:
            return row
    return row


def _skip_string(text: str, column: int, quote: str) -> int:
    while column < len(text):
        if quote == '"' and text[column] == "\\":
            column += 2
            continue
        if text[column] == quote:
            return column + 1
        column += 1
    return column


def _skip_multiline(lines: list[str], row: int, column: int, delimiter: str) -> tuple[int, int]:
    while row < len(lines):
        end = lines[row].find(delimiter, column)
        if end >= 0:
            while lines[row].startswith(delimiter[0], end + 3):  # up to two quotes may close the string
                end += 1
            return row, end + 3
        row += 1
        column = 0
    return row, 0


def line_of(found: dict[Path_, int], path: Path_) -> int | None:
    """The line of `path`, or of its nearest enclosing path that has one; None when nothing matches."""
    for size in range(len(path), 0, -1):
        line = found.get(tuple(path[:size]))
        if line is not None:
            return line
    return None
