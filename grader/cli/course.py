"""`grade course check`: validate the whole course (grader.course.check)."""

from __future__ import annotations

import sys

from grader.cli.app import main


@main.group(name="course")
def course_group():
    """The course's own files (for course authors and instructors)."""


@course_group.command(name="check")
def course_check():
    """Validate every course file: exit 1 with the list of problems, 0 when the course is clean.

    The manifest, the quizzes and (in the instructor's copy) their answer keys, the visible
    examples against the stubs' functions, the notebooks against what `grade notebook --all` would
    write, and no quiz answer stated in a file the learners get. Each problem names its file and
    line, with a suggestion where one can be made. Same as `python -m grader.course.check`.

    \b
    Example:
      grade course check
    """
    from grader.course.check import main as check_main

    sys.exit(check_main())
