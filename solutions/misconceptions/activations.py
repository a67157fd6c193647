"""Misconceptions of chapter 2 (activations), as wrong versions of solutions/activations.py.

Each function replaces the reference function named in its decorator; its body may use `np` and
the reference module's own names only (it is executed inside a copy of that module). Entries with
`detect=` recognise the mistake from the learner's call itself (the input changed in place, an
exception's own words, several spellings of one mistake); their wrong version only serves the tests.
"""

import numpy as np

from grader.engine.diagnosis import misconception
from solutions.activations import leaky_relu, leaky_relu_grad, sigmoid, softmax
from solutions.misconceptions.recognise import broadcast_failed_at_a_reduction, either, input_became, raised_with, same

# Python's `if`, `max` or `and` asked whether a whole array is true.
TRUTH_VALUE_OF_AN_ARRAY = raised_with("ValueError", "truth value of an array")


def _axis_of(call) -> int:
    if len(call.args) > 1:
        return call.args[1]
    return call.kwargs.get("axis", -1)


def _default_alpha_changed(function):
    """No alpha given, and the result is `function` with another alpha than 0.01 (and not 0)."""

    def detect(call, expected):
        if len(call.args) != 1 or call.kwargs or call.reply is None or expected is None:
            return False
        x = np.asarray(call.args[0], dtype=np.float64)
        negative = x < 0
        got = call.value
        if not negative.any() or not isinstance(got, np.ndarray) or got.shape != x.shape or same(got, expected):
            return False
        ratio = got[negative] / (x[negative] if function is leaky_relu else 1.0)
        alpha = float(ratio.flat[0])
        return np.isfinite(alpha) and alpha not in (0.0, 0.01) and same(got, function(x, alpha=alpha))

    return detect


def _default_axis_not_last(call, expected):
    """No axis given, and the value is the softmax along another axis than the last."""
    if len(call.args) != 1 or call.kwargs or call.reply is None or expected is None:
        return False
    z = np.asarray(call.args[0], dtype=np.float64)
    return not same(call.value, expected) and any(same(call.value, softmax(z, axis=axis)) for axis in range(z.ndim - 1))


def _softmax_reducing(shifts, sums):
    """A predicate: the value is a softmax whose max and sum ran over other axes (None: all of them)."""

    def detect(call, expected):
        if call.reply is None or expected is None or same(call.value, expected):
            return False
        z, axis = np.asarray(call.args[0], dtype=np.float64), _axis_of(call)
        for shift in shifts(axis):
            for total in sums(axis):
                with np.errstate(all="ignore"):
                    e = np.exp(z - np.max(z, axis=shift, keepdims=True))
                    if same(call.value, e / np.sum(e, axis=total, keepdims=True)):
                        return True
        return False

    return detect


def _softmax_without_keepdims(call, expected):
    """The learner's softmax equals one that reduced without keepdims, or failed to broadcast for that reason."""
    if call.error is not None:
        return broadcast_failed_at_a_reduction(call, expected)
    z, axis, got = np.asarray(call.args[0], dtype=np.float64), _axis_of(call), call.value
    if not isinstance(got, np.ndarray) or expected is None:
        return False
    for shift_keeps, sum_keeps in ((True, False), (False, True), (False, False)):
        with np.errstate(all="ignore"):
            try:
                e = np.exp(z - z.max(axis=axis, keepdims=shift_keeps))
                candidate = e / e.sum(axis=axis, keepdims=sum_keeps)
            except ValueError:  # this combination cannot broadcast for this shape
                continue
        if not same(expected, candidate) and same(got, candidate):
            return True
    return False


# -- relu ---------------------------------------------------------------------


@misconception(
    "relu",
    """Your relu writes into the array it was given (x[x < 0] = 0, or out=x): the caller's x then
    holds relu(x) too, and a network that still needs its pre-activations (backprop does) has lost
    them. Build a new array: np.maximum(x, 0).""",
    detect=input_became(lambda call: np.maximum(call.args[0], 0)),
)
def relu_in_place(x):
    x[x < 0] = 0
    return x


@misconception(
    "relu",
    """Your relu uses Python's max (or an if) on a whole array: Python asks whether the array as a
    whole is greater than 0, which numpy cannot answer. np.maximum(x, 0) compares element by element.""",
    detect=TRUTH_VALUE_OF_AN_ARRAY,
)
def relu_python_max(x):
    return max(0, x)


