"""Hetero-associative memories: pairs ``x ∈ {±1}^N → y ∈ {±1}^M``.

- :class:`LinearAssociator` — one-shot mapping ``y = sign(W x)``: the
  correlation-matrix memory ``W = (1/N) Σ_μ y^μ x^μᵀ`` (Kohonen 1972;
  Anderson 1972) or the optimal linear associator ``W = Y X⁺`` (Kohonen &
  Ruohonen 1973), which maps every stored ``x^μ`` exactly onto ``y^μ``
  (before the sign) whenever the ``x^μ`` are linearly independent (``p ≤ N``).
- :class:`BAM` — the bidirectional associative memory (Kosko 1988):
  ``W = Σ_μ x^μ y^μᵀ`` (N, M), energy ``E(x, y) = −xᵀ W y``, alternating
  synchronous updates ``y ← sign(Wᵀ x)``, ``x ← sign(W y)``. Each half-step
  sets every unit of one layer to the sign of its field, which can only lower
  ``−(field)·(that layer)``, so ``E`` never increases and the dynamics end in
  a fixed point (Kosko 1988, Theorem 1). A zero field keeps the current unit.

Both follow the estimator contract of :class:`~spinnet.hopfield.HopfieldNetwork`:
hyper-parameters in ``__init__``, ``fit(X, Y) -> self``, learned state ending
in ``_``, ``save``/``load`` in the ``spinnet._persist`` format.

References
----------
- T. Kohonen, IEEE Trans. Comput. C-21, 353 (1972): correlation matrix memories.
- T. Kohonen & M. Ruohonen, IEEE Trans. Comput. C-22, 701 (1973): optimal
  linear associative mapping ``W = Y X⁺``.
- B. Kosko, IEEE Trans. Syst. Man Cybern. 18, 49 (1988): bidirectional
  associative memories, energy ``E = −x W yᵀ`` (eq. 7) and its decrease.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spinnet._persist import load_state, save_state
from spinnet._rng import SeedLike, as_generator
from spinnet._validation import check_int, check_option, check_spins

__all__ = ["BAM", "BAMTrajectory", "LinearAssociator", "check_pairs"]


def check_pairs(X: Any, Y: Any) -> tuple[np.ndarray, np.ndarray]:
    """Validate pairs: ``X`` (p, N) and ``Y`` (p, M) of ±1 with the same ``p``.

    Parameters
    ----------
    X : array_like of ±1, shape (p, N)
        Input (key) patterns.
    Y : array_like of ±1, shape (p, M)
        Output (value) patterns, one per row of ``X``.

    Returns
    -------
    X, Y : ndarray of int8, shapes (p, N) and (p, M)
        Validated copies.

    Raises
    ------
    ValueError
        Non-±1 values, a wrong rank, or different numbers of rows (the message
        names ``X``/``Y``).
    """
    xs = check_spins(X, "X", ndim=2)
    ys = check_spins(Y, "Y", ndim=2)
    if xs.shape[0] != ys.shape[0]:
        raise ValueError(f"X and Y must hold the same number of pairs; got {xs.shape[0]} "
                         f"rows in X and {ys.shape[0]} rows in Y")
    return xs.copy(), ys.copy()


def _batch(a: Any, name: str, n: int) -> tuple[np.ndarray, bool]:
    s = check_spins(a, name, ndim=(1, 2), n=n)
    return np.array(s.reshape(-1, n), dtype=np.int8), s.ndim == 1


def _sign_keep(h: np.ndarray, current: np.ndarray) -> np.ndarray:
    return np.where(h > 0, 1, np.where(h < 0, -1, current)).astype(np.int8)


class LinearAssociator:
    """Linear associative memory ``y = sign(W x)`` (Kohonen 1972; Kohonen & Ruohonen 1973).

    Parameters
    ----------
    rule : {"hebbian", "pseudo_inverse"}
        ``"hebbian"``: correlation matrix ``W = (1/N) Σ_μ y^μ x^μᵀ``; exact
        for orthogonal ``x^μ``, otherwise crosstalk gives bit errors with
        probability ≈ ½ erfc(√(N/2p)) (``docs/hetero.md``).
        ``"pseudo_inverse"``: ``W = Y X⁺`` (least squares, SVD): ``W x^μ = y^μ``
        exactly for linearly independent ``x^μ``.

    Attributes
    ----------
    weights_ : ndarray, shape (M, N)
    X_, Y_ : ndarray of int8, shapes (p, N), (p, M)
        Stored pairs.
    """

    _KIND = "spinnet.hopfield.LinearAssociator"
    RULES = ("hebbian", "pseudo_inverse")

    def __init__(self, rule: str = "hebbian") -> None:
        self.rule = check_option(rule, "rule", self.RULES)

    def fit(self, X: Any, Y: Any) -> LinearAssociator:
        """Store pairs ``X`` (p, N) → ``Y`` (p, M); returns ``self``."""
        xs, ys = check_pairs(X, Y)
        if self.rule == "hebbian":
            W = ys.T.astype(np.float64) @ xs.astype(np.float64) / xs.shape[1]
        else:
            W = ys.T.astype(np.float64) @ np.linalg.pinv(xs.T.astype(np.float64), rcond=1e-10)
        self.weights_, self.X_, self.Y_ = W, xs, ys
        return self

    def predict_linear(self, X: Any) -> np.ndarray:
        """Linear output ``W x`` for x (N,) or (B, N): (M,) or (B, M)."""
        self._check_fitted()
        x, single = _batch(X, "X", self.weights_.shape[1])
        out = x.astype(np.float64) @ self.weights_.T
        return out[0] if single else out

    def recall(self, X: Any) -> np.ndarray:
        """``y = sign(W x)``; an exactly zero output unit (the output layer has no
        current state to keep) is set to +1. Shape (M,) or (B, M), int8."""
        h = self.predict_linear(X)
        tol = 1e-10 * max(float(np.abs(self.weights_).sum(axis=1).max()), 1e-300)
        return np.where(h < -tol, -1, 1).astype(np.int8)

    def save(self, path: str | os.PathLike) -> Path:
        """Save to a ``spinnet._persist`` directory (pairs and weights)."""
        self._check_fitted()
        return save_state(path, kind=self._KIND, config={"rule": self.rule},
                          arrays={"X": self.X_, "Y": self.Y_, "weights": self.weights_})

    @classmethod
    def load(cls, path: str | os.PathLike) -> LinearAssociator:
        """Load an associator written by :meth:`save` (weights restored bit for bit)."""
        saved = load_state(path, kind=cls._KIND)
        obj = cls(rule=saved.config["rule"])
        obj.X_ = np.asarray(saved.arrays["X"], dtype=np.int8)
        obj.Y_ = np.asarray(saved.arrays["Y"], dtype=np.int8)
        obj.weights_ = np.asarray(saved.arrays["weights"], dtype=np.float64)
        return obj

    def _check_fitted(self) -> None:
        if not hasattr(self, "weights_"):
            raise RuntimeError("this LinearAssociator is not fitted yet; call fit(X, Y) first")

    def __repr__(self) -> str:
        fitted = (f", N={self.X_.shape[1]}, M={self.Y_.shape[1]}, p={self.X_.shape[0]}"
                  if hasattr(self, "weights_") else "")
        return f"LinearAssociator(rule={self.rule!r}{fitted})"


@dataclass(frozen=True)
class BAMTrajectory:
    """Record of a batch of BAM recalls.

    Attributes
    ----------
    energies : ndarray, shape (B, 2 T + 1)
        ``E(x, y)`` after each half-step (column 0: the starting pair, after
        the initial completion of the missing layer); chains that stopped are
        padded with their final value.
    n_steps : ndarray of int, shape (B,)
        Full steps (both layers updated) until the fixed point.
    converged : ndarray of bool, shape (B,)
    """

    energies: np.ndarray
    n_steps: np.ndarray
    converged: np.ndarray


class BAM:
    """Bidirectional associative memory (Kosko 1988).

    ``W = Σ_μ x^μ y^μᵀ`` (N, M), integer-valued, so fields are exact and ties
    (zero fields) are exact. Recall alternates ``y ← sign(Wᵀx)`` and
    ``x ← sign(Wy)`` (zero field keeps the unit) until neither layer changes;
    ``E(x, y) = −xᵀWy`` never increases (Kosko 1988).

    Attributes
    ----------
    weights_ : ndarray of int64, shape (N, M)
    X_, Y_ : ndarray of int8, shapes (p, N), (p, M)

    Examples
    --------
    >>> from spinnet.spins import random_patterns, flip
    >>> x, y = random_patterns(5, 256, rng=0), random_patterns(5, 128, rng=1)
    >>> bam = BAM().fit(x, y)
    >>> xr, yr = bam.recall(x=flip(x, 0.1, rng=2), rng=3)
    >>> bool((yr == y).all() and (xr == x).all())
    True
    """

    _KIND = "spinnet.hopfield.BAM"

    def fit(self, X: Any, Y: Any) -> BAM:
        """Store pairs ``X`` (p, N) ↔ ``Y`` (p, M), replacing anything stored."""
        xs, ys = check_pairs(X, Y)
        self.weights_ = xs.T.astype(np.int64) @ ys.astype(np.int64)
        self.X_, self.Y_ = xs, ys
        return self

    def partial_fit(self, X: Any, Y: Any) -> BAM:
        """Add pairs: ``W += Σ_new x yᵀ`` (equal to ``fit`` on all pairs)."""
        if not hasattr(self, "weights_"):
            return self.fit(X, Y)
        xs, ys = check_pairs(X, Y)
        if xs.shape[1] != self.X_.shape[1] or ys.shape[1] != self.Y_.shape[1]:
            raise ValueError(f"X and Y must have N = {self.X_.shape[1]} and M = "
                             f"{self.Y_.shape[1]} columns; got {xs.shape[1]} and {ys.shape[1]}")
        self.weights_ = self.weights_ + xs.T.astype(np.int64) @ ys.astype(np.int64)
        self.X_ = np.concatenate([self.X_, xs])
        self.Y_ = np.concatenate([self.Y_, ys])
        return self

    @property
    def shape_(self) -> tuple[int, int]:
        """``(N, M)``."""
        self._check_fitted()
        return self.weights_.shape

    def energy(self, x: Any, y: Any) -> np.ndarray | float:
        """``E(x, y) = −xᵀ W y`` for a pair or a batch of pairs."""
        self._check_fitted()
        n, m = self.weights_.shape
        xs, single = _batch(x, "x", n)
        ys, _ = _batch(y, "y", m)
        if xs.shape[0] != ys.shape[0]:
            raise ValueError(f"x and y must be batches of the same size; got {xs.shape[0]} "
                             f"and {ys.shape[0]}")
        e = -np.einsum("bi,bi->b", xs.astype(np.int64) @ self.weights_, ys.astype(np.int64))
        return float(e[0]) if single else e.astype(np.float64)

    def is_fixed_point(self, x: Any, y: Any) -> np.ndarray | bool:
        """Whether ``(x, y)`` is left unchanged by both half-steps."""
        self._check_fitted()
        n, m = self.weights_.shape
        xs, single = _batch(x, "x", n)
        ys, _ = _batch(y, "y", m)
        hy = xs.astype(np.int64) @ self.weights_
        hx = ys.astype(np.int64) @ self.weights_.T
        ok = np.all(_sign_keep(hy, ys) == ys, axis=1) & np.all(_sign_keep(hx, xs) == xs, axis=1)
        return bool(ok[0]) if single else ok

    def recall(self, x: Any = None, y: Any = None, *, max_steps: int = 100,
               rng: SeedLike = None, return_trajectory: bool = False):
        """Bidirectional recall from a (noisy) ``x``, a (noisy) ``y``, or both.

        Parameters
        ----------
        x : array_like, shape (N,) or (B, N), optional
        y : array_like, shape (M,) or (B, M), optional
            At least one of them. A missing layer is first completed from the
            other, ``y = sign(Wᵀx)`` (or ``x = sign(Wy)``); as it has no current
            state, its zero fields are set to a random ±1 drawn from ``rng``.
            Then ``x ← sign(W y)``, ``y ← sign(Wᵀ x)`` alternate (zero field
            keeps the unit) until neither changes.
        max_steps : int >= 1
            Budget of full steps.
        rng : SeedLike
            Only for ties in the completed layer.
        return_trajectory : bool
            Also return a :class:`BAMTrajectory` (energy after each half-step).

        Returns
        -------
        x, y : ndarrays of int8, shapes like the inputs
        trajectory : BAMTrajectory, only if ``return_trajectory``
        """
        self._check_fitted()
        n, m = self.weights_.shape
        max_steps = check_int(max_steps, "max_steps", minimum=1)
        if x is None and y is None:
            raise ValueError("recall needs x (shape (N,) or (B, N)) or y (shape (M,) or "
                             "(B, M)); got neither")
        W = self.weights_
        gen = None
        if x is not None:
            xs, single = _batch(x, "x", n)
        if y is not None:
            ys, single = _batch(y, "y", m)
        if x is None:
            gen = as_generator(rng)
            hx = ys.astype(np.int64) @ W.T
            xs = _sign_keep(hx, np.where(gen.random(hx.shape) < 0.5, -1, 1))
        elif y is None:
            gen = as_generator(rng)
            hy = xs.astype(np.int64) @ W
            ys = _sign_keep(hy, np.where(gen.random(hy.shape) < 0.5, -1, 1))
        if xs.shape[0] != ys.shape[0]:
            raise ValueError(f"x and y must be batches of the same size; got {xs.shape[0]} "
                             f"and {ys.shape[0]}")
        batch = xs.shape[0]
        steps = np.zeros(batch, dtype=np.int64)
        conv = np.zeros(batch, dtype=np.bool_)
        active = np.arange(batch)
        energies = [self._energy_rows(xs, ys)] if return_trajectory else []
        # Starting from x, update y first (x is the evidence); from y alone, x first.
        y_first = x is not None
        for _ in range(max_steps):
            if active.size == 0:
                break
            xa, ya = xs[active], ys[active]
            if y_first:
                ya_new = _sign_keep(xa.astype(np.int64) @ W, ya)
                e_half = (ya_new, None)
                xa_new = _sign_keep(ya_new.astype(np.int64) @ W.T, xa)
            else:
                xa_new = _sign_keep(ya.astype(np.int64) @ W.T, xa)
                e_half = (None, xa_new)
                ya_new = _sign_keep(xa_new.astype(np.int64) @ W, ya)
            if return_trajectory:
                xh, yh = xs.copy(), ys.copy()
                if e_half[0] is not None:
                    yh[active] = e_half[0]
                else:
                    xh[active] = e_half[1]
                energies.append(self._energy_rows(xh, yh))
            same = np.all(xa_new == xa, axis=1) & np.all(ya_new == ya, axis=1)
            xs[active], ys[active] = xa_new, ya_new
            steps[active[~same]] += 1
            conv[active[same]] = True
            active = active[~same]
            if return_trajectory:
                energies.append(self._energy_rows(xs, ys))
        out = (xs[0], ys[0]) if single else (xs, ys)
        if not return_trajectory:
            return out
        traj = BAMTrajectory(energies=np.stack(energies, axis=1), n_steps=steps, converged=conv)
        return (*out, traj)

    def _energy_rows(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        return -np.einsum("bi,bi->b", xs.astype(np.int64) @ self.weights_,
                          ys.astype(np.int64)).astype(np.float64)

    def save(self, path: str | os.PathLike) -> Path:
        """Save to a ``spinnet._persist`` directory (the stored pairs)."""
        self._check_fitted()
        return save_state(path, kind=self._KIND, config={}, arrays={"X": self.X_, "Y": self.Y_})

    @classmethod
    def load(cls, path: str | os.PathLike) -> BAM:
        """Load a BAM written by :meth:`save`."""
        saved = load_state(path, kind=cls._KIND)
        return cls().fit(np.asarray(saved.arrays["X"]), np.asarray(saved.arrays["Y"]))

    def _check_fitted(self) -> None:
        if not hasattr(self, "weights_"):
            raise RuntimeError("this BAM is not fitted yet; call fit(X, Y) first")

    def __repr__(self) -> str:
        fitted = (f"N={self.X_.shape[1]}, M={self.Y_.shape[1]}, p={self.X_.shape[0]}"
                  if hasattr(self, "weights_") else "")
        return f"BAM({fitted})"
