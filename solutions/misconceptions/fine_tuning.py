"""Misconceptions of chapter 11 (fine_tuning), as wrong versions of solutions/fine_tuning.py.

Each function replaces the reference function named in its decorator; its body may use the
reference module's own names only (torch, nn and the reference's functions: it is executed inside
a copy of that module). build_mlp, count_trainable_parameters, freeze_backbone and replace_head
are deterministic for a seed, so the judge replays the wrong versions through the driver. A
training loop is not: the same mistake in an Adam or mini-batch loop gives other weights. So the
fine_tune mistakes are recognised by `detect` predicates on what the driver reports (its `watch`
counts what happened to the head's weight: backward passes, optimizer steps, steps that found
the gradient empty or piled up), and their wrong versions only serve the catalogue's tests.
"""

import numpy as np
import torch
from torch import nn

from grader.engine.diagnosis import misconception
from solutions.fine_tuning import _last_linear_index

# -- what the fine_tune driver reported, for the detect predicates ------------------------------


def _runs(call) -> list[dict]:
    return call.value if isinstance(call.value, list) else []


def _head_moved(run) -> bool:
    return any(not np.array_equal(a, b) for a, b in zip(run["params"][-2:], run["head_before"]))


def _backbone_moved(run, weights) -> bool:
    flat = [array for pair in weights[:-1] for array in pair]
    return any(not np.array_equal(a, b) for a, b in zip(flat, run["params"]))


def _any_run(predicate):
    """A detect predicate true when one of the runs of a fine_tune call shows the mistake."""

    def detect(call, expected):
        return any(predicate(run, call) for run in _runs(call))

    return detect


# -- build_mlp ---------------------------------------------------------------------------------


@misconception(
    "build_mlp",
    """Your network ends with a ReLU after the last Linear layer. The last layer must return raw
    scores (logits), which can be negative; a ReLU there turns every negative score into 0 and
    stops its gradient, so the model cannot express "this class is unlikely".""",
)
def build_relu_after_last_layer(layer_sizes):
    sizes = list(layer_sizes)
    layers = []
    for i in range(len(sizes) - 1):
        layers += [nn.Linear(sizes[i], sizes[i + 1]), nn.ReLU()]
    return nn.Sequential(*layers)


@misconception(
    "build_mlp",
    """Your network ends with a softmax. cross_entropy takes raw scores (logits) and applies the
    softmax itself; a softmax in the model makes it apply two, which squashes the scores and makes
    training slow. Return the output of the last Linear layer and apply softmax only to read
    probabilities.""",
)
def build_softmax_output(layer_sizes):
    sizes = list(layer_sizes)
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers, nn.Softmax(dim=1))


@misconception(
    "build_mlp",
    """Your network has no ReLU between its Linear layers. Linear layers stacked without a
    nonlinearity between them compute one linear map, however many there are: the ReLUs are what
    let depth learn more than a single Linear layer can.""",
)
def build_without_relu(layer_sizes):
    sizes = list(layer_sizes)
    return nn.Sequential(*(nn.Linear(sizes[i], sizes[i + 1]) for i in range(len(sizes) - 1)))


@misconception(
    "build_mlp",
    """Your network puts a sigmoid between its Linear layers where the contract asks for ReLU. A
    sigmoid's slope is at most 1/4 and nearly 0 for large inputs, so gradients shrink layer by
    layer; ReLU passes them on unchanged wherever a unit is active.""",
)
def build_sigmoid_not_relu(layer_sizes):
    sizes = list(layer_sizes)
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.Sigmoid())
    return nn.Sequential(*layers)


@misconception(
    "build_mlp",
    """Your network has one Linear layer too few: layer_sizes = [n0, ..., nL] lists L + 1 sizes and
    asks for L Linear layers, one for each consecutive pair (n_k, n_k+1): loop over
    range(len(layer_sizes) - 1).""",
)
def build_one_layer_short(layer_sizes):
    sizes = list(layer_sizes)
    layers = []
    for i in range(len(sizes) - 2):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 3:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


