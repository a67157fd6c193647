"""A correct alternate: layers added with add_module, Adam over shuffled mini-batches drawn from a
torch.Generator seeded with `seed`, gradients zeroed in place (set_to_none=False), the head found
by index from the end and rebuilt with type(old)(...)."""

import torch
from torch import nn


def build_mlp(layer_sizes):
    model = nn.Sequential()
    for i in range(len(layer_sizes) - 1):
        if i > 0:
            model.add_module(str(len(model)), nn.ReLU())
        model.add_module(str(len(model)), nn.Linear(layer_sizes[i], layer_sizes[i + 1]))
    return model


def count_trainable_parameters(model):
    return sum(map(torch.numel, filter(lambda p: p.requires_grad, model.parameters())))


def _last_linear(model):
    return max(i for i, layer in enumerate(model) if isinstance(layer, nn.Linear))


def freeze_backbone(model):
    model.requires_grad_(False)
    model[_last_linear(model)].requires_grad_(True)
    return model


def replace_head(model, num_classes):
    i = _last_linear(model)
    old = model[i]
    model[i] = type(old)(old.in_features, num_classes, bias=True, device=old.weight.device, dtype=old.weight.dtype)
    return model


def fine_tune(model, X, y, epochs=100, lr=0.05, seed=0):
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam((p for p in model.parameters() if p.requires_grad), lr=lr)
    for _ in range(epochs):
        order = torch.randperm(len(X), generator=generator)
        for batch in order.split(8):
            optimizer.zero_grad(set_to_none=False)
            loss = nn.functional.cross_entropy(model(X[batch]), y[batch])
            loss.backward()
            optimizer.step()
    return model
