"""Experiments on dense associative memories and modern Hopfield networks.

- :func:`stable_fraction`, :func:`measure_capacity`, :func:`capacity_scan` —
  largest ``p`` with at least 99 % of stored patterns stable, vs ``N``, for
  polynomial (``p ∝ N^{n−1}``, Krotov & Hopfield 2016) and exponential
  (``p = e^{αN}``, Demircigil et al. 2017) energies, with the signal-to-noise
  prediction of :mod:`spinnet.theory.dense` alongside;
- :func:`exp_one_step` — one-step retrieval of the exponential DAM from noisy
  probes;
- :func:`lm_simulation` — the typical-pattern retrieval threshold ``α₁(λ)``
  (Lucibello & Mézard 2024) measured with ``P = e^{αN}`` spherical or
  Gaussian patterns;
- :func:`lm_rem_sample`, :func:`lm_threshold` — the same criterion sampled
  from the exact law of the overlaps of ``P − 1`` other patterns with the
  probe (binned, Poisson counts; any ``P``, so ``N`` up to 60 at ``λ = 1``);
  :func:`lm_all_patterns` — all-pattern retrieval (``α_c``) with pattern
  vectors; :func:`lm_phase_scan` — thresholds vs ``λ`` next to the theory;
- :func:`modern_one_step_error` — bit error after one modern Hopfield update
  vs ``β`` and load;
- :func:`mnist_retrieval` — half-occluded MNIST queries: classical Hebbian vs
  dense vs modern networks storing the same images.

The pipelines of the CLI (``spinnet dam capacity``, ``spinnet modern retrieve``,
``spinnet modern threshold``) are :func:`dam_capacity_experiment`,
:func:`retrieval_experiment` and :func:`threshold_experiment`: each writes its
tables and figures to ``out`` and keeps every finished unit (a system size, a
memory model) so that an interrupted run resumes with identical results.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import logsumexp

from spinnet._progress import ProgressCallback, report
from spinnet._rng import SeedLike, as_generator
from spinnet._validation import (
    check_fraction,
    check_int,
    check_option,
    check_positive_float,
    check_spins,
)
from spinnet.hopfield.dense import DenseAssociativeMemory, parse_interaction
from spinnet.spins import flip, random_patterns
from spinnet.theory import dense as theory

__all__ = [
    "capacity_scan",
    "dam_capacity_experiment",
    "exp_one_step",
    "fit_power_law",
    "lm_all_patterns",
    "lm_basin",
    "lm_dynamics",
    "lm_extrapolate",
    "lm_phase_figure",
    "lm_phase_scan",
    "lm_rem_sample",
    "lm_simulation",
    "lm_threshold",
    "measure_capacity",
    "mnist_retrieval",
    "modern_one_step_error",
    "phase_experiment",
    "retrieval_experiment",
    "stable_fraction",
    "threshold_experiment",
]


# ----------------------------------------------------------------------------- capacity
def stable_fraction(n_spins: int, n_patterns: int, interaction: str, *, n_trials: int = 4,
                    n_probes: int = 500, noise: float = 0.0, min_tested: int = 1000,
                    rng: SeedLike = None) -> tuple[float, int]:
    """Fraction of stored patterns that are stable (``noise = 0``) or retrieved in one step.

    Each trial draws ``n_patterns`` random patterns and stores them. With
    ``noise = 0`` it checks exactly (energy gaps of all ``N`` spins) whether
    ``min(n_probes, p)`` of them are fixed points of the async dynamics; with
    ``noise > 0`` whether one synchronous update maps a probe with
    ``round(noise·N)`` flipped spins exactly back onto its pattern (the
    criterion of Demircigil et al. 2017; for ``F = e^x`` plain stability is a
    weak test, since a pattern at Hamming distance 1 only produces a tie).
    Trials are added until at least ``min_tested`` patterns are checked.

    Parameters
    ----------
    n_spins : int
        Number of spins ``N`` (>= 2).
    n_patterns : int
        Number of stored patterns ``p`` (>= 1).
    interaction : str
        Interaction function ``F``: ``"poly:n"`` (``F = x^n``), ``"rectified:n"``
        or ``"exp"`` (``F = e^x``); see :func:`spinnet.hopfield.dense.parse_interaction`.
    n_trials : int, default 4
        Minimum number of independent pattern sets.
    n_probes : int, default 500
        Patterns checked per set (at most ``p``).
    noise : float, default 0.0
        Fraction of flipped spins in the probes, in [0, 1]; 0 tests stability.
    min_tested : int, default 1000
        Trials are added until at least this many patterns are checked.
    rng : SeedLike, default None
        Seed or generator (``spinnet._rng.as_generator``); same seed, same result.

    Returns
    -------
    fraction : float
    n_tested : int
        Number of patterns checked (for the binomial error bar).
    """
    n = check_int(n_spins, "n_spins", minimum=2)
    p = check_int(n_patterns, "n_patterns", minimum=1)
    n_trials = check_int(n_trials, "n_trials", minimum=1)
    n_probes = check_int(n_probes, "n_probes", minimum=1)
    noise = check_fraction(noise, "noise")
    parse_interaction(interaction)
    gen = as_generator(rng)
    stable = tested = 0
    # at least `min_tested` checks, so that a 1 % failure rate is resolved at small p
    n_trials = max(n_trials, math.ceil(min_tested / min(n_probes, p)))
    for _ in range(n_trials):
        xi = random_patterns(p, n, rng=gen)
        dam = DenseAssociativeMemory(interaction).fit(xi)
        k = min(n_probes, p)
        if noise > 0:
            out = dam.update(flip(xi[:k], noise, rng=gen))
            stable += int(np.sum(np.all(out == xi[:k], axis=1)))
        else:
            stable += int(np.sum(dam.is_stable(xi[:k])))
        tested += k
    return stable / tested, tested


def measure_capacity(n_spins: int, interaction: str, *, threshold: float = 0.99,
                     n_trials: int = 4, n_probes: int = 500, noise: float = 0.0,
                     growth: float = 1.25, p_start: int = 2,
                     rng: SeedLike = None) -> dict[str, Any]:
    """Largest ``p`` with a fraction ``>= threshold`` of stable (or retrieved) patterns.

    ``noise`` as in :func:`stable_fraction`.

    ``p`` is doubled from ``p_start`` until the stable fraction drops below
    ``threshold``, then walked up by factors ``growth`` from the last good
    value; the crossing is located by linear interpolation of
    ``ln(1 − fraction)`` in ``ln p`` between the last ``p`` above and the first
    below the threshold (``p_c`` is real-valued).

    Parameters
    ----------
    n_spins : int
        Number of spins ``N`` (>= 2).
    interaction : str
        Interaction function ``F``: ``"poly:n"`` (``F = x^n``), ``"rectified:n"``
        or ``"exp"`` (``F = e^x``); see :func:`spinnet.hopfield.dense.parse_interaction`.
    threshold : float, default 0.99
        Required fraction of stable (or retrieved) patterns, in [0, 1).
    n_trials, n_probes, noise
        As in :func:`stable_fraction` (defaults 4, 500, 0.0).
    growth : float, default 1.25
        Factor (> 1) of the fine walk in ``p`` after the doubling stage.
    p_start : int, default 2
        First number of patterns tried; must still be above the threshold.
    rng : SeedLike, default None
        Seed or generator (``spinnet._rng.as_generator``); same seed, same result.

    Returns
    -------
    dict
        ``N, p_c, p_low, p_high, fraction_low, fraction_high, n_tested``.
    """
    n = check_int(n_spins, "n_spins", minimum=2)
    threshold = check_fraction(threshold, "threshold", inclusive_high=False)
    growth = check_positive_float(growth, "growth")
    if growth <= 1:
        raise ValueError(f"growth must be > 1; got {growth}")
    gen = as_generator(rng)

    def frac(p: int) -> tuple[float, int]:
        return stable_fraction(n, p, interaction, n_trials=n_trials, n_probes=n_probes,
                               noise=noise, rng=gen)

    p_lo, (f_lo, _) = p_start, frac(p_start)
    if f_lo < threshold:
        raise ValueError(f"already p_start={p_start} patterns are below the threshold at "
                         f"N={n}; lower p_start")
    p = p_lo
    while True:  # doubling
        p_new = 2 * p
        f_new, t_new = frac(p_new)
        if f_new < threshold:
            p_hi, f_hi, tested = p_new, f_new, t_new
            break
        p_lo, f_lo, p = p_new, f_new, p_new
        if p > min(10**7, 2 ** (n - 3)):
            # Near 2^N patterns the memory holds (almost) every state: the question is void.
            raise ValueError(f"no capacity found below {p} patterns at N={n} (the limit is "
                             f"min(10^7, 2^(N-3))); use a larger N")
    p = p_lo
    while True:  # refine by factors `growth`
        p_new = max(p + 1, round(p * growth))
        if p_new >= p_hi:
            break
        f_new, t_new = frac(p_new)
        if f_new < threshold:
            p_hi, f_hi, tested = p_new, f_new, t_new
            break
        p_lo, f_lo, p = p_new, f_new, p_new
    u_lo, u_hi, u_c = 1 - f_lo, 1 - f_hi, 1 - threshold
    if u_lo <= 0:  # no unstable pattern seen at p_lo: interpolate from half the resolution
        u_lo = min(0.5 / tested, u_c)
    t = (math.log(u_c) - math.log(u_lo)) / (math.log(u_hi) - math.log(u_lo))
    t = min(max(t, 0.0), 1.0)
    p_c = min(max(math.exp(math.log(p_lo) + t * (math.log(p_hi) - math.log(p_lo))), p_lo), p_hi)
    return {"N": n, "p_c": p_c, "p_low": p_lo, "p_high": p_hi, "fraction_low": f_lo,
            "fraction_high": f_hi, "n_tested": tested, "noise": noise}


def fit_power_law(x: Sequence[float], y: Sequence[float]) -> tuple[float, float, float]:
    """Least-squares fit ``ln y = a ln x + b``; returns ``(a, stderr(a), b)``.

    Parameters
    ----------
    x, y : sequence of float
        Positive data, same length (>= 2).

    Returns
    -------
    a : float
        Exponent (slope in log-log).
    a_err : float
        Standard error of ``a`` (0 for exactly two points).
    b : float
        Intercept ``ln`` of the prefactor.
    """
    lx, ly = np.log(np.asarray(x, float)), np.log(np.asarray(y, float))
    if lx.size < 2:
        raise ValueError("need at least two points to fit a power law")
    coef, cov = np.polyfit(lx, ly, 1, cov=True) if lx.size > 2 else (np.polyfit(lx, ly, 1),
                                                                      np.zeros((2, 2)))
    return float(coef[0]), float(math.sqrt(max(cov[0, 0], 0.0))), float(coef[1])


def capacity_scan(interaction: str, sizes: Sequence[int], *, threshold: float = 0.99,
                  n_trials: int = 4, n_probes: int = 500, noise: float = 0.0,
                  rng: SeedLike = None, done: dict[int, dict[str, Any]] | None = None,
                  on_result: Callable[[dict[str, Any]], None] | None = None,
                  progress: ProgressCallback | None = None,
                  ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Measured capacity vs ``N`` with the theory next to it, and the scaling fit.

    Polynomial ``F = x^n``: rows carry the finite-``N`` signal-to-noise
    prediction (:func:`spinnet.theory.dense.poly_capacity`); the summary has
    the fitted exponent of ``p_c ∝ N^a`` (expected ``n − 1``), the same fit of
    the theory, and the exponent after dividing out the theory's logarithmic
    factor (``p_c z(N)² ∝ N^a``). Exponential ``F = e^x``: the summary has the
    slope ``α`` of ``ln p_c = αN + c`` next to Demircigil et al.'s asymptotic
    ``I(1 − 2ρ)/2`` (``ρ = noise``; use ``noise > 0`` for ``exp``, see
    :func:`stable_fraction`). The polynomial theory is for ``noise = 0``.

    Each size gets its own generator, spawned from ``rng`` in the order of
    ``sizes``, so a size's result does not depend on the others: rows in
    ``done`` (keyed by ``N``, e.g. from an interrupted run with the same seed)
    are reused as they are, and ``on_result`` is called with every newly
    measured row (to save it before the next size starts).

    Parameters
    ----------
    interaction : str
        Interaction function ``F``: ``"poly:n"`` (``F = x^n``), ``"rectified:n"``
        or ``"exp"`` (``F = e^x``); see :func:`spinnet.hopfield.dense.parse_interaction`.
    sizes : sequence of int
        System sizes ``N`` (at least two, each >= 2).
    threshold, n_trials, n_probes, noise
        As in :func:`measure_capacity`.
    rng : SeedLike, default None
        Seed or generator; one child generator is spawned per size.
    done : dict of int to dict, or None, default None
        Rows already measured, keyed by ``N``; reused as they are.
    on_result : callable or None, default None
        Called with each newly measured row.
    progress : callable or None, default None
        Progress callback ``progress(stage, done, total)``
        (``spinnet._progress.report``); ``None`` reports nothing.

    Returns
    -------
    rows : list of dict
        Per size: the :func:`measure_capacity` row plus ``interaction`` and, for
        ``poly`` with ``noise = 0``, ``p_theory``.
    summary : dict
        ``interaction, sizes`` and either ``alpha, alpha_stderr,
        alpha_theory_asymptotic, alpha_extreme_value`` (``exp``) or
        ``exponent, exponent_stderr, expected_exponent, relative_deviation``
        (plus ``theory_exponent, log_corrected_exponent`` for ``poly``, ``noise = 0``).
    """
    kind, degree = parse_interaction(interaction)
    sizes = [check_int(n, "sizes", minimum=2) for n in sizes]
    if len(sizes) < 2:
        raise ValueError("sizes must hold at least two system sizes")
    gens = as_generator(rng).spawn(len(sizes))
    done = done or {}
    rows = []
    for k, (n, gen) in enumerate(zip(sizes, gens, strict=True)):
        report(progress, "system sizes", k, len(sizes))
        if n in done:
            rows.append(dict(done[n]))
            continue
        r = measure_capacity(n, interaction, threshold=threshold, n_trials=n_trials,
                             n_probes=n_probes, noise=noise, rng=gen)
        r["interaction"] = interaction
        if kind == "poly" and noise == 0:
            r["p_theory"] = theory.poly_capacity(n, degree, threshold)
        rows.append(r)
        if on_result is not None:
            on_result(r)
    report(progress, "system sizes", len(sizes), len(sizes))
    ns = np.array([r["N"] for r in rows], float)
    pc = np.array([r["p_c"] for r in rows])
    summary: dict[str, Any] = {"interaction": interaction, "sizes": sizes}
    if kind == "exp":
        coef, cov = np.polyfit(ns, np.log(pc), 1, cov=True) if ns.size > 2 else (
            np.polyfit(ns, np.log(pc), 1), np.zeros((2, 2)))
        summary.update(alpha=float(coef[0]), alpha_stderr=float(math.sqrt(cov[0, 0])),
                       alpha_theory_asymptotic=theory.demircigil_alpha(noise),
                       alpha_extreme_value=theory.exp_capacity_extreme(noise))
    else:
        a, da, _ = fit_power_law(ns, pc)
        summary.update(exponent=a, exponent_stderr=da, expected_exponent=degree - 1,
                       relative_deviation=abs(a - (degree - 1)) / (degree - 1))
        if kind == "poly" and noise == 0:
            pt = np.array([r["p_theory"] for r in rows])
            summary["theory_exponent"] = fit_power_law(ns, pt)[0]
            # remove the slowly varying z(N)^2 = Φc⁻¹(ε/N)^2 of the signal-to-noise theory
            zfac = pt / ns ** (degree - 1)
            summary["log_corrected_exponent"] = fit_power_law(ns, pc / zfac)[0]
    return rows, summary


