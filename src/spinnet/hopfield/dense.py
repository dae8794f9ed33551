"""Discrete dense associative memory (Krotov & Hopfield 2016; Demircigil et al. 2017).

Energy of a state ``s ∈ {−1, +1}^N`` given stored patterns ``ξ^μ`` (rows of
``(p, N)``):

    E(s) = −Σ_μ F(ξ^μ · s)

with ``F(x) = x^n`` (polynomial, Krotov & Hopfield, NeurIPS 2016, Eq. 2),
``F(x) = max(x, 0)^n`` (rectified polynomial, same paper) or ``F(x) = e^x``
(Demircigil, Heusel, Löwe, Upgang & Vermet, J. Stat. Phys. 168, 288 (2017)).
``n = 2`` is the classical Hopfield energy up to a constant.

The asynchronous update (Krotov & Hopfield 2016, Eq. 3) sets spin ``i`` to
``sign(h_i)`` with the exact energy gap

    h_i = E(s; s_i = −1) − E(s; s_i = +1)
        = Σ_μ [F(y_μ + ξ^μ_i) − F(y_μ − ξ^μ_i)],   y_μ = Σ_{j≠i} ξ^μ_j s_j,

so every flip lowers ``E`` by ``|h_i| > 0`` and a zero gap keeps the spin
(gaps within ``1e−12 × Σ_μ |terms|`` of zero count as zero, so round-off
never decides a tie). The Numba kernel keeps ``x_μ = ξ^μ·s`` up to date
incrementally: a visit costs ``O(p)``.

For ``F = exp`` the gaps are evaluated as ``e^{m} Σ_μ e^{y_μ − m}(...)`` with
``m = max_μ y_μ`` (only the sign matters), so dynamics never overflow; the
energy itself, ``−Σ e^{x_μ}``, overflows to ``−inf`` for ``N > 709``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numba import njit

from spinnet._progress import ProgressCallback, report
from spinnet._rng import SeedLike, as_generator
from spinnet._validation import check_int, check_option, check_spins
from spinnet.spins import overlaps as _overlaps

__all__ = [
    "DenseAssociativeMemory",
    "DenseTrajectory",
    "dense_energy",
    "dense_local_fields",
    "lse_sphere_energy",
    "lse_sphere_update",
    "parse_interaction",
]

_KINDS = ("poly", "rectified", "exp")
_CODE = {"poly": 0, "rectified": 1, "exp": 2}
_REL_TOL = 1e-12


def parse_interaction(spec: str) -> tuple[str, int]:
    """Parse ``"poly:3"``, ``"rectified:4"`` or ``"exp"`` into ``(kind, degree)``.

    ``degree`` is 0 for ``"exp"``.

    Parameters
    ----------
    spec : str
        ``"poly:n"``, ``"rectified:n"`` (integer ``n >= 2``) or ``"exp"``.

    Returns
    -------
    tuple of (str, int)
        ``(kind, degree)`` with ``kind`` one of ``"poly"``, ``"rectified"``, ``"exp"``.
    """
    if not isinstance(spec, str):
        raise TypeError(f"interaction must be a string such as 'poly:3' or 'exp'; got {spec!r}")
    kind, _, deg = spec.partition(":")
    kind = check_option(kind.strip(), "interaction", _KINDS)
    if kind == "exp":
        if deg:
            raise ValueError(f"interaction 'exp' takes no degree; got {spec!r}")
        return kind, 0
    try:
        n = int(deg)
    except ValueError:
        raise ValueError(f"interaction {spec!r} needs an integer degree, e.g. 'poly:3'") from None
    if n < 2:
        raise ValueError(f"interaction degree must be >= 2; got {n} in {spec!r}")
    return kind, n


# ----------------------------------------------------------------------------- kernels
@njit(cache=True)
def _f(x: float, code: int, n: int) -> float:
    if code == 0:
        return x ** n
    if code == 1:
        return x ** n if x > 0.0 else 0.0
    return math.exp(x)


@njit(cache=True)
def _gap(xi_t: np.ndarray, x: np.ndarray, s_i: int, i: int, code: int, n: int) -> float:
    """Sign-exact energy gap h_i (scaled by a positive factor for exp); 0 on ties."""
    p = x.shape[0]
    shift = 0.0
    if code == 2:
        shift = -np.inf
        for mu in range(p):
            y = x[mu] - xi_t[i, mu] * s_i
            if y > shift:
                shift = y
    h = 0.0
    mag = 0.0
    for mu in range(p):
        e = xi_t[i, mu]
        y = x[mu] - e * s_i
        a = _f(y + e - shift, code, n)
        b = _f(y - e - shift, code, n)
        h += a - b
        mag += abs(a) + abs(b)
    if abs(h) <= _REL_TOL * mag:
        return 0.0
    return h


@njit(cache=True)
def _energy_from_x(x: np.ndarray, code: int, n: int) -> float:
    e = 0.0
    for mu in range(x.shape[0]):
        e -= _f(x[mu], code, n)
    return e


@njit(cache=True)
def _async_sweep(xi_t: np.ndarray, s: np.ndarray, x: np.ndarray, order: np.ndarray,
                 active: np.ndarray, code: int, n: int) -> np.ndarray:
    """One random-sequential sweep of every active chain; returns flips per chain."""
    n_chains = s.shape[0]
    p = x.shape[1]
    flips = np.zeros(n_chains, dtype=np.int64)
    for b in range(n_chains):
        if not active[b]:
            continue
        for k in range(order.shape[1]):
            i = order[b, k]
            si = s[b, i]
            h = _gap(xi_t, x[b], si, i, code, n)
            new = si
            if h > 0.0:
                new = 1
            elif h < 0.0:
                new = -1
            if new != si:
                s[b, i] = new
                for mu in range(p):
                    x[b, mu] += 2.0 * new * xi_t[i, mu]
                flips[b] += 1
    return flips


@njit(cache=True)
def _energies(x: np.ndarray, code: int, n: int) -> np.ndarray:
    out = np.empty(x.shape[0])
    for b in range(x.shape[0]):
        out[b] = _energy_from_x(x[b], code, n)
    return out


# ------------------------------------------------------------------------- NumPy level
def _F(x: np.ndarray, kind: str, n: int) -> np.ndarray:
    if kind == "poly":
        return x ** n
    if kind == "rectified":
        return np.where(x > 0, x, 0.0) ** n
    return np.exp(x)


def dense_energy(patterns: Any, states: Any, interaction: str = "poly:3") -> np.ndarray | float:
    """``E(s) = −Σ_μ F(ξ^μ·s)`` of a state (N,) or batch (B, N) (Krotov & Hopfield 2016).

    Parameters
    ----------
    patterns : array_like of ±1, shape (p, N)
        Stored patterns ``ξ^μ``.
    states : array_like of ±1, shape (N,) or (B, N)
        One state or a batch of states.
    interaction : str, default "poly:3"
        Interaction function ``F``: ``"poly:n"`` (``x^n``), ``"rectified:n"``
        (``max(x, 0)^n``) or ``"exp"`` (``e^x``); see :func:`parse_interaction`.

    Returns
    -------
    float or ndarray of float, shape (B,)
        The energy of each state (``−inf`` for ``"exp"`` once ``e^{ξ·s}`` overflows).
    """
    kind, n = parse_interaction(interaction)
    xi = check_spins(patterns, "patterns", ndim=2)
    s = check_spins(states, "states", ndim=(1, 2), n=xi.shape[1])
    x = s.astype(np.float64) @ xi.T.astype(np.float64)
    return -_F(x, kind, n).sum(-1)


def dense_local_fields(patterns: Any, states: Any, interaction: str = "poly:3") -> np.ndarray:
    """Energy gaps ``h_i = E(s_i = −1) − E(s_i = +1)`` for every spin, shape like ``states``.

    Vectorised over spins: with ``x_μ = ξ^μ·s``,
    ``h_i = s_i C + Σ_μ ξ^μ_i D_μ`` where ``D_μ = [F(x_μ+2) − F(x_μ−2)]/2`` and
    ``C = Σ_μ [F(x_μ) − (F(x_μ+2) + F(x_μ−2))/2]`` (expand ``F(y ± ξ_i)`` with
    ``y = x − ξ_i s_i``). For ``exp`` the gaps of each state are multiplied by
    the positive factor ``e^{−max_μ x_μ}`` (signs exact, no overflow).
    Costs two ``(B, p) × (p, N)`` products.

    Parameters
    ----------
    patterns : array_like of ±1, shape (p, N)
        Stored patterns ``ξ^μ``.
    states : array_like of ±1, shape (N,) or (B, N)
        One state or a batch of states.
    interaction : str, default "poly:3"
        Interaction function ``F``: ``"poly:n"`` (``x^n``), ``"rectified:n"``
        (``max(x, 0)^n``) or ``"exp"`` (``e^x``); see :func:`parse_interaction`.

    Returns
    -------
    ndarray of float, shape (N,) or (B, N)
        The gaps ``h_i`` (same shape as ``states``); ``s_i ← sign(h_i)`` lowers the energy.
    """
    kind, n = parse_interaction(interaction)
    xi = check_spins(patterns, "patterns", ndim=2)
    s = check_spins(states, "states", ndim=(1, 2), n=xi.shape[1])
    return _fields(xi.astype(np.float64), s, kind, n)


def _fields(xi: np.ndarray, s: np.ndarray, kind: str, n: int) -> np.ndarray:
    # Process probes in chunks so that the (B, p) temporaries stay below ~2e7 entries.
    if s.ndim == 2:
        step = max(1, 20_000_000 // max(1, xi.shape[0]))
        if s.shape[0] > step:
            return np.concatenate([_fields_block(xi, s[i:i + step], kind, n)
                                   for i in range(0, s.shape[0], step)])
    return _fields_block(xi, s, kind, n)


def _fields_block(xi: np.ndarray, s: np.ndarray, kind: str, n: int) -> np.ndarray:
    sf = s.astype(np.float64)
    x = sf @ xi.T
    shift = x.max(-1, keepdims=True) if kind == "exp" else 0.0
    fp, fm, f0 = _F(x + 2 - shift, kind, n), _F(x - 2 - shift, kind, n), _F(x - shift, kind, n)
    d = 0.5 * (fp - fm)
    c = (f0 - 0.5 * (fp + fm)).sum(-1, keepdims=True)
    h = sf * c + d @ xi
    mag = (np.abs(fp) + np.abs(fm) + np.abs(f0)).sum(-1, keepdims=True) * 2.0
    h[np.abs(h) <= 1e-11 * mag] = 0.0
    return h


@dataclass
class DenseTrajectory:
    """Per-sweep record of :meth:`DenseAssociativeMemory.recall` (async dynamics).

    Attributes
    ----------
    energy : ndarray, shape (n_sweeps + 1, B)
        Energy before the first sweep and after each sweep.
    flips : ndarray of int, shape (n_sweeps, B)
        Spins flipped in each sweep.
    n_sweeps : ndarray of int, shape (B,)
        Sweeps until a sweep without flips (the fixed point is then certain).
    converged : ndarray of bool, shape (B,)
    """

    energy: np.ndarray
    flips: np.ndarray
    n_sweeps: np.ndarray
    converged: np.ndarray


class DenseAssociativeMemory:
    """Dense associative memory with polynomial, rectified-polynomial or exponential energy.

    Parameters
    ----------
    interaction : str
        ``"poly:n"`` (``F(x) = x^n``), ``"rectified:n"`` (``F(x) = max(x,0)^n``)
        or ``"exp"`` (``F(x) = e^x``).

    Attributes
    ----------
    patterns_ : ndarray of int8, shape (p, N)
    n_spins_ : int
    load_ : float
        ``p / N``.

    Examples
    --------
    >>> from spinnet.spins import random_patterns, flip
    >>> xi = random_patterns(300, 100, rng=0)      # alpha = 3: far beyond Hebb's 0.14
    >>> dam = DenseAssociativeMemory("poly:3").fit(xi)
    >>> out = dam.recall(flip(xi[:10], 0.1, rng=1), rng=2)
    >>> bool((dam.overlaps(out).diagonal() == 1).all())
    True
    """

    def __init__(self, interaction: str = "poly:3") -> None:
        self.kind, self.degree = parse_interaction(interaction)
        self.interaction = interaction

    def fit(self, patterns: Any) -> DenseAssociativeMemory:
        """Store ``patterns`` (p, N) of ±1, replacing earlier ones."""
        xi = check_spins(patterns, "patterns", ndim=2).copy()
        self.patterns_ = xi
        self.n_spins_ = xi.shape[1]
        self._xi_t = np.ascontiguousarray(xi.T.astype(np.float64))
        self._xi_f = xi.astype(np.float64)
        return self

    @property
    def load_(self) -> float:
        self._check_fitted()
        return self.patterns_.shape[0] / self.n_spins_

    def _check_fitted(self) -> None:
        if not hasattr(self, "patterns_"):
            raise RuntimeError("this DenseAssociativeMemory is not fitted yet; call "
                               "fit(patterns) first")

    def energy(self, states: Any) -> np.ndarray | float:
        """``E(s) = −Σ_μ F(ξ^μ·s)`` of a state (N,) or batch (B, N)."""
        self._check_fitted()
        s = check_spins(states, "states", ndim=(1, 2), n=self.n_spins_)
        return -_F(s.astype(np.float64) @ self._xi_f.T, self.kind, self.degree).sum(-1)

    def local_fields(self, states: Any) -> np.ndarray:
        """Energy gaps ``h_i`` (see :func:`dense_local_fields`)."""
        self._check_fitted()
        s = check_spins(states, "states", ndim=(1, 2), n=self.n_spins_)
        return _fields(self._xi_f, s, self.kind, self.degree)

    def overlaps(self, states: Any) -> np.ndarray:
        """Overlaps ``m^μ = ξ^μ·s / N``: shape (p,) or (B, p)."""
        self._check_fitted()
        return _overlaps(self.patterns_, states)

    def is_stable(self, states: Any) -> np.ndarray | bool:
        """Whether states are fixed points (no single flip lowers the energy)."""
        self._check_fitted()
        s = check_spins(states, "states", ndim=(1, 2), n=self.n_spins_)
        h = _fields(self._xi_f, s, self.kind, self.degree)
        # A spin is stable when its gap does not ask for the other sign (zero keeps it).
        return ~np.any(s * h < 0, axis=-1)

    def update(self, states: Any) -> np.ndarray:
        """One synchronous step ``s_i ← sign(h_i(s))`` for all spins (zero gap keeps ``s_i``).

        The one-step retrieval of Demircigil et al. (2017); unlike the async
        rule it does not guarantee an energy decrease.
        """
        self._check_fitted()
        s = check_spins(states, "states", ndim=(1, 2), n=self.n_spins_)
        h = _fields(self._xi_f, s, self.kind, self.degree)
        return np.where(h > 0, 1, np.where(h < 0, -1, s)).astype(np.int8)

    def recall(self, probes: Any, *, max_sweeps: int = 100, rng: SeedLike = None,
               return_trajectory: bool = False, progress: ProgressCallback | None = None
               ) -> np.ndarray | tuple[np.ndarray, DenseTrajectory]:
        """Zero-temperature asynchronous dynamics to a fixed point.

        Each sweep visits the spins in a fresh random order (drawn from
        ``rng``) and sets ``s_i ← sign(h_i)``; a zero gap keeps the spin, so
        the energy strictly decreases with every flip. A chain stops after a
        sweep without flips.

        Parameters
        ----------
        probes : array_like, shape (N,) or (B, N)
        max_sweeps : int >= 1
        rng : SeedLike
            Visiting orders.
        return_trajectory : bool
            Also return a :class:`DenseTrajectory`.
        progress : callable, optional
            ``progress("sweeps", done, max_sweeps)`` after each sweep (the
            budget is the total; the dynamics may stop earlier).

        Returns
        -------
        states : ndarray of int8, same shape as ``probes``
        trajectory : DenseTrajectory, only if ``return_trajectory``
        """
        self._check_fitted()
        max_sweeps = check_int(max_sweeps, "max_sweeps", minimum=1)
        s0 = check_spins(probes, "probes", ndim=(1, 2), n=self.n_spins_)
        gen = as_generator(rng)
        single = s0.ndim == 1
        s = np.array(s0.reshape(-1, self.n_spins_), dtype=np.int8, copy=True)
        x = s.astype(np.float64) @ self._xi_f.T
        code = _CODE[self.kind]
        n_chains, n = s.shape
        active = np.ones(n_chains, dtype=np.bool_)
        n_sweeps = np.zeros(n_chains, dtype=np.int64)
        energies = [_energies(x, code, self.degree)] if return_trajectory else None
        flips_log = []
        base = np.tile(np.arange(n, dtype=np.int64), (n_chains, 1))
        report(progress, "sweeps", 0, max_sweeps)
        for k in range(max_sweeps):
            order = gen.permuted(base, axis=1)
            flips = _async_sweep(self._xi_t, s, x, order, active, code, self.degree)
            n_sweeps[active] += 1
            active &= flips > 0
            report(progress, "sweeps", k + 1 if active.any() else max_sweeps, max_sweeps)
            if return_trajectory:
                energies.append(_energies(x, code, self.degree))
                flips_log.append(flips)
            if not active.any():
                break
        out = s[0] if single else s
        if not return_trajectory:
            return out
        traj = DenseTrajectory(np.array(energies), np.array(flips_log), n_sweeps, ~active)
        return out, traj

    def __repr__(self) -> str:
        fitted = (f", N={self.n_spins_}, p={self.patterns_.shape[0]}"
                  if hasattr(self, "patterns_") else "")
        return f"DenseAssociativeMemory({self.interaction!r}{fitted})"


# ------------------------------------------- log-sum-exp energy on the sphere (LM 2024)
def _lse_args(state: Any, patterns: Any, lam: float) -> tuple[np.ndarray, np.ndarray, float,
                                                              bool]:
    from spinnet._validation import check_array, check_positive_float

    xi = check_array(patterns, "patterns", ndim=2)
    x = check_array(state, "state", ndim=(1, 2))
    lam = check_positive_float(lam, "lam")
    single = x.ndim == 1
    x = np.atleast_2d(x).astype(float)
    if x.shape[1] != xi.shape[1]:
        raise ValueError(f"state must have {xi.shape[1]} components (patterns are "
                         f"{xi.shape}); got shape {x.shape}")
    return x, np.asarray(xi, float), lam, single


def lse_sphere_energy(state: Any, patterns: Any, lam: float) -> np.ndarray | float:
    """Energy ``E(x) = −λ⁻¹ ln Σ_ν e^{λ ξ^ν·x}`` of the exponential memory of Lucibello & Mézard.

    Lucibello & Mézard, PRL 132, 077301 (2024), arXiv:2304.14964: ``P``
    patterns ``ξ^ν ∈ R^N`` (rows of ``patterns``), states ``x`` on the sphere
    ``|x|² = N`` (not enforced here). Computed with a stable log-sum-exp.

    Parameters
    ----------
    state : array, shape (N,) or (B, N)
    patterns : array, shape (P, N)
    lam : float
        Inverse temperature ``λ > 0``.

    Returns
    -------
    float or ndarray, shape (B,)
    """
    from scipy.special import logsumexp

    x, xi, lam, single = _lse_args(state, patterns, lam)
    e = -logsumexp(lam * (x @ xi.T), axis=1) / lam
    return float(e[0]) if single else e


def lse_sphere_update(state: Any, patterns: Any, lam: float) -> np.ndarray:
    """One step ``x ← √N v/|v|``, ``v = Σ_ν ξ^ν softmax_ν(λ ξ·x)`` (stationarity on the sphere).

    Fixed points are the stationary points of :func:`lse_sphere_energy` on
    ``|x|² = N`` (``∇E = −v`` parallel to ``x``). ``ln Σ e^{λξ·x}`` is convex,
    so ``v·x' >= v·x`` gives ``E(x') <= E(x)`` for states on the sphere: the
    energy never increases (tested). Used for the retrieval and basin checks
    of Lucibello & Mézard (2024).

    Parameters
    ----------
    state : array, shape (N,) or (B, N)
    patterns : array, shape (P, N)
    lam : float
        Inverse temperature ``λ > 0``.

    Returns
    -------
    ndarray
        New state(s) on the sphere of radius ``√N``, same shape as ``state``.
    """
    from scipy.special import softmax

    x, xi, lam, single = _lse_args(state, patterns, lam)
    w = softmax(lam * (x @ xi.T), axis=1)
    v = w @ xi
    norm = np.linalg.norm(v, axis=1, keepdims=True)
    if np.any(norm == 0):
        raise ValueError("the softmax average of the patterns is zero; the update is undefined")
    out = v * (math.sqrt(xi.shape[1]) / norm)
    return out[0] if single else out
