"""Retrieval dynamics of the Hebbian Hopfield model near saturation (``p = αN``).

Synchronous (parallel, zero-temperature) dynamics
    * :func:`sync_m1`, :func:`sync_m2` — the exact first two steps of Gardner,
      Derrida & Mottishaw (1987): the crosstalk noise at the second step is
      correlated with the first and carries a retarded self-interaction
      ``α U σ(0)``, so ``m(2)`` is *not* a function of ``m(1)`` alone.
    * :func:`amari_maginu` — the statistical-neurodynamics recursion of Amari &
      Maginu (1988) for ``m(t)`` and the noise variance ``σ²(t)``: exact for
      ``t = 1``; from ``t = 2`` on it drops the non-Gaussian self-interaction.

Sequential (random-sequential Glauber, ``T ≥ 0``) dynamics
    * :func:`coolen_sherrington` — the deterministic flow of the overlap ``m``
      and of ``r = α⁻¹ Σ_{μ>1} m_μ²`` (Coolen & Sherrington 1993), with the
      distribution of the crosstalk noise computed in replica symmetry from the
      equipartitioning assumption (:func:`cs_noise`).

Conventions (``docs/conventions.md``): ``J_ij = N⁻¹ Σ_μ ξ^μ_i ξ^μ_j``,
``J_ii = 0``; pattern 1 is the one retrieved, ``m = N⁻¹ Σ_i ξ¹_i s_i``; the
other patterns are uncorrelated with the initial state (``r(0) = 1``). The
gauge-transformed local field is ``ξ¹_i h_i = m + z_i`` with the noise
``z_i = Σ_{μ>1} ξ¹_i ξ^μ_i m_μ − α σ_i`` (``σ_i = ξ¹_i s_i``). The energy per spin
is ``E/N = −½ m² − ½ α r + ½ α`` (:func:`energy_per_spin`).

References
----------
- E. Gardner, B. Derrida & P. Mottishaw, J. Physique 48, 741 (1987): exact
  first steps of parallel dynamics.
- S. Amari & K. Maginu, Neural Networks 1, 63 (1988): statistical neurodynamics.
- A. C. C. Coolen & D. Sherrington, Phys. Rev. Lett. 71, 3886 (1993): flow
  equations near saturation; A. C. C. Coolen, *Statistical mechanics of recurrent
  neural networks II: dynamics*, in Handbook of Biological Physics 4 (2001),
  arXiv:cond-mat/0006011 (the same equations, with the RS noise distribution).

Source note: the texts of these papers were not accessible when this module
was written. The GDM ``m(2)``, the flow equations and the RS noise distribution
were re-derived here (signal-to-noise / generating-functional reasoning and a
cavity solution of the equipartitioned shell measure) and checked against
simulation (``docs/retrieval-dynamics.md``), not transcribed, so no equation
numbers are quoted.
- D. Bollé, J. Busquets Blanco & T. Verbeiren, J. Phys. A 37, 1951 (2004),
  arXiv:cond-mat/0307499: the Amari–Maginu recursion is the generating
  functional result with the feedback correlations left out.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.polynomial.hermite_e import hermegauss
from scipy.optimize import brentq, root
from scipy.special import erf, expit

from spinnet._validation import (
    check_int,
    check_nonneg_float,
    check_positive_float,
)
from spinnet.theory.hopfield import _merged_gauss_nodes

__all__ = [
    "AmariMaginu",
    "CSNoise",
    "CSTrajectory",
    "amari_maginu",
    "coolen_sherrington",
    "cs_noise",
    "energy_per_spin",
    "sync_m1",
    "sync_m2",
]

_SQ2 = np.sqrt(2.0)
# E over a standard normal x of functions of μ̂ + g x: trapezoid rule on a fine grid.
_XG, _DXG = np.linspace(-8.5, 8.5, 851, retstep=True)
_WG = np.full(_XG.shape, _DXG) * np.exp(-0.5 * _XG**2) / np.sqrt(2.0 * np.pi)
_WG[[0, -1]] *= 0.5


@functools.lru_cache(maxsize=64)
def _window(n_inner: int) -> np.ndarray:
    return np.linspace(-1.0, 1.0, n_inner)


def _nodes(mu: float, g: float) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights for ``E_x f(μ̂ + g x)``, ``x`` standard normal (trapezoid rule).

    ``tanh(μ̂ + g x)`` switches over ``|x − x₀| ≲ 20/|g|`` around ``x₀ = −μ̂/g``;
    when that window is narrow compared with the uniform grid, 401 extra nodes
    are placed inside it (as :func:`spinnet.theory.hopfield._nodes` does).
    """
    width = 20.0 / abs(g) if g != 0 else np.inf
    if width > 40 * _DXG:
        return _XG, _WG
    x0 = -mu / g
    return _merged_gauss_nodes(_XG, x0 + width * _window(401), x0, width)