def exp_one_step(n_spins: int = 64, n_patterns: int = 640, noise: float = 0.1, *,
                 n_probes: int = 640, rng: SeedLike = None) -> dict[str, Any]:
    """One synchronous step of the exponential DAM from probes with ``noise·N`` flips.

    Returns the fraction of probes mapped exactly onto their pattern, the
    mean final overlap, and the same after full async recall.

    Parameters
    ----------
    n_spins : int, default 64
        Number of spins ``N``.
    n_patterns : int, default 640
        Number of stored patterns ``p``.
    noise : float, default 0.1
        Fraction of flipped spins in the probes.
    n_probes : int, default 640
        Number of probed patterns (at most ``p``).
    rng : SeedLike, default None
        Seed or generator (``spinnet._rng.as_generator``); same seed, same result.

    Returns
    -------
    dict
        ``N, p, load, noise, n_probes, one_step_exact, one_step_mean_overlap,
        async_exact, alpha`` (``ln p / N``) and ``alpha_theory``
        (Demircigil et al. 2017, ``I(1 − 2ρ)/2``).
    """
    n = check_int(n_spins, "n_spins", minimum=2)
    p = check_int(n_patterns, "n_patterns", minimum=1)
    noise = check_fraction(noise, "noise")
    k = min(check_int(n_probes, "n_probes", minimum=1), p)
    gen = as_generator(rng)
    xi = random_patterns(p, n, rng=gen)
    dam = DenseAssociativeMemory("exp").fit(xi)
    probes = flip(xi[:k], noise, rng=gen)
    one = dam.update(probes)
    full = dam.recall(probes, rng=gen)
    m1 = np.einsum("bi,bi->b", one.astype(float), xi[:k]) / n
    mf = np.einsum("bi,bi->b", full.astype(float), xi[:k]) / n
    return {"N": n, "p": p, "load": p / n, "noise": noise, "n_probes": k,
            "one_step_exact": float(np.mean(m1 == 1.0)), "one_step_mean_overlap": float(m1.mean()),
            "async_exact": float(np.mean(mf == 1.0)),
            "alpha": math.log(p) / n, "alpha_theory": theory.demircigil_alpha(noise)}


