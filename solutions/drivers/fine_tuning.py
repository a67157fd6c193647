"""Drivers for the fine_tuning hidden tests; they run INSIDE the worker, next to the learner's code.

Each driver builds torch models with plain torch (never with the learner's build_mlp, so that one
bug does not cascade into every test), hands them to one of the learner's functions and reports
what it observes as plain data: type names, shapes, flags, and weights as numpy arrays. No
expected value lives here; the tests in the judge (which never imports torch) decide.
"""

import numpy as np
import torch
from torch import nn
from torch.optim.optimizer import register_optimizer_step_pre_hook

torch.set_num_threads(1)  # two cores, and a judge process next door


def _warm_up():
    """Pay torch's one-off lazy imports (the first optimizer step, the first backward pass) now,
    while the worker boots, rather than inside the learner's first timed call."""
    lin = nn.Linear(2, 2)
    for opt in (torch.optim.SGD(lin.parameters(), lr=0.0), torch.optim.Adam(lin.parameters(), lr=0.0)):
        opt.zero_grad()
        nn.functional.cross_entropy(lin(torch.zeros(1, 2)), torch.zeros(1, dtype=torch.long)).backward()
        opt.step()


_warm_up()

DTYPES = {"float32": torch.float32, "float64": torch.float64}


def _plain_mlp(sizes, dtype="float32", seed=0, device="cpu"):
    torch.manual_seed(seed)
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1], dtype=DTYPES[dtype], device=device))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def _array(t):
    return t.detach().cpu().numpy().copy()


def _layer(module):
    """What one child module is, as plain data."""
    info = {"type": type(module).__name__, "params": len(list(module.parameters()))}
    if isinstance(module, nn.Linear):
        info.update(
            in_features=int(module.in_features),
            out_features=int(module.out_features),
            weight_shape=list(module.weight.shape),
            bias_shape=None if module.bias is None else list(module.bias.shape),
            dtype=str(module.weight.dtype).removeprefix("torch."),
            device=module.weight.device.type,
        )
    return info


def _number(value):
    """A count as a Python number when it is one (a 0-d tensor counts), else its type name."""
    if isinstance(value, torch.Tensor):
        return value.item() if value.numel() == 1 else f"tensor of shape {tuple(value.shape)}"
    if isinstance(value, (bool, int, float, np.integer, np.floating, np.ndarray)) or value is None:
        return value
    return type(value).__name__


def _params(model):
    return [_array(p) for p in model.parameters()]


