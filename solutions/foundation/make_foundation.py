"""Re-create exercises/data/foundation_digits.npz, the fine_tuning exercise's "foundation" model.

An MLP 64 -> 64 -> 32 -> 5 (ReLU between, no activation after the last Linear), float32,
pretrained on the digits 0-4 of the fixed split in solutions/foundation/data.py, and only
on them. Deterministic (fixed seeds, one thread, full-batch Adam); runs in a few seconds:

    python -m solutions.foundation.make_foundation [--out PATH]

Two objectives at once during pretraining: classify the digit (the model's own head), and
rebuild the input image from the 32 backbone features through an auxiliary linear decoder
that is thrown away afterwards; the input is lightly corrupted with noise. A backbone
trained only to tell 0-4 apart keeps little else (its features reach about 0.55 on 5-9
with a linear head); the reconstruction task makes it keep general information about the
strokes, which is what lets a new head reuse it for 5-9. Large foundation models are
pretrained the same way, on broad self-supervised tasks rather than on one narrow label.

Feature scale: afterwards, the 32 backbone features (the last hidden layer's ReLU outputs)
are rescaled so that their mean squared norm over the pretraining digits is FEATURE_SQ_NORM.
Scaling the last hidden Linear by c scales the features by c (ReLU is positively
homogeneous) and the head's weights are divided by c, so the predictions on 0-4 do not
change. A new head trained with plain SGD sees a loss whose curvature grows with E|f|^2:
a moderate feature norm keeps plain SGD at lr=0.05 stable and still fast.
"""

import argparse
from pathlib import Path

import numpy as np
import torch
from torch import nn

from solutions.foundation.data import FOUNDATION_PATH, digits_split

LAYER_SIZES = (64, 64, 32, 5)
SEED = 0
EPOCHS = 1000
LR = 1e-2
RECON_WEIGHT = 5.0  # weight of the reconstruction loss (sum of squares per image)
INPUT_NOISE = 0.2  # std of the Gaussian noise added to the inputs while pretraining
FEATURE_SQ_NORM = 16.0


def build(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def accuracy(model, X, y):
    with torch.no_grad():
        return float((model(torch.as_tensor(X)).argmax(1).numpy() == y).mean())


def pretrain(
    X,
    y,
    sizes=LAYER_SIZES,
    epochs=EPOCHS,
    recon_weight=RECON_WEIGHT,
    noise=INPUT_NOISE,
    feature_sq_norm=FEATURE_SQ_NORM,
    seed=SEED,
):
    """Pretrain on (X, y); return the model with its features rescaled (see the module doc)."""
    torch.manual_seed(seed)
    model = build(sizes)
    backbone, head = model[:-1], model[-1]
    decoder = nn.Linear(sizes[-2], sizes[0])
    X, y = torch.as_tensor(X), torch.as_tensor(y)
    opt = torch.optim.Adam(list(model.parameters()) + list(decoder.parameters()), lr=LR)
    for _ in range(epochs):  # full batch
        opt.zero_grad()
        f = backbone(X + noise * torch.randn_like(X))
        loss = nn.functional.cross_entropy(head(f), y)
        loss = loss + recon_weight * (decoder(f) - X).pow(2).sum(1).mean()
        loss.backward()
        opt.step()
    with torch.no_grad():
        c = (feature_sq_norm / backbone(X).pow(2).sum(1).mean()).sqrt()
        last_hidden = [m for m in backbone if isinstance(m, nn.Linear)][-1]
        last_hidden.weight.mul_(c)
        last_hidden.bias.mul_(c)
        head.weight.div_(c)
    return model


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=FOUNDATION_PATH)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    s = digits_split()
    model = pretrain(s.X_pre, s.y_pre)
    arrays = {"layer_sizes": np.asarray(LAYER_SIZES, dtype=np.int64)}
    for i, lin in enumerate(m for m in model if isinstance(m, nn.Linear)):
        arrays[f"W{i}"] = lin.weight.detach().numpy().astype(np.float32)  # (out, in), torch layout
        arrays[f"b{i}"] = lin.bias.detach().numpy().astype(np.float32)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(args.out, **arrays)

    with torch.no_grad():
        sq = {
            name: model[:-1](torch.as_tensor(X)).pow(2).sum(1).mean().item()
            for name, X in (("0-4", s.X_pre), ("few-shot 5-9", s.X_few))
        }
    print(f"accuracy on the pretraining digits 0-4: {accuracy(model, s.X_pre, s.y_pre):.3f}")
    print(f"accuracy on held-out digits 0-4:        {accuracy(model, s.X_pre_val, s.y_pre_val):.3f}")
    print("mean squared norm of the backbone features: " + ", ".join(f"{v:.2f} on {k}" for k, v in sq.items()))
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
