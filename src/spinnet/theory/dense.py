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
* Exponential capacity (Lucibello & Mézard, PRL 132, 077301 (2024),
  arXiv:2304.14964): ``P = e^{αN}`` patterns, energy
  ``E(x) = −λ⁻¹ ln Σ_ν e^{λ ξ^ν·x}`` of a state ``x`` on the sphere
  ``|x|² = N``; its stationary points solve ``x = √N v/|v|`` with
  ``v = Σ_ν ξ^ν softmax_ν(λ ξ·x)`` (:func:`spinnet.hopfield.modern.spherical_update`).
  Seen from a state ``x``, the patterns other than ``ξ^1`` form a random
  energy model (REM, the paper's auxiliary REM) with "energies" ``−N u_ν``,
  ``u_ν = ξ^ν·x/N``, and entropy ``α + σ(u)`` (:func:`lm_overlap_entropy`):
  ``(1/N) ln Σ_{ν>1} e^{λ N u_ν} → φ(α, λ) = max_{u: α + σ(u) >= 0} [λu + α + σ(u)]``
  (:func:`lm_log_partition_rest`; the maximiser sticks at the largest overlap
  ``u_max`` — REM condensation — for ``λ > λ_c(α)``, :func:`lm_condensation_lambda`).
  ``ξ^1`` is retrieved from a state with overlap ``ρ`` with it when its own
  weight ``e^{λNρ}`` beats ``e^{Nφ}``: the softmax then condenses on ``ξ^1``
  and one update lands on it. Hence

  - the typical-pattern threshold ``α₁(λ)``: ``φ(α₁, λ) = λ`` (:func:`lm_alpha1`);
  - the basin: one-step retrieval from overlap ``ρ > ρ_b = φ(α, λ)/λ``
    (:func:`lm_basin_overlap`), or for ``λ > λ_min(α, ρ)`` (:func:`lm_lambda_min`);
  - all patterns at once (``α_c``, a lower bound by the first moment / union
    bound): a pattern fails with probability ``e^{−N R(α, λ)}``
    (:func:`lm_failure_rate`) and ``α_c`` solves ``α_c = R(α_c, λ)``
    (:func:`lm_alphac`).

  Spherical patterns (``|ξ|² = N``): ``σ(u) = ½ ln(1 − u²)``, saddle
  ``q* = (√(1+4λ²) − 1)/(2λ)``, ``α₁(λ) = λ(1 − q*) − ½ ln(1 − q*²)``, and
  ``α_c = α₁`` (no pattern can be atypical: every ``|ξ^μ|² = N`` and no other
  pattern reaches overlap 1). Gaussian patterns (``ξ_i ~ N(0, 1)``, state
  ``x = √N ξ^μ/|ξ^μ|``): ``σ(u) = −u²/2``, ``α₁(λ) = λ − λ²/2`` (``λ <= 1``),
  ``1/2`` (``λ >= 1``, condensed REM), while ``α_c < α₁`` because of patterns
  with atypically small norm ``|ξ^μ|² = rN`` (rate ``(r − 1 − ln r)/2``) and of
  pairs with atypically large overlap; ``α_c → ln 2 / 4`` for ``λ → ∞``.

  The body of the paper (its equations) could not be read by spinnet: every
  stored copy it could reach (ar5iv, arXiv mirrors, summaries; re-searched
  for issue 18) ends at the abstract or the start of the introduction. So
  the formulas here are spinnet's own derivation of the paper's REM
  argument and cite no equation number of the paper; (LM1)–(LM9) in the
  docstrings are the numbered equations of ``docs/modern-hopfield.md``,
  which lists statement by statement what was checked against the paper's
  reachable text (``P = e^{αN}``; ``α_c = α₁`` for spherical patterns; a gap
  ``α_c < α₁`` for Gaussian ones — all three agree) and what could not be
  (the paper's formulas and values, its ``λ_*(α, ρ)``, its scaled
  dot-product regime), with an independent grid re-evaluation of every
  function here (largest difference ``3·10⁻⁵``, grid resolution) and the
  comparison with simulations.
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
    "lm_alphac",
    "lm_basin_overlap",
    "lm_condensation_lambda",
    "lm_failure_rate",
    "lm_lambda_min",
    "lm_log_partition_rest",
    "lm_overlap_entropy",
    "lm_rest_participation",
    "poly_bit_snr",
    "poly_capacity",
    "poly_capacity_asymptotic",
]


