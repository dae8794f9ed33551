"""Measured one-step error rate of Hebbian memories vs signal-to-noise theory."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from spinnet._progress import ProgressCallback, report
from spinnet._rng import SeedLike, as_generator, spawn
from spinnet._validation import check_int
from spinnet.spins import random_patterns
from spinnet.theory.hopfield import one_step_error, one_step_error_exact

__all__ = ["one_step_errors", "one_step_scan"]


def one_step_scan(sizes: Sequence[int], alphas: Sequence[float], *, n_trials: int = 12,
                  rng: SeedLike = None, progress: ProgressCallback | None = None
                  ) -> list[dict]:
    """:func:`one_step_errors` for several network sizes (the ``hopfield one-step`` table).

    Each size gets its own stream, spawned from ``rng`` in the order of ``sizes``.
    ``progress(stage, completed, total)`` is called after each size.

    Parameters
    ----------
    sizes : sequence of int
        Network sizes ``N``.
    alphas : sequence of float
        Loads ``α``.
    n_trials : int, default 12
        Pattern sets per ``(N, α)``.
    rng : SeedLike, default None
        Seed or generator.
    progress : callable or None, default None
        Progress callback ``progress(stage, done, total)``.

    Returns
    -------
    list of dict
        The rows of :func:`one_step_errors` for every size.
    """
    sizes = [check_int(n, "sizes", minimum=2) for n in sizes]
    rows: list[dict] = []
    report(progress, "one-step error", 0, len(sizes))
    for k, (n, gen) in enumerate(zip(sizes, spawn(rng, len(sizes)), strict=True)):
        rows += one_step_errors(n, alphas, n_trials=n_trials, rng=gen)
        report(progress, "one-step error", k + 1, len(sizes))
    return rows


def one_step_errors(n: int = 1000, alphas: Sequence[float] = (0.105, 0.138, 0.185, 0.37, 0.61),
                    n_trials: int = 10, rng: SeedLike = None) -> list[dict]:
    """Bit-error fraction of one synchronous update started at stored patterns.

    For each load ``α`` draws ``n_trials`` independent sets of ``p = round(αN)``
    random patterns, builds Hebbian couplings and counts the bits where
    ``sign(J ξ^ν) ≠ ξ^ν`` over all ``ν``. The standard error is the spread of the
    per-trial fractions over ``√n_trials`` (bits within a trial share patterns
    and are not independent). Theory: :func:`spinnet.theory.hopfield.one_step_error`.

    Parameters
    ----------
    n : int, default 1000
        Number of spins ``N``.
    alphas : sequence of float, default (0.105, 0.138, 0.185, 0.37, 0.61)
        Loads ``α = p/N`` (the error table of Hertz, Krogh & Palmer 1991, §2.2).
    n_trials : int, default 10
        Pattern sets per load (>= 2).
    rng : SeedLike, default None
        Seed or generator.

    Returns
    -------
    list of dict
        One row per α: ``N, p, alpha, measured, stderr, theory, z, exact, z_exact``:
        ``theory`` is the large-N formula ½ erfc(√(N/2p)), ``exact`` the
        finite-(N, p) binomial probability, ``z`` and ``z_exact`` the deviations
        in standard errors (NaN when no trial had an error, so the spread is 0).
    """
    n = check_int(n, "n", minimum=2)
    n_trials = check_int(n_trials, "n_trials", minimum=2)
    gen = as_generator(rng)
    rows = []
    for alpha in alphas:
        p = max(1, round(alpha * n))
        fractions = np.empty(n_trials)
        for t in range(n_trials):
            xi = random_patterns(p, n, rng=gen)
            x = xi.astype(np.float64)
            # N h^ν = N J ξ^ν = Ξᵀ(Ξ ξ^ν) - p ξ^ν (zero diagonal), in exact integer
            # arithmetic: rounding would turn exact ties h = 0 (no error: a zero
            # field keeps the spin) into spurious errors.
            nh = (x @ x.T) @ x - p * x
            fractions[t] = np.mean(nh * x < 0)
        measured = float(fractions.mean())
        stderr = float(fractions.std(ddof=1) / np.sqrt(n_trials))
        theory = one_step_error(p / n)
        exact = one_step_error_exact(n, p)
        # No error in any trial (small N or load): the spread is 0 and z undefined.
        scale = stderr if stderr > 0 else float("nan")
        rows.append({"N": n, "p": p, "alpha": p / n, "measured": measured, "stderr": stderr,
                     "theory": theory, "z": (measured - theory) / scale,
                     "exact": exact, "z_exact": (measured - exact) / scale})
    return rows
