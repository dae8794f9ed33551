"""Sequence memories: asymmetric Hebbian couplings that step through patterns.

Two networks:

- :class:`SequenceMemory` — couplings ``J_ij = (1/N) Σ_μ ξ^{μ+1}_i ξ^μ_j``
  (cyclic: ``ξ^{p+1} = ξ^1``; open: the sum stops at ``μ = p − 1``),
  ``J_ii = 0``, under synchronous dynamics ``s(t+1) = sign(J s(t))``: started
  on ``ξ^1``, the state is ``ξ^{1+t}`` after ``t`` steps while the load
  ``α = p/N`` is below the storage capacity ``α_c ≈ 0.269`` (Düring, Coolen &
  Sherrington 1998). The field is computed through the patterns,
  ``N h = Ξ₊ᵀ (Ξ s) − d ∘ s`` with ``d_i = Σ_μ ξ^{μ+1}_i ξ^μ_i`` (removes the
  diagonal), in exact integer arithmetic (float32 BLAS while ``pN < 2^24``),
  so ties ``h_i = 0`` are exact (a zero field keeps the current spin).
- :class:`DelayedSequenceNetwork` — a symmetric Hebbian part plus a slow,
  delayed sequence part (Sompolinsky & Kanter 1986; Kleinfeld 1986):
  ``h_i(t) = Σ_{j≠i} J^s_ij s_j(t) + λ Σ_j J^seq_ij s_j(t − τ)`` under
  asynchronous (random-sequential) dynamics, ``t`` in sweeps. The symmetric
  part holds the current pattern; once the delayed state has caught up, the
  sequence part (``λ > 1``) pushes to the next one, so each pattern is held
  for about ``τ`` sweeps.

References
----------
- S. Amari, IEEE Trans. Comput. C-21, 1197 (1972); D. Kleinfeld, PNAS 83,
  9469 (1986); H. Sompolinsky & I. Kanter, Phys. Rev. Lett. 57, 2861 (1986).
- A. Düring, A. C. C. Coolen & D. Sherrington, J. Phys. A 31, 8607 (1998):
  sequence processing with parallel dynamics, ``α_c ≈ 0.269``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from spinnet._persist import load_state, save_state
from spinnet._rng import SeedLike, as_generator
from spinnet._validation import (
    _check_real,
    check_int,
    check_nonneg_float,
    check_spins,
)
from spinnet.hopfield import _kernels as _k

__all__ = [
    "DelayedSequenceNetwork",
    "SequenceMemory",
    "sequence_couplings",
    "sequence_replay",
]


def _sequence_patterns(patterns: Any, minimum: int = 2) -> np.ndarray:
    xi = check_spins(patterns, "patterns", ndim=2)
    if xi.shape[0] < minimum:
        raise ValueError(f"patterns must hold a sequence of at least {minimum} patterns "
                         f"(shape (p, N), p >= {minimum}); got shape {xi.shape}")
    return np.ascontiguousarray(xi)


def _check_bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be a bool; got {value!r}")
    return bool(value)


def _successors(xi: np.ndarray, cyclic: bool) -> tuple[np.ndarray, np.ndarray]:
    """(sources ξ^μ, targets ξ^{μ+1}) of the stored transitions."""
    if cyclic:
        return xi, np.roll(xi, -1, axis=0)
    return xi[:-1], xi[1:]


def sequence_couplings(patterns: Any, *, cyclic: bool = True) -> np.ndarray:
    """Asymmetric sequence couplings ``J_ij = (1/N) Σ_μ ξ^{μ+1}_i ξ^μ_j``, ``J_ii = 0``.

    ``J ξ^μ ≈ ξ^{μ+1}`` (Amari 1972; Düring et al. 1998, eq. 2).

    Parameters
    ----------
    patterns : array_like, shape (p, N)
        The sequence ``ξ^1, …, ξ^p`` (±1), ``p >= 2``.
    cyclic : bool
        Include the transition ``ξ^p → ξ^1``.

    Returns
    -------
    ndarray, shape (N, N), float64
        ``J[i, j]``: the field on ``i`` from ``j`` (not symmetric).
    """
    xi = _sequence_patterns(patterns)
    cyclic = _check_bool(cyclic, "cyclic")
    src, dst = _successors(xi, cyclic)
    J = dst.T.astype(np.float32) @ src.astype(np.float32)
    J = J.astype(np.float64) / xi.shape[1]
    np.fill_diagonal(J, 0.0)
    return J


def sequence_replay(patterns: Any, probes: Any, n_steps: int, *, cyclic: bool = True
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Synchronous replay ``s(t+1) = sign(J s(t))`` with sequence couplings.

    Computed through the patterns (``O(pN)`` per step and probe, no (N, N)
    matrix): ``N h = Ξ₊ᵀ (Ξ s) − d ∘ s`` with ``d_i = Σ_μ ξ^{μ+1}_i ξ^μ_i``.
    Integer-exact (a zero field keeps the current spin).

    Parameters
    ----------
    patterns : array_like, shape (p, N)
    probes : array_like, shape (N,) or (B, N)
        Initial states.
    n_steps : int >= 1
    cyclic : bool

    Returns
    -------
    states : ndarray of int8, shape (N,) or (B, N)
        States after ``n_steps`` steps.
    overlaps : ndarray, shape (n_steps + 1, p) or (B, n_steps + 1, p)
        ``m^μ(t) = ξ^μ · s(t) / N`` for every pattern and time.
    """
    xi = _sequence_patterns(patterns)
    cyclic = _check_bool(cyclic, "cyclic")
    p, n = xi.shape
    s = check_spins(probes, "probes", ndim=(1, 2), n=n)
    single = s.ndim == 1
    s = s.reshape(-1, n)
    n_steps = check_int(n_steps, "n_steps", minimum=1)
    src, dst = _successors(xi, cyclic)
    # float32 sums are exact integers while every partial sum stays below 2^24.
    dtype = np.float32 if p * n < 2**24 else np.float64
    a = xi.astype(dtype)                 # (p, N): all overlaps
    s_src = src.astype(dtype)            # (q, N)
    d_dst = dst.astype(dtype)            # (q, N)
    diag = np.einsum("mi,mi->i", d_dst, s_src)  # Σ_μ ξ^{μ+1}_i ξ^μ_i
    rows = np.arange(src.shape[0]) if cyclic else np.arange(p - 1)
    x = s.astype(dtype)
    ov = np.empty((s.shape[0], n_steps + 1, p))
    for t in range(n_steps + 1):
        m = x @ a.T                      # (B, p) integer overlaps Ξ s
        ov[:, t] = m / n
        if t == n_steps:
            break
        h = m[:, rows] @ d_dst           # Σ_μ ξ^{μ+1}_i M_μ
        h -= diag * x
        x = np.where(h > 0, 1, np.where(h < 0, -1, x)).astype(dtype)
    out = x.astype(np.int8)
    return (out[0], ov[0]) if single else (out, ov)