def build(module, layer_sizes):
    """build_mlp(layer_sizes): its type, its children, the forward pass of a zero batch."""
    model = module.build_mlp(layer_sizes)
    report = {"type": type(model).__name__, "is_sequential": isinstance(model, nn.Sequential)}
    if not report["is_sequential"]:
        return report
    report["layers"] = [_layer(m) for m in model.children()]
    params = list(model.parameters())
    report["requires_grad"] = [bool(p.requires_grad) for p in params]
    report["dtypes"] = sorted({str(p.dtype).removeprefix("torch.") for p in params})
    try:
        with torch.no_grad():
            out = model(torch.zeros(3, int(layer_sizes[0])))
        report["output_shape"] = list(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
    except Exception as error:  # noqa: BLE001 - the failure is what the test reports
        report["output_shape"] = f"{type(error).__name__}: {error}"[:300]
    return report


def count(module, layer_sizes, frozen=(), dtype="float32"):
    """count_trainable_parameters on a plain MLP whose parameters number `frozen` are frozen."""
    model = _plain_mlp(layer_sizes, dtype)
    for i, p in enumerate(model.parameters()):
        p.requires_grad_(i not in frozen)
    return _number(module.count_trainable_parameters(model))


def freeze(module, layer_sizes, frozen_before=(), seed=0):
    """freeze_backbone on a plain MLP (parameters number `frozen_before` frozen beforehand)."""
    model = _plain_mlp(layer_sizes, seed=seed)
    for i, p in enumerate(model.parameters()):
        p.requires_grad_(i not in frozen_before)
    before = _params(model)
    flags_before = [bool(p.requires_grad) for p in model.parameters()]
    returned = module.freeze_backbone(model)
    return {
        "same": returned is model,
        "returned_type": type(returned).__name__,
        "requires_grad_before": flags_before,
        "layers": [_layer(m) for m in model.children()],
        "requires_grad": [bool(p.requires_grad) for p in model.parameters()],
        "before": before,
        "after": _params(model),
    }


def replace(
    module, layer_sizes, num_classes, dtype="float32", freeze_first=False, seed=0, device="cpu", softmax_after=False
):
    """replace_head on a plain MLP of `dtype` on `device`; reports the model given, then the one returned.

    device="meta" (torch's device of tensors without data, which needs no GPU) shows whether the
    new head follows the model's device; meta weights have no values, so none are reported then.
    softmax_after: the model ends with an nn.Softmax after its head (a classifier that outputs
    probabilities), so that its last nn.Linear is not its last layer.
    """
    model = _plain_mlp(layer_sizes, dtype, seed=seed, device=device)
    if softmax_after:
        model.append(nn.Softmax(dim=1))
    if freeze_first:
        model.requires_grad_(False)
    children = list(model.children())
    with_values = device != "meta"
    before = _params(model) if with_values else []
    returned = module.replace_head(model, num_classes)
    now = list(model.children())
    report = {
        "same": returned is model,
        "returned_type": type(returned).__name__,
        "layers": [_layer(m) for m in now],
        "kept": [any(m is c for c in children) for m in now],
        "requires_grad": [[bool(p.requires_grad) for p in m.parameters()] for m in now],
        "before": before,
    }
    kept = [p for m, k in zip(now, report["kept"]) if k for p in m.parameters()]
    report["kept_params"] = [_array(p) for p in kept] if with_values else []
    try:
        with torch.no_grad():
            out = model(torch.ones(4, int(layer_sizes[0]), dtype=DTYPES[dtype], device=device))
        report["forward"] = {"shape": list(out.shape), "dtype": str(out.dtype).removeprefix("torch.")}
    except Exception as error:  # noqa: BLE001 - the failure is what the test reports
        report["forward"] = {"error": f"{type(error).__name__}: {error}"[:300]}
    return report


def _foundation(weights, head_seed, num_classes):
    """The foundation model (plain torch), a fresh head drawn from head_seed, backbone frozen."""
    layers = []
    for W, b in weights:
        lin = nn.Linear(W.shape[1], W.shape[0])
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(np.asarray(W, dtype=np.float32)))
            lin.bias.copy_(torch.from_numpy(np.asarray(b, dtype=np.float32)))
        layers += [lin, nn.ReLU()]
    model = nn.Sequential(*layers[:-1])
    torch.manual_seed(head_seed)
    model[-1] = nn.Linear(model[-1].in_features, num_classes)
    for p in model[:-1].parameters():
        p.requires_grad_(False)
    return model