@misconception(
    "relu",
    """Your relu keeps the negative part, np.minimum(x, 0): ReLU keeps the positive values and
    sets the negative ones to 0, np.maximum(x, 0).""",
)
def relu_minimum(x):
    return np.minimum(x, 0)


# -- relu_grad ----------------------------------------------------------------


@misconception(
    "relu_grad",
    """Your relu_grad gives 1 at x == 0 (as x >= 0 does): the contract takes the slope at the kink
    to be 0, as torch does, so test x > 0.""",
)
def relu_grad_one_at_zero(x):
    return (np.asarray(x) >= 0).astype(np.result_type(x, np.float32))


@misconception(
    "relu_grad",
    """Your relu_grad is np.sign(x), which is -1 for negative inputs: ReLU is flat (slope 0) where
    x < 0, so its derivative is 1 where x > 0 and 0 everywhere else.""",
)
def relu_grad_sign(x):
    return np.sign(x)


@misconception(
    "relu_grad",
    """Your relu_grad returns relu(x) itself: the derivative is the slope, 1 where x > 0 and 0
    elsewhere, whatever the size of x.""",
)
def relu_grad_returns_relu(x):
    return np.maximum(x, 0)


@misconception(
    "relu_grad",
    """Your relu_grad uses a Python if on a whole array (1 if x > 0 else 0): Python asks whether the
    whole array is positive, which numpy cannot answer. Compare element-wise: (x > 0).astype(float),
    or np.where(x > 0, 1.0, 0.0).""",
    detect=TRUTH_VALUE_OF_AN_ARRAY,
)
def relu_grad_python_if(x):
    return 1.0 if x > 0 else 0.0


@misconception(
    "relu_grad",
    """Your relu_grad writes its result into the array it was given (x[x > 0] = 1, ...): the
    caller's x is lost, and backprop still needs it. Build a new array: (x > 0).astype(float).""",
    detect=input_became(lambda call: np.asarray(call.args[0]) > 0),
)
def relu_grad_in_place(x):
    x[x > 0] = 1
    x[x <= 0] = 0
    return x


# -- leaky_relu ---------------------------------------------------------------


@misconception(
    "leaky_relu",
    """Your leaky_relu ignores its alpha argument (a fixed 0.01 in the formula): use the alpha the
    caller passes; 0.01 is only its default value.""",
)
def leaky_relu_alpha_fixed(x, alpha=0.01):
    return np.where(x > 0, x, 0.01 * x)


@misconception(
    "leaky_relu",
    """Your leaky_relu scales the wrong side: positive values pass unchanged and only the negative
    ones are multiplied by alpha, np.where(x > 0, x, alpha * x).""",
)
def leaky_relu_sides_swapped(x, alpha=0.01):
    return np.where(x > 0, alpha * x, x)


@misconception(
    "leaky_relu",
    """Your leaky_relu gives the constant alpha for negative inputs: the leak is a small slope,
    so a negative x becomes alpha * x, np.where(x > 0, x, alpha * x).""",
)
def leaky_relu_alpha_not_times_x(x, alpha=0.01):
    return np.where(x > 0, x, alpha)


@misconception(
    "leaky_relu",
    """Your leaky_relu uses a Python if on a whole array (x if x > 0 else alpha * x): Python asks
    whether the whole array is positive, which numpy cannot answer. Choose element by element:
    np.where(x > 0, x, alpha * x).""",
    detect=TRUTH_VALUE_OF_AN_ARRAY,
)
def leaky_relu_python_if(x, alpha=0.01):
    return x if x > 0 else alpha * x


@misconception(
    "leaky_relu",
    """Your leaky_relu writes into the array it was given (x[x < 0] *= alpha): the caller's x is
    changed too. Build a new array, e.g. np.where(x > 0, x, alpha * x).""",
    detect=input_became(lambda call: leaky_relu(call.args[0], *call.args[1:], **call.kwargs)),
)
def leaky_relu_in_place(x, alpha=0.01):
    x[x < 0] *= alpha
    return x


