"""Hidden tests: gradient descent and its descendants (chapter 6), 12 points.

Each optimizer runs several consecutive steps, the learner's own results fed back in as
the next step's state, and every step is compared with the reference run from the same
start (tests/test_references_vs_torch_ch5_6.py proves the reference matches torch.optim.SGD
and torch.optim.Adam).

Mistakes these tests are built to catch (each loses points; solutions/misconceptions/optimizers.py
names most of them):
- any step written in place (p -= lr * g, m *= beta1, ...): the inputs are modified.
- sgd_step: the sign of the step, lr ignored.
- momentum_step: dampening (v' = beta·v + (1-beta)·g); lr folded into the velocity
  (v' = beta·v + lr·g, or v' = beta·v - lr·g with p' = p + v'), which moves p the same way but
  returns other velocities; stepping with the old velocity; beta hard-coded; the results
  returned in another order (said as such).
- adam_step: no bias correction; t treated as 0-based (1 - beta**(t-1) is 0 at t = 1) or the
  correction using t+1; eps inside the square root; m' without the (1-beta1) factor; v' from g
  instead of g²; the corrected m̂, v̂ returned as the state; wrong defaults (eps too: gradients of
  ~1e-6 make the default eps = 1e-8 matter); hyperparameters ignored; results swapped.
- minibatches: the last, shorter batch dropped; an extra empty batch; batch_size taken as the
  number of batches; indices drawn with replacement (duplicates, missing indices); not
  reproducible for the same seed (a global or unseeded generator); the seed ignored (the same
  order for every seed); seed=0 treated like None (tried after other seeds, so the hint is
  true); shuffling when seed is None; no ValueError for batch_size < 1; [array([])] for n = 0.
A correct solution passes whatever it returns: lists or tuples of arrays, float32 or float64,
any valid use of the seed (only properties of the shuffled order are checked).
"""

import itertools

import numpy as np

from grader.engine.failures import LearnerError
from grader.engine.testkit import (
    ATOL32,
    RTOL32,
    Feedback,
    check_array,
    check_unchanged,
    expect_raises,
    grades,
    parametrize,
    returned,
)
from solutions import optimizers as ref

SHAPES = [(3, 4), (5,), (2, 3, 2)]


def state(seed, dtype=np.float64, scale=1.0, positive=False):
    rng = np.random.default_rng(seed)
    arrays = [rng.normal(scale=scale, size=s) for s in SHAPES]
    return [(np.abs(a) if positive else a).astype(dtype) for a in arrays]


def gradients(step, dtype=np.float64, scale=None):
    """Step-dependent gradients whose size varies a lot between steps and entries."""
    rng = np.random.default_rng(100 + step)
    size = scale if scale is not None else (5.0 if step % 2 else 0.05)
    return [(rng.normal(size=s) * size * rng.uniform(0.2, 3.0, size=s)).astype(dtype) for s in SHAPES]


def zeros(dtype=np.float64):
    return [np.zeros(s, dtype=dtype) for s in SHAPES]


def arrays_of(got, what, name, n=None):
    """`got` as a list of n arrays (a list or a tuple is fine), or Feedback."""
    n = len(SHAPES) if n is None else n
    if not isinstance(got, (list, tuple)):
        raise Feedback(f"{what}: {name} is {returned(got)}; it should be a list of arrays, one per parameter")
    if len(got) != n:
        raise Feedback(f"{what}: {name} has {len(got)} entries; it should have {n}, one per parameter")
    return list(got)


def _same_arrays(got, want) -> bool:
    return all(
        isinstance(g, np.ndarray) and g.shape == w.shape and np.allclose(g, w, rtol=RTOL32, atol=ATOL32)
        for g, w in zip(got, want)
    )


def parts(got, what, names, want=None):
    """Split a tuple result like (new_params, new_velocities); say so when its items are swapped."""
    if not isinstance(got, (list, tuple)) or len(got) != len(names):
        raise Feedback(f"{what} returned {returned(got)}; it should return a tuple ({', '.join(names)})")
    split = [arrays_of(g, what, name) for g, name in zip(got, names)]
    if want is not None and not all(_same_arrays(g, w) for g, w in zip(split, want)):
        for order in itertools.permutations(range(len(names))):
            if all(_same_arrays(split[i], want[j]) for i, j in enumerate(order)):
                raise Feedback(
                    f"{what} returned ({', '.join(names[j] for j in order)}): the right arrays in another "
                    f"order; it should return ({', '.join(names)})"
                )
    return split


