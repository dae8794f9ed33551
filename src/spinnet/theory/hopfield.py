"""Hopfield model theory: signal-to-noise error rates.

References
----------
- J. J. Hopfield, PNAS 79, 2554 (1982).
- D. J. Amit, H. Gutfreund & H. Sompolinsky, Phys. Rev. Lett. 55, 1530 (1985);
  D. J. Amit, *Modeling Brain Function* (CUP 1989), sec. 4.1.
- J. Hertz, A. Krogh & R. G. Palmer, *Introduction to the Theory of Neural
  Computation* (1991), eq. 2.13: ``P_error = ½ [1 - erf(√(N / 2p))]``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import brentq
from scipy.special import erf, erfc
from scipy.stats import binom

from spinnet._validation import (
    check_array,
    check_int,
    check_nonneg_float,
    check_option,
    check_positive_float,
)

__all__ = [
    "AGSSolution",
    "ags_lines",
    "ags_solve",
    "alpha_c",
    "alpha_c_global",
    "capacity_point",
    "mixture_state",
    "one_step_error",
    "one_step_error_exact",
    "replicon",
    "t_c",
    "t_g",
    "t_m",
    "t_r",
]


def one_step_error(alpha: Any) -> np.ndarray | float:
    """Signal-to-noise bit-error probability of one update from a stored pattern.

    For Hebbian couplings and ``p = αN`` random unbiased patterns the local
    field on a stored pattern is ``h_i ξ_i = 1 + noise`` with Gaussian crosstalk
    of variance ``α``, so ``P(sign(h_i) ≠ ξ_i) = ½ erfc(1 / √(2α))``
    (Hertz, Krogh & Palmer 1991, eq. 2.13). Values: α = 0.105 → 0.001,
    0.138 → 0.0036, 0.185 → 0.010, 0.37 → 0.05, 0.61 → 0.10.

    Parameters
    ----------
    alpha : float or array_like of float, any shape
        Load ``p / N`` (> 0).

    Returns
    -------
    float or ndarray of float
        Bit-error probability per spin, same shape as ``alpha`` (a float for
        scalar ``alpha``).
    """
    a = check_array(alpha, "alpha", dtype=np.float64)
    if np.any(a <= 0):
        raise ValueError("alpha must be > 0")
    out = 0.5 * erfc(1.0 / np.sqrt(2.0 * a))
    return float(out) if out.ndim == 0 else out


def one_step_error_exact(n: int, p: int) -> float:
    """Exact one-step bit-error probability for finite ``N`` and ``p``.

    With ``J_ii = 0`` the field on stored pattern ``ν`` is
    ``N h_i ξ^ν_i = (N - 1) + C`` where the crosstalk ``C`` is a sum of
    ``M = (p - 1)(N - 1)`` independent ±1 terms, ``C = 2K - M`` with
    ``K ~ Binomial(M, ½)``. An error needs ``C < -(N - 1)`` strictly (a zero
    field keeps the spin). For large ``N`` this tends to :func:`one_step_error`;
    at N = 1000, α = 0.105 it is 4% lower (0.00097 vs 0.00101).

    Parameters
    ----------
    n : int >= 2
        Number of neurons ``N``.
    p : int >= 1
        Number of stored patterns.

    Returns
    -------
    float
        Probability that one spin of a stored pattern flips in one zero-temperature
        update (``0.0`` for ``p = 1``).
    """
    n = check_int(n, "n", minimum=2)
    p = check_int(p, "p", minimum=1)
    m = (p - 1) * (n - 1)
    # largest integer K with 2K - M < -(N - 1)
    k_max = -((n - 1 - m) // 2) - 1 if (m - (n - 1)) % 2 == 0 else (m - (n - 1)) // 2
    return float(binom.cdf(k_max, m, 0.5)) if m > 0 else 0.0


# ----------------------------------------------------------------------------
# Replica-symmetric theory of Amit, Gutfreund & Sompolinsky
# ----------------------------------------------------------------------------
#
# AGS, Ann. Phys. 173, 30 (1987), eqs. (4.11)-(4.14); Phys. Rev. Lett. 55, 1530
# (1985). With z ~ N(0, 1) and x = β(m + √(αr) z):
#   m = ⟨tanh x⟩,  q = ⟨tanh² x⟩,  r = q / [1 - β(1 - q)]²,
#   f = α/2 + m²/2 + (α/2β)[ln(1 - β(1-q)) - βq/(1 - β(1-q))] + (αβ/2) r (1 - q)
#       - (1/β) ⟨ln 2 cosh x⟩.
# At T = 0 with C = β(1 - q) finite: m = erf(m/√(2αr)), C = √(2/παr) e^{-m²/2αr},
# r = 1/(1 - C)², and the energy per spin is
#   e = α/2 + m²/2 - α/(2(1 - C)) + αC/(2(1 - C)²) - ⟨|m + √(αr) z|⟩.

_Z, _DZ = np.linspace(-12.0, 12.0, 6001, retstep=True)
_W = np.exp(-0.5 * _Z**2) / np.sqrt(2.0 * np.pi) * _DZ  # Gaussian measure on a fine grid


def _gauss(values: np.ndarray) -> float:
    return float(values @ _W)


def _nodes(m: float, sigma: float, beta: float) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian quadrature nodes/weights resolving tanh β(m + σz) at any temperature.

    The integrand switches sign over ``|z - z₀| ≲ 20/(βσ)`` around
    ``z₀ = -m/σ``; when that window is narrower than the uniform grid can
    resolve (low T), 2001 extra nodes are placed inside it and the weights are
    those of the trapezoid rule on the merged, non-uniform grid.
    """
    width = 20.0 / (beta * sigma) if sigma > 0 else 0.0
    if sigma == 0.0 or width > 50 * _DZ:
        return _Z, _W
    z0 = -m / sigma
    return _merged_gauss_nodes(_Z, np.linspace(z0 - width, z0 + width, 2001), z0, width)


