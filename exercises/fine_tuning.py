"""Chapter 11 - Transfer learning with torch.

Training a network from nothing means learning every weight from your own examples. When
examples are scarce, that goes badly: thousands of weights, a few dozen images, and the
network memorises the images instead of learning what makes a digit a digit. Transfer
learning starts somewhere else: from a network that somebody already trained, on a large
or related task, and adapts it to yours. A rider who can balance on a bicycle learns a
scooter in an afternoon; the skill carries over.

Foundation models
-----------------
A foundation model is such a pretrained network, trained once at great cost and then reused
for many tasks. Its early and middle layers turn raw inputs into useful features (for images:
edges, then strokes and corners, then parts of shapes); only its last layer, the "head",
maps those features to the classes of the task it was trained on. We split the network in two:

    backbone  x -> features f(x)      (everything before the last Linear layer)
    head      f -> class scores       (the last nn.Linear: logits = f W^T + b)

Fine-tuning with a frozen backbone
----------------------------------
To reuse the model for a new set of classes:
  1. replace the head with a fresh nn.Linear(n_features, n_new_classes);
  2. freeze the backbone: set requires_grad = False on its parameters, so autograd computes
     no gradients for them and the optimizer leaves them alone;
  3. train only the head on the few labelled examples you have.
Step 3 is just multinomial logistic regression on the features f(x): a small, convex problem
with few parameters (here 32*5 + 5 = 165 instead of 6,405), so a handful of examples is
enough and it cannot wreck what the backbone knows. With more data you can later unfreeze
some of the top layers and train them with a small learning rate.

In torch, requires_grad lives on every parameter tensor; model.parameters() walks all of them,
and an optimizer updates the tensors you hand it. So "train only what is trainable" means
handing the optimizer [p for p in model.parameters() if p.requires_grad].

This exercise
-------------
The project ships a small foundation model, exercises/data/foundation_digits.npz: an MLP
64 -> 64 -> 32 -> 5 on scikit-learn's 8x8 digits (pixels / 16), pretrained on the digits 0-4
ONLY (to classify them, and to rebuild each image from its 32 features, which keeps those
features general). The arrays W0, b0, W1, b1, W2, b2 are the Linear layers in order, in torch's layout
(W of shape (out_features, in_features)), and layer_sizes is [64, 64, 32, 5]. To experiment:

    params = np.load("exercises/data/foundation_digits.npz")
    model = build_mlp(params["layer_sizes"].tolist())
    with torch.no_grad():
        for i, lin in enumerate(m for m in model if isinstance(m, torch.nn.Linear)):
            lin.weight.copy_(torch.from_numpy(params[f"W{i}"]))
            lin.bias.copy_(torch.from_numpy(params[f"b{i}"]))

The grader gives that model a new head for the digits 5-9 (labels 0-4 there: digit - 5),
freezes its backbone and calls your fine_tune on only 5 labelled images per digit, 25 in
all, then measures the accuracy on the 871 other 5-9 digits, which it never trained on.

What to expect (measured over 20 seeds): a correct fine_tune reaches about 0.83 on those
unseen digits (0.79 to 0.86 with plain full-batch SGD at the defaults; momentum or Adam give
about 0.84). Trained FROM SCRATCH on the same 25 images with the same loop (plain SGD,
lr 0.05, 100 epochs, all 6,405 parameters trainable), the same network reaches only 0.71
on average, anywhere from 0.58 to 0.87 depending on the seed. Be fair to this toy, though:
8x8 digits are so easy that a from-scratch network with a well-tuned optimizer (Adam,
lr 1e-3) also gets about 0.87 - raw pixels already separate these digits well, and a
foundation that saw only 900 small images of five other digits has little to add. Transfer
learning pays off for real when the pretraining data dwarfs yours and raw inputs are hard
to use directly: photographs, sound, text.

The functions below take and return torch objects; the tests also call them on models with
other sizes and on float64 models.
"""

import numpy as np
import torch
from torch import nn


def build_mlp(layer_sizes):
    """Build a fully connected network as a torch.nn.Sequential.

    layer_sizes = [n0, n1, ..., nL] gives L Linear layers, nn.Linear(n0, n1), ...,
    nn.Linear(n_{L-1}, nL), with one nn.ReLU() between two consecutive Linear layers and
    NOTHING after the last one: the network returns raw scores (logits), and
    nn.functional.cross_entropy applies the softmax itself. A ReLU on the output would clip
    every negative logit to 0 and stop the gradient there.

    layer_sizes is a list or tuple of at least two positive ints. The default float32 dtype
    and torch's default initialisation are fine.

    >>> build_mlp([64, 32, 10])
    Sequential(
      (0): Linear(in_features=64, out_features=32, bias=True)
      (1): ReLU()
      (2): Linear(in_features=32, out_features=10, bias=True)
    )
    >>> build_mlp([4, 3])          # a single Linear layer, no ReLU at all
    """
    raise NotImplementedError("fine_tuning.build_mlp")