def check_lists(got, want, what, name, input_dtype=np.float64):
    for k, (g, w) in enumerate(zip(arrays_of(got, what, name), want)):
        check_array(g, w, f"{what}: {name}[{k}] (shape {w.shape})", input_dtype=input_dtype)


def check_inputs(report, inputs, what, names):
    for before, after, name in zip(inputs, report.args, names):
        check_unchanged(before, after, what, name)


def f64(arrays):
    return [a.astype(np.float64) for a in arrays]


# -- sgd_step ------------------------------------------------------------------


@grades("sgd_step", points=1)
def test_sgd_consecutive_steps(learner):
    params, want = state(1), state(1)
    for step, lr in enumerate((0.1, 0.1, 0.01, 0.5), 1):
        grads = gradients(step)
        what = f"sgd_step(params, grads, lr={lr}) at step {step} of 4" + (
            " (params from your previous step)" if step > 1 else ""
        )
        want = ref.sgd_step(want, grads, lr)
        params = learner.call("sgd_step", params, grads, lr, _describe=what)
        check_lists(params, want, what, "the result")
        params = [np.asarray(p) for p in params]


@grades("sgd_step", points=1)
def test_sgd_float32_and_inputs_untouched(learner):
    params, grads = state(2, np.float32), gradients(1, np.float32)
    what = "sgd_step(params, grads, lr=0.05) with float32 arrays"
    report = learner.call_report("sgd_step", params, grads, 0.05, _describe=what)
    check_lists(report.value, ref.sgd_step(f64(params), f64(grads), 0.05), what, "the result", np.float32)
    check_inputs(report, (params, grads), what, ("params", "grads"))


# -- momentum_step ---------------------------------------------------------------


def run_momentum(learner, params, velocities, steps, lr, dtype=np.float64, **kwargs):
    want_p, want_v = f64(params), f64(velocities)
    extra = "".join(f", {k}={v}" for k, v in kwargs.items())
    for step in range(1, steps + 1):
        grads = gradients(step, dtype)
        what = f"momentum_step(params, grads, velocities, lr={lr}{extra}) at step {step} of {steps}" + (
            " (params and velocities from your previous step)" if step > 1 else ""
        )
        want_p, want_v = ref.momentum_step(want_p, f64(grads), want_v, lr, **kwargs)
        got = learner.call("momentum_step", params, grads, velocities, lr, _describe=what, **kwargs)
        params, velocities = parts(got, what, ("new_params", "new_velocities"), (want_p, want_v))
        check_lists(velocities, want_v, what, "new_velocities", dtype)
        check_lists(params, want_p, what, "new_params", dtype)


@grades("momentum_step", points=1.5)
def test_momentum_consecutive_steps_from_rest(learner):
    run_momentum(learner, state(3), zeros(), steps=5, lr=0.05)


@grades("momentum_step", points=1)
def test_momentum_with_velocity_and_beta(learner):
    run_momentum(learner, state(4), state(5, scale=2.0), steps=3, lr=0.2, beta=0.5)


@grades("momentum_step", points=0.5)
def test_momentum_float32_and_inputs_untouched(learner):
    params, grads, velocities = state(6, np.float32), gradients(2, np.float32), state(7, np.float32)
    what = "momentum_step(params, grads, velocities, lr=0.1) with float32 arrays"
    report = learner.call_report("momentum_step", params, grads, velocities, 0.1, _describe=what)
    want_p, want_v = ref.momentum_step(f64(params), f64(grads), f64(velocities), 0.1)
    new_p, new_v = parts(report.value, what, ("new_params", "new_velocities"), (want_p, want_v))
    check_lists(new_v, want_v, what, "new_velocities", np.float32)
    check_lists(new_p, want_p, what, "new_params", np.float32)
    check_inputs(report, (params, grads, velocities), what, ("params", "grads", "velocities"))


# -- adam_step -------------------------------------------------------------------


