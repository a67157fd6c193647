"""Reference for chapter 11, fine_tuning: transfer learning with torch."""

import torch
from torch import nn


def build_mlp(layer_sizes):
    """nn.Sequential of Linear layers with a ReLU between consecutive ones, none after the last."""
    sizes = list(layer_sizes)
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def count_trainable_parameters(model):
    """Number of parameter elements with requires_grad."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def _last_linear_index(model):
    for i in range(len(model) - 1, -1, -1):
        if isinstance(model[i], nn.Linear):
            return i
    raise ValueError("the model has no nn.Linear layer")


def freeze_backbone(model):
    """Freeze every parameter but those of the last nn.Linear (the head), which stay trainable."""
    head = model[_last_linear_index(model)]
    for p in model.parameters():
        p.requires_grad_(False)
    for p in head.parameters():
        p.requires_grad_(True)
    return model


def replace_head(model, num_classes):
    """Put a new trainable nn.Linear(in_features, num_classes) in place of the last nn.Linear."""
    i = _last_linear_index(model)
    old = model[i]
    model[i] = nn.Linear(old.in_features, num_classes, device=old.weight.device, dtype=old.weight.dtype)
    return model


def fine_tune(model, X, y, epochs=100, lr=0.05, seed=0):
    """Full-batch SGD on the cross-entropy, over the parameters with requires_grad only."""
    torch.manual_seed(seed)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.SGD(params, lr=lr)
    model.train()
    for _ in range(epochs):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(X), y)
        loss.backward()
        opt.step()
    return model
