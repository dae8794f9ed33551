"""Acceptance measurements of the lattice Monte Carlo against exact results.

Each function runs one measurement of the protocol in ``docs/ising.md`` and
returns its numbers with a ``passed`` verdict where the protocol states one:

* (a) :func:`kaufman_energy_check`, :func:`yang_magnetization_check` -- energy
  and specific heat vs Kaufman's finite torus, ``<|M|>`` vs Yang;
* (b) :func:`binder_crossings` -- crossings of ``U₄(T)`` for consecutive
  sizes (located by :func:`spinnet.observables.binder_crossing`, which needs
  no ``T_c``) compared with the exact (Onsager/Houtappel) ``T_c``;
* (c) :func:`algorithm_agreement`, :func:`critical_autocorrelation`;
* (d) :func:`sk_ground_state_check`, :func:`sk_large_check` -- simulated
  annealing vs exact enumeration and Parisi's ``e₀``.

:func:`acceptance` runs them all (``python -m spinnet.experiments.ising_acceptance
[--quick]`` prints the table reproduced in ``docs/ising.md``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from spinnet.experiments.ising_anneal import PARISI_E0, SCHEDULES, stepped_schedule
from spinnet.experiments.ising_simulate import _OBSERVABLES, measure
from spinnet.models import SherringtonKirkpatrick, SquareIsing
from spinnet.observables import binder_crossing
from spinnet.samplers import anneal
from spinnet.theory import ising as exact
from spinnet.theory.enumeration import exact_ground_state

__all__ = [
    "ACCEPTANCE_SETTINGS",
    "BINDER_COUPLINGS",
    "acceptance",
    "algorithm_agreement",
    "binder_crossings",
    "critical_autocorrelation",
    "kaufman_energy_check",
    "low_temperature_correlation_length",
    "sk_ground_state_check",
    "sk_large_check",
    "yang_magnetization_check",
]


def _seeds(seed: int, n: int) -> list[np.random.SeedSequence]:
    return np.random.SeedSequence(seed).spawn(n)


def kaufman_energy_check(L: int = 64, temperatures: Any = (1.5, 2.0, 3.0), *,
                         algorithm: str = "metropolis", n_sweeps: int = 200_000,
                         n_thermalize: int = 5_000, n_chains: int = 4,
                         seed: int = 0) -> list[dict[str, Any]]:
    """(a) Mean energy per spin on the ``L x L`` torus vs Kaufman's exact value.

    Cold start (see :func:`default_start`). Returns one row per temperature with
    ``E ± E_err``, ``E_exact`` and ``z = (E - E_exact)/E_err``, and the same for
    ``C`` (jackknife error).

    Parameters
    ----------
    L : int, default 64
        Side of the ``L x L`` torus (``J = 1``).
    temperatures : sequence of float, default (1.5, 2.0, 3.0)
        Temperatures ``T``.
    algorithm : str, default "metropolis"
        Sampler name (see :func:`spinnet.experiments.ising_simulate.build_sampler`).
    n_sweeps : int, default 200000
        Measured sweeps per chain.
    n_thermalize : int, default 5000
        Discarded sweeps per chain.
    n_chains : int, default 4
        Independent chains.
    seed : int, default 0
        Seed; independent child streams (``SeedSequence.spawn``) per run.

    Returns
    -------
    list of dict
        ``L, T, algorithm, E, E_err, E_exact, E_z, C, C_err, C_exact, C_z, tau_E,
        absM, absM_err, tau_absM, converged, sweeps``.
    """
    model = SquareIsing(L)
    rows = []
    for T, ss in zip(temperatures, _seeds(seed, len(temperatures)), strict=True):
        r = measure(model, T, algorithm, n_sweeps, n_thermalize, n_chains, ss, start="up")
        E_ex = float(exact.kaufman_energy_per_spin(L, T))
        C_ex = float(exact.kaufman_specific_heat_per_spin(L, T))
        rows.append({"L": L, "T": float(T), "algorithm": algorithm, "E": r["E"],
                     "E_err": r["E_err"], "E_exact": E_ex, "E_z": (r["E"] - E_ex) / r["E_err"],
                     "C": r["C"], "C_err": r["C_err"], "C_exact": C_ex,
                     "C_z": (r["C"] - C_ex) / r["C_err"], "tau_E": r["tau_E"],
                     "absM": r["absM"], "absM_err": r["absM_err"], "tau_absM": r["tau_absM"],
                     "converged": r["errors_converged"], "sweeps": n_sweeps * n_chains})
    return rows


def low_temperature_correlation_length(T: float, J: float = 1.0) -> float:
    """Exponential correlation length of the square-lattice Ising model below ``T_c``.

    ``ξ⁻¹ = 4 (K - K*)`` with the dual coupling ``sinh 2K sinh 2K* = 1``, i.e.
    half the high-temperature correlation length ``1/(2(K* - K))`` at the dual
    temperature (Kramers-Wannier duality; McCoy & Wu, *The Two-Dimensional
    Ising Model* (Harvard UP, 1973), ch. XI). ``ξ(T = 2) ≈ 2.2``.

    Parameters
    ----------
    T : float
        Temperature, below ``T_c``.
    J : float, default 1.0
        Coupling.

    Returns
    -------
    float
        ``ξ`` in lattice spacings.

    Raises
    ------
    ValueError
        ``T >= T_c``.
    """
    K = J / float(T)
    if math.sinh(2 * K) <= 1.0:
        raise ValueError(f"T must be below T_c = {exact.onsager_tc(J)}; got {T}")
    K_dual = 0.5 * math.asinh(1.0 / math.sinh(2 * K))
    return 1.0 / (4.0 * (K - K_dual))


def yang_magnetization_check(T: float = 2.0, sizes: Any = (32, 64), *,
                             algorithm: str = "metropolis", n_sweeps: int = 200_000,
                             n_thermalize: int = 5_000, n_chains: int = 4,
                             allowance: float = 1e-5, seed: int = 1) -> dict[str, Any]:
    """(a) ``<|M|>`` below ``T_c`` vs Yang's ``m₀(T)``, with a stated finite-size allowance.

    In the ordered phase the finite-size correction of ``<|M|>`` on a torus
    decays like ``exp(-L/ξ)``; at ``T = 2``, ``ξ ≈ 2.2``
    (:func:`low_temperature_correlation_length`), so it is ``~e^{-14} ≈ 5e-7``
    already at ``L = 32`` (``~1e-5`` even if ``ξ`` were twice as large). The
    allowance ``δ = 1e-5`` is therefore a generous a-priori bound, fixed
    before measuring. Two checks, both at 3 error bars:

    * ``|<|M|>_L - m₀| <= 3 σ_L + δ`` for the largest ``L``;
    * ``|<|M|>_L - <|M|>_{L'}| <= 3 σ_diff + δ`` for the two largest sizes --
      the measured finite-size effect is consistent with none.

    Parameters
    ----------
    T : float, default 2.0
        Temperature below ``T_c``.
    sizes : sequence of int, default (32, 64)
        Lattice sides ``L`` (at least two).
    algorithm : str, default "metropolis"
        Sampler name (see :func:`spinnet.experiments.ising_simulate.build_sampler`).
    n_sweeps : int, default 200000
        Measured sweeps per chain.
    n_thermalize : int, default 5000
        Discarded sweeps per chain.
    n_chains : int, default 4
        Independent chains.
    allowance : float, default 1e-5
        The a-priori finite-size allowance ``δ``.
    seed : int, default 1
        Seed; independent child streams (``SeedSequence.spawn``) per run.

    Returns
    -------
    dict
        ``T, m_yang, xi, finite_size_estimate, absM, absM_err, tau_absM`` (dicts
        keyed by ``L``), ``L`` (largest), ``deviation, z, finite_size_difference,
        finite_size_difference_err, finite_size_z, allowance, passed``.
    """
    m0 = float(exact.spontaneous_magnetization(T))
    xi = low_temperature_correlation_length(T)
    res = {}
    for L, ss in zip(sizes, _seeds(seed, len(sizes)), strict=True):
        r = measure(SquareIsing(L), T, algorithm, n_sweeps, n_thermalize, n_chains, ss,
                    start="up")
        res[L] = r
    big, small = sorted(sizes)[-1], sorted(sizes)[-2]
    diff = res[big]["absM"] - res[small]["absM"]
    diff_err = math.hypot(res[big]["absM_err"], res[small]["absM_err"])
    dev = res[big]["absM"] - m0
    return {"T": T, "m_yang": m0, "xi": xi,
            "finite_size_estimate": math.exp(-small / xi),
            "absM": {int(L): res[L]["absM"] for L in sizes},
            "absM_err": {int(L): res[L]["absM_err"] for L in sizes},
            "tau_absM": {int(L): res[L]["tau_absM"] for L in sizes},
            "L": int(big), "deviation": dev, "z": dev / res[big]["absM_err"],
            "finite_size_difference": diff, "finite_size_difference_err": diff_err,
            "finite_size_z": diff / diff_err, "allowance": allowance,
            "passed": bool(abs(dev) <= 3 * res[big]["absM_err"] + allowance
                           and abs(diff) <= 3 * diff_err + allowance)}


def binder_crossings(J_h: float = 1.0, J_v: float = 1.0, J_d: float = 0.0, *,
                     sizes: Any = (8, 16, 32), rel_window: float = 0.03, n_T: int = 9,
                     algorithm: str = "wolff", n_sweeps: int = 20_000,
                     n_thermalize: int = 1_000, n_chains: int = 4,
                     n_bootstrap: int = 400, seed: int = 2) -> dict[str, Any]:
    """(b) Crossings of ``U₄(T)`` for consecutive sizes vs the exact ``T_c``.

    ``U₄`` is measured at ``n_T`` temperatures ``T_c (1 + x)``,
    ``|x| <= rel_window``, for each ``L`` (the exact ``T_c`` only places the
    window: this is a check against it). The crossings are located by
    :func:`spinnet.observables.binder_crossing` -- linear interpolation of the
    two curves between the bracketing temperatures, with a parametric
    bootstrap of ``n_bootstrap`` replicas from the jackknife errors of the
    points -- and each is compared with the exact ``T_c`` (``passed``: within
    1%).

    Parameters
    ----------
    J_h, J_v, J_d : float, default 1.0, 1.0, 0.0
        Horizontal, vertical and diagonal couplings.
    sizes : sequence of int, default (8, 16, 32)
        Lattice sides ``L``.
    rel_window : float, default 0.03
        Half-width of the temperature window relative to ``T_c``.
    n_T : int, default 9
        Number of temperatures.
    algorithm : str, default "wolff"
        Sampler name.
    n_sweeps, n_thermalize, n_chains : int, default 20000, 1000, 4
        Run length per temperature and size.
    n_bootstrap : int, default 400
        Bootstrap replicas of each crossing.
    seed : int, default 2
        Seed; independent child streams (``SeedSequence.spawn``) per run.

    Returns
    -------
    dict
        ``T_c`` (Houtappel), ``T`` (ndarray, shape (n_T,)), ``curves``
        (``{L: {"U4", "U4_err"}}``, arrays of shape (n_T,)), ``crossing``
        (:class:`~spinnet.observables.BinderCrossing`), ``pairs`` (one row per
        consecutive pair of sizes with ``T_cross, T_cross_err, rel_dev, passed``),
        ``algorithm, n_sweeps, n_chains``.
    """
    tc = exact.houtappel_tc(J_h, J_v, J_d)
    T = np.round(tc * (1.0 + np.linspace(-rel_window, rel_window, n_T)), 10)
    sizes = [int(L) for L in sizes]
    curves: dict[int, dict[str, np.ndarray]] = {}
    seeds = _seeds(seed, len(sizes) * n_T)
    for i, L in enumerate(sizes):
        model = SquareIsing(L, J_h, J_v, J_d)
        u, du = np.empty(n_T), np.empty(n_T)
        for j, t in enumerate(T):
            r = measure(model, t, algorithm, n_sweeps, n_thermalize, n_chains,
                        seeds[i * n_T + j], start="up")
            u[j], du[j] = r["U4"], r["U4_err"]
        curves[L] = {"U4": u, "U4_err": du}
    cross = binder_crossing(T, {L: c["U4"] for L, c in curves.items()},
                            {L: c["U4_err"] for L, c in curves.items()},
                            n_bootstrap=n_bootstrap, rng=seed)
    pairs = []
    for p in cross.pairs:
        pairs.append({"J_h": J_h, "J_v": J_v, "J_d": J_d, "L1": p.L1, "L2": p.L2,
                      "T_cross": p.T_cross, "T_cross_err": p.T_cross_err, "T_c": tc,
                      "rel_dev": (p.T_cross - tc) / tc, "U4_cross": p.U4_cross,
                      "U4_cross_err": p.U4_cross_err,
                      "bootstrap_failures": p.bootstrap_failures,
                      "passed": bool(abs(p.T_cross - tc) <= 0.01 * tc)})
    return {"T_c": tc, "T": T, "curves": curves, "crossing": cross, "pairs": pairs,
            "algorithm": algorithm, "n_sweeps": n_sweeps, "n_chains": n_chains}


def algorithm_agreement(L: int = 16, temperatures: Any = (2.0, 2.3), *,
                        algorithms: Any = ("metropolis", "wolff"), n_sweeps: int = 50_000,
                        n_thermalize: int = 2_000, n_chains: int = 4,
                        seed: int = 3) -> list[dict[str, Any]]:
    """(c) Two algorithms on the same model: ``z`` of the difference of every observable.

    ``z = (a - b) / sqrt(σ_a² + σ_b²)`` for ``E, |M|, M², χ, C, U₄``.

    Parameters
    ----------
    L : int, default 16
        Lattice side.
    temperatures : sequence of float, default (2.0, 2.3)
        Temperatures ``T``.
    algorithms : (str, str), default ("metropolis", "wolff")
        The two samplers compared.
    n_sweeps, n_thermalize, n_chains : int, default 50000, 2000, 4
        Run length per temperature and algorithm.
    seed : int, default 3
        Seed; independent child streams (``SeedSequence.spawn``) per run.

    Returns
    -------
    list of dict
        One row per ``(T, observable)``: ``L, T, observable``, the two values
        and errors (keyed by the algorithm names) and ``z``.
    """
    model = SquareIsing(L)
    a_name, b_name = algorithms
    rows = []
    seeds = _seeds(seed, 2 * len(temperatures))
    for i, T in enumerate(temperatures):
        ra = measure(model, T, a_name, n_sweeps, n_thermalize, n_chains, seeds[2 * i],
                     start="up")
        rb = measure(model, T, b_name, n_sweeps, n_thermalize, n_chains, seeds[2 * i + 1],
                     start="up")
        for obs in _OBSERVABLES:
            err = math.hypot(ra[obs + "_err"], rb[obs + "_err"])
            rows.append({"L": L, "T": float(T), "observable": obs, a_name: ra[obs],
                         f"{a_name}_err": ra[obs + "_err"], b_name: rb[obs],
                         f"{b_name}_err": rb[obs + "_err"],
                         "z": (ra[obs] - rb[obs]) / err if err > 0 else math.nan})
    return rows


def critical_autocorrelation(L: int = 64, *, T: float | None = None,
                             n_sweeps_metropolis: int = 200_000,
                             n_clusters_wolff: int = 200_000, n_chains: int = 4,
                             n_thermalize: int = 20_000, seed: int = 4) -> dict[str, Any]:
    """(c) Integrated autocorrelation time of ``|M|`` at ``T_c``: Metropolis vs Wolff.

    Metropolis (checkerboard) in sweeps. Wolff measured after every cluster
    flip: ``τ`` per cluster update and, converted with the mean cluster size
    ``<s>``, per equivalent sweep ``τ_sweep = τ_cluster <s> / N`` (Wolff 1989).

    Parameters
    ----------
    L : int, default 64
        Lattice side.
    T : float or None, default None
        Temperature; ``None`` is Onsager's ``T_c``.
    n_sweeps_metropolis : int, default 200000
        Metropolis sweeps per chain.
    n_clusters_wolff : int, default 200000
        Wolff cluster updates per chain.
    n_chains : int, default 4
        Independent chains per algorithm.
    n_thermalize : int, default 20000
        Discarded updates per chain.
    seed : int, default 4
        Seed; independent child streams (``SeedSequence.spawn``) per run.

    Returns
    -------
    dict
        ``L, T``, the Metropolis ``tau_absM`` (± error) and ``tau_E``, the Wolff
        ``τ`` per cluster and per equivalent sweep (± errors), the mean cluster
        size, ``ratio`` (Metropolis / Wolff per sweep), ``|M|`` of both and
        ``converged``.
    """
    T = exact.ONSAGER_TC if T is None else float(T)
    model = SquareIsing(L)
    s1, s2 = _seeds(seed, 2)
    met = measure(model, T, "metropolis", n_sweeps_metropolis, n_thermalize, n_chains, s1,
                  start="up")
    wolff = measure(model, T, "wolff", n_clusters_wolff, n_thermalize, n_chains, s2,
                    start="up", clusters_per_sweep=1)
    size = wolff["mean_cluster_size"]
    per_sweep = wolff["tau_absM"] * size / model.n_spins
    return {"L": L, "T": T,
            "metropolis_tau_absM": met["tau_absM"], "metropolis_tau_absM_err": met["tau_absM_err"],
            "metropolis_tau_E": met["tau_E"], "metropolis_sweeps": n_sweeps_metropolis,
            "wolff_tau_absM_clusters": wolff["tau_absM"],
            "wolff_tau_absM_clusters_err": wolff["tau_absM_err"],
            "wolff_tau_E_clusters": wolff["tau_E"],
            "wolff_mean_cluster_size": size, "wolff_cluster_fraction": size / model.n_spins,
            "wolff_tau_absM_sweeps": per_sweep,
            "wolff_tau_absM_sweeps_err": wolff["tau_absM_err"] * size / model.n_spins,
            "wolff_clusters": n_clusters_wolff,
            "ratio": met["tau_absM"] / per_sweep,
            "metropolis_absM": met["absM"], "metropolis_absM_err": met["absM_err"],
            "wolff_absM": wolff["absM"], "wolff_absM_err": wolff["absM_err"],
            "converged": bool(met["errors_converged"] and wolff["errors_converged"])}


def sk_ground_state_check(N: int = 20, n_instances: int = 20, *, schedule: str = "geometric",
                          n_sweeps: int = 2_000, n_steps: int = 200, n_restarts: int = 16,
                          T0: float = 3.0, T_final: float = 0.05,
                          seed: int = 5) -> dict[str, Any]:
    """(d) Does annealing find the exact ground state of small SK instances?

    ``n_instances`` SK instances (couplings from independent child seeds),
    each annealed by :func:`spinnet.samplers.anneal` with ``n_restarts``
    restarts along :func:`stepped_schedule` ``(schedule, n_sweeps, n_steps, T0,
    T_final)`` followed by the zero-temperature quench; an instance counts as
    solved if the best restart reaches the enumerated ground-state energy
    (:func:`exact_ground_state`). Also reports the fraction of single restarts
    that do.

    Parameters
    ----------
    N : int, default 20
        Number of spins (small enough to enumerate).
    n_instances : int, default 20
        Number of SK instances.
    schedule : {"geometric", "logarithmic", "linear"}, default "geometric"
        Temperature schedule.
    n_sweeps : int, default 2000
        Sweeps of the schedule.
    n_steps : int, default 200
        Number of temperature steps.
    n_restarts : int, default 16
        Independent anneals per instance.
    T0, T_final : float, default 3.0, 0.05
        First and last temperature.
    seed : int, default 5
        Seed; independent child streams (``SeedSequence.spawn``) per run.

    Returns
    -------
    dict
        ``N, instances, found, success_rate, restart_success_rate``, the schedule
        settings, ``rows`` (per instance: ``e_exact, e_best, found,
        restart_success``) and ``passed`` (success rate >= 0.95).
    """
    temps = stepped_schedule(schedule, n_sweeps, n_steps, T0, T_final)
    found, per_restart, rows = 0, [], []
    for ss in _seeds(seed, n_instances):
        g_model, g_anneal = ss.spawn(2)
        model = SherringtonKirkpatrick(N, rng=np.random.default_rng(g_model))
        gs = exact_ground_state(model)
        res = anneal(model, temps, n_restarts=n_restarts, rng=np.random.default_rng(g_anneal))
        tol = 1e-9 * max(1.0, abs(gs.energy))
        hits = res.energies <= gs.energy + tol
        found += bool(hits.any())
        per_restart.append(float(hits.mean()))
        rows.append({"e_exact": gs.energy / N, "e_best": res.energy / N,
                     "found": bool(hits.any()), "restart_success": float(hits.mean())})
    return {"N": N, "instances": n_instances, "found": found,
            "success_rate": found / n_instances,
            "restart_success_rate": float(np.mean(per_restart)), "schedule": schedule,
            "n_sweeps": n_sweeps, "n_steps": n_steps, "n_restarts": n_restarts, "T0": T0,
            "T_final": T_final, "rows": rows, "passed": bool(found / n_instances >= 0.95)}


def sk_large_check(N: int = 1000, *, schedule: str = "geometric", n_sweeps: int = 4_000,
                   n_restarts: int = 2, T0: float = 3.0, T_final: float = 0.05,
                   threshold: float = -0.74, seed: int = 6) -> dict[str, Any]:
    """(d) Annealing a large SK instance: best energy per spin vs Parisi's ``e₀``.

    Parameters
    ----------
    N : int, default 1000
        Number of spins.
    schedule : str, default "geometric"
        Temperature schedule (``"log"`` is an alias of ``"logarithmic"``).
    n_sweeps : int, default 4000
        Sweeps of the anneal.
    n_restarts : int, default 2
        Independent anneals.
    T0, T_final : float, default 3.0, 0.05
        First and last temperature.
    threshold : float, default -0.74
        Pass if the best energy per spin is at or below it.
    seed : int, default 6
        Seed; independent child streams (``SeedSequence.spawn``) per run.

    Returns
    -------
    dict
        ``N, best, final`` (list of energies per spin), ``parisi_e0`` (−0.76317),
        ``threshold``, the schedule settings and ``passed``.
    """
    g_model, g_anneal = np.random.SeedSequence(seed).spawn(2)
    model = SherringtonKirkpatrick(N, rng=np.random.default_rng(g_model))
    res = anneal(model, SCHEDULES.get(schedule, schedule), n_sweeps, n_restarts,
                 np.random.default_rng(g_anneal), T0=T0, T_final=T_final)
    final = res.energies / N
    best = float(final[int(np.argmin(final))])
    return {"N": N, "best": best, "final": final.tolist(), "parisi_e0": PARISI_E0,
            "threshold": threshold, "schedule": schedule, "n_sweeps": n_sweeps,
            "n_restarts": n_restarts, "T0": T0, "T_final": T_final,
            "passed": bool(best <= threshold)}


#: Sizes of the acceptance measurements: ``full`` as reported in docs/ising.md,
#: ``quick`` as run by the default (non-slow) tests.
ACCEPTANCE_SETTINGS: dict[str, dict[str, dict[str, Any]]] = {
    "full": {
        "kaufman": dict(L=64, n_sweeps=200_000, n_chains=4),
        "yang": dict(sizes=(32, 64), n_sweeps=200_000, n_chains=4),
        "binder": dict(sizes=(8, 16, 32), n_sweeps=20_000, n_chains=4, n_T=9),
        "agreement": dict(L=16, n_sweeps=100_000, n_chains=4),
        "autocorrelation": dict(L=64, n_sweeps_metropolis=250_000, n_clusters_wolff=200_000,
                                n_chains=4),
        "sk_small": dict(N=20, n_instances=20, n_sweeps=2_000, n_steps=200, n_restarts=16),
        "sk_large": dict(N=1000, n_sweeps=4_000, n_restarts=2),
    },
    "quick": {
        "kaufman": dict(L=32, n_sweeps=40_000, n_chains=4),
        "yang": dict(sizes=(32, 48), n_sweeps=30_000, n_chains=4),
        "binder": dict(sizes=(8, 16), n_sweeps=10_000, n_chains=4, n_T=7),
        "agreement": dict(L=16, n_sweeps=30_000, n_chains=4),
        "autocorrelation": dict(L=32, n_sweeps_metropolis=60_000, n_clusters_wolff=60_000,
                                n_chains=2),
        "sk_small": dict(N=20, n_instances=20, n_sweeps=2_000, n_steps=200, n_restarts=16),
        "sk_large": dict(N=300, n_sweeps=2_000, n_restarts=2, threshold=-0.70),
    },
}

#: Coupling sets of the Binder-crossing measurement (b).
BINDER_COUPLINGS = ((1.0, 1.0, 0.0), (1.0, 0.5, 0.0), (1.0, 1.0, 0.5))


def acceptance(quick: bool = False, *, seed: int = 0) -> dict[str, Any]:
    """Run every acceptance measurement (a-d) and return the results.

    Parameters
    ----------
    quick : bool, default False
        Use the ``"quick"`` settings of ``ACCEPTANCE_SETTINGS`` instead of ``"full"``.
    seed : int, default 0
        Base seed; check ``k`` uses ``seed + k``.

    Returns
    -------
    dict
        ``kaufman, yang, binder`` (one result per coupling set of
        ``BINDER_COUPLINGS``), ``agreement, autocorrelation, sk_small,
        sk_large``: the results of the functions above.
    """
    cfg = ACCEPTANCE_SETTINGS["quick" if quick else "full"]
    res: dict[str, Any] = {}
    res["kaufman"] = kaufman_energy_check(seed=seed, **cfg["kaufman"])
    res["yang"] = yang_magnetization_check(seed=seed + 1, **cfg["yang"])
    res["binder"] = [binder_crossings(*J, seed=seed + 2, **cfg["binder"])
                     for J in BINDER_COUPLINGS]
    res["agreement"] = algorithm_agreement(seed=seed + 3, **cfg["agreement"])
    res["autocorrelation"] = critical_autocorrelation(seed=seed + 4, **cfg["autocorrelation"])
    res["sk_small"] = sk_ground_state_check(seed=seed + 5, **cfg["sk_small"])
    res["sk_large"] = sk_large_check(seed=seed + 6, **cfg["sk_large"])
    return res


def _print_acceptance(res: dict[str, Any]) -> None:  # pragma: no cover - reporting script
    print("(a) energy vs Kaufman")
    for r in res["kaufman"]:
        print(f"  L={r['L']} T={r['T']}: E = {r['E']:.6f} ± {r['E_err']:.6f}  exact "
              f"{r['E_exact']:.6f}  z = {r['E_z']:+.2f}   C = {r['C']:.4f} ± {r['C_err']:.4f} "
              f"exact {r['C_exact']:.4f} z = {r['C_z']:+.2f}  tau_E = {r['tau_E']:.2f}")
    y = res["yang"]
    print(f"(a) |M| at T={y['T']}: {y['absM']} ± {y['absM_err']}  Yang {y['m_yang']:.6f}  "
          f"z = {y['z']:+.2f}  finite-size diff {y['finite_size_difference']:+.2e} ± "
          f"{y['finite_size_difference_err']:.1e} (z = {y['finite_size_z']:+.2f}); xi = "
          f"{y['xi']:.2f}, exp(-L/xi) = {y['finite_size_estimate']:.1e}; passed {y['passed']}")
    print("(b) Binder crossings")
    for b in res["binder"]:
        for p in b["pairs"]:
            print(f"  J=({p['J_h']},{p['J_v']},{p['J_d']}) L={p['L1']},{p['L2']}: "
                  f"T_x = {p['T_cross']:.5f} ± {p['T_cross_err']:.5f}  T_c = {p['T_c']:.5f}  "
                  f"rel {100 * p['rel_dev']:+.3f}%  U4* = {p['U4_cross']:.4f}")
        print(f"    U4* = {b['crossing'].U4_c:.4f} ± {b['crossing'].U4_c_err:.4f}")
    print("(c) algorithm agreement")
    for r in res["agreement"]:
        print(f"  T={r['T']} {r['observable']:>5}: z = {r['z']:+.2f}")
    a = res["autocorrelation"]
    print(f"(c) tau_|M| at T_c, L={a['L']}: Metropolis {a['metropolis_tau_absM']:.1f} ± "
          f"{a['metropolis_tau_absM_err']:.1f} sweeps; Wolff {a['wolff_tau_absM_clusters']:.2f}"
          f" clusters = {a['wolff_tau_absM_sweeps']:.3f} sweeps (<s>/N = "
          f"{a['wolff_cluster_fraction']:.3f}); ratio {a['ratio']:.0f}")
    s = res["sk_small"]
    print(f"(d) SK N={s['N']}: {s['found']}/{s['instances']} instances solved, per-restart "
          f"{s['restart_success_rate']:.3f}")
    s = res["sk_large"]
    print(f"(d) SK N={s['N']}: best e = {s['best']:.4f} (threshold {s['threshold']}, "
          f"Parisi {s['parisi_e0']})")


if __name__ == "__main__":  # pragma: no cover
    import sys

    _print_acceptance(acceptance(quick="--quick" in sys.argv))
