"""Misconceptions of chapter 1 (neurons), as wrong versions of solutions/neurons.py.

Each function replaces the reference function named in its decorator; its body may use `np` and
the reference module's own names only (it is executed inside a copy of that module). Several wrong
neurons are the right one fed the wrong numbers: they call the reference through a default
argument, `_right=neuron`, bound when the wrong version is defined, before `neuron` itself is
replaced. Entries with `detect=` recognise the mistake from the learner's call (several ways of
writing it, an exception a replay cannot reproduce); their wrong version only serves the tests.
"""

import numpy as np

from grader.engine.diagnosis import misconception
from solutions.misconceptions.recognise import as_float, raised, same
from solutions.neurons import ACTIVATIONS, neuron


def _activation_of(call) -> str:
    if len(call.args) > 3:
        return call.args[3]
    return call.kwargs.get("activation", "sigmoid")


def _overflowed_on(activation):
    def detect(call, expected):
        return _activation_of(call) == activation and raised(call, "FloatingPointError", "OverflowError")

    return detect


def _returned_for_a_bad_name(call, expected):
    """A name outside the contract's four came back with a value, not that of its lower-case activation."""
    name = _activation_of(call)
    if call.reply is None or name in ACTIVATIONS:
        return False
    got = as_float(call.value)
    if got is None or name.lower() not in ACTIVATIONS:
        return True
    return not np.isclose(got, neuron(*call.args[:3], name.lower()))


def _wrong_default(call, expected):
    """No activation given, and the value is that of another activation than the sigmoid."""
    got = as_float(call.value) if call.reply is not None else None
    if len(call.args) != 3 or call.kwargs or expected is None or got is None or np.isclose(got, expected):
        return False
    return any(np.isclose(got, neuron(*call.args, other)) for other in ("identity", "relu", "tanh"))


def _hidden_activation_not_relu(call, expected):
    """The value is the network's with a sigmoid or tanh after each hidden layer."""
    if call.reply is None or expected is None or same(call.value, expected):
        return False
    X, params = call.args[0], call.args[1]
    for act in (lambda h: 0.5 * (1.0 + np.tanh(0.5 * h)), np.tanh):  # the sigmoid, computed without overflow
        out = X
        for i, (W, b) in enumerate(params):
            out = out @ W + b
            if i < len(params) - 1:
                out = act(out)
        if same(call.value, out):
            return True
    return False


# -- neuron -------------------------------------------------------------------


@misconception(
    "neuron",
    """Your neuron leaves out the bias b: the pre-activation is w·x + b, and without b the neuron's
    output is forced through the origin (every input of zero gives act(0)).""",
)
def neuron_bias_forgotten(x, w, b, activation="sigmoid", _right=neuron):
    return _right(x, w, 0.0, activation)


@misconception(
    "neuron",
    """Your neuron subtracts the bias: the pre-activation is w·x + b. (Some texts write a threshold
    that is subtracted; in this course, as in every library, the bias is added.)""",
)
def neuron_bias_subtracted(x, w, b, activation="sigmoid", _right=neuron):
    return _right(x, w, -b, activation)


@misconception(
    "neuron",
    """Your neuron adds the bias once per input (for example b inside the loop, or sum(w * x + b)):
    a neuron has one bias, added once to the whole weighted sum w·x.""",
)
def neuron_bias_added_per_input(x, w, b, activation="sigmoid", _right=neuron):
    return _right(x, w, len(x) * b, activation)


@misconception(
    "neuron",
    """Your neuron adds the bias after the activation, act(w·x) + b: the bias belongs inside,
    act(w·x + b), so that it shifts where the activation bends rather than its output.""",
)
def neuron_bias_after_activation(x, w, b, activation="sigmoid", _right=neuron):
    return _right(x, w, 0.0, activation) + b


@misconception(
    "neuron",
    """Your relu neuron keeps the negative part, min(z, 0): ReLU keeps a positive pre-activation and
    turns a negative one into 0, max(z, 0).""",
)
def neuron_relu_keeps_negative(x, w, b, activation="sigmoid", _right=neuron):
    if activation == "relu":
        return min(_right(x, w, b, "identity"), 0.0)
    return _right(x, w, b, activation)


@misconception(
    "neuron",
    """Your neuron multiplies w and x element by element but never adds the products up: its
    pre-activation is one number, the dot product np.dot(w, x) + b, so the neuron returns one float.""",
)
def neuron_products_not_summed(x, w, b, activation="sigmoid"):
    if activation not in ACTIVATIONS:
        raise ValueError(activation)
    z = w * x + b
    if activation == "identity":
        return z
    if activation == "relu":
        return np.maximum(z, 0.0)
    if activation == "sigmoid":
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return np.tanh(z)


