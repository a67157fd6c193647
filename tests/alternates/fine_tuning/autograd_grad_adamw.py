"""torch.autograd.grad instead of backward() (no .grad touched at all), AdamW-style decoupled update by
hand with no weight decay, a list-comprehension build."""

import torch
import torch.nn.functional as F
from torch import nn


def build_mlp(layer_sizes):
    s = list(layer_sizes)
    mods = [m for i in range(len(s) - 1) for m in (nn.Linear(s[i], s[i + 1]), nn.ReLU())]
    return nn.Sequential(*mods[:-1])


def count_trainable_parameters(model):
    total = 0
    for p in model.parameters():
        if p.requires_grad:
            total += p.numel()
    return total


def _last_linear_index(model):
    for i in reversed(range(len(model))):
        if isinstance(model[i], nn.Linear):
            return i
    raise ValueError("model has no nn.Linear")


def freeze_backbone(model):
    k = _last_linear_index(model)
    for i, layer in enumerate(model):
        layer.requires_grad_(i == k)
    return model


def replace_head(model, num_classes):
    k = _last_linear_index(model)
    w = model[k].weight
    model[k] = nn.Linear(model[k].in_features, num_classes, dtype=w.dtype, device=w.device)
    return model


def fine_tune(model, X, y, epochs=100, lr=0.05, seed=0, betas=(0.9, 0.999), eps=1e-8):
    torch.manual_seed(seed)
    params = [p for p in model.parameters() if p.requires_grad]
    m = [torch.zeros_like(p) for p in params]
    v = [torch.zeros_like(p) for p in params]
    b1, b2 = betas
    for t in range(1, epochs + 1):
        loss = F.cross_entropy(model(X), y)
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for p, g, mi, vi in zip(params, grads, m, v):
                mi.mul_(b1).add_(g, alpha=1 - b1)
                vi.mul_(b2).addcmul_(g, g, value=1 - b2)
                m_hat = mi / (1 - b1**t)
                v_hat = vi / (1 - b2**t)
                p.sub_(lr * m_hat / (v_hat.sqrt() + eps))
    return model