def double_factorial(k: int) -> int:
    """``k!!`` for ``k >= −1`` (``(−1)!! = 0!! = 1``).

    Parameters
    ----------
    k : int >= -1
        Argument.

    Returns
    -------
    int
        ``k (k − 2) (k − 4) ...`` down to 1 or 2 (exact integer).
    """
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

    Parameters
    ----------
    n_spins : int >= 2
        Number of spins ``N``.
    n_patterns : int >= 1
        Number of stored patterns ``p``.
    degree : int >= 2
        Interaction degree ``n`` of ``F(x) = x^n``.

    Returns
    -------
    float
        The signal-to-noise ratio (``inf`` for ``p = 1``: no crosstalk).
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

    Parameters
    ----------
    n_spins : int >= 2
        Number of spins ``N``.
    degree : int >= 2
        Interaction degree ``n`` of ``F(x) = x^n``.
    stable_fraction : float in (0, 1), default 0.99
        Required probability that a stored pattern has no unstable spin.

    Returns
    -------
    float
        The capacity ``p`` (real-valued, not rounded).
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

    Parameters
    ----------
    n_spins : int >= 2
        Number of spins ``N``.
    degree : int >= 2
        Interaction degree ``n`` of ``F(x) = x^n``.
    stable_fraction : float in (0, 1), default 0.99
        Required probability that a stored pattern has no unstable spin.

    Returns
    -------
    float
        The asymptotic capacity ``p`` (real-valued); compare :func:`poly_capacity`.
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

    Parameters
    ----------
    noise : float in [0, 1/2), default 0
        Fraction ``ρ`` of flipped spins in the probe.

    Returns
    -------
    float
        Capacity exponent ``α`` (``p = e^{αN}``); ``ln 2 / 2`` at ``ρ = 0``.
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

    Parameters
    ----------
    noise : float in [0, 1/2), default 0
        Fraction ``ρ`` of flipped spins in the probe.

    Returns
    -------
    float
        Capacity exponent ``α`` (``p = e^{αN}``), twice :func:`demircigil_alpha`;
        ``ln 2`` at ``ρ = 0``.
    """
    return 2.0 * demircigil_alpha(noise)


def _sigma(q: float, ensemble: str) -> float:
    if ensemble == "spherical":
        return 0.5 * math.log1p(-q * q)
    return -0.5 * q * q


def lm_log_partition_rest(alpha: float, lam: float, ensemble: str = "spherical") -> float:
    """REM free entropy ``φ(α, λ) = lim (1/N) ln Σ_{ν>1} e^{λ ξ^ν·ξ^1}``, Eq. (LM3) of the docs.

    ``φ = max_{q: α + σ(q) >= 0} [λq + α + σ(q)]``: the unconstrained saddle
    ``q*`` if its entropy is non-negative, the largest overlap ``q_max``
    (``α + σ(q_max) = 0``, condensed phase) otherwise. The auxiliary REM of
    Lucibello & Mézard, PRL 132, 077301 (2024); ``σ`` is
    :func:`lm_overlap_entropy`.

    Parameters
    ----------
    alpha : float
        Load ``α = ln P / N > 0``.
    lam : float
        Inverse temperature ``λ > 0``.
    ensemble : {"spherical", "gaussian"}

    Returns
    -------
    float
        ``φ(α, λ)``.
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
    Gaussian: ``λ − λ²/2`` (``λ <= 1``), ``1/2`` (``λ >= 1``). Eqs. (LM4),
    (LM5) of ``docs/modern-hopfield.md``, spinnet's derivation of the
    threshold of Lucibello & Mézard, PRL 132, 077301 (2024); re-checked
    against a numerically maximised ``φ`` and the limits ``λ − λ²/2``
    (``λ → 0``) and ``½ + ½ ln λ`` (spherical, ``λ → ∞``).

    Parameters
    ----------
    lam : float
        Inverse temperature ``λ > 0``.
    ensemble : {"spherical", "gaussian"}

    Returns
    -------
    float
        ``α₁(λ)``.
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

    Parameters
    ----------
    n_spins : int >= 3
        Number of spins ``N``.
    lam : float > 0
        Inverse temperature ``λ`` (as in :func:`lm_alpha1`); ``<= 1`` for
        Gaussian patterns.
    ensemble : {"spherical", "gaussian"}, default "spherical"
        Pattern ensemble.

    Returns
    -------
    float
        The threshold load ``α = ln P / N`` at this finite ``N``.
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


