"""Errors a user can cause: each one carries one line saying what is wrong and how to fix it.

The CLI prints such a message and exits with code 2; the course server answers 4xx with it.
Nothing here imports the rest of the project, so every layer can raise them.
"""

from __future__ import annotations


class UsageProblem(Exception):
    """A mistake in how the grader was called (a missing file, an unknown name...)."""


class CourseFileProblem(UsageProblem):
    """A course file (manifest, quiz, answer key, visible examples) does not follow its schema."""


class UnknownExercise(UsageProblem, LookupError):
    """No exercise of the course has that name."""