def _merged_gauss_nodes(grid: np.ndarray, inner: np.ndarray, center: float,
                        width: float) -> tuple[np.ndarray, np.ndarray]:
    """Trapezoid nodes and weights of the standard normal measure on a refined grid.

    The nodes of ``grid`` farther than ``width`` from ``center`` are merged with
    the ``inner`` nodes (which cover ``[center − width, center + width]``); the
    weights are the trapezoid rule on the merged, non-uniform grid times the
    normal density. Shared by the AGS and retrieval-dynamics integrals
    (:mod:`spinnet.theory.dynamics`), whose integrands switch sign near ``center``.
    """
    z = np.concatenate([grid[np.abs(grid - center) > width], inner])
    z.sort()
    dz = np.diff(z)
    w = np.zeros_like(z)
    w[:-1] += 0.5 * dz
    w[1:] += 0.5 * dz
    return z, w * np.exp(-0.5 * z**2) / np.sqrt(2.0 * np.pi)


def _log2cosh(x: np.ndarray) -> np.ndarray:
    ax = np.abs(x)
    return ax + np.log1p(np.exp(-2.0 * ax))


@dataclass(frozen=True)
class AGSSolution:
    """A replica-symmetric saddle point ``(m, q, r)`` of the Hopfield model.

    Attributes
    ----------
    alpha, T : float
        Load and temperature.
    m, q, r : float
        Retrieval overlap, Edwards–Anderson order parameter, and the mean
        square overlap with the uncondensed patterns (in units of α).
    free_energy : float
        RS free energy per spin ``f`` (energy per spin at ``T = 0``).
    converged : bool
        The iteration met its tolerance.
    """

    alpha: float
    T: float
    m: float
    q: float
    r: float
    free_energy: float
    converged: bool

    @property
    def phase(self) -> str:
        """``"retrieval"`` (m > 0), ``"spin-glass"`` (m = 0, q > 0) or ``"paramagnetic"``."""
        if self.m > 1e-4:
            return "retrieval"
        return "spin-glass" if self.q > 1e-4 else "paramagnetic"


