"""Capacity theory of dense associative memories.

* Polynomial DAM ``F(x) = x^n`` (Krotov & Hopfield, NeurIPS 2016, Sec. 2): the
  signal-to-noise argument gives a capacity ``p ∝ N^{n−1}``. Here it is done
  exactly at finite ``N``: for a stored pattern, the gap of spin ``i`` is the
  signal ``F(N) − F(N−2)`` plus ``p − 1`` independent zero-mean noise terms
  ``±[F(y+1) − F(y−1)]`` with ``y`` a sum of ``N − 1`` random ±1, whose variance
  is summed over the binomial law; the sum of noise terms is taken Gaussian
  (CLT in ``p``) and the ``N`` spins independent, so a pattern is stable with
  probability ``(1 − Φc(SNR))^N``. At large ``N`` this is Krotov & Hopfield's
  ``p ≈ N^{n−1} / ((2n−3)!! z²)`` with ``z = Φc⁻¹(ε/N)``.
* Exponential DAM ``F(x) = e^x`` (Demircigil et al., J. Stat. Phys. 168, 288
  (2017), Theorem 3): ``p = e^{αN}`` patterns are retrieved in one step from
  ``ρN`` flipped spins for ``α < I(1 − 2ρ)/2``, ``I(x) = ½[(1+x)ln(1+x) +
  (1−x)ln(1−x)]`` (``α < ln 2 / 2`` without noise).
* Exponential capacity thresholds in the spirit of Lucibello & Mézard, PRL 132,
  077301 (2024) (arXiv:2304.14964): ``P = e^{αN}`` patterns, energy
  ``E(x) = −λ⁻¹ ln Σ_ν e^{λ ξ^ν·x}``, state started at a typical pattern
  ``ξ^1``. The other patterns form a random energy model (REM) with "energies"
  ``−ξ^ν·ξ^1 = −Nq`` and entropy ``s(q) = α + σ(q)``; pattern 1 is retrieved
  when its own weight ``e^{λN}`` beats the REM partition function
  ``e^{N φ(α, λ)}``, ``φ = max_{q: s(q) >= 0} [λq + s(q)]``. The threshold
  ``α₁(λ)`` solves ``φ(α₁, λ) = λ``. See ``docs/modern-hopfield.md`` for the
  derivation, its finite-``N`` (annealed) version and the comparison with
  simulations.

  - spherical patterns (``|ξ|² = N``): ``σ(q) = ½ ln(1 − q²)``, saddle
    ``q* = (√(1+4λ²) − 1)/(2λ)``, and ``α₁(λ) = λ(1 − q*) − ½ ln(1 − q*²)``;
  - Gaussian patterns (``ξ_i ~ N(0, 1)``, typical ``|ξ^1|² = N``):
    ``σ(q) = −q²/2``, ``α₁(λ) = λ − λ²/2`` for ``λ <= 1`` and ``1/2`` above
    (condensed REM: the largest overlap ``√(2α)`` must stay below 1).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import special, stats

from spinnet._validation import check_fraction, check_int, check_positive_float

__all__ = [
    "demircigil_alpha",
    "double_factorial",
    "exp_capacity_extreme",
    "lm_alpha1",
    "lm_alpha1_finite",
    "lm_log_partition_rest",
    "poly_bit_snr",
    "poly_capacity",
    "poly_capacity_asymptotic",
]


def double_factorial(k: int) -> int:
    """``k!!`` for ``k >= −1`` (``(−1)!! = 0!! = 1``)."""
    k = check_int(k, "k", minimum=-1)
    out = 1
    while k > 1:
        out *= k
        k -= 2
    return out


def _check_degree(degree: Any) -> int:
    return check_int(degree, "degree", minimum=2)


def poly_bit_snr(n_spins: int, n_patterns: int, degree: int) -> float:
    """Signal-to-noise ratio of one spin's gap at a stored pattern, ``F(x) = x^n``.

    ``SNR = [F(N) − F(N−2)] / sqrt((p − 1) E[(F(y+1) − F(y−1))²])`` with ``y`` a
    sum of ``N − 1`` independent ±1 (exact binomial average).
    """
    n = check_int(n_spins, "n_spins", minimum=2)
    p = check_int(n_patterns, "n_patterns", minimum=1)
    k = _check_degree(degree)
    if p == 1:
        return math.inf
    m = np.arange(n)  # number of +1 among the N - 1 spins
    y = 2.0 * m - (n - 1)
    w = np.exp(special.gammaln(n) - special.gammaln(m + 1) - special.gammaln(n - m)
               - (n - 1) * math.log(2.0))
    var = float(np.sum(w * ((y + 1.0) ** k - (y - 1.0) ** k) ** 2))
    signal = float(n) ** k - float(n - 2) ** k
    return signal / math.sqrt((p - 1) * var)


def poly_capacity(n_spins: int, degree: int, stable_fraction: float = 0.99) -> float:
    """Largest ``p`` with a stored pattern stable with probability ``stable_fraction``.

    Solves ``(1 − Φc(SNR(N, p)))^N = stable_fraction`` for ``p`` (real-valued),
    with :func:`poly_bit_snr`. This is the finite-``N`` signal-to-noise
    prediction for the measured "largest ``p`` with ≥ 99 % of patterns stable".
    """
    n = check_int(n_spins, "n_spins", minimum=2)
    k = _check_degree(degree)
    f = check_fraction(stable_fraction, "stable_fraction", inclusive_high=False)
    if f <= 0:
        raise ValueError("stable_fraction must be > 0")
    p_err = -math.expm1(math.log(f) / n)
    z = float(stats.norm.isf(p_err))
    snr1 = poly_bit_snr(n, 2, k)  # SNR with p - 1 = 1
    # SNR(p) = snr1 / sqrt(p - 1)  =>  p = 1 + (snr1 / z)^2
    return 1.0 + (snr1 / z) ** 2


def poly_capacity_asymptotic(n_spins: int, degree: int, stable_fraction: float = 0.99) -> float:
    """Krotov & Hopfield (2016) large-``N`` form ``N^{n−1} / ((2n−3)!! z²)``, ``z = Φc⁻¹(ε/N)``.

    ``ε = −ln(stable_fraction)`` (probability that a pattern has an unstable spin).
    """
    n = check_int(n_spins, "n_spins", minimum=2)
    k = _check_degree(degree)
    f = check_fraction(stable_fraction, "stable_fraction", inclusive_high=False)
    z = float(stats.norm.isf(-math.log(f) / n))
    return n ** (k - 1) / (double_factorial(2 * k - 3) * z * z)


def demircigil_alpha(noise: float = 0.0) -> float:
    """Demircigil et al. (2017) exponential capacity ``α = I(1 − 2ρ)/2``, ``p = e^{αN}``.

    ``I(x) = ½[(1+x) ln(1+x) + (1−x) ln(1−x)]``; ``ρ = noise`` is the fraction of
    flipped spins in the probe (``ρ < 1/2``).
    """
    rho = check_fraction(noise, "noise")
    if rho >= 0.5:
        raise ValueError(f"noise must be < 0.5; got {rho}")
    x = 1.0 - 2.0 * rho
    i = 0.5 * ((1 + x) * math.log1p(x) + (special.xlogy(1 - x, 1 - x)))
    return 0.5 * i


def exp_capacity_extreme(noise: float = 0.0) -> float:
    """Leading-order capacity ``α = I(1 − 2ρ)`` of the exponential DAM (extreme-value estimate).

    With ``p = e^{αN}`` random patterns the largest overlap of a probe with a
    wrong pattern is ``q_max`` with ``I(q_max) = α`` (binary patterns:
    ``P(q) ≈ e^{−N I(q)}``); one-step retrieval from ``ρN`` flips fails once
    ``q_max`` exceeds the probe's overlap ``1 − 2ρ`` with its own pattern, so
    ``α_c = I(1 − 2ρ)``. Demircigil et al. (2017) prove retrieval below half
    of this (:func:`demircigil_alpha`); simulations sit between the two and
    approach this value (``docs/modern-hopfield.md``). This is a heuristic
    derivation of spinnet, not a published theorem.
    """
    return 2.0 * demircigil_alpha(noise)


def _sigma(q: float, ensemble: str) -> float:
    if ensemble == "spherical":
        return 0.5 * math.log1p(-q * q)
    return -0.5 * q * q


def lm_log_partition_rest(alpha: float, lam: float, ensemble: str = "spherical") -> float:
    """REM free entropy ``φ(α, λ) = lim (1/N) ln Σ_{ν>1} e^{λ ξ^ν·ξ^1}``.

    ``φ = max_{q: α + σ(q) >= 0} [λq + α + σ(q)]``: the unconstrained saddle
    ``q*`` if its entropy is non-negative, the largest overlap ``q_max``
    (``α + σ(q_max) = 0``, condensed phase) otherwise.
    """
    alpha = check_positive_float(alpha, "alpha")
    lam = check_positive_float(lam, "lam")
    ensemble = _ensemble(ensemble)
    if ensemble == "spherical":
        q_star = (math.sqrt(1.0 + 4.0 * lam * lam) - 1.0) / (2.0 * lam)
        q_max = math.sqrt(-math.expm1(-2.0 * alpha))
    else:
        q_star = lam
        q_max = math.sqrt(2.0 * alpha)
    if alpha + _sigma(q_star, ensemble) >= 0:
        return lam * q_star + alpha + _sigma(q_star, ensemble)
    return lam * q_max


def _ensemble(ensemble: str) -> str:
    if ensemble not in ("spherical", "gaussian"):
        raise ValueError(f"ensemble must be 'spherical' or 'gaussian'; got {ensemble!r}")
    return ensemble


def lm_alpha1(lam: float, ensemble: str = "spherical") -> float:
    """Typical-pattern retrieval threshold ``α₁(λ)`` (REM criterion ``φ(α₁, λ) = λ``).

    Spherical: ``λ(1 − q*) − ½ ln(1 − q*²)``, ``q* = (√(1+4λ²) − 1)/(2λ)``;
    Gaussian: ``λ − λ²/2`` (``λ <= 1``), ``1/2`` (``λ >= 1``).
    """
    lam = check_positive_float(lam, "lam")
    ensemble = _ensemble(ensemble)
    if ensemble == "spherical":
        q = (math.sqrt(1.0 + 4.0 * lam * lam) - 1.0) / (2.0 * lam)
        return lam * (1.0 - q) - 0.5 * math.log1p(-q * q)
    return lam - 0.5 * lam * lam if lam <= 1.0 else 0.5


def _log_mgf_sphere(n: int, lam: float) -> float:
    """``ln E[e^{λ ξ·x}]`` for ``ξ`` uniform on the sphere of radius √N, ``|x| = √N``.

    The overlap ``q = ξ·x/N`` has density ``(1 − q²)^{(N−3)/2} / B(½, (N−1)/2)``
    on ``[−1, 1]``; the integral is done by quadrature around the maximum of
    the integrand (log domain, no overflow at any ``N``).
    """
    from scipy.integrate import quad

    a = (n - 3) / 2.0
    z = lam * n

    def log_f(q: float) -> float:
        return a * math.log1p(-q * q) + z * q if abs(q) < 1 else -math.inf

    # maximum of a ln(1 - q²) + z q
    q0 = (math.sqrt(a * a + z * z) - a) / z if a > 0 else 1.0 - 1e-12
    f0 = log_f(min(q0, 1.0 - 1e-15))
    val, _ = quad(lambda q: math.exp(log_f(q) - f0), -1.0, 1.0, points=[min(q0, 0.999999)],
                  limit=200, epsabs=0.0, epsrel=1e-11)
    return f0 + math.log(val) - special.betaln(0.5, (n - 1) / 2.0)


def lm_alpha1_finite(n_spins: int, lam: float, ensemble: str = "spherical") -> float:
    """Annealed finite-``N`` threshold: ``ln(P − 1) + ln E[e^{λ ξ·ξ^1}] = λN``, ``α = ln P / N``.

    The load at which the *mean* partition function of the other patterns
    equals the weight ``e^{λN}`` of the retrieved one, for spherical patterns
    (exact moment generating function) or Gaussian patterns
    (``ln E = λ²N/2``, only for ``λ <= 1``). Quenched and annealed agree at the threshold (the REM
    is not condensed there), so this carries the ``O(ln N / N)`` finite-size
    correction to :func:`lm_alpha1`.
    """
    n = check_int(n_spins, "n_spins", minimum=3)
    lam = check_positive_float(lam, "lam")
    ensemble = _ensemble(ensemble)
    if ensemble == "gaussian" and lam > 1:
        raise ValueError(f"lam must be <= 1 for Gaussian patterns here (the REM is condensed "
                         f"at the threshold for lam > 1, the annealed value is wrong); got {lam}")
    log_m = _log_mgf_sphere(n, lam) if ensemble == "spherical" else 0.5 * lam * lam * n
    log_pm1 = lam * n - log_m
    return float(np.logaddexp(0.0, log_pm1)) / n