# Gauss–Hermite (probabilists') nodes for the smooth inner average over y at T > 0.
_Y, _WY = hermegauss(48)
_WY = _WY / _WY.sum()


def _alpha(alpha: Any) -> float:
    return check_positive_float(alpha, "alpha")


def _m0(m0: Any) -> float:
    m0 = check_nonneg_float(m0, "m0")
    if m0 > 1.0:
        raise ValueError(f"m0 must lie in [0, 1] (an initial overlap); got {m0}")
    return m0


def _u(alpha: float, m: float, var: float) -> float:
    """``U = ⟨2δ(m + √var x)⟩ = √(2/(π var)) e^{−m²/(2 var)}``: the response of a sign neuron."""
    return float(np.sqrt(2.0 / (np.pi * var)) * np.exp(-m * m / (2.0 * var)))


def sync_m1(alpha: float, m0: float) -> float:
    """Overlap after one synchronous zero-temperature step, ``m(1) = erf(m0 / √(2α))``.

    The crosstalk on site ``i`` at ``t = 0`` is a sum over ``p − 1`` patterns
    uncorrelated with the initial state: Gaussian with variance ``α`` and
    independent of ``σ_i(0)`` because ``J_ii = 0`` (Gardner, Derrida &
    Mottishaw 1987, eq. for ``t = 1``; also the one-step signal-to-noise
    result). Limits: ``α → 0`` gives ``sign(m0)``; ``m0 = 1`` gives
    ``1 − 2 P_error`` of :func:`spinnet.theory.hopfield.one_step_error`.

    Parameters
    ----------
    alpha : float
        Load ``p/N`` (> 0).
    m0 : float
        Initial overlap with the retrieved pattern, in ``[0, 1]``.

    Returns
    -------
    float
    """
    alpha, m0 = _alpha(alpha), _m0(m0)
    return float(erf(m0 / np.sqrt(2.0 * alpha)))


def sync_m2(alpha: float, m0: float) -> float:
    """Exact overlap after two synchronous steps (Gardner, Derrida & Mottishaw 1987).

    With ``m1 = erf(m0/√(2α))`` and ``U = √(2/(πα)) e^{−m0²/(2α)}`` (the
    response ``∂⟨σ(1)⟩/∂θ(0)`` of a sign neuron to its noise), the field at
    ``t = 1`` is ``m1 + α U σ(0) + √α η(1)``: the overlaps of the other patterns
    at ``t = 1`` remember the site's own ``σ(0)`` (a retarded self-interaction),
    and the Gaussian noise ``η(1)`` has variance
    ``D = 1 + U² + 2 U m0 m1`` (it is correlated with the noise at ``t = 0``).
    Averaging over ``σ(0) = ±1`` with probabilities ``(1 ± m0)/2``::

        m(2) = ½(1 + m0) erf[(m1 + αU)/√(2αD)] + ½(1 − m0) erf[(m1 − αU)/√(2αD)]

    (GDM 1987; the same follows from the generating functional of the
    parallel Hopfield model, Coolen 2001, with ``R(1,0) = G(1,0) = U``
    and noise covariance ``(1 − G)⁻¹ C (1 − Gᵀ)⁻¹``). Dropping the ``± αU``
    terms gives the Amari–Maginu value (:func:`amari_maginu`).

    Parameters
    ----------
    alpha : float
        Load ``p/N`` (> 0).
    m0 : float
        Initial overlap in ``[0, 1]``; the other patterns start uncorrelated.

    Returns
    -------
    float
    """
    alpha, m0 = _alpha(alpha), _m0(m0)
    m1 = float(erf(m0 / np.sqrt(2.0 * alpha)))
    u = _u(alpha, m0, alpha)
    d = 1.0 + u * u + 2.0 * u * m0 * m1
    s = np.sqrt(2.0 * alpha * d)
    return float(0.5 * (1.0 + m0) * erf((m1 + alpha * u) / s)
                 + 0.5 * (1.0 - m0) * erf((m1 - alpha * u) / s))


