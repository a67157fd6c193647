"""Object style: Loss classes with forward/backward, module functions delegate to them."""

import numpy as np


class MSE:
    def forward(self, pred, target):
        self.diff = np.asarray(pred, float) - np.asarray(target, float)
        return float((self.diff**2).mean())

    def backward(self):
        return 2 * self.diff / self.diff.size


class SoftmaxCrossEntropy:
    def forward(self, logits, labels):
        z = np.asarray(logits, dtype=float)
        self.n = z.shape[0]
        self.labels = np.asarray(labels).astype(int)
        z = z - z.max(axis=1, keepdims=True)
        self.logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-self.logp[np.arange(self.n), self.labels].sum() / self.n)

    def backward(self):
        g = np.exp(self.logp)
        g[np.arange(self.n), self.labels] -= 1
        return g / self.n


def mse_loss(pred, target):
    return MSE().forward(pred, target)


def mse_grad(pred, target):
    loss = MSE()
    loss.forward(pred, target)
    return loss.backward()


def binary_cross_entropy(p, y, eps=1e-12, reduction="mean"):
    p = np.clip(np.asarray(p, float), eps, 1 - eps)
    losses = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    return float(losses.mean() if reduction == "mean" else losses.sum())


def bce_with_logits(logits, y):
    z = np.asarray(logits, float)
    # -log σ(z) = log(1 + e^-z) and -log(1 - σ(z)) = log(1 + e^z), each via logaddexp
    return float(np.mean(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)))


def cross_entropy(logits, labels):
    return SoftmaxCrossEntropy().forward(logits, labels)


def cross_entropy_grad(logits, labels):
    ce = SoftmaxCrossEntropy()
    ce.forward(logits, labels)
    return ce.backward()
