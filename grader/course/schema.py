"""How the course files' models are written: the pydantic configuration they share, the TOML
names of their fields, and `Rules` for what a type cannot say.

A model is a frozen dataclass with `__pydantic_config__ = SCHEMA_CONFIG`; pydantic validates a file
against it (see `grader.course.validation`), and `from_toml(Model, data)` builds it from data that
validated, without pydantic. Its `__post_init__` normalises values (the same for both ways in)
and checks the rules between fields with `Rules`, which reports them all at once.
"""

from __future__ import annotations

# A field holding an array of tables has a plural name; its TOML key is the singular [[name]].
TABLE_NAMES = {"exercises": "exercise", "questions": "question", "answers": "answer", "examples": "example"}
FIELD_NAMES = {toml: name for name, toml in TABLE_NAMES.items()}


def toml_name(field_name: str) -> str:
    return TABLE_NAMES.get(field_name, field_name)


# Every model's pydantic configuration: strict types ("12" is not a number), no unknown key.
SCHEMA_CONFIG = {"extra": "forbid", "strict": True, "alias_generator": toml_name}


class FieldProblem(ValueError):
    """Raised by a model's __post_init__ for the rules pydantic's types cannot say; `problems` holds
    (key or path of keys and indexes relative to the model, message) for each broken rule."""

    def __init__(self, problems: list[tuple[tuple, str]]):
        super().__init__("; ".join(message for _, message in problems))
        self.problems = problems


class Rules:
    """Collects the broken rules of one model in its __post_init__, then raises them all at once."""

    def __init__(self):
        self.problems: list[tuple[tuple, str]] = []

    def check(self, holds: bool, key: str | tuple, message: str) -> None:
        if not holds:
            self.problems.append(((key,) if isinstance(key, str) else tuple(key), message))

    def done(self) -> None:
        if self.problems:
            raise FieldProblem(self.problems)


def from_toml(model, data: dict, **extra):
    """An instance of `model` from a file's (already validated) data: a [[table]] key becomes the
    model's plural field name; the model's __post_init__ builds nested models from their data."""
    fields = model.__dataclass_fields__
    renamed = {(FIELD_NAMES[key] if FIELD_NAMES.get(key) in fields else key): value for key, value in data.items()}
    return model(**renamed, **extra)
