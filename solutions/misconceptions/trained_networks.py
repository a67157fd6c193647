"""Symptoms read from a trained network's parameters: the training catalogue's detect predicates.

A training run cannot be replayed exactly (the learner's random stream, optimiser and loop are
their own), so mistakes in train_classifier are recognised from what the run left behind: the
returned (W, b) pairs, evaluated on the training digits the learner was given. Each predicate
checks facts that one mistake produces and that correct training (however slow) does not, and
the predicates exclude each other, so that at most one of them names a failure:

- zero_init: a hidden layer whose units are all alike (weights that started equal never differ);
- never_updated: every bias still exactly 0 (the updates never reached the parameters);
- climbed_the_loss: one class for every image with an enormous loss (steps that go uphill);
- ignored_shuffled_labels: no better than chance even on the training digits, having learnt either
  only the label frequencies (hidden units switched off, weights at their initial scale) or a
  labelling unrelated to what the images look like (neighbouring images given unrelated classes);
- relabelled: each digit's images all get one other class (the labels reach the loss remapped);
- relus_died: a hidden layer that outputs 0 for every image, not explained by shuffled labels;
- diverged: NaN or inf in the weights; stored_transposed: every W stored as (fan_out, fan_in);
  reversed_layers: pairs that chain only in reverse order.

The thresholds come from networks trained with each mistake and with the mistakes that look
like it (too small or too large a learning rate, untrained networks of every scale, full batch
or mini-batches, SGD, momentum or Adam): tests/test_trained_networks.py keeps them apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

PIXELS, CLASSES = 64, 10
CHANCE = 0.2  # accuracy on the training digits below this: no better than guessing (chance is 0.1)
HUGE_LOSS = 20.0  # nats above the label entropy: confidently wrong on nearly every image
SWITCHED_OFF = 0.02  # at most this share of a hidden layer's (image, unit) pairs is active
INITIAL_SCALE = 0.6  # first-layer pre-activation spread of any usual initialisation (He gives ~0.4)


@dataclass(frozen=True)
class Network:
    """The learner's returned params as float64 (W, b) pairs, with the digits it was trained on."""

    params: tuple
    X: np.ndarray
    y: np.ndarray

    @cached_property
    def finite(self) -> bool:
        return all(np.all(np.isfinite(a)) for pair in self.params for a in pair)

    @cached_property
    def pre_activations(self) -> list[np.ndarray]:
        """Every layer's X @ W + b on the training digits (the last one is the logits)."""
        found, a = [], self.X
        with np.errstate(all="ignore"):
            for W, b in self.params:
                found.append(a @ W + b)
                a = np.maximum(found[-1], 0.0)
        return found

    @property
    def logits(self) -> np.ndarray:
        return self.pre_activations[-1]

    @cached_property
    def predicted(self) -> np.ndarray:
        return np.argmax(self.logits, axis=1)

    @property
    def accuracy(self) -> float:
        return float(np.mean(self.predicted == self.y))

    @cached_property
    def excess_loss(self) -> float:
        """Mean cross-entropy on the true labels minus that of the best constant answer (the label entropy)."""
        with np.errstate(all="ignore"):
            z = self.logits - self.logits.max(axis=1, keepdims=True)
            log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        loss = -np.mean(log_probs[np.arange(len(self.y)), self.y])
        freq = np.bincount(self.y, minlength=CLASSES) / len(self.y)
        freq = freq[freq > 0]
        return float(loss + np.sum(freq * np.log(freq)))

    @cached_property
    def symmetric(self) -> bool:
        """Some hidden layer's units all have the same incoming weights and the same bias."""
        return any(
            W.shape[1] > 1 and np.allclose(W, W[:, :1], rtol=1e-6, atol=1e-12) and np.allclose(b, b[0])
            for W, b in self.params[:-1]
        )

    @property
    def biases_all_zero(self) -> bool:
        return not any(np.any(b) for _, b in self.params)

    @cached_property
    def active_shares(self) -> list[float]:
        """For each hidden layer, the share of (image, unit) pairs whose ReLU lets something through."""
        return [float(np.mean(z > 0)) for z in self.pre_activations[:-1]]

    @property
    def dead_layer(self) -> bool:
        """Some hidden layer outputs exactly 0 for every training image."""
        return any(share == 0.0 for share in self.active_shares)

    @property
    def first_layer_spread(self) -> float:
        """How much the first layer's pre-activations vary from image to image (mean std over units)."""
        return float(np.mean(self.pre_activations[0].std(axis=0)))

    @property
    def neighbour_agreement(self) -> float:
        """The share of training images given the same class as their nearest other training image."""
        squared = np.sum(self.X * self.X, axis=1)
        distance = squared[:, None] + squared[None, :] - 2.0 * self.X @ self.X.T
        np.fill_diagonal(distance, np.inf)
        return float(np.mean(self.predicted == self.predicted[np.argmin(distance, axis=1)]))

    @property
    def rarest_class_share(self) -> float:
        """The share of training images given the class the network predicts least often."""
        return float(np.min(np.bincount(self.predicted, minlength=CLASSES)) / len(self.predicted))

    @property
    def relabelling(self) -> dict | None:
        """{true class: the class its images get}, when each digit's images mostly get one class of their own."""
        mapping = {}
        for c in np.unique(self.y):
            counts = np.bincount(self.predicted[self.y == c], minlength=CLASSES)
            if counts.max() < 0.6 * counts.sum():
                return None
            mapping[int(c)] = int(np.argmax(counts))
        return mapping if len(set(mapping.values())) == len(mapping) else None

    # -- what went wrong ------------------------------------------------------------

    @property
    def usable(self) -> bool:
        """Finite, not symmetric and not left at zero biases: the symptoms below apply only then."""
        return self.finite and not self.symmetric and not self.biases_all_zero

    @property
    def learnt_only_the_label_frequencies(self) -> bool:
        """Every image gets the label frequencies, with hidden units switched off and weights at their initial scale."""
        return (
            -0.02 < self.excess_loss < 0.005
            and min(self.active_shares) <= SWITCHED_OFF
            and self.first_layer_spread <= INITIAL_SCALE
        )

    @property
    def memorised_an_unrelated_labelling(self) -> bool:
        """Every class predicted, yet near-identical images get unrelated classes, with a moderate loss."""
        return self.rarest_class_share >= 0.009 and self.neighbour_agreement < 0.6 and self.excess_loss < 1.5


