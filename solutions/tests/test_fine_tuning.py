"""Hidden tests: transfer learning with torch (chapter 11), 12 points.

The learner's functions take torch models, which cannot cross to the judge: every test goes
through a driver (solutions/drivers/fine_tuning.py) that builds the models in the worker with
plain torch and reports plain data. This process never imports torch; accuracies are computed
here with numpy from the weights the driver sends back.

Mistakes these tests are built to catch (each loses points):
- build_mlp: a ReLU (or softmax) after the last Linear; no ReLU at all; in/out sizes swapped or
  shifted; a plain list or a custom module instead of an nn.Sequential.
- count_trainable_parameters: frozen parameters counted too; the biases forgotten; counting
  parameter tensors instead of their elements.
- freeze_backbone: the head frozen too (nothing left to train); the head not turned back on when
  it was frozen before; only the first layer frozen; a new model returned (or None) instead of
  the same object; weights changed.
- replace_head: a new nn.Sequential returned instead of changing the model in place; the head
  appended instead of replaced; in_features taken from the old head's out_features; num_classes
  ignored; the new head built in float32 on a float64 model, or on the CPU for a model on
  another device (tested on torch's "meta" device, which needs no GPU), or frozen; backbone
  layers rebuilt.
- fine_tune: no training (optimizer.step() forgotten, zero_grad() between backward() and
  step(), zero epochs, one epoch too few); gradients never cleared (they pile up from step to
  step); the backbone unfrozen and trained; an optimizer over all parameters that moves frozen
  weights carrying a leftover .grad (step before zero_grad, weight decay, or a hand-written
  update of every parameter with a grad); epochs or lr ignored, or one epoch too many; the
  softmax applied before cross_entropy (it trains too slowly to reach the accuracy); another loss
  than a cross-entropy, such as MSE on one-hot targets (the driver sees rows of the gradient at the
  logits that do not sum to 0); unseeded
  shuffling (not reproducible); a copy or None returned.
The driver watches the head's weight during training (solutions/drivers/fine_tuning.py: _Watch),
so that a loop that did not train is told which of those it did: messages name a cause only when
the driver saw it.
A correct solution gets everything whatever its loop: SGD with or without momentum, Adam,
full batch or mini-batches, optimizer.step() or a hand-written update, at the default epochs
and lr (see benchmarks/calibrate_fine_tuning.py).
"""

import numpy as np

from grader.engine.testkit import Feedback, check_scalar, grades, parametrize, passed_note
from solutions.foundation import data

AFTER_LAST = {
    "ReLU": "a ReLU there clips every negative score to 0 and stops its gradient",
    "Softmax": "cross_entropy applies the softmax itself, so a Softmax layer there makes it apply two",
    "LogSoftmax": "cross_entropy applies the (log-)softmax itself, so a LogSoftmax layer there applies it twice",
}


# -- helpers -------------------------------------------------------------------------------


def param_sizes(sizes):
    """Element counts of W0, b0, W1, b1, ... of a plain MLP."""
    out = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        out += [n_in * n_out, n_out]
    return out


def returned_type(report):
    """What a function returned, for a message: "None" or "a Sequential"."""
    name = report["returned_type"]
    if name == "NoneType":
        return "None"
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def check_same(report, what, fn):
    if report["same"]:
        return
    if report["returned_type"] == "NoneType":
        raise Feedback(f"{what} returned None: {fn} must end with `return model`, the model it was given")
    raise Feedback(
        f"{what} returned {returned_type(report)} that is not the model it was given: {fn} changes "
        "the model in place and returns that same object (return model)"
    )