def _moments(m: float, q: float, alpha: float, T: float) -> tuple[float, float, float]:
    """Gaussian averages ``(⟨tanh x⟩, ⟨tanh² x⟩, r)`` at ``x = β(m + √(αr) z)``, T > 0."""
    beta = 1.0 / T
    r = q / (1.0 - beta * (1.0 - q)) ** 2
    sigma = np.sqrt(alpha * r)
    z, w = _nodes(m, sigma, beta)
    t = np.tanh(beta * (m + sigma * z))
    return float(t @ w), float((t * t) @ w), r


def _q_of_m(m: float, alpha: float, T: float) -> float:
    """Solve ``q = ⟨tanh² β(m + √(αr) z)⟩`` with ``r = q/[1 - β(1 - q)]²`` for given m."""
    lo = max(0.0, 1.0 - T) + 1e-13  # 1 - β(1 - q) > 0 is the physical domain

    def h(q: float) -> float:
        return q - _moments(m, q, alpha, T)[1]

    if h(lo) >= 0.0:  # only for T > 1 and m = 0: the paramagnetic solution q = 0
        return 0.0
    return brentq(h, lo, 1.0, xtol=1e-14, rtol=1e-13)


def _retrieval_y0(alpha: float) -> float | None:
    """Largest root y > 0 of erf(y) = y(√(2α) + (2/√π) e^{-y²}) (T = 0), or None."""
    def g(y: float) -> float:
        return float(erf(y)) - y * (np.sqrt(2 * alpha) + 2 / np.sqrt(np.pi) * np.exp(-y * y))

    ys = np.linspace(6.0, 1e-3, 1200)
    vals = np.array([g(y) for y in ys])
    pos = np.flatnonzero(vals > 0)
    if pos.size == 0:
        return None
    k = pos[0]
    return brentq(g, ys[k], ys[k - 1], xtol=1e-15) if k > 0 else float(ys[0])


def _free_energy(m: float, q: float, r: float, alpha: float, T: float) -> float:
    if T == 0.0:
        c = q
        s = np.sqrt(alpha * r)
        mean_abs = m * erf(m / (s * np.sqrt(2.0))) + s * np.sqrt(2.0 / np.pi) * np.exp(
            -(m**2) / (2.0 * s**2)) if s > 0 else abs(m)
        return float(alpha / 2 + m**2 / 2 - alpha / (2 * (1 - c))
                     + alpha * c / (2 * (1 - c) ** 2) - mean_abs)
    beta = 1.0 / T
    d = 1.0 - beta * (1.0 - q)
    z, w = _nodes(m, np.sqrt(alpha * r), beta)
    x = beta * (m + np.sqrt(alpha * r) * z)
    return float(alpha / 2 + m**2 / 2 + alpha / (2 * beta) * (np.log(d) - beta * q / d)
                 + alpha * beta / 2 * r * (1 - q) - float(_log2cosh(x) @ w) / beta)


