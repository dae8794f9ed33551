"""Task functions for the Hopfield statistical-physics experiments.

Each task is a module-level function ``task(params, rng) -> dict`` of plain
scalars, so that :mod:`spinnet.sweeps` can run it in a process pool or on a
Dask worker and store its result. ``params`` always holds ``N`` and ``alpha``
(load ``p / N``, with ``p = max(1, round(alpha * N))``); each task draws its own
random patterns from ``rng``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from spinnet.hopfield.network import HopfieldNetwork
from spinnet.spins import flip, random_patterns

__all__ = [
    "basin_task",
    "capacity_task",
    "glauber_task",
    "mixture_task",
    "retrieval_task",
]


def _memory(params: dict[str, Any], rng: np.random.Generator):
    n = int(params["N"])
    p = max(1, round(float(params["alpha"]) * n))
    xi = random_patterns(p, n, rng=rng)
    # The estimator applies Hebbian couplings through the patterns when p < N/2.
    return n, p, xi, HopfieldNetwork("hebbian").fit(xi)


def retrieval_task(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Zero-temperature retrieval from stored patterns (experiment a).

    Starts asynchronous dynamics exactly at ``n_probes`` stored patterns and
    records the overlap of the fixed point with its pattern (AGS: ``m(α)`` on
    the retrieval branch, 0.967 at ``α_c``).

    Parameters
    ----------
    params : dict
        Grid point: ``N``, ``alpha`` (``p = max(1, round(αN))`` random patterns,
        Hebbian couplings), optional ``n_probes`` (10) and ``max_sweeps`` (200).
    rng : numpy.random.Generator
        Stream of the task (given by the sweep).

    Returns
    -------
    dict
        ``p, m_mean, m_sq_mean, m_min, retrieved`` (fraction with ``m > 0.9``),
        ``n_probes``.
    """
    n, p, xi, net = _memory(params, rng)
    k = min(int(params.get("n_probes", 10)), p)
    out = net.recall(xi[:k], rng=rng, max_sweeps=int(params.get("max_sweeps", 200)))
    m = np.einsum("bi,bi->b", out.astype(np.float64), xi[:k]) / n
    return {"p": p, "m_mean": float(m.mean()), "m_sq_mean": float((m**2).mean()),
            "m_min": float(m.min()), "retrieved": float(np.mean(m > 0.9)), "n_probes": k}