# ------------------------------------------------------- Lucibello-Mézard: basins and α_c
_LM_REF = "Lucibello & Mézard, PRL 132, 077301 (2024), arXiv:2304.14964"


def lm_overlap_entropy(u: float, ensemble: str = "spherical") -> float:
    """Log-density rate ``σ(u) = lim (1/N) ln p_N(u)`` of the overlap ``u = ξ·x/N`` (LM2).

    ``ξ`` a random pattern, ``x`` any fixed state with ``|x|² = N``:
    spherical patterns (uniform on the sphere of radius ``√N``) have density
    ``∝ (1 − u²)^{(N−3)/2}``, so ``σ = ½ ln(1 − u²)``; Gaussian patterns have
    ``u ~ N(0, 1/N)``, so ``σ = −u²/2``. ``P = e^{αN}`` patterns then have
    ``e^{N[α + σ(u)]}`` overlaps near ``u`` (the entropy of the auxiliary REM
    of Lucibello & Mézard 2024).

    Parameters
    ----------
    u : float
        Overlap, ``|u| < 1`` for spherical patterns.
    ensemble : {"spherical", "gaussian"}

    Returns
    -------
    float
        ``σ(u)`` (``−inf`` at ``|u| = 1`` for spherical patterns).
    """
    ensemble = _ensemble(ensemble)
    u = float(u)
    if not math.isfinite(u):
        raise ValueError(f"u must be finite; got {u}")
    if ensemble == "spherical":
        if abs(u) > 1:
            raise ValueError(f"u must be in [-1, 1] for spherical patterns; got {u}")
        return -math.inf if abs(u) == 1 else _sigma(u, ensemble)
    return _sigma(u, ensemble)


def _q_saddle(lam: float, ensemble: str) -> float:
    if ensemble == "spherical":
        return (math.sqrt(1.0 + 4.0 * lam * lam) - 1.0) / (2.0 * lam)
    return lam


def _q_max(alpha: float, ensemble: str) -> float:
    if ensemble == "spherical":
        return math.sqrt(-math.expm1(-2.0 * alpha))
    return math.sqrt(2.0 * alpha)


def lm_condensation_lambda(alpha: float, ensemble: str = "spherical") -> float:
    """Inverse temperature ``λ_c(α)`` where the REM of the other patterns condenses (LM3).

    The saddle overlap ``q*(λ)`` of :func:`lm_log_partition_rest` reaches the
    largest overlap ``u_max(α)`` (``α + σ(u_max) = 0``): for ``λ > λ_c`` the
    softmax over the other patterns is carried by a few patterns (Derrida's
    REM freezing). Gaussian: ``u_max = √(2α)``, ``λ_c = √(2α)``; spherical:
    ``u_max = √(1 − e^{−2α})``, ``λ_c = u_max / (1 − u_max²) = u_max e^{2α}``.
    A summary of Lucibello & Mézard (2024) names a Gaussian condensation
    line ``λ_*(α, ρ)``; whether it is this ``λ_c`` (``ρ = 1``) or
    :func:`lm_lambda_min` could not be checked (the paper's body was not
    readable, ``docs/modern-hopfield.md``).

    Parameters
    ----------
    alpha : float
        Load, ``P = e^{αN}``, ``> 0``.
    ensemble : {"spherical", "gaussian"}

    Returns
    -------
    float
        ``λ_c(α)``.
    """
    alpha = check_positive_float(alpha, "alpha")
    ensemble = _ensemble(ensemble)
    u = _q_max(alpha, ensemble)
    return u if ensemble == "gaussian" else u * math.exp(2.0 * alpha)