@functools.lru_cache(maxsize=4096)
def ags_solve(alpha: float, T: float, *, branch: str = "retrieval") -> AGSSolution:
    """Solve the AGS replica-symmetric equations at load ``α`` and temperature ``T``.

    ``m = ⟨tanh β(m + √(αr) z)⟩``, ``q = ⟨tanh² β(m + √(αr) z)⟩``,
    ``r = q / [1 - β(1 - q)]²`` (AGS 1987, eqs. 4.11–4.13). For each trial ``m``
    the ``q`` equation is solved by bracketing on the physical domain
    ``1 - β(1 - q) > 0``; the retrieval solution is the *largest* root ``m > 0``
    of ``m = ⟨tanh⟩`` (the stable one), found by a scan from ``m = 1`` and
    refined with Brent's method. The spin-glass branch has ``m = 0``. At
    ``T = 0`` the exact limit is used: with ``y = m/√(2αr)``,
    ``erf(y) = y(√(2α) + (2/√π) e^{-y²})``, ``m = erf(y)``, and for ``m = 0``
    ``C = β(1 - q) = a/(1 + a)``, ``a = √(2/(πα))``. Gaussian averages use a
    6001-point grid on ``|z| <= 12``.

    Parameters
    ----------
    alpha : float > 0
    T : float >= 0
    branch : {"retrieval", "spin-glass"}
        ``"retrieval"`` returns the spin-glass/paramagnetic solution (``m = 0``)
        where no retrieval solution exists.

    Returns
    -------
    AGSSolution
        At ``T = 0``, ``q = 1`` and ``free_energy`` is the energy per spin.
    """
    alpha = check_positive_float(alpha, "alpha")
    T = check_nonneg_float(T, "T")
    branch = check_option(branch, "branch", ("retrieval", "spin-glass"))
    if T == 0.0:
        y = _retrieval_y0(alpha) if branch == "retrieval" else None
        if y is not None:
            m = float(erf(y))
            r = m * m / (2.0 * alpha * y * y)
            c = 1.0 - 1.0 / np.sqrt(r)
        else:
            a = np.sqrt(2.0 / (np.pi * alpha))
            m, c = 0.0, a / (1.0 + a)
            r = 1.0 / (1.0 - c) ** 2
        return AGSSolution(alpha, T, m, 1.0, float(r), _free_energy(m, c, r, alpha, 0.0), True)

    def g(m: float) -> float:
        return _moments(m, _q_of_m(m, alpha, T), alpha, T)[0] - m

    m = 0.0
    if branch == "retrieval":
        grid = np.linspace(1.0, 0.0, 101)[:-1]
        prev = grid[0]
        for mm in grid:
            if g(mm) > 0.0:
                m = brentq(g, mm, prev, xtol=1e-13) if mm != prev else mm
                break
            prev = mm
    q = _q_of_m(m, alpha, T)
    r = _moments(m, q, alpha, T)[2]
    return AGSSolution(alpha, T, float(m), float(q), float(r),
                       _free_energy(m, q, r, alpha, T), True)


def _bisect(pred, lo: float, hi: float, tol: float) -> float:
    """Boundary between ``pred(lo) = True`` and ``pred(hi) = False``."""
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if pred(mid):
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def alpha_c(T: float = 0.0, *, tol: float = 1e-6) -> float:
    """Storage capacity ``α_c(T)``: the largest load with a retrieval solution.

    At ``T = 0`` it is the maximum over ``y`` of
    ``α(y) = [(erf(y) - (2/√π) y e^{-y²}) / (√2 y)]²`` (AGS 1985): 0.1379, with
    ``m(α_c) = 0.9675``. For ``T > 0``, bisection on the existence of ``m > 0``;
    ``α_c(T) → 0`` as ``T → 1``.

    Parameters
    ----------
    T : float >= 0, default 0
        Temperature (``β = 1/T``); ``0.0`` is returned for ``T >= 1``.
    tol : float > 0, default 1e-6
        Bisection tolerance on ``α`` (unused at ``T = 0``).

    Returns
    -------
    float
        The storage capacity ``α_c(T)``.
    """
    T = check_nonneg_float(T, "T")
    if T >= 1.0:
        return 0.0
    if T == 0.0:
        return capacity_point()[0]
    return _bisect(lambda a: ags_solve(a, T).m > 0, 1e-6, alpha_c(0.0) + 1e-3, tol)