# -- count_trainable_parameters --------------------------------------------------------------


@misconception(
    "count_trainable_parameters",
    """Your count includes the frozen parameters. model.parameters() yields every parameter,
    trainable or not; only those with p.requires_grad True will be trained, so only they count.""",
)
def count_includes_frozen(model):
    return sum(p.numel() for p in model.parameters())


@misconception(
    "count_trainable_parameters",
    """Your count is the number of parameter tensors, not of their elements. Each weight matrix
    and bias vector is one tensor holding many numbers to train; p.numel() is how many.""",
)
def count_tensors_not_elements(model):
    return sum(1 for p in model.parameters() if p.requires_grad)


@misconception(
    "count_trainable_parameters",
    """Your count leaves out the biases. Every nn.Linear has a bias vector as well as its weight
    matrix, and the biases are trained too: count every parameter with requires_grad.""",
)
def count_without_biases(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad and p.dim() > 1)


# -- freeze_backbone ---------------------------------------------------------------------------


@misconception(
    "freeze_backbone",
    """Your freeze_backbone freezes the head too, so nothing is left to train. Freezing means every
    parameter before the last Linear layer; the head's weight and bias must end with
    requires_grad True.""",
)
def freeze_head_too(model):
    for p in model.parameters():
        p.requires_grad_(False)
    return model


@misconception(
    "freeze_backbone",
    """Your freeze_backbone freezes the backbone but leaves the head's requires_grad as it found it.
    When the head was frozen before, it stays frozen and nothing trains: set requires_grad True on
    the head's parameters explicitly.""",
)
def freeze_head_left_as_it_was(model):
    i = _last_linear_index(model)
    for layer in list(model)[:i]:
        for p in layer.parameters():
            p.requires_grad_(False)
    return model


@misconception(
    "freeze_backbone",
    """Your freeze_backbone changes the model but returns None: it ends without `return model`.
    The contract returns the same model, so that calls can be chained, e.g.
    fine_tune(freeze_backbone(model), X, y).""",
)
def freeze_returns_nothing(model):
    head = model[_last_linear_index(model)]
    for p in model.parameters():
        p.requires_grad_(False)
    for p in head.parameters():
        p.requires_grad_(True)


@misconception(
    "freeze_backbone",
    """Your freeze_backbone freezes only the first layer. The backbone is every layer before the
    head, the last nn.Linear: all of their parameters get requires_grad False.""",
)
def freeze_first_layer_only(model):
    for p in model[0].parameters():
        p.requires_grad_(False)
    return model


@misconception(
    "freeze_backbone",
    """Your freeze_backbone freezes the head and leaves the backbone trainable, the other way round.
    The pretrained backbone is what we keep; the new head, the last nn.Linear, is what we train.""",
)
def freeze_head_instead(model):
    for p in model[_last_linear_index(model)].parameters():
        p.requires_grad_(False)
    return model


# -- replace_head ------------------------------------------------------------------------------


@misconception(
    "replace_head",
    """Your new head is built with nn.Linear's defaults, float32 on the CPU, whatever the model is.
    On a float64 model (or one on a GPU) the forward pass then fails; pass
    dtype=old.weight.dtype and device=old.weight.device.""",
)
def replace_head_default_dtype_and_device(model, num_classes):
    i = _last_linear_index(model)
    model[i] = nn.Linear(model[i].in_features, num_classes)
    return model


@misconception(
    "replace_head",
    """Your new head is created on the CPU whatever the model's device. For a model on a GPU the
    forward pass then fails with tensors on two devices: build the head with
    device=old.weight.device (as well as dtype=old.weight.dtype).""",
)
def replace_head_ignores_device(model, num_classes):
    i = _last_linear_index(model)
    old = model[i]
    model[i] = nn.Linear(old.in_features, num_classes, dtype=old.weight.dtype)
    return model