# ---------------------------------------------------------------------- Lucibello-Mézard
def lm_simulation(n_spins: int, lam: float, alphas: Sequence[float], *,
                  ensemble: str = "spherical", n_probes: int = 400, chunk: int = 1 << 16,
                  rng: SeedLike = None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Retrieval of a typical pattern among ``P = e^{αN}`` at inverse temperature ``λ``.

    For each probe pattern ``ξ^1`` (drawn from the ensemble) and nested sets of
    ``P − 1`` other patterns, the softmax weight of ``ξ^1`` in the update from
    ``x = ξ^1``, ``w_1 = e^{λ|ξ^1|²} / (e^{λ|ξ^1|²} + Σ_{ν>1} e^{λ ξ^ν·ξ^1})``, is
    computed in the log domain; the pattern counts as retrieved when
    ``w_1 > 1/2`` (for ``N → ∞``, ``w_1 → 1`` below ``α₁`` and ``→ 0`` above).
    The other patterns are generated in chunks, never all in memory.

    Parameters
    ----------
    n_spins : int
        Dimension ``N`` (>= 3).
    lam : float
        Inverse temperature ``λ`` of the softmax (> 0).
    alphas : sequence of float
        Loads ``α = ln P / N`` (> 0; ``P`` at most 2·10⁸).
    ensemble : {"spherical", "gaussian"}, default "spherical"
        Pattern ensemble: Gaussian vectors, or rescaled to ``|ξ| = √N``.
    n_probes : int, default 400
        Number of probe patterns ``ξ^1``.
    chunk : int, default 65536
        Number of other patterns generated at a time.
    rng : SeedLike, default None
        Seed or generator (``spinnet._rng.as_generator``); same seed, same result.

    Returns
    -------
    rows : list of dict
        ``alpha, P, fraction_retrieved, stderr`` per load.
    summary : dict
        ``alpha_cross`` (linear interpolation of the 1/2 crossing) with its
        error, the theory ``α₁(λ)`` and its annealed finite-``N`` value.
    """
    n = check_int(n_spins, "n_spins", minimum=3)
    lam = check_positive_float(lam, "lam")
    if ensemble not in ("spherical", "gaussian"):
        raise ValueError(f"ensemble must be 'spherical' or 'gaussian'; got {ensemble!r}")
    n_probes = check_int(n_probes, "n_probes", minimum=1)
    alphas = np.sort(np.array([check_positive_float(a, "alphas") for a in alphas]))
    sizes = np.maximum(np.round(np.exp(alphas * n)).astype(np.int64), 2)
    if sizes[-1] > 2 * 10**8:
        raise ValueError(f"largest P = e^(alpha N) = {sizes[-1]:.3g} is too many patterns")
    gen = as_generator(rng)

    def draw(k: int) -> np.ndarray:
        z = gen.standard_normal((k, n))
        if ensemble == "spherical":
            z *= math.sqrt(n) / np.linalg.norm(z, axis=1, keepdims=True)
        return z

    probes = draw(n_probes)
    signal = lam * np.einsum("bi,bi->b", probes, probes)
    rest = np.full((len(sizes), n_probes), -np.inf)
    total_rest = int(sizes[-1]) - 1
    start = 0
    while start < total_rest:
        stop = min(start + chunk, total_rest)
        scores = lam * (draw(stop - start) @ probes.T)  # (chunk, B)
        for k, size in enumerate(sizes):
            end = min(stop, int(size) - 1) - start
            if end > 0:
                rest[k] = np.logaddexp(rest[k], logsumexp(scores[:end], axis=0))
        start = stop
    retrieved = signal[None, :] > rest  # w_1 > 1/2
    frac = retrieved.mean(1)
    rows = [{"N": n, "lam": lam, "ensemble": ensemble, "alpha": float(a), "P": int(s),
             "fraction_retrieved": float(f),
             "stderr": float(math.sqrt(max(f * (1 - f), 0.25 / n_probes) / n_probes)),
             "median_log_w_ratio": float(np.median(rest[k] - signal) / n),
             "std_log_w_ratio": float(np.std(rest[k] - signal) / n)}
            for k, (a, s, f) in enumerate(zip(alphas, sizes, frac, strict=True))]
    # crossing of 1/2 in the median of (ln Z_rest - λ|ξ|²)/N, linear in α (smooth, self-averaging)
    med = np.array([r["median_log_w_ratio"] for r in rows])
    cross = math.nan
    for k in range(len(med) - 1):
        if med[k] < 0 <= med[k + 1]:
            cross = float(alphas[k] - med[k] * (alphas[k + 1] - alphas[k]) / (med[k + 1] - med[k]))
            break
    summary = {"N": n, "lam": lam, "ensemble": ensemble, "alpha_cross": cross,
               "alpha1_theory": theory.lm_alpha1(lam, ensemble),
               "n_probes": n_probes}
    if ensemble == "spherical" or lam <= 1:
        summary["alpha1_finite_N"] = theory.lm_alpha1_finite(n, lam, ensemble)
    return rows, summary


def lm_dynamics(n_spins: int, lam: float, alphas: Sequence[float], *,
                ensemble: str = "spherical", n_probes: int = 100, max_steps: int = 30,
                rng: SeedLike = None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Run the modern Hopfield dynamics itself from stored patterns, ``P = e^{αN}``.

    Stores ``P`` patterns of the ensemble in a
    :class:`~spinnet.hopfield.modern.ModernHopfieldNetwork` with ``β = λ``,
    starts at ``n_probes`` of them and iterates ``ξ ← Xᵀ softmax(λ X ξ)`` to a
    fixed point (``max_steps``). The ``½|ξ|²`` term of the energy shrinks a
    partly mixed state, which lowers the effective ``β`` of the next step, so
    at small ``N`` the dynamics loses patterns well below ``α₁`` (a large
    finite-size shift; see docs/modern-hopfield.md). A probe is retrieved when the cosine overlap
    of the final state with its pattern exceeds 1/2 (the final overlaps are
    bimodal: ≈ 1 or ≲ q*). All patterns are held in memory, so keep
    ``e^{αN}`` below a few 10⁶.

    Returns rows (``alpha, P, fraction_retrieved, stderr, mean_overlap``) and a
    summary with the interpolated 1/2 crossing ``alpha_cross`` next to
    ``α₁(λ)`` and its finite-``N`` annealed value.

    Parameters
    ----------
    n_spins : int
        Dimension ``N`` (>= 3).
    lam : float
        Inverse temperature ``λ = β`` (> 0).
    alphas : sequence of float
        Loads ``α = ln P / N`` (> 0).
    ensemble : {"spherical", "gaussian"}, default "spherical"
        Pattern ensemble.
    n_probes : int, default 100
        Number of stored patterns used as starting points (at most ``P``).
    max_steps : int, default 30
        Maximum number of updates.
    rng : SeedLike, default None
        Seed or generator (``spinnet._rng.as_generator``); same seed, same result.

    Returns
    -------
    rows : list of dict
        ``N, lam, ensemble, alpha, P, fraction_retrieved, stderr, mean_overlap``
        per load.
    summary : dict
        ``N, lam, ensemble, alpha_cross`` (interpolated ½ crossing, NaN if
        none), ``alpha1_theory`` (``α₁(λ)``), ``n_probes`` and, for the
        spherical ensemble or ``λ <= 1``, ``alpha1_finite_N``.
    """
    from spinnet.hopfield.modern import ModernHopfieldNetwork

    n = check_int(n_spins, "n_spins", minimum=3)
    lam = check_positive_float(lam, "lam")
    if ensemble not in ("spherical", "gaussian"):
        raise ValueError(f"ensemble must be 'spherical' or 'gaussian'; got {ensemble!r}")
    alphas = np.sort(np.array([check_positive_float(a, "alphas") for a in alphas]))
    sizes = np.maximum(np.round(np.exp(alphas * n)).astype(np.int64), 2)
    if sizes[-1] > 5 * 10**6:
        raise ValueError(f"largest P = e^(alpha N) = {sizes[-1]:.3g} is too many patterns to "
                         "hold in memory; use lm_simulation")
    gen = as_generator(rng)
    rows = []
    for a, size in zip(alphas, sizes, strict=True):
        z = gen.standard_normal((int(size), n))
        if ensemble == "spherical":
            z *= math.sqrt(n) / np.linalg.norm(z, axis=1, keepdims=True)
        k = min(n_probes, int(size))
        net = ModernHopfieldNetwork(lam, max_steps=max_steps, tol=1e-9).fit(z)
        final = net.recall(z[:k])
        cos = np.einsum("bi,bi->b", final, z[:k]) / (
            np.linalg.norm(final, axis=1).clip(1e-300) * np.linalg.norm(z[:k], axis=1))
        f = float(np.mean(cos > 0.5))
        rows.append({"N": n, "lam": lam, "ensemble": ensemble, "alpha": float(a),
                     "P": int(size), "fraction_retrieved": f,
                     "stderr": float(math.sqrt(max(f * (1 - f), 0.25 / k) / k)),
                     "mean_overlap": float(cos.mean())})
    fr = np.array([r["fraction_retrieved"] for r in rows])
    cross = math.nan
    for k in range(len(fr) - 1):
        if fr[k] >= 0.5 > fr[k + 1]:
            cross = float(alphas[k] + (fr[k] - 0.5) * (alphas[k + 1] - alphas[k])
                          / (fr[k] - fr[k + 1]))
            break
    summary = {"N": n, "lam": lam, "ensemble": ensemble, "alpha_cross": cross,
               "alpha1_theory": theory.lm_alpha1(lam, ensemble), "n_probes": n_probes}
    if ensemble == "spherical" or lam <= 1:
        summary["alpha1_finite_N"] = theory.lm_alpha1_finite(n, lam, ensemble)
    return rows, summary


# ------------------------------------------------ Lucibello-Mézard: overlap sampler, α_c
_GL_T, _GL_W = np.polynomial.legendre.leggauss(4)


def _lm_log_density(u: np.ndarray, n: int, ensemble: str) -> np.ndarray:
    """``ln p_N(u)`` of the overlap ``u = ξ·x/N`` of a random pattern with a state, ``|x|² = N``."""
    from scipy.special import betaln

    if ensemble == "spherical":
        return -betaln(0.5, (n - 1) / 2.0) + 0.5 * (n - 3) * np.log1p(-u * u)
    return 0.5 * math.log(n / (2 * math.pi)) - 0.5 * n * u * u


def _lm_bins(n: int, lam: float, alpha_max: float, ensemble: str, n_bins: int
             ) -> dict[str, np.ndarray]:
    if ensemble == "spherical":
        edges = np.linspace(-1.0, 1.0, n_bins + 1)
    else:
        h = math.sqrt(2.0 * alpha_max + 60.0 / n)
        edges = np.linspace(-h, h, n_bins + 1)
    c = 0.5 * (edges[1:] + edges[:-1])
    d = 0.5 * (edges[1:] - edges[:-1])
    u = c[:, None] + d[:, None] * _GL_T[None, :]
    base = _lm_log_density(u, n, ensemble) + np.log(d[:, None] * _GL_W[None, :])
    log_p = logsumexp(base, axis=1)
    log_e1 = logsumexp(base + lam * n * u, axis=1) - log_p
    log_e2 = logsumexp(base + 2.0 * lam * n * u, axis=1) - log_p
    slope = (-(n - 3) * c / (1.0 - c * c)) if ensemble == "spherical" else -n * c
    return {"lo": edges[:-1], "width": 2.0 * d, "log_p": log_p, "log_e1": log_e1,
            "log_e2": log_e2, "b": slope * 2.0 * d}


def lm_rem_sample(n_spins: int, lam: float, alphas: Sequence[float], *,
                  ensemble: str = "spherical", n_probes: int = 400, n_bins: int | None = None,
                  exact_below: int = 0, rng: SeedLike = None) -> dict[str, np.ndarray]:
    """Sample ``ln Σ_{ν>1} e^{λ ξ^ν·x}`` for ``P = e^{αN}`` patterns from the overlaps' exact law.

    Seen from the state ``x = √N ξ^1/|ξ^1|`` the other patterns' overlaps
    ``u_ν = ξ^ν·x/N`` are independent with density ``∝ (1 − u²)^{(N−3)/2}``
    (spherical) or ``N(0, 1/N)`` (Gaussian), so the retrieval criterion of
    Lucibello & Mézard (2024) needs only these ``P − 1`` numbers, not the
    vectors. They are drawn binned: ``n_bins`` bins of ``u`` (Gauss–Legendre
    masses), independent Poisson counts per bin (``P`` Poissonised; the
    loads are nested, each adds its increment), a bin's patterns summed as
    ``count × E[e^{λNu} | bin]`` — unbiased for ``Z``; it drops only the
    spread of the weights inside a bin, below ``λN·width`` relative (the
    default ``n_bins`` keeps ``λN·width <= 0.02``). With ``exact_below > 0``,
    counts up to that number in bins carrying at least ``e^{−18}`` of the sum
    are drawn one by one inside the bin (log-linear density) instead. This
    makes ``P = e^{60}`` as cheap as ``P = 10³``.
    Checked against the brute-force pattern sums of :func:`lm_simulation`.

    Parameters
    ----------
    n_spins : int
        ``N >= 3``.
    lam : float
        Inverse temperature ``λ > 0``.
    alphas : sequence of float
        Loads ``α = ln P / N`` (sorted ascending internally).
    ensemble : {"spherical", "gaussian"}
    n_probes : int
        Independent probe patterns ``ξ^1``.
    n_bins : int, optional
        Number of bins (default ``max(2000, ⌈λN·range/0.02⌉)``, ``range`` the
        width of the overlap interval).
    exact_below : int
        See above (0: no individual draws).
    rng : SeedLike

    Returns
    -------
    dict
        ``alphas`` (n_alpha,), ``signal`` (n_probes,) ``= λ ξ^1·x`` (``λN`` for
        spherical, ``λ√N|ξ^1|`` for Gaussian), ``log_z_rest`` (n_alpha,
        n_probes) ``= ln Σ_{ν>1} e^{λNu_ν}`` and ``participation`` (n_alpha,
        n_probes) ``= Σ w_ν²`` of the softmax over the other patterns.
    """
    n = check_int(n_spins, "n_spins", minimum=3)
    lam = check_positive_float(lam, "lam")
    ensemble = check_option(ensemble, "ensemble", ("spherical", "gaussian"))
    n_probes = check_int(n_probes, "n_probes", minimum=1)
    exact_below = check_int(exact_below, "exact_below", minimum=0)
    alphas = np.sort(np.array([check_positive_float(a, "alphas") for a in alphas]))
    if n_bins is None:
        span = 2.0 if ensemble == "spherical" else 2.0 * math.sqrt(2.0 * alphas[-1] + 60.0 / n)
        n_bins = max(2000, math.ceil(lam * n * span / 0.02))
    n_bins = check_int(n_bins, "n_bins", minimum=10)
    gen = as_generator(rng)
    bins = _lm_bins(n, lam, float(alphas[-1]), ensemble, n_bins)
    if ensemble == "spherical":
        signal = np.full(n_probes, lam * n)
    else:
        signal = lam * np.sqrt(n * gen.chisquare(n, n_probes))
    z1 = np.full((len(alphas), n_probes), -np.inf)
    z2 = np.full((len(alphas), n_probes), -np.inf)
    acc1 = np.full(n_probes, -np.inf)
    acc2 = np.full(n_probes, -np.inf)
    n_prev = 0.0
    for k, a in enumerate(alphas):
        n_rest = math.expm1(a * n)  # P - 1 other patterns, P = e^{αN}
        mean = max(n_rest - n_prev, 0.0) * np.exp(bins["log_p"])
        n_prev = max(n_rest, n_prev)
        # bins whose expected count is below 1e-13 stay empty (all of them together
        # receive a pattern with probability < n_bins * 1e-13)
        cols = np.flatnonzero(mean > 1e-13)
        mc = mean[cols]
        counts = np.empty((n_probes, len(cols)))
        small = mc < 1e15
        counts[:, small] = gen.poisson(mc[small], size=(n_probes, int(small.sum())))
        counts[:, ~small] = mc[~small]
        with np.errstate(divide="ignore"):
            lc = np.log(counts)  # -inf for empty bins
        approx1 = lc + bins["log_e1"][cols][None, :]
        ref = logsumexp(approx1, axis=1)
        # exact draws only where they matter: few patterns in a bin that carries at
        # least e^-18 of the (approximate) total; elsewhere count × E[e^{λNu} | bin]
        sparse = (counts > 0) & (counts <= exact_below) & (approx1 >= ref[:, None] - 18.0)
        new1 = logsumexp(np.where(sparse, -np.inf, approx1), axis=1)
        new2 = logsumexp(np.where(sparse, -np.inf, lc + bins["log_e2"][cols][None, :]), axis=1)
        if sparse.any():
            pi, ci = np.nonzero(sparse)
            reps = counts[pi, ci].astype(np.int64)
            pi, bi = np.repeat(pi, reps), np.repeat(cols[ci], reps)
            v = gen.random(len(bi))
            b = bins["b"][bi]
            safe = np.abs(b) > 1e-9
            t = np.where(safe, np.log1p(v * np.expm1(np.where(safe, b, 1.0)))
                         / np.where(safe, b, 1.0), v)
            u = bins["lo"][bi] + bins["width"][bi] * np.clip(t, 0.0, 1.0)
            if ensemble == "spherical":
                u = np.clip(u, -1.0, 1.0)
            x1 = lam * n * u
            np.logaddexp.at(new1, pi, x1)
            np.logaddexp.at(new2, pi, 2.0 * x1)
        acc1 = np.logaddexp(acc1, new1)
        acc2 = np.logaddexp(acc2, new2)
        z1[k], z2[k] = acc1, acc2
    with np.errstate(invalid="ignore"):
        part = np.where(np.isfinite(z1), np.exp(z2 - 2.0 * z1), np.nan)
    return {"alphas": alphas, "signal": signal, "log_z_rest": z1, "participation": part}


def _median_crossing(alphas: np.ndarray, d: np.ndarray) -> float:
    """Load where the median over probes of ``d`` (n_alpha, n_probes) crosses 0 upwards."""
    med = np.median(d, axis=1)
    for k in range(len(med) - 1):
        if med[k] < 0 <= med[k + 1]:
            return float(alphas[k] - med[k] * (alphas[k + 1] - alphas[k]) / (med[k + 1] - med[k]))
    return math.nan


def lm_threshold(n_spins: int, lam: float, alphas: Sequence[float], *,
                 ensemble: str = "spherical", n_probes: int = 400, n_boot: int = 200,
                 rng: SeedLike = None, **sampler: Any) -> tuple[list[dict[str, Any]],
                                                                dict[str, Any]]:
    """Typical-pattern retrieval threshold at size ``N`` from :func:`lm_rem_sample`.

    A probe is retrieved when the softmax at ``x = √N ξ^1/|ξ^1|`` puts more
    than half its weight on ``ξ^1`` (``λ ξ^1·x > ln Σ_{ν>1} e^{λ ξ^ν·x}``).
    The threshold ``alpha_cross`` is where the median over probes of
    ``d = (ln Z_rest − λ ξ^1·x)/N`` crosses 0 (linear interpolation between
    loads); its statistical error ``alpha_cross_err`` is the bootstrap
    standard deviation over probes (``n_boot`` resamples).

    Parameters
    ----------
    n_spins, lam, alphas, ensemble, n_probes, rng
        As in :func:`lm_rem_sample` (``**sampler`` passes ``n_bins``,
        ``exact_below``).
    n_boot : int
        Bootstrap resamples for the crossing error.
    **sampler
        Keyword arguments of :func:`lm_rem_sample` (``n_bins``,
        ``exact_below``).

    Returns
    -------
    rows : list of dict
        Per load: ``alpha, fraction_retrieved, stderr, median_d,
        mean_participation`` (the softmax participation ``Σ w²`` over the
        other patterns; REM theory in ``participation_theory``).
    summary : dict
        ``alpha_cross, alpha_cross_err``, ``alpha1_theory`` (``N = ∞``),
        ``alpha1_finite_N`` (annealed, where defined) and ``finite_size_shift``.
    """
    n_boot = check_int(n_boot, "n_boot", minimum=2)
    gen = as_generator(rng)
    res = lm_rem_sample(n_spins, lam, alphas, ensemble=ensemble, n_probes=n_probes,
                        rng=gen, **sampler)
    a = res["alphas"]
    n = int(n_spins)
    d = (res["log_z_rest"] - res["signal"][None, :]) / n
    rows = []
    for k, alpha in enumerate(a):
        f = float(np.mean(d[k] < 0))
        rows.append({"N": n, "lam": float(lam), "ensemble": ensemble, "alpha": float(alpha),
                     "fraction_retrieved": f,
                     "stderr": float(math.sqrt(max(f * (1 - f), 0.25 / n_probes) / n_probes)),
                     "median_d": float(np.median(d[k])),
                     "mean_participation": float(np.nanmean(res["participation"][k])),
                     "participation_theory": theory.lm_rest_participation(alpha, lam, ensemble)})
    cross = _median_crossing(a, d)
    boots = []
    for _ in range(n_boot):
        idx = gen.integers(0, d.shape[1], d.shape[1])
        boots.append(_median_crossing(a, d[:, idx]))
    boots = np.array(boots)
    a1 = theory.lm_alpha1(lam, ensemble)
    summary: dict[str, Any] = {
        "N": n, "lam": float(lam), "ensemble": ensemble, "bound": "alpha1",
        "alpha_cross": cross,
        "alpha_cross_err": float(np.nanstd(boots)) if np.isfinite(boots).sum() > 1 else math.nan,
        "alpha1_theory": a1, "n_probes": int(n_probes)}
    if ensemble == "spherical" or lam <= 1:
        a1n = theory.lm_alpha1_finite(n, lam, ensemble)
        summary["alpha1_finite_N"] = a1n
        summary["finite_size_shift"] = a1n - a1
    return rows, summary


def lm_extrapolate(sizes: Sequence[int], values: Sequence[float], errors: Sequence[float],
                   *, order: int = 2) -> dict[str, float]:
    """Weighted least-squares extrapolation ``α(N) = α_∞ + Σ_{k=1}^{order} a_k / N^k``.

    The annealed finite-size correction of ``α₁`` is a series in ``1/N``
    (the ``√N`` Laplace prefactors cancel), so the measured crossings of
    :func:`lm_threshold` are extrapolated in ``1/N``.

    Parameters
    ----------
    sizes : sequence of int
        ``N`` values (at least ``order + 2``).
    values, errors : sequence of float
        Measured thresholds and their standard errors (> 0).
    order : int
        Highest power of ``1/N``.

    Returns
    -------
    dict
        ``alpha_inf``, ``alpha_inf_err`` (from the weighted fit's covariance)
        and ``chi2_per_dof``.
    """
    order = check_int(order, "order", minimum=1)
    n = np.asarray(sizes, float)
    y = np.asarray(values, float)
    e = np.asarray(errors, float)
    if not (n.shape == y.shape == e.shape) or n.ndim != 1:
        raise ValueError(f"sizes, values and errors must be 1-D of equal length; got "
                         f"{n.shape}, {y.shape}, {e.shape}")
    if len(n) < order + 2:
        raise ValueError(f"need at least order + 2 = {order + 2} sizes; got {len(n)}")
    if np.any(~np.isfinite(e)) or np.any(e <= 0):
        raise ValueError("errors must be finite and > 0")
    a = np.vstack([n ** -k for k in range(order + 1)]).T
    w = 1.0 / e**2
    cov = np.linalg.inv(a.T @ (a * w[:, None]))
    coef = cov @ a.T @ (w * y)
    res = (a @ coef - y) / e
    return {"alpha_inf": float(coef[0]), "alpha_inf_err": float(math.sqrt(cov[0, 0])),
            "chi2_per_dof": float(res @ res / (len(n) - order - 1))}


def lm_all_patterns(n_spins: int, lam: float, alphas: Sequence[float], *,
                    ensemble: str = "gaussian", n_sets: int = 40, chunk: int = 2048,
                    rng: SeedLike = None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Are *all* ``P = e^{αN}`` stored patterns retrieved? (the ``α_c`` question).

    For each of ``n_sets`` pattern sets and every pattern ``μ``: the state
    ``x_μ = √N ξ^μ/|ξ^μ|`` (the pattern itself for spherical patterns) and
    the criterion of :func:`lm_threshold`, ``λ ξ^μ·x_μ > ln Σ_{ν≠μ} e^{λ ξ^ν·x_μ}``
    (softmax condensed on ``μ``), computed from the pattern vectors in row
    chunks of the ``P × P`` overlap matrix.

    Parameters
    ----------
    n_spins : int
        ``N >= 3``.
    lam : float
        Inverse temperature ``λ > 0``.
    alphas : sequence of float
        Loads; ``P = round(e^{αN})`` must stay below ``3·10⁴``.
    ensemble : {"spherical", "gaussian"}
    n_sets : int
        Independent pattern sets per load.
    chunk : int
        Rows of the overlap matrix computed at once.
    rng : SeedLike

    Returns
    -------
    rows : list of dict
        Per load: ``alpha, P, fraction_all_retrieved, stderr,
        fraction_patterns_failed``.
    summary : dict
        ``alpha_cross`` (1/2 crossing of ``fraction_all_retrieved``, linear
        interpolation), ``alphac_theory`` and ``alpha1_theory``.
    """
    n = check_int(n_spins, "n_spins", minimum=3)
    lam = check_positive_float(lam, "lam")
    ensemble = check_option(ensemble, "ensemble", ("spherical", "gaussian"))
    n_sets = check_int(n_sets, "n_sets", minimum=1)
    chunk = check_int(chunk, "chunk", minimum=1)
    alphas = np.sort(np.array([check_positive_float(a, "alphas") for a in alphas]))
    sizes = np.maximum(np.round(np.exp(alphas * n)).astype(np.int64), 2)
    if sizes[-1] > 30000:
        raise ValueError(f"largest P = e^(alpha N) = {sizes[-1]} is too many patterns "
                         "for the all-pattern check (<= 30000)")
    gen = as_generator(rng)
    rows = []
    for a, size in zip(alphas, sizes, strict=True):
        p = int(size)
        all_ok = np.zeros(n_sets, bool)
        failed = 0
        for s in range(n_sets):
            xi = gen.standard_normal((p, n))
            if ensemble == "spherical":
                xi *= math.sqrt(n) / np.linalg.norm(xi, axis=1, keepdims=True)
            x = xi * (math.sqrt(n) / np.linalg.norm(xi, axis=1, keepdims=True))
            bad = 0
            for lo in range(0, p, chunk):
                hi = min(lo + chunk, p)
                sc = lam * (x[lo:hi] @ xi.T)  # (rows, P)
                own = sc[np.arange(hi - lo), np.arange(lo, hi)].copy()
                sc[np.arange(hi - lo), np.arange(lo, hi)] = -np.inf
                bad += int(np.sum(logsumexp(sc, axis=1) >= own))
            all_ok[s] = bad == 0
            failed += bad
        f = float(all_ok.mean())
        rows.append({"N": n, "lam": lam, "ensemble": ensemble, "alpha": float(a), "P": p,
                     "fraction_all_retrieved": f,
                     "stderr": float(math.sqrt(max(f * (1 - f), 0.25 / n_sets) / n_sets)),
                     "fraction_patterns_failed": failed / (n_sets * p)})
    fr = np.array([r["fraction_all_retrieved"] for r in rows])
    cross = math.nan
    for k in range(len(fr) - 1):
        if fr[k] >= 0.5 > fr[k + 1]:
            cross = float(alphas[k] + (fr[k] - 0.5) * (alphas[k + 1] - alphas[k])
                          / (fr[k] - fr[k + 1]))
            break
    summary = {"N": n, "lam": lam, "ensemble": ensemble, "bound": "alphac",
               "alpha_cross": cross, "alphac_theory": theory.lm_alphac(lam, ensemble),
               "alpha1_theory": theory.lm_alpha1(lam, ensemble), "n_sets": n_sets}
    return rows, summary


def lm_basin(n_spins: int, lam: float, alpha: float, rhos: Sequence[float], *,
             ensemble: str = "spherical", n_probes: int = 200, rng: SeedLike = None
             ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One-step basin of attraction: retrieval from a state at overlap ``ρ`` with a pattern.

    Stores ``P = e^{αN}`` pattern vectors; for each probe pattern ``ξ^μ`` and
    each ``ρ`` a state ``x = √N [ρ ξ̂^μ + √(1−ρ²) n̂]`` (``n̂`` a random unit
    vector orthogonal to ``ξ^μ``) is updated once with
    :func:`spinnet.hopfield.dense.lse_sphere_update`. Retrieved = the softmax
    puts more than half its weight on ``ξ^μ``; the overlap ``x'·ξ̂^μ/√N``
    after the step is reported too. Theory: retrieval for ``ρ > ρ_b(α, λ)``
    (:func:`spinnet.theory.dense.lm_basin_overlap`).

    Parameters
    ----------
    n_spins, lam, alpha : int, float, float
        ``N``, ``λ`` and the load (``P = round(e^{αN}) <= 5·10⁵``).
    rhos : sequence of float
        Initial overlaps in ``(0, 1]``.
    ensemble : {"spherical", "gaussian"}
    n_probes : int
        Probe patterns (the first ``n_probes`` stored ones).
    rng : SeedLike

    Returns
    -------
    rows : list of dict
        Per ``ρ``: ``fraction_retrieved, stderr, mean_overlap_after``.
    summary : dict
        ``rho_cross`` (1/2 crossing, linear interpolation) and ``rho_b_theory``.
    """
    from spinnet.hopfield.dense import lse_sphere_update

    n = check_int(n_spins, "n_spins", minimum=3)
    lam = check_positive_float(lam, "lam")
    alpha = check_positive_float(alpha, "alpha")
    ensemble = check_option(ensemble, "ensemble", ("spherical", "gaussian"))
    rhos = np.sort(np.array([check_fraction(r, "rhos") for r in rhos]))
    p = max(round(math.exp(alpha * n)), 2)
    if p > 5 * 10**5:
        raise ValueError(f"P = e^(alpha N) = {p} is too many pattern vectors (<= 5e5)")
    k = min(check_int(n_probes, "n_probes", minimum=1), p)
    gen = as_generator(rng)
    xi = gen.standard_normal((p, n))
    if ensemble == "spherical":
        xi *= math.sqrt(n) / np.linalg.norm(xi, axis=1, keepdims=True)
    unit = xi[:k] / np.linalg.norm(xi[:k], axis=1, keepdims=True)
    noise = gen.standard_normal((k, n))
    noise -= np.einsum("bi,bi->b", noise, unit)[:, None] * unit
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    rows = []
    for rho in rhos:
        x = math.sqrt(n) * (rho * unit + math.sqrt(max(1.0 - rho * rho, 0.0)) * noise)
        scores = lam * (x @ xi.T)
        own = scores[np.arange(k), np.arange(k)].copy()
        scores[np.arange(k), np.arange(k)] = -np.inf
        ok = own > logsumexp(scores, axis=1)
        after = lse_sphere_update(x, xi, lam)
        m = np.einsum("bi,bi->b", after, unit) / math.sqrt(n)
        f = float(ok.mean())
        rows.append({"N": n, "lam": lam, "alpha": alpha, "P": p, "ensemble": ensemble,
                     "rho": float(rho), "fraction_retrieved": f,
                     "stderr": float(math.sqrt(max(f * (1 - f), 0.25 / k) / k)),
                     "mean_overlap_after": float(m.mean())})
    fr = np.array([r["fraction_retrieved"] for r in rows])
    cross = math.nan
    for j in range(len(fr) - 1):
        if fr[j] < 0.5 <= fr[j + 1]:
            cross = float(rhos[j] + (0.5 - fr[j]) * (rhos[j + 1] - rhos[j]) / (fr[j + 1] - fr[j]))
            break
    summary = {"N": n, "lam": lam, "alpha": alpha, "P": p, "ensemble": ensemble,
               "rho_cross": cross, "rho_b_theory": theory.lm_basin_overlap(alpha, lam, ensemble),
               "n_probes": k}
    return rows, summary


def lm_phase_scan(lams: Sequence[float], sizes: Sequence[int], *, ensemble: str = "spherical",
                  bound: str = "alpha1", n_probes: int = 400, n_points: int = 17,
                  sampler: str = "overlaps", seed: int = 0,
                  progress: ProgressCallback | None = None
                  ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Thresholds at several ``λ`` and ``N`` for the phase figure (theory lines + points).

    ``bound="alpha1"``: :func:`lm_threshold` (``sampler="overlaps"``) or
    :func:`lm_simulation` (``sampler="vectors"``) at loads ``0.6 … 1.4 α₁(λ)``;
    ``bound="alphac"``: :func:`lm_all_patterns` (``n_probes`` pattern sets) at
    loads ``0.5 … 1.5 α_c(λ)``. Pair ``(λ_j, N_k)`` uses seed
    ``seed + 1000 j + k``.

    Parameters
    ----------
    lams : sequence of float
        Inverse temperatures ``λ``.
    sizes : sequence of int
        Dimensions ``N``.
    ensemble : {"spherical", "gaussian"}, default "spherical"
        Pattern ensemble.
    bound : {"alpha1", "alphac"}, default "alpha1"
        Typical-pattern threshold ``α₁`` or all-pattern threshold ``α_c``.
    n_probes : int, default 400
        Probes per load (``alpha1``) or pattern sets (``alphac``).
    n_points : int, default 17
        Number of loads per ``(λ, N)``.
    sampler : {"overlaps", "vectors"}, default "overlaps"
        For ``alpha1``: sample the overlaps' exact law (:func:`lm_threshold`)
        or generate pattern vectors (:func:`lm_simulation`).
    seed : int, default 0
        Base seed (see above).
    progress : callable or None, default None
        Progress callback ``progress(stage, done, total)``
        (``spinnet._progress.report``); ``None`` reports nothing.

    Returns
    -------
    rows, summaries : list of dict
        All per-load rows and one summary per ``(λ, N)``.
    """
    bound = check_option(bound, "bound", ("alpha1", "alphac"))
    sampler = check_option(sampler, "sampler", ("overlaps", "vectors"))
    rows: list[dict[str, Any]] = []
    summaries: list[dict[str, Any]] = []
    total = len(lams) * len(sizes)
    done = 0
    for j, lam in enumerate(lams):
        for k, n in enumerate(sizes):
            report(progress, "(λ, N) pairs", done, total)
            s = seed + 1000 * j + k
            if bound == "alpha1":
                alphas = np.linspace(0.6, 1.4, n_points) * theory.lm_alpha1(lam, ensemble)
                if sampler == "overlaps":
                    r, summ = lm_threshold(n, lam, alphas, ensemble=ensemble,
                                           n_probes=n_probes, rng=s)
                else:
                    r, summ = lm_simulation(n, lam, alphas, ensemble=ensemble,
                                            n_probes=n_probes, rng=s)
                    summ["bound"] = "alpha1"
            else:
                alphas = np.linspace(0.5, 1.5, n_points) * theory.lm_alphac(lam, ensemble)
                r, summ = lm_all_patterns(n, lam, alphas, ensemble=ensemble, n_sets=n_probes,
                                          rng=s)
            rows += r
            summaries.append(summ)
            done += 1
    report(progress, "(λ, N) pairs", total, total)
    return rows, summaries


def lm_phase_figure(summaries: list[dict[str, Any]], ensemble: str) -> Any:
    """``α`` vs ``λ``: theory ``α₁(λ)`` and ``α_c(λ)`` (lines) with measured crossings (points).

    (Kept here, next to its experiment; it belongs with the other figures in
    :mod:`spinnet.plotting.dense`.)

    Parameters
    ----------
    summaries : list of dict
        Summaries of :func:`lm_phase_scan` (keys ``N, lam, alpha_cross``,
        optional ``alpha_cross_err``, ``bound``).
    ensemble : {"spherical", "gaussian"}
        Ensemble of the theory lines.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 4.4), layout="constrained")
    ax = fig.subplots()
    lam_max = max(3.0, 1.2 * max(s["lam"] for s in summaries))
    grid = np.linspace(0.02, lam_max, 300)
    a1 = [theory.lm_alpha1(g, ensemble) for g in grid]
    ac = [theory.lm_alphac(g, ensemble) for g in grid]
    ax.plot(grid, a1, "k-", label="α₁(λ) typical pattern")
    ax.plot(grid, ac, "k--" if ensemble == "gaussian" else "k:",
            label="α_c(λ) all patterns (lower bound)"
            + (" = α₁" if ensemble == "spherical" else ""))
    sizes = sorted({s["N"] for s in summaries})
    for k, n in enumerate(sizes):
        for bound, marker in (("alpha1", "o"), ("alphac", "s")):
            ss = [s for s in summaries if s["N"] == n and s.get("bound", "alpha1") == bound]
            if not ss:
                continue
            err = [s.get("alpha_cross_err", 0.0) or 0.0 for s in ss]
            ax.errorbar([s["lam"] for s in ss], [s["alpha_cross"] for s in ss], yerr=err,
                        fmt=marker, color=f"C{k}", ms=4, capsize=2,
                        label=f"N = {n}, " + ("typical (softmax on ξ¹ > ½)" if bound == "alpha1"
                                              else "all patterns retrieved (½ of sets)"))
    ax.set_xlabel("λ")
    ax.set_ylabel("α = ln P / N")
    ax.set_title(f"Lucibello–Mézard thresholds, {ensemble} patterns")
    ax.legend(fontsize=8)
    return fig


# ------------------------------------------------------------------- modern Hopfield
def modern_one_step_error(n_spins: int, loads: Sequence[float], betas: Sequence[float], *,
                          noise: float = 0.2, n_probes: int = 200,
                          rng: SeedLike = None) -> list[dict[str, Any]]:
    """Bit error of ``sign(ξ_new)`` after one modern Hopfield update from noisy probes.

    Random ±1 patterns, ``M = load·N`` of them, probes with ``noise·N`` flipped
    spins, ``β`` in units of the raw dot product (``β N`` is the relevant scale
    since ``ξ·ξ = N``). Also reports the classification of the state reached.

    Parameters
    ----------
    n_spins : int
        Number of spins ``N`` (>= 2).
    loads : sequence of float
        Loads ``M/N`` (> 0); ``M = max(1, round(load·N))``.
    betas : sequence of float
        Inverse temperatures ``β`` (> 0) of the update.
    noise : float, default 0.2
        Fraction of flipped spins in the probes.
    n_probes : int, default 200
        Probes per load (at most ``M``).
    rng : SeedLike, default None
        Seed or generator (``spinnet._rng.as_generator``); same seed, same result.

    Returns
    -------
    list of dict
        One row per ``(load, β)``: ``N, load, M, beta, beta_N, noise, bit_error,
        exact_fraction, single_fraction`` (fraction of states classified as a
        single-pattern fixed point).
    """
    import torch

    from spinnet.hopfield.modern import classify_fixed_point, modern_update

    n = check_int(n_spins, "n_spins", minimum=2)
    noise = check_fraction(noise, "noise")
    gen = as_generator(rng)
    rows = []
    for load in loads:
        m = max(1, round(check_positive_float(load, "loads") * n))
        xi = random_patterns(m, n, rng=gen)
        k = min(n_probes, m)
        probes = flip(xi[:k], noise, rng=gen)
        target = torch.as_tensor(xi[:k], dtype=torch.float64)
        for beta in betas:
            beta = check_positive_float(beta, "betas")
            new = modern_update(probes, xi, beta)
            err = (torch.sign(new) != target).double().mean(1)
            kinds = classify_fixed_point(new, xi, beta).kind
            rows.append({"N": n, "load": m / n, "M": m, "beta": beta, "beta_N": beta * n,
                         "noise": noise, "bit_error": float(err.mean()),
                         "exact_fraction": float((err == 0).double().mean()),
                         "single_fraction": float(np.mean([c == "single" for c in kinds]))})
    return rows


def mnist_retrieval(images: Any, betas: Sequence[float], *, n_queries: int = 200,
                    shape: tuple[int, int] = (28, 28), dense: Sequence[str] = ("poly:3", "exp"),
                    max_sweeps: int = 30, success: float = 0.99,
                    rng: SeedLike = None, progress: ProgressCallback | None = None,
                    checkpoint: str | os.PathLike | None = None,
                    on_unit: Callable[[int, int], None] | None = None,
                    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Retrieve stored images from half-occluded queries with three memories.

    All images are stored (classical Hebbian ``HopfieldNetwork``, discrete
    dense memories ``dense``, continuous ``ModernHopfieldNetwork`` at every
    ``β``); ``n_queries`` of them are presented with their bottom half
    replaced by random ±1 (the same queries for every model). Classical and
    dense memories run async dynamics to a fixed point, the modern network
    iterates its update to a fixed point (≤ 50 steps).

    A query counts as retrieved when the final state's overlap with its
    original image is ``>= success`` (cosine for the continuous state).

    Progress and resumption: ``progress(stage, completed, total)`` is called
    after each memory model (stage ``"memories"``) and after each async sweep
    of a discrete memory (stage ``"async sweeps (current memory)"``). With
    ``checkpoint`` (a directory), each finished model's row, example states
    and the generator state after it are saved atomically
    (:func:`spinnet._persist.save_state`); a later call with the same images,
    parameters and ``rng`` reuses them and continues from the saved generator
    state, so its result is identical to an uninterrupted call. A checkpoint
    of other inputs is replaced. ``on_unit(done, total)`` is called after each
    model is kept.

    Parameters
    ----------
    images : array_like of int8, shape (n_images, n_pixels)
        ±1 images to store (all of them).
    betas : sequence of float
        Inverse temperatures of the modern network.
    n_queries : int, default 200
        Number of queried images (at most ``n_images``).
    shape : (int, int), default (28, 28)
        Image shape (``n_pixels`` = product) for the occlusion.
    dense : sequence of str, default ("poly:3", "exp")
        Interactions of the discrete dense memories.
    max_sweeps : int, default 30
        Maximum async sweeps of the discrete memories.
    success : float, default 0.99
        Overlap needed to count a query as retrieved.
    rng : SeedLike, default None
        Seed or generator (``spinnet._rng.as_generator``); same seed, same result.
    progress : callable or None, default None
        Progress callback ``progress(stage, done, total)``
        (``spinnet._progress.report``); ``None`` reports nothing.
    checkpoint : str, path or None, default None
        Directory for the per-model checkpoint (see above).
    on_unit : callable or None, default None
        ``on_unit(done, total)`` after each model is kept.

    Returns
    -------
    rows : list of dict
        ``model, beta, accuracy, mean_overlap, nearest_is_original`` per model.
    examples : dict
        Originals, queries and final states (first 12 queries) per model, for
        figures.
    """
    from spinnet._persist import load_state, rng_from_state, rng_to_state, save_state
    from spinnet.hopfield import HopfieldNetwork
    from spinnet.hopfield.modern import ModernHopfieldNetwork
    from spinnet.spins import occlude

    xi = check_spins(images, "images", ndim=2)
    n_queries = check_int(n_queries, "n_queries", minimum=1, maximum=xi.shape[0])
    success = check_fraction(success, "success")
    betas = [check_positive_float(b, "betas") for b in betas]
    dense = [str(d) for d in dense]
    for spec in dense:
        parse_interaction(spec)
    gen = as_generator(rng)
    fingerprint = {
        "images_sha1": hashlib.sha1(np.ascontiguousarray(xi).tobytes()).hexdigest(),
        "shape_images": list(xi.shape), "betas": betas, "n_queries": n_queries,
        "shape": list(shape), "dense": dense, "max_sweeps": max_sweeps, "success": success,
        "rng": rng_to_state(gen),
    }
    units = (["classical"] + [f"dense {spec}" for spec in dense]
             + [f"modern beta={b!r}" for b in betas])
    ckpt = None if checkpoint is None else Path(checkpoint)
    if ckpt is not None:
        marker = ckpt / "fingerprint.json"
        try:
            same = json.loads(marker.read_text()) == json.loads(json.dumps(fingerprint))
        except (OSError, ValueError):
            same = False
        if not same:
            if ckpt.exists():
                foreign = [p.name for p in ckpt.iterdir() if p.name != "fingerprint.json"
                           and not p.name.startswith(("unit-", ".unit-"))]
                if foreign:
                    raise ValueError(f"checkpoint directory {str(ckpt)!r} holds other files "
                                     f"({', '.join(sorted(foreign)[:3])}); refusing to replace "
                                     "it")
                shutil.rmtree(ckpt)
            ckpt.mkdir(parents=True)
            from spinnet._io import write_json
            write_json(marker, fingerprint)
    idx = gen.choice(xi.shape[0], size=n_queries, replace=False)
    originals = xi[idx]
    queries = occlude(originals, shape, half="bottom", fill="random", rng=gen)
    xi_f = xi.astype(np.float64)
    norms = np.linalg.norm(xi_f, axis=1)
    rows: list[dict[str, Any]] = []
    examples: dict[str, Any] = {"originals": originals[:12], "queries": queries[:12]}

    unit_done = [0]

    def score(model: str, beta: float | None, states: np.ndarray) -> None:
        st = np.asarray(states, dtype=np.float64)
        cos = (st @ xi_f.T) / (np.linalg.norm(st, axis=1, keepdims=True).clip(1e-300)
                               * norms[None, :])
        own = cos[np.arange(n_queries), idx]
        row = {"model": model, "beta": beta if beta is not None else math.nan,
               "n_stored": xi.shape[0], "n_queries": n_queries,
               "accuracy": float(np.mean(own >= success)),
               "mean_overlap": float(own.mean()),
               "nearest_is_original": float(np.mean(cos.argmax(1) == idx))}
        keep(row, st[:12], f"{model} beta={beta:g}" if beta is not None else model)

    def keep(row: dict[str, Any], states: np.ndarray, key: str) -> None:
        rows.append(row)
        examples[key] = states
        k = unit_done[0]
        if ckpt is not None:
            save_state(ckpt / f"unit-{k:03d}", kind="spinnet.modern_retrieve.unit",
                       config={"unit": units[k]}, arrays={"states": states},
                       state={"row": row, "key": key, "rng": rng_to_state(gen)})
        unit_done[0] = k + 1
        report(progress, "memories", k + 1, len(units))
        if on_unit is not None:
            on_unit(k + 1, len(units))

    def resume() -> bool:
        """Reuse the next unit from the checkpoint, if it is there."""
        nonlocal gen
        k = unit_done[0]
        path = None if ckpt is None else ckpt / f"unit-{k:03d}"
        if path is None or not path.is_dir():
            return False
        try:
            saved = load_state(path, kind="spinnet.modern_retrieve.unit")
        except ValueError:
            return False
        if saved.config.get("unit") != units[k]:
            return False
        row = dict(saved.state["row"])
        if row["beta"] is None:
            row["beta"] = math.nan
        rows.append(row)
        examples[saved.state["key"]] = saved.arrays["states"]
        gen = rng_from_state(saved.state["rng"])
        unit_done[0] = k + 1
        report(progress, "memories", k + 1, len(units))
        return True

    def sweeps(stage: str, done: int, total: int | None) -> None:
        report(progress, "async sweeps (current memory)", done, total)

    q0 = queries.astype(np.float64)
    cos0 = (q0 @ xi_f.T) / (np.linalg.norm(q0, axis=1, keepdims=True) * norms[None, :])
    rows.append({"model": "query (no recall)", "beta": math.nan, "n_stored": xi.shape[0],
                 "n_queries": n_queries,
                 "accuracy": float(np.mean(cos0[np.arange(n_queries), idx] >= success)),
                 "mean_overlap": float(cos0[np.arange(n_queries), idx].mean()),
                 "nearest_is_original": float(np.mean(cos0.argmax(1) == idx))})
    report(progress, "memories", 0, len(units))
    if not resume():
        classical = HopfieldNetwork("hebbian").fit(xi)
        score("classical (Hebbian)", None,
              classical.recall(queries, max_sweeps=max_sweeps, rng=gen))
    for spec in dense:
        if not resume():
            dam = DenseAssociativeMemory(spec).fit(xi)
            score(f"dense {spec}", None, dam.recall(queries, max_sweeps=max_sweeps, rng=gen,
                                                    progress=sweeps))
    for beta in betas:
        if not resume():
            net = ModernHopfieldNetwork(beta, max_steps=50, tol=1e-6).fit(xi)
            score("modern", beta, net.recall(queries))
    return rows, examples


# ------------------------------------------------------------------ CLI pipelines
def dam_capacity_experiment(interaction: str, sizes: Sequence[int], out: str | os.PathLike, *,
                            threshold: float = 0.99, n_trials: int = 4, n_probes: int = 500,
                            noise: float = 0.0, seed: int = 0,
                            progress: ProgressCallback | None = None,
                            on_size: Callable[[int, int], None] | None = None,
                            ) -> dict[str, Any]:
    """``spinnet dam capacity``: :func:`capacity_scan`, kept size by size, table and figure.

    Every finished system size is written to ``out/capacity_partial.json``
    (atomically) with the parameters; a later call with the same parameters
    reuses those sizes (each size has its own stream, so the result is the
    same as an uninterrupted run); a partial file of other parameters is
    replaced. Writes ``capacity.csv`` and ``capacity.png``.

    Parameters
    ----------
    interaction : str
        Interaction function ``F``: ``"poly:n"`` (``F = x^n``), ``"rectified:n"``
        or ``"exp"`` (``F = e^x``); see :func:`spinnet.hopfield.dense.parse_interaction`.
    sizes : sequence of int
        System sizes ``N``.
    out : str or path
        Output directory.
    threshold, n_trials, n_probes, noise
        As in :func:`measure_capacity`.
    seed : int, default 0
        Seed of :func:`capacity_scan`.
    progress : callable or None, default None
        Progress callback ``progress(stage, done, total)``
        (``spinnet._progress.report``); ``None`` reports nothing.
    on_size : callable or None, default None
        ``on_size(done, total)`` after each finished size.

    Returns
    -------
    dict
        ``rows``, ``summary``, ``parameters``, ``files`` and ``resumed`` (the
        sizes taken from the partial file).
    """
    from spinnet._io import write_csv, write_json
    from spinnet.plotting.dense import capacity_figure
    from spinnet.plotting.hopfield import save_figure

    out = Path(out)
    params = dict(energy=interaction, sizes=[int(n) for n in sizes], trials=n_trials,
                  probes=n_probes, threshold=threshold, noise=noise, seed=seed)
    partial = out / "capacity_partial.json"
    done: dict[int, dict] = {}
    if partial.exists():
        try:
            saved = json.loads(partial.read_text())
        except ValueError:
            saved = {}
        if saved.get("parameters") == params:
            done = {int(k): v for k, v in saved["rows"].items()}
    resumed = sorted(done)

    def save(row: dict) -> None:
        done[int(row["N"])] = row
        write_json(partial, {"parameters": params,
                             "rows": {str(k): v for k, v in done.items()}})
        if on_size is not None:
            on_size(len(done), len(params["sizes"]))

    rows, summary = capacity_scan(interaction, params["sizes"], threshold=threshold,
                                  n_trials=n_trials, n_probes=n_probes, noise=noise, rng=seed,
                                  done=done, on_result=save, progress=progress)
    write_csv(out / "capacity.csv", rows)
    save_figure(capacity_figure(rows, summary), out / "capacity.png")
    return {"rows": rows, "summary": summary, "parameters": params, "resumed": resumed,
            "files": ["capacity.csv", "capacity.png", "capacity_partial.json"]}


def load_retrieval_images(data: str, n_stored: int, *,
                          data_dir: str | os.PathLike | None = None, rng: SeedLike = None
                          ) -> tuple[np.ndarray, tuple[int, int], dict[str, Any]]:
    """The images stored by :func:`retrieval_experiment`.

    ``"mnist"``: the first ``n_stored`` t10k test images, binarised (directory
    from :func:`spinnet.datasets.resolve_mnist_dir`); ``"random"``: ``n_stored``
    random ±1 patterns of 28 × 28 spins from ``rng``.

    Raises
    ------
    MnistNotFoundError
        If MNIST is missing; ``ValueError`` naming ``n_stored`` if it has too
        few images.
    """
    from spinnet import datasets
    from spinnet.spins import random_patterns

    if data == "mnist":
        directory = datasets.resolve_mnist_dir(data_dir)
        images, _ = datasets.load_mnist(directory, limit=n_stored)
        if images.shape[0] < n_stored:
            raise ValueError(f"n_stored={n_stored} but only {images.shape[0]} images found "
                             f"in {directory}")
        return images, datasets.MNIST_SHAPE, {"data_dir": str(directory), "split": "t10k"}
    if data == "random":
        shape = (28, 28)
        return random_patterns(n_stored, shape[0] * shape[1], rng=rng), shape, {}
    raise ValueError(f"data must be 'mnist' or 'random'; got {data!r}")


def retrieval_experiment(images: np.ndarray, out: str | os.PathLike, *,
                         betas: Sequence[float], n_queries: int = 200,
                         shape: tuple[int, int] = (28, 28),
                         dense: Sequence[str] = ("poly:3", "exp"), rng: SeedLike = None,
                         progress: ProgressCallback | None = None,
                         on_unit: Callable[[int, int], None] | None = None,
                         ) -> dict[str, Any]:
    """``spinnet modern retrieve``: :func:`mnist_retrieval` with its checkpoint in ``out``.

    Finished memory models are kept in ``out/checkpoint/`` (see
    :func:`mnist_retrieval`); the checkpoint is removed once the outputs
    ``retrieval.csv``, ``retrieval.png`` and ``examples.png`` are written.

    Parameters
    ----------
    images : ndarray of int8, shape (n_images, n_pixels)
        ±1 images to store.
    out : str or path
        Output directory.
    betas, n_queries, shape, dense, rng, progress, on_unit
        As in :func:`mnist_retrieval`.

    Returns
    -------
    dict
        ``rows``, ``summary`` (best modern β and accuracies) and ``files``.
    """
    from spinnet._io import write_csv
    from spinnet.plotting.dense import retrieval_figure
    from spinnet.plotting.hopfield import recall_grid, save_figure

    out = Path(out)
    ckpt = out / "checkpoint"
    rows, examples = mnist_retrieval(images, betas, n_queries=n_queries, shape=shape,
                                     dense=dense, rng=rng, progress=progress,
                                     checkpoint=ckpt, on_unit=on_unit)
    write_csv(out / "retrieval.csv", rows)
    save_figure(retrieval_figure(rows), out / "retrieval.png")
    best = max((r for r in rows if r["model"] == "modern"), key=lambda r: r["accuracy"])
    key = f"modern beta={best['beta']:g}"
    fig = recall_grid(examples["originals"], examples["queries"],
                      np.sign(examples[key]) + (examples[key] == 0), shape,
                      title=f"modern Hopfield, β = {best['beta']:g}")
    save_figure(fig, out / "examples.png")
    shutil.rmtree(ckpt, ignore_errors=True)
    summary = {"best_modern_beta": best["beta"], "best_modern_accuracy": best["accuracy"],
               "accuracy": {r["model"] + ("" if r["model"] != "modern"
                                          else f" beta={r['beta']:g}"): r["accuracy"]
                            for r in rows}}
    return {"rows": rows, "summary": summary,
            "files": ["retrieval.csv", "retrieval.png", "examples.png"]}


def threshold_experiment(lam: float, sizes: Sequence[int], out: str | os.PathLike, *,
                         ensemble: str = "spherical", n_probes: int = 400, n_points: int = 17,
                         seed: int = 0, progress: ProgressCallback | None = None
                         ) -> dict[str, Any]:
    """``spinnet modern threshold``: :func:`lm_simulation` for each ``N`` at loads 0.6..1.4 α₁.

    Size ``sizes[k]`` uses seed ``seed + k``. Writes ``threshold.csv``,
    ``threshold_summary.csv``, ``threshold.png`` and ``phase.png`` (theory
    ``α₁(λ)``, ``α_c(λ)`` with the measured crossing, :func:`lm_phase_figure`).

    Parameters
    ----------
    lam : float
        Inverse temperature ``λ``.
    sizes : sequence of int
        Dimensions ``N``.
    out : str or path
        Output directory.
    ensemble, n_probes
        As in :func:`lm_simulation`.
    n_points : int, default 17
        Number of loads between 0.6 and 1.4 ``α₁(λ)``.
    seed : int, default 0
        Base seed.
    progress : callable or None, default None
        Progress callback ``progress(stage, done, total)``
        (``spinnet._progress.report``); ``None`` reports nothing.

    Returns
    -------
    dict
        ``rows``, ``summaries`` and ``files``.
    """
    from spinnet._io import write_csv
    from spinnet.plotting.dense import lm_figure
    from spinnet.plotting.hopfield import save_figure

    out = Path(out)
    alphas = np.linspace(0.6, 1.4, n_points) * theory.lm_alpha1(lam, ensemble)
    rows: list[dict[str, Any]] = []
    summaries = []
    for k, n in enumerate(sizes):
        report(progress, "system sizes", k, len(sizes))
        r, s = lm_simulation(n, lam, alphas, ensemble=ensemble, n_probes=n_probes,
                             rng=seed + k)
        rows += r
        summaries.append(s)
    report(progress, "system sizes", len(sizes), len(sizes))
    write_csv(out / "threshold.csv", rows)
    write_csv(out / "threshold_summary.csv", summaries)
    save_figure(lm_figure(rows, summaries), out / "threshold.png")
    save_figure(lm_phase_figure(summaries, ensemble), out / "phase.png")
    return {"rows": rows, "summaries": summaries,
            "files": ["threshold.csv", "threshold_summary.csv", "threshold.png", "phase.png"]}


def _lm_all_patterns_figure(rows: list[dict[str, Any]], summaries: list[dict[str, Any]]) -> Any:
    """Fraction of pattern sets with every pattern retrieved vs ``α``, one curve per (λ, N)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 4.4), layout="constrained")
    ax = fig.subplots()
    keys = sorted({(r["lam"], r["N"]) for r in rows})
    for k, (lam, n) in enumerate(keys):
        rs = [r for r in rows if r["lam"] == lam and r["N"] == n]
        ax.errorbar([r["alpha"] for r in rs], [r["fraction_all_retrieved"] for r in rs],
                    yerr=[r["stderr"] for r in rs], fmt="o-", ms=3, capsize=2, color=f"C{k}",
                    label=f"λ = {lam:g}, N = {n}")
    for lam in sorted({s["lam"] for s in summaries}):
        ac = next(s["alphac_theory"] for s in summaries if s["lam"] == lam)
        ax.axvline(ac, color="k", ls="--", lw=0.8)
    ax.set_xlabel("α = ln P / N")
    ax.set_ylabel("fraction of pattern sets with all patterns retrieved")
    ax.set_title(f"all-pattern retrieval, {summaries[0]['ensemble']} patterns "
                 "(dashed: α_c(λ) lower bound)")
    ax.legend(fontsize=8)
    return fig