_last: list = [None, None]  # (call, its Network or None): the predicates of one failure share one view


def network(call) -> Network | None:
    """The network of a logged train_classifier call, or None when it is no chain of (W, b) pairs from 64 to 10."""
    if _last[0] is not call:
        _last[:] = [call, _network(call)]
    return _last[1]


def _network(call) -> Network | None:
    clean = _network_of(call.value)
    if clean is None:
        return None
    X = call.args[0] if call.args else call.kwargs["X_train"]
    y = call.args[1] if len(call.args) > 1 else call.kwargs["y_train"]
    return Network(clean, np.asarray(X, dtype=np.float64), np.asarray(y).astype(np.intp))


def _network_of(params) -> tuple | None:
    """The pairs as float64 arrays when they chain from 64 pixels to 10 classes, else None."""
    if not isinstance(params, list | tuple) or not params:
        return None
    clean = []
    for pair in params:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            return None
        W, b = pair
        if not all(isinstance(a, np.ndarray) and a.dtype.kind in "iuf" for a in (W, b)):
            return None
        if W.ndim != 2 or b.shape != (W.shape[1],):
            return None
        clean.append((W.astype(np.float64), b.astype(np.float64)))
    sizes = [W.shape[0] for W, _ in clean] + [clean[-1][0].shape[1]]
    if sizes[0] != PIXELS or sizes[-1] != CLASSES or any(W.shape[1] != n for (W, _), n in zip(clean, sizes[1:])):
        return None
    return tuple(clean)


# -- the predicates (call, expected) -> bool of the training catalogue -------------------


def zero_init(call, expected=None) -> bool:
    net = network(call)
    return net is not None and net.finite and net.symmetric


def never_updated(call, expected=None) -> bool:
    net = network(call)
    return net is not None and net.finite and not net.symmetric and net.biases_all_zero


def climbed_the_loss(call, expected=None) -> bool:
    net = network(call)
    return (
        net is not None
        and net.usable
        and not net.dead_layer
        and net.excess_loss > HUGE_LOSS
        and len(np.unique(net.predicted)) == 1
    )


def ignored_shuffled_labels(call, expected=None) -> bool:
    net = network(call)
    return (
        net is not None
        and net.usable
        and net.accuracy < CHANCE
        and (net.learnt_only_the_label_frequencies or net.memorised_an_unrelated_labelling)
    )


def relabelled(call, expected=None) -> bool:
    """It tells the digits apart, but gives all the images of each digit one and the same other class."""
    net = network(call)
    return net is not None and net.usable and net.accuracy < CHANCE and net.relabelling is not None


def reversed_layers(call, expected=None) -> bool:
    """The (W, b) pairs do not chain as returned, and chain from 64 pixels to 10 classes in reverse order."""
    params = call.value
    if not isinstance(params, list | tuple) or len(params) < 2 or network(call) is not None:
        return False
    return _network_of(list(params)[::-1]) is not None


def relus_died(call, expected=None) -> bool:
    net = network(call)
    return (
        net is not None
        and net.usable
        and net.dead_layer
        and net.accuracy < CHANCE
        and not net.learnt_only_the_label_frequencies
    )


def diverged(call, expected=None) -> bool:
    net = network(call)
    return net is not None and not net.finite


def stored_transposed(call, expected=None) -> bool:
    """Every W is (fan_out, fan_in) with b of fan_out entries, and the transposes chain from 64 pixels to 10 classes."""
    params = call.value
    if not isinstance(params, list | tuple) or not params:
        return False
    sizes = []
    for pair in params:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            return False
        W, b = (np.asarray(a) for a in pair)
        if W.ndim != 2 or W.shape[0] == W.shape[1] or b.shape != (W.shape[0],):
            return False
        sizes.append(W.shape[::-1])
    chained = all(a[1] == b[0] for a, b in zip(sizes, sizes[1:]))
    return chained and sizes[0][0] == PIXELS and sizes[-1][1] == CLASSES
