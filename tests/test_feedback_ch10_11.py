"""The hidden tests of chapters 10-11 say what is true of the failure at hand.

A message that names a cause must be the right cause: a loop that calls zero_grad() between
backward() and step() is not asked whether it calls optimizer.step(); a new head built on the CPU
for a model on another device is caught (torch's "meta" device stands for a GPU); the max-shift
hint of attention and the "do not flip" hint of conv2d appear only for those mistakes. Each case
grades the reference with one catalogued mistake planted, as a learner's file, in a real worker.
"""

from __future__ import annotations

import pytest

from grader.course.catalog import COURSE_ROOT, get_exercise
from grader.engine.diagnosis import load_catalogue, variant_source
from grader.engine.judge import grade_source


def grade_with(slug: str, mistake: str):
    """The result of grading the reference of `slug` with the catalogued `mistake` planted."""
    exercise = get_exercise(slug)
    (item,) = [i for i in load_catalogue(slug, COURSE_ROOT) if i.id == f"{slug}.{mistake}"]
    return grade_source(exercise, variant_source(exercise.solution_path.read_text(encoding="utf-8"), item), "x")


def failures(result, function: str) -> dict[str, str]:
    return {t.name: t.message for t in result.tests if not t.passed and t.function == function}


def test_zero_grad_between_backward_and_step_is_named_not_a_missing_step():
    failed = failures(grade_with("fine_tuning", "fine_tune_zero_grad_between_backward_and_step"), "fine_tune")
    assert failed
    for name, message in failed.items():
        assert "zero_grad() runs between loss.backward() and optimizer.step()" in message, name
        assert "step() called" not in message and "no optimizer step" not in message, name


def test_a_missing_step_is_named_as_such():
    failed = failures(grade_with("fine_tuning", "fine_tune_without_step"), "fine_tune")
    assert failed
    for name, message in failed.items():
        assert "no optimizer step was taken" in message, name
        assert "zero_grad" not in message, name


def test_a_head_that_ignores_the_models_device_is_caught_on_the_meta_device():
    result = grade_with("fine_tuning", "replace_head_ignores_device")
    failed = failures(result, "replace_head")
    assert list(failed) == ["replace_head_keeps_device"]
    assert "on the device 'cpu' while the model is on 'meta'" in failed["replace_head_keeps_device"]
    (test,) = [t for t in result.tests if t.name == "replace_head_keeps_device"]
    assert test.diagnosis["id"] == "fine_tuning.replace_head_ignores_device"


@pytest.mark.parametrize(
    "mistake, function, test, says, never",
    [
        ("attention_mask_hides_diagonal", "attention", "attention_stable_for_large_scores", "NaN", "maximum"),
        ("attention_max_taken_before_masking", "attention", "attention_stable_for_large_scores", "NaN", "maximum"),
        ("conv_kernel_flipped", "conv2d_forward", "conv2d_is_a_cross_correlation", "flipped filter", "are wrong"),
        ("conv_output_size_missing_plus_one", "conv2d_forward", "conv2d_is_a_cross_correlation", "shape", "flip"),
    ],
)
def test_architectures_hints_only_where_the_result_shows_them(mistake, function, test, says, never):
    message = failures(grade_with("architectures", mistake), function)[test]
    assert says in message
    assert never not in message
