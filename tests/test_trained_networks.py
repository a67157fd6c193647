"""The training catalogue's symptoms (solutions/misconceptions/trained_networks.py) on real training runs.

A planted bug in the reference proves each entry is caught and named (tests/test_misconceptions.py);
here, networks trained with other forms of those mistakes, and with the mistakes that look like them,
show that each symptom names its own cause and no other: precision matters more than coverage.
"""

from __future__ import annotations

import numpy as np
import pytest

from grader.course.catalog import get_exercise
from grader.engine.diagnosis import Diagnoser
from grader.engine.sandbox import Reply
from grader.engine.testkit import Call
from solutions.digits_data import digits_split
from solutions.misconceptions import trained_networks as symptom
from solutions.training import _mlp_loss_and_grads

PREDICATES = {
    name: getattr(symptom, name)
    for name in (
        "zero_init",
        "never_updated",
        "climbed_the_loss",
        "ignored_shuffled_labels",
        "relabelled",
        "relus_died",
        "diverged",
        "stored_transposed",
        "reversed_layers",
    )
}
X, Y, _, _ = digits_split(0)


def train(*, init="he", optimizer="adam", lr=1e-2, epochs=30, batch=32, labels="paired", sign=1.0, seed=0):
    """A 64-128-10 ReLU network trained as a learner might, with one thing possibly wrong."""
    rng = np.random.default_rng(seed)
    X_, y_ = X, Y
    if labels == "shuffled once":  # rng.shuffle(X); rng.shuffle(y): two different permutations
        X_, y_ = X[rng.permutation(len(X))], Y[rng.permutation(len(Y))]
    sizes = [(64, 128), (128, 10)]
    scale = {"he": lambda m: np.sqrt(2.0 / m), "small": lambda m: 0.01}.get(init)
    if init == "constant":
        params = [(np.full((m, n), 0.01), np.zeros(n)) for m, n in sizes]
    else:
        params = [(rng.normal(0.0, scale(m), size=(m, n)), np.zeros(n)) for m, n in sizes]
    state = [[np.zeros_like(a) for a in pair] for pair in params]
    second = [[np.zeros_like(a) for a in pair] for pair in params]
    t = 0
    for _ in range(epochs):
        order = rng.permutation(len(X_))
        for start in range(0, len(X_), batch):
            idx = order[start : start + batch]
            batch_labels = y_[start : start + batch] if labels == "batch slice" else y_[idx]
            if labels == "reversed classes":  # 9 - y: every digit learnt under another name
                batch_labels = 9 - batch_labels
            grads = _mlp_loss_and_grads(X_[idx], batch_labels, params)[1]
            t += 1
            new = []
            for pair, grad, m_pair, v_pair in zip(params, grads, state, second):
                moved = []
                for i, (p, g) in enumerate(zip(pair, grad)):
                    if optimizer == "adam":
                        m_pair[i] = 0.9 * m_pair[i] + 0.1 * g
                        v_pair[i] = 0.999 * v_pair[i] + 0.001 * g * g
                        step = (m_pair[i] / (1 - 0.9**t)) / (np.sqrt(v_pair[i] / (1 - 0.999**t)) + 1e-8)
                    elif optimizer == "momentum":
                        m_pair[i] = 0.9 * m_pair[i] + g
                        step = m_pair[i]
                    else:
                        step = g
                    moved.append(p - sign * lr * step)
                new.append(tuple(moved))
            params = new
    return params


def untrained_with_random_biases():
    rng = np.random.default_rng(5)
    return [
        (rng.normal(0.0, np.sqrt(2.0 / m), size=(m, n)), rng.normal(0.0, 0.1, size=n))
        for m, n in ((64, 128), (128, 10))
    ]


CASES = {
    # the mistakes, in forms the planted variants do not have
    "labels shuffled once, memorised": (lambda: train(labels="shuffled once"), "ignored_shuffled_labels"),
    "labels of the batch slice, momentum": (
        lambda: train(labels="batch slice", optimizer="momentum", lr=0.1),
        "ignored_shuffled_labels",
    ),
    "weights all 0.01": (lambda: train(init="constant"), "zero_init"),
    "labels 9 - y": (lambda: train(labels="reversed classes"), "relabelled"),
    "layers returned last first": (lambda: train(epochs=2)[::-1], "reversed_layers"),
    "W stored as (fan_out, fan_in)": (lambda: [(W.T, b) for W, b in train(epochs=2)], "stored_transposed"),
    "SGD going uphill": (lambda: train(optimizer="sgd", lr=0.1, sign=-1.0, epochs=5), "climbed_the_loss"),
    "SGD lr 2, ReLUs killed": (lambda: train(optimizer="sgd", lr=2.0), "relus_died"),
    "full-batch Adam lr 1, ReLUs killed, then the label frequencies learnt": (
        lambda: train(lr=1.0, batch=2000, epochs=100),
        "relus_died",
    ),
    # look-alikes: no better than chance (or weak), and none of these mistakes
    "full-batch SGD lr 5: units nearly all off, weights blown up": (
        lambda: train(optimizer="sgd", lr=5.0, batch=2000, epochs=100),
        None,
    ),
    "tiny weights, a learning rate far too small": (
        lambda: train(init="small", optimizer="sgd", lr=1e-4, epochs=5),
        None,
    ),
    "an untrained network with random biases": (untrained_with_random_biases, None),
    "one short epoch of correct training": (lambda: train(epochs=1, lr=1e-3), None),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_symptom_names_its_own_mistake_and_no_other(case):
    make, expected = CASES[case]
    call = Call("call", "train_classifier", (X, Y), {"seed": 0}, reply=Reply(make()))
    fired = {name for name, predicate in PREDICATES.items() if predicate(call, None)}
    assert fired == ({expected} if expected else set())


def test_a_network_that_is_no_chain_of_pairs_shows_no_symptom():
    for value in (None, [], [(np.zeros((64, 10)),)], [(np.zeros((10, 64)), np.zeros(64))], "params"):
        call = Call("call", "train_classifier", (X, Y), {}, reply=Reply(value))
        fired = {name for name, predicate in PREDICATES.items() if predicate(call, None)}
        assert fired == set(), value


def test_a_training_run_is_diagnosed_from_its_parameters_and_never_replayed():
    diagnose = Diagnoser(get_exercise("training"))
    run = Call(
        "call", "train_classifier", (X, Y), {"seed": 0}, reply=Reply(train(init="constant", epochs=1)), replay=False
    )
    with pytest.raises(LookupError):
        diagnose._outcome(diagnose.reference, run)  # the reference's own run is never started
    assert diagnose(None, [run], None)["id"] == "training.zero_init"
