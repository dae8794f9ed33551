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
    "lm_dynamics",
    "lm_simulation",
    "measure_capacity",
    "mnist_retrieval",
    "modern_one_step_error",
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
    """Least-squares fit ``ln y = a ln x + b``; returns ``(a, stderr(a), b)``."""
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


# ------------------------------------------------------------------- modern Hopfield
def modern_one_step_error(n_spins: int, loads: Sequence[float], betas: Sequence[float], *,
                          noise: float = 0.2, n_probes: int = 200,
                          rng: SeedLike = None) -> list[dict[str, Any]]:
    """Bit error of ``sign(ξ_new)`` after one modern Hopfield update from noisy probes.

    Random ±1 patterns, ``M = load·N`` of them, probes with ``noise·N`` flipped
    spins, ``β`` in units of the raw dot product (``β N`` is the relevant scale
    since ``ξ·ξ = N``). Also reports the classification of the state reached.
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
    ``threshold_summary.csv`` and ``threshold.png``.

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
    return {"rows": rows, "summaries": summaries,
            "files": ["threshold.csv", "threshold_summary.csv", "threshold.png"]}