def lm_rest_participation(alpha: float, lam: float, ensemble: str = "spherical") -> float:
    """Mean participation ``E[Σ_ν w_ν²]`` of the softmax over the other patterns (LM9).

    ``w_ν ∝ e^{λ ξ^ν·x}`` normalised over ``ν > 1``. Non-condensed REM
    (``λ <= λ_c``): exponentially many patterns share the weight, ``Y → 0``.
    Condensed (``λ > λ_c``): the weights are Poisson–Dirichlet with parameter
    ``m = λ_c/λ`` and ``E[Y] = 1 − m`` (Derrida's REM, e.g. Mézard, Parisi &
    Virasoro, *Spin Glass Theory and Beyond*, Ch. I). This measures the
    condensation behind the Gaussian ``α₁ = 1/2`` plateau.

    Parameters
    ----------
    alpha, lam : float
        Load and inverse temperature, both ``> 0``.
    ensemble : {"spherical", "gaussian"}

    Returns
    -------
    float
        ``max(0, 1 − λ_c(α)/λ)``.
    """
    lam = check_positive_float(lam, "lam")
    return max(0.0, 1.0 - lm_condensation_lambda(alpha, ensemble) / lam)


def lm_basin_overlap(alpha: float, lam: float, ensemble: str = "spherical") -> float:
    """Smallest overlap ``ρ_b`` with a pattern from which one update retrieves it (LM6).

    A state ``x`` (``|x|² = N``) with overlap ``ρ = ξ^1·x/N`` with a typical
    pattern and otherwise random gives ``ξ^1`` the weight ``e^{λNρ}`` against
    ``e^{Nφ(α, λ)}`` for all the others, so the softmax condenses on ``ξ^1``
    (and the spherical update returns ``ξ^1``) iff ``ρ > ρ_b = φ(α, λ)/λ``
    (:func:`lm_log_partition_rest`). ``ρ_b < 1`` iff ``α < α₁(λ)``;
    ``ρ_b → u_max(α)`` (the largest overlap with another pattern) for
    ``λ → ∞``. This is the size of the basin of attraction in the REM
    analysis of Lucibello & Mézard (2024) (spinnet's derivation; see the
    module docstring).

    Parameters
    ----------
    alpha, lam : float
        Load ``α = ln P / N`` and inverse temperature ``λ``, both ``> 0``.
    ensemble : {"spherical", "gaussian"}

    Returns
    -------
    float
        ``ρ_b``; a value ``>= 1`` means that not even the pattern itself is a
        retrieval state (``α >= α₁(λ)``).
    """
    lam = check_positive_float(lam, "lam")
    return lm_log_partition_rest(alpha, lam, ensemble) / lam


def lm_lambda_min(alpha: float, rho: float = 1.0, ensemble: str = "spherical") -> float:
    """Smallest ``λ`` for one-step retrieval from overlap ``ρ``: ``λρ = φ(α, λ)`` (LM6).

    ``λρ − φ(α, λ)`` is concave in ``λ`` (``φ`` is a log-partition function),
    ``−α`` at ``λ = 0`` and of slope ``ρ − u_max(α)`` once the REM has
    condensed, so there is one root when ``ρ > u_max(α)`` and none (returns
    ``inf``) otherwise. Gaussian closed form ``λ_min = ρ − √(ρ² − 2α)``;
    spherical by root finding. ``lm_lambda_min(lm_alpha1(λ)) = λ``.

    Parameters
    ----------
    alpha : float
        Load, ``> 0``.
    rho : float
        Overlap of the initial state with the pattern, in ``(0, 1]``.
    ensemble : {"spherical", "gaussian"}

    Returns
    -------
    float
        ``λ_min(α, ρ)`` (``inf`` if no ``λ`` retrieves from ``ρ``).
    """
    from scipy.optimize import brentq

    alpha = check_positive_float(alpha, "alpha")
    rho = check_fraction(rho, "rho")
    if rho <= 0:
        raise ValueError(f"rho must be > 0; got {rho}")
    ensemble = _ensemble(ensemble)
    if rho <= _q_max(alpha, ensemble):
        return math.inf
    if ensemble == "gaussian":
        return rho - math.sqrt(rho * rho - 2.0 * alpha)

    def f(lam: float) -> float:
        return lam * rho - lm_log_partition_rest(alpha, lam, ensemble)

    hi = 1.0
    while f(hi) <= 0:
        hi *= 2.0
    return float(brentq(f, 1e-12, hi, xtol=1e-14, rtol=1e-13))