def check_linear_stack(layers, sizes, what):
    """The children of a Linear/ReLU stack for `sizes`, with teaching messages."""
    types = [layer["type"] for layer in layers]
    expected = ["Linear", "ReLU"] * (len(sizes) - 2) + ["Linear"]
    if types[: len(expected)] == expected and len(types) == len(expected) + 1:
        why = AFTER_LAST.get(types[-1], "the forward pass must return what the last Linear computes")
        raise Feedback(
            f"{what} ends with a {types[-1]} after the last Linear: the network must return the raw scores "
            f"(logits) of the last Linear; {why}"
        )
    if types != expected:
        raise Feedback(
            f"{what} has the layers {types}; for {len(sizes)} sizes it should be {len(sizes) - 1} Linear "
            f"layer{'s' if len(sizes) > 2 else ''} with a ReLU between two consecutive ones and nothing after the last"
        )
    for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        lin = layers[2 * k]
        if (lin["in_features"], lin["out_features"]) != (n_in, n_out):
            raise Feedback(
                f"{what}: Linear layer {k} maps {lin['in_features']} -> {lin['out_features']} features; "
                f"layer k should map layer_sizes[k] -> layer_sizes[k+1], here {n_in} -> {n_out}"
            )
        if lin["bias_shape"] is None:
            raise Feedback(f"{what}: Linear layer {k} has no bias; keep nn.Linear's default bias=True")


# Loaded while the tests are collected, so that it overlaps with the worker's start-up.
SPLIT = data.digits_split()
FOUNDATION = data.load_foundation()


def few_shot_task():
    return SPLIT, FOUNDATION


def as_pairs(flat):
    return list(zip(flat[0::2], flat[1::2]))


def head_changed(report):
    return any(not np.array_equal(a, b) for a, b in zip(report["params"][-2:], report["head_before"]))


def check_trained(report, what):
    """The head moved; if not, say what the driver saw happen instead (only that)."""
    if head_changed(report):
        return
    seen = report["watch"]
    unchanged = f"{what} left the new head exactly as it was"
    if seen["backward_passes"] == 0:
        raise Feedback(
            f"{unchanged}, and no gradient was ever computed for it: loss.backward() was not run on a loss "
            "computed from model(X) (does the loop run `epochs` times, and call loss.backward()?)"
        )
    if seen["steps"] == 0 and seen["steps_without_head"] > 0:
        raise Feedback(
            f"{unchanged}: optimizer.step() ran, but that optimizer does not hold the head's parameters; "
            "build it over [p for p in model.parameters() if p.requires_grad]"
        )
    if seen["steps"] == 0:
        raise Feedback(
            f"{unchanged}: gradients were computed ({seen['backward_passes']} backward passes) but no "
            "optimizer step was taken. Call optimizer.step() after loss.backward() (an update written by "
            "hand must change each parameter in place, under torch.no_grad(): p -= lr * p.grad)"
        )
    if seen["empty_steps"] == seen["steps"]:
        raise Feedback(
            f"{unchanged}: optimizer.step() ran {seen['steps']} times, but each time the head's .grad was "
            "empty, because zero_grad() runs between loss.backward() and optimizer.step() and throws the "
            "gradient away. The order of a step is zero_grad(), forward, loss.backward(), step()"
        )
    raise Feedback(
        f"{unchanged}, although optimizer.step() ran with a gradient on it (is the optimizer's learning rate "
        "the lr argument, and are the trained weights the ones left in the model?)"
    )


def backbone_changed(report, weights):
    """The index of the first frozen Linear whose weights moved, or None."""
    for k, ((W, b), (W2, b2)) in enumerate(zip(weights[:-1], as_pairs(report["params"])[:-1])):
        if not (np.array_equal(W, W2) and np.array_equal(b, b2)):
            return k
    return None


def check_backbone_kept(report, weights, what):
    if report["types"][-1] != "Linear" or len(report["params"]) != 2 * len(weights):
        raise Feedback(f"{what} changed the layers of the model (now {report['types']}); it should only train it")
    flags = report["requires_grad"]
    if any(flags[:-2]):
        raise Feedback(
            f"{what} turned requires_grad back on for frozen backbone parameters: fine_tune trains the "
            "parameters that are trainable when it is called and leaves requires_grad as it finds it"
        )
    if not all(flags[-2:]):
        raise Feedback(f"{what} froze the head (requires_grad False); training must leave it trainable")
    k = backbone_changed(report, weights)
    if k is not None:
        raise Feedback(
            f"{what} changed the frozen Linear layer {k} of the backbone although its requires_grad stayed "
            "False: something updates parameters that are not trainable. An optimizer given every "
            "parameter moves a frozen one that still carries a .grad (or has weight decay): give it "
            "[p for p in model.parameters() if p.requires_grad] only"
        )