@dataclass(frozen=True)
class AmariMaginu:
    """Amari–Maginu trajectory: ``m[t]`` and noise variance ``sigma2[t]``, ``t = 0..n_steps``.

    Attributes
    ----------
    alpha : float
        Load ``p/N``.
    m : ndarray of float, shape (n_steps + 1,)
        Overlap with the retrieved pattern after ``t`` synchronous steps.
    sigma2 : ndarray of float, shape (n_steps + 1,)
        Variance of the Gaussian crosstalk noise, ``sigma2[0] = alpha``.
    """

    alpha: float
    m: np.ndarray
    sigma2: np.ndarray


def amari_maginu(alpha: float, m0: float, n_steps: int = 10) -> AmariMaginu:
    """Statistical neurodynamics of synchronous retrieval (Amari & Maginu 1988).

    The noise is taken Gaussian with variance ``σ²(t)`` and the recursion is::

        m(t+1)  = erf(m(t) / √(2σ²(t)))
        σ²(t+1) = α + 2α m(t+1) m(t) U(t) + U(t)² σ²(t),
        U(t)    = √(2/π) e^{−m(t)²/(2σ²(t))} / σ(t),   σ²(0) = α

    (Amari & Maginu 1988, eqs. for the macroscopic state; in the notation of
    Bollé et al. 2004, their recursion with the feedback correlations left
    out). ``m(1)`` and ``σ²(1)`` are exact (:func:`sync_m1`; ``σ²(1) = αD`` of
    :func:`sync_m2`); ``m(2)`` misses the retarded self-interaction
    ``± αU(0)`` and differs from :func:`sync_m2`. Known deviations: above
    ``α ≈ 0.1`` and near the basin boundary the recursion over-estimates the
    noise growth at late times, predicting a storage capacity ``α_c ≈ 0.16``
    for synchronous retrieval instead of the ``≈ 0.14`` of equilibrium theory
    and simulation, and basins whose boundary is shifted.

    Parameters
    ----------
    alpha : float
        Load ``p/N`` (> 0).
    m0 : float
        Initial overlap in ``[0, 1]``.
    n_steps : int
        Number of steps (>= 0).

    Returns
    -------
    AmariMaginu
        ``m`` and ``sigma2``, arrays of shape ``(n_steps + 1,)``.
    """
    alpha, m0 = _alpha(alpha), _m0(m0)
    n_steps = check_int(n_steps, "n_steps", minimum=0)
    m = np.empty(n_steps + 1)
    s2 = np.empty(n_steps + 1)
    m[0], s2[0] = m0, alpha
    for t in range(n_steps):
        m[t + 1] = erf(m[t] / np.sqrt(2.0 * s2[t]))
        u = _u(alpha, m[t], s2[t])
        s2[t + 1] = alpha + 2.0 * alpha * m[t + 1] * m[t] * u + u * u * s2[t]
    return AmariMaginu(alpha=alpha, m=m, sigma2=s2)


