"""The model moved to float64 for training, one-hot (probability) targets for cross_entropy,
gradient-norm clipping and a cosine learning-rate schedule that starts at lr."""

import torch
from torch import nn


def build_mlp(layer_sizes):
    layers = []
    for i, (a, b) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:])):
        if i:
            layers.append(nn.ReLU())
        layers.append(nn.Linear(a, b))
    return nn.Sequential(*layers)


def count_trainable_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def _head_index(model):
    return [i for i, m in enumerate(model) if isinstance(m, nn.Linear)][-1]


def freeze_backbone(model):
    head = model[_head_index(model)]
    for module in model:
        for p in module.parameters():
            p.requires_grad = module is head
    return model


def replace_head(model, num_classes):
    i = _head_index(model)
    old = model[i]
    model[i] = nn.Linear(old.in_features, num_classes, dtype=old.weight.dtype, device=old.weight.device)
    return model


def fine_tune(model, X, y, epochs=100, lr=0.05, seed=0, max_norm=5.0):
    torch.manual_seed(seed)
    model.double()
    X = X.double()
    head = model[_head_index(model)]
    targets = nn.functional.one_hot(y, head.out_features).double()
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.SGD(params, lr=lr, momentum=0.9)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(epochs, 1))
    for _ in range(epochs):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(X), targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, max_norm)
        opt.step()
        sched.step()
    return model