# -- build_mlp -----------------------------------------------------------------------------


@parametrize("sizes", [[64, 64, 32, 5], [7, 5, 4, 3]])
@grades("build_mlp", points=0.75)
def test_build_mlp_layers(learner, sizes):
    what = f"build_mlp({sizes})"
    report = learner.drive("build", layer_sizes=sizes, _describe=what)
    if not report["is_sequential"]:
        raise Feedback(f"{what} returned a {report['type']}; it should return a torch.nn.Sequential")
    check_linear_stack(report["layers"], sizes, what)
    if report["output_shape"] != [3, sizes[-1]]:
        raise Feedback(
            f"{what}: a batch of 3 inputs should give scores of shape (3, {sizes[-1]}); "
            f"the forward pass gave {report['output_shape']}"
        )


@grades("build_mlp", points=0.5)
def test_build_mlp_single_layer(learner):
    what = "build_mlp([4, 3]) (a single Linear layer, so no ReLU at all)"
    report = learner.drive("build", layer_sizes=[4, 3], _describe=what)
    if not report["is_sequential"]:
        raise Feedback(f"{what} returned a {report['type']}; it should return a torch.nn.Sequential")
    check_linear_stack(report["layers"], [4, 3], what)


@grades("build_mlp", points=0.5)
def test_build_mlp_trainable_float32(learner):
    sizes = [6, 9, 2]
    what = f"build_mlp({sizes})"
    report = learner.drive("build", layer_sizes=sizes, _describe=what)
    if not report["is_sequential"]:
        raise Feedback(f"{what} returned a {report['type']}; it should return a torch.nn.Sequential")
    flags = report["requires_grad"]
    if len(flags) != 4:
        raise Feedback(
            f"{what} holds {len(flags)} parameter tensors; two Linear layers hold 4 (a weight and a bias each)"
        )
    if not all(flags):
        raise Feedback(
            f"{what}: {flags.count(False)} of its parameter tensors have requires_grad False; a new network "
            "starts fully trainable"
        )
    if report["dtypes"] != ["float32"]:
        raise Feedback(f"{what} has parameters of dtype {report['dtypes']}; keep torch's default float32")


# -- count_trainable_parameters ------------------------------------------------------------


@grades("count_trainable_parameters", points=0.75)
def test_count_all_trainable(learner):
    for sizes in ([64, 64, 32, 5], [3, 1], [5, 4, 4, 2]):
        what = f"count_trainable_parameters(model) for a fully trainable MLP {sizes}"
        got = learner.drive("count", layer_sizes=sizes, _describe=what)
        check_scalar(got, sum(param_sizes(sizes)), what, rtol=0, atol=0)


@grades("count_trainable_parameters", points=0.75)
def test_count_some_frozen(learner):
    for sizes, frozen, dtype in (
        ([64, 64, 32, 5], (0, 1, 2, 3), "float32"),
        ([8, 6, 4], (0, 3), "float64"),
        ([5, 3], (0, 1), "float32"),
    ):
        n = param_sizes(sizes)
        what = (
            f"count_trainable_parameters(model) for an MLP {sizes} ({dtype}) with {len(frozen)} of its "
            f"{len(n)} parameter tensors frozen"
        )
        got = learner.drive("count", layer_sizes=sizes, frozen=list(frozen), dtype=dtype, _describe=what)
        if isinstance(got, int | float) and got == sum(n) != 0:
            raise Feedback(f"{what} counted the frozen parameters too: only those with requires_grad True count")
        check_scalar(got, sum(s for i, s in enumerate(n) if i not in frozen), what, rtol=0, atol=0)


# -- freeze_backbone -----------------------------------------------------------------------