@misconception(
    "leaky_relu",
    """Your leaky_relu's default alpha is not the contract's 0.01: the signature is
    leaky_relu(x, alpha=0.01), and a caller who leaves alpha out relies on that slope.""",
    detect=_default_alpha_changed(leaky_relu),
)
def leaky_relu_default_alpha_changed(x, alpha=0.1):
    return np.where(x > 0, x, alpha * x)


# -- leaky_relu_grad ----------------------------------------------------------


@misconception(
    "leaky_relu_grad",
    """Your leaky_relu_grad gives 1 at x == 0 (as x >= 0 does): the contract takes the slope at the
    kink from the negative side, alpha, so test x > 0.""",
)
def leaky_relu_grad_one_at_zero(x, alpha=0.01):
    return np.where(np.asarray(x) >= 0, 1.0, alpha)


@misconception(
    "leaky_relu_grad",
    """Your leaky_relu_grad ignores its alpha argument (a fixed 0.01): the slope on the negative
    side is the alpha the caller passes.""",
)
def leaky_relu_grad_alpha_fixed(x, alpha=0.01):
    return np.where(np.asarray(x) > 0, 1.0, 0.01)


@misconception(
    "leaky_relu_grad",
    """Your leaky_relu_grad gives alpha * x for negative inputs: that is leaky_relu itself there.
    The derivative of alpha * x is the constant alpha.""",
)
def leaky_relu_grad_alpha_times_x(x, alpha=0.01):
    return np.where(np.asarray(x) > 0, 1.0, alpha * np.asarray(x))


@misconception(
    "leaky_relu_grad",
    """Your leaky_relu_grad is 0 for negative inputs, like ReLU's: the point of the leak is a small
    slope alpha there, so that a neuron with negative inputs still gets a gradient.""",
)
def leaky_relu_grad_zero_for_negatives(x, alpha=0.01):
    return np.where(np.asarray(x) > 0, 1.0, 0.0)


@misconception(
    "leaky_relu_grad",
    """Your leaky_relu_grad's default alpha is not the contract's 0.01: the signature is
    leaky_relu_grad(x, alpha=0.01), the same default as leaky_relu's, so that the two agree.""",
    detect=_default_alpha_changed(leaky_relu_grad),
)
def leaky_relu_grad_default_alpha_changed(x, alpha=0.2):
    return np.where(np.asarray(x) > 0, 1.0, alpha)


# -- sigmoid ------------------------------------------------------------------


@misconception(
    "sigmoid",
    """Your sigmoid (or the sigmoid inside sigmoid_grad) lets exp see a large positive number
    (e^1000 when |x| = 1000), which overflows; np.where does not help, because it computes both of
    its branches for every element. Compute e = exp(-|x|), at most 1, and choose 1 / (1 + e) or
    e / (1 + e) by the sign of x.""",
)
def sigmoid_exp_overflows(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x)))


@misconception(
    "sigmoid",
    """Your sigmoid gives σ(-x), its mirror image (an exponent +x where -x belongs, or the two
    stable branches swapped): σ(x) = 1 / (1 + e^-x) is near 1 for large x and near 0 for large -x.""",
)
def sigmoid_sign_flipped(x):
    x = np.asarray(x)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, e / (1.0 + e), 1.0 / (1.0 + e))


# -- sigmoid_grad -------------------------------------------------------------


@misconception(
    "sigmoid_grad",
    """Your sigmoid_grad computes x (1 - x), as if x were already σ(x): the function receives the
    input x, so compute s = sigmoid(x) first and return s (1 - s).""",
)
def sigmoid_grad_of_output(x):
    return x * (1.0 - x)


@misconception(
    "sigmoid_grad",
    """Your sigmoid_grad mixes σ(x) and x, σ(x)(1 - x): both factors are the sigmoid, σ(x)(1 - σ(x)).""",
)
def sigmoid_grad_mixes_x(x):
    return sigmoid(x) * (1.0 - x)


@misconception(
    "sigmoid_grad",
    """Your sigmoid_grad applies the sigmoid twice, σ'(σ(x)): the derivative at x is
    σ(x)(1 - σ(x)), with s = sigmoid(x) computed once.""",
)
def sigmoid_grad_of_sigmoid(x):
    s = sigmoid(sigmoid(x))
    return s * (1.0 - s)


# -- tanh and tanh_grad -------------------------------------------------------


