"""Thermodynamic observables and their Monte Carlo estimators.

Two kinds of functions live here, both pure NumPy:

* per-configuration quantities — :func:`magnetization`, :func:`spin_glass_overlap` —
  which average over the *site* axes of spin arrays;
* estimators from time series of per-spin quantities ``m_t = M_t / N`` and
  ``e_t = E_t / N`` — :func:`abs_magnetization`, :func:`moments`,
  :func:`susceptibility`, :func:`specific_heat`, :func:`binder_cumulant` — which
  average over the *time* axis, by default the last one (``axis=-1``), so a
  batch of chains of shape ``(n_chains, n_samples)`` gives one estimate per chain;
* finite-size analysis of measured curves — :func:`binder_crossing` locates an
  unknown critical temperature from ``U₄(T)`` curves of several sizes.

These are the library's only implementations of ``χ``, ``C`` and ``U₄``: the
Monte Carlo pipelines (:mod:`spinnet.experiments.ising_simulate`) call them
inside the block jackknife.

Site vs time axes: a stack of configurations ``(n_samples, N)`` (or
``(n_samples, L, L)`` with ``site_axes=2``) maps to a series of shape
``(n_samples,)`` whose last axis is time, so the two kinds compose directly::

    m = magnetization(configs, site_axes=2)      # (n_samples,)
    chi = susceptibility(m, T, N=L * L)

Averages are plain sample means (no ``ddof`` corrections); error bars and bias
corrections for these nonlinear estimators come from :func:`spinnet.stats.jackknife`.
Conventions follow Newman & Barkema, *Monte Carlo Methods in Statistical
Physics* (Oxford, 1999), ch. 3, and Landau & Binder, *A Guide to Monte Carlo
Simulations in Statistical Physics* (CUP, 4th ed. 2014), ch. 4.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

from spinnet._rng import SeedLike, as_generator
from spinnet._validation import (
    check_array,
    check_int,
    check_option,
    check_positive_float,
    check_spins,
)

__all__ = [
    "BinderCrossing",
    "CrossingPair",
    "Moments",
    "abs_magnetization",
    "binder_crossing",
    "binder_cumulant",
    "magnetization",
    "moments",
    "specific_heat",
    "spin_glass_overlap",
    "susceptibility",
]


class Moments(NamedTuple):
    """Moments of the per-spin magnetization: ``⟨|m|⟩``, ``⟨m²⟩``, ``⟨m⁴⟩``.

    Attributes
    ----------
    abs_m, m2, m4 : float or ndarray of float, shape (...)
        ``⟨|m|⟩``, ``⟨m²⟩`` and ``⟨m⁴⟩`` per series (the shape of the series
        without the time axis).
    """

    abs_m: float | np.ndarray
    m2: float | np.ndarray
    m4: float | np.ndarray


def _site_axes(site_axes: Any, ndim: int, name: str) -> tuple[int, ...]:
    k = check_int(site_axes, "site_axes", minimum=1)
    if k > ndim:
        raise ValueError(f"site_axes = {k} exceeds the number of dimensions of {name} ({ndim})")
    return tuple(range(ndim - k, ndim))


def _series(x: Any, name: str, axis: int) -> np.ndarray:
    arr = check_array(x, name, dtype=np.float64)
    if arr.ndim == 0:
        raise ValueError(f"{name} must be a time series (at least 1 dimension); got a scalar")
    axis = check_int(axis, "axis")
    if not -arr.ndim <= axis < arr.ndim:
        raise ValueError(f"axis = {axis} is out of range for {name} of shape {arr.shape}")
    return arr


def _scalar(value: np.ndarray) -> float | np.ndarray:
    return float(value) if np.ndim(value) == 0 else value


def _beta(T: Any) -> float:
    return 1.0 / check_positive_float(T, "T")


def magnetization(spins: Any, site_axes: int = 1) -> float | np.ndarray:
    """Magnetization per spin ``m = (1/N) Σ_i s_i`` of each configuration.

    Parameters
    ----------
    spins : array_like of ±1, shape (..., N) or (..., L, L)
        One configuration or a batch (e.g. a time series) of configurations.
    site_axes : int, default 1
        How many trailing axes index the sites: ``1`` for flattened
        configurations ``(..., N)``, ``2`` for square-lattice arrays
        ``(..., L, L)``. The leading axes are kept.

    Returns
    -------
    float or ndarray, shape (...)
        ``m`` in ``[-1, 1]``; a float for a single configuration.
    """
    s = check_spins(spins, "spins")
    axes = _site_axes(site_axes, s.ndim, "spins")
    # Integer sum is exact; divide once.
    n = int(np.prod([s.shape[a] for a in axes]))
    return _scalar(s.sum(axis=axes, dtype=np.int64) / n)


def spin_glass_overlap(spins_a: Any, spins_b: Any, site_axes: int = 1) -> float | np.ndarray:
    """Overlap ``q = (1/N) Σ_i s^a_i s^b_i`` of two replicas (Edwards–Anderson order parameter).

    Edwards & Anderson, J. Phys. F 5, 965 (1975); Parisi, Phys. Rev. Lett. 50,
    1946 (1983): the distribution ``P(q)`` of overlaps between independent
    replicas at the same temperature and couplings is the spin-glass order
    parameter.

    Parameters
    ----------
    spins_a, spins_b : array_like of ±1, same shape (..., N) or (..., L, L)
        Configurations of two replicas, batched over the leading axes.
    site_axes : int, default 1
        Number of trailing site axes (as in :func:`magnetization`).

    Returns
    -------
    float or ndarray, shape (...)
        ``q`` in ``[-1, 1]``.
    """
    a = check_spins(spins_a, "spins_a")
    b = check_spins(spins_b, "spins_b")
    if a.shape != b.shape:
        raise ValueError(
            f"spins_a and spins_b must have the same shape; got {a.shape} and {b.shape}"
        )
    axes = _site_axes(site_axes, a.ndim, "spins_a")
    n = int(np.prod([a.shape[ax] for ax in axes]))
    prod = a.astype(np.int64) * b
    return _scalar(prod.sum(axis=axes) / n)


def abs_magnetization(m: Any, axis: int = -1) -> float | np.ndarray:
    """Time average ``⟨|m|⟩`` of the per-spin magnetization.

    On a finite lattice in zero field ``⟨m⟩ = 0`` by symmetry (the chain tunnels
    between ``±m₀``), so ``⟨|m|⟩`` is the standard finite-size estimator of the
    spontaneous magnetization (Newman & Barkema 1999, sec. 3.7; Landau & Binder
    2014, sec. 4.2.3).

    Parameters
    ----------
    m : array_like, shape (..., n_samples)
        Series of per-spin magnetizations.
    axis : int, default -1
        Time axis.

    Returns
    -------
    float or ndarray of float, shape (...)
        ``⟨|m|⟩``, one per series (the input shape without the time ``axis``;
        a float for a single series).
    """
    arr = _series(m, "m", axis)
    return _scalar(np.abs(arr).mean(axis=axis))


def moments(m: Any, axis: int = -1) -> Moments:
    """Return ``Moments(abs_m=⟨|m|⟩, m2=⟨m²⟩, m4=⟨m⁴⟩)`` of a magnetization series.

    Parameters
    ----------
    m : array_like, shape (..., n_samples)
        Series of per-spin magnetizations.
    axis : int, default -1
        Time axis.

    Returns
    -------
    Moments
        ``abs_m``, ``m2``, ``m4``: floats, or arrays of the input shape
        without the time ``axis``.
    """
    arr = _series(m, "m", axis)
    m2 = arr * arr
    return Moments(abs_m=_scalar(np.abs(arr).mean(axis=axis)),
                   m2=_scalar(m2.mean(axis=axis)),
                   m4=_scalar((m2 * m2).mean(axis=axis)))


_CHI_ESTIMATORS = ("abs", "signed", "m2")


def susceptibility(m: Any, T: float, N: int, *, estimator: str = "abs",
                   axis: int = -1) -> float | np.ndarray:
    """Magnetic susceptibility per spin from a magnetization series (fluctuation formula).

    ``χ = β N (⟨m²⟩ - ⟨m⟩²)`` follows from ``χ = ∂⟨m⟩/∂h`` with
    ``E = ... - h Σ_i s_i`` (Newman & Barkema 1999, sec. 1.2). On a finite
    lattice in zero field ``⟨m⟩ = 0`` by symmetry, so three estimators are in use
    (Landau & Binder 2014, sec. 4.2.3):

    ``"abs"`` (default)
        ``χ = β N (⟨m²⟩ - ⟨|m|⟩²)``: the connected susceptibility of the
        symmetry-broken state; tends to the true ``χ`` on both sides of ``T_c``
        as ``L → ∞`` and is what is usually plotted against ``T``.
    ``"signed"``
        ``χ = β N (⟨m²⟩ - ⟨m⟩²)``: the literal formula; below ``T_c`` it measures
        tunnelling between ``±m₀`` (grows like ``N m₀²``) unless the chain never
        tunnels.
    ``"m2"``
        ``χ' = β N ⟨m²⟩``: equals ``"signed"`` exactly when ``⟨m⟩ = 0``; the
        standard choice above ``T_c`` and in finite-size scaling at ``T_c``
        (``χ' ∝ L^{γ/ν}``).

    Parameters
    ----------
    m : array_like, shape (..., n_samples)
        Series of per-spin magnetizations ``m_t = M_t / N``.
    T : float > 0
        Temperature (``k_B = 1``).
    N : int >= 1
        Number of spins.
    estimator : {"abs", "signed", "m2"}
        See above.
    axis : int, default -1
        Time axis.

    Returns
    -------
    float or ndarray, shape (...)
    """
    arr = _series(m, "m", axis)
    beta = _beta(T)
    N = check_int(N, "N", minimum=1)
    check_option(estimator, "estimator", _CHI_ESTIMATORS)
    m2 = (arr * arr).mean(axis=axis)
    if estimator == "abs":
        var = m2 - np.abs(arr).mean(axis=axis) ** 2
    elif estimator == "signed":
        var = arr.var(axis=axis)
    else:
        var = m2
    return _scalar(beta * N * var)


def specific_heat(e: Any, T: float, N: int, axis: int = -1) -> float | np.ndarray:
    """Specific heat per spin ``c = β² N (⟨e²⟩ - ⟨e⟩²)`` from an energy-per-spin series.

    Fluctuation-dissipation form of ``c = (1/N) ∂⟨E⟩/∂T`` with ``E = N e``
    (Newman & Barkema 1999, sec. 1.2). The variance is computed about the
    sample mean (two-pass), which avoids the cancellation of ``⟨e²⟩ - ⟨e⟩²``
    at low ``T``.

    Parameters
    ----------
    e : array_like, shape (..., n_samples)
        Series of energies per spin ``e_t = E_t / N``.
    T : float > 0
        Temperature (``k_B = 1``).
    N : int >= 1
        Number of spins.
    axis : int, default -1
        Time axis.

    Returns
    -------
    float or ndarray of float, shape (...)
        ``c``, one per series (the input shape without the time ``axis``;
        a float for a single series).
    """
    arr = _series(e, "e", axis)
    beta = _beta(T)
    N = check_int(N, "N", minimum=1)
    return _scalar(beta * beta * N * arr.var(axis=axis))


def binder_cumulant(m: Any, axis: int = -1) -> float | np.ndarray:
    """Binder cumulant ``U₄ = 1 - ⟨m⁴⟩ / (3 ⟨m²⟩²)``.

    Binder, Z. Phys. B 43, 119 (1981). ``U₄ → 2/3`` in an ordered phase
    (``m = ±m₀``), ``U₄ → 0`` in the disordered phase (Gaussian ``m``), and curves
    for different ``L`` cross near ``T_c`` at a universal value
    (``U₄* ≈ 0.6107`` for the 2D Ising model on a square torus; Salas & Sokal,
    J. Stat. Phys. 98, 551 (2000)).

    Parameters
    ----------
    m : array_like, shape (..., n_samples)
        Series of per-spin magnetizations.
    axis : int, default -1
        Time axis.

    Returns
    -------
    float or ndarray of float, shape (...)
        ``U₄``, one per series (the input shape without the time ``axis``;
        a float for a single series).

    Raises
    ------
    ValueError
        If ``⟨m²⟩ = 0`` along some series (the cumulant is undefined).
    """
    arr = _series(m, "m", axis)
    m2 = arr * arr
    mean_m2 = m2.mean(axis=axis)
    if np.any(mean_m2 == 0.0):
        raise ValueError("binder_cumulant is undefined for a series with <m^2> = 0 (all m = 0)")
    return _scalar(1.0 - (m2 * m2).mean(axis=axis) / (3.0 * mean_m2 ** 2))


# ============================================================================ Binder crossing
@dataclasses.dataclass(frozen=True)
class CrossingPair:
    """Crossing of the ``U₄(T)`` curves of two sizes ``L1 < L2`` (see :func:`binder_crossing`).

    ``T_cross``/``U4_cross`` are NaN when the curves do not cross inside the
    temperature window; ``bracket`` is the pair of grid temperatures that
    enclose the crossing; ``bootstrap_failures`` counts bootstrap replicas
    without a crossing in the window (a large count means the window is too
    narrow or the curves too noisy).

    Attributes
    ----------
    L1, L2 : int
        The two linear sizes, ``L1 < L2``.
    T_cross, T_cross_err : float
        Crossing temperature and its bootstrap error.
    U4_cross, U4_cross_err : float
        ``U₄`` at the crossing and its bootstrap error.
    bracket : tuple of (float, float)
        Grid temperatures enclosing the crossing.
    bootstrap_failures : int
        Bootstrap replicas without a crossing in the window.
    """

    L1: int
    L2: int
    T_cross: float
    T_cross_err: float
    U4_cross: float
    U4_cross_err: float
    bracket: tuple[float, float]
    bootstrap_failures: int


@dataclasses.dataclass(frozen=True)
class BinderCrossing:
    """Critical temperature from crossings of Binder-cumulant curves.

    Attributes
    ----------
    T_c, T_c_err : float
        Crossing of the two largest sizes and its bootstrap standard error
        (the pair with the smallest finite-size shift).
    U4_c, U4_c_err : float
        ``U₄`` at that crossing (estimates the universal ``U₄*``).
    pairs : tuple of CrossingPair
        Every consecutive pair of sizes, smallest first.
    n_bootstrap : int
    """

    T_c: float
    T_c_err: float
    U4_c: float
    U4_c_err: float
    pairs: tuple[CrossingPair, ...]
    n_bootstrap: int

    def to_rows(self) -> list[dict[str, Any]]:
        """One dict per pair (a tidy table)."""
        return [{"L1": p.L1, "L2": p.L2, "T_cross": p.T_cross, "T_cross_err": p.T_cross_err,
                 "U4_cross": p.U4_cross, "U4_cross_err": p.U4_cross_err,
                 "T_lo": p.bracket[0], "T_hi": p.bracket[1],
                 "bootstrap_failures": p.bootstrap_failures} for p in self.pairs]


def _pair_crossing(T: np.ndarray, ua: np.ndarray, ub: np.ndarray,
                   weight: np.ndarray) -> tuple[float, float, int]:
    """Crossing of two sampled curves: ``(T_x, U_x, k)`` with ``T[k] <= T_x <= T[k+1]``.

    ``ub`` belongs to the larger size, which lies above ``ua`` below the
    crossing (ordered phase, ``U₄ → 2/3``) and below it above (``U₄ → 0``).
    The bracket is the split ``k`` of the grid (``k = -1 .. n-1``; points
    ``<= k`` on the left) that maximises ``Σ_{j<=k} z_j - Σ_{j>k} z_j`` with
    ``z = (u_b - u_a) / σ``: it puts the points where the larger size lies
    above on the left and those where it lies below on the right, each
    weighted by its significance. At an interior optimum ``z_k >= 0 >=
    z_{k+1}`` (moving the split by one point would otherwise raise the score),
    so the bracket always encloses a sign change, and noise far from the
    crossing -- where both curves approach 0 or 2/3 and ``z ≈ 0`` -- cannot
    move it. An optimum at either end means the curves do not cross inside
    the window (NaN). Inside the bracket both curves are interpolated
    linearly and the crossing is where the two segments meet.
    """
    d = ub - ua
    z = d * weight
    csum = np.concatenate([[0.0], np.cumsum(z)])     # csum[k + 1] = Σ_{j<=k} z_j
    score = 2.0 * csum - csum[-1]                      # split k = -1 .. n-1
    k = int(np.argmax(score)) - 1
    if k < 0 or k >= len(T) - 1:
        return math.nan, math.nan, -1
    if d[k] == d[k + 1]:                               # both zero: the curves touch
        return float(T[k]), float(ua[k]), k
    f = d[k] / (d[k] - d[k + 1])
    t = T[k] + f * (T[k + 1] - T[k])
    u = ua[k] + f * (ua[k + 1] - ua[k])
    return float(t), float(u), k


def binder_crossing(temperatures: Any, u4_by_size: Mapping[int, Any],
                    u4_err_by_size: Mapping[int, Any] | None = None, *,
                    n_bootstrap: int = 1000, rng: SeedLike = None) -> BinderCrossing:
    """Critical temperature from the crossings of Binder-cumulant curves ``U₄(T; L)``.

    At ``T_c`` the Binder cumulant is scale invariant, ``U₄(T_c; L) → U₄*``, so
    curves for different ``L`` cross there, up to corrections of order
    ``L^{-1/ν - ω}`` (Binder, Z. Phys. B 43, 119 (1981); Landau & Binder,
    *A Guide to Monte Carlo Simulations in Statistical Physics*, 4th ed. (CUP,
    2014), sec. 4.2.3). Nothing about ``T_c`` needs to be known: the window
    only has to contain it.

    Method: for every consecutive pair of sizes ``L1 < L2`` the two curves are
    compared point by point; the pair of grid temperatures bracketing the
    sign change of ``U₄(L2) - U₄(L1)`` from positive (below ``T_c``: the larger
    system is more ordered, ``U₄ → 2/3``) to negative (above: ``U₄ → 0``
    faster) is chosen robustly (the split of the grid that best separates
    points of opposite sign, weighted by their significance, so that noise
    where both curves are flat does not create spurious crossings), and the
    crossing is the intersection of the two curves interpolated linearly
    between the bracketing temperatures.

    Errors: parametric bootstrap from **per-point errors** (the input): every
    ``U₄`` point is redrawn from a Gaussian with its error (e.g. the block
    jackknife error of :func:`spinnet.stats.jackknife`), independently across
    temperatures and sizes (they come from independent simulations), and the
    crossings are recomputed; the error is the standard deviation of the
    replicas. Without ``u4_err_by_size`` no errors are estimated (NaN).

    Parameters
    ----------
    temperatures : array_like, shape (n_T,)
        The common temperature grid, strictly increasing, ``n_T >= 2``.
    u4_by_size : mapping {L: array_like of shape (n_T,)}
        ``U₄`` of each size on the grid (at least two sizes).
    u4_err_by_size : mapping {L: array_like of shape (n_T,)}, optional
        One-standard-deviation errors of the points (``> 0``).
    n_bootstrap : int, default 1000
        Bootstrap replicas (``>= 2``).
    rng : SeedLike
        Generator for the bootstrap.

    Returns
    -------
    BinderCrossing
        ``T_c`` from the two largest sizes, and every consecutive pair.

    Examples
    --------
    >>> T = np.linspace(2.0, 2.5, 6)
    >>> res = binder_crossing(T, {8: 0.6 - 0.5 * (T - 2.27), 16: 0.6 - 1.0 * (T - 2.27)})
    >>> round(res.T_c, 6)
    2.27
    """
    T = check_array(temperatures, "temperatures", ndim=1, dtype=np.float64)
    if T.size < 2:
        raise ValueError(f"temperatures must hold at least 2 points; got {T.size}")
    if not np.all(np.isfinite(T)) or np.any(np.diff(T) <= 0):
        raise ValueError("temperatures must be finite and strictly increasing")
    if not isinstance(u4_by_size, Mapping):
        raise TypeError(f"u4_by_size must be a mapping {{L: U4 array}}; got "
                        f"{type(u4_by_size).__name__}")
    sizes = sorted(int(check_int(L, "size", minimum=1)) for L in u4_by_size)
    if len(sizes) < 2:
        raise ValueError(f"u4_by_size needs at least 2 sizes; got {sizes}")
    u = {}
    for L in sizes:
        u[L] = check_array(u4_by_size[L], f"u4_by_size[{L}]", ndim=1, dtype=np.float64)
        if u[L].shape != T.shape:
            raise ValueError(f"u4_by_size[{L}] must have the shape of temperatures {T.shape}; "
                             f"got {u[L].shape}")
        if not np.all(np.isfinite(u[L])):
            raise ValueError(f"u4_by_size[{L}] must be finite")
    err: dict[int, np.ndarray] | None = None
    if u4_err_by_size is not None:
        err = {}
        for L in sizes:
            if L not in u4_err_by_size:
                raise ValueError(f"u4_err_by_size has no errors for size {L}")
            e = check_array(u4_err_by_size[L], f"u4_err_by_size[{L}]", ndim=1,
                            dtype=np.float64)
            if e.shape != T.shape:
                raise ValueError(f"u4_err_by_size[{L}] must have the shape of temperatures "
                                 f"{T.shape}; got {e.shape}")
            if not np.all(np.isfinite(e) & (e > 0)):
                raise ValueError(f"u4_err_by_size[{L}] must be finite and > 0")
            err[L] = e
    n_bootstrap = check_int(n_bootstrap, "n_bootstrap", minimum=2)
    gen = as_generator(rng)
    pairs_L = list(itertools.pairwise(sizes))

    def weights(a: int, b: int) -> np.ndarray:
        if err is None:
            return np.ones_like(T)
        return 1.0 / np.hypot(err[a], err[b])

    central = [_pair_crossing(T, u[a], u[b], weights(a, b)) for a, b in pairs_L]
    boot_t = np.full((n_bootstrap, len(pairs_L)), math.nan)
    boot_u = np.full((n_bootstrap, len(pairs_L)), math.nan)
    if err is not None:
        for r in range(n_bootstrap):
            draw = {L: u[L] + err[L] * gen.standard_normal(T.size) for L in sizes}
            for i, (a, b) in enumerate(pairs_L):
                boot_t[r, i], boot_u[r, i], _ = _pair_crossing(T, draw[a], draw[b],
                                                               weights(a, b))
    pairs = []
    for i, ((a, b), (t, uc, k)) in enumerate(zip(pairs_L, central, strict=True)):
        ok = np.isfinite(boot_t[:, i])
        n_ok = int(ok.sum())
        t_err = float(np.std(boot_t[ok, i], ddof=1)) if n_ok >= 2 else math.nan
        u_err = float(np.std(boot_u[ok, i], ddof=1)) if n_ok >= 2 else math.nan
        bracket = (float(T[k]), float(T[k + 1])) if k >= 0 else (math.nan, math.nan)
        pairs.append(CrossingPair(L1=a, L2=b, T_cross=t, T_cross_err=t_err, U4_cross=uc,
                                  U4_cross_err=u_err, bracket=bracket,
                                  bootstrap_failures=(n_bootstrap - n_ok) if err is not None
                                  else 0))
    last = pairs[-1]
    return BinderCrossing(T_c=last.T_cross, T_c_err=last.T_cross_err, U4_c=last.U4_cross,
                          U4_c_err=last.U4_cross_err, pairs=tuple(pairs),
                          n_bootstrap=n_bootstrap if err is not None else 0)