@misconception(
    "neuron",
    """Your sigmoid neuron gives σ(-z), the mirror image of the sigmoid (an exponent +z where -z
    belongs, or the two stable branches swapped): σ(z) = 1 / (1 + e^-z) rises from 0 to 1 as z grows.""",
)
def neuron_sigmoid_sign_flipped(x, w, b, activation="sigmoid", _right=neuron):
    if activation == "sigmoid":
        return _right(-x, w, -b, activation)  # σ(-(w·x + b))
    return _right(x, w, b, activation)


@misconception(
    "neuron",
    """Your sigmoid neuron lets exp see a large positive number: 1 / (1 + e^-z) needs e^1000 when
    z = -1000 (and e^z / (1 + e^z) when z = 1000), more than a float can hold. Use 1 / (1 + e^-z)
    only for z >= 0 and e^z / (1 + e^z) for z < 0, so that exp only ever sees a number <= 0.""",
    detect=_overflowed_on("sigmoid"),
)
def neuron_sigmoid_overflows(x, w, b, activation="sigmoid", _right=neuron):
    if activation == "sigmoid":
        return float(1.0 / (1.0 + np.exp(-(np.dot(w, x) + b))))
    return _right(x, w, b, activation)


@misconception(
    "neuron",
    """Your tanh neuron overflows for a large pre-activation: written with exponentials,
    (e^z - e^-z) / (e^z + e^-z) needs e^1000 when |z| = 1000. np.tanh (or math.tanh) computes the
    same function without overflowing.""",
    detect=_overflowed_on("tanh"),
)
def neuron_tanh_from_exponentials(x, w, b, activation="sigmoid", _right=neuron):
    if activation == "tanh":
        z = np.dot(w, x) + b
        return float((np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z)))
    return _right(x, w, b, activation)


@misconception(
    "neuron",
    """Your neuron's default activation is not the sigmoid: the contract's signature is
    neuron(x, w, b, activation="sigmoid"), and a caller who leaves the activation out relies on it.""",
    detect=_wrong_default,
)
def neuron_default_not_sigmoid(x, w, b, activation="relu", _right=neuron):
    return _right(x, w, b, activation)


@misconception(
    "neuron",
    """Your neuron accepted the name "Sigmoid" and computed a sigmoid: the four names are
    case-sensitive, and anything else must raise ValueError, so that a misspelt name fails loudly.""",
)
def neuron_activation_case_insensitive(x, w, b, activation="sigmoid", _right=neuron):
    return _right(x, w, b, activation.lower())


@misconception(
    "neuron",
    """Your neuron returns something for an activation name that is not one of "identity", "relu",
    "sigmoid", "tanh": the last branch of the if/elif chain catches every other name. End the chain
    with raise ValueError(...) so that a typo cannot silently compute the wrong function.""",
    detect=_returned_for_a_bad_name,
)
def neuron_unknown_activation_falls_through(x, w, b, activation="sigmoid", _right=neuron):
    if activation in ("identity", "relu", "sigmoid"):
        return _right(x, w, b, activation)
    return _right(x, w, b, "tanh")  # the else branch


@misconception(
    "neuron",
    """Your neuron rejects an unknown activation with assert, which raises AssertionError: the
    contract asks for ValueError (raise ValueError("...")). An assert states a fact about your own
    code, and Python skips asserts altogether when run with -O.""",
    detect=lambda call, expected: raised(call, "AssertionError"),
)
def neuron_assert_not_value_error(x, w, b, activation="sigmoid", _right=neuron):
    assert activation in ACTIVATIONS, f"unknown activation {activation!r}"
    return _right(x, w, b, activation)


@misconception(
    "neuron",
    """Your neuron looks the activation up in a dict and lets the KeyError of an unknown name escape:
    the contract asks for ValueError. Check the name first (or catch the KeyError) and raise
    ValueError with a message that lists the names you accept.""",
    detect=lambda call, expected: raised(call, "KeyError"),
)
def neuron_unknown_activation_raises_key_error(x, w, b, activation="sigmoid", _right=neuron):
    if activation not in ACTIVATIONS:
        raise KeyError(activation)
    return _right(x, w, b, activation)


# -- dense_forward ------------------------------------------------------------