@functools.lru_cache(maxsize=4096)
def capacity_point() -> tuple[float, float]:
    """``(α_c, m(α_c))`` at ``T = 0``: the saddle-node where retrieval disappears.

    With ``y = m/√(2αr)`` the ``T = 0`` equations give
    ``α(y) = [(erf(y) - (2/√π) y e^{-y²}) / (√2 y)]²``; ``α_c`` is its maximum
    and ``m(α_c) = erf(y*)``: 0.1379 and 0.9675 (AGS 1985).
    """
    from scipy.optimize import minimize_scalar

    def neg_alpha(y: float) -> float:
        return -(((erf(y) - 2 / np.sqrt(np.pi) * y * np.exp(-y * y)) / (np.sqrt(2) * y)) ** 2)

    res = minimize_scalar(neg_alpha, bounds=(0.1, 4.0), method="bounded",
                          options={"xatol": 1e-12})
    return float(-res.fun), float(erf(res.x))


@functools.lru_cache(maxsize=4096)
def t_m(alpha: float, *, tol: float = 1e-5) -> float:
    """``T_M(α)``: the highest temperature at which retrieval solutions exist (AGS 1985).

    ``T_M → 1`` as ``α → 0`` (≈ 1 - 1.95√α) and ``T_M = 0`` at ``α_c = 0.138``.
    """
    alpha = check_positive_float(alpha, "alpha")
    if ags_solve(alpha, 0.0).m == 0.0:
        return 0.0
    return _bisect(lambda T: ags_solve(alpha, T).m > 0, 0.0, 1.0, tol)


@functools.lru_cache(maxsize=4096)
def t_c(alpha: float, *, tol: float = 1e-5) -> float:
    """``T_c(α)``: below it retrieval states are global minima (lower f than spin-glass).

    The largest ``T`` with ``f_retrieval(α, T) < f_spin-glass(α, T)``: a scan of
    ``[0, T_M]`` (the line is slightly re-entrant: for ``0.0518 < α < 0.053``
    retrieval wins only in a window of ``T > 0``) refined by bisection. Returns
    0 where retrieval states are never the global minima. At ``T = 0`` the two
    energies cross at ``α = 0.0518`` (AGS 1985 quote α ≈ 0.051).
    """
    alpha = check_positive_float(alpha, "alpha")

    def retrieval_wins(T: float) -> bool:
        r = ags_solve(alpha, T)
        return r.m > 0 and r.free_energy < ags_solve(alpha, T, branch="spin-glass").free_energy

    tm = t_m(alpha)
    if tm == 0.0:
        return 0.0
    grid = np.linspace(0.0, tm, 41)[:-1]
    wins = [k for k, T in enumerate(grid) if retrieval_wins(T)]
    if not wins:
        return 0.0
    k = wins[-1]
    return _bisect(retrieval_wins, grid[k], grid[k + 1] if k + 1 < len(grid) else tm, tol)


@functools.lru_cache(maxsize=4096)
def alpha_c_global(tol: float = 1e-7) -> float:
    """Load where the T = 0 retrieval and spin-glass energies cross (AGS: ≈ 0.051)."""
    def diff(a: float) -> float:
        return ags_solve(a, 0.0).free_energy - ags_solve(a, 0.0, branch="spin-glass").free_energy

    return float(brentq(diff, 0.03, 0.1, xtol=tol))


def t_g(alpha: Any) -> np.ndarray | float:
    """Spin-glass transition ``T_g = 1 + √α`` (AGS 1985).

    Parameters
    ----------
    alpha : float or array_like of float, any shape
        Load ``p / N`` (>= 0).

    Returns
    -------
    float or ndarray of float
        ``T_g``, same shape as ``alpha`` (a float for scalar ``alpha``).
    """
    a = check_array(alpha, "alpha", dtype=np.float64)
    if np.any(a < 0):
        raise ValueError("alpha must be >= 0")
    out = 1.0 + np.sqrt(a)
    return float(out) if out.ndim == 0 else out


