"""Validating course files against their models with pydantic, and saying every problem found.

Only used when a file set is not in the cache (`grader.course.coursefiles.load`) and by
`grade course check`, so pydantic is imported here and nowhere on the hot path. Each file is parsed
with tomllib, turned into JSON values (dates become ISO text), and validated in pydantic's strict
JSON mode against its model; every error becomes an `Issue` with the file, the TOML line, the table
it is in and a suggestion. `checks` then applies the rules that span files (quiz keys against
quizzes, say) to the documents that validated.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from grader.course.issues import CourseFilesInvalid, Issue, describe_errors, where_in
from grader.course.places import label_of
from grader.course.tomlpos import key_lines, line_of


@dataclass
class Document:
    """One course file: where it is, its text, its data as JSON values, and its problems."""

    path: Path
    label: str  # relative to the course root, e.g. exercises/manifest.toml
    model: type
    text: str = ""
    data: dict | None = None
    value: object = None  # the validated model, once validation succeeded
    issues: list[Issue] = field(default_factory=list)

    def issue(self, loc: tuple, message: str) -> Issue:
        """An Issue about `loc` (a path of keys and indexes) in this file, with its line."""
        line = line_of(key_lines(self.text), loc) if self.text else None
        return Issue(self.label, line, where_in(self.data, loc), message)


Checks = Callable[[list[Document]], list[Issue]]


def documents_of(files: Sequence[tuple[Path, type]], root: Path) -> list[Document]:
    """Read, parse and validate each file; problems are kept on each document."""
    documents = []
    for path, model in files:
        document = Document(Path(path), label_of(path, root), model)
        documents.append(document)
        try:
            content = document.path.read_bytes()
        except FileNotFoundError:
            document.issues.append(Issue(document.label, None, "", "the file is missing"))
            continue
        except OSError as error:
            document.issues.append(Issue(document.label, None, "", f"the file cannot be read ({error.strerror})"))
            continue
        _parse(document, content)
        if document.data is not None:
            _validate(document)
        document.issues.sort(key=lambda issue: (issue.line is None, issue.line or 0))
    return documents


def problems_of(files: Sequence[tuple[Path, type]], root: Path, checks: Checks | None = None) -> list[Issue]:
    """Every problem of these files, in file order; [] when they are valid. Never raises for bad files."""
    documents = documents_of(files, root)
    found = [issue for document in documents for issue in document.issues]
    return found + (checks(documents) if checks is not None else [])


def validated_data(files: Sequence[tuple[Path, type]], root: Path, checks: Checks | None = None) -> list[dict]:
    """Each file's data as JSON values, or CourseFilesInvalid listing every problem."""
    documents = documents_of(files, root)
    issues = [issue for document in documents for issue in document.issues]
    issues += checks(documents) if checks is not None else []
    if issues:
        raise CourseFilesInvalid(issues)
    return [document.data for document in documents]


def _json_value(value):
    """TOML values JSON cannot hold: dates and times become ISO 8601 text (pydantic parses them back)."""
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a TOML value")


def _parse(document: Document, content: bytes) -> None:
    try:
        document.text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        document.issues.append(Issue(document.label, None, "", f"is not UTF-8 text (byte {error.start})"))
        return
    try:
        data = tomllib.loads(document.text)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"at line (\d+)", str(error))
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        document.issues.append(
            Issue(document.label, int(line.group(1)) if line else None, "", f"not valid TOML: {reason}")
        )
        return
    document.data = json.loads(json.dumps(data, default=_json_value))


_ADAPTERS: dict[type, object] = {}


def _validate(document: Document) -> None:
    from pydantic import TypeAdapter, ValidationError

    adapter = _ADAPTERS.get(document.model)
    if adapter is None:
        adapter = _ADAPTERS[document.model] = TypeAdapter(document.model)
    try:
        document.value = adapter.validate_json(json.dumps(document.data))
    except ValidationError as error:
        for loc, message in describe_errors(document.model, document.data, error.errors()):
            document.issues.append(document.issue(loc, message))