def check_changed_in_place(report, what, fn):
    """When the model given was left as it was, say so if a different object came back."""
    if not report["same"]:
        raise Feedback(
            f"{what} left the model it was given unchanged and returned {returned_type(report)}: "
            f"{fn} changes the model in place and returns that same object"
        )


def check_only_head_trainable(report, sizes, what):
    flags = report["requires_grad"]
    if flags == [False] * (len(flags) - 2) + [True, True]:
        return
    if flags == report["requires_grad_before"]:
        check_changed_in_place(report, what, "freeze_backbone")
    if flags[-2:] != [True, True] and not any(flags):
        raise Feedback(
            f"{what} ends with every parameter frozen, the head too: nothing is left to train. The last "
            "Linear's weight and bias must end with requires_grad True"
        )
    if flags[-2:] != [True, True]:
        raise Feedback(
            f"{what} left the head (the last Linear) frozen; its weight and bias must end with requires_grad True"
        )
    if any(flags[:-2]):
        frozen = sum(1 for f in flags[:-2] if not f)
        raise Feedback(
            f"{what} froze {frozen} of the {len(flags) - 2} backbone parameter tensors; every parameter "
            "before the last Linear must get requires_grad False"
        )


@parametrize("sizes", [[64, 64, 32, 5], [6, 8, 7, 5, 3]])
@grades("freeze_backbone", points=0.5)
def test_freeze_backbone_only_head_trainable(learner, sizes):
    what = f"freeze_backbone(model) on a trainable MLP {sizes}"
    report = learner.drive("freeze", layer_sizes=sizes, _describe=what)
    check_only_head_trainable(report, sizes, what)


@grades("freeze_backbone", points=0.5)
def test_freeze_backbone_turns_the_head_on(learner):
    sizes = [6, 5, 4, 3]
    what = f"freeze_backbone(model) on an MLP {sizes} whose head's weight (not its bias) was frozen before"
    report = learner.drive("freeze", layer_sizes=sizes, frozen_before=[4], _describe=what)
    check_only_head_trainable(report, sizes, what)
    what = "freeze_backbone(model) on a model with a single Linear layer whose bias was frozen (it is the head)"
    report = learner.drive("freeze", layer_sizes=[4, 2], frozen_before=[1], _describe=what)
    check_only_head_trainable(report, [4, 2], what)
    sizes = [5, 4, 3]
    what = f"freeze_backbone(model) on an MLP {sizes} that was entirely frozen before"
    report = learner.drive("freeze", layer_sizes=sizes, frozen_before=[0, 1, 2, 3], _describe=what)
    check_only_head_trainable(report, sizes, what)


@grades("freeze_backbone", points=0.5)
def test_freeze_backbone_same_model_weights_untouched(learner):
    sizes = [7, 6, 4]
    what = f"freeze_backbone(model) on an MLP {sizes}"
    report = learner.drive("freeze", layer_sizes=sizes, seed=3, _describe=what)
    check_same(report, what, "freeze_backbone")
    if [layer["type"] for layer in report["layers"]] != ["Linear", "ReLU", "Linear"]:
        raise Feedback(f"{what} changed the model's layers; it should only set requires_grad")
    if not all(np.array_equal(a, b) for a, b in zip(report["before"], report["after"])):
        raise Feedback(f"{what} changed parameter values; freezing only sets requires_grad")


# -- replace_head --------------------------------------------------------------------------