def count_trainable_parameters(model):
    """Return the number of parameter ELEMENTS that will be trained, as an int.

    Sum p.numel() over model.parameters() whose requires_grad is True. Frozen parameters
    (requires_grad False) do not count. A Linear(n_in, n_out) holds n_in*n_out weights and
    n_out biases.

    >>> count_trainable_parameters(build_mlp([64, 16, 10]))     # 64*16 + 16 + 16*10 + 10
    1210
    After freeze_backbone on that model, only the head's 16*10 + 10 = 170 remain.
    """
    raise NotImplementedError("fine_tuning.count_trainable_parameters")


def freeze_backbone(model):
    """Freeze everything but the head; return the SAME model object (modified in place).

    model is an nn.Sequential like those of build_mlp. Its head is its LAST nn.Linear
    (look for it from the end with isinstance(layer, nn.Linear); the layers after it, if
    any, have no parameters). Set requires_grad = False on every other parameter and
    requires_grad = True on the head's weight and bias - even if they were frozen before.

    Trap: freezing all parameters and forgetting to turn the head back on leaves nothing to
    train; count_trainable_parameters(model) should then be exactly the head's size.

    >>> m = freeze_backbone(build_mlp([8, 6, 3]))
    >>> [p.requires_grad for p in m.parameters()]      # W0, b0, W1, b1
    [False, False, True, True]
    """
    raise NotImplementedError("fine_tuning.freeze_backbone")


def replace_head(model, num_classes):
    """Give the model a fresh head for num_classes classes; return the SAME model object.

    Find the last nn.Linear of the nn.Sequential (at index i), and put in its place
    nn.Linear(old.in_features, num_classes): same number of inputs, since it reads the same
    features; new outputs, one per new class. Its parameters are trainable (requires_grad
    True, the default for a new layer) and randomly initialised (torch's default).

    Build it with the old head's dtype and device (nn.Linear accepts dtype=... and
    device=..., read them from old.weight): a float64 model needs a float64 head, or the
    forward pass fails with a dtype mismatch. Assign it in place, model[i] = new_layer,
    rather than building a new Sequential: the caller keeps using the object it passed in.

    >>> m = replace_head(build_mlp([64, 32, 10]), 5)
    >>> m[2]
    Linear(in_features=32, out_features=5, bias=True)
    """
    raise NotImplementedError("fine_tuning.replace_head")


def fine_tune(model, X, y, epochs=100, lr=0.05, seed=0):
    """Train the model's trainable parameters on (X, y); return the SAME model object.

    X: float tensor (N, n_inputs) of the model's dtype; y: long tensor (N,) of class indices
    in [0, C). Minimise the mean cross-entropy nn.functional.cross_entropy(model(X), y) for
    `epochs` passes over the data with learning rate `lr`, updating ONLY the parameters with
    requires_grad True: build the optimizer over [p for p in model.parameters() if
    p.requires_grad]. Call torch.manual_seed(seed) first, so that anything random (shuffled
    mini-batches) is reproducible.

    Each step: optimizer.zero_grad(); loss = ...; loss.backward(); optimizer.step().
    Plain full-batch SGD (torch.optim.SGD) is enough; momentum, Adam or mini-batches are
    fine too, as long as they train at the given lr.

    Traps:
      - forgetting optimizer.step() (or zero_grad, which lets gradients pile up);
      - giving the optimizer all of model.parameters(): frozen ones are skipped only while
        their .grad is None, so a frozen weight that still carries a gradient from earlier
        training gets moved (and weight decay moves it too); the backbone must come back
        bit-for-bit unchanged;
      - turning requires_grad back on inside fine_tune (that trains the whole network).
    The grader checks that the frozen weights are identical afterwards and that the
    accuracy on unseen digits reaches the exercise's threshold.

    >>> model = freeze_backbone(replace_head(foundation, 5))
    >>> fine_tune(model, X_few, y_few) is model
    True
    """
    raise NotImplementedError("fine_tuning.fine_tune")