class _Watch:
    """What happened to the head's weight while the learner's fine_tune ran, as counts.

    Tells apart the ways a loop can fail to train, so that the judge's message names the one at
    hand: no gradient ever computed (backward never run), gradients but no optimizer step, steps
    taken by an optimizer that does not hold the head, steps that found the head's .grad empty (a
    zero_grad() between backward() and step()). And `piled_up`: backward passes that added their
    gradient onto a non-zero .grad although the weight had been updated since that .grad was
    computed, i.e. gradients that are never cleared (deliberate gradient accumulation over
    several mini-batches before one update is not counted). And `not_shift_invariant`: backward
    passes whose gradient at the logits has a row that does not sum to 0, i.e. a loss that is not
    built on the softmax (MSE on one-hot targets, for example) where the contract asks for
    cross-entropy. Steps are counted for torch.optim
    optimizers only; a hand-written update takes none, and is seen through the weight changing.
    """

    def __init__(self, head):
        self.head, self.weight = head, head.weight
        self.at_last_backward = None  # the weight's values when the last gradient was computed
        self.counts = dict.fromkeys(
            ("backward_passes", "piled_up", "steps", "steps_without_head", "empty_steps", "not_shift_invariant"), 0
        )

    def on_output(self, module, inputs, output):
        """The head's logits: watch the gradient that comes back to them (only if one will)."""
        if isinstance(output, torch.Tensor) and output.requires_grad and output.dim() == 2:
            output.register_hook(self.on_logit_gradient)

    def on_logit_gradient(self, grad):
        """Any loss built on the softmax (cross_entropy, nll_loss of log_softmax, label smoothing, class
        weights) is unchanged when a constant is added to a row of logits, so every row of its gradient
        sums to 0; MSE on one-hot targets, or BCE, is not. The absolute slack covers float32 rounding in
        rows the network already fits (softmax - one-hot ~ 1e-8 there, where the relative test alone
        would see nothing but rounding)."""
        g = grad.detach().double()
        if torch.any(g.sum(dim=1).abs() > 1e-5 + 1e-3 * g.abs().amax(dim=1)):
            self.counts["not_shift_invariant"] += 1

    def on_gradient(self, grad):
        """Runs before the new gradient is added to .grad: .grad is still the old one."""
        self.counts["backward_passes"] += 1
        old, now = self.weight.grad, self.weight.detach()
        updated = self.at_last_backward is not None and not torch.equal(now, self.at_last_backward)
        if updated and old is not None and torch.any(old):
            self.counts["piled_up"] += 1
        self.at_last_backward = now.clone()

    def before_step(self, optimizer, args, kwargs):
        if not any(p is self.weight for group in optimizer.param_groups for p in group["params"]):
            self.counts["steps_without_head"] += 1
            return
        self.counts["steps"] += 1
        grad = self.weight.grad
        if grad is None or not torch.any(grad):
            self.counts["empty_steps"] += 1

    def run(self, function, *args, **kwargs):
        """function(*args, **kwargs) with the hooks in place; they are removed whatever happens."""
        handles = [
            self.weight.register_hook(self.on_gradient),
            self.head.register_forward_hook(self.on_output),
            register_optimizer_step_pre_hook(self.before_step),
        ]
        try:
            return function(*args, **kwargs)
        finally:
            for handle in handles:
                handle.remove()


def fine_tune(module, weights, X, y, head_seed=0, num_classes=5, leftover_grads=False, runs=1, **kwargs):
    """fine_tune on the foundation model with a new head and a frozen backbone.

    leftover_grads: the frozen parameters first get a non-zero .grad, as if left over from
    pretraining. runs > 1: the same fresh model fine-tuned that many times (reproducibility);
    before each run torch's global generator is set to a different state, as it would be after
    other work, so that only a fine_tune that seeds its own randomness repeats itself.
    kwargs (epochs, lr, seed) are passed on to fine_tune. Reports, for every run, whether the
    same object came back, the requires_grad flags, every parameter (Linear by Linear) and what
    happened to the head's weight during training (_Watch).
    """
    Xt = torch.from_numpy(np.asarray(X, dtype=np.float32))
    yt = torch.from_numpy(np.asarray(y, dtype=np.int64))
    reports = []
    for run in range(runs):
        model = _foundation(weights, head_seed, num_classes)
        if leftover_grads:
            gen = torch.Generator().manual_seed(1234)
            for p in model[:-1].parameters():
                p.grad = torch.randn(p.shape, generator=gen)
        head_before = _params(model[-1])
        watch = _Watch(model[-1])
        torch.manual_seed(7919 + run)
        returned = watch.run(module.fine_tune, model, Xt.clone(), yt.clone(), **kwargs)
        reports.append(
            {
                "same": returned is model,
                "returned_type": type(returned).__name__,
                "types": [type(m).__name__ for m in model.children()],
                "requires_grad": [bool(p.requires_grad) for p in model.parameters()],
                "params": _params(model),
                "head_before": head_before,
                "watch": watch.counts,
            }
        )
    return reports
