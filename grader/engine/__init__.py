"""The grading engine: the sandboxed worker that runs learner code (worker, confine, wire), the
judge's handle on it (sandbox), the judge that runs the hidden tests and scores (judge, testkit)."""
