"""Numba kernel of the perceptron learning rule (plain arrays only)."""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["adatron_sweeps", "binary_prefix_counts", "perceptron_epochs", "popcount64"]


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


# ------------------------------------------------- maximal stability (AdaTron / Hildreth)
@njit(cache=True)
def adatron_sweeps(a, norms2, lam, w, max_sweeps, kappa_stop, rel_tol,
                   check_every):  # pragma: no cover - jit
    """Dual coordinate ascent for ``min ½|w|²`` subject to ``a_μ·w ≥ 1`` (in place).

    ``a`` (p, n) float64 holds the signed patterns ``y_μ ξ_μ``; ``lam`` (p,) the
    multipliers and ``w = Σ λ_μ a_μ`` (n,) are updated in place by exact
    coordinate steps ``λ_μ ← max(0, λ_μ + (1 − a_μ·w)/|a_μ|²)`` (Hildreth's
    method = the AdaTron of Anlauf & Biehl with optimal step). Every
    ``check_every`` sweeps it brackets the maximal stability
    ``κ* = max_w min_μ a_μ·w/|w|``: ``lower = min_μ a_μ·w/|w|`` (achieved by
    ``w``) and ``upper = 1/√(2D)`` with the dual value ``D = Σλ − ½|w|²``.
    Stops when ``lower ≥ kappa_stop`` or ``upper < kappa_stop`` (decision;
    pass ``kappa_stop < 0`` for none), when ``upper − lower ≤ rel_tol·upper``,
    or after ``max_sweeps``.

    Returns
    -------
    (lower, upper, sweeps)
    """
    p, n = a.shape
    lower = -np.inf
    upper = np.inf
    sweeps = 0
    while sweeps < max_sweeps:
        for mu in range(p):
            h = 0.0
            for i in range(n):
                h += a[mu, i] * w[i]
            new = lam[mu] + (1.0 - h) / norms2[mu]
            if new < 0.0:
                new = 0.0
            d = new - lam[mu]
            if d != 0.0:
                lam[mu] = new
                for i in range(n):
                    w[i] += d * a[mu, i]
        sweeps += 1
        if sweeps % check_every == 0 or sweeps == max_sweeps:
            ww = 0.0
            for i in range(n):
                ww += w[i] * w[i]
            if ww <= 0.0:
                continue
            hmin = np.inf
            for mu in range(p):
                h = 0.0
                for i in range(n):
                    h += a[mu, i] * w[i]
                if h < hmin:
                    hmin = h
            norm = np.sqrt(ww)
            lower = hmin / norm
            dual = 0.0
            for mu in range(p):
                dual += lam[mu]
            dual -= 0.5 * ww
            upper = 1.0 / np.sqrt(2.0 * dual) if dual > 0.0 else np.inf
            if kappa_stop >= 0.0 and (lower >= kappa_stop or upper < kappa_stop):
                break
            if upper - lower <= rel_tol * upper:
                break
    return lower, upper, sweeps


def adatron_sweeps_reference(a: np.ndarray, norms2: np.ndarray, lam: np.ndarray,
                             w: np.ndarray, n_sweeps: int) -> None:
    """NumPy reference of :func:`adatron_sweeps`: ``n_sweeps`` plain sweeps (for tests)."""
    for _ in range(n_sweeps):
        for mu in range(a.shape[0]):
            new = max(0.0, lam[mu] + (1.0 - float(a[mu] @ w)) / norms2[mu])
            w += (new - lam[mu]) * a[mu]
            lam[mu] = new


# ------------------------------------------------ exact enumeration, binary perceptron
@njit(cache=True)
def popcount64(x):  # pragma: no cover - jit
    """Number of set bits of a uint64 (SWAR)."""
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return (x * np.uint64(0x0101010101010101)) >> np.uint64(56)


@njit(cache=True)
def binary_prefix_counts(bits, n):  # pragma: no cover - jit
    """Histogram over all ``2^n`` binary weight vectors of the first violated pattern.

    ``bits`` (P,) uint64: bit ``i`` of ``bits[μ]`` is 1 iff ``y_μ ξ_μi = +1``;
    a weight vector ``w`` (bit ``i`` set iff ``w_i = +1``) satisfies pattern ``μ``
    iff ``y_μ w·ξ_μ = n − 2 popcount(w XOR bits[μ]) > 0`` (``n`` odd: no zero
    fields). Returns ``counts`` (P + 1,) int64 with ``counts[k]`` = number of
    ``w`` satisfying patterns ``0..k−1`` and violating pattern ``k``
    (``k = P``: all satisfied).
    """
    p = bits.shape[0]
    counts = np.zeros(p + 1, dtype=np.int64)
    half = np.uint64(n // 2)
    for wi in range(1 << n):
        w = np.uint64(wi)
        k = 0
        while k < p:
            if popcount64(w ^ bits[k]) > half:
                break
            k += 1
        counts[k] += 1
    return counts


def binary_prefix_counts_reference(bits: np.ndarray, n: int) -> np.ndarray:
    """NumPy reference of :func:`binary_prefix_counts` (±1 matrices; small ``n``)."""
    ws = ((np.arange(1 << n)[:, None] >> np.arange(n)) & 1) * 2 - 1          # (2^n, n)
    xs = ((bits.astype(np.int64)[:, None] >> np.arange(n)) & 1) * 2 - 1      # (P, n)
    ok = (ws @ xs.T) > 0                                                     # (2^n, P)
    first = np.where(ok.all(axis=1), bits.shape[0], np.argmin(ok, axis=1))
    return np.bincount(first, minlength=bits.shape[0] + 1).astype(np.int64)