def _rate_norm(r: float) -> float:
    """Cramér rate ``(r − 1 − ln r)/2`` of ``|ξ|²/N = r`` for a Gaussian pattern."""
    return 0.5 * (r - 1.0 - math.log(r))


def lm_failure_rate(alpha: float, lam: float, ensemble: str = "spherical") -> float:
    """Rate ``R`` of the probability ``e^{−NR}`` that a given pattern fails (LM7).

    Failure = the softmax at ``x = √N ξ^μ/|ξ^μ|`` does not condense on
    ``ξ^μ``: ``λ√r ≤ max(φ(α, λ), λu)``, with ``r = |ξ^μ|²/N`` and ``u`` the
    largest overlap of another pattern with ``x``. Cheapest ways (the
    REM's bulk cannot fluctuate up at exponential cost):

    * a short pattern, ``√r ≤ φ/λ``: rate ``I(r₁)``, ``r₁ = (φ/λ)²``,
      ``I(r) = (r − 1 − ln r)/2``;
    * one other pattern with overlap ``u ≥ √r`` above the typical maximum
      ``√(2α)``: rate ``min_u [I(min(u², 1)) + u²/2 − α]``, attained at
      ``u = max(1/√2, √(2α))`` (``ln 2/2 − α`` for ``α <= 1/4``).

    Spherical patterns all have ``r = 1`` and no other pattern reaches ``u = 1``,
    so ``R = inf`` below ``α₁`` and ``0`` above. ``R = 0`` whenever ``α >= α₁``.

    Parameters
    ----------
    alpha, lam : float
        Load and inverse temperature, both ``> 0``.
    ensemble : {"spherical", "gaussian"}

    Returns
    -------
    float
        ``R(α, λ) >= 0`` (``inf`` for spherical patterns below ``α₁``).
    """
    alpha = check_positive_float(alpha, "alpha")
    lam = check_positive_float(lam, "lam")
    ensemble = _ensemble(ensemble)
    rho_b = lm_log_partition_rest(alpha, lam, ensemble) / lam
    if rho_b >= 1.0:
        return 0.0
    if ensemble == "spherical":
        return math.inf
    short = _rate_norm(rho_b * rho_b)
    u = max(math.sqrt(0.5), math.sqrt(2.0 * alpha))
    pair = _rate_norm(min(u * u, 1.0)) + 0.5 * u * u - alpha
    return max(0.0, min(short, pair))


def lm_alphac(lam: float, ensemble: str = "spherical") -> float:
    """Lower bound ``α_c(λ)`` on the load up to which *all* patterns are retrieved (LM8).

    First moment (union bound): the expected number of failing patterns is
    ``e^{N[α − R(α, λ)]}`` (:func:`lm_failure_rate`), which vanishes for
    ``α < α_c`` with ``α_c = R(α_c, λ)``. Spherical patterns: ``α_c = α₁``
    (the two thresholds coincide, as stated by Lucibello & Mézard 2024);
    Gaussian patterns: ``α_c < α₁``, ``α_c → ln 2 / 4 ≈ 0.1733`` for
    ``λ → ∞`` (pairs ``ξ^ν·ξ^μ > |ξ^μ|²``, cheapest at ``|ξ^μ|² = N/2``).
    The Gaussian value is that of spinnet's model, a state on the sphere
    ``x = √N ξ^μ/|ξ^μ|`` (LM1); with the unnormalised state ``x = ξ^μ`` the
    bound is lower for ``λ < 0.70`` (0.1056 instead of 0.1337 at
    ``λ = 0.25``; ``docs/modern-hopfield.md``).

    Parameters
    ----------
    lam : float
        Inverse temperature, ``> 0``.
    ensemble : {"spherical", "gaussian"}

    Returns
    -------
    float
        ``α_c(λ)``.
    """
    from scipy.optimize import brentq

    lam = check_positive_float(lam, "lam")
    ensemble = _ensemble(ensemble)
    a1 = lm_alpha1(lam, ensemble)
    if ensemble == "spherical":
        return a1
    return float(brentq(lambda a: a - lm_failure_rate(a, lam, ensemble), 1e-12, a1,
                        xtol=1e-14, rtol=1e-12))
