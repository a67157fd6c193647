"""Problems in course files, said so that a course author can fix them without reading a traceback:

    exercises/manifest.toml, line 31, exercise 'training': unknown key 'timelimit' — did you mean 'time_limit'?

`describe_errors` turns pydantic's validation errors (a location such as ("exercise", 6, "timelimit"),
a type such as "unexpected_keyword_argument") into such sentences; `where_in` names the table a
location points into by its slug, id or question rather than by an index.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import typing
from dataclasses import dataclass

from grader.course.schema import toml_name
from grader.errors import CourseFileProblem

# How an item of an array is named in a message, by the first of these keys it has.
NAME_KEYS = ("slug", "id", "question", "function")
SINGULAR = {"choices": "choice"}


@dataclass(frozen=True)
class Issue:
    file: str  # relative to the course root
    line: int | None
    where: str  # e.g. "exercise 'training'"; "" for the file as a whole
    message: str

    def __str__(self) -> str:
        place = self.file + (f", line {self.line}" if self.line else "")
        return f"{place}, {self.where}: {self.message}" if self.where else f"{place}: {self.message}"


class CourseFilesInvalid(CourseFileProblem):
    """Course files that break their schema; `issues` lists every problem, the message shows the first."""

    def __init__(self, issues: list[Issue]):
        self.issues = list(issues)
        more = len(self.issues) - 1
        tail = (
            f" (and {more} more problem{'s' if more > 1 else ''}: `grade course check` lists them all)" if more else ""
        )
        super().__init__(f"{self.issues[0]}{tail}")


def where_in(data, loc: tuple) -> str:
    """The items a location passes through, by name: "question 'neurons.4', choice 'e'"."""
    names, node = [], data
    for position, part in enumerate(loc):
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            node = node[part]
            continue
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            label = SINGULAR.get(loc[position - 1], loc[position - 1]) if position else "item"
            node = node[part]
            name = next((node[k] for k in NAME_KEYS if isinstance(node, dict) and isinstance(node.get(k), str)), None)
            names.append(f"{label} '{name}'" if name else f"{label} {part + 1}")
            continue
        break
    return ", ".join(names)


def _shown(value) -> str:
    """A value as it was written in TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f'"{text}" (text)'
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return repr(value)


_KINDS = {
    "int": "a whole number",
    "float": "a number",
    "str": "text in quotes",
    "bool": "true or false",
    "tuple": "a list",
    "list": "a list",
    "datetime": "a date and time with its UTC offset, such as 2026-03-01T23:59:00+01:00",
    "dataclass": "a table",
    "dict": "a table",
    "literal": "one of the allowed values",
    "none": "left out",
}


def _kind_of_tag(tag: str) -> str:
    """The union member pydantic names in a location ('str', 'tuple[str, ...]', 'float') in words."""
    base = re.split(r"[\[(]", tag, maxsplit=1)[0].lower()
    if "literal" in base:
        return "one of " + ", ".join(re.findall(r"'[^']*'", tag))
    return _KINDS.get(base, base)


def _kind_of_type(error_type: str) -> str | None:
    base = error_type.split("_")[0]
    return _KINDS.get(base)


def _fields_of(model, path: tuple) -> list[str]:
    """The TOML keys of the model that `path` (keys and indexes from the file's root) points into."""
    current = model
    for part in path:
        if isinstance(part, int) or not dataclasses.is_dataclass(current):
            continue
        hints = typing.get_type_hints(current)
        by_key = {toml_name(f.name): f.name for f in dataclasses.fields(current) if f.init}
        if part not in by_key:
            return []
        current = _dataclass_in(hints[by_key[part]])
    if not dataclasses.is_dataclass(current):
        return []
    return [toml_name(f.name) for f in dataclasses.fields(current) if f.init and not f.kw_only]


def _dataclass_in(hint):
    if dataclasses.is_dataclass(hint):
        return hint
    for argument in typing.get_args(hint):
        found = _dataclass_in(argument)
        if found is not None:
            return found
    return None


def _data_path(data, loc: tuple) -> tuple[tuple, tuple]:
    """Split a location into the part that exists in the data and the rest (a missing key, union tags)."""
    node = data
    for position, part in enumerate(loc):
        if (isinstance(node, dict) and isinstance(part, str) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            node = node[part]
        else:
            return tuple(loc[:position]), tuple(loc[position:])
    return tuple(loc), ()


def _key_name(path: tuple) -> str:
    return next((part for part in reversed(path) if isinstance(part, str)), "")


def _suggest(wrong: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(wrong, choices, n=1, cutoff=0.6)
    if close:
        return f" — did you mean '{close[0]}'?"
    return f" — the keys here are {', '.join(choices)}" if choices else ""


def describe_errors(model, data, errors: list[dict]) -> list[tuple[tuple, str]]:
    """(location, sentence) for each problem pydantic found; the errors of one union are one problem,
    and the rules a model's __post_init__ broke (coursefiles.Rules) are one problem each."""
    described: list[tuple[tuple, str]] = []
    grouped: dict[tuple, list[tuple[tuple, dict]]] = {}
    for error in errors:
        loc = tuple(error["loc"])
        rules = (error.get("ctx") or {}).get("error") if error["type"] == "value_error" else None
        if hasattr(rules, "problems"):
            described += [((*loc, *key), message) for key, message in rules.problems]
            continue
        found, rest = _data_path(data, loc)
        if error["type"] in ("missing", "unexpected_keyword_argument", "extra_forbidden") and rest:
            found, rest = found + rest[:1], rest[1:]
        grouped.setdefault(found, []).append((rest, error))
    for loc, members in grouped.items():
        described.append((loc, _sentence(model, loc, members)))
    return described


def _sentence(model, loc: tuple, members: list[tuple[tuple, dict]]) -> str:
    key = _key_name(loc)
    _, error = members[0]
    kind = error["type"]
    value = error.get("input")
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        return f"unknown key '{key}'" + _suggest(key, _fields_of(model, loc[:-1]))
    if kind == "missing":
        return f"'{key}' is missing" if key else "a required table is missing"
    if kind == "value_error":
        return str((error.get("ctx") or {}).get("error", error["msg"]))
    named = f"'{key}'" if key else "the item"
    if len(members) > 1:  # a union: say every accepted kind once
        kinds = list(dict.fromkeys(_kind_of_tag(str(tag[0])) for tag, _ in members if tag))
        wanted = ", ".join(kinds[:-1]) + f" or {kinds[-1]}" if len(kinds) > 1 else "".join(kinds)
        return f"{named} must be {wanted}, not {_shown(value)}"
    ctx = error.get("ctx") or {}
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        hint = difflib.get_close_matches(str(value), allowed, n=1, cutoff=0.6) if isinstance(value, str) else []
        return f"{named} must be one of {', '.join(repr(a) for a in allowed)}, not {_shown(value)}" + (
            f" — did you mean '{hint[0]}'?" if hint else ""
        )
    if kind == "too_short":
        return f"{named} needs at least {ctx.get('min_length', 1)} item(s)"
    if kind.startswith(("datetime", "date")):
        return f"{named} must be {_KINDS['datetime']} (not quoted), not {_shown(value)}"
    wanted_kind = _kind_of_type(kind)
    if wanted_kind and kind.endswith(("_type", "_parsing", "_from_float")):
        return f"{named} must be {wanted_kind}, not {_shown(value)}"
    return f"{named}: {error['msg']}"