@misconception(
    "replace_head",
    """Your new head is on the old head's device but keeps the default dtype float32. On a float64
    model the forward pass then fails with a dtype mismatch; pass dtype=old.weight.dtype too.""",
)
def replace_head_ignores_dtype(model, num_classes):
    i = _last_linear_index(model)
    old = model[i]
    model[i] = nn.Linear(old.in_features, num_classes, device=old.weight.device)
    return model


@misconception(
    "replace_head",
    """Your replace_head appends the new head after the old one instead of putting it in its place.
    The old head then still maps the features to the old classes, and the new layer reads those
    scores; assign model[i] = new_head at the old head's index.""",
)
def replace_head_appended(model, num_classes):
    old = model[_last_linear_index(model)]
    model.append(nn.Linear(old.out_features, num_classes, dtype=old.weight.dtype, device=old.weight.device))
    return model


@misconception(
    "replace_head",
    """Your new head takes old.out_features as its number of inputs. The new head reads the same
    features as the old one, so its inputs are old.in_features; only its outputs change, to
    num_classes.""",
)
def replace_head_in_features_from_out_features(model, num_classes):
    i = _last_linear_index(model)
    old = model[i]
    model[i] = nn.Linear(old.out_features, num_classes, dtype=old.weight.dtype, device=old.weight.device)
    return model


@misconception(
    "replace_head",
    """Your replace_head builds and returns a new nn.Sequential and leaves the model it was given
    unchanged. The caller keeps using the object it passed in: change that model in place
    (model[i] = new_head) and return it.""",
)
def replace_head_new_sequential(model, num_classes):
    i = _last_linear_index(model)
    old = model[i]
    head = nn.Linear(old.in_features, num_classes, dtype=old.weight.dtype, device=old.weight.device)
    return nn.Sequential(*list(model)[:i], head, *list(model)[i + 1 :])


@misconception(
    "replace_head",
    """Your replace_head replaces the FIRST nn.Linear, not the last. The head is the last Linear
    layer, the one that maps the features to class scores: search from the end of the model.""",
)
def replace_head_first_linear(model, num_classes):
    i = next(k for k, layer in enumerate(model) if isinstance(layer, nn.Linear))
    old = model[i]
    model[i] = nn.Linear(old.in_features, num_classes, dtype=old.weight.dtype, device=old.weight.device)
    return model


@misconception(
    "replace_head",
    """Your new head keeps the old head's number of outputs instead of num_classes. The new task has
    its own classes: the head needs one output per class, nn.Linear(old.in_features, num_classes).""",
)
def replace_head_keeps_old_number_of_classes(model, num_classes):
    i = _last_linear_index(model)
    old = model[i]
    model[i] = nn.Linear(old.in_features, old.out_features, dtype=old.weight.dtype, device=old.weight.device)
    return model


# -- fine_tune (recognised by detect: training loops differ) -----------------------------------


@misconception(
    "fine_tune",
    """Your loop computes the gradients but never takes a step: nothing calls optimizer.step(), so
    the weights never change. Each step is zero_grad(), forward, loss.backward(), then step().""",
    detect=_any_run(
        lambda run, call: (
            not _head_moved(run)
            and run["watch"]["backward_passes"] > 0
            and run["watch"]["steps"] == 0
            and run["watch"]["steps_without_head"] == 0
        )
    ),
)
def fine_tune_without_step(model, X, y, epochs=100, lr=0.05, seed=0):
    torch.manual_seed(seed)
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=lr)
    for _ in range(epochs):
        opt.zero_grad()
        nn.functional.cross_entropy(model(X), y).backward()
    return model


