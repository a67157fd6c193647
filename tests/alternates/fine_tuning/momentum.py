"""A correct alternate: named layers (an OrderedDict), SGD with momentum whose step comes before
zero_grad, the head found through named_children and replaced with setattr, a new head moved to
the old one's dtype and device with .to(old.weight)."""

from collections import OrderedDict

import torch
from torch import nn


def build_mlp(layer_sizes):
    sizes = [int(n) for n in layer_sizes]
    named = OrderedDict()
    for k, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        if k:
            named[f"relu{k}"] = nn.ReLU()
        named[f"fc{k}"] = nn.Linear(n_in, n_out)
    return nn.Sequential(named)


def count_trainable_parameters(model):
    total = 0
    for _, p in model.named_parameters():
        if p.requires_grad:
            total += p.numel()
    return int(total)


def _head_name(model):
    name = None
    for child_name, child in model.named_children():
        if isinstance(child, nn.Linear):
            name = child_name
    if name is None:
        raise ValueError("no nn.Linear in the model")
    return name


def freeze_backbone(model):
    head = getattr(model, _head_name(model))
    head_params = {id(p) for p in head.parameters()}
    for p in model.parameters():
        p.requires_grad = id(p) in head_params
    return model


def replace_head(model, num_classes):
    name = _head_name(model)
    old = getattr(model, name)
    setattr(model, name, nn.Linear(old.in_features, num_classes).to(old.weight))
    return model


def fine_tune(model, X, y, epochs=100, lr=0.05, seed=0):
    torch.manual_seed(seed)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.SGD(trainable, lr=lr, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for _ in range(epochs):
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    return model
