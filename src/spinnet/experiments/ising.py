"""Monte Carlo of lattice spin models, checked against the exact 2D Ising results.

Two layers, shared by ``spinnet ising simulate`` / ``spinnet anneal`` and by the
acceptance tests (``tests/statistical/test_ising_acceptance.py``):

* **measurement** -- :func:`measure` thermalises and measures independent
  chains of one model at one temperature and reduces the series to
  ``E, |M|, M², χ, C, U₄`` with error bars (binning for means, block jackknife
  for the nonlinear estimators) and the integrated autocorrelation times of
  ``|M|`` and ``E``; :func:`simulate_task` is the same as a
  :mod:`spinnet.sweeps` task (one task per temperature, resumable), and
  :func:`simulate_experiment` is the whole sweep + table + figure;
* **acceptance measurements** -- :func:`kaufman_energy_check`,
  :func:`yang_magnetization_check`, :func:`binder_crossings`,
  :func:`algorithm_agreement`, :func:`critical_autocorrelation`,
  :func:`sk_ground_state_check` and :func:`sk_large_check`; :func:`acceptance`
  runs them all (``python -m spinnet.experiments.ising [--quick]`` prints the
  table that is reproduced in ``docs/ising.md``).

Units: energies and magnetisations are *per spin*; ``k_B = 1``. A *sweep* is
``N`` attempted single-spin updates (Metropolis, heat bath, multispin, PT),
one Swendsen-Wang update, or -- for Wolff -- ``k`` cluster flips with ``k``
fixed during thermalisation so that ``k <s> ≈ N`` spins are flipped per sweep
(``<s>`` the mean cluster size; Wolff, Phys. Rev. Lett. 62, 361 (1989), where
autocorrelation times are quoted in these units). ``k`` is chosen before the
measurement starts and then held fixed: a stopping rule depending on the
clusters of the measured chain would bias the averages.

Error analysis (:mod:`spinnet.stats`): chains are independent and at the same
temperature, so the chain-averaged series has the same autocorrelation as one
chain and ``1/n_chains`` of its variance; its binning error (Flyvbjerg &
Petersen 1989, automatic plateau of Jonsson 2018) is the error of the mean.
``χ``, ``C`` and ``U₄`` are pooled over chains and time and get block-jackknife
errors with blocks of at least ``10 τ_int`` (between 8 and 50 blocks).
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from spinnet._io import write_csv
from spinnet._rng import SeedLike, as_generator
from spinnet._validation import check_int
from spinnet.models import (
    BaxterWu,
    DensePairwiseModel,
    EdwardsAnderson,
    SherringtonKirkpatrick,
    SparsePairwiseModel,
    SpinModel,
    SquareIsing,
)
from spinnet.samplers import (
    ALGORITHMS,
    HeatBath,
    Metropolis,
    MultispinMetropolis,
    ParallelTempering,
    SwendsenWang,
    Wolff,
    temperature_schedule,
)
from spinnet.stats import binning_error, integrated_autocorrelation_time, jackknife
from spinnet.sweeps import Grid, load_results, run_sweep
from spinnet.theory import ising as exact

__all__ = [
    "ACCEPTANCE_SETTINGS",
    "ALGORITHMS",
    "BINDER_COUPLINGS",
    "MODELS",
    "PARISI_E0",
    "SCHEDULES",
    "U4_CRITICAL",
    "AnnealTrace",
    "GroundState",
    "acceptance",
    "algorithm_agreement",
    "anneal_experiment",
    "anneal_trace",
    "binder_crossings",
    "build_model",
    "build_sampler",
    "check_simulation",
    "critical_autocorrelation",
    "critical_temperatures",
    "exact_ground_state",
    "exact_reference",
    "kaufman_energy_check",
    "low_temperature_correlation_length",
    "measure",
    "parse_temperatures",
    "simulate_experiment",
    "simulate_task",
    "sk_ground_state_check",
    "sk_large_check",
    "stepped_schedule",
    "tempering_task",
    "theory_curves",
    "yang_magnetization_check",
]

#: Models of ``spinnet ising simulate``.
MODELS = ("ising", "baxter-wu", "ea", "sk")

#: CLI schedule names -> :func:`spinnet.samplers.temperature_schedule` kinds.
SCHEDULES = {"log": "logarithmic", "logarithmic": "logarithmic", "geometric": "geometric",
             "linear": "linear"}

#: Ground-state energy per spin of the SK model for ``N → ∞`` (Parisi's full RSB
#: solution): ``e₀ = -0.7631667(2)`` (Crisanti & Rizzo, Phys. Rev. E 65, 046137 (2002)).
PARISI_E0 = -0.7631667

#: Binder cumulant at criticality of the 2D Ising model on a square torus
#: (Salas & Sokal, J. Stat. Phys. 98, 551 (2000)): ``U₄* = 0.61069...``.
U4_CRITICAL = 0.61069

_OBSERVABLES = ("E", "absM", "M2", "chi", "C", "U4")


# =============================================================================== inputs
def parse_temperatures(spec: Any) -> np.ndarray:
    """Temperatures from ``"a:b:n"`` (``n`` points from ``a`` to ``b``) or ``"a,b,c"``.

    Values are rounded to 10 decimals, so that the same grid typed twice gives
    the same sweep tasks (``2.0:2.6:13`` and ``2.0,2.05,...,2.6`` coincide).

    Raises
    ------
    ValueError
        Malformed specification, a temperature ``<= 0`` or not finite, ``n < 1``,
        or a repeated temperature.
    """
    if isinstance(spec, int | float | np.integer | np.floating) and not isinstance(spec, bool):
        values = [float(spec)]
    elif isinstance(spec, str):
        text = spec.strip()
        if not text:
            raise ValueError("T must not be empty; use 'a:b:n' (n points from a to b) or a "
                             "comma list 'a,b,c'")
        malformed = ValueError(f"T must be 'a:b:n' (n points from a to b) or a comma list "
                               f"'a,b,c' of temperatures; got {spec!r}")
        try:
            if ":" in text:
                parts = text.split(":")
                if len(parts) != 3:
                    raise malformed
                a, b, n = float(parts[0]), float(parts[1]), int(parts[2])
            else:
                values = [float(v) for v in text.split(",")]
        except ValueError:
            raise malformed from None
        if ":" in text:
            if n < 1:
                raise ValueError(f"T: the number of points n in 'a:b:n' must be >= 1; got {n}")
            values = list(np.linspace(a, b, n)) if n > 1 else [a]
    else:
        raise TypeError(f"T must be a string 'a:b:n' or 'a,b,c' or a number; got "
                        f"{type(spec).__name__}")
    T = np.round(np.asarray(values, dtype=np.float64), 10)
    if not np.all(np.isfinite(T)):
        raise ValueError(f"T must be finite; got {spec!r}")
    if np.any(T <= 0):
        raise ValueError(f"T must be > 0 (temperatures, k_B = 1); got {T[T <= 0][0]:g} in "
                         f"{spec!r}")
    if len(np.unique(T)) != len(T):
        raise ValueError(f"T must not repeat a temperature; got {spec!r}")
    return T


def build_model(params: dict[str, Any]) -> SpinModel:
    """Model from a parameter record (see :func:`simulate_experiment`).

    ``model="ising"``: ``SquareIsing(L, J_h, J_v, J_d, h)``; ``"baxter-wu"``:
    ``BaxterWu(L)``; ``"ea"``: ``EdwardsAnderson(L, d, disorder,
    rng=disorder_seed)``; ``"sk"``: ``SherringtonKirkpatrick(N,
    rng=disorder_seed)``. Quenched couplings come from ``disorder_seed`` alone,
    so every temperature of a sweep sees the same sample.
    """
    kind = params.get("model", "ising")
    if kind == "ising":
        return SquareIsing(params["L"], params.get("J_h", 1.0), params.get("J_v", 1.0),
                           params.get("J_d", 0.0), params.get("h", 0.0))
    if kind == "baxter-wu":
        return BaxterWu(params["L"])
    if kind == "ea":
        return EdwardsAnderson(params["L"], params.get("d", 2), params.get("disorder", "pm"),
                               rng=int(params.get("disorder_seed", 0)))
    if kind == "sk":
        return SherringtonKirkpatrick(params["N"], rng=int(params.get("disorder_seed", 0)))
    raise ValueError(f"model must be one of {list(MODELS)}; got {kind!r}")


def build_sampler(algorithm: str, clusters_per_sweep: int = 1) -> Any:
    """Sampler for one temperature (``"pt"`` is built from its ladder instead)."""
    if algorithm == "metropolis":
        return Metropolis()
    if algorithm == "heat-bath":
        return HeatBath()
    if algorithm == "wolff":
        return Wolff(clusters_per_sweep)
    if algorithm == "sw":
        return SwendsenWang()
    if algorithm == "multispin":
        return MultispinMetropolis()
    raise ValueError(f"algorithm must be one of {list(ALGORITHMS)}; got {algorithm!r}")


def default_start(params: dict[str, Any]) -> str:
    """``"up"`` for ferromagnets, ``"random"`` for spin glasses.

    A random start quenched below ``T_c`` can trap a single-spin chain in a
    striped state (two domain walls winding round the torus) whose lifetime
    grows like ``exp(const · L)``; a cold start cannot.
    """
    kind = params.get("model", "ising")
    if kind == "ising" and min(params.get("J_h", 1.0), params.get("J_v", 1.0),
                               params.get("J_d", 0.0)) >= 0:
        return "up"
    if kind == "baxter-wu":
        return "up"
    return "random"


def check_simulation(params: dict[str, Any]) -> SpinModel:
    """Build the model and sampler of a simulation and check they fit together.

    Raises ``ValueError``/``TypeError`` naming the offending parameter
    (``L``, ``N``, ``algorithm``, ``T``, ``n_chains``, ...). Returns the model.
    """
    kind = params.get("model", "ising")
    if kind not in MODELS:
        raise ValueError(f"model must be one of {list(MODELS)}; got {kind!r}")
    algorithm = params.get("algorithm", "metropolis")
    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm must be one of {list(ALGORITHMS)}; got {algorithm!r}")
    if kind == "sk":
        check_int(params.get("N"), "N", minimum=2)
    else:
        L = check_int(params.get("L"), "L", minimum=2)
        if kind == "baxter-wu" and L % 3:
            raise ValueError(f"L must be a multiple of 3 for the Baxter-Wu model; got L = {L}")
    model = build_model(params)
    if algorithm == "pt":
        sampler: Any = Metropolis()
    else:
        sampler = build_sampler(algorithm)
    try:
        sampler.check_model(model)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"algorithm {algorithm!r} cannot simulate this model: {exc}") from None
    return model


# =============================================================================== analysis
def _quiet(func, *args, **kwargs) -> tuple[Any, bool]:
    """Call ``func`` and report whether it warned (unconverged error analysis)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = func(*args, **kwargs)
    return out, not any(issubclass(w.category, RuntimeWarning) for w in caught)


