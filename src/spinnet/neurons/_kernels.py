"""Numba kernel of the perceptron learning rule (plain arrays only)."""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["perceptron_epochs"]


@njit(cache=True)
def perceptron_epochs(x, y, w, learning_rate, max_epochs, errors):  # pragma: no cover - jit
    """Run Rosenblatt's rule in place on ``w`` (float64, shape (n,)).

    Patterns ``x`` (p, n) float64 are presented cyclically in the given order;
    a pattern with ``y_μ w·x_μ ≤ 0`` (a zero field counts as a mistake) triggers
    ``w += η y_μ x_μ``. Stops after the first epoch without a mistake.
    ``errors`` (max_epochs,) receives the mistakes per epoch.

    Returns
    -------
    (n_epochs, n_updates, converged)
    """
    p, n = x.shape
    n_updates = 0
    for epoch in range(max_epochs):
        mistakes = 0
        for mu in range(p):
            field = 0.0
            for i in range(n):
                field += w[i] * x[mu, i]
            if y[mu] * field <= 0.0:
                mistakes += 1
                step = learning_rate * y[mu]
                for i in range(n):
                    w[i] += step * x[mu, i]
        errors[epoch] = mistakes
        n_updates += mistakes
        if mistakes == 0:
            return epoch + 1, n_updates, True
    return max_epochs, n_updates, False


def perceptron_epochs_reference(x: np.ndarray, y: np.ndarray, w: np.ndarray,
                                learning_rate: float, max_epochs: int,
                                errors: np.ndarray) -> tuple[int, int, bool]:
    """Plain NumPy/Python reference of :func:`perceptron_epochs` (for tests)."""
    n_updates = 0
    for epoch in range(max_epochs):
        mistakes = 0
        for mu in range(x.shape[0]):
            if y[mu] * float(w @ x[mu]) <= 0.0:
                mistakes += 1
                w += learning_rate * y[mu] * x[mu]
        errors[epoch] = mistakes
        n_updates += mistakes
        if mistakes == 0:
            return epoch + 1, n_updates, True
    return max_epochs, n_updates, False
