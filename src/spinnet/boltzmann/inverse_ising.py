r"""Inverse Ising problem: couplings and fields of a fully visible model from samples.

Given ±1 samples ``s^μ`` (shape ``(n_samples, N)``) assumed drawn from the
maximum-entropy pairwise model ``P(s) ∝ exp(½ Σ_{i≠j} J_ij s_i s_j + Σ_i h_i s_i)``
(library energy convention at ``T = 1``), estimate ``(J, h)``:

- :func:`naive_mean_field` — ``J = -C^{-1}`` off the diagonal (Kappen &
  Rodríguez, Neural Comput. 10, 1137 (1998));
- :func:`tap` — second-order (TAP) inversion, ``(C^{-1})_ij = -J_ij - 2 J_ij² m_i m_j``
  (Kappen & Rodríguez 1998; Tanaka, Phys. Rev. E 58, 2302 (1998));
- :func:`pseudo_likelihood` — per-site conditional likelihood maximised with
  L-BFGS, then symmetrised (Aurell & Ekeberg, Phys. Rev. Lett. 108, 090201 (2012));
- :func:`boltzmann_learning` — moment matching by gradient ascent on the full
  likelihood (Ackley, Hinton & Sejnowski 1985), with exact model moments by
  enumeration (``N <= 20``) or Metropolis sampling.

:func:`reconstruction_error` measures ``‖J_est - J_true‖_F / ‖J_true‖_F`` off
the diagonal, and :func:`reconstruction_vs_samples` tabulates it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, log_expit, logsumexp

from spinnet._rng import SeedLike, as_generator
from spinnet._validation import (
    check_array,
    check_int,
    check_nonneg_float,
    check_option,
    check_positive_float,
    check_spins,
)
from spinnet.models.dense import DenseIsing, SherringtonKirkpatrick
from spinnet.theory.enumeration import MAX_SPINS, enumerate_states, exact_distribution

__all__ = [
    "METHODS",
    "boltzmann_learning",
    "exact_samples",
    "naive_mean_field",
    "pseudo_likelihood",
    "reconstruction_error",
    "reconstruction_vs_samples",
    "tap",
]

METHODS = ("naive_mean_field", "tap", "pseudo_likelihood", "boltzmann_learning")
EXACT_MAX = 20


def _check_samples(samples: Any) -> np.ndarray:
    s = check_spins(samples, "samples", ndim=2)
    if s.shape[0] < 2:
        raise ValueError(f"samples must hold at least 2 configurations; got shape {s.shape}")
    if s.shape[1] < 2:
        raise ValueError(f"samples must hold at least 2 spins per configuration; "
                         f"got shape {s.shape}")
    return s


def _moments(s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = s.astype(np.float64)
    m = x.mean(axis=0)
    C = x.T @ x / x.shape[0] - np.outer(m, m)
    return m, C


def _inverse_covariance(C: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.inv(C)
    except np.linalg.LinAlgError as exc:
        raise ValueError("samples have a singular connected correlation matrix (a spin never "
                         "fluctuates or two spins are locked); use pseudo_likelihood "
                         "with l2 > 0") from exc


def naive_mean_field(samples: Any) -> tuple[np.ndarray, np.ndarray]:
    r"""Naive mean-field inversion ``J_ij = -(C^{-1})_ij`` (``i ≠ j``).

    Fields from the mean-field equations ``h_i = atanh(m_i) - Σ_j J_ij m_j``
    (Kappen & Rodríguez, Neural Comput. 10, 1137 (1998), eq. 14).

    Parameters
    ----------
    samples : array_like of ±1, shape (n_samples, N)

    Returns
    -------
    J : ndarray of float64, shape (N, N)
        Symmetric, zero diagonal.
    h : ndarray of float64, shape (N,)
    """
    s = _check_samples(samples)
    m, C = _moments(s)
    J = -_inverse_covariance(C)
    J = 0.5 * (J + J.T)
    np.fill_diagonal(J, 0.0)
    h = np.arctanh(np.clip(m, -1 + 1e-12, 1 - 1e-12)) - J @ m
    return J, h


def tap(samples: Any) -> tuple[np.ndarray, np.ndarray]:
    r"""TAP (second-order Plefka) inversion.

    Solves ``(C^{-1})_ij = -J_ij - 2 J_ij² m_i m_j`` for ``J_ij``, taking the
    root continuous with naive mean field,
    ``J_ij = (sqrt(1 - 8 (C^{-1})_ij m_i m_j) - 1) / (4 m_i m_j)``
    (Kappen & Rodríguez 1998, eq. 17; Tanaka, Phys. Rev. E 58, 2302 (1998)).
    A negative discriminant is clipped to zero. Fields from the TAP equations
    ``h_i = atanh(m_i) - Σ_j J_ij m_j + m_i Σ_j J_ij² (1 - m_j²)``.

    Parameters
    ----------
    samples : array_like of ±1, shape (n_samples, N)

    Returns
    -------
    J : ndarray of float64, shape (N, N)
    h : ndarray of float64, shape (N,)
    """
    s = _check_samples(samples)
    m, C = _moments(s)
    Cinv = _inverse_covariance(C)
    Cinv = 0.5 * (Cinv + Cinv.T)
    mm = np.outer(m, m)
    small = np.abs(mm) < 1e-8
    disc = np.clip(1.0 - 8.0 * Cinv * mm, 0.0, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        J = np.where(small, -Cinv, (np.sqrt(disc) - 1.0) / (4.0 * np.where(small, 1.0, mm)))
    np.fill_diagonal(J, 0.0)
    h = (np.arctanh(np.clip(m, -1 + 1e-12, 1 - 1e-12)) - J @ m
         + m * ((J**2) @ (1.0 - m**2)))
    return J, h


def _pl_row(x: np.ndarray, i: int, l2: float, tol: float, max_iter: int) -> np.ndarray:
    """Minimise the negative conditional log-likelihood of spin ``i`` (params: h_i, J_i,-i)."""
    n_s, N = x.shape
    others = np.delete(np.arange(N), i)
    X = np.concatenate([np.ones((n_s, 1)), x[:, others]], axis=1)  # (n_s, N)
    y = x[:, i]

    def fun(theta: np.ndarray) -> tuple[float, np.ndarray]:
        H = X @ theta
        z = 2.0 * y * H
        f = -np.mean(log_expit(z)) + l2 * np.dot(theta[1:], theta[1:])
        g = X.T @ (-2.0 * y * expit(-z)) / n_s
        g[1:] += 2.0 * l2 * theta[1:]
        return float(f), g

    res = minimize(fun, np.zeros(N), jac=True, method="L-BFGS-B",
                   options={"gtol": tol, "maxiter": max_iter})
    row = np.zeros(N + 1)
    row[0] = res.x[0]
    row[1 + others] = res.x[1:]
    return row


def pseudo_likelihood(samples: Any, l2: float = 1e-5, *, tol: float = 1e-8,
                      max_iter: int = 500) -> tuple[np.ndarray, np.ndarray]:
    r"""Asymmetric pseudo-likelihood maximisation (plmDCA), then symmetrisation.

    For each site ``i`` maximise, with L-BFGS and the analytic gradient,

    .. math:: \frac1M \sum_\mu \ln P(s_i^\mu \mid s_{\setminus i}^\mu)
              - \lambda \sum_{j \ne i} J_{ij}^2,

    with ``P(s_i | s_-i) = σ(2 s_i (h_i + Σ_j J_ij s_j))``,

    then set ``J ← (J + Jᵀ)/2`` (Aurell & Ekeberg, Phys. Rev. Lett. 108,
    090201 (2012); Ravikumar, Wainwright & Lafferty, Ann. Stat. 38, 1287 (2010)).
    Consistent as ``M → ∞``; no matrix inversion, so it works at low temperature.

    Parameters
    ----------
    samples : array_like of ±1, shape (n_samples, N)
    l2 : float
        L2 penalty ``λ >= 0`` on couplings (fields unpenalised).
    tol : float
        L-BFGS gradient tolerance.
    max_iter : int
        L-BFGS iterations per site.

    Returns
    -------
    J : ndarray of float64, shape (N, N)
    h : ndarray of float64, shape (N,)
    """
    s = _check_samples(samples)
    l2 = check_nonneg_float(l2, "l2")
    tol = check_positive_float(tol, "tol")
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    x = s.astype(np.float64)
    N = x.shape[1]
    rows = np.stack([_pl_row(x, i, l2, tol, max_iter) for i in range(N)])
    h = rows[:, 0]
    J = rows[:, 1:]
    J = 0.5 * (J + J.T)
    np.fill_diagonal(J, 0.0)
    return J, h


def _exact_model_moments(J: np.ndarray, h: np.ndarray, states: np.ndarray
                         ) -> tuple[np.ndarray, np.ndarray]:
    log_w = 0.5 * np.einsum("ki,ki->k", states @ J, states) + states @ h
    p = np.exp(log_w - logsumexp(log_w))
    return p @ states, (states * p[:, None]).T @ states


def boltzmann_learning(samples: Any, n_iter: int = 500, learning_rate: float = 0.5, *,
                       sampler: str = "exact", init: str = "zeros", n_chains: int = 64,
                       n_sweeps: int = 20, tol: float = 1e-6,
                       rng: SeedLike = None) -> tuple[np.ndarray, np.ndarray]:
    r"""Boltzmann learning: moment matching ``ΔJ_ij = η(<s_i s_j>_data - <s_i s_j>_model)``.

    Gradient ascent on the exact log-likelihood of a fully visible Ising model
    (Ackley, Hinton & Sejnowski, Cognitive Science 9, 147 (1985)); its fixed
    point matches the data's means and correlations (maximum entropy).

    Parameters
    ----------
    samples : array_like of ±1, shape (n_samples, N)
    n_iter : int
        Gradient steps.
    learning_rate : float
        ``η > 0``.
    sampler : {"exact", "mc"}
        Model moments by enumeration of ``2^N`` states (``N <= 20``) or by
        persistent Metropolis chains (:class:`spinnet.samplers.Metropolis`).
    init : {"zeros", "mean_field"}
        Starting point.
    n_chains, n_sweeps : int
        ``sampler="mc"``: persistent chains and sweeps per step (all recorded).
    tol : float
        ``sampler="exact"``: stop when the largest moment mismatch is below ``tol``.
    rng : SeedLike
        Monte Carlo randomness.

    Returns
    -------
    J : ndarray of float64, shape (N, N)
    h : ndarray of float64, shape (N,)
    """
    s = _check_samples(samples)
    n_iter = check_int(n_iter, "n_iter", minimum=0)
    eta = check_positive_float(learning_rate, "learning_rate")
    sampler = check_option(sampler, "sampler", ("exact", "mc"))
    init = check_option(init, "init", ("zeros", "mean_field"))
    n_chains = check_int(n_chains, "n_chains", minimum=1)
    n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=1)
    tol = check_nonneg_float(tol, "tol")
    N = s.shape[1]
    if sampler == "exact" and N > EXACT_MAX:
        raise ValueError(f"sampler='exact' needs N <= {EXACT_MAX}; got N = {N} (use 'mc')")
    m_data, C = _moments(s)
    S_data = C + np.outer(m_data, m_data)
    if init == "zeros":
        J, h = np.zeros((N, N)), np.zeros(N)
    else:
        J, h = naive_mean_field(s)
    if sampler == "exact":
        states = enumerate_states(N).astype(np.float64)
        for _ in range(n_iter):
            m_mod, S_mod = _exact_model_moments(J, h, states)
            dJ, dh = S_data - S_mod, m_data - m_mod
            np.fill_diagonal(dJ, 0.0)
            if max(np.abs(dJ).max(), np.abs(dh).max()) < tol:
                break
            J += eta * dJ
            h += eta * dh
        return J, h
    from spinnet.samplers import Metropolis

    met = Metropolis(order="random")
    gen = as_generator(rng)
    state = met.init(DenseIsing(J, h), 1.0, n_chains, rng=gen)
    for _ in range(n_iter):
        model = DenseIsing(J, h)
        state, trace = met.run(model, state, n_sweeps, record_spins=True)
        x = trace.spins.reshape(-1, N).astype(np.float64)
        dJ = S_data - x.T @ x / x.shape[0]
        np.fill_diagonal(dJ, 0.0)
        J = J + eta * dJ
        J = 0.5 * (J + J.T)
        h = h + eta * (m_data - x.mean(axis=0))
    return J, h


def reconstruction_error(J_true: Any, J_est: Any) -> float:
    r"""Relative coupling error ``‖J_est - J_true‖_F / ‖J_true‖_F`` over ``i ≠ j``.

    Parameters
    ----------
    J_true, J_est : array_like, shape (N, N)

    Returns
    -------
    float
    """
    A = check_array(J_true, "J_true", ndim=2, dtype=np.float64)
    B = check_array(J_est, "J_est", ndim=2, dtype=np.float64)
    if A.shape[0] != A.shape[1]:
        raise ValueError(f"J_true must be square; got shape {A.shape}")
    if B.shape != A.shape:
        raise ValueError(f"J_est must have the shape of J_true {A.shape}; got {B.shape}")
    off = ~np.eye(A.shape[0], dtype=bool)
    norm = np.linalg.norm(A[off])
    if norm == 0:
        raise ValueError("J_true has no nonzero off-diagonal coupling; relative error undefined")
    return float(np.linalg.norm(B[off] - A[off]) / norm)


def exact_samples(model: Any, T: float, n_samples: int, rng: SeedLike = None) -> np.ndarray:
    """Independent samples from the exact Boltzmann distribution of a small model.

    Enumerates all ``2^N`` states (:func:`spinnet.theory.enumeration.exact_distribution`)
    and draws with :meth:`numpy.random.Generator.choice`.

    Parameters
    ----------
    model : SpinModel
        ``n_spins <= 24``.
    T : float
    n_samples : int
    rng : SeedLike

    Returns
    -------
    ndarray of int8, shape (n_samples, N)
    """
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    states, probs = exact_distribution(model, T)
    gen = as_generator(rng)
    return states[gen.choice(states.shape[0], size=n_samples, p=probs)]


_ESTIMATORS = {
    "naive_mean_field": naive_mean_field,
    "tap": tap,
    "pseudo_likelihood": pseudo_likelihood,
    "boltzmann_learning": boltzmann_learning,
}


def reconstruction_vs_samples(N: int = 16, T: float = 1.5,
                              n_samples: Sequence[int] = (1000, 10000, 100000),
                              methods: Sequence[str] = ("naive_mean_field", "tap",
                                                        "pseudo_likelihood"),
                              rng: SeedLike = None) -> list[dict[str, Any]]:
    """Coupling reconstruction error of each method versus the number of samples.

    Draws one SK instance (:class:`spinnet.models.SherringtonKirkpatrick`,
    ``J = 1``, no field) of ``N <= 20`` spins, samples it exactly at
    temperature ``T`` (nested prefixes of one sample of the largest size), and
    infers ``J_true = couplings / T``.

    Parameters
    ----------
    N : int
    T : float
    n_samples : sequence of int
    methods : sequence of str
        Names from :data:`METHODS`.
    rng : SeedLike
        Draws the instance and the samples.

    Returns
    -------
    list of dict
        Tidy rows with keys ``method``, ``n_samples``, ``error``, ``seconds``.
    """
    N = check_int(N, "N", minimum=2, maximum=min(EXACT_MAX, MAX_SPINS))
    T = check_positive_float(T, "T")
    sizes = [check_int(n, "n_samples", minimum=2) for n in n_samples]
    if not sizes:
        raise ValueError("n_samples must not be empty")
    methods = [check_option(m, "methods", METHODS) for m in methods]
    gen = as_generator(rng)
    model = SherringtonKirkpatrick(N, rng=gen)
    J_true = model.couplings / T
    data = exact_samples(model, T, max(sizes), rng=gen)
    rows: list[dict[str, Any]] = []
    for n in sizes:
        for name in methods:
            t0 = time.perf_counter()
            J, _ = _ESTIMATORS[name](data[:n])
            rows.append({"method": name, "n_samples": n,
                         "error": reconstruction_error(J_true, J),
                         "seconds": time.perf_counter() - t0})
    return rows
