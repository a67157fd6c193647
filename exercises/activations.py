"""Chapter 2 — non-linearity.

Multiply by weights, add a bias: that is linear, and linear layers stacked on
top of each other are still one linear layer in disguise (W2(W1 x) = (W2 W1) x).
Such a network can only draw straight boundaries, however deep it is. An
activation function bends each neuron's output, and that bend is what lets a
deep network model curved, complicated relationships.

The classics, and what they are for:
  ReLU        max(0, x). Cheap, and its slope is 1 for every positive input, so
              gradients pass through deep networks without shrinking. The default
              for hidden layers.
  leaky ReLU  like ReLU, but a small slope alpha for negative inputs, so a neuron
              whose inputs are all negative still learns.
  sigmoid     1 / (1 + e^-x), squashes any number into (0, 1): a probability for
              yes/no questions. Its slope is at most 1/4 and nearly 0 for large |x|,
              which is why deep sigmoid networks learned slowly (vanishing gradients).
  tanh        squashes into (-1, 1), centred on zero.
  softmax     turns a vector of scores into probabilities that are positive and
              add up to 1: "85% dog, 10% wolf, 5% fox".

Learning needs each function's derivative too (the `_grad` functions), because
backpropagation multiplies these local slopes along the network.

Rules for every function here: work element-wise on arrays of any shape, accept
float32 and float64, return a new array (never modify the input), and stay exact
and warning-free on the large inputs given below.
Run `grade submit activations` when you are done.
"""

import numpy as np


def relu(x):
    """max(0, x) element-wise; same shape as x.

    >>> relu(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 3.])
    """
    raise NotImplementedError("activations.relu")


def relu_grad(x):
    """Derivative of ReLU: 1 where x > 0, else 0 (and 0 exactly at x == 0).

    >>> relu_grad(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 1.])
    """
    raise NotImplementedError("activations.relu_grad")


def leaky_relu(x, alpha=0.01):
    """x where x > 0, else alpha * x.

    >>> leaky_relu(np.array([-100.0, 5.0]), alpha=0.1)
    array([-10.,   5.])
    """
    raise NotImplementedError("activations.leaky_relu")


def leaky_relu_grad(x, alpha=0.01):
    """Derivative of leaky ReLU: 1 where x > 0, else alpha (also at x == 0)."""
    raise NotImplementedError("activations.leaky_relu_grad")


def sigmoid(x):
    """σ(x) = 1 / (1 + e^(-x)), stable for x in [-1000, 1000].

    The direct formula overflows for x = -1000 (e^1000 is too big for a float).
    Split by sign: for x >= 0 use 1 / (1 + e^(-x)); for x < 0 use e^x / (1 + e^x).
    In both branches the exponent is <= 0, so exp never overflows. (np.where
    evaluates both branches on every element, so feed each branch exp(-|x|).)

    >>> sigmoid(np.array([0.0]))
    array([0.5])
    """
    raise NotImplementedError("activations.sigmoid")


def sigmoid_grad(x):
    """dσ/dx = σ(x) (1 - σ(x)); largest (0.25) at x = 0, tiny for large |x|.

    Stable for x in [-1000, 1000]: build it from your stable sigmoid.
    """
    raise NotImplementedError("activations.sigmoid_grad")


def tanh(x):
    """Hyperbolic tangent, values in (-1, 1), stable for x in [-1000, 1000].

    (e^x - e^-x) / (e^x + e^-x) written out overflows for large |x|; np.tanh does not.
    """
    raise NotImplementedError("activations.tanh")


def tanh_grad(x):
    """d tanh/dx = 1 - tanh(x)², stable for x in [-1000, 1000]."""
    raise NotImplementedError("activations.tanh_grad")


def softmax(z, axis=-1):
    """Probabilities along `axis`: exp(z) / sum(exp(z)), for arrays of any dimension.

    Every output is >= 0 and each slice along `axis` sums to 1. Stable for |z| up
    to 1e4: subtracting the maximum along the axis (np.max(..., keepdims=True))
    changes nothing mathematically (the common factor e^-max cancels) but keeps
    every exponent <= 0.

    >>> softmax(np.array([[1.0, 1.0], [0.0, 1000.0]]))
    array([[0.5, 0.5],
           [0. , 1. ]])
    """
    raise NotImplementedError("activations.softmax")