class SequenceMemory:
    """Sequence memory with asymmetric Hebbian couplings and synchronous replay.

    Parameters
    ----------
    cyclic : bool
        Store the transition ``ξ^p → ξ^1`` as well (default True).

    Attributes
    ----------
    patterns_ : ndarray of int8, shape (p, N)
    n_spins_ : int
    load_ : float
        ``α = p / N``.

    Examples
    --------
    >>> from spinnet.spins import random_patterns
    >>> xi = random_patterns(20, 400, rng=0)
    >>> mem = SequenceMemory().fit(xi)
    >>> states, m = mem.replay(xi[0], 25)
    >>> bool((m[20:, :].argmax(axis=1) == (np.arange(20, 26) % 20)).all())
    True
    """

    _KIND = "spinnet.hopfield.SequenceMemory"

    def __init__(self, cyclic: bool = True) -> None:
        self.cyclic = _check_bool(cyclic, "cyclic")

    def fit(self, patterns: Any) -> SequenceMemory:
        """Store the sequence ``patterns`` (p, N), ``p >= 2``; returns ``self``."""
        xi = _sequence_patterns(patterns).copy()
        self.patterns_ = xi
        self.n_spins_ = xi.shape[1]
        return self

    @property
    def load_(self) -> float:
        self._check_fitted()
        return self.patterns_.shape[0] / self.n_spins_

    @property
    def couplings_(self) -> np.ndarray:
        """The (N, N) couplings of :func:`sequence_couplings` (built on demand)."""
        self._check_fitted()
        return sequence_couplings(self.patterns_, cyclic=self.cyclic)

    def replay(self, probes: Any = None, n_steps: int | None = None):
        """Run synchronous dynamics from ``probes`` (default: the first pattern).

        Parameters
        ----------
        probes : array_like, shape (N,) or (B, N), optional
        n_steps : int, optional
            Default: ``p`` (one pass through a cyclic sequence).

        Returns
        -------
        states, overlaps : see :func:`sequence_replay`.
        """
        self._check_fitted()
        probes = self.patterns_[0] if probes is None else probes
        n_steps = self.patterns_.shape[0] if n_steps is None else n_steps
        return sequence_replay(self.patterns_, probes, n_steps, cyclic=self.cyclic)

    def save(self, path: str | os.PathLike) -> Path:
        """Save to a ``spinnet._persist`` directory."""
        self._check_fitted()
        return save_state(path, kind=self._KIND, config={"cyclic": self.cyclic},
                          arrays={"patterns": self.patterns_})

    @classmethod
    def load(cls, path: str | os.PathLike) -> SequenceMemory:
        """Load a memory written by :meth:`save`."""
        saved = load_state(path, kind=cls._KIND)
        return cls(cyclic=bool(saved.config["cyclic"])).fit(np.asarray(saved.arrays["patterns"]))

    def _check_fitted(self) -> None:
        if not hasattr(self, "patterns_"):
            raise RuntimeError(f"this {type(self).__name__} is not fitted yet; "
                               "call fit(patterns) first")

    def __repr__(self) -> str:
        fitted = (f", N={self.n_spins_}, p={self.patterns_.shape[0]}"
                  if hasattr(self, "patterns_") else "")
        return f"{type(self).__name__}(cyclic={self.cyclic}{fitted})"


