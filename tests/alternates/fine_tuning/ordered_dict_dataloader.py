"""Named layers through an OrderedDict, a DataLoader over a TensorDataset with a seeded generator,
SGD with Nesterov momentum, the head swapped with setattr on its name."""

from collections import OrderedDict

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def build_mlp(layer_sizes):
    sizes = list(layer_sizes)
    named = OrderedDict()
    for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        named[f"fc{k}"] = nn.Linear(n_in, n_out)
        if k < len(sizes) - 2:
            named[f"relu{k}"] = nn.ReLU(inplace=False)
    return nn.Sequential(named)


def count_trainable_parameters(model):
    return sum(p.nelement() for p in model.parameters() if p.requires_grad)


def _head_name(model):
    names = [name for name, module in model.named_children() if isinstance(module, nn.Linear)]
    if not names:
        raise ValueError("no nn.Linear in this model")
    return names[-1]


def freeze_backbone(model):
    head = getattr(model, _head_name(model))
    head_ids = {id(p) for p in head.parameters()}
    for p in model.parameters():
        p.requires_grad = id(p) in head_ids
    return model


def replace_head(model, num_classes):
    name = _head_name(model)
    old = getattr(model, name)
    setattr(model, name, nn.Linear(old.in_features, num_classes).to(device=old.weight.device, dtype=old.weight.dtype))
    return model


def fine_tune(model, X, y, epochs=100, lr=0.05, seed=0, batch_size=16, momentum=0.9):
    generator = torch.Generator().manual_seed(seed)
    loader = DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True, generator=generator)
    trainable = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.SGD(trainable, lr=lr, momentum=momentum, nesterov=True)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for _epoch in range(epochs):
        for xb, yb in loader:
            opt.zero_grad()
            loss_fn(model(xb), yb).backward()
            opt.step()
    model.eval()
    return model
