"""Misconception catalogues: known wrong versions of each reference, with why they are wrong (see
grader.engine.diagnosis). Instructor material: never shipped to learners."""