def check_new_head(report, sizes, num_classes, dtype, what, device="cpu", tail=()):
    """The model after replace_head: the same layers, a new head at the last Linear's index.

    tail: the types of the parameterless layers that follow the head in the model given.
    """
    layers = report["layers"]
    expected_types = ["Linear", "ReLU"] * (len(sizes) - 2) + ["Linear", *tail]
    types = [layer["type"] for layer in layers]
    if types != expected_types:
        raise Feedback(
            f"{what}: the model's layers are now {types}; the last Linear should be REPLACED at the same "
            f"index (model[i] = new_layer), leaving {expected_types}"
        )
    at = len(layers) - 1 - len(tail)
    head = layers[at]
    if all(report["kept"][at:]) and not all(report["kept"]):
        raise Feedback(
            f"{what} replaced another layer than the last Linear; the head is the last nn.Linear of the model"
        )
    if report["kept"][at]:
        check_changed_in_place(report, what, "replace_head")
        raise Feedback(f"{what}: the old head (the last Linear) is still in place; put a new nn.Linear at its index")
    if (head["in_features"], head["out_features"]) != (sizes[-2], num_classes):
        raise Feedback(
            f"{what}: the new head maps {head['in_features']} -> {head['out_features']} features; it "
            f"reads the same features as the old one ({sizes[-2]}, old.in_features) and has one "
            f"output per class ({num_classes})"
        )
    if head["bias_shape"] is None:
        raise Feedback(f"{what}: the new head has no bias; nn.Linear's default bias=True is expected")
    if not all(k for i, k in enumerate(report["kept"]) if i != at):
        raise Feedback(
            f"{what} rebuilt backbone layers: only the head is new, the other layers must stay the "
            "same objects with their pretrained weights"
        )
    if not all(report["requires_grad"][at]):
        raise Feedback(f"{what}: the new head is frozen; it must be trainable (requires_grad True)")
    if head["device"] != device:
        raise Feedback(
            f"{what}: the new head is on the device {head['device']!r} while the model is on {device!r}; "
            "build it on the old head's device (nn.Linear(..., device=old.weight.device)): a model on a "
            "GPU with a head on the CPU fails in its forward pass"
        )
    if head["dtype"] != dtype:
        raise Feedback(
            f"{what}: the new head is {head['dtype']} on a {dtype} model; build it with the old head's "
            "dtype (nn.Linear(..., dtype=old.weight.dtype)): a float64 model needs a float64 head"
        )


@parametrize("sizes, num_classes", [([64, 64, 32, 5], 5), ([6, 7, 4, 9], 3)])
@grades("replace_head", points=0.5)
def test_replace_head_new_trainable_linear(learner, sizes, num_classes):
    what = f"replace_head(model, {num_classes}) on an MLP {sizes}"
    report = learner.drive("replace", layer_sizes=sizes, num_classes=num_classes, _describe=what)
    check_new_head(report, sizes, num_classes, "float32", what)
    kept = report["kept_params"]
    if len(kept) != len(report["before"]) - 2 or not all(
        np.array_equal(a, b) for a, b in zip(kept, report["before"][:-2])
    ):
        raise Feedback(f"{what} changed the backbone's weights; only the head is replaced")


@grades("replace_head", points=0.25)
def test_replace_head_keeps_dtype_float64(learner):
    sizes, num_classes = [5, 6, 4], 7
    what = f"replace_head(model, {num_classes}) on a float64 MLP {sizes} whose parameters were all frozen"
    report = learner.drive(
        "replace", layer_sizes=sizes, num_classes=num_classes, dtype="float64", freeze_first=True, _describe=what
    )
    check_new_head(report, sizes, num_classes, "float64", what)
    forward = report["forward"]
    if "error" in forward:
        raise Feedback(f"{what}: the model's forward pass then fails ({forward['error']})")
    if forward["shape"] != [4, num_classes] or forward["dtype"] != "float64":
        raise Feedback(f"{what}: a float64 batch of 4 should give float64 scores of shape (4, {num_classes})")


@grades("replace_head", points=0.25)
def test_replace_head_keeps_device(learner):
    sizes, num_classes = [6, 5, 4], 3
    what = (
        f"replace_head(model, {num_classes}) on a float64 MLP {sizes} on torch's 'meta' device "
        "(it stands for any device other than the CPU, a GPU for example)"
    )
    report = learner.drive(
        "replace", layer_sizes=sizes, num_classes=num_classes, dtype="float64", device="meta", _describe=what
    )
    check_new_head(report, sizes, num_classes, "float64", what, device="meta")
    forward = report["forward"]
    if "error" in forward:
        raise Feedback(f"{what}: the model's forward pass then fails ({forward['error']})")


