"""Chapter 1 — the neuron and the layer.

A neural network is built from one humble part used many times over. An
artificial neuron receives a list of numbers, gives each one a weight that says
how much it matters, adds everything up together with a bias (its baseline, the
value it starts from when every input is zero), and passes that sum through an
activation function:

    output = act(w1*x1 + w2*x2 + ... + wn*xn + b) = act(w · x + b)

The weights and the bias are the neuron's parameters: nobody writes them by
hand; training adjusts them until the network's answers are right.

A layer is many neurons looking at the same inputs, and a batch is many inputs
at once. Both fit in one matrix product: with X of shape (N, D) (N examples, D
features each) and W of shape (D, M) (one column per neuron),

    X @ W + b   has shape (N, M):  row i holds the M neurons' outputs for example i.

Stack layers with a non-linear activation between them and you have a
multi-layer perceptron (MLP): data flows forward, input layer -> hidden layers
-> output layer. The last layer's raw scores are called logits.

Fill in each function below, then run `grade submit neurons`.
"""

import numpy as np


def neuron(x, w, b, activation="sigmoid"):
    """Compute one neuron's output: act(w · x + b), returned as a Python float.

    x, w: 1-D arrays of the same length n (inputs and weights); b: a float (bias).
    activation is exactly one of (case-sensitive):
        "identity"  act(z) = z
        "relu"      act(z) = max(0, z)
        "sigmoid"   act(z) = 1 / (1 + e^(-z))      (squashes into (0, 1))
        "tanh"      act(z) = tanh(z)               (squashes into (-1, 1))
    Any other name must raise ValueError (a typo should fail loudly, not silently).

    Trap: for z = -1000, e^(-z) = e^1000 overflows. The sigmoid must stay exact
    and warning-free for |w · x + b| up to 1000: for z >= 0 use 1 / (1 + e^(-z)),
    for z < 0 use e^z / (1 + e^z); both only ever exponentiate a non-positive number.

    >>> neuron(np.array([1.0, 2.0]), np.array([0.5, -0.25]), 0.0, "identity")
    0.0
    """
    raise NotImplementedError("neurons.neuron")


def dense_forward(X, W, b):
    """A fully connected layer applied to a batch: X @ W + b.

    X: (N, D) batch of N inputs with D features; W: (D, M), one column per neuron;
    b: (M,), one bias per neuron, added to every row (numpy broadcasting).
    Returns an array of shape (N, M).

    >>> dense_forward(np.ones((2, 3)), np.ones((3, 4)), np.zeros(4)).shape
    (2, 4)
    """
    raise NotImplementedError("neurons.dense_forward")


def mlp_forward(X, params):
    """The forward pass of a multi-layer perceptron.

    params is a list of (W, b) pairs, one per layer, whose shapes chain:
    (D, H1), (H1, H2), ..., (Hk, C). Apply each layer in turn with a ReLU after
    every layer except the last, and return the last layer's raw scores (the
    logits), shape (N, C). Without the ReLUs the whole stack would collapse into
    a single linear layer: a product of matrices is just another matrix.

    >>> params = [(np.ones((3, 4)), np.zeros(4)), (np.ones((4, 2)), np.zeros(2))]
    >>> mlp_forward(-np.ones((1, 3)), params)   # the ReLU zeroes the hidden layer
    array([[0., 0.]])
    """
    raise NotImplementedError("neurons.mlp_forward")


def count_parameters(layer_sizes):
    """How many numbers a fully connected network learns.

    layer_sizes lists the width of every layer, input first: [784, 256, 10]
    is a 784-pixel input, one hidden layer and 10 output classes. Between two
    consecutive layers of sizes m and n there are m*n weights and n biases, so
    [784, 256, 10] -> 784*256+256 + 256*10+10 = 203530.

    Fewer than two sizes, or any size below 1, is not a network: raise ValueError.
    Returns an int.
    """
    raise NotImplementedError("neurons.count_parameters")