def energy_per_spin(alpha: Any, m: Any, r: Any) -> np.ndarray | float:
    """Energy per spin ``E/N = −½ m² − ½ α r + ½ α`` of a state with overlaps ``m``, ``r``.

    From ``E = −½ Σ_{i≠j} J_ij s_i s_j = −½ N Σ_μ m_μ² + ½ p`` with the Hebb
    rule and ``r = α⁻¹ Σ_{μ>1} m_μ²`` (Coolen & Sherrington 1993). A random
    state has ``m = 0``, ``r = 1`` and ``E/N = 0``.

    Parameters
    ----------
    alpha, m, r : float or array_like of float, any shapes that broadcast
        Load, overlap with the retrieved pattern and ``r`` (broadcast together).

    Returns
    -------
    float or ndarray
        ``E/N`` in the broadcast shape.
    """
    a = np.asarray(alpha, dtype=float)
    out = -0.5 * np.asarray(m, dtype=float) ** 2 - 0.5 * a * np.asarray(r, dtype=float) + 0.5 * a
    return float(out) if out.ndim == 0 else out


# ----------------------------------------------------------------- Coolen–Sherrington
@dataclass(frozen=True)
class CSNoise:
    """Replica-symmetric crosstalk-noise distribution ``D_{m,r}[z]`` of Coolen & Sherrington.

    The microstate is assumed uniformly distributed over the states with the
    given ``m`` and ``r`` (equipartitioning); in the large-``N`` limit this is
    the Gibbs measure ``∝ exp(N μ̂ m + ½ N b Σ_{μ>1} m_μ²)`` with Lagrange
    multipliers ``μ̂`` (``mu``) and ``b`` fixed by ``m`` and ``r``. Its RS (cavity)
    solution gives, per site, a quenched cavity field ``√(αR) x`` (``x`` standard
    normal), the spin ``σ = ±1`` with ``P(σ|x) ∝ e^{σ(μ̂ + g x)}``, ``g = b√(αR)``,
    and the noise ``z = √(αR) x + b σ v + √v y`` (``y`` standard normal), where::

        q = ⟨tanh²(μ̂ + g x)⟩,  Δ = 1 − b(1 − q),  R = q/Δ²,  v = α(1 − q)/Δ,
        m = ⟨tanh(μ̂ + g x)⟩,   r = R + (1 − q)/Δ.

    ``v`` is the thermal variance of the noise inside the shell and ``b σ v``
    the reaction of the other spins to ``σ``. Checks: at ``r = 1`` (``b = 0``)
    ``z`` is Gaussian with variance ``α`` and independent of ``σ``; the exact
    identity ``⟨σ z⟩ = α(r − 1)`` holds for every solution.

    Attributes
    ----------
    alpha : float
        Load ``p/N``.
    m, r : float
        The macroscopic state: overlap with the retrieved pattern and
        ``r = α⁻¹ Σ_{μ>1} m_μ²``.
    mu, b : float
        Lagrange multipliers ``μ̂`` and ``b`` fixed by ``m`` and ``r``.
    g : float
        ``b √(αR)``, the coupling of the spin to the cavity field.
    q, R, v : float
        ``q = ⟨tanh²(μ̂ + g x)⟩``, ``R = q/Δ²`` and the thermal variance
        ``v = α(1 − q)/Δ`` of the noise inside the shell.
    """

    alpha: float
    m: float
    r: float
    mu: float
    g: float
    b: float
    q: float
    R: float
    v: float

    def weights(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Quadrature of ``D[z]``: for each node, ``(P(σ, x) weight, mean of z, σ)``.

        Returns arrays of shape ``(2, n_nodes)``: weights summing to 1, the
        conditional mean ``√(αR) x + b σ v`` of ``z``, and ``σ``; given a node,
        ``z`` is Gaussian with variance ``v``.
        """
        xs, wx = _nodes(self.mu, self.g)
        wx = wx / wx.sum()
        p_up = expit(2.0 * (self.mu + self.g * xs))
        sig = np.array([[1.0], [-1.0]])
        w = np.vstack([wx * p_up, wx * (1.0 - p_up)])
        mean = np.sqrt(self.alpha * self.R) * xs[None, :] + self.b * sig * self.v
        return w, mean, np.broadcast_to(sig, w.shape)

    def pdf(self, z: Any) -> np.ndarray:
        """The density ``D[z]`` at the points ``z`` (array of any shape)."""
        z = np.asarray(z, dtype=float)
        w, mean, _ = self.weights()
        d = (z[..., None, None] - mean) / np.sqrt(self.v)
        return np.sum(w * np.exp(-0.5 * d * d), axis=(-2, -1)) / np.sqrt(2 * np.pi * self.v)

    def moments(self) -> dict[str, float]:
        """``⟨z⟩``, ``⟨z²⟩`` and ``⟨σ z⟩`` under ``D`` (the last equals ``α(r − 1)``)."""
        w, mean, sig = self.weights()
        return {"z": float(np.sum(w * mean)), "z2": float(np.sum(w * (mean**2 + self.v))),
                "sigma_z": float(np.sum(w * sig * mean))}

    def drift(self, T: float) -> tuple[float, float]:
        """``(⟨f(m+z)⟩, ⟨z f(m+z)⟩)`` with ``f = tanh(·/T)`` (``sign`` at ``T = 0``)."""
        w, mean, _ = self.weights()
        sv = np.sqrt(self.v)
        a = self.m + mean
        if T == 0.0:
            # closed forms of ∫Dy sign(a + √v y) and ∫Dy (c + √v y) sign(a + √v y)
            e = erf(a / (_SQ2 * sv))
            f1 = e
            fz = mean * e + sv * np.sqrt(2.0 / np.pi) * np.exp(-a * a / (2.0 * self.v))
        else:
            arg = (a[..., None] + sv * _Y) / T
            th = np.tanh(arg)
            f1 = th @ _WY
            fz = mean * f1 + sv * ((th * _Y) @ _WY)
        return float(np.sum(w * f1)), float(np.sum(w * fz))


def _cs_params(alpha: float, mu: float, g: float) -> tuple[float, float, float, float, float,
                                                            float, float]:
    xs, wx = _nodes(mu, g)
    y = mu + g * xs
    t = np.tanh(y)
    one_minus_t = 2.0 * expit(-2.0 * y)  # 1 − tanh y without cancellation
    norm = float(wx.sum())
    m = float(wx @ t) / norm
    one_minus_m = float(wx @ one_minus_t) / norm
    one_minus_q = float(wx @ (one_minus_t * (1.0 + t))) / norm
    q = 1.0 - max(one_minus_q, 1e-300)
    sq = np.sqrt(alpha * q)
    den = sq + g * (1.0 - q)
    if den <= 0:
        return m, q, np.nan, np.nan, np.nan, np.nan, one_minus_m
    b = g / den
    delta = sq / den
    R = q / delta**2
    r = R + (1.0 - q) / delta
    v = alpha * (1.0 - q) / delta
    return m, q, b, R, r, v, one_minus_m


def _cs_mu(alpha: float, m: float, g: float) -> float:
    """``μ̂`` with ``⟨tanh(μ̂ + g x)⟩ = m`` (monotone in ``μ̂``)."""
    target = np.log((1.0 + m) / (1.0 - m))

    def f(mu: float) -> float:
        om = _cs_params(alpha, mu, g)[6]
        return float(np.log((2.0 - om) / om) - target)

    lo, hi = -1.0, 1.0
    while f(lo) > 0:
        lo *= 2.0
    while f(hi) < 0:
        hi *= 2.0
    return float(brentq(f, lo, hi, xtol=1e-14))


def _cs_bracket(alpha: float, m: float, r: float) -> tuple[float, float]:
    """Solve for ``(μ̂, g)`` by bracketing: ``r`` grows with ``g`` at fixed ``m``."""
    def f(g: float) -> float:
        rr = _cs_params(alpha, _cs_mu(alpha, m, g), g)[4]
        return float(np.log(rr / r)) if np.isfinite(rr) and rr > 0 else -np.inf

    if r == 1.0:
        return _cs_mu(alpha, m, 0.0), 0.0
    if r > 1.0:
        lo, hi = 0.0, 0.5
        while f(hi) < 0:
            lo, hi = hi, hi * 2.0
    else:
        lo, hi = -0.5, 0.0
        while f(lo) > 0:
            lo, hi = lo * 2.0, lo
            if lo < -1e6:
                raise ValueError(f"no RS noise distribution found at alpha={alpha}, m={m}, "
                                 f"r={r}")
        # between a finite and an infinite (out-of-domain) value: move lo inside the domain
        while not np.isfinite(f(lo)):
            lo = 0.5 * (lo + hi)
    g = float(brentq(f, lo, hi, xtol=1e-14))
    return _cs_mu(alpha, m, g), g


def cs_noise(alpha: float, m: float, r: float, *, guess: tuple[float, float] | None = None,
             ) -> CSNoise:
    """Solve the replica-symmetric noise distribution of Coolen & Sherrington at ``(m, r)``.

    Finds the Lagrange multipliers ``(μ̂, g)`` of :class:`CSNoise` such that
    the shell has overlap ``m`` and ``r = α⁻¹ Σ_{μ>1} m_μ²`` (Coolen &
    Sherrington 1993; Coolen 2001, where the same distribution is written with
    the RS order parameters of the shell). Newton–Powell root
    finding from ``guess`` (default ``g = 0``, ``μ̂ = atanh m``, exact at ``r = 1``).

    Parameters
    ----------
    alpha : float
        Load (> 0).
    m : float
        Overlap in ``[0, 1)``.
    r : float
        ``α⁻¹ Σ_{μ>1} m_μ²`` (> 0; 1 for states uncorrelated with the other patterns).
    guess : (float, float), optional
        Starting ``(μ̂, g)``.

    Returns
    -------
    CSNoise

    Raises
    ------
    ValueError
        If the equations have no solution found to 1e-9.
    """
    alpha = _alpha(alpha)
    m = check_nonneg_float(m, "m")
    if m >= 1.0:
        raise ValueError(f"m must lie in [0, 1); got {m}")
    r = check_positive_float(r, "r")
    x0 = np.array(guess if guess is not None else (np.arctanh(m), 0.0), dtype=float)

    def eqs(p: np.ndarray) -> np.ndarray:
        _, _, _, _, rr, _, om = _cs_params(alpha, p[0], p[1])
        if not np.isfinite(rr) or om <= 0:
            return np.array([1e3, 1e3])
        # m in the variable atanh-like log((1 + m)/(1 − m)): well conditioned as m → 1
        return np.array([np.log((2.0 - om) / om) - np.log((1.0 + m) / (1.0 - m)),
                         np.log(rr / r)])

    sol = root(eqs, x0, method="hybr", options={"xtol": 1e-12})
    if np.all(np.abs(eqs(sol.x)) < 1e-9):
        mu, g = float(sol.x[0]), float(sol.x[1])
    else:  # r − 1 ∝ g² near g = 0 makes Newton steps unreliable there: nested bracketing
        mu, g = _cs_bracket(alpha, m, r)
        if not np.all(np.abs(eqs(np.array([mu, g]))) < 1e-8):
            raise ValueError(f"no RS noise distribution found at alpha={alpha}, m={m}, r={r} "
                             f"(residual {eqs(np.array([mu, g]))})")
    _, q, b, R, _, v, _ = _cs_params(alpha, mu, g)
    return CSNoise(alpha=alpha, m=m, r=r, mu=mu, g=g, b=b, q=q, R=R, v=v)


@dataclass(frozen=True)
class CSTrajectory:
    """Coolen–Sherrington flow: times (sweeps), ``m``, ``r`` and energy per spin, shape ``(n,)``.

    Attributes
    ----------
    alpha, T : float
        Load ``p/N`` and temperature.
    t : ndarray of float, shape (n,)
        Output times in sweeps (``N`` updates per unit time).
    m, r : ndarray of float, shape (n,)
        Overlap with the retrieved pattern and ``r = α⁻¹ Σ_{μ>1} m_μ²``
        (NaN after the RS shell equations lose their solution).
    energy : ndarray of float, shape (n,)
        Energy per spin :func:`energy_per_spin` ``(alpha, m, r)``.
    """

    alpha: float
    T: float
    t: np.ndarray
    m: np.ndarray
    r: np.ndarray
    energy: np.ndarray


def coolen_sherrington(alpha: float, m0: float, *, T: float = 0.0, t_max: float = 5.0,
                       r0: float = 1.0, dt: float = 0.02, times: Any = None
                       ) -> CSTrajectory:
    """Integrate the Coolen–Sherrington flow equations for sequential dynamics.

    Random-sequential Glauber dynamics (``N`` updates per unit time; at
    ``T = 0``, ``s_i ← sign(h_i)``) of the Hebbian network, closed in ``m`` and
    ``r = α⁻¹ Σ_{μ>1} m_μ²``::

        dm/dt = ∫dz D_{m,r}[z] tanh β(m + z) − m
        dr/dt = (2/α) ∫dz D_{m,r}[z] z tanh β(m + z) + 2(1 − r)

    (Coolen & Sherrington 1993; the factor 2 and the ``2(1 − r)``
    term follow from ``dm_μ/dt`` including the ``±2/N`` jumps of each overlap,
    with ``D`` the distribution of the noise ``z`` defined in the module
    docstring). ``D`` is the replica-symmetric solution :func:`cs_noise`, which
    rests on self-averaging and equipartitioning in the ``(m, r)`` shells: the
    flow is exact for ``α → 0`` (Curie–Weiss ``dm/dt = tanh βm − m``) and at
    ``t = 0`` from ``r = 1``, and approximate otherwise. Classical fourth-order
    Runge–Kutta with step ``dt``, the noise distribution re-solved at every
    stage from the previous solution.

    Parameters
    ----------
    alpha : float
        Load (> 0).
    m0 : float
        Initial overlap in ``[0, 1)``.
    T : float
        Temperature (>= 0).
    t_max : float
        Final time in sweeps (> 0).
    r0 : float
        Initial ``r`` (1: other overlaps as in a random state).
    dt : float
        Integration step (> 0). If the flow reaches a point ``(m, r)`` where the
        RS shell equations have no solution, the remaining values are NaN.
    times : array_like of float, shape (n,), optional
        Output times in ``[0, t_max]`` (default: every step).

    Returns
    -------
    CSTrajectory
        ``t, m, r, energy`` at the output times.
    """
    alpha = _alpha(alpha)
    m0 = _m0(m0)
    if m0 >= 1.0:
        raise ValueError(f"m0 must be < 1 for the flow (m = 1 is a fixed point only at α = 0); "
                         f"got {m0}")
    T = check_nonneg_float(T, "T")
    t_max = check_positive_float(t_max, "t_max")
    r0 = check_positive_float(r0, "r0")
    dt = check_positive_float(dt, "dt")
    n = max(1, int(np.ceil(t_max / dt - 1e-9)))
    h = t_max / n
    grid = np.linspace(0.0, t_max, n + 1)
    state = {"guess": None}

    def rhs(y: np.ndarray) -> np.ndarray:
        m = float(np.clip(y[0], 0.0, 1.0 - 1e-12))
        r = float(max(y[1], 1e-9))
        d = cs_noise(alpha, m, r, guess=state["guess"])
        state["guess"] = (d.mu, d.g)
        f1, fz = d.drift(T)
        return np.array([f1 - m, 2.0 / alpha * fz + 2.0 * (1.0 - r)])

    ys = np.full((n + 1, 2), np.nan)
    ys[0] = (m0, r0)
    y = ys[0].copy()
    for k in range(n):
        try:
            k1 = rhs(y)
            k2 = rhs(y + 0.5 * h * k1)
            k3 = rhs(y + 0.5 * h * k2)
            k4 = rhs(y + h * k3)
        except ValueError:  # (m, r) left the region where the RS shell has a solution
            break
        y = y + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        y[0] = min(y[0], 1.0 - 1e-12)
        ys[k + 1] = y
    if times is None:
        t_out = grid
        m_out, r_out = ys[:, 0], ys[:, 1]
    else:
        t_out = np.asarray(times, dtype=float)
        if t_out.ndim != 1 or np.any(t_out < 0) or np.any(t_out > t_max + 1e-12):
            raise ValueError(f"times must be a 1-D array in [0, t_max={t_max}]")
        m_out = np.interp(t_out, grid, ys[:, 0])
        r_out = np.interp(t_out, grid, ys[:, 1])
    return CSTrajectory(alpha=alpha, T=T, t=t_out, m=m_out, r=r_out,
                        energy=energy_per_spin(alpha, m_out, r_out))