@grades("replace_head", points=0.25)
def test_replace_head_finds_the_last_linear(learner):
    sizes, num_classes = [7, 6, 5], 4
    what = (
        f"replace_head(model, {num_classes}) on an MLP {sizes} followed by an nn.Softmax(dim=1) (a classifier "
        "that outputs probabilities: its head, the last nn.Linear, is not its last layer)"
    )
    report = learner.drive(
        "replace", layer_sizes=sizes, num_classes=num_classes, softmax_after=True, seed=5, _describe=what
    )
    check_new_head(report, sizes, num_classes, "float32", what, tail=("Softmax",))


@grades("replace_head", points=0.25)
def test_replace_head_returns_same_model(learner):
    sizes = [8, 5, 3]
    what = f"replace_head(model, 2) on an MLP {sizes}"
    report = learner.drive("replace", layer_sizes=sizes, num_classes=2, seed=4, _describe=what)
    check_same(report, what, "replace_head")
    if report["kept"][-1] and len(report["layers"]) == 3:
        raise Feedback(f"{what} returned the model without a new head: the model must be changed in place")


# -- fine_tune -----------------------------------------------------------------------------

FEW_SHOT = (
    f"the foundation model (pretrained on digits 0-4) with a new 5-class head and a frozen backbone, "
    f"fine_tune(model, X, y) on {5 * data.K_PER_CLASS} labelled digits 5-9"
)


@grades("fine_tune", points=1.5)
def test_fine_tune_reaches_accuracy_on_unseen_digits(learner):
    split, weights = few_shot_task()
    report = learner.drive("fine_tune", weights=weights, X=split.X_few, y=split.y_few, head_seed=0, _describe=FEW_SHOT)[
        0
    ]
    check_same(report, FEW_SHOT, "fine_tune")
    check_trained(report, FEW_SHOT)
    params = as_pairs(report["params"])
    acc = data.accuracy(params, split.X_test, split.y_test)
    n = len(split.y_test)
    comparison = (
        f"For comparison, the same network trained from scratch on those {len(split.y_few)} images with "
        f"plain SGD at the same epochs and lr reaches about {data.FROM_SCRATCH_SAME_LOOP:.2f}."
    )
    if not np.isfinite(params[-1][0]).all():
        raise Feedback(f"{FEW_SHOT}: the head's weights became NaN or infinite: the training diverged")
    off = report["watch"]["not_shift_invariant"]
    if off:
        raise Feedback(
            f"{FEW_SHOT}: in {off} of {report['watch']['backward_passes']} backward passes the gradient that "
            "reached the logits was not that of a cross-entropy: for cross_entropy(model(X), y) every row of "
            "it (softmax - one-hot) sums to 0, and here some rows did not. Train with "
            "nn.functional.cross_entropy(model(X), y) on the class indices, not another loss (MSE on one-hot "
            "targets, for example)"
        )
    if acc < data.PASS_ACCURACY:
        raise Feedback(
            f"{FEW_SHOT}: accuracy {acc:.3f} on {n} unseen digits, below the {data.PASS_ACCURACY:.2f} "
            f"this exercise asks for; a correct loop reaches about 0.83. {comparison} What to check: the "
            "loss is nn.functional.cross_entropy on the raw logits model(X) (no softmax before it), and "
            "the loop runs `epochs` times at learning rate `lr`, and the images and labels stay paired."
        )
    passed_note(
        f"fine-tuning only the head on {len(split.y_few)} labelled images: accuracy {acc:.3f} on {n} "
        f"unseen digits. {comparison}"
    )


@grades("fine_tune", points=0.5)
def test_fine_tune_leaves_backbone_unchanged(learner):
    split, weights = few_shot_task()
    report = learner.drive("fine_tune", weights=weights, X=split.X_few, y=split.y_few, head_seed=1, _describe=FEW_SHOT)[
        0
    ]
    check_same(report, FEW_SHOT, "fine_tune")
    check_trained(report, FEW_SHOT)
    check_backbone_kept(report, weights, FEW_SHOT)


