"""Statistical mechanics of the perceptron in weight space (Gardner's "inverse problem").

A perceptron ``σ = sign(w·ξ/√N)`` with ``N`` weights stores ``p = αN`` random
patterns ``ξ^μ`` (unit-variance entries) with labels ``y^μ = ±1`` at stability
``κ`` when ``Δ^μ = y^μ w·ξ^μ / |w| ≥ κ`` for every ``μ``. This module gives the
replica results for the volume of such weights and for learning from a teacher:

- :func:`gardner_alpha_c` — Gardner's capacity of the spherical perceptron,
  ``α_c(κ) = [∫_{−κ}^∞ Dt (t + κ)²]^{−1}`` (Gardner 1988, eq. (33); ``α_c(0) = 2``).
- :func:`binary_rs_entropy`, :func:`krauth_mezard_alpha_c` — the replica-symmetric
  entropy of the binary (Ising, ``w_i = ±1``) perceptron (Gardner & Derrida 1988,
  eqs. (20)–(23)) and the Krauth–Mézard capacity, the load where that entropy
  vanishes (Krauth & Mézard 1989): ``α_c ≈ 0.833``.
- :func:`hebb_overlap`, :func:`generalization_error` — the Hebb student of a
  teacher perceptron (Engel & Van den Broeck 2001, eq. (2.26) ... (3.4)).
- :func:`teacher_student_rs` — the replica-symmetric (Bayes-optimal) state of
  the teacher–student perceptron for a Gaussian (spherical) or binary teacher:
  the fixed-point equations of Barbier, Krzakala, Macris, Miolane & Zdeborová
  (PNAS 116, 5451 (2019), eqs. (4)–(6) and the perceptron channel of their
  section "Examples"), which are also the state evolution of GAMP; Gibbs
  learning has the student–teacher overlap ``R = q`` (Nishimori), the
  Bayes-optimal estimator ``R = √q`` (Engel & Van den Broeck 2001, chapter 3,
  eqs. (2.42), (3.5)–(3.7)).
- :func:`binary_teacher_transition` — the first-order transition to perfect
  generalisation of the binary teacher (Györgyi 1990; Sompolinsky, Tishby &
  Seung 1990): ``α ≈ 1.245``, and the spinodal ``α ≈ 1.493`` where the
  poor-generalisation branch (followed by AMP) disappears.

Gaussian averages ``∫Dt f(t)`` (``Dt = e^{−t²/2} dt / √(2π)``) are computed by
the trapezoidal rule on ``[−12, 12]`` with step 0.01, which is exact to
``~1e−12`` for the smooth integrands here.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np
from scipy.optimize import brentq
from scipy.special import erf, log_ndtr, ndtr

from spinnet._validation import check_array, check_option

__all__ = [
    "PRIORS",
    "binary_rs_entropy",
    "binary_rs_saddle",
    "binary_teacher_transition",
    "gardner_alpha_c",
    "gardner_integral",
    "generalization_error",
    "hebb_overlap",
    "krauth_mezard_alpha_c",
    "teacher_student_curves",
    "teacher_student_rs",
]

#: Teacher (and student prior) ensembles of :func:`teacher_student_rs`.
PRIORS = ("spherical", "binary")

_T = np.linspace(-12.0, 12.0, 2401)
_W = np.exp(-_T**2 / 2) / math.sqrt(2 * math.pi) * (_T[1] - _T[0])
_W[0] *= 0.5
_W[-1] *= 0.5


def _gauss(values: np.ndarray) -> float:
    """``∫Dt f(t)`` for ``values = f(_T)``."""
    return float(values @ _W)


def _check_real(value: Any, name: str, *, minimum: float | None = None,
                strict: bool = False, maximum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__}")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite; got {v}")
    if minimum is not None and (v < minimum or (strict and v == minimum)):
        raise ValueError(f"{name} must be {'>' if strict else '>='} {minimum}; got {v}")
    if maximum is not None and v > maximum:
        raise ValueError(f"{name} must be <= {maximum}; got {v}")
    return v


def _mills(x: np.ndarray) -> np.ndarray:
    """``φ(x) / Φ(x)`` computed in logs (stable for large negative ``x``)."""
    return np.exp(-0.5 * x**2 - 0.5 * math.log(2 * math.pi) - log_ndtr(x))


# ------------------------------------------------------------------ Gardner capacity
def gardner_integral(kappa: Any) -> np.ndarray | float:
    """``I(κ) = ∫_{−κ}^∞ Dt (t + κ)² = (1 + κ²) Φ(κ) + κ φ(κ)`` (closed form).

    Parameters
    ----------
    kappa : float or array_like of float, shape (n,)
        Stability ``κ`` (any real; ``κ < 0`` is the error-tolerant regime).

    Returns
    -------
    float or ndarray, shape of ``kappa``

    References
    ----------
    E. Gardner, J. Phys. A 21, 257 (1988), eq. (33).
    """
    k = check_array(kappa, "kappa", ndim=(0, 1), dtype=np.float64)
    if not np.all(np.isfinite(k)):
        raise ValueError("kappa must be finite")
    out = (1 + k**2) * ndtr(k) + k * np.exp(-k**2 / 2) / math.sqrt(2 * math.pi)
    return float(out) if k.ndim == 0 else out


def gardner_alpha_c(kappa: Any) -> np.ndarray | float:
    """Gardner's capacity of the spherical perceptron at stability ``κ``.

    ``α_c(κ) = 1 / ∫_{−κ}^∞ Dt (t + κ)²`` — the load where the volume of
    weights ``w ∈ R^N, |w|² = N`` with ``y^μ w·ξ^μ/√N ≥ κ`` for all ``p = αN``
    random patterns shrinks to zero (``q → 1``). ``α_c(0) = 2`` (Cover's
    counting), ``α_c(κ) ≈ 1/κ²`` for large ``κ``.

    Parameters
    ----------
    kappa : float or array_like of float, shape (n,), ``κ ≥ 0``
        Stability.

    Returns
    -------
    float or ndarray, shape of ``kappa``

    References
    ----------
    E. Gardner, J. Phys. A 21, 257 (1988), eq. (33); E. Gardner & B. Derrida,
    J. Phys. A 21, 271 (1988).
    """
    k = check_array(kappa, "kappa", ndim=(0, 1), dtype=np.float64)
    if np.any(~np.isfinite(k)) or np.any(k < 0):
        raise ValueError(f"kappa must be finite and >= 0; got {kappa!r}")
    out = 1.0 / np.asarray(gardner_integral(k))
    return float(out) if k.ndim == 0 else out


# ------------------------------------------------------- binary (Ising) perceptron
def _binary_qhat(q: float, alpha: float, kappa: float) -> float:
    """Conjugate ``q̂ = α/(1−q) ∫Dt [φ(u)/H(u)]²``, ``u = (κ − √q t)/√(1−q)``."""
    u = (kappa - math.sqrt(q) * _T) / math.sqrt(1 - q)
    # φ(u)/H(u) = φ(−u)/Φ(−u)
    return alpha / (1 - q) * _gauss(_mills(-u) ** 2)


def binary_rs_entropy(q: float, qhat: float, alpha: float, kappa: float = 0.0) -> float:
    """Replica-symmetric entropy functional of the binary perceptron (per weight).

    ``s(q, q̂) = −q̂(1 − q)/2 + ∫Dz ln 2cosh(√q̂ z) + α ∫Dt ln H((κ − √q t)/√(1 − q))``,
    ``H(x) = ∫_x^∞ Dt``; its saddle point (:func:`binary_rs_saddle`) is the
    typical ``(1/N) ln`` of the number of ``w ∈ {−1, +1}^N`` storing ``p = αN``
    random patterns at stability ``κ``. At ``α = 0`` it is ``ln 2``.

    Parameters
    ----------
    q : float in [0, 1)
        Overlap of two solutions.
    qhat : float, ``≥ 0``
        Conjugate parameter.
    alpha : float, ``≥ 0``
    kappa : float

    Returns
    -------
    float

    References
    ----------
    E. Gardner & B. Derrida, J. Phys. A 21, 271 (1988), eqs. (20)–(23);
    W. Krauth & M. Mézard, J. Phys. France 50, 3057 (1989), eq. (5).
    """
    q = _check_real(q, "q", minimum=0.0)
    if q >= 1:
        raise ValueError(f"q must be < 1; got {q}")
    qhat = _check_real(qhat, "qhat", minimum=0.0)
    alpha = _check_real(alpha, "alpha", minimum=0.0)
    kappa = _check_real(kappa, "kappa")
    x = math.sqrt(qhat) * _T
    lncosh = np.abs(x) + np.log1p(np.exp(-2 * np.abs(x)))  # ln 2cosh x
    u = (kappa - math.sqrt(q) * _T) / math.sqrt(1 - q)
    return -qhat * (1 - q) / 2 + _gauss(lncosh) + alpha * _gauss(log_ndtr(-u))


def binary_rs_saddle(alpha: float, kappa: float = 0.0, *, tol: float = 1e-13,
                     max_iter: int = 100_000) -> dict[str, float]:
    """Replica-symmetric saddle point ``(q, q̂)`` and entropy of the binary perceptron.

    Iterates ``q ← ∫Dz tanh²(√q̂ z)``, ``q̂ = α/(1−q) ∫Dt [φ(u)/H(u)]²`` from
    ``q = 0`` (Gardner & Derrida 1988, eq. (23)).

    Parameters
    ----------
    alpha : float, ``≥ 0``
    kappa : float
    tol : float
        Convergence threshold on ``|Δq|``.
    max_iter : int

    Returns
    -------
    dict
        ``q``, ``qhat``, ``entropy`` (:func:`binary_rs_entropy` at the saddle).
    """
    alpha = _check_real(alpha, "alpha", minimum=0.0)
    kappa = _check_real(kappa, "kappa")
    q = 0.0
    for _ in range(max_iter):
        qhat = _binary_qhat(q, alpha, kappa)
        new = _gauss(np.tanh(math.sqrt(qhat) * _T) ** 2)
        new = min(new, 1 - 1e-14)
        if abs(new - q) < tol:
            q = new
            break
        q = 0.5 * q + 0.5 * new
    else:
        raise RuntimeError(f"binary RS saddle did not converge at alpha={alpha}")
    qhat = _binary_qhat(q, alpha, kappa)
    return {"q": q, "qhat": qhat, "entropy": binary_rs_entropy(q, qhat, alpha, kappa)}


def krauth_mezard_alpha_c(kappa: float = 0.0) -> float:
    """Krauth–Mézard capacity of the binary perceptron: zero of the RS entropy.

    The replica-symmetric entropy of :func:`binary_rs_saddle` decreases with
    ``α`` and vanishes at ``α_c``; beyond it the typical number of binary
    solutions is zero although RS would still give ``q < 1``. (The naive
    RS condition ``q → 1`` gives ``4/π ≈ 1.27`` at ``κ = 0``, which violates the
    bound ``α ≤ 1``: Gardner & Derrida 1988.) At ``κ = 0``:
    ``α_c = 0.83308``.

    Parameters
    ----------
    kappa : float
        Stability.

    Returns
    -------
    float

    References
    ----------
    W. Krauth & M. Mézard, J. Phys. France 50, 3057 (1989); J. Ding & N. Sun,
    STOC 2019 (proof of the lower bound).
    """
    kappa = _check_real(kappa, "kappa")
    hi = 1.0
    while binary_rs_saddle(hi, kappa)["entropy"] > 0:
        hi *= 1.5
    return float(brentq(lambda a: binary_rs_saddle(a, kappa)["entropy"], 1e-6, hi,
                        xtol=1e-10))


# ----------------------------------------------------------------- teacher–student
def generalization_error(R: Any) -> np.ndarray | float:
    """``ε = arccos(R)/π``: probability that student and teacher disagree.

    For Gaussian (or spherically symmetric) inputs and normalised overlap ``R``
    between student and teacher weight vectors (Engel & Van den Broeck 2001,
    eq. (1.4)).

    Parameters
    ----------
    R : float or array_like of float in [−1, 1], shape (n,)
        Teacher–student overlap.

    Returns
    -------
    float or ndarray, shape of ``R``
    """
    r = check_array(R, "R", ndim=(0, 1), dtype=np.float64)
    if np.any(~np.isfinite(r)) or np.any(np.abs(r) > 1 + 1e-12):
        raise ValueError("R must lie in [-1, 1]")
    out = np.arccos(np.clip(r, -1, 1)) / math.pi
    return float(out) if r.ndim == 0 else out


def hebb_overlap(alpha: Any, *, clipped: bool = False) -> np.ndarray | float:
    """Student–teacher overlap of Hebb learning, ``R(α) = √(2α/π) / √(1 + 2α/π)``.

    The Hebb student ``J = Σ_μ σ_T^μ ξ^μ / √N`` of a teacher ``B`` (``|B|² = N``,
    Gaussian inputs) has ``J·B/N → α√(2/π)`` and ``|J|²/N → α + 2α²/π``
    (Vallet 1989; Engel & Van den Broeck 2001, eq. (3.4)); the result holds for
    any teacher direction (spherical or binary). With ``clipped=True`` the
    student is ``sign(J)`` (binary weights), each ``J_i B_i`` being Gaussian
    with mean ``α√(2/π)`` and variance ``α``: ``R = erf(√(α/π))``.

    Parameters
    ----------
    alpha : float or array_like of float, shape (n,), ``≥ 0``
        Number of examples per weight, ``P/N``.
    clipped : bool
        Binary (clipped) Hebb student of a binary teacher.

    Returns
    -------
    float or ndarray, shape of ``alpha``
    """
    a = check_array(alpha, "alpha", ndim=(0, 1), dtype=np.float64)
    if np.any(~np.isfinite(a)) or np.any(a < 0):
        raise ValueError("alpha must be finite and >= 0")
    if clipped:
        out = erf(np.sqrt(a / math.pi))
    else:
        x = 2 * a / math.pi
        out = np.sqrt(x / (1 + x))
    return float(out) if a.ndim == 0 else out


def _scaled_gauss(func: Any, s: float) -> float:
    """``∫Dv f(s v)``; for ``s > 1`` as ``∫dx φ(x/s)/s f(x)`` (resolves sharp peaks)."""
    if s <= 1:
        return _gauss(func(s * _T))
    weight = np.exp(-0.5 * (_T / s) ** 2) / (s * math.sqrt(2 * math.pi)) * (_T[1] - _T[0])
    weight[0] *= 0.5
    weight[-1] *= 0.5
    return float(func(_T) @ weight)


def _out_r(q: float, alpha: float) -> float:
    """Output channel (sign): ``r = 2α/(1−q) ∫Dv φ(x)²/Φ(x)``, ``x = √(q/(1−q)) v``."""
    return 2 * alpha / (1 - q) * _scaled_gauss(
        lambda x: np.exp(-0.5 * x**2) / math.sqrt(2 * math.pi) * _mills(x),
        math.sqrt(q / (1 - q)))


def _prior_q(r: float, prior: str) -> float:
    """Prior channel: ``q = E[⟨w⟩²]`` at signal-to-noise ``r``."""
    if prior == "spherical":
        return r / (1 + r)
    return _gauss(np.tanh(r + math.sqrt(r) * _T))


def _free_entropy(q: float, r: float, alpha: float, prior: str) -> float:
    """``f_RS = ψ_P0(r) + α Ψ_out(q) − rq/2`` (Barbier et al. 2019, eq. (4))."""
    if prior == "spherical":
        psi = r / 2 - 0.5 * math.log1p(r)
    else:
        x = r + math.sqrt(r) * _T
        psi = _gauss(np.abs(x) + np.log1p(np.exp(-2 * np.abs(x))) - math.log(2)) - r / 2
    if q <= 0:
        out = -math.log(2)
    else:
        out = 2 * _scaled_gauss(lambda x: ndtr(x) * log_ndtr(x), math.sqrt(q / (1 - q)))
    return psi + alpha * out - r * q / 2


def teacher_student_rs(alpha: float, prior: str = "spherical", *, q0: float = 0.0,
                       n_iter: int | None = None, tol: float = 1e-12,
                       max_iter: int = 20_000) -> dict[str, Any]:
    """Replica-symmetric / state-evolution fixed point of the teacher–student perceptron.

    Labels ``y = sign(B·ξ/√N)`` from a teacher ``B`` drawn from the prior
    (spherical: Gaussian entries; binary: ±1), Gaussian inputs. Iterates the
    state evolution of GAMP (Barbier et al. 2019, eqs. (5)–(6))

        ``r_t = 2α/(1 − q_t) ∫Dv φ(x)²/Φ(x)``,  ``x = √(q_t/(1 − q_t)) v``,
        ``q_{t+1} = r_t/(1 + r_t)`` (spherical) or ``∫Dz tanh(r_t + √r_t z)`` (binary),

    from ``q_0``. For the spherical prior the fixed point is Engel & Van den
    Broeck's Gibbs-learning equation ``R/√(1−R) = (α/π)∫Dt e^{−Rt²/2}/H(−√R t)``
    (their eq. (2.42)) with ``R = q``.

    Parameters
    ----------
    alpha : float, ``≥ 0``
    prior : {"spherical", "binary"}
    q0 : float in [0, 1)
        Start of the iteration (0: AMP from an uninformed start).
    n_iter : int, optional
        Stop after exactly this many iterations (the AMP time course);
        default: iterate to the fixed point.
    tol : float
    max_iter : int

    Returns
    -------
    dict
        ``q`` (final), ``r``, ``trajectory`` (ndarray of ``q_t``, t = 0..),
        ``converged`` (False when ``max_iter`` passed with ``|Δq| ≥ tol``: critical
        slowing down next to the binary spinodal),
        ``free_entropy`` (``f_RS(q, r)`` of eq. (4)), ``gibbs_R`` (= q),
        ``bayes_R`` (= √q), ``gibbs_error``, ``bayes_error``.

    References
    ----------
    J. Barbier, F. Krzakala, N. Macris, L. Miolane, L. Zdeborová, PNAS 116,
    5451 (2019); A. Engel & C. Van den Broeck, *Statistical Mechanics of
    Learning* (CUP 2001), eqs. (2.42), (3.5)–(3.7); G. Györgyi, Phys. Rev. A 41,
    7097 (1990).
    """
    alpha = _check_real(alpha, "alpha", minimum=0.0)
    prior = check_option(prior, "prior", PRIORS)
    q0 = _check_real(q0, "q0", minimum=0.0)
    if q0 >= 1:
        raise ValueError(f"q0 must be < 1; got {q0}")
    q = q0
    traj = [q]
    r = 0.0
    limit = max_iter if n_iter is None else int(n_iter)
    for _ in range(limit):
        r = _out_r(q, alpha)
        new = min(_prior_q(r, prior), 1 - 1e-15)
        traj.append(new)
        done = abs(new - q) < tol
        q = new
        if n_iter is None and done:
            break
    converged = n_iter is not None or abs(traj[-1] - traj[-2]) < tol
    r = _out_r(q, alpha)
    f = _free_entropy(q, r, alpha, prior)
    return {"q": q, "r": r, "trajectory": np.array(traj), "free_entropy": f,
            "converged": bool(converged),
            "gibbs_R": q, "bayes_R": math.sqrt(q),
            "gibbs_error": generalization_error(q),
            "bayes_error": generalization_error(math.sqrt(q))}


@functools.cache
def _binary_thresholds() -> tuple[float, float]:
    from scipy.optimize import minimize_scalar

    def gap(q: float, a: float) -> float:
        return _prior_q(_out_r(q, a), "binary") - q

    grid = np.linspace(0.05, 0.98, 94)

    def dip(a: float) -> float:
        # depth of the dip of F(q) − q below the diagonal: < 0 while a poor fixed point exists
        vals = np.array([gap(float(q), a) for q in grid])
        k = int(np.argmin(vals))
        lo_q, hi_q = grid[max(k - 1, 0)], grid[min(k + 1, grid.size - 1)]
        return float(minimize_scalar(gap, bounds=(lo_q, hi_q), args=(a,), method="bounded",
                                     options={"xatol": 1e-10}).fun)

    alpha_alg = brentq(dip, 1.3, 1.7, xtol=1e-7)
    lo = alpha_alg - 0.05  # away from the critical slowing down at the spinodal
    alpha_it = brentq(lambda a: teacher_student_rs(a, "binary")["free_entropy"] + math.log(2),
                      0.8, lo, xtol=1e-8)
    return float(alpha_it), float(alpha_alg)


def binary_teacher_transition() -> dict[str, float]:
    """Thresholds of the binary teacher: perfect generalisation and the AMP spinodal.

    The poor-generalisation RS branch (from ``q = 0``) has free entropy
    ``f_RS`` (per weight, ``(1/N) ln`` of the posterior normaliser); the
    perfect branch ``q = 1`` has ``f = −ln 2`` (one solution among ``2^N``).
    The first-order transition ``α_IT`` is where they cross — for Gibbs
    learning and the Bayes-optimal estimator the error jumps to zero; the
    spinodal ``α_alg`` is where the poor branch ends and AMP jumps.

    Returns
    -------
    dict
        ``alpha_it`` (≈ 1.2447, root to 1e−8), ``alpha_alg`` (≈ 1.4926: the load
        where the dip of ``F(q) − q`` below zero, ``F`` the state-evolution map,
        closes — a saddle-node bifurcation; root to 1e−7). Computed once per
        process and cached.

    References
    ----------
    G. Györgyi, Phys. Rev. A 41, 7097 (1990); H. Sompolinsky, N. Tishby &
    H. S. Seung, Phys. Rev. Lett. 65, 1683 (1990); Barbier et al., PNAS 116,
    5451 (2019), section "Examples" (α_IT ≈ 1.249, α_alg ≈ 1.493).
    """
    alpha_it, alpha_alg = _binary_thresholds()
    return {"alpha_it": alpha_it, "alpha_alg": alpha_alg}


def teacher_student_curves(alphas: Any, prior: str = "spherical") -> dict[str, np.ndarray]:
    """Theory curves ``ε(α)`` for Hebb, Gibbs, Bayes-optimal and AMP learning.

    Parameters
    ----------
    alphas : array_like, shape (n,), ``α ≥ 0``
    prior : {"spherical", "binary"}

    Returns
    -------
    dict of ndarray, each shape (n,)
        ``alpha``, ``hebb``, ``gibbs``, ``bayes`` (equilibrium: for the binary
        teacher the error is 0 above ``α_IT``), ``amp`` (state-evolution fixed
        point from ``q = 0``; equal to ``bayes`` for the spherical teacher).
    """
    a = check_array(alphas, "alphas", ndim=1, dtype=np.float64)
    if np.any(~np.isfinite(a)) or np.any(a < 0):
        raise ValueError("alphas must be finite and >= 0")
    prior = check_option(prior, "prior", PRIORS)
    a_it = binary_teacher_transition()["alpha_it"] if prior == "binary" else math.inf
    hebb = np.asarray(generalization_error(hebb_overlap(a)), dtype=np.float64)
    gibbs, bayes, amp = (np.empty_like(a) for _ in range(3))
    for i, al in enumerate(a):
        st = teacher_student_rs(float(al), prior)
        amp[i] = st["bayes_error"]
        perfect = al > a_it
        gibbs[i] = 0.0 if perfect else st["gibbs_error"]
        bayes[i] = 0.0 if perfect else st["bayes_error"]
    return {"alpha": a, "hebb": hebb, "gibbs": gibbs, "bayes": bayes, "amp": amp}