def basin_task(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Final vs initial overlap (experiment b): probes at overlap ``m0`` with a pattern.

    Parameters
    ----------
    params : dict
        Grid point: ``N``, ``alpha`` (``p = max(1, round(αN))`` random patterns,
        Hebbian couplings), ``m0``, optional ``n_probes`` (10) and ``max_sweeps`` (200).
    rng : numpy.random.Generator
        Stream of the task (given by the sweep).

    Returns
    -------
    dict
        ``p, m_final, m_final_sq, retrieved`` (fraction with ``m > 0.9``), ``n_probes``.
    """
    n, p, xi, net = _memory(params, rng)
    k = min(int(params.get("n_probes", 10)), p)
    m0 = float(params["m0"])
    probes = flip(xi[:k], (1.0 - m0) / 2.0, rng=rng)
    out = net.recall(probes, rng=rng, max_sweeps=int(params.get("max_sweeps", 200)))
    m = np.einsum("bi,bi->b", out.astype(np.float64), xi[:k]) / n
    return {"p": p, "m_final": float(m.mean()), "m_final_sq": float((m**2).mean()),
            "retrieved": float(np.mean(m > 0.9)), "n_probes": k}


def glauber_task(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Glauber dynamics at temperature ``T`` started at stored patterns (experiment c).

    Runs ``n_sweeps`` sweeps and averages the overlap with the starting pattern
    over the second half: a retrieval state keeps ``m ≈ m_AGS(α, T)``, outside
    the retrieval region it decays to ``O(1/√N)``.

    Parameters
    ----------
    params : dict
        Grid point: ``N``, ``alpha`` (``p = max(1, round(αN))`` random patterns,
        Hebbian couplings), ``T``, optional ``n_probes`` (4) and ``n_sweeps`` (100).
    rng : numpy.random.Generator
        Stream of the task (given by the sweep).

    Returns
    -------
    dict
        ``p, m_mean, m_std, m_abs_mean, retained`` (fraction of chains with
        time-averaged ``m > 0.35``), ``n_probes``.
    """
    n, p, xi, net = _memory(params, rng)
    k = min(int(params.get("n_probes", 4)), p)
    n_sweeps = int(params.get("n_sweeps", 100))
    T = float(params["T"])
    if T == 0.0:
        out = net.recall(xi[:k], rng=rng, max_sweeps=n_sweeps)
        m_t = (np.einsum("bi,bi->b", out.astype(np.float64), xi[:k]) / n)[:, None]
    else:
        _, traj = net.recall(xi[:k], dynamics="glauber", temperature=T, max_sweeps=n_sweeps,
                             rng=rng, return_trajectory=True)
        # overlap of chain b with its own starting pattern b, second half of the run
        m_t = traj.overlaps[np.arange(k), n_sweeps // 2 + 1:, np.arange(k)]
    m = m_t.mean(axis=1)
    # Near T_M single chains either stay retrieved (m ≈ m_AGS >= 0.6) or decay (m ≈ 0.1).
    return {"p": p, "m_mean": float(m.mean()), "m_std": float(m.std()),
            "m_abs_mean": float(np.abs(m).mean()), "retained": float(np.mean(m > 0.35)),
            "n_probes": k}


def mixture_task(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Symmetric 3-mixture states (experiment d).

    Starts zero-temperature dynamics at ``sign(ξ¹ + ξ² + ξ³)`` for
    ``n_probes`` disjoint triples and reports the overlaps of the fixed point
    with its three patterns (theory: 1/2 each for small α), the largest overlap
    with any pattern, and the energies per spin of mixture, pure (retrieval) and
    fixed points reached from random states (spin-glass states when α is
    large; at small α random starts mostly fall into mixture-like states).

    Parameters
    ----------
    params : dict
        Grid point: ``N``, ``alpha`` (``p = max(1, round(αN))`` random patterns,
        Hebbian couplings), optional ``n_probes`` (5) and ``max_sweeps`` (200); needs ``p >= 3``.
    rng : numpy.random.Generator
        Stream of the task (given by the sweep).

    Returns
    -------
    dict
        ``p, m_mix_start, m_mix, m_mix_sq, survived, m_max_any, e_mixture,
        e_pure, e_random_start, m_max_random_start, n_probes`` (energies per spin).
    """
    n, p, xi, net = _memory(params, rng)
    if p < 3:
        raise ValueError(f"mixture states need p >= 3 patterns; got p = {p}")
    n_mix = max(1, min(int(params.get("n_probes", 5)), p // 3))
    triples = xi[: 3 * n_mix].reshape(n_mix, 3, n).astype(np.int32)
    start = np.sign(triples.sum(axis=1)).astype(np.int8)
    mix = net.recall(start, rng=rng, max_sweeps=int(params.get("max_sweeps", 200)))
    own_idx = np.arange(3 * n_mix).reshape(n_mix, 3)
    rows = np.arange(n_mix)[:, None]
    own0 = net.overlaps(start)[rows, own_idx]
    m = net.overlaps(mix)  # (n_mix, p)
    own = m[rows, own_idx]
    # A mixture survives if all three overlaps stay near 1/2 (none taken over).
    survived = np.all(np.abs(own - 0.5) < 0.15, axis=1)
    pure = net.recall(xi[:n_mix], rng=rng)
    glass = net.recall(random_patterns(n_mix, n, rng=rng), rng=rng)
    return {
        "p": p,
        "m_mix_start": float(own0.mean()),
        "m_mix": float(own.mean()),
        "m_mix_sq": float((own**2).mean()),
        "survived": float(survived.mean()),
        "m_max_any": float(np.abs(m).max(axis=1).mean()),
        "e_mixture": float(np.mean(net.energy(mix)) / n),
        "e_pure": float(np.mean(net.energy(pure)) / n),
        "e_random_start": float(np.mean(net.energy(glass)) / n),
        "m_max_random_start": float(np.abs(net.overlaps(glass)).max(axis=1).mean()),
        "n_probes": n_mix,
    }


def capacity_task(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Largest p with all stored patterns stable, for one rule and N (experiment e).

    Parameters
    ----------
    params : dict
        Grid point: ``rule`` and ``N``.
    rng : numpy.random.Generator
        Stream of the task.

    Returns
    -------
    dict
        ``p_max`` and ``alpha_max = p_max / N``.
    """
    from spinnet.experiments.capacity import max_stable_patterns

    n = int(params["N"])
    p_max = int(max_stable_patterns(str(params["rule"]), n, n_trials=1, rng=rng)[0])
    return {"p_max": p_max, "alpha_max": p_max / n}
