"""numpy-ml-like: Dense and ReLU layer objects, an RMSProp optimizer, a softmax-cross-entropy layer."""

import numpy as np


def accuracy(logits, labels):
    correct = 0
    preds = np.argmax(logits, axis=1)
    for p, t in zip(preds, labels):
        correct += int(p == t)
    return correct / len(labels)


class Dense:
    def __init__(self, n_in, n_out, rng):
        self.W = rng.normal(0, np.sqrt(2.0 / n_in), (n_in, n_out))
        self.b = np.zeros(n_out)

    def forward(self, X):
        self.X = X
        return X @ self.W + self.b

    def backward(self, dY):
        self.dW, self.db = self.X.T @ dY, dY.sum(axis=0)
        return dY @ self.W.T

    def params_and_grads(self):
        return [(self.W, self.dW), (self.b, self.db)]


class ReLU:
    def forward(self, X):
        self.mask = X > 0
        return X * self.mask

    def backward(self, dY):
        return dY * self.mask

    def params_and_grads(self):
        return []


class SoftmaxCrossEntropy:
    def loss_and_grad(self, Z, y):
        Z = Z - Z.max(axis=1, keepdims=True)
        P = np.exp(Z)
        P /= P.sum(axis=1, keepdims=True)
        n = len(y)
        loss = -np.log(P[np.arange(n), y] + 1e-12).mean()
        P[np.arange(n), y] -= 1
        return loss, P / n


class RMSProp:
    def __init__(self, lr=1e-3, decay=0.9, eps=1e-8):
        self.lr, self.decay, self.eps, self.cache = lr, decay, eps, {}

    def update(self, param, grad):
        key = id(param)
        c = self.cache.get(key, np.zeros_like(param))
        c = self.decay * c + (1 - self.decay) * grad**2
        self.cache[key] = c
        param -= self.lr * grad / (np.sqrt(c) + self.eps)


def train_classifier(X_train, y_train, seed=0, epochs=25, batch=50):
    rng = np.random.default_rng(seed)
    layers = [Dense(64, 96, rng), ReLU(), Dense(96, 10, rng)]
    head, opt = SoftmaxCrossEntropy(), RMSProp(lr=2e-3)
    X, y = np.array(X_train, dtype=float), np.array(y_train, dtype=int)
    for _ in range(epochs):
        perm = rng.permutation(len(X))
        for s in range(0, len(X), batch):
            idx = perm[s : s + batch]
            out = X[idx]
            for layer in layers:
                out = layer.forward(out)
            _, grad = head.loss_and_grad(out, y[idx])
            for layer in reversed(layers):
                grad = layer.backward(grad)
            for layer in layers:
                for p, g in layer.params_and_grads():
                    opt.update(p, g)
    return tuple((layer.W.copy(), layer.b.copy()) for layer in layers if isinstance(layer, Dense))