def replicon(alpha: float, T: float) -> float:
    """Replicon stability of the RS retrieval solution (de Almeida–Thouless).

    Returns ``(1 - β(1 - q))² - αβ² ⟨sech⁴ β(m + √(αr) z)⟩``; replica symmetry is
    stable where it is positive (AGS 1987, sec. 5).

    Parameters
    ----------
    alpha : float > 0
        Load ``p / N``.
    T : float > 0
        Temperature; the RS solution is :func:`ags_solve` ``(alpha, T)``.

    Returns
    -------
    float
        The replicon eigenvalue (positive: RS stable).
    """
    alpha = check_positive_float(alpha, "alpha")
    T = check_positive_float(T, "T")
    s = ags_solve(alpha, T)
    beta = 1.0 / T
    z, w = _nodes(s.m, np.sqrt(alpha * s.r), beta)
    sech2 = 1.0 / np.cosh(np.clip(beta * (s.m + np.sqrt(alpha * s.r) * z), -350, 350)) ** 2
    return float((1.0 - beta * (1.0 - s.q)) ** 2 - alpha * beta**2 * float((sech2 * sech2) @ w))


@functools.lru_cache(maxsize=4096)
def t_r(alpha: float, *, tol: float = 1e-5) -> float:
    """de Almeida–Thouless line ``T_R(α)`` of the retrieval states (AGS 1987).

    Below ``T_R`` replica symmetry of the retrieval solution breaks. For
    ``β → ∞`` the sech⁴ average is ``(4/3) φ(z₀)/(βσ)`` with ``σ = √(αr)``,
    ``z₀ = -m/σ``, so the replicon vanishes at
    ``T_R ≈ (4/3) α φ(z₀) / (σ (1 - C)²)`` from the ``T = 0`` solution; this
    asymptotic value is returned when it is below 5e-3 (``α ≲ 0.11``; it behaves
    as ``(4/3√(2π)) √α e^{-1/2α}`` for small α), and the full replicon
    condition is solved by bisection otherwise.
    """
    alpha = check_positive_float(alpha, "alpha")
    s0 = ags_solve(alpha, 0.0)
    if s0.m == 0.0:
        return 0.0
    sigma = np.sqrt(alpha * s0.r)
    phi = np.exp(-0.5 * (s0.m / sigma) ** 2) / np.sqrt(2.0 * np.pi)
    t0 = float(4.0 / 3.0 * alpha * phi * s0.r / sigma)  # (1 - C)^-2 = r at T = 0
    if t0 < 5e-3:
        return t0
    return _bisect(lambda T: replicon(alpha, T) < 0, 1e-3, t_m(alpha) * 0.999, tol)


def mixture_state(n_mix: int = 3, alpha: float | None = None) -> dict[str, float]:
    """Symmetric ``n``-mixture states at ``T = 0`` (AGS 1985; Amit, *Modeling Brain Function*, 4.4).

    With ``S = Σ_{ν≤n} ξ^ν`` (binomial), ``y = m/(σ√2)`` and ``σ = √(αr)`` the
    RS equations read ``m = (1/n)⟨S erf(yS)⟩``, ``C = √(2/π)/σ ⟨e^{-y²S²}⟩`` and
    ``α = σ²(1 - C)²``. The mixture exists up to ``α_max = max_y α(y)``:
    0.0299 for ``n = 3`` (AGS: ≈ 0.03). At ``α → 0`` the overlaps are
    ``⟨|S|⟩/n`` (1/2 for ``n = 3``) and the energy ``-n m²/2`` (−0.375).

    Parameters
    ----------
    n_mix : odd int >= 3
    alpha : float, optional
        Also solve for the overlap at this load (if the mixture exists there).

    Returns
    -------
    dict
        ``alpha_max``, ``m_at_alpha_max``, ``m0`` (α → 0 overlap), and ``m`` at
        ``alpha`` (NaN when the mixture does not exist or ``alpha`` is None).
    """
    n_mix = check_int(n_mix, "n_mix", minimum=3)
    if n_mix % 2 == 0:
        raise ValueError(f"n_mix must be odd (even mixtures have ties); got {n_mix}")
    if alpha is not None:
        alpha = check_positive_float(alpha, "alpha")
    return dict(_mixture_state(n_mix, alpha))


