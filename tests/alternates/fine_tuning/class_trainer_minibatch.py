"""Object-oriented: a Trainer class holding the optimizer, mini-batches via torch.randperm with a
seeded Generator, SGD with momentum; a helper class that finds the head."""

import torch
from torch import nn


class HeadFinder:
    def __init__(self, model):
        self.model = model
        self.index = max(i for i, m in enumerate(model) if isinstance(m, nn.Linear))

    @property
    def head(self):
        return self.model[self.index]


def build_mlp(layer_sizes):
    sizes = list(layer_sizes)
    return nn.Sequential(
        *[
            layer
            for i in range(len(sizes) - 1)
            for layer in ([nn.Linear(sizes[i], sizes[i + 1])] + ([nn.ReLU()] if i < len(sizes) - 2 else []))
        ]
    )


def count_trainable_parameters(model):
    return sum(p.numel() for p in filter(lambda q: q.requires_grad, model.parameters()))


def freeze_backbone(model):
    head = HeadFinder(model).head
    model.requires_grad_(False)
    head.weight.requires_grad_(True)
    if head.bias is not None:
        head.bias.requires_grad_(True)
    return model


def replace_head(model, num_classes):
    finder = HeadFinder(model)
    old = finder.head
    new = nn.Linear(old.in_features, num_classes, device=old.weight.device, dtype=old.weight.dtype)
    model[finder.index] = new
    return model


class Trainer:
    def __init__(self, model, lr, seed, batch_size=10, momentum=0.8):
        self.model = model
        self.params = [p for p in model.parameters() if p.requires_grad]
        self.opt = torch.optim.SGD(self.params, lr=lr, momentum=momentum)
        self.gen = torch.Generator().manual_seed(seed)
        self.batch_size = batch_size

    def epoch(self, X, y):
        perm = torch.randperm(X.shape[0], generator=self.gen)
        for start in range(0, X.shape[0], self.batch_size):
            idx = perm[start : start + self.batch_size]
            self.opt.zero_grad()
            loss = nn.functional.cross_entropy(self.model(X[idx]), y[idx])
            loss.backward()
            self.opt.step()


def fine_tune(model, X, y, epochs=100, lr=0.05, seed=0):
    trainer = Trainer(model, lr, seed)
    for _ in range(epochs):
        trainer.epoch(X, y)
    return model