@misconception(
    "fine_tune",
    """Your loop calls zero_grad() between loss.backward() and optimizer.step(): the gradient is
    thrown away just before it is used, so every step finds it empty and nothing moves. Clear the
    gradients at the start of a step, before loss.backward().""",
    detect=_any_run(
        lambda run, call: not _head_moved(run) and 0 < run["watch"]["steps"] == run["watch"]["empty_steps"]
    ),
)
def fine_tune_zero_grad_between_backward_and_step(model, X, y, epochs=100, lr=0.05, seed=0):
    torch.manual_seed(seed)
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=lr)
    for _ in range(epochs):
        nn.functional.cross_entropy(model(X), y).backward()
        opt.zero_grad()
        opt.step()
    return model


@misconception(
    "fine_tune",
    """Your loop never clears the gradients. loss.backward() adds to each parameter's .grad, so
    without optimizer.zero_grad() (or p.grad = None) every update uses the sum of all the gradients
    so far, not the current one; clear them once per step, before loss.backward().""",
    detect=_any_run(lambda run, call: run["watch"]["piled_up"] > 0),
)
def fine_tune_without_zero_grad(model, X, y, epochs=100, lr=0.05, seed=0):
    torch.manual_seed(seed)
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=lr)
    for _ in range(epochs):
        nn.functional.cross_entropy(model(X), y).backward()
        opt.step()
    return model


@misconception(
    "fine_tune",
    """Your optimizer is given every parameter, frozen ones too. requires_grad False only stops new
    gradients: a frozen weight that still carries a .grad from earlier training (or that has
    weight decay) is moved by the optimizer. Give it [p for p in model.parameters() if
    p.requires_grad].""",
    detect=_any_run(
        lambda run, call: not any(run["requires_grad"][:-2]) and _backbone_moved(run, call.kwargs["weights"])
    ),
)
def fine_tune_optimizer_over_all_parameters(model, X, y, epochs=100, lr=0.05, seed=0):
    torch.manual_seed(seed)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(epochs):
        nn.functional.cross_entropy(model(X), y).backward()
        opt.step()
        opt.zero_grad()
    return model


@misconception(
    "fine_tune",
    """Your fine_tune turns requires_grad back on for the frozen backbone and trains the whole
    network. Fine-tuning with a frozen backbone trains only what is trainable when fine_tune is
    called, which keeps the pretrained features intact.""",
    detect=_any_run(lambda run, call: any(run["requires_grad"][:-2])),
)
def fine_tune_unfreezes_backbone(model, X, y, epochs=100, lr=0.05, seed=0):
    torch.manual_seed(seed)
    model.requires_grad_(True)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(epochs):
        opt.zero_grad()
        nn.functional.cross_entropy(model(X), y).backward()
        opt.step()
    return model


@misconception(
    "fine_tune",
    """Your loop does not run exactly `epochs` times: asked for epochs=0 it still trains. A fixed
    count (range(100)) or one pass too many (range(epochs + 1), `while epoch <= epochs`) does
    that; loop `for _ in range(epochs)`, so that a caller decides how long to train.""",
    detect=_any_run(lambda run, call: call.kwargs.get("epochs") == 0 and _head_moved(run)),
)
def fine_tune_loop_count_not_epochs(model, X, y, epochs=100, lr=0.05, seed=0):
    torch.manual_seed(seed)
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=lr)
    for _ in range(100):
        opt.zero_grad()
        nn.functional.cross_entropy(model(X), y).backward()
        opt.step()
    return model


@misconception(
    "fine_tune",
    """Your fine_tune has another default number of epochs than the contract's epochs=100, so a call
    without `epochs` trains far less than it should. Keep the signature as given:
    fine_tune(model, X, y, epochs=100, lr=0.05, seed=0).""",
    detect=_any_run(lambda run, call: "epochs" not in call.kwargs and 0 < run["watch"]["backward_passes"] <= 50),
)
def fine_tune_default_epochs_changed(model, X, y, epochs=10, lr=0.05, seed=0):
    torch.manual_seed(seed)
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=lr)
    for _ in range(epochs):
        opt.zero_grad()
        nn.functional.cross_entropy(model(X), y).backward()
        opt.step()
    return model