@functools.lru_cache(maxsize=4096)
def _mixture_state(n_mix: int, alpha: float | None) -> tuple[tuple[str, float], ...]:
    k = np.arange(n_mix + 1)
    S = 2 * k - n_mix
    P = binom.pmf(k, n_mix, 0.5)

    def branch(y: float) -> tuple[float, float]:
        m = float(P @ (S * erf(y * S))) / n_mix
        sigma = m / (np.sqrt(2.0) * y)
        c = np.sqrt(2.0 / np.pi) / sigma * float(P @ np.exp(-(y * S) ** 2))
        return sigma**2 * (1.0 - c) ** 2, m

    ys = np.linspace(0.2, 8.0, 4000)
    alphas = np.array([branch(y)[0] for y in ys])
    j = int(np.argmax(alphas))
    out = {"alpha_max": float(alphas[j]), "m_at_alpha_max": branch(ys[j])[1],
           "m0": float(P @ np.abs(S)) / n_mix, "m": float("nan")}
    if alpha is not None and alpha < alphas[j]:
        # stable branch: large y (small σ) side of the maximum
        y = brentq(lambda y: branch(y)[0] - alpha, ys[j], 50.0)
        out["m"] = branch(y)[1]
    return tuple(out.items())


def ags_lines(n_points: int = 24, *, tol: float = 1e-4, cache: bool = True,
              progress: Any = None) -> dict[str, list[float]]:
    """The lines of the AGS phase diagram on ``n_points`` loads in ``(0, α_c)``.

    ``alpha`` is ``linspace(1e-3, α_c - 1e-4, n_points)``; ``T_M``, ``T_c`` and
    ``T_R`` are :func:`t_m`, :func:`t_c` and :func:`t_r` there (bisection to
    ``tol``). The computation takes tens of seconds, so with ``cache`` the
    result is kept as JSON in the user cache directory (keyed by spinnet
    version, ``n_points`` and ``tol``) and read back on later calls.
    ``progress(stage, completed, total)`` is called after each point.

    Parameters
    ----------
    n_points : int >= 2, default 24
        Number of loads.
    tol : float > 0, default 1e-4
        Bisection tolerance on the temperatures.
    cache : bool, default True
        Read and write the JSON cache in the user cache directory.
    progress : callable, optional
        ``progress(stage, completed, total)`` callback (see
        :func:`spinnet._progress.report`); ``None``: silent.

    Returns
    -------
    dict
        ``alpha, T_M, T_c, T_R``: lists of floats of length ``n_points``.
    """
    import json
    import os

    from spinnet import __version__
    from spinnet._progress import report

    n_points = check_int(n_points, "n_points", minimum=2)
    tol = check_positive_float(tol, "tol")
    path = None
    if cache:
        from platformdirs import user_cache_dir

        path = os.path.join(user_cache_dir("spinnet"), "theory",
                            f"ags_lines-{__version__}-{n_points}-{tol:g}.json")
        try:
            with open(path) as fh:
                lines = json.load(fh)
            if all(len(lines.get(k, ())) == n_points for k in ("alpha", "T_M", "T_c", "T_R")):
                report(progress, "AGS lines", n_points, n_points)
                return lines
        except (OSError, ValueError):
            pass
    a_c = capacity_point()[0]
    grid = np.linspace(1e-3, a_c - 1e-4, n_points)
    lines: dict[str, list[float]] = {"alpha": [float(a) for a in grid], "T_M": [], "T_c": [],
                                     "T_R": []}
    for k, a in enumerate(grid):
        report(progress, "AGS lines", k, n_points)
        lines["T_M"].append(float(t_m(a, tol=tol)))
        lines["T_c"].append(float(t_c(a, tol=tol)))
        lines["T_R"].append(float(t_r(a, tol=tol)))
    report(progress, "AGS lines", n_points, n_points)
    if path is not None:
        from spinnet._io import atomic_path

        try:
            with atomic_path(path) as tmp:
                tmp.write_text(json.dumps(lines))
        except OSError:
            pass  # a read-only cache only costs time
    return lines