def run_adam(learner, params, m, v, first_t, steps, dtype=np.float64, grad_scale=None, note="", **kwargs):
    want = (f64(params), f64(m), f64(v))
    extra = "".join(f", {k}={val}" for k, val in kwargs.items())
    for t in range(first_t, first_t + steps):
        grads = gradients(t, dtype, grad_scale)
        what = f"adam_step(params, grads, m, v, t={t}{extra}){note}" + (
            f" (params, m and v from your step t={t - 1})" if t > first_t else ""
        )
        want = ref.adam_step(want[0], f64(grads), want[1], want[2], t, **kwargs)
        got = learner.call("adam_step", params, grads, m, v, t, _describe=what, **kwargs)
        params, m, v = parts(got, what, ("new_params", "new_m", "new_v"), want)
        check_lists(m, want[1], what, "new_m", dtype)
        check_lists(v, want[2], what, "new_v", dtype)
        check_lists(params, want[0], what, "new_params", dtype)


@grades("adam_step", points=1.5)
def test_adam_first_steps_with_defaults(learner):
    run_adam(learner, state(8), zeros(), zeros(), first_t=1, steps=5)
    # Gradients of ~1e-6, near the default eps = 1e-8: another default eps moves the step by > 1e-5.
    run_adam(
        learner,
        state(15, scale=0.5),
        zeros(),
        zeros(),
        first_t=1,
        steps=2,
        grad_scale=1e-6,
        note=" with gradients of about 1e-6, where the default eps = 1e-8 matters",
    )


@grades("adam_step", points=1.5)
def test_adam_hyperparameters_later_steps(learner):
    # small gradients next to eps = 1e-3: eps inside the square root is far off
    run_adam(
        learner,
        state(9),
        state(10, scale=1e-3),
        state(11, scale=1e-6, positive=True),
        first_t=7,
        steps=3,
        grad_scale=2e-3,
        lr=0.01,
        beta1=0.8,
        beta2=0.99,
        eps=1e-3,
    )


@grades("adam_step", points=1)
def test_adam_float32_and_inputs_untouched(learner):
    params, grads = state(12, np.float32), gradients(3, np.float32)
    m, v = state(13, np.float32, scale=0.1), state(14, np.float32, scale=0.1, positive=True)
    what = "adam_step(params, grads, m, v, t=4, lr=0.01) with float32 arrays"
    report = learner.call_report("adam_step", params, grads, m, v, 4, lr=0.01, _describe=what)
    want_p, want_m, want_v = ref.adam_step(f64(params), f64(grads), f64(m), f64(v), 4, lr=0.01)
    new_p, new_m, new_v = parts(report.value, what, ("new_params", "new_m", "new_v"), (want_p, want_m, want_v))
    check_lists(new_m, want_m, what, "new_m", np.float32)
    check_lists(new_v, want_v, what, "new_v", np.float32)
    check_lists(new_p, want_p, what, "new_params", np.float32)
    check_inputs(report, (params, grads, m, v), what, ("params", "grads", "m", "v"))


# -- minibatches -----------------------------------------------------------------


def batches_of(learner, n, batch_size, seed=None):
    what = f"minibatches({n}, {batch_size}" + (f", seed={seed})" if seed is not None else ")")
    got = learner.call("minibatches", n, batch_size, seed=seed, _describe=what)
    if not isinstance(got, (list, tuple)):
        raise Feedback(f"{what} returned {returned(got)}; it should return a list of index arrays")
    for k, batch in enumerate(got):
        if not isinstance(batch, np.ndarray) or batch.ndim != 1 or batch.dtype.kind not in "iu":
            kind = (
                f"an array of shape {batch.shape} and dtype {batch.dtype}"
                if isinstance(batch, np.ndarray)
                else f"a {type(batch).__name__}"
            )
            raise Feedback(
                f"{what}: batch {k} is {kind}; each batch should be a 1-D integer numpy array "
                "(it is used to index X[batch])"
            )
    return list(got), what


