"""The one loader of the course's TOML files: read them, validate them against their typed models,
report every problem at once, and remember what was valid.

The models are frozen dataclasses (`catalog.ExerciseEntry`, `quizbank.Quiz`, `examples.Example`...):
their annotations are the schema, pydantic v2 validates a file against them (strict types, no
unknown key, `__post_init__` for the rules between fields; see `grader.course.validation`), and the
same classes are what the rest of the grader uses. `load(...)` returns each file's data in JSON
form, and `from_toml(Model, data)` builds the model from it.

Speed: `grade submit` and `grade list` read the manifest on every run, and importing pydantic and
building the validators costs about 0.1 s. So a set of files that validated is cached in the user's
cache folder (`places.cache_dir()`): the cache entry holds the files' exact bytes, the models'
source and the validated data. The next run reads that one JSON file, compares the bytes (no hash
needed, so no false hit) and uses the data, which is quicker than parsing the TOML. Any change to a
file or to a model's code misses the cache and validates again. When the folder cannot be written,
every run validates: slower, never wrong.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Sequence
from pathlib import Path

from grader.course import places, schema
from grader.course.places import label_of


def load(kind: str, files: Sequence[tuple[Path, type]], root: Path, models_source: Sequence[str], checks=None):
    """The data of each file (in order), validated against its model; raises CourseFilesInvalid (a
    UsageProblem) listing every problem of every file. `kind` names the cache entry, `models_source`
    the modules whose code defines the models, `checks(documents) -> [Issue]` the rules across files."""
    contents = []
    for path, _model in files:
        try:
            contents.append(Path(path).read_bytes())
        except OSError:
            contents.append(None)  # validation says what is wrong with it
    models = [Path(module).read_bytes() for module in (schema.__file__, *models_source)]
    cache_file = _cache_file(kind, root)
    if None not in contents:
        cached = _read_cache(cache_file, models, files, contents, root)
        if cached is not None:
            return cached
    from grader.course.validation import validated_data

    data = validated_data(files, root, checks)
    _write_cache(cache_file, models, files, contents, root, data)
    return data


# ---------------------------------------------------------------- the cache of valid files


def _cache_file(kind: str, root: Path) -> Path | None:
    try:
        folder = places.cache_dir()
    except (OSError, RuntimeError):  # no home folder at all: no cache
        return None
    where = zlib.crc32(str(Path(root).resolve()).encode())  # names the entry; the content decides a hit
    return folder / "course" / f"{kind}-{where:08x}.json"


def _fingerprint(models: list[bytes], files, contents: list[bytes], root: Path) -> dict:
    return {
        "models": [model.decode("utf-8", "replace") for model in models],
        "files": {
            label_of(path, root): content.decode("utf-8", "replace") for (path, _), content in zip(files, contents)
        },
    }


def _read_cache(path: Path | None, models, files, contents, root) -> list[dict] | None:
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            entry = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("valid") != _fingerprint(models, files, contents, root):
        return None
    return entry.get("data")


def _write_cache(path: Path | None, models, files, contents, root, data: list[dict]) -> None:
    """Write atomically, so that a reader never sees half a file."""
    if path is None or None in contents:
        return
    entry = {"valid": _fingerprint(models, files, contents, root), "data": data}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        temporary.write_text(json.dumps(entry), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass  # an unwritable cache only costs speed