class DelayedSequenceNetwork:
    """Symmetric Hebbian couplings plus delayed sequence couplings, asynchronous dynamics.

    ``h_i(t) = Σ_{j≠i} J^s_ij s_j(t) + λ Σ_{j≠i} J^seq_ij s_j(t − τ)`` with
    ``J^s = (1/N) Σ_μ ξ^μ ξ^μᵀ`` and ``J^seq`` of :func:`sequence_couplings`
    (Sompolinsky & Kanter 1986, eqs. 1–3, with their delay kernel a pure delay
    of ``τ`` sweeps; Kleinfeld 1986). Time is counted in sweeps of ``N``
    random-sequential updates; during sweep ``t → t + 1`` the delayed input is
    the state after sweep ``t + 1 − τ``, and the slow synapses are silent
    before the start (``s(t) = 0`` for ``t < 0``), so the first pattern is held
    for ``τ`` sweeps as well. For ``λ > 1`` the network then steps to the next
    pattern every ``≈ τ`` sweeps; for ``λ < 1`` it stays on the first one.

    Parameters
    ----------
    lam : float > 0
        Strength ``λ`` of the delayed sequence couplings.
    tau : int >= 1
        Delay ``τ`` in sweeps.
    cyclic : bool
        Store ``ξ^p → ξ^1``.

    Attributes
    ----------
    patterns_ : ndarray of int8, shape (p, N)
    couplings_ : ndarray, shape (N, N)
        Symmetric part ``J^s`` (zero diagonal).
    sequence_couplings_ : ndarray, shape (N, N)
        ``J^seq`` (zero diagonal).
    """

    _KIND = "spinnet.hopfield.DelayedSequenceNetwork"

    def __init__(self, lam: float = 2.0, tau: int = 8, cyclic: bool = True) -> None:
        lam = _check_real(lam, "lam")
        if lam <= 0:
            raise ValueError(f"lam must be > 0; got {lam}")
        self.lam = lam
        self.tau = check_int(tau, "tau", minimum=1)
        self.cyclic = _check_bool(cyclic, "cyclic")

    def fit(self, patterns: Any) -> DelayedSequenceNetwork:
        """Store the sequence ``patterns`` (p, N), ``p >= 2``; returns ``self``."""
        from spinnet.hopfield.rules import hebbian

        xi = _sequence_patterns(patterns).copy()
        self.couplings_ = hebbian(xi)
        self.sequence_couplings_ = sequence_couplings(xi, cyclic=self.cyclic)
        self.patterns_ = xi
        self.n_spins_ = xi.shape[1]
        return self

    def replay(self, probe: Any = None, n_sweeps: int = 100, *, temperature: float = 0.0,
               rng: SeedLike = None) -> tuple[np.ndarray, np.ndarray]:
        """Run the delayed network for ``n_sweeps`` sweeps from ``probe``.

        Parameters
        ----------
        probe : array_like, shape (N,), optional
            Initial state (default: the first pattern).
        n_sweeps : int >= 1
        temperature : float >= 0
            ``0``: ``s_i ← sign(h_i)`` (zero field keeps the spin); ``T > 0``:
            heat bath ``P(+1) = 1/(1 + exp(-2 h_i / T))``.
        rng : SeedLike
            Update orders (and heat-bath numbers).

        Returns
        -------
        state : ndarray of int8, shape (N,)
        overlaps : ndarray, shape (n_sweeps + 1, p)
            ``m^μ(t)`` after each sweep (row 0: the probe).
        """
        self._check_fitted()
        n = self.n_spins_
        probe = self.patterns_[0] if probe is None else probe
        s = np.array(check_spins(probe, "probe", ndim=1, n=n), dtype=np.int8, copy=True)
        n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=1)
        temperature = check_nonneg_float(temperature, "temperature")
        beta = np.inf if temperature == 0.0 else 1.0 / temperature
        gen = as_generator(rng)
        orders = np.argsort(gen.random((n_sweeps, n)), axis=1)
        uniforms = gen.random((n_sweeps, n)) if temperature > 0 else np.zeros((n_sweeps, 1))
        overlaps = np.zeros((n_sweeps + 1, self.patterns_.shape[0]))
        _k.delayed_sequence_chain(self.couplings_, self.lam * self.sequence_couplings_, s,
                                  self.tau, beta, orders, uniforms, self.patterns_, overlaps)
        return s, overlaps

    def save(self, path: str | os.PathLike) -> Path:
        """Save to a ``spinnet._persist`` directory."""
        self._check_fitted()
        return save_state(path, kind=self._KIND,
                          config={"lam": self.lam, "tau": self.tau, "cyclic": self.cyclic},
                          arrays={"patterns": self.patterns_})

    @classmethod
    def load(cls, path: str | os.PathLike) -> DelayedSequenceNetwork:
        """Load a network written by :meth:`save`."""
        saved = load_state(path, kind=cls._KIND)
        c = saved.config
        return cls(lam=float(c["lam"]), tau=int(c["tau"]), cyclic=bool(c["cyclic"])).fit(
            np.asarray(saved.arrays["patterns"]))

    def _check_fitted(self) -> None:
        if not hasattr(self, "patterns_"):
            raise RuntimeError(f"this {type(self).__name__} is not fitted yet; "
                               "call fit(patterns) first")

    def __repr__(self) -> str:
        fitted = (f", N={self.n_spins_}, p={self.patterns_.shape[0]}"
                  if hasattr(self, "patterns_") else "")
        return f"{type(self).__name__}(lam={self.lam}, tau={self.tau}{fitted})"