def check_partition(batches, n, batch_size, what):
    sizes = [len(b) for b in batches]
    expected = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    if sizes != expected:
        if sizes == expected[:-1]:
            fix = "the last, shorter batch is missing: keep it, so that every index is used"
        elif sizes == [*expected, 0]:
            fix = "the last batch is empty: stop when the indices run out"
        else:
            fix = "every batch should hold batch_size indices except the last one, which holds what is left"
        raise Feedback(f"{what} returned batches of sizes {sizes}; {fix}")
    everything = np.concatenate(batches) if batches else np.zeros(0, dtype=int)
    if not np.array_equal(np.sort(everything), np.arange(n)):
        values, counts = np.unique(everything, return_counts=True)
        repeated = values[counts > 1]
        missing = np.setdiff1d(np.arange(n), everything)
        facts = []
        if repeated.size:
            facts.append(f"index {repeated[0]} appears {counts[counts > 1][0]} times")
        if missing.size:
            facts.append(f"index {missing[0]} never appears")
        if np.any((everything < 0) | (everything >= n)):
            facts.append(f"some indices are outside 0..{n - 1}")
        raise Feedback(
            f"{what}: the batches should contain every index 0..{n - 1} exactly once, but "
            f"{' and '.join(facts)}: a permutation of range(n), cut into slices, has each index once"
        )
    return everything


@grades("minibatches", points=0.5)
def test_minibatches_in_order_without_seed(learner):
    for n, batch_size in ((10, 3), (6, 3), (2, 5), (7, 1)):
        batches, what = batches_of(learner, n, batch_size)
        order = check_partition(batches, n, batch_size, what)
        if not np.array_equal(order, np.arange(n)):
            raise Feedback(f"{what}: without a seed the indices should come in order 0, 1, 2, ...")


@grades("minibatches", points=1)
def test_minibatches_shuffled_with_a_seed(learner):
    for seed in (1, 7, 2024, 0):  # 0 last: reaching it, the other seeds did shuffle
        # 21 = 5 × 4 + 1: cut into 4 batches, or into ceil(21 / 4) = 6 of balanced sizes, gives other sizes.
        batches, what = batches_of(learner, 21, 4, seed=seed)
        order = check_partition(batches, 21, 4, what)
        if np.array_equal(order, np.arange(21)):
            hint = (
                "0 is a seed too, and the other seeds did shuffle: test `seed is None`, not `not seed`"
                if seed == 0
                else "is the seed used?"
            )
            raise Feedback(f"{what} returned the indices in order; with an int seed they should be shuffled ({hint})")


@grades("minibatches", points=0.5)
def test_minibatches_reproducible_and_seed_dependent(learner):
    orders = []
    for seed in (3, 4, 5, 6):
        first, what = batches_of(learner, 30, 7, seed=seed)
        again, _ = batches_of(learner, 30, 7, seed=seed)
        if len(first) != len(again) or not all(np.array_equal(a, b) for a, b in zip(first, again)):
            raise Feedback(
                f"{what} called twice gave two different orders; the same seed should give the same "
                "batches (create a generator from the seed: np.random.default_rng(seed))"
            )
        orders.append(check_partition(first, 30, 7, what))
    if all(np.array_equal(orders[0], o) for o in orders[1:]):
        raise Feedback(
            "minibatches(30, 7, seed=s) gave the same order for seeds 3, 4, 5 and 6; different seeds "
            "should give different shuffles (is the seed used?)"
        )


@grades("minibatches", points=0.5)
def test_minibatches_of_nothing(learner):
    try:  # not graded: lets the diagnosis tell an empty batch for n = 0 from one after every full split
        learner.call("minibatches", 8, 4, _describe="minibatches(8, 4)")
    except LearnerError:
        pass
    for seed in (None, 3):
        batches, what = batches_of(learner, 0, 4, seed=seed)
        if len(batches) != 0:
            raise Feedback(
                f"{what} returned {len(batches)} batch(es); with n = 0 there is nothing to split, so "
                "the result should be an empty list"
            )


@parametrize("batch_size", [0, -3])
@grades("minibatches", points=0.25)
def test_minibatches_rejects_batch_size_below_one(learner, batch_size):
    for seed in (None, 1):
        text = f"minibatches(10, {batch_size}" + (f", seed={seed})" if seed is not None else ")")
        expect_raises(learner, "ValueError", "minibatches", 10, batch_size, seed=seed, _describe=text)