def analyse(e: Any, m: Any, T: float, N: int) -> dict[str, Any]:
    """Observables with errors from energy and magnetisation series of independent chains.

    Parameters
    ----------
    e, m : array_like, shape (n_chains, n) or (n,)
        Energy and magnetisation per spin at each measurement.
    T : float
        Temperature.
    N : int
        Number of spins.

    Returns
    -------
    dict
        ``E, absM, M2`` (means; binning errors of the chain-averaged series),
        ``chi = βN(<m²> - <|m|>²)``, ``C = β²N var(e)``,
        ``U4 = 1 - <m⁴>/(3<m²>²)`` (block-jackknife values and errors),
        each with ``*_err``; ``tau_E``, ``tau_absM`` (integrated autocorrelation
        times in units of the measurement interval, Sokal window ``c = 5``) with
        errors; ``n_meas`` and ``errors_converged`` (False if a binning plateau
        or autocorrelation window was not reached: the series is too short and
        the error bars are unreliable).
    """
    e = np.atleast_2d(np.asarray(e, dtype=np.float64))
    m = np.atleast_2d(np.asarray(m, dtype=np.float64))
    n = e.shape[-1]
    beta = 1.0 / float(T)
    am = np.abs(m)
    m2 = m * m
    out: dict[str, Any] = {}
    converged = True
    for name, series in (("E", e), ("absM", am), ("M2", m2)):
        res, ok = _quiet(binning_error, series.mean(axis=0))
        out[name], out[name + "_err"] = float(series.mean()), float(res.error)
        converged &= ok
    taus = {}
    for name, series in (("E", e), ("absM", am)):
        tau, ok = _quiet(integrated_autocorrelation_time, series)
        out["tau_" + name], out["tau_" + name + "_err"] = float(tau.tau), float(tau.error)
        taus[name] = tau.tau
        converged &= ok
    block = max(1, math.ceil(10.0 * max(taus.values(), default=0.5)))
    n_blocks = int(min(50, max(8, n // block), n))

    def chi(a: np.ndarray, b: np.ndarray) -> float:
        return beta * N * (float(np.mean(b)) - float(np.mean(a)) ** 2)

    def heat(x: np.ndarray) -> float:
        return beta * beta * N * float(np.var(x))

    def binder(b: np.ndarray) -> float:
        mean_m2 = float(np.mean(b))
        return 1.0 - float(np.mean(b * b)) / (3.0 * mean_m2 ** 2) if mean_m2 > 0 else math.nan

    for name, data, func in (("chi", (am, m2), chi), ("C", e, heat), ("U4", m2, binder)):
        est = jackknife(data, func, n_blocks=n_blocks)
        out[name], out[name + "_err"] = float(est.value), float(est.error)
    out["n_meas"] = int(n)
    out["jackknife_blocks"] = n_blocks
    out["errors_converged"] = bool(converged and n >= 100 * max(taus.values()))
    return out


# =============================================================================== measurement
def _wolff_thermalize(model: SpinModel, T: float, n_chains: int, n_thermalize: int,
                      gen: np.random.Generator, start: Any) -> tuple[Any, int]:
    """Thermalise Wolff chains and fix ``k`` clusters per sweep (``k <s> ≈ N``)."""
    N = model.n_spins
    pilot = Wolff(1)
    state = pilot.init(model, T, n_chains, rng=gen, start=start)
    n_pilot = 64
    state, _ = pilot.run(model, state, n_pilot, measure_every=n_pilot)
    k = max(1, round(N * n_pilot * n_chains / max(int(state.n_accepted.sum()), 1)))
    if n_thermalize > 0:
        before = int(state.n_accepted.sum())
        state, _ = Wolff(k).run(model, state, n_thermalize, measure_every=n_thermalize)
        flipped = int(state.n_accepted.sum()) - before
        k = max(1, round(N * n_thermalize * k * n_chains / max(flipped, 1)))
    return state, k


def measure(model: SpinModel, T: float, algorithm: str = "metropolis", n_sweeps: int = 10_000,
            n_thermalize: int = 1_000, n_chains: int = 4, rng: SeedLike = None, *,
            start: Any = "random", measure_every: int = 1,
            clusters_per_sweep: int | None = None) -> dict[str, Any]:
    """Thermalise and measure ``n_chains`` independent chains at temperature ``T``.

    Parameters
    ----------
    model : SpinModel
    T : float
        Temperature ``> 0``.
    algorithm : {"metropolis", "heat-bath", "wolff", "sw", "multispin"}
        Single-spin samplers use the checkerboard order on lattices and the
        random order on dense models. ``"multispin"`` rounds ``n_chains`` up to
        a multiple of 64. For PT see :func:`tempering_task`.
    n_sweeps, n_thermalize : int
        Measured and discarded sweeps (see the module docstring for Wolff sweeps).
    n_chains : int
    rng : SeedLike
    start : {"random", "up", "down"}
    measure_every : int
    clusters_per_sweep : int, optional
        Wolff only: fix ``k`` instead of choosing ``k <s> ≈ N`` (``1`` gives
        measurements after every cluster flip).

    Returns
    -------
    dict
        :func:`analyse` of the measured series, plus ``acceptance`` (single-spin
        samplers), ``clusters_per_sweep`` and ``mean_cluster_size`` (Wolff),
        ``clusters_per_update`` (Swendsen-Wang), ``n_chains``.
    """
    n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=4)
    n_thermalize = check_int(n_thermalize, "n_thermalize", minimum=0)
    n_chains = check_int(n_chains, "n_chains", minimum=1)
    gen = as_generator(rng)
    extra: dict[str, Any] = {}
    if algorithm == "wolff":
        if clusters_per_sweep is None:
            state, k = _wolff_thermalize(model, T, n_chains, n_thermalize, gen, start)
        else:
            k = check_int(clusters_per_sweep, "clusters_per_sweep", minimum=1)
            state = Wolff(k).init(model, T, n_chains, rng=gen, start=start)
            state, _ = Wolff(k).run(model, state, n_thermalize,
                                    measure_every=max(n_thermalize, 1))
        sampler: Any = Wolff(k)
        before = state.n_accepted.copy()
        state, trace = sampler.run(model, state, n_sweeps, measure_every=measure_every)
        size = float((state.n_accepted - before).sum()) / (n_sweeps * k * n_chains)
        extra = {"clusters_per_sweep": int(k), "mean_cluster_size": size,
                 "flips_per_site_per_sweep": k * size / model.n_spins}
    else:
        sampler = build_sampler(algorithm)
        if algorithm == "multispin":
            n_chains = 64 * -(-n_chains // 64)
        state = sampler.init(model, T, n_chains, rng=gen, start=start)
        state, _ = sampler.run(model, state, n_thermalize, measure_every=max(n_thermalize, 1))
        before = None if algorithm == "multispin" else state.n_accepted.copy()
        state, trace = sampler.run(model, state, n_sweeps, measure_every=measure_every)
        if algorithm in ("metropolis", "heat-bath"):
            extra = {"acceptance": float((state.n_accepted - before).sum())
                     / (n_sweeps * model.n_spins * n_chains)}
        elif algorithm == "sw":
            extra = {"clusters_per_update": float((state.n_accepted - before).sum())
                     / (n_sweeps * n_chains)}
    res = analyse(trace.energy, trace.magnetization, T, model.n_spins)
    res.update(extra)
    res["n_chains"] = int(n_chains)
    return res


def _task_settings(params: dict[str, Any]) -> dict[str, Any]:
    return dict(n_sweeps=int(params["n_sweeps"]), n_thermalize=int(params["n_thermalize"]),
                n_chains=int(params["n_chains"]), measure_every=int(params.get("measure_every", 1)),
                start=params.get("start") or default_start(params))


def simulate_task(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Sweep task: one temperature ``params["T"]`` of :func:`simulate_experiment`."""
    model = build_model(params)
    s = _task_settings(params)
    res = measure(model, float(params["T"]), str(params["algorithm"]), s["n_sweeps"],
                  s["n_thermalize"], s["n_chains"], rng, start=s["start"],
                  measure_every=s["measure_every"])
    del res["n_chains"]  # a parameter of the task already
    return res


def tempering_task(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Sweep task: a whole parallel-tempering ladder ``params["T_ladder"]`` (one Markov chain).

    Replicas exchange configurations, so the ladder cannot be split into
    independent tasks; it is stored as one result whose ``rows`` field holds
    the per-temperature observables as JSON.
    """
    model = build_model(params)
    s = _task_settings(params)
    ladder = parse_temperatures(str(params["T_ladder"]))
    pt = ParallelTempering(ladder)
    state = pt.init(model, s["n_chains"], rng=rng, start=s["start"])
    state, _ = pt.run(model, state, s["n_thermalize"], measure_every=max(s["n_thermalize"], 1))
    state, trace = pt.run(model, state, s["n_sweeps"], measure_every=s["measure_every"])
    rows = []
    acc = trace.swap_acceptance.mean(axis=0)
    for k, T in enumerate(trace.temperatures):
        row = {"T": float(T), **analyse(trace.energy[:, k], trace.magnetization[:, k], T,
                                        model.n_spins)}
        row["swap_acceptance"] = float(acc[k]) if k < len(acc) else math.nan
        row["n_chains"] = s["n_chains"]
        rows.append(row)
    return {"rows": json.dumps(rows)}


# =============================================================================== theory
def _isotropic_ferromagnet(params: dict[str, Any]) -> float | None:
    """``J`` if the record is Onsager's square lattice (``J_h = J_v = J > 0``, no diagonal,
    no field), else ``None``."""
    if params.get("model", "ising") != "ising":
        return None
    J_h, J_v = float(params.get("J_h", 1.0)), float(params.get("J_v", 1.0))
    if J_h == J_v and J_h > 0 and float(params.get("J_d", 0.0)) == 0.0 \
            and float(params.get("h", 0.0)) == 0.0:
        return J_h
    return None


def critical_temperatures(params: dict[str, Any]) -> list[tuple[str, float]]:
    """Exact critical temperatures known for the model of ``params`` (label, ``T_c``).

    Square lattice: Onsager (isotropic) or Houtappel (anisotropic and/or
    diagonal) at zero field; Baxter-Wu: ``2/ln(1+√2)``; SK: the spin-glass
    transition ``T_c = J = 1`` (Sherrington & Kirkpatrick 1975). None for EA.
    """
    kind = params.get("model", "ising")
    if kind == "ising" and float(params.get("h", 0.0)) == 0.0:
        J = _isotropic_ferromagnet(params)
        if J is not None:
            return [("Onsager $T_c$", exact.onsager_tc(J))]
        try:
            tc = exact.houtappel_tc(params.get("J_h", 1.0), params.get("J_v", 1.0),
                                    params.get("J_d", 0.0))
        except ValueError:
            return []
        return [("Houtappel $T_c$", tc)]
    if kind == "baxter-wu":
        return [("Baxter-Wu $T_c$", exact.baxter_wu_tc())]
    if kind == "sk":
        return [("SK $T_c = J$", 1.0)]
    return []


def exact_reference(params: dict[str, Any], T: Any) -> dict[str, Any]:
    """Exact values at temperature(s) ``T`` where known (else empty dict).

    Isotropic square-lattice ferromagnet: ``E_exact``, ``C_exact`` (Kaufman's
    finite ``L x L`` torus), ``E_onsager``, ``C_onsager`` and ``M_yang``
    (infinite lattice; Yang's spontaneous magnetisation is the ``L → ∞`` limit
    of ``<|M|>`` below ``T_c``).
    """
    J = _isotropic_ferromagnet(params)
    if J is None:
        return {}
    L = int(params["L"])
    T_arr = np.asarray(T, dtype=np.float64)
    out = {
        "E_exact": exact.kaufman_energy_per_spin(L, T_arr, J),
        "C_exact": exact.kaufman_specific_heat_per_spin(L, T_arr, J),
        "E_onsager": exact.energy_per_spin(T_arr, J),
        "C_onsager": exact.specific_heat_per_spin(T_arr, J),
        "M_yang": exact.spontaneous_magnetization(T_arr, J),
    }
    if T_arr.ndim == 0:
        return {k: float(v) for k, v in out.items()}
    return out


def theory_curves(params: dict[str, Any], T_min: float, T_max: float,
                  n: int = 300) -> dict[str, list[tuple[np.ndarray, np.ndarray, str]]]:
    """Exact curves for the figure panels: ``{"E": [(T, y, label), ...], ...}``."""
    J = _isotropic_ferromagnet(params)
    if J is None:
        return {}
    T = np.linspace(T_min, T_max, n)
    L = int(params["L"])
    ref = exact_reference(params, T)
    c_inf = np.where(np.isfinite(ref["C_onsager"]), ref["C_onsager"], np.nan)
    return {
        "E": [(T, ref["E_onsager"], "Onsager ($L = \\infty$)"),
              (T, ref["E_exact"], f"Kaufman ($L = {L}$)")],
        "absM": [(T, ref["M_yang"], "Yang ($L = \\infty$)")],
        "C": [(T, c_inf, "Onsager ($L = \\infty$)"),
              (T, ref["C_exact"], f"Kaufman ($L = {L}$)")],
    }


# =============================================================================== experiment
def simulate_experiment(params: dict[str, Any], temperatures: Any, out: str | Path, *,
                        seed: int = 0, scheduler: Any = None, n_workers: int | None = None,
                        progress: bool = True) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Simulate one model over a temperature grid: resumable sweep, table, figure.

    Parameters
    ----------
    params : dict
        ``model``, ``algorithm``, ``n_sweeps``, ``n_thermalize``, ``n_chains``,
        ``measure_every``, ``start`` and the model's own parameters (``L``,
        ``J_h``, ``J_v``, ``J_d``, ``h`` / ``L`` / ``L``, ``d``, ``disorder``,
        ``disorder_seed`` / ``N``, ``disorder_seed``).
    temperatures : array_like
        One sweep task per temperature (one task for the whole ladder with
        ``algorithm="pt"``).
    out : path
        Output directory: ``results.sqlite`` (the resumable store),
        ``ising.csv`` and ``ising.png``.
    seed : int
        Sweep seed; each task's stream depends only on ``(seed, params)``.
    scheduler, n_workers, progress
        As in :func:`spinnet.sweeps.run_sweep`.

    Returns
    -------
    rows : list of dict
        One row per temperature: parameters, observables with errors, exact values.
    summary : dict
    """
    from spinnet.plotting.ising import observables_figure, save_figure

    out = Path(out)
    T = np.asarray(temperatures, dtype=np.float64)
    base = {k: v for k, v in params.items() if v is not None}
    if params["algorithm"] == "pt":
        ladder = ",".join(repr(float(t)) for t in np.sort(T))
        grid = Grid.from_records([{**base, "T_ladder": ladder}])
        run_sweep(tempering_task, grid, out, seed=seed, scheduler=scheduler,
                  n_workers=n_workers, progress=progress, name="ising pt")
        stored = load_results(out, grid)
        measured = json.loads(stored[0]["rows"]) if stored else []
    else:
        grid = Grid.from_records([{**base, "T": float(t)} for t in T])
        run_sweep(simulate_task, grid, out, seed=seed, scheduler=scheduler,
                  n_workers=n_workers, progress=progress, name=f"ising {params['model']}")
        stored = load_results(out, grid)
        keep = ("T", *(f"{o}{s}" for o in _OBSERVABLES for s in ("", "_err")), "tau_E",
                "tau_E_err", "tau_absM", "tau_absM_err", "n_meas", "n_chains", "jackknife_blocks",
                "errors_converged", "acceptance", "clusters_per_sweep", "mean_cluster_size",
                "flips_per_site_per_sweep", "clusters_per_update")
        measured = [{k: r[k] for k in keep if k in r} for r in stored]
    rows = []
    for r in sorted(measured, key=lambda r: r["T"]):
        row = {"model": params["model"], "algorithm": params["algorithm"],
               "L": params.get("L"), "N": build_model(params).n_spins, **r}
        ref = exact_reference(params, r["T"])
        for k, v in ref.items():
            row[k] = v
        if "E_exact" in ref:
            row["E_z"] = (r["E"] - ref["E_exact"]) / r["E_err"] if r["E_err"] > 0 else math.nan
            row["C_z"] = (r["C"] - ref["C_exact"]) / r["C_err"] if r["C_err"] > 0 else math.nan
        rows.append(row)
    if rows:
        write_csv(out / "ising.csv", rows)
        t_lo, t_hi = min(r["T"] for r in rows), max(r["T"] for r in rows)
        pad = 0.05 * (t_hi - t_lo) if t_hi > t_lo else 0.1 * t_lo
        curves = theory_curves(params, max(t_lo - pad, 1e-3), t_hi + pad)
        fig = observables_figure(rows, curves, critical_temperatures(params),
                                 title=_title(params),
                                 u4_critical=U4_CRITICAL if _isotropic_ferromagnet(params)
                                 else None)
        save_figure(fig, out / "ising.png")
    summary: dict[str, Any] = {"temperatures": len(T), "stored": len(rows),
                               "critical_temperatures": dict(critical_temperatures(params))}
    if rows and "E_z" in rows[0]:
        summary["max_abs_E_z_vs_kaufman"] = float(np.nanmax([abs(r["E_z"]) for r in rows]))
        summary["max_abs_C_z_vs_kaufman"] = float(np.nanmax([abs(r["C_z"]) for r in rows]))
    summary["all_errors_converged"] = bool(all(r["errors_converged"] for r in rows))
    return rows, summary


def _title(params: dict[str, Any]) -> str:
    kind = params["model"]
    alg = params["algorithm"]
    if kind == "ising":
        desc = f"Ising {params['L']}x{params['L']}, $J_h$={params.get('J_h', 1.0):g}, " \
               f"$J_v$={params.get('J_v', 1.0):g}"
        if params.get("J_d", 0.0):
            desc += f", $J_d$={params['J_d']:g}"
        if params.get("h", 0.0):
            desc += f", $h$={params['h']:g}"
    elif kind == "baxter-wu":
        desc = f"Baxter-Wu {params['L']}x{params['L']}"
    elif kind == "ea":
        desc = f"Edwards-Anderson d={params.get('d', 2)}, L={params['L']}, " \
               f"{params.get('disorder', 'pm')} couplings"
    else:
        desc = f"Sherrington-Kirkpatrick N={params['N']}"
    return f"{desc} -- {alg}, {params['n_sweeps']} sweeps x {params['n_chains']} chains"


# =============================================================================== annealing
@dataclasses.dataclass(frozen=True)
class GroundState:
    """Exact ground state by enumeration: total ``energy``, one ground ``spins``
    configuration, and the number of configurations within ``1e-9 |E|`` of it
    (``degeneracy``; 2 for a generic spin glass at zero field)."""

    energy: float
    spins: np.ndarray
    degeneracy: int


def _half_states(n: int) -> np.ndarray:
    k = np.arange(2**n, dtype=np.int64)[:, None]
    return (1 - 2 * ((k >> np.arange(n, dtype=np.int64)) & 1)).astype(np.float64)


def exact_ground_state(model: SpinModel, max_spins: int = 26) -> GroundState:
    """Ground state of a pairwise model with ``N <= max_spins`` by complete enumeration.

    Meet in the middle: with ``s = (a, b)`` split into two halves,
    ``E(s) = E_a(a) + E_b(b) - a^T J_ab b``, so all ``2^N`` energies are the
    ``2^{N-n} x 2^n`` matrix ``E_a[:, None] + E_b[None, :] - A J_ab B^T`` --
    one matrix product per block of rows (``N = 20``: ~10 ms; ``N = 24``: ~1 s).
    Models without a coupling matrix (Baxter-Wu) are enumerated in blocks with
    their own ``energy``.

    Parameters
    ----------
    model : SpinModel
        ``SparsePairwiseModel`` or ``DensePairwiseModel`` (any other model is
        evaluated state by state, in blocks).
    max_spins : int
        Refuse larger systems (the cost is ``2^N``).

    Returns
    -------
    GroundState
    """
    N = model.n_spins
    if N > max_spins:
        raise ValueError(f"exact ground state by enumeration needs N <= {max_spins}; "
                         f"got N = {N}")
    b = N // 2
    a = N - b
    B = _half_states(b)                                  # spins 0 .. b-1 (low bits)
    A = _half_states(a)                                  # spins b .. N-1 (high bits)
    pairwise = isinstance(model, SparsePairwiseModel | DensePairwiseModel)
    if pairwise:
        J = model.to_dense()
        h = np.asarray(model.field, dtype=np.float64)
        Jbb, Jaa, Jab = J[:b, :b], J[b:, b:], J[b:, :b]
        Eb = -0.5 * np.einsum("ki,ki->k", B @ Jbb, B) - B @ h[:b]
        Ea = -0.5 * np.einsum("ki,ki->k", A @ Jaa, A) - A @ h[b:]
        AJ = A @ Jab                                     # (2^a, b)
    rows = max(1, (1 << (22 if pairwise else 18)) // B.shape[0])

    def blocks():
        for start in range(0, A.shape[0], rows):
            stop = min(start + rows, A.shape[0])
            if pairwise:
                yield start, Ea[start:stop, None] + Eb[None, :] - AJ[start:stop] @ B.T
            else:
                conf = np.concatenate(
                    [np.broadcast_to(B[None], (stop - start, *B.shape)),
                     np.broadcast_to(A[start:stop, None], (stop - start, B.shape[0], a))],
                    axis=-1).astype(np.int8)
                yield start, np.asarray(model.energy(conf), dtype=np.float64)

    best_e, best_k = math.inf, -1
    for start, E in blocks():
        k = int(np.argmin(E))
        if E.flat[k] < best_e:
            best_e, best_k = float(E.flat[k]), start * B.shape[0] + k
    tol = 1e-9 * max(1.0, abs(best_e))
    degeneracy = sum(int(np.count_nonzero(E <= best_e + tol)) for _, E in blocks())
    ka, kb = divmod(best_k, B.shape[0])
    spins = np.concatenate([B[kb], A[ka]]).astype(np.int8)
    energy = float(np.asarray(model.energy(spins)))
    return GroundState(energy=energy, spins=spins, degeneracy=degeneracy)


@dataclasses.dataclass
class AnnealTrace:
    """Annealing with the energy recorded after every sweep.

    Attributes
    ----------
    energies : ndarray, shape (n_restarts, n_sweeps)
        Energy per spin of every restart after each sweep of the schedule.
    final : ndarray, shape (n_restarts,)
        Energy per spin after the zero-temperature quench.
    temperatures : ndarray, shape (n_sweeps,)
    spins : ndarray of int8, shape (N,)
        Best final configuration.
    best : float
        Its energy per spin.
    """

    energies: np.ndarray
    final: np.ndarray
    temperatures: np.ndarray
    spins: np.ndarray
    best: float


def anneal_trace(model: SpinModel, schedule: Any = "geometric", n_sweeps: int = 1000,
                 n_restarts: int = 8, rng: SeedLike = None, *, T0: float = 5.0,
                 T_final: float = 0.05, max_quench_sweeps: int = 10_000) -> AnnealTrace:
    """:func:`spinnet.samplers.anneal` with the energy of every restart after every sweep.

    Runs exactly the Markov chains of :func:`~spinnet.samplers.anneal` for the
    same arguments (same generator streams, same temperature blocks, same
    zero-temperature quench) -- measuring does not draw random numbers -- so
    the final energies agree with it bit for bit (checked in the tests).
    """
    from spinnet.samplers import _kernels_local as K

    if isinstance(schedule, str):
        temps = temperature_schedule(SCHEDULES.get(schedule, schedule), n_sweeps, T0, T_final)
    else:
        temps = np.asarray(schedule, dtype=np.float64)
        if temps.ndim != 1 or temps.size == 0 or np.any(temps <= 0):
            raise ValueError("schedule must be a name or a 1-D array of temperatures > 0")
    n_restarts = check_int(n_restarts, "n_restarts", minimum=1)
    sampler = Metropolis()
    state = sampler.init(model, float(temps[0]), n_restarts, rng=rng)
    C, N = state.n_chains, model.n_spins
    energies = np.empty((C, len(temps)))
    empty_e = np.zeros((C, 0))
    empty_s = np.zeros((C, 0, N), np.int8)
    change = np.flatnonzero(np.diff(temps)) + 1
    bounds = np.concatenate([[0], change, [len(temps)]])
    for a, b in itertools.pairwise(bounds):
        state.beta[:] = 1.0 / temps[a]
        out_e = np.zeros((C, b - a))
        out_m = np.zeros((C, b - a))
        sampler._advance(model, state, int(b - a), 1, out_e, out_m, empty_s)
        energies[:, a:b] = out_e
    quench = Metropolis("sequential")
    for _ in range(max_quench_sweeps):
        before = state.n_accepted.copy()
        quench._advance(model, state, 1, 1, empty_e, empty_e, empty_s, rule=K.ZERO_T)
        if np.array_equal(before, state.n_accepted):
            break
    final = np.asarray(model.energy(state.spins), dtype=np.float64).reshape(C) / N
    best = int(np.argmin(final))
    return AnnealTrace(energies=energies, final=final, temperatures=np.asarray(temps),
                       spins=state.spins[best].copy(), best=float(final[best]))


def anneal_experiment(params: dict[str, Any], out: str | Path, *,
                      seed: int = 0) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Ground-state search by simulated annealing; exact check for ``N <= 24``.

    Parameters
    ----------
    params : dict
        ``model`` (``"sk"`` or ``"ea"``) with its parameters (``N`` /
        ``L``, ``d``, ``disorder``), ``schedule``, ``n_sweeps``, ``n_restarts``,
        ``T0``, ``T_final``. The couplings come from ``seed`` (the same instance
        as ``spinnet ising simulate --model ... --seed``), the annealing from an
        independent child stream.
    out : path
        ``anneal.csv`` (one row per restart), ``anneal_trace.csv`` (energy vs
        sweep, at most ~1000 rows) and ``anneal.png``.

    Returns
    -------
    rows, summary
    """
    from spinnet.plotting.ising import anneal_figure, save_figure

    out = Path(out)
    model = build_model({**params, "disorder_seed": seed})
    N = model.n_spins
    gen = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    tr = anneal_trace(model, params["schedule"], int(params["n_sweeps"]),
                      int(params["n_restarts"]), gen, T0=float(params["T0"]),
                      T_final=float(params["T_final"]))
    gs = exact_ground_state(model) if N <= 24 else None
    tol = 1e-9 * max(1.0, abs(gs.energy)) / N if gs else 0.0
    rows = []
    for r, e in enumerate(tr.final):
        row: dict[str, Any] = {"restart": r, "e_final": float(e),
                               "e_end_of_schedule": float(tr.energies[r, -1]),
                               "best": bool(r == int(np.argmin(tr.final)))}
        if gs is not None:
            row["e_exact"] = gs.energy / N
            row["found_ground_state"] = bool(e <= gs.energy / N + tol)
        rows.append(row)
    write_csv(out / "anneal.csv", rows)
    n_t = tr.energies.shape[1]
    idx = np.unique(np.round(np.geomspace(1, n_t, min(n_t, 1000))).astype(int)) - 1
    write_csv(out / "anneal_trace.csv",
              [{"sweep": int(i + 1), "T": float(tr.temperatures[i]),
                "e_mean": float(tr.energies[:, i].mean()),
                "e_min": float(tr.energies[:, i].min())} for i in idx])
    reference = [("Parisi $e_0$ ($N = \\infty$)", PARISI_E0)] if params["model"] == "sk" else []
    fig = anneal_figure(tr.energies, tr.temperatures, tr.final,
                        exact=None if gs is None else gs.energy / N, references=reference,
                        title=f"{_anneal_title(params, N)}: {params['schedule']} schedule, "
                              f"{params['n_sweeps']} sweeps x {params['n_restarts']} restarts")
    save_figure(fig, out / "anneal.png")
    summary: dict[str, Any] = {"N": N, "best_energy_per_spin": tr.best,
                               "mean_energy_per_spin": float(tr.final.mean())}
    if gs is not None:
        found = [r["found_ground_state"] for r in rows]
        summary.update(exact_energy_per_spin=gs.energy / N, found_ground_state=bool(any(found)),
                       restarts_at_ground_state=int(sum(found)),
                       ground_state_degeneracy=gs.degeneracy)
    if params["model"] == "sk":
        summary["parisi_e0"] = PARISI_E0
    return rows, summary


def _anneal_title(params: dict[str, Any], N: int) -> str:
    if params["model"] == "sk":
        return f"SK N={N}"
    return f"EA d={params.get('d', 2)} L={params['L']} ({params.get('disorder', 'pm')})"


# =============================================================================== acceptance
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


def _fit_poly(x: np.ndarray, y: np.ndarray, err: np.ndarray, degree: int) -> np.ndarray:
    w = 1.0 / err
    V = np.vander(x, degree + 1)
    coef, *_ = np.linalg.lstsq(V * w[:, None], y * w, rcond=None)
    return coef


def _crossing(ca: np.ndarray, cb: np.ndarray, lo: float, hi: float) -> float:
    """Root of ``p_a - p_b`` in ``[lo, hi]`` closest to the centre (NaN if none)."""
    roots = np.roots(np.polysub(ca, cb))
    real = roots[np.abs(roots.imag) < 1e-9].real
    real = real[(real >= lo) & (real <= hi)]
    if real.size == 0:
        return math.nan
    return float(real[np.argmin(np.abs(real - 0.5 * (lo + hi)))])


def binder_crossings(J_h: float = 1.0, J_v: float = 1.0, J_d: float = 0.0, *,
                     sizes: Any = (8, 16, 32), rel_window: float = 0.03, n_T: int = 9,
                     algorithm: str = "wolff", n_sweeps: int = 20_000,
                     n_thermalize: int = 1_000, n_chains: int = 4, degree: int = 3,
                     n_bootstrap: int = 400, seed: int = 2) -> dict[str, Any]:
    """(b) Crossings of ``U₄(T)`` for consecutive sizes vs the exact ``T_c``.

    ``U₄`` is measured at ``n_T`` temperatures ``T_c (1 + x)``,
    ``|x| <= rel_window``, for each ``L``; a weighted polynomial of degree
    ``degree`` is fitted to each curve (``chi2/dof`` reported) and the crossing
    of each consecutive pair is the root of the difference nearest the centre.
    Its error comes from a parametric bootstrap: the ``U₄`` points are
    redrawn from Gaussians with their jackknife errors and refitted
    ``n_bootstrap`` times.
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
    x = T - tc
    lo, hi = float(x[0]), float(x[-1])
    fits, chi2 = {}, {}
    for L in sizes:
        c = _fit_poly(x, curves[L]["U4"], curves[L]["U4_err"], degree)
        fits[L] = c
        resid = (np.polyval(c, x) - curves[L]["U4"]) / curves[L]["U4_err"]
        chi2[L] = float(np.sum(resid ** 2) / max(n_T - degree - 1, 1))
    gen = np.random.default_rng(seed)
    pairs = []
    for a, b in itertools.pairwise(sizes):
        t_cross = _crossing(fits[a], fits[b], lo, hi) + tc
        boot = []
        for _ in range(n_bootstrap):
            ca = _fit_poly(x, curves[a]["U4"] + gen.standard_normal(n_T) * curves[a]["U4_err"],
                           curves[a]["U4_err"], degree)
            cb = _fit_poly(x, curves[b]["U4"] + gen.standard_normal(n_T) * curves[b]["U4_err"],
                           curves[b]["U4_err"], degree)
            boot.append(_crossing(ca, cb, lo, hi) + tc)
        boot_arr = np.asarray(boot)
        err = float(np.nanstd(boot_arr))
        u_cross = float(np.polyval(fits[a], t_cross - tc)) if math.isfinite(t_cross) \
            else math.nan
        pairs.append({"J_h": J_h, "J_v": J_v, "J_d": J_d, "L1": a, "L2": b,
                      "T_cross": t_cross, "T_cross_err": err, "T_c": tc,
                      "rel_dev": (t_cross - tc) / tc, "U4_cross": u_cross,
                      "bootstrap_failures": int(np.count_nonzero(~np.isfinite(boot_arr))),
                      "passed": bool(abs(t_cross - tc) <= 0.01 * tc)})
    return {"T_c": tc, "T": T, "curves": curves, "fits": fits, "chi2_per_dof": chi2,
            "pairs": pairs, "algorithm": algorithm, "n_sweeps": n_sweeps, "n_chains": n_chains}


def algorithm_agreement(L: int = 16, temperatures: Any = (2.0, 2.3), *,
                        algorithms: Any = ("metropolis", "wolff"), n_sweeps: int = 50_000,
                        n_thermalize: int = 2_000, n_chains: int = 4,
                        seed: int = 3) -> list[dict[str, Any]]:
    """(c) Two algorithms on the same model: ``z`` of the difference of every observable.

    ``z = (a - b) / sqrt(σ_a² + σ_b²)`` for ``E, |M|, M², χ, C, U₄``.
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


def stepped_schedule(kind: str, n_sweeps: int, n_steps: int, T0: float = 3.0,
                     T_final: float = 0.05) -> np.ndarray:
    """A schedule held constant for ``n_sweeps / n_steps`` sweeps at each of ``n_steps`` levels.

    The levels are :func:`~spinnet.samplers.temperature_schedule` ``(kind,
    n_steps, T0, T_final)``. Equal consecutive temperatures share one kernel
    call in :func:`~spinnet.samplers.anneal`, which matters for small systems
    where a call costs more than a sweep.
    """
    n_steps = check_int(n_steps, "n_steps", minimum=1)
    n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=n_steps)
    if n_sweeps % n_steps:
        raise ValueError(f"n_sweeps must be a multiple of n_steps; got {n_sweeps} and {n_steps}")
    levels = temperature_schedule(SCHEDULES.get(kind, kind), n_steps, T0, T_final)
    return np.repeat(levels, n_sweeps // n_steps)


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
    """
    from spinnet.samplers import anneal

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
    """(d) Annealing a large SK instance: best energy per spin vs Parisi's ``e₀``."""
    g_model, g_anneal = np.random.SeedSequence(seed).spawn(2)
    model = SherringtonKirkpatrick(N, rng=np.random.default_rng(g_model))
    tr = anneal_trace(model, schedule, n_sweeps, n_restarts, np.random.default_rng(g_anneal),
                      T0=T0, T_final=T_final)
    return {"N": N, "best": tr.best, "final": tr.final.tolist(), "parisi_e0": PARISI_E0,
            "threshold": threshold, "schedule": schedule, "n_sweeps": n_sweeps,
            "n_restarts": n_restarts, "T0": T0, "T_final": T_final,
            "passed": bool(tr.best <= threshold)}


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
    """Run every acceptance measurement (a-d) and return the results."""
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
        print(f"    chi2/dof of fits: {b['chi2_per_dof']}")
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