@grades("fine_tune", points=0.5)
def test_fine_tune_ignores_leftover_grads_of_frozen_weights(learner):
    split, weights = few_shot_task()
    what = FEW_SHOT + ", the frozen weights still carrying a .grad left over from pretraining"
    report = learner.drive(
        "fine_tune", weights=weights, X=split.X_few, y=split.y_few, head_seed=2, leftover_grads=True, _describe=what
    )[0]
    check_same(report, what, "fine_tune")
    check_trained(report, what)
    check_backbone_kept(report, weights, what)


@grades("fine_tune", points=0.5)
def test_fine_tune_uses_epochs_and_lr(learner):
    split, weights = few_shot_task()
    X, y = split.X_few[:10], split.y_few[:10]
    for kwargs, rule in (
        ({"epochs": 0}, "the loop must run exactly `epochs` times (not a fixed number of times, not epochs + 1)"),
        ({"epochs": 5, "lr": 0.0}, "every update must use the lr argument, not a fixed learning rate"),
    ):
        args = ", ".join(f"{k}={v}" for k, v in kwargs.items())
        what = f"fine_tune(model, X, y, {args}) on the foundation model with a new head"
        report = learner.drive("fine_tune", weights=weights, X=X, y=y, head_seed=3, _describe=what, **kwargs)[0]
        check_same(report, what, "fine_tune")
        if head_changed(report):
            raise Feedback(f"{what} changed the head's weights, where {args} should move nothing: {rule}")
    what = "fine_tune(model, X, y, epochs=1, lr=0.05) (a single pass) on the foundation model with a new head"
    report = learner.drive("fine_tune", weights=weights, X=X, y=y, head_seed=3, epochs=1, lr=0.05, _describe=what)[0]
    check_same(report, what, "fine_tune")
    check_trained(report, what)
    what = "fine_tune(model, X, y) (the default epochs) on the foundation model with a new head"
    report = learner.drive("fine_tune", weights=weights, X=X, y=y, head_seed=3, _describe=what)[0]
    check_same(report, what, "fine_tune")
    passes = report["watch"]["backward_passes"]
    if passes < 100:
        raise Feedback(
            f"{what} computed the head's gradient {passes} times; the default epochs=100 means at least 100 "
            "passes over the data, each with its backward pass (the signature is fine_tune(model, X, y, "
            "epochs=100, lr=0.05, seed=0))"
        )


@grades("fine_tune", points=0.5)
def test_fine_tune_clears_gradients_every_step(learner):
    split, weights = few_shot_task()
    what = "fine_tune(model, X, y, epochs=5) on the foundation model with a new head"
    report = learner.drive(
        "fine_tune", weights=weights, X=split.X_few, y=split.y_few, head_seed=5, epochs=5, _describe=what
    )[0]
    check_same(report, what, "fine_tune")
    check_trained(report, what)
    piled, passes = report["watch"]["piled_up"], report["watch"]["backward_passes"]
    if piled:
        raise Feedback(
            f"{what}: {piled} of its {passes} backward passes added the new gradient onto the head's old .grad, "
            "which an update had already used: loss.backward() adds to .grad, so gradients pile up unless "
            "they are cleared. Call optimizer.zero_grad() once per step, before loss.backward()"
        )


@grades("fine_tune", points=0.5)
def test_fine_tune_reproducible_for_a_seed(learner):
    split, weights = few_shot_task()
    what = "fine_tune(model, X, y, epochs=20, seed=7) twice on two identical models"
    first, second = learner.drive(
        "fine_tune",
        weights=weights,
        X=split.X_few,
        y=split.y_few,
        head_seed=4,
        runs=2,
        epochs=20,
        seed=7,
        _describe=what,
    )
    check_same(first, what, "fine_tune")
    check_trained(first, what)
    if not all(np.array_equal(a, b) for a, b in zip(first["params"], second["params"])):
        raise Feedback(
            f"{what} gave different weights: seed everything random (torch.manual_seed(seed), or a "
            "generator built from seed, for the shuffling) so that a seed gives the same result"
        )
