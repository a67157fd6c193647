"""`python -m grader ...` is the same as `grade ...`."""

from grader.cli import main

main(prog_name="grade")