@misconception(
    "dense_forward",
    """Your dense_forward multiplies in the order of the column-vector formula W x: with the batch
    as rows, X of shape (N, D) and W of shape (D, M), the layer is X @ W (each row of X times
    every column of W).""",
)
def dense_weights_before_inputs(X, W, b):
    return W @ X + b


@misconception(
    "dense_forward",
    """Your dense_forward uses W transposed: W already has shape (D, M), one column per neuron, so
    X @ W needs no .T (a transpose is needed only when weights are stored one row per neuron, as
    torch's nn.Linear does).""",
)
def dense_weights_transposed(X, W, b):
    return X @ W.T + b


@misconception(
    "dense_forward",
    """Your dense_forward leaves out the bias b: each of the M neurons adds its own bias, b of shape
    (M,), to every row of X @ W.""",
)
def dense_bias_forgotten(X, W, b):
    return X @ W


@misconception(
    "dense_forward",
    """Your dense_forward adds b as a column (one bias per example) instead of a row (one bias per
    neuron): b has shape (M,), and X @ W + b already adds b[j] to column j of every row.""",
)
def dense_bias_as_column(X, W, b):
    return X @ W + np.reshape(b, (-1, 1))


# -- mlp_forward --------------------------------------------------------------


@misconception(
    "mlp_forward",
    """Your mlp_forward applies a ReLU after the last layer too: the last layer returns raw scores
    (logits), which may be negative; the softmax or the loss that follows handles them.""",
)
def mlp_relu_after_last_layer(X, params):
    out = X
    for W, b in params:
        out = np.maximum(out @ W + b, 0)
    return out


@misconception(
    "mlp_forward",
    """Your mlp_forward applies no ReLU between the layers: without a non-linearity the stack of
    layers collapses into one linear layer (a product of matrices is another matrix).""",
)
def mlp_no_relu(X, params):
    out = X
    for W, b in params:
        out = out @ W + b
    return out


@misconception(
    "mlp_forward",
    """Your mlp_forward returns after the first layer: the return sits inside the loop over the
    layers. Return once, after the loop, when every layer has been applied.""",
)
def mlp_returns_inside_loop(X, params):
    for i, (W, b) in enumerate(params):
        out = X @ W + b
        if i < len(params) - 1:
            out = np.maximum(out, 0)
        return out


@misconception(
    "mlp_forward",
    """Your mlp_forward feeds the input X to every layer: each layer takes the previous layer's
    output, so keep one running variable (out = X before the loop, then out = layer(out)).""",
)
def mlp_every_layer_on_input(X, params):
    out = X
    for i, (W, b) in enumerate(params):
        out = X @ W + b
        if i < len(params) - 1:
            out = np.maximum(out, 0)
    return out


@misconception(
    "mlp_forward",
    """Your mlp_forward applies the ReLU before each layer, to the input too: the order is layer
    then ReLU, so the network sees the raw input X (negative values included) and returns the
    last layer's raw scores.""",
)
def mlp_relu_before_each_layer(X, params):
    out = X
    for W, b in params:
        out = np.maximum(out, 0) @ W + b
    return out


@misconception(
    "mlp_forward",
    """Your mlp_forward leaves the ReLU out after the last hidden layer (an off-by-one, such as
    i < len(params) - 2): every layer but the output layer is followed by a ReLU.""",
)
def mlp_relu_missing_on_last_hidden_layer(X, params):
    out = X
    for i, (W, b) in enumerate(params):
        out = out @ W + b
        if i < len(params) - 2:
            out = np.maximum(out, 0)
    return out


@misconception(
    "mlp_forward",
    """Your mlp_forward leaves out the last layer (a loop over params[:-1] with nothing after it):
    the logits come from the last (W, b) pair, applied without a ReLU after the hidden layers.""",
)
def mlp_last_layer_skipped(X, params):
    out = X
    for W, b in params[:-1]:
        out = np.maximum(out @ W + b, 0)
    return out


@misconception(
    "mlp_forward",
    """Your mlp_forward uses a sigmoid or tanh between the layers: this network's hidden layers use
    ReLU, max(0, h), the default of modern networks (its slope does not shrink for large inputs).""",
    detect=_hidden_activation_not_relu,
)
def mlp_sigmoid_not_relu(X, params):
    out = X
    for i, (W, b) in enumerate(params):
        out = out @ W + b
        if i < len(params) - 1:
            out = 1.0 / (1.0 + np.exp(-out))
    return out


# -- count_parameters ---------------------------------------------------------