@misconception(
    "fine_tune",
    """Your optimizer uses a fixed learning rate instead of the `lr` argument, so a caller cannot
    choose the step size. Build it with lr=lr.""",
    detect=_any_run(lambda run, call: call.kwargs.get("lr") == 0 and _head_moved(run)),
)
def fine_tune_ignores_lr(model, X, y, epochs=100, lr=0.05, seed=0):
    torch.manual_seed(seed)
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.05)
    for _ in range(epochs):
        opt.zero_grad()
        nn.functional.cross_entropy(model(X), y).backward()
        opt.step()
    return model


@misconception(
    "fine_tune",
    """Your loss applies a softmax before cross_entropy. cross_entropy expects raw scores (logits)
    and applies the softmax itself; applied twice, the scores are squashed into [0, 1] and the
    gradients become tiny, so the head learns far too slowly.""",
)
def fine_tune_softmax_before_cross_entropy(model, X, y, epochs=100, lr=0.05, seed=0):
    torch.manual_seed(seed)
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=lr)
    for _ in range(epochs):
        opt.zero_grad()
        nn.functional.cross_entropy(torch.softmax(model(X), dim=1), y).backward()
        opt.step()
    return model


@misconception(
    "fine_tune",
    """Your loss is nll_loss on the raw scores. nll_loss expects log-probabilities (the output of
    log_softmax) and only picks the entry of the true class, so on raw logits it just pushes that
    score up without bound; cross_entropy(logits, y) does log_softmax and nll_loss in one.""",
)
def fine_tune_nll_on_logits(model, X, y, epochs=100, lr=0.05, seed=0):
    torch.manual_seed(seed)
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=lr)
    for _ in range(epochs):
        opt.zero_grad()
        nn.functional.nll_loss(model(X), y).backward()
        opt.step()
    return model


@misconception(
    "fine_tune",
    """Your mini-batches are shuffled with a random stream that fine_tune does not seed, so the same
    seed gives different weights from one call to the next. Call torch.manual_seed(seed) first (or
    shuffle with a torch.Generator seeded from seed).""",
    detect=lambda call, expected: (
        len(_runs(call)) == 2
        and not all(np.array_equal(a, b) for a, b in zip(_runs(call)[0]["params"], _runs(call)[1]["params"]))
    ),
)
def fine_tune_unseeded_shuffling(model, X, y, epochs=100, lr=0.05, seed=0):
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=lr)
    for _ in range(epochs):
        for batch in torch.randperm(len(X)).split(5):
            opt.zero_grad()
            nn.functional.cross_entropy(model(X[batch]), y[batch]).backward()
            opt.step()
    return model


@misconception(
    "fine_tune",
    """Your fine_tune trains a copy of the model and returns the copy, leaving the caller's model
    untrained. Unlike the numpy functions of this course, torch's training code changes a model in
    place: train the model you were given and return that same object.""",
    detect=_any_run(
        lambda run, call: (
            not run["same"]
            and run["returned_type"] != "NoneType"
            and not _head_moved(run)
            and run["watch"]["backward_passes"] == 0
        )
    ),
)
def fine_tune_trains_a_copy(model, X, y, epochs=100, lr=0.05, seed=0):
    import copy

    model = copy.deepcopy(model)
    torch.manual_seed(seed)
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=lr)
    for _ in range(epochs):
        opt.zero_grad()
        nn.functional.cross_entropy(model(X), y).backward()
        opt.step()
    return model


@misconception(
    "fine_tune",
    """Your fine_tune trains the model but returns None: it ends without `return model`. The
    contract returns the same model, so that a caller can write
    model = fine_tune(model, X, y).""",
    detect=_any_run(lambda run, call: run["returned_type"] == "NoneType"),
)
def fine_tune_returns_nothing(model, X, y, epochs=100, lr=0.05, seed=0):
    torch.manual_seed(seed)
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=lr)
    for _ in range(epochs):
        opt.zero_grad()
        nn.functional.cross_entropy(model(X), y).backward()
        opt.step()
