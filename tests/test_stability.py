"""The stability checks judge by the contract: right values, no NaN or inf, nothing overflowing.

An overflow fails the check even when the learner's code silences numpy (np.errstate, np.seterr,
warnings filters); a division by zero on the way to an exact, finite result does not (issue 16
item 12: log(0) of a probability that is never used).
"""

from __future__ import annotations

import textwrap

import pytest

from grader.engine.judge import grade_source
from solutions.misconceptions import activations
from tests.conftest import fast

REFERENCE_REST = """
def relu(x):
    return np.maximum(x, 0)
"""


def stability_results(slug: str, source: str, function: str) -> list:
    result = grade_source(fast(slug), textwrap.dedent(source), "tester")
    return [t for t in result.tests if t.function == function and "stable" in t.name]


@pytest.mark.parametrize(
    "silencing",
    [
        'with np.errstate(all="ignore"):\n        return 1.0 / (1.0 + np.exp(-x))',
        'np.seterr(all="ignore")\n    return 1.0 / (1.0 + np.exp(-x))',
        'warnings.filterwarnings("ignore")\n    return 1.0 / (1.0 + np.exp(-x))',
        'exec("with np.errstate(over=\'ignore\'): r = 1.0 / (1.0 + np.exp(-x))", globals(), scope := {"x": x})\n'
        '    return scope["r"]',
    ],
    ids=["errstate", "seterr", "warnings", "exec"],
)
def test_an_overflow_fails_whatever_the_learner_silences(silencing):
    source = f"import warnings\nimport numpy as np\n\ndef sigmoid(x):\n    {silencing}\n"
    (check,) = stability_results("activations", source, "sigmoid")
    assert not check.passed
    assert "overflow encountered in exp" in check.message
    assert check.diagnosis["id"] == "activations.sigmoid_exp_overflows"
    assert check.diagnosis["text"] == activations.sigmoid_exp_overflows.__misconception__[1]


def test_log_of_zero_on_the_way_to_an_exact_gradient_passes():
    source = """
        import numpy as np

        def cross_entropy_grad(logits, labels):
            e = np.exp(logits - logits.max(axis=1, keepdims=True))
            probs = e / e.sum(axis=1, keepdims=True)
            rows = np.arange(len(logits))
            row_losses = -np.log(probs[rows, labels])  # log(0.0) for a confident mistake; never used
            grad = probs.copy()
            grad[rows, labels] -= 1
            return grad / len(rows)
    """
    (check,) = stability_results("losses", source, "cross_entropy_grad")
    assert check.passed, check.message


def test_log_of_zero_that_reaches_the_result_still_fails():
    source = """
        import numpy as np

        def cross_entropy(logits, labels):
            e = np.exp(logits - logits.max(axis=1, keepdims=True))
            probs = e / e.sum(axis=1, keepdims=True)
            return -np.mean(np.log(probs[np.arange(len(logits)), labels]))
    """
    (check,) = stability_results("losses", source, "cross_entropy")
    assert not check.passed
    assert "returned inf" in check.message
    assert check.diagnosis["id"] == "losses.ce_log_of_softmax"
