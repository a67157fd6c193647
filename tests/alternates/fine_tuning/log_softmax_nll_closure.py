"""log_softmax + nll_loss (the same as cross_entropy), an optimizer step with a closure, RMSprop,
set_to_none zeroing, the head found by scanning modules() in reverse."""

import torch
from torch import nn


def build_mlp(layer_sizes):
    layers = []
    for n_in, n_out in zip(layer_sizes, layer_sizes[1:]):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    layers.pop()
    return nn.Sequential(*layers)


def count_trainable_parameters(model):
    return sum(p.numel() * int(p.requires_grad) for p in model.parameters())


def _head(model):
    return next(m for m in reversed(list(model.children())) if isinstance(m, nn.Linear))


def freeze_backbone(model):
    for p in model.parameters():
        p.requires_grad = False
    for p in _head(model).parameters():
        p.requires_grad = True
    return model


def replace_head(model, num_classes):
    old = _head(model)
    for i, m in enumerate(model):
        if m is old:
            model[i] = nn.Linear(old.in_features, num_classes, bias=old.bias is not None or True).to(
                old.weight.device, old.weight.dtype
            )
    return model


def fine_tune(model, X, y, epochs=100, lr=0.05, seed=0):
    torch.manual_seed(seed)
    opt = torch.optim.RMSprop([p for p in model.parameters() if p.requires_grad], lr=lr / 10)

    def closure():
        opt.zero_grad(set_to_none=True)
        loss = nn.functional.nll_loss(torch.log_softmax(model(X), dim=1), y)
        loss.backward()
        return loss

    for _ in range(epochs):
        opt.step(closure)
    return model
