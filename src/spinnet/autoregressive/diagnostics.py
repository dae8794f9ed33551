"""Reliability diagnostics for neural importance sampling.

The NIS error ``δ ln Ẑ = std(w) / (√n mean(w))`` assumes that the weights
``w = e^{-βE}/q`` have a finite variance. When ``q`` misses part of the Boltzmann
distribution (mode-seeking training), the weights are heavy-tailed: their sample variance
is dominated by the few largest weights and underestimates the true error, and ``ln Ẑ``
is biased low at finite ``n`` (Jensen). Two checks, reported *beside* the estimator:

* :func:`pareto_k_hat` — the shape ``k̂`` of a generalised Pareto distribution fitted to
  the largest weights (Pareto-smoothed importance sampling, Vehtari, Simpson, Gelman, Yao
  & Gabry, JMLR 25(72) (2024), Sec. 3): ``k̂ < 1/2`` finite variance (the CLT error bar
  is meaningful), ``1/2 ≤ k̂ < 0.7`` finite mean but slow convergence, ``k̂ ≥ 0.7`` the
  estimate and its error are unreliable for any practical ``n``.
* :func:`log_mean_weight_batch_error` — the standard error of ``ln mean(w)`` from the
  scatter of ``ln`` of independent batch means (batch means), an estimate that does not
  rest on ``std(w)`` of the whole sample.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from spinnet._validation import check_int

__all__ = ["log_mean_weight_batch_error", "pareto_k_hat"]


def _as_log_weights(log_weights: Any, minimum: int) -> np.ndarray:
    lw = np.asarray(log_weights, dtype=float)
    if lw.ndim != 1 or lw.shape[0] < minimum:
        raise ValueError(f"log_weights must be a 1-d array of at least {minimum} values; "
                         f"got shape {lw.shape}")
    if not np.all(np.isfinite(lw)):
        raise ValueError("log_weights must be finite")
    return lw


def _gpd_fit(x: np.ndarray) -> tuple[float, float]:
    """Zhang & Stephens (Technometrics 51, 316 (2009)) posterior-mean fit of a generalised
    Pareto distribution to the sorted exceedances ``x > 0``; returns ``(k, σ)`` with the
    weakly informative prior of Vehtari et al. (2024, Appendix C)."""
    n = x.shape[0]
    m = 30 + int(math.sqrt(n))
    b = 1.0 - np.sqrt(m / (np.arange(1, m + 1) - 0.5))
    b /= 3.0 * x[int(n / 4 + 0.5) - 1]
    b += 1.0 / x[-1]
    k = np.log1p(-b[:, None] * x[None, :]).mean(axis=1)
    ll = n * (np.log(-b / k) - k - 1.0)                    # profile log-likelihood
    wts = np.exp(ll - ll.max())                             # posterior weights of b
    wts /= wts.sum()
    keep = wts >= 10 * np.finfo(float).eps
    wts, b = wts[keep], b[keep]
    wts /= wts.sum()
    b_post = float(np.sum(b * wts))
    k_post = float(np.log1p(-b_post * x).mean())
    sigma = -k_post / b_post
    k_post = (n * k_post + 10 * 0.5) / (n + 10)            # prior k ~ 1/2, weight 10
    return k_post, sigma


def pareto_k_hat(log_weights: Any) -> float:
    """Pareto-tail shape ``k̂`` of importance weights (PSIS diagnostic).

    The ``M = min(n/5, 3√n)`` largest weights, minus the ``(M+1)``-th largest, are fitted
    by a generalised Pareto distribution (Zhang & Stephens 2009); ``k̂`` is its shape.
    The ``r``-th moment of the weights is finite for ``k < 1/r``.

    Parameters
    ----------
    log_weights : array_like, shape (n,)
        ``ln w_b`` (any additive constant), ``n >= 25``.

    Returns
    -------
    float
        ``k̂``: ``< 0.5`` the variance of the weights is finite and the usual error bar of
        ``ln Ẑ`` can be trusted; ``≥ 0.7`` the estimate is unreliable.

    References
    ----------
    Vehtari, Simpson, Gelman, Yao & Gabry, "Pareto smoothed importance sampling",
    JMLR 25(72) (2024), Sec. 3 and Eq. (7) for ``M``.
    """
    lw = _as_log_weights(log_weights, 25)
    n = lw.shape[0]
    M = int(min(0.2 * n, 3 * math.sqrt(n)))
    top = np.sort(lw)[-(M + 1):]
    w = np.exp(top - top[-1])
    x = w[1:] - w[0]
    if not np.all(x > 0) or x[-1] <= 0:
        # ties at the threshold: drop the zero exceedances
        x = x[x > 0]
        if x.shape[0] < 5:
            return float("nan")
    return _gpd_fit(np.sort(x))[0]


def log_mean_weight_batch_error(log_weights: Any, n_batches: int = 20) -> float:
    """Standard error of ``ln mean(w)`` by batch means.

    The sample is cut into ``n_batches`` consecutive batches; the error is the standard
    deviation of ``ln`` of the batch means divided by ``√n_batches`` (each batch mean is
    an independent estimate of ``Z``). With finite-variance weights it agrees with
    ``std(w) / (√n mean(w))``; when one batch holds a weight that dominates the whole
    sample it comes out larger.

    Parameters
    ----------
    log_weights : array_like, shape (n,)
        ``ln w_b`` of independent samples.
    n_batches : int
        ``>= 2``, at most ``n``.

    Returns
    -------
    float
        Standard error of ``ln Ẑ``.

    References
    ----------
    Flyvbjerg & Petersen, J. Chem. Phys. 91, 461 (1989) (batch means / blocking).
    """
    n_batches = check_int(n_batches, "n_batches", minimum=2)
    lw = _as_log_weights(log_weights, n_batches)
    n = lw.shape[0] - lw.shape[0] % n_batches
    top = lw.max()
    w = np.exp(lw[:n] - top).reshape(n_batches, -1)
    with np.errstate(divide="ignore"):
        lb = np.log(w.mean(axis=1))
    if not np.all(np.isfinite(lb)):
        return float("inf")
    return float(lb.std(ddof=1) / math.sqrt(n_batches))
