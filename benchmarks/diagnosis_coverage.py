"""How well the judge names mistakes: every catalogued misconception planted in the reference, graded.

Prints, per exercise: the misconceptions catalogued, how many of the planted variants the hidden tests
catch (lose points), how many get exactly their own diagnosis, how many get a wrong one (the goal:
none), and how long grading the variants took.

    python benchmarks/diagnosis_coverage.py [SLUG ...]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grader.course.catalog import COURSE_ROOT, load_manifest
from grader.engine.diagnosis import load_catalogue, variant_source
from grader.engine.judge import grade_source


def main(slugs: list[str]) -> None:
    print(f"{'exercise':<16}{'catalogued':>11}{'caught':>8}{'named':>7}{'wrong':>7}{'seconds':>9}")
    totals = [0, 0, 0, 0]
    for exercise in load_manifest():
        if slugs and exercise.slug not in slugs:
            continue
        catalogue = load_catalogue(exercise.slug, COURSE_ROOT)
        reference = exercise.solution_path.read_text(encoding="utf-8")
        caught = named = wrong = 0
        started = time.perf_counter()
        for item in catalogue:
            result = grade_source(exercise, variant_source(reference, item), "variant")
            failed = [t for t in result.tests if not t.passed]
            ids = {t.diagnosis["id"] for t in failed if t.diagnosis}
            caught += bool(failed)
            named += ids == {item.id}
            wrong += bool(ids - {item.id})
            if ids != {item.id}:
                print(f"    {item.id}: {'caught' if failed else 'NOT CAUGHT'}, diagnoses {sorted(ids) or 'none'}")
        seconds = time.perf_counter() - started
        print(f"{exercise.slug:<16}{len(catalogue):>11}{caught:>8}{named:>7}{wrong:>7}{seconds:>9.1f}")
        for i, n in enumerate((len(catalogue), caught, named, wrong)):
            totals[i] += n
    share = totals[2] / totals[0] if totals[0] else 0.0
    print(f"{'all':<16}{totals[0]:>11}{totals[1]:>8}{totals[2]:>7}{totals[3]:>7}   named: {share:.0%}")


if __name__ == "__main__":
    main(sys.argv[1:])
