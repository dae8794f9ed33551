"""Thermodynamic observables and their Monte Carlo estimators.

Two kinds of functions live here, both pure NumPy:

* per-configuration quantities — :func:`magnetization`, :func:`spin_glass_overlap` —
  which average over the *site* axes of spin arrays;
* estimators from time series of per-spin quantities ``m_t = M_t / N`` and
  ``e_t = E_t / N`` — :func:`abs_magnetization`, :func:`moments`,
  :func:`susceptibility`, :func:`specific_heat`, :func:`binder_cumulant` — which
  average over the *time* axis, by default the last one (``axis=-1``), so a
  batch of chains of shape ``(n_chains, n_samples)`` gives one estimate per chain.

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

from typing import Any, NamedTuple

import numpy as np

from spinnet._validation import (
    check_array,
    check_int,
    check_option,
    check_positive_float,
    check_spins,
)

__all__ = [
    "Moments",
    "abs_magnetization",
    "binder_cumulant",
    "magnetization",
    "moments",
    "specific_heat",
    "spin_glass_overlap",
    "susceptibility",
]


class Moments(NamedTuple):
    """Moments of the per-spin magnetization: ``⟨|m|⟩``, ``⟨m²⟩``, ``⟨m⁴⟩``."""

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