def phase_experiment(lams: Sequence[float], sizes: Sequence[int], out: str | os.PathLike, *,
                     ensemble: str = "spherical", bound: str = "alpha1",
                     sampler: str = "vectors", n_probes: int = 400, n_points: int = 17,
                     seed: int = 0, progress: ProgressCallback | None = None
                     ) -> dict[str, Any]:
    """``spinnet modern threshold`` with several ``λ``, ``--bound`` or ``--sampler``.

    Runs :func:`lm_phase_scan` and writes ``threshold.csv`` (all loads),
    ``threshold_summary.csv`` (one crossing per ``(λ, N)``), ``threshold.png``
    (the fractions vs ``α``; for one ``λ`` and ``bound="alpha1"`` the same
    figure as :func:`threshold_experiment`) and ``phase.png``
    (:func:`lm_phase_figure`: theory lines ``α₁(λ)``, ``α_c(λ)`` over the
    measured points).

    Parameters
    ----------
    lams : sequence of float
        Inverse temperatures ``λ``.
    sizes : sequence of int
        Dimensions ``N``.
    out : str or path
        Output directory.
    ensemble, bound, sampler, n_probes, n_points, seed, progress
        As in :func:`lm_phase_scan` (note: the default ``sampler`` here is
        ``"vectors"``).

    Returns
    -------
    dict
        ``rows``, ``summaries`` and ``files``.
    """
    from spinnet._io import write_csv
    from spinnet.plotting.dense import lm_figure
    from spinnet.plotting.hopfield import save_figure

    out = Path(out)
    rows, summaries = lm_phase_scan(lams, sizes, ensemble=ensemble, bound=bound,
                                    n_probes=n_probes, n_points=n_points, sampler=sampler,
                                    seed=seed, progress=progress)
    write_csv(out / "threshold.csv", rows)
    keys = sorted({k for s in summaries for k in s})
    write_csv(out / "threshold_summary.csv",
              [{k: s.get(k, "") for k in keys} for s in summaries])
    if bound == "alpha1" and len(set(lams)) == 1:
        save_figure(lm_figure(rows, summaries), out / "threshold.png")
    elif bound == "alpha1":
        from matplotlib.figure import Figure

        fig = Figure(figsize=(6.4, 4.4), layout="constrained")
        ax = fig.subplots()
        for lam, n in sorted({(r["lam"], r["N"]) for r in rows}):
            rs = [r for r in rows if r["lam"] == lam and r["N"] == n]
            a1 = theory.lm_alpha1(lam, ensemble)
            ax.errorbar([r["alpha"] / a1 for r in rs], [r["fraction_retrieved"] for r in rs],
                        yerr=[r["stderr"] for r in rs], fmt="o-", ms=3, capsize=2,
                        label=f"λ = {lam:g}, N = {n}")
        ax.axvline(1.0, color="k", ls="--", label="α = α₁(λ)")
        ax.set_xlabel("α / α₁(λ)")
        ax.set_ylabel("fraction retrieved (softmax on ξ¹ > ½)")
        ax.set_title(f"typical-pattern threshold, {ensemble} patterns")
        ax.legend(fontsize=8)
        save_figure(fig, out / "threshold.png")
    else:
        save_figure(_lm_all_patterns_figure(rows, summaries), out / "threshold.png")
    save_figure(lm_phase_figure(summaries, ensemble), out / "phase.png")
    return {"rows": rows, "summaries": summaries,
            "files": ["threshold.csv", "threshold_summary.csv", "threshold.png", "phase.png"]}
