"""Misconceptions of chapter 7 (training), as wrong versions of solutions/training.py.

accuracy is replayed exactly. A training run cannot be (the learner's random stream, optimiser and
loop are their own), so each train_classifier mistake is recognised by a `detect` predicate on the
parameters it returned (solutions/misconceptions/trained_networks.py); its wrong version is the
reference with that one bug, for the catalogue's own tests. Entries run in file order: the cheap
training predicates first.
"""

import numpy as np

from grader.engine.diagnosis import misconception
from solutions.misconceptions import trained_networks as symptom
from solutions.training import (
    BATCH_SIZE,
    EPOCHS,
    HIDDEN,
    LEARNING_RATE,
    NUM_CLASSES,
    _Adam,
    _init_params,
    _mlp_loss_and_grads,
)

# -- train_classifier -----------------------------------------------------------------


@misconception(
    "train_classifier",
    """Your network starts from weights that are all equal (zeros): every hidden unit then computes
    the same thing and receives the same gradient, so the units stay identical forever and the layer
    acts like a single unit; training longer cannot fix that. Draw the initial weights at random
    (He: normal · sqrt(2 / fan_in)); zero biases are fine.""",
    detect=symptom.zero_init,
)
def zero_init(X_train, y_train, seed=0):
    X, y = np.asarray(X_train, dtype=np.float64), np.asarray(y_train).astype(np.intp)
    rng = np.random.default_rng(seed)
    sizes = [X.shape[1], HIDDEN, NUM_CLASSES]
    params = [(np.zeros((m, n)), np.zeros(n)) for m, n in zip(sizes[:-1], sizes[1:])]
    adam = _Adam(params, LEARNING_RATE)
    for _ in range(EPOCHS):
        order = rng.permutation(len(X))
        for start in range(0, len(X), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            params = adam.step(params, _mlp_loss_and_grads(X[batch], y[batch], params)[1])
    return params


@misconception(
    "train_classifier",
    """The parameters your train_classifier returns were never updated: every bias is still exactly 0,
    its initial value. `W = W - lr * dW` in a loop binds a new array to a loop variable and leaves the
    list alone, and an optimizer step that returns new arrays must have its result stored back: keep
    the updated (W, b) pairs in the list you return.""",
    detect=symptom.never_updated,
)
def updates_never_stored(X_train, y_train, seed=0):
    X, y = np.asarray(X_train, dtype=np.float64), np.asarray(y_train).astype(np.intp)
    rng = np.random.default_rng(seed)
    params = _init_params([X.shape[1], HIDDEN, NUM_CLASSES], rng)
    adam = _Adam(params, LEARNING_RATE)
    for _ in range(EPOCHS):
        order = rng.permutation(len(X))
        for start in range(0, len(X), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            adam.step(params, _mlp_loss_and_grads(X[batch], y[batch], params)[1])  # the new pairs are dropped
    return params


@misconception(
    "train_classifier",
    """Your updates climb the loss instead of descending it: the network ends up giving every image
    the same class with enormous confidence. A gradient step subtracts, p - lr · grad; a + there (or a
    gradient whose sign is flipped) walks uphill.""",
    detect=symptom.climbed_the_loss,
)
def gradient_ascent(X_train, y_train, seed=0):
    X, y = np.asarray(X_train, dtype=np.float64), np.asarray(y_train).astype(np.intp)
    rng = np.random.default_rng(seed)
    params = _init_params([X.shape[1], HIDDEN, NUM_CLASSES], rng)
    adam = _Adam(params, LEARNING_RATE)
    for _ in range(EPOCHS):
        order = rng.permutation(len(X))
        for start in range(0, len(X), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            grads = _mlp_loss_and_grads(X[batch], y[batch], params)[1]
            params = adam.step(params, [(-dW, -db) for dW, db in grads])
    return params


@misconception(
    "train_classifier",
    """Your network learnt from labels that do not belong to its images: it does no better than chance
    even on the digits it trained on, and what it learnt instead (only how often each label occurs, or
    a labelling unrelated to how the images look) is what mismatched labels teach. Shuffle X and y with
    the same permutation, and take each batch's labels with the same indices as its images.""",
    detect=symptom.ignored_shuffled_labels,
)
def labels_shuffled_apart_from_inputs(X_train, y_train, seed=0):
    X, y = np.asarray(X_train, dtype=np.float64), np.asarray(y_train).astype(np.intp)
    rng = np.random.default_rng(seed)
    params = _init_params([X.shape[1], HIDDEN, NUM_CLASSES], rng)
    adam = _Adam(params, LEARNING_RATE)
    for _ in range(EPOCHS):
        order = rng.permutation(len(X))
        for start in range(0, len(X), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            labels = y[start : start + BATCH_SIZE]  # the images were shuffled, the labels were not
            params = adam.step(params, _mlp_loss_and_grads(X[batch], labels, params)[1])
    return params


@misconception(
    "train_classifier",
    """Your network tells the digits apart, but gives all the images of each digit one and the same
    wrong class: the labels reach the loss mapped to other classes. Check how the one-hot targets are
    built (the label itself is the column index: no shift, no +1 or -1).""",
    detect=symptom.relabelled,
)
def labels_mapped_to_wrong_classes(X_train, y_train, seed=0):
    X, y = np.asarray(X_train, dtype=np.float64), np.asarray(y_train).astype(np.intp)
    rng = np.random.default_rng(seed)
    params = _init_params([X.shape[1], HIDDEN, NUM_CLASSES], rng)
    adam = _Adam(params, LEARNING_RATE)
    for _ in range(EPOCHS):
        order = rng.permutation(len(X))
        for start in range(0, len(X), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            shifted = (y[batch] + 1) % NUM_CLASSES  # the one-hot column one to the right
            params = adam.step(params, _mlp_loss_and_grads(X[batch], shifted, params)[1])
    return params


@misconception(
    "train_classifier",
    """Every ReLU of a hidden layer of your network outputs 0 for every training image: the units have
    died, and a dead ReLU passes no gradient back, so it never recovers. A learning rate that is too
    high does this (a few huge steps push every pre-activation below zero): lower it about ten times
    at a time until the loss falls steadily.""",
    detect=symptom.relus_died,
)
def learning_rate_too_high(X_train, y_train, seed=0):
    X, y = np.asarray(X_train, dtype=np.float64), np.asarray(y_train).astype(np.intp)
    rng = np.random.default_rng(seed)
    params = _init_params([X.shape[1], HIDDEN, NUM_CLASSES], rng)
    for _ in range(EPOCHS):
        order = rng.permutation(len(X))
        for start in range(0, len(X), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            grads = _mlp_loss_and_grads(X[batch], y[batch], params)[1]
            params = [(W - 3.0 * dW, b - 3.0 * db) for (W, b), (dW, db) in zip(params, grads)]  # SGD, lr 3
    return params


@misconception(
    "train_classifier",
    """The weights your train_classifier returns contain NaN or inf: training diverged, each update
    making the weights larger until the numbers overflowed. Lower the learning rate about ten times at
    a time; if a smaller one only delays the blow-up, check that each step subtracts lr · grad.""",
    detect=symptom.diverged,
)
def diverged_to_nan(X_train, y_train, seed=0):
    X, y = np.asarray(X_train, dtype=np.float64), np.asarray(y_train).astype(np.intp)
    rng = np.random.default_rng(seed)
    params = _init_params([X.shape[1], HIDDEN, NUM_CLASSES], rng)
    for _ in range(EPOCHS):
        order = rng.permutation(len(X))
        for start in range(0, len(X), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            grads = _mlp_loss_and_grads(X[batch], y[batch], params)[1]
            params = [(W + 0.5 * dW, b + 0.5 * db) for (W, b), (dW, db) in zip(params, grads)]  # SGD uphill
    return params


@misconception(
    "train_classifier",
    """Your train_classifier returns each W as (fan_out, fan_in), the layout of torch's nn.Linear;
    mlp_forward computes X @ W + b, so each W must be (fan_in, fan_out): return W.T, or build the
    network that way from the start.""",
    detect=symptom.stored_transposed,
)
def weights_stored_transposed(X_train, y_train, seed=0):
    X, y = np.asarray(X_train, dtype=np.float64), np.asarray(y_train).astype(np.intp)
    rng = np.random.default_rng(seed)
    params = _init_params([X.shape[1], HIDDEN, NUM_CLASSES], rng)
    adam = _Adam(params, LEARNING_RATE)
    for _ in range(EPOCHS):
        order = rng.permutation(len(X))
        for start in range(0, len(X), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            params = adam.step(params, _mlp_loss_and_grads(X[batch], y[batch], params)[1])
    return [(W.T, b) for W, b in params]


@misconception(
    "train_classifier",
    """Your train_classifier returns the (W, b) pairs from the last layer to the first: mlp_forward
    applies them in list order, starting with the one that takes the 64 pixels. If you collect them
    while walking backwards (as backpropagation does), reverse the list before returning it.""",
    detect=symptom.reversed_layers,
)
def layers_in_reverse_order(X_train, y_train, seed=0):
    X, y = np.asarray(X_train, dtype=np.float64), np.asarray(y_train).astype(np.intp)
    rng = np.random.default_rng(seed)
    params = _init_params([X.shape[1], HIDDEN, NUM_CLASSES], rng)
    adam = _Adam(params, LEARNING_RATE)
    for _ in range(EPOCHS):
        order = rng.permutation(len(X))
        for start in range(0, len(X), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            params = adam.step(params, _mlp_loss_and_grads(X[batch], y[batch], params)[1])
    return params[::-1]


# -- accuracy -------------------------------------------------------------------------


@misconception(
    "accuracy",
    """Your accuracy counts the correct rows instead of returning their fraction: divide by the number
    of rows (the mean of the booleans does both at once), so that the result lies in [0, 1] whatever
    the batch size.""",
)
def accuracy_count_not_fraction(logits, labels):
    return float(np.sum(np.argmax(np.asarray(logits), axis=1) == np.asarray(labels)))


@misconception(
    "accuracy",
    """Your accuracy takes np.argmax of the whole array, which gives one index into the flattened logits
    instead of one predicted class per row: use np.argmax(logits, axis=1).""",
)
def accuracy_argmax_without_axis(logits, labels):
    return float(np.mean(np.argmax(np.asarray(logits)) == np.asarray(labels)))


@misconception(
    "accuracy",
    """Your accuracy takes the argmax along axis 0, which picks for each class the row with the highest
    score instead of one predicted class per row: the classes are the columns, so use axis=1.""",
)
def accuracy_argmax_over_the_batch(logits, labels):
    return float(np.mean(np.argmax(np.asarray(logits), axis=0) == np.asarray(labels)))


@misconception(
    "accuracy",
    """Your accuracy counts a row as right whenever the label's score equals the row's maximum, so a tie
    counts as right for every tied class; a prediction is one class, the one np.argmax picks (the first
    of the tied columns).""",
)
def accuracy_ties_count_as_right(logits, labels):
    z, labels = np.asarray(logits), np.asarray(labels).astype(np.intp)
    return float(np.mean(z[np.arange(len(z)), labels] == z.max(axis=1)))


@misconception(
    "accuracy",
    """Your accuracy returns the share of wrong rows (the error rate, 1 - accuracy): count the rows whose
    predicted class equals the label.""",
)
def accuracy_error_rate(logits, labels):
    return float(np.mean(np.argmax(np.asarray(logits), axis=1) != np.asarray(labels)))


@misconception(
    "accuracy",
    """Your accuracy returns a percentage (the fraction times 100); the contract asks for the fraction
    itself, a number in [0, 1].""",
)
def accuracy_as_percentage(logits, labels):
    return 100.0 * float(np.mean(np.argmax(np.asarray(logits), axis=1) == np.asarray(labels)))


@misconception(
    "accuracy",
    """Your accuracy is rounded down to a whole number (integer division // or int()), which turns every
    imperfect result into 0: divide with / so that the fraction stays a float.""",
)
def accuracy_rounded_down(logits, labels):
    return int(np.sum(np.argmax(np.asarray(logits), axis=1) == np.asarray(labels))) // len(labels)