@misconception(
    "tanh",
    """Your tanh is computed from exponentials, (e^x - e^-x) / (e^x + e^-x) or sinh / cosh: e^1000
    overflows for |x| = 1000. np.tanh computes the same function and never overflows.""",
)
def tanh_from_exponentials(x):
    x = np.asarray(x)
    return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))


@misconception(
    "tanh_grad",
    """Your tanh_grad overflows for |x| = 1000: computed from exponentials or cosh (1 / cosh(x)^2),
    it needs e^1000. Write it from np.tanh, which never overflows: 1 - np.tanh(x)**2.""",
)
def tanh_grad_overflows(x):
    return 1.0 / np.cosh(x) ** 2


@misconception(
    "tanh_grad",
    """Your tanh_grad computes 1 - x², as if x were already tanh(x): the function receives the
    input x, so compute t = np.tanh(x) first and return 1 - t².""",
)
def tanh_grad_of_output(x):
    return 1.0 - np.asarray(x) ** 2


@misconception(
    "tanh_grad",
    """Your tanh_grad is 1 - tanh(x), without the square: the derivative of tanh is
    1 - tanh(x)², always between 0 and 1.""",
)
def tanh_grad_without_square(x):
    return 1.0 - np.tanh(x)


# -- softmax ------------------------------------------------------------------


@misconception(
    "softmax",
    """Your softmax lets exp see a large positive number, and exp(1e4) overflows. Subtract the
    maximum along the axis first (np.max(z, axis=axis, keepdims=True)): the common factor cancels
    in the division, and every exponent becomes <= 0.""",
)
def softmax_without_max_shift(z, axis=-1):
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


@misconception(
    "softmax",
    """Your softmax subtracts the maximum of the whole array, not of each slice along the axis: a
    slice whose scores are all far below that maximum underflows to exp(...) = 0 everywhere, and
    0 / 0 gives NaN. Use np.max(z, axis=axis, keepdims=True).""",
)
def softmax_global_max_shift(z, axis=-1):
    e = np.exp(z - np.max(z))
    return e / np.sum(e, axis=axis, keepdims=True)


@misconception(
    "softmax",
    """Your softmax normalises over the whole array at once (no axis in the sum): each slice along
    the axis must sum to 1 on its own, so pass axis=axis, keepdims=True to the max and the sum.""",
    detect=_softmax_reducing(shifts=lambda axis: (axis, None), sums=lambda axis: (None,)),
)
def softmax_over_whole_array(z, axis=-1):
    e = np.exp(z - np.max(z))
    return e / np.sum(e)


@misconception(
    "softmax",
    """Your softmax sums along the last axis whatever its axis argument says: use axis=axis in the
    max and the sum, so that softmax(z, axis=0) normalises each column.""",
    detect=_softmax_reducing(shifts=lambda axis: (axis, -1), sums=lambda axis: (-1,)),
)
def softmax_ignores_axis(z, axis=-1):
    shifted = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


@misconception(
    "softmax",
    """Your softmax reduces along the axis without keepdims=True: the maximum or the sum loses that
    axis, and numpy then lines it up with the wrong axis when it broadcasts (or cannot broadcast at
    all). Keep the reduced axis: np.sum(e, axis=axis, keepdims=True).""",
    detect=_softmax_without_keepdims,
)
def softmax_keepdims_forgotten(z, axis=-1):
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis)


@misconception(
    "softmax",
    """Your softmax works in the caller's array (z -= z.max(...), or the result written back into
    z): the caller's scores are gone. Write shifted = z - np.max(z, axis=axis, keepdims=True), a
    new array, and build the result from it.""",
    detect=either(
        input_became(lambda call: call.args[0] - np.max(call.args[0], axis=_axis_of(call), keepdims=True)),
        input_became(lambda call: softmax(*call.args, **call.kwargs)),
    ),
)
def softmax_shifts_in_place(z, axis=-1):
    z -= np.max(z, axis=axis, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


@misconception(
    "softmax",
    """Your softmax's default axis is not the last one: the contract's signature is
    softmax(z, axis=-1), so that softmax(scores) normalises each row of a batch of scores.""",
    detect=_default_axis_not_last,
)
def softmax_default_axis_not_last(z, axis=0):
    shifted = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)
