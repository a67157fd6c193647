"""cs231n style: a TwoLayerNet class with a params dict, loss() with L2, SGD with learning-rate decay."""

import numpy as np


def accuracy(logits, labels):
    return (np.argmax(logits, axis=1) == labels).mean()


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, std=1e-1, seed=0):
        rng = np.random.RandomState(seed)
        self.params = {
            "W1": std * rng.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": std * rng.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }

    def loss(self, X, y, reg=0.0):
        W1, b1, W2, b2 = self.params["W1"], self.params["b1"], self.params["W2"], self.params["b2"]
        N = X.shape[0]
        h = np.maximum(0, X.dot(W1) + b1)
        scores = h.dot(W2) + b2
        scores -= np.max(scores, axis=1, keepdims=True)
        probs = np.exp(scores)
        probs /= np.sum(probs, axis=1, keepdims=True)
        loss = -np.sum(np.log(probs[np.arange(N), y])) / N + reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        dscores = probs
        dscores[np.arange(N), y] -= 1
        dscores /= N
        grads = {"W2": h.T.dot(dscores) + 2 * reg * W2, "b2": np.sum(dscores, axis=0)}
        dh = dscores.dot(W2.T)
        dh[h <= 0] = 0
        grads["W1"] = X.T.dot(dh) + 2 * reg * W1
        grads["b1"] = np.sum(dh, axis=0)
        return loss, grads

    def train(self, X, y, learning_rate=0.5, learning_rate_decay=0.97, reg=1e-4, num_iters=3000, batch_size=64, seed=0):
        rng = np.random.RandomState(seed)
        num_train = X.shape[0]
        iterations_per_epoch = max(num_train // batch_size, 1)
        for it in range(num_iters):
            idx = rng.choice(num_train, batch_size, replace=True)
            _, grads = self.loss(X[idx], y[idx], reg=reg)
            for name in self.params:
                self.params[name] -= learning_rate * grads[name]
            if it % iterations_per_epoch == 0:
                learning_rate *= learning_rate_decay


def train_classifier(X_train, y_train, seed=0):
    net = TwoLayerNet(X_train.shape[1], 100, 10, seed=seed)
    net.train(X_train, np.asarray(y_train, dtype=int), seed=seed)
    p = net.params
    return [(p["W1"], p["b1"]), (p["W2"], p["b2"])]
