"""Realistic single bugs, beyond the catalogues, that the hidden tests of chapters 7-11 once missed or misnamed.

Each case is the reference with one small edit, as a learner would write it. It must lose points, and
get exactly the diagnoses listed: none where no catalogue entry describes it (no diagnosis beats a
wrong one), and where a message must say something specific, that it does.
"""

from __future__ import annotations

import pytest

from grader.course.catalog import get_exercise
from grader.engine.judge import grade_source

DROPOUT_DRAW = "keep = np.random.default_rng(seed).random(x.shape) >= p"
ATTENTION_RETURN = "return weights @ V, weights"
NO_DIAGNOSIS: set[str] = set()

CASES = [
    # The eval-mode mask of zeros beside an untouched x drops nothing: "still drops units" would be false.
    (
        "regularization",
        "dropout_eval_mask_of_zeros",
        [("return x.copy(), np.ones(x.shape, dtype=dtype)", "return x.copy(), np.zeros(x.shape, dtype=dtype)")],
        NO_DIAGNOSIS,
        "",
    ),
    # Units must be dropped independently: one pattern repeated over the rows (or columns) has the right share.
    (
        "regularization",
        "dropout_same_pattern_every_row",
        [(DROPOUT_DRAW, "keep = np.broadcast_to(np.random.default_rng(seed).random(x.shape[-1]) >= p, x.shape)")],
        NO_DIAGNOSIS,
        "every row of the mask is the same",
    ),
    (
        "regularization",
        "dropout_one_draw_per_row",
        [
            (
                DROPOUT_DRAW,
                "keep = np.broadcast_to(np.random.default_rng(seed).random((x.shape[0],) + (1,) * (x.ndim - 1)) >= p,"
                " x.shape)",
            )
        ],
        NO_DIAGNOSIS,
        "every column of the mask is the same",
    ),
    # An output divided by sqrt(d) = 2 was once read as "divided by the batch size, 2".
    (
        "architectures",
        "attention_output_divided_again",
        [(ATTENTION_RETURN, "return weights @ V / math.sqrt(d), weights")],
        {"architectures.attention_output_divided_again"},
        "",
    ),
    (
        "architectures",
        "attention_square_causal_mask",
        [
            (
                "Tq, Tk = scores.shape[-2:]\n        hidden = np.triu(np.ones((Tq, Tk), dtype=bool), k=1)",
                "T = Q.shape[-2]\n        hidden = np.triu(np.ones((T, T), dtype=bool), k=1)",
            )
        ],
        NO_DIAGNOSIS,
        "Tq != Tk",
    ),
    (
        "architectures",
        "rnn_state_kept_between_calls",
        [
            ("def rnn_forward(x, h0, Wx, Wh, b):\n", "_LAST = {}\n\n\ndef rnn_forward(x, h0, Wx, Wh, b):\n"),
            ("    h = h0\n", "    h = _LAST.get(h0.shape, h0)\n"),
            ("    return hs\n", "    _LAST[h0.shape] = h\n    return hs\n"),
        ],
        NO_DIAGNOSIS,
        "right after the call with h0",
    ),
    # Weights for standardised pixels look like underfitting on the raw ones: the message says what it is.
    (
        "training",
        "standardised_inputs_not_folded",
        [
            (
                "    X = np.asarray(X_train, dtype=np.float64)\n",
                "    X = np.asarray(X_train, dtype=np.float64)\n    X = (X - X.mean(axis=0)) / (X.std(axis=0) + 1e-8)\n",
            )
        ],
        NO_DIAGNOSIS,
        "trained on transformed pixels",
    ),
    # MSE on one-hot targets still reaches the accuracy; the contract asks for cross-entropy.
    (
        "fine_tuning",
        "mse_on_one_hot_targets",
        [
            (
                "loss = nn.functional.cross_entropy(model(X), y)",
                "loss = nn.functional.mse_loss(model(X), nn.functional.one_hot(y, 5).to(X.dtype))",
            )
        ],
        NO_DIAGNOSIS,
        "was not that of a cross-entropy",
    ),
]


@pytest.mark.parametrize("slug, name, edits, diagnoses, says", CASES, ids=[f"{c[0]}.{c[1]}" for c in CASES])
def test_a_realistic_bug_loses_points_and_is_named_only_when_sure(slug, name, edits, diagnoses, says):
    exercise = get_exercise(slug)
    source = exercise.solution_path.read_text(encoding="utf-8")
    for old, new in edits:
        assert source.count(old) >= 1, f"{name}: the reference no longer contains {old!r}"
        source = source.replace(old, new, 1)
    result = grade_source(exercise, source, "realistic-bug")
    failed = [t for t in result.tests if not t.passed]
    assert failed, f"{slug}.{name}: the hidden tests do not catch this bug"
    assert {t.diagnosis["id"] for t in failed if t.diagnosis} == diagnoses
    if says:
        assert any(says in t.message for t in failed), [t.message for t in failed]
