"""Retrieval dynamics of Hebbian memories near saturation: simulation beside theory.

Simulations start at an exact overlap ``m0`` with pattern 1 (exactly
``round(N(1 − m0)/2)`` spins flipped at random positions; the other patterns
are uncorrelated with the start) and record the overlap ``m(t)`` and the
energy per spin ``E/N = −½ Σ_μ m_μ² + α/2`` (``J_ii = 0``):

* synchronous (parallel, ``T = 0``) updates, batched over initial states with
  the low-rank field ``N h = Ξᵀ(Ξ s) − p s`` in exact integer arithmetic
  (float32 BLAS when every partial sum stays below 2²⁴, else float64), compared
  with the exact ``m(1)``, ``m(2)`` of Gardner, Derrida & Mottishaw and the
  Amari–Maginu recursion (:mod:`spinnet.theory.dynamics`);
* random-sequential updates (Numba, :mod:`spinnet.hopfield._dyn_kernels`;
  ``T = 0`` or heat bath) with time in sweeps of ``N`` updates, compared with
  the Coolen–Sherrington flow.

Error bars are standard errors over independent pattern sets (states that
share a pattern set are not independent): each set contributes the mean over
its initial states.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from spinnet._progress import ProgressCallback, report
from spinnet._rng import SeedLike, as_generator
from spinnet._validation import check_int, check_nonneg_float, check_option
from spinnet.experiments._errors import OptionError
from spinnet.theory import dynamics as th

__all__ = ["dynamics_rows", "initial_states", "sequential_runs", "sync_runs"]

_EXACT32 = float(2**24)


def _check_loads(alphas: Sequence[float], m0s: Sequence[float]) -> tuple[list[float],
                                                                       list[float]]:
    alphas = [float(a) for a in alphas]
    m0s = [float(m) for m in m0s]
    if not alphas or any(not np.isfinite(a) or a <= 0 for a in alphas):
        raise OptionError(f"alpha must be a non-empty list of loads > 0; got {alphas}",
                          "--alpha")
    if not m0s or any(not np.isfinite(m) or m < 0 or m > 1 for m in m0s):
        raise OptionError(f"m0 must be a non-empty list of overlaps in [0, 1]; got {m0s}",
                          "--m0")
    return alphas, m0s


def initial_states(pattern: np.ndarray, m0s: Sequence[float], n_samples: int,
                   rng: SeedLike = None) -> tuple[np.ndarray, np.ndarray]:
    """States at an exact overlap with ``pattern``: ``n_samples`` per value of ``m0s``.

    Parameters
    ----------
    pattern : ndarray, shape (N,), ±1
    m0s : sequence of float in [0, 1]
    n_samples : int >= 1
    rng : SeedLike

    Returns
    -------
    states : ndarray, shape (len(m0s) * n_samples, N), int8
        Row ``k * n_samples + j`` is the ``j``-th state of ``m0s[k]``: ``pattern``
        with ``round(N(1 − m0)/2)`` spins flipped at uniformly random positions.
    m0_actual : ndarray, shape (len(m0s),)
        The realised overlaps ``1 − 2 n_flip / N``.
    """
    gen = as_generator(rng)
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    x = np.asarray(pattern, dtype=np.int8)
    n = x.shape[0]
    out = np.empty((len(m0s) * n_samples, n), dtype=np.int8)
    actual = np.empty(len(m0s))
    for k, m0 in enumerate(m0s):
        n_flip = round(n * (1.0 - float(m0)) / 2.0)
        actual[k] = 1.0 - 2.0 * n_flip / n
        for j in range(n_samples):
            s = x.copy()
            s[gen.choice(n, size=n_flip, replace=False)] *= -1
            out[k * n_samples + j] = s
    return out, actual


def _patterns(p: int, n: int, gen: np.random.Generator) -> np.ndarray:
    return (gen.integers(0, 2, size=(p, n), dtype=np.int8) * 2 - 1).astype(np.int8)


def sync_runs(alpha: float, m0s: Sequence[float], *, N: int = 20000, trials: int = 10,
              n_samples: int = 8, n_steps: int = 10, rng: SeedLike = None,
              progress: ProgressCallback | None = None) -> dict[str, Any]:
    """Synchronous zero-temperature retrieval from overlap ``m0``: ``m(t)`` and ``E(t)/N``.

    ``p = round(αN)`` random patterns per set, ``trials`` pattern sets, ``n_samples``
    initial states per set and ``m0``. A zero field keeps the spin.

    Parameters
    ----------
    alpha : float
        Load ``α``; ``p = max(1, round(αN))``.
    m0s : sequence of float
        Initial overlaps ``m0`` (``K`` values).
    N : int, default 20000
        Number of spins (>= 10).
    trials : int, default 10
        Pattern sets.
    n_samples : int, default 8
        Initial states per set and ``m0``.
    n_steps : int, default 10
        Synchronous steps.
    rng : SeedLike, default None
        Seed or generator.
    progress : callable or None, default None
        Progress callback ``progress(stage, done, total)``.

    Returns
    -------
    dict
        ``alpha`` (realised ``p/N``), ``p``, ``N``, ``m0`` (realised, shape (K,)),
        ``m`` and ``energy``: per-set means, shape ``(trials, K, n_steps + 1)``.
    """
    N = check_int(N, "N", minimum=10)
    trials = check_int(trials, "trials", minimum=1)
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    n_steps = check_int(n_steps, "n_steps", minimum=1)
    gen = as_generator(rng)
    p = max(1, round(alpha * N))
    K = len(m0s)
    m = np.empty((trials, K, n_steps + 1))
    e = np.empty((trials, K, n_steps + 1))
    m0_actual = None
    for k in range(trials):
        report(progress, f"sync α={p / N:.3g}", k, trials)
        xi8 = _patterns(p, N, gen)
        states, m0_actual = initial_states(xi8[0], m0s, n_samples, rng=gen)
        xi = xi8.astype(np.float32)
        del xi8
        S = states.T.astype(np.float32)  # (N, B)
        for t in range(n_steps + 1):
            Mo = xi @ S  # (p, B), exact integers
            e_t = -0.5 * np.sum(Mo.astype(np.float64) ** 2, axis=0) / N**2 + 0.5 * p / N
            m_t = Mo[0].astype(np.float64) / N
            m[k, :, t] = m_t.reshape(K, n_samples).mean(axis=1)
            e[k, :, t] = e_t.reshape(K, n_samples).mean(axis=1)
            if t == n_steps:
                break
            if float(np.abs(Mo).sum(axis=0).max()) + p < _EXACT32:
                H = xi.T @ Mo - p * S
            else:  # partial sums could exceed float32's exact integer range
                H = (xi.T.astype(np.float64) @ Mo.astype(np.float64)
                     - p * S.astype(np.float64))
            S = np.where(H > 0, np.float32(1), np.where(H < 0, np.float32(-1), S))
        del xi
    report(progress, f"sync α={p / N:.3g}", trials, trials)
    return {"alpha": p / N, "p": p, "N": N, "m0": m0_actual, "m": m, "energy": e}


def sequential_runs(alpha: float, m0s: Sequence[float], *, N: int = 10000, trials: int = 10,
                    n_samples: int = 4, n_sweeps: int = 5, per_sweep: int = 10, T: float = 0.0,
                    rng: SeedLike = None, progress: ProgressCallback | None = None
                    ) -> dict[str, Any]:
    """Random-sequential retrieval (``T = 0`` or heat bath) from overlap ``m0``.

    Each update picks a site uniformly at random (with replacement); time is
    counted in sweeps of ``N`` updates and recorded ``per_sweep`` times a sweep.

    Parameters
    ----------
    alpha : float
        Load ``α``; ``p = max(1, round(αN))``.
    m0s : sequence of float
        Initial overlaps ``m0`` (``K`` values).
    N : int, default 10000
        Number of spins (>= 10).
    trials : int, default 10
        Pattern sets.
    n_samples : int, default 4
        Initial states per set and ``m0``.
    n_sweeps : int, default 5
        Sweeps of ``N`` random-sequential updates.
    per_sweep : int, default 10
        Records per sweep.
    T : float, default 0.0
        Temperature (0: zero-temperature, else heat bath).
    rng : SeedLike, default None
        Seed or generator.
    progress : callable or None, default None
        Progress callback ``progress(stage, done, total)``.

    Returns
    -------
    dict
        ``alpha``, ``p``, ``N``, ``T``, ``t`` (shape (n_sweeps·per_sweep + 1,)),
        ``m0`` (K,), ``m`` and ``energy``: per-set means, shape ``(trials, K, n_t)``.
    """
    from spinnet.hopfield._dyn_kernels import sequential_batch

    N = check_int(N, "N", minimum=10)
    trials = check_int(trials, "trials", minimum=1)
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=1)
    per_sweep = check_int(per_sweep, "per_sweep", minimum=1)
    T = check_nonneg_float(T, "T")
    beta = np.inf if T == 0 else 1.0 / T
    gen = as_generator(rng)
    p = max(1, round(alpha * N))
    K = len(m0s)
    n_t = n_sweeps * per_sweep + 1
    m = np.empty((trials, K, n_t))
    e = np.empty((trials, K, n_t))
    m0_actual = None
    for k in range(trials):
        report(progress, f"sequential α={p / N:.3g}", k, trials)
        xi8 = _patterns(p, N, gen)
        states, m0_actual = initial_states(xi8[0], m0s, n_samples, rng=gen)
        xi_t = np.ascontiguousarray(xi8.T)
        seeds = gen.integers(0, 2**63 - 1, size=states.shape[0])
        mo = np.empty((states.shape[0], n_t))
        eo = np.empty((states.shape[0], n_t))
        sequential_batch(xi_t, states, beta, n_sweeps, per_sweep, seeds, mo, eo)
        m[k] = mo.reshape(K, n_samples, n_t).mean(axis=1)
        e[k] = eo.reshape(K, n_samples, n_t).mean(axis=1)
    report(progress, f"sequential α={p / N:.3g}", trials, trials)
    return {"alpha": p / N, "p": p, "N": N, "T": T,
            "t": np.arange(n_t) / per_sweep, "m0": m0_actual, "m": m, "energy": e}


def _mean_se(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = a.mean(axis=0)
    se = (a.std(axis=0, ddof=1) / np.sqrt(a.shape[0]) if a.shape[0] > 1
          else np.full(mean.shape, np.nan))
    return mean, se


def dynamics_rows(alphas: Sequence[float], m0s: Sequence[float], *, updates: str = "sync",
                  N: int = 20000, trials: int = 10, n_samples: int = 8, n_sweeps: int = 10,
                  T: float = 0.0, per_sweep: int = 10, rng: SeedLike = None,
                  progress: ProgressCallback | None = None
                  ) -> tuple[list[dict], list[dict]]:
    """Simulated ``m(t)``, ``E(t)/N`` with theory, for every ``(α, m0)`` (the CLI table).

    ``updates="sync"``: ``n_sweeps`` synchronous steps at ``T = 0``; theory
    columns ``m_exact`` (Gardner–Derrida–Mottishaw, ``t = 1, 2``; NaN later) and
    ``m_am`` (Amari–Maginu). ``updates="sequential"``: ``n_sweeps`` sweeps of
    random-sequential updates at temperature ``T``, recorded ``per_sweep`` times a
    sweep; theory ``m_cs``, ``energy_cs`` (Coolen–Sherrington, RS noise). Each
    ``α`` gets its own stream spawned from ``rng``.

    Parameters
    ----------
    alphas : sequence of float
        Loads ``α``.
    m0s : sequence of float
        Initial overlaps.
    updates : {"sync", "sequential"}, default "sync"
        Update scheme.
    N : int, default 20000
        Number of spins.
    trials, n_samples : int, default 10, 8
        Pattern sets, and initial states per set and ``m0``.
    n_sweeps : int, default 10
        Synchronous steps or sequential sweeps.
    T : float, default 0.0
        Temperature (sequential only).
    per_sweep : int, default 10
        Records per sweep (sequential only).
    rng : SeedLike, default None
        Seed or generator.
    progress : callable or None, default None
        Progress callback ``progress(stage, done, total)``.

    Returns
    -------
    rows : list of dict
        One row per ``(α, m0, t)`` with integer ``t`` (steps or whole sweeps):
        ``updates, N, p, alpha, m0, t, m, m_se, energy, energy_se`` and the theory
        columns with ``z_*`` = (simulation − theory) / standard error.
    curves : list of dict
        One per ``(α, m0)``: arrays ``t_sim, m_sim, m_se, e_sim, e_se`` (every
        record) and ``t_th, m_th, e_th`` (a fine theory grid; for sync, the
        Amari–Maginu values and ``m_exact`` at ``t = 1, 2``).
    """
    updates = check_option(updates, "updates", ("sync", "sequential"))
    alphas, m0s = _check_loads(alphas, m0s)
    if updates == "sync" and T != 0:
        raise OptionError("synchronous dynamics is implemented at T = 0 only (Gardner–"
                          "Derrida–Mottishaw and Amari–Maginu are zero-temperature theories); "
                          f"got T = {T}", "--T")
    if updates == "sequential" and any(m >= 1 for m in m0s):
        raise OptionError("sequential dynamics needs m0 < 1 (m0 = 1 is the stored pattern; "
                          "the flow equations start off it)", "--m0")
    gens = as_generator(rng).spawn(len(alphas))
    rows: list[dict] = []
    curves: list[dict] = []
    total = len(alphas) * trials
    for ia, (alpha, gen) in enumerate(zip(alphas, gens, strict=True)):
        def prog(stage: str, done: int, _tot: int | None, _ia: int = ia) -> None:
            report(progress, "simulation", _ia * trials + done, total)

        if updates == "sync":
            run = sync_runs(alpha, m0s, N=N, trials=trials, n_samples=n_samples,
                            n_steps=n_sweeps, rng=gen, progress=prog)
            t_sim = np.arange(n_sweeps + 1, dtype=float)
        else:
            run = sequential_runs(alpha, m0s, N=N, trials=trials, n_samples=n_samples,
                                  n_sweeps=n_sweeps, per_sweep=per_sweep, T=T, rng=gen,
                                  progress=prog)
            t_sim = run["t"]
        a_real = run["alpha"]
        m_mean, m_se = _mean_se(run["m"])
        e_mean, e_se = _mean_se(run["energy"])
        for k, m0 in enumerate(run["m0"]):
            curve: dict[str, Any] = {"alpha": a_real, "m0": float(m0), "N": run["N"],
                                     "updates": updates, "T": T, "t_sim": t_sim,
                                     "m_sim": m_mean[k], "m_se": m_se[k],
                                     "e_sim": e_mean[k], "e_se": e_se[k]}
            if updates == "sync":
                am = th.amari_maginu(a_real, m0, n_sweeps)
                exact = np.full(n_sweeps + 1, np.nan)
                exact[0] = m0
                exact[1] = th.sync_m1(a_real, m0)
                if n_sweeps >= 2:
                    exact[2] = th.sync_m2(a_real, m0)
                curve.update(t_th=t_sim, m_th=am.m, m_exact=exact,
                             e_th=np.full(n_sweeps + 1, np.nan))
                theory_cols = {"m_exact": exact, "m_am": am.m}
                idx = np.arange(n_sweeps + 1)
            else:
                cs = th.coolen_sherrington(a_real, m0, T=T, t_max=float(n_sweeps), dt=0.02)
                curve.update(t_th=cs.t, m_th=cs.m, e_th=cs.energy)
                at = np.interp(t_sim, cs.t, cs.m)
                et = np.interp(t_sim, cs.t, cs.energy)
                theory_cols = {"m_cs": at, "energy_cs": et}
                idx = np.arange(0, len(t_sim), per_sweep)
            curves.append(curve)
            for j in idx:
                row = {"updates": updates, "N": run["N"], "p": run["p"], "alpha": a_real,
                       "T": T, "m0": float(m0), "t": round(float(t_sim[j])),
                       "m": float(m_mean[k, j]), "m_se": float(m_se[k, j]),
                       "energy": float(e_mean[k, j]), "energy_se": float(e_se[k, j])}
                for name, arr in theory_cols.items():
                    val = float(arr[j])
                    row[name] = val
                    sim, se = ((row["energy"], row["energy_se"]) if name.startswith("energy")
                               else (row["m"], row["m_se"]))
                    row[f"z_{name}"] = ((sim - val) / se if se > 0 and np.isfinite(val)
                                        else float("nan"))
                rows.append(row)
    return rows, curves
