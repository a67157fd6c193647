"""Chapter 7 — a classifier that really learns.

Everything so far comes together here: a network (chapter 1), non-linearities (2),
a loss (3), its gradients (4) and an update rule (6). Your task is to train a small MLP
that reads 8×8 images of handwritten digits and says which digit each one is.

The vocabulary of a training loop:

* Mini-batch: a small group of examples (say 32) whose average gradient drives one update.
  Smaller batches mean noisier but more frequent steps; the whole data set at once
  (full batch) means few, expensive, precise steps.
* Batch size: the number of examples in a mini-batch.
* Step (iteration): one forward pass, one backward pass and one parameter update.
* Epoch: one complete pass over the training data, i.e. N / batch_size steps. Shuffle the
  examples at the start of each epoch so that the batches differ from epoch to epoch.
* Learning rate: how far each step moves the weights. Too high and the loss jumps
  around or blows up to nan; too low and the loss creeps down so slowly that training
  seems stuck. A good value is found by trying a few, about ten times apart.
* Initialization: start from small random weights (all zeros would make every hidden
  unit identical forever) and zero biases. He initialization, normal · √(2 / fan_in),
  suits ReLU layers.

Training accuracy is not the goal. A network with enough parameters can memorise its
training set and still fail on new examples: that is overfitting. What counts is the
accuracy on HELD-OUT data, examples the network never saw while learning. Your function
is graded exactly that way: the grader keeps back about 30% of the digits, trains your
network on the rest, and measures the accuracy of your returned parameters on the hidden
part. To estimate that number yourself, split X_train into a training part and a
validation part and look at the validation accuracy while you tune.

Important: the grader imports THIS FILE ONLY. Code from your other exercise files is not
available here, so copy (or rewrite) the helpers you need into this file: the stable
cross-entropy and its gradient, dense_backward and relu_backward (or a complete
mlp_loss_and_grads), an optimizer step (SGD with momentum, or Adam), and a mini-batch
loop. Only numpy may be imported.
"""

import numpy as np


def accuracy(logits, labels):
    """Fraction of rows whose highest score is the correct class.

    logits: (N, C) scores (logits or probabilities: the argmax is the same);
    labels: (N,) integer class indices. Returns a float in [0, 1]:

        mean over i of [ argmax_j logits[i, j] == labels[i] ]

    np.argmax(logits, axis=1) gives each row's predicted class (on a tie, the first of the
    tied columns). Compare it with labels and take the mean of the booleans.

    >>> accuracy(np.array([[2.0, 1.0], [0.0, 3.0], [5.0, 4.0]]), np.array([0, 1, 1]))
    0.6666666666666666
    """
    raise NotImplementedError("training.accuracy")


def train_classifier(X_train, y_train, seed=0):
    """Train an MLP on digit images with your own numpy code and return its parameters.

    X_train: (N, 64) float array, the 8×8 pixels of each image flattened, intensities in [0, 1].
    y_train: (N,) ints 0-9, the digit shown. seed: an int for your random numbers
    (initial weights, shuffling), so that the same seed gives the same network;
    create your generator with np.random.default_rng(seed).

    Returns params, a list of (W, b) pairs usable by chapter 1's mlp_forward (ReLU after
    every layer but the last; the last layer outputs 10 logits): W of shape (fan_in, fan_out),
    b of shape (fan_out,), the first W having 64 rows and the last one 10 columns. Pairs may
    be tuples or lists, arrays float32 or float64.

    Grading: the grader evaluates your params on digits that are NOT in X_train; you pass with
    a held-out accuracy of at least 0.90. Training must finish within 60 seconds (a stuck
    call is stopped); a small network trains to well above 0.90 in a few seconds.

    A recipe that works: one hidden layer of 64 to 128 ReLU units, He initialization,
    mini-batches of 32 shuffled every epoch, 20 to 50 epochs, and either Adam (lr about 1e-2)
    or SGD with momentum 0.9 (lr about 0.1). Each step: loss, grads = mlp_loss_and_grads(...)
    on the batch, then update every W and b. Print the loss every epoch while developing
    (remove it afterwards): it should fall steadily; if it grows or becomes nan, lower the
    learning rate.
    """
    raise NotImplementedError("training.train_classifier")