@misconception(
    "count_parameters",
    """Your count_parameters counts the weights only: every neuron of a layer also learns one bias,
    so a layer of n neurons after m inputs has m*n + n parameters.""",
)
def count_weights_only(layer_sizes):
    sizes = list(layer_sizes)
    if len(sizes) < 2 or any(int(s) < 1 for s in sizes):
        raise ValueError("need at least two layer sizes, each at least 1")
    return sum(m * n for m, n in zip(sizes[:-1], sizes[1:]))


@misconception(
    "count_parameters",
    """Your count_parameters counts one bias per layer: every neuron has its own bias, so a layer
    of n neurons adds n biases (m*n + n for the pair of layers m -> n).""",
)
def count_one_bias_per_layer(layer_sizes):
    sizes = list(layer_sizes)
    if len(sizes) < 2 or any(int(s) < 1 for s in sizes):
        raise ValueError("need at least two layer sizes, each at least 1")
    return sum(m * n for m, n in zip(sizes[:-1], sizes[1:])) + len(sizes) - 1


@misconception(
    "count_parameters",
    """Your count_parameters gives the input layer biases too: the input layer only holds the data;
    biases belong to the neurons that compute something, one per neuron of each later layer.""",
)
def count_input_layer_biases(layer_sizes):
    sizes = list(layer_sizes)
    if len(sizes) < 2 or any(int(s) < 1 for s in sizes):
        raise ValueError("need at least two layer sizes, each at least 1")
    return sum(m * n for m, n in zip(sizes[:-1], sizes[1:])) + sum(sizes)


@misconception(
    "count_parameters",
    """Your count_parameters counts the biases on the input side of each pair of layers, m*n + m:
    each of the n neurons that receives the m inputs has one bias, so a pair has m*n + n, or
    (m + 1) * n.""",
)
def count_biases_on_input_side(layer_sizes):
    sizes = list(layer_sizes)
    if len(sizes) < 2 or any(int(s) < 1 for s in sizes):
        raise ValueError("need at least two layer sizes, each at least 1")
    return sum(m * n + m for m, n in zip(sizes[:-1], sizes[1:]))


@misconception(
    "count_parameters",
    """Your count_parameters leaves out the last pair of layers (an off-by-one in the loop): a list
    of k sizes has k - 1 pairs of consecutive layers, i = 0 ... k - 2.""",
)
def count_skips_last_layer(layer_sizes):
    sizes = list(layer_sizes)
    if len(sizes) < 2 or any(int(s) < 1 for s in sizes):
        raise ValueError("need at least two layer sizes, each at least 1")
    return sum(sizes[i] * sizes[i + 1] + sizes[i + 1] for i in range(len(sizes) - 2))


@misconception(
    "count_parameters",
    """Your count_parameters returns a number for a list that is not a network (a single size, or
    none): fewer than two sizes has no layer of weights at all, so raise ValueError.""",
)
def count_accepts_too_few_sizes(layer_sizes):
    sizes = list(layer_sizes)
    return sum(m * n + n for m, n in zip(sizes[:-1], sizes[1:]))


@misconception(
    "count_parameters",
    """Your count_parameters accepts a layer of size 0 or less: a layer needs at least one neuron,
    so raise ValueError for any size below 1, as you already do for too few sizes.""",
)
def count_accepts_empty_layer(layer_sizes):
    sizes = list(layer_sizes)
    if len(sizes) < 2:
        raise ValueError("need at least two layer sizes")
    return sum(m * n + n for m, n in zip(sizes[:-1], sizes[1:]))


@misconception(
    "count_parameters",
    """Your count_parameters rejects a size of 0 but accepts a negative one: the contract asks for
    ValueError for any size below 1 (test s < 1, not s == 0).""",
)
def count_accepts_negative_size(layer_sizes):
    sizes = list(layer_sizes)
    if len(sizes) < 2 or 0 in sizes:
        raise ValueError("need at least two layer sizes, none of them 0")
    return sum(m * n + n for m, n in zip(sizes[:-1], sizes[1:]))


@misconception(
    "count_parameters",
    """Your count_parameters rejects a bad list with assert, which raises AssertionError: the
    contract asks for ValueError (raise ValueError("...")). Python skips asserts altogether when run
    with -O, so they cannot check a caller's input.""",
    detect=lambda call, expected: raised(call, "AssertionError"),
)
def count_assert_not_value_error(layer_sizes):
    sizes = list(layer_sizes)
    assert len(sizes) >= 2 and all(int(s) >= 1 for s in sizes), "not a network"
    return sum(m * n + n for m, n in zip(sizes[:-1], sizes[1:]))
