"""Monte Carlo of lattice spin models over a temperature grid (``spinnet ising simulate``).

* :func:`measure` thermalises and measures independent chains of one model at
  one temperature and reduces the series to ``E, |M|, M², χ, C, U₄`` with error
  bars (:func:`analyse`: binning for means, block jackknife for the nonlinear
  estimators of :mod:`spinnet.observables`) and the integrated autocorrelation
  times of ``|M|`` and ``E``;
* :func:`simulate_task` / :func:`tempering_task` are the same as
  :mod:`spinnet.sweeps` tasks (one task per temperature and size, resumable);
* :func:`simulate_experiment` is the whole sweep + table + figure, for one
  lattice size or several (``sizes=``); with several sizes the critical
  temperature is located from the crossings of the Binder cumulants
  (:func:`spinnet.observables.binder_crossing`).

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

import json
import math
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from spinnet._io import write_csv
from spinnet._progress import ProgressCallback, report
from spinnet._rng import SeedLike, as_generator
from spinnet._validation import check_int
from spinnet.models import (
    BaxterWu,
    EdwardsAnderson,
    SherringtonKirkpatrick,
    SpinModel,
    SquareIsing,
)
from spinnet.observables import binder_crossing, binder_cumulant, specific_heat, susceptibility
from spinnet.samplers import (
    ALGORITHMS,
    HeatBath,
    Metropolis,
    MultispinMetropolis,
    ParallelTempering,
    SwendsenWang,
    Wolff,
)
from spinnet.stats import binning_error, integrated_autocorrelation_time, jackknife
from spinnet.sweeps import Grid, Sweep, load_results
from spinnet.sweeps.store import ResultStore
from spinnet.theory import ising as exact

__all__ = [
    "ALGORITHMS",
    "MODELS",
    "U4_CRITICAL",
    "analyse",
    "build_model",
    "build_sampler",
    "check_simulation",
    "check_temperatures",
    "critical_temperatures",
    "crossing_from_rows",
    "default_start",
    "exact_reference",
    "measure",
    "parse_temperatures",
    "simulate_experiment",
    "simulate_task",
    "simulation_title",
    "tempering_task",
    "theory_curves",
]

#: Models of ``spinnet ising simulate``.
MODELS = ("ising", "baxter-wu", "ea", "sk")

#: Binder cumulant at criticality of the 2D Ising model on a square torus
#: (Salas & Sokal, J. Stat. Phys. 98, 551 (2000)): ``U₄* = 0.61069...``.
U4_CRITICAL = 0.61069

_OBSERVABLES = ("E", "absM", "M2", "chi", "C", "U4")


# =============================================================================== inputs
def check_temperatures(values: Any, name: str = "T") -> np.ndarray:
    """A temperature grid as used for sweep tasks: rounded to 10 decimals, ``> 0``, finite,
    no repeats.

    Rounding makes the same grid typed twice give the same sweep tasks
    (``2.0:2.6:13`` and ``2.0,2.05,...,2.6`` coincide).

    Parameters
    ----------
    values : float or array_like of float, shape (n_T,)
        Temperature(s) ``T`` (``k_B = 1``).
    name : str, default "T"
        Name used in error messages.

    Returns
    -------
    ndarray of float64, shape (n_T,)
        The checked temperatures, in the given order.

    Raises
    ------
    ValueError
        Empty, not finite, ``<= 0`` or repeated temperatures.
    """
    T = np.round(np.atleast_1d(np.asarray(values, dtype=np.float64)), 10)
    if T.ndim != 1 or T.size == 0:
        raise ValueError(f"{name} must be a non-empty list of temperatures")
    if not np.all(np.isfinite(T)):
        raise ValueError(f"{name} must be finite; got {values!r}")
    if np.any(T <= 0):
        raise ValueError(f"{name} must be > 0 (temperatures, k_B = 1); got {T[T <= 0][0]:g}")
    if len(np.unique(T)) != len(T):
        raise ValueError(f"{name} must not repeat a temperature; got "
                         f"{', '.join(f'{t:g}' for t in T)}")
    return T


def parse_temperatures(spec: Any) -> np.ndarray:
    """Temperatures from ``"a:b:n"`` (``n`` points from ``a`` to ``b``) or ``"a,b,c"``.

    Used for the ladder of a parallel-tempering task (stored as a string in the
    sweep); the CLI parses ``--T`` with :func:`spinnet.cli._common.parse_floats`
    and checks the values with :func:`check_temperatures`.

    Parameters
    ----------
    spec : str or float
        ``"a:b:n"``, ``"a,b,c"`` or a single number.

    Returns
    -------
    ndarray of float64, shape (n_T,)
        Temperatures checked by :func:`check_temperatures`.

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

    Parameters
    ----------
    params : dict
        Parameter record of :func:`simulate_experiment` (``model``, ``L`` or
        ``N``, couplings ``J_h, J_v, J_d, h``, ``algorithm``, ...).

    Returns
    -------
    SpinModel
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
    """Sampler for one temperature (``"pt"`` is built from its ladder instead).

    Parameters
    ----------
    algorithm : {"metropolis", "heat-bath", "wolff", "sw", "multispin"}
        Update algorithm.
    clusters_per_sweep : int, default 1
        Wolff clusters per sweep (Wolff only).

    Returns
    -------
    Sampler
        A :mod:`spinnet.samplers` instance.
    """
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

    Parameters
    ----------
    params : dict
        Parameter record of :func:`simulate_experiment` (``model``, ``L`` or
        ``N``, couplings ``J_h, J_v, J_d, h``, ``algorithm``, ...).

    Returns
    -------
    {"up", "random"}
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

    Parameters
    ----------
    params : dict
        Parameter record of :func:`simulate_experiment` (``model``, ``L`` or
        ``N``, couplings ``J_h, J_v, J_d, h``, ``algorithm``, ...).

    Returns
    -------
    SpinModel
        The model built by :func:`build_model`.
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

    # The estimators of spinnet.observables, pooled over chains and time.
    def chi(x: np.ndarray) -> float:
        return susceptibility(x.ravel(), T, N, estimator="abs")

    def heat(x: np.ndarray) -> float:
        return specific_heat(x.ravel(), T, N)

    def binder(x: np.ndarray) -> float:
        flat = x.ravel()
        return binder_cumulant(flat) if np.any(flat != 0.0) else math.nan

    for name, data, func in (("chi", m, chi), ("C", e, heat), ("U4", m, binder)):
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
    """Sweep task: one temperature ``params["T"]`` of :func:`simulate_experiment`.

    Parameters
    ----------
    params : dict
        Parameter record of :func:`simulate_experiment` (``model``, ``L`` or
        ``N``, couplings ``J_h, J_v, J_d, h``, ``algorithm``, ...); here also ``T``
        (or ``T_ladder``), ``n_sweeps``, ``n_thermalize``, ``n_chains``, optional
        ``measure_every`` and ``start``).
    rng : numpy.random.Generator
        Generator of the task (given by the sweep machinery).

    Returns
    -------
    dict
        The observables of :func:`measure` at ``T`` (without ``n_chains``).
    """
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

    Parameters
    ----------
    params : dict
        Parameter record of :func:`simulate_experiment` (``model``, ``L`` or
        ``N``, couplings ``J_h, J_v, J_d, h``, ``algorithm``, ...); here also ``T``
        (or ``T_ladder``), ``n_sweeps``, ``n_thermalize``, ``n_chains``, optional
        ``measure_every`` and ``start``).
    rng : numpy.random.Generator
        Generator of the task (given by the sweep machinery).

    Returns
    -------
    dict
        ``{"rows": json}``: per temperature ``T``, the :func:`analyse`
        observables, ``swap_acceptance`` (of the pair ``(k, k + 1)`` of the
        ladder, averaged over chains; NaN for the last) and ``n_chains``.
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

    Parameters
    ----------
    params : dict
        Parameter record of :func:`simulate_experiment` (``model``, ``L`` or
        ``N``, couplings ``J_h, J_v, J_d, h``, ``algorithm``, ...).

    Returns
    -------
    list of (str, float)
        ``(label, T_c)`` pairs (labels in matplotlib mathtext); empty when none
        is known.
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

    Parameters
    ----------
    params : dict
        Parameter record of :func:`simulate_experiment` (``model``, ``L`` or
        ``N``, couplings ``J_h, J_v, J_d, h``, ``algorithm``, ...).
    T : float or array_like of float, any shape
        Temperature(s).

    Returns
    -------
    dict
        Keys above; floats for a scalar ``T``, else arrays of the shape of ``T``;
        empty unless the model is an isotropic ferromagnet in zero field.
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
                  n: int = 300, *, finite_size: bool = True
                  ) -> dict[str, list[tuple[np.ndarray, np.ndarray, str]]]:
    """Exact curves for the figure panels: ``{"E": [(T, y, label), ...], ...}``.

    ``finite_size=False`` leaves out Kaufman's curves for the ``L`` of ``params``
    (figures that show several sizes).

    Parameters
    ----------
    params : dict
        Parameter record of :func:`simulate_experiment` (``model``, ``L`` or
        ``N``, couplings ``J_h, J_v, J_d, h``, ``algorithm``, ...).
    T_min, T_max : float
        Temperature range of the curves.
    n : int, default 300
        Number of temperatures.
    finite_size : bool, default True
        Include Kaufman's finite-``L`` curves.

    Returns
    -------
    dict of str to list of (ndarray, ndarray, str)
        Keys ``"E"``, ``"absM"``, ``"C"``; each curve ``(T, y, label)`` with
        arrays of shape (n,). Empty unless the model is an isotropic ferromagnet
        in zero field.
    """
    J = _isotropic_ferromagnet(params)
    if J is None:
        return {}
    T = np.linspace(T_min, T_max, n)
    L = int(params["L"])
    ref = exact_reference(params, T)
    c_inf = np.where(np.isfinite(ref["C_onsager"]), ref["C_onsager"], np.nan)
    curves = {
        "E": [(T, ref["E_onsager"], "Onsager ($L = \\infty$)"),
              (T, ref["E_exact"], f"Kaufman ($L = {L}$)")],
        "absM": [(T, ref["M_yang"], "Yang ($L = \\infty$)")],
        "C": [(T, c_inf, "Onsager ($L = \\infty$)"),
              (T, ref["C_exact"], f"Kaufman ($L = {L}$)")],
    }
    if not finite_size:
        curves = {k: [c for c in v if "Kaufman" not in c[2]] for k, v in curves.items()}
    return curves


# =============================================================================== experiment
def _size_key(params: dict[str, Any]) -> str:
    """``"N"`` for the SK model (no lattice), ``"L"`` otherwise."""
    return "N" if params.get("model", "ising") == "sk" else "L"


def _remove_store(out: Path) -> None:
    """Delete the sweep store in ``out`` (``--overwrite``); other files are rewritten."""
    from spinnet.sweeps import store_path

    path = store_path(out)
    for suffix in ("", "-wal", "-shm"):
        extra = Path(f"{path}{suffix}")
        if extra.exists():
            extra.unlink()


def _run_sweep(func: Any, grid: Grid, out: Path, *, seed: int, scheduler: Any,
               n_workers: int | None, name: str, stage_of: dict[str, str],
               progress: ProgressCallback | None) -> tuple[int, float]:
    """Run the sweep; report ``(stage, done, total)`` per size while it runs.

    The sweep commits each finished task to its SQLite store and then calls
    back (in this process, whichever backend ran the task); the callback reads
    which tasks are stored and reports the count of each size. Returns the
    number of tasks run and the wall time.
    """
    sweep = Sweep(func, grid, out, seed=seed, name=name)
    keys = [k for k, _ in grid.items()]
    totals: dict[str, int] = {}
    for k in keys:
        totals[stage_of[k]] = totals.get(stage_of[k], 0) + 1

    def per_size(*_: Any) -> None:
        import sqlite3

        try:
            with ResultStore(sweep.path) as store:
                done = store.done_keys()
        except (FileNotFoundError, ValueError, sqlite3.Error):
            done = set()
        counts = dict.fromkeys(totals, 0)
        for k in keys:
            if k in done:
                counts[stage_of[k]] += 1
        for stage, total in totals.items():
            report(progress, stage, counts[stage], total)

    started = time.perf_counter()
    try:
        sweep.run(scheduler=scheduler, n_workers=n_workers,
                  progress=False if progress is None else per_size)
    finally:
        if progress is not None:
            per_size()  # exact counts, also after Ctrl-C (the CLI shows what was kept)
    return sweep.last_run_count, time.perf_counter() - started


def _measured_rows(stored: list[dict[str, Any]], pt: bool) -> list[dict[str, Any]]:
    if pt:
        return json.loads(stored[0]["rows"]) if stored else []
    keep = ("T", *(f"{o}{s}" for o in _OBSERVABLES for s in ("", "_err")), "tau_E",
            "tau_E_err", "tau_absM", "tau_absM_err", "n_meas", "n_chains", "jackknife_blocks",
            "errors_converged", "acceptance", "clusters_per_sweep", "mean_cluster_size",
            "flips_per_site_per_sweep", "clusters_per_update")
    return [{k: r[k] for k in keep if k in r} for r in stored]


def crossing_from_rows(rows: list[dict[str, Any]], *, size_key: str = "L",
                       n_bootstrap: int = 1000, rng: SeedLike = 0) -> Any:
    """:func:`~spinnet.observables.binder_crossing` of the rows of a multi-size simulation.

    Uses the temperatures measured for every size and the jackknife errors of
    ``U₄`` (an error of exactly zero -- ``U₄ = 2/3`` in every sample of a small
    cold lattice -- is floored at ``1e-12``). Returns None when fewer than two
    sizes or temperatures are complete or a ``U₄`` is undefined.

    Parameters
    ----------
    rows : list of dict
        Result rows with keys ``T``, ``U4``, ``U4_err`` and ``size_key``.
    size_key : str, default "L"
        Key of the system size.
    n_bootstrap : int, default 1000
        Bootstrap resamples of the crossing.
    rng : SeedLike, default 0
        Seed or generator of the bootstrap.

    Returns
    -------
    spinnet.observables.BinderCrossing or None
    """
    sizes = sorted({int(r[size_key]) for r in rows})
    if len(sizes) < 2:
        return None
    by_size = {L: {r["T"]: r for r in rows if int(r[size_key]) == L} for L in sizes}
    common = sorted(set.intersection(*(set(v) for v in by_size.values())))
    if len(common) < 2:
        return None
    u4 = {L: np.array([by_size[L][t]["U4"] for t in common], dtype=float) for L in sizes}
    err = {L: np.array([by_size[L][t]["U4_err"] for t in common], dtype=float) for L in sizes}
    if not all(np.all(np.isfinite(v)) for v in u4.values()):
        return None
    err = {L: np.where(np.isfinite(e) & (e > 0), e, 1e-12) for L, e in err.items()}
    return binder_crossing(np.asarray(common), u4, err, n_bootstrap=n_bootstrap, rng=rng)


def simulate_experiment(params: dict[str, Any], temperatures: Any, out: str | Path, *,
                        sizes: Any = None, seed: int = 0, scheduler: Any = None,
                        n_workers: int | None = None, overwrite: bool = False,
                        progress: ProgressCallback | None = None,
                        n_bootstrap: int = 1000) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Simulate one model over a temperature grid, for one size or several.

    Resumable sweep (one task per temperature and size; the whole ladder of a
    size for ``algorithm="pt"``), a tidy table, figures and -- with several
    sizes of the square-lattice Ising model -- the critical temperature from
    the crossings of the Binder cumulants with a bootstrap error
    (:func:`spinnet.observables.binder_crossing`).

    Parameters
    ----------
    params : dict
        ``model``, ``algorithm``, ``n_sweeps``, ``n_thermalize``, ``n_chains``,
        ``measure_every``, ``start`` and the model's own parameters (``L``,
        ``J_h``, ``J_v``, ``J_d``, ``h`` / ``L`` / ``L``, ``d``, ``disorder``,
        ``disorder_seed`` / ``N``, ``disorder_seed``).
    temperatures : array_like of float, shape (n_T,)
        The temperature grid (every size runs the same grid).
    out : path
        Output directory: ``results.sqlite`` (the resumable store),
        ``ising.csv`` (one row per size and temperature, with an ``L`` column)
        and ``ising.png``; with several sizes also ``binder.csv`` (one row per
        pair of sizes) and ``binder.png`` (``U₄(T)`` per size with the crossing).
    sizes : sequence of int, optional
        Lattice sides ``L`` (``N`` for the SK model) to run; default: the one
        in ``params``.
    seed : int
        Sweep seed; each task's stream depends only on ``(seed, params)``, so
        a size or temperature added later does not change the others.
    scheduler, n_workers
        As in :func:`spinnet.sweeps.run_sweep`.
    overwrite : bool
        Delete a store left in ``out`` by another seed or task function first
        (without it such a store raises ``ValueError``: mixing would combine
        incompatible random streams).
    progress : ProgressCallback, optional
        ``progress("L = 16", temperatures_done, n_temperatures)`` per size while
        the sweep runs (stored tasks count as done).
    n_bootstrap : int
        Bootstrap replicas of the Binder crossing.

    Returns
    -------
    rows : list of dict
        One row per size and temperature: parameters, observables with
        errors, exact values where known.
    summary : dict
        Counts, ``title``, ``critical_temperatures``, ``tasks_run``,
        ``tasks_total``, ``store``, and ``binder_crossing`` (a dict with ``T_c``,
        ``T_c_err``, ``U4_c``, ``U4_c_err``, ``pairs``) with several sizes.
    """
    from spinnet.plotting.ising import binder_crossing_figure, observables_figure, save_figure
    from spinnet.sweeps import store_path

    out = Path(out)
    T = np.asarray(temperatures, dtype=np.float64)
    key = _size_key(params)
    size_list = [int(params[key])] if sizes is None else [int(v) for v in sizes]
    if not size_list or len(set(size_list)) != len(size_list):
        raise ValueError(f"sizes must be distinct and non-empty; got {size_list}")
    size_list = sorted(size_list)
    base = {k: v for k, v in params.items() if v is not None}
    pt = params["algorithm"] == "pt"
    per_size = {L: {**base, key: L} for L in size_list}
    for p in per_size.values():
        check_simulation(p)
    records, stage_of_record = [], []
    for L, p in per_size.items():
        stage = f"{key} = {L}"
        if pt:
            ladder = ",".join(repr(float(t)) for t in np.sort(T))
            records.append({**p, "T_ladder": ladder})
            stage_of_record.append(stage)
        else:
            for t in T:
                records.append({**p, "T": float(t)})
                stage_of_record.append(stage)
    grid = Grid.from_records(records)
    stage_of = {k: stage_of_record[i] for i, (k, _) in enumerate(grid.items())}
    if overwrite:
        _remove_store(out)
    func = tempering_task if pt else simulate_task
    name = "ising pt" if pt else f"ising {params['model']}"
    n_run, elapsed = _run_sweep(func, grid, out, seed=seed, scheduler=scheduler,
                                n_workers=n_workers, name=name, stage_of=stage_of,
                                progress=progress)
    rows = []
    for L, p in per_size.items():
        sub = Grid.from_records([r for r in records if r[key] == L])
        measured = _measured_rows(load_results(out, sub), pt)
        n_spins = build_model(p).n_spins
        for r in sorted(measured, key=lambda r: r["T"]):
            row = {"model": p["model"], "algorithm": p["algorithm"],
                   "L": p.get("L"), "N": n_spins, **r}
            ref = exact_reference(p, r["T"])
            for k, v in ref.items():
                row[k] = v
            if "E_exact" in ref:
                row["E_z"] = (r["E"] - ref["E_exact"]) / r["E_err"] if r["E_err"] > 0 \
                    else math.nan
                row["C_z"] = (r["C"] - ref["C_exact"]) / r["C_err"] if r["C_err"] > 0 \
                    else math.nan
            rows.append(row)
    multi = len(size_list) > 1
    title = simulation_title({**base, key: size_list if multi else size_list[0]})
    crits = critical_temperatures(base)
    summary: dict[str, Any] = {"temperatures": len(T), "sizes": size_list,
                               "stored": len(rows), "title": title,
                               "critical_temperatures": dict(crits), "tasks_run": n_run,
                               "tasks_total": len(grid), "sweep_seconds": elapsed,
                               "store": str(store_path(out))}
    if rows:
        write_csv(out / "ising.csv", rows)
        t_lo, t_hi = min(r["T"] for r in rows), max(r["T"] for r in rows)
        pad = 0.05 * (t_hi - t_lo) if t_hi > t_lo else 0.1 * t_lo
        curves = theory_curves(per_size[size_list[-1]], max(t_lo - pad, 1e-3), t_hi + pad,
                               finite_size=not multi)
        fig = observables_figure(rows, curves, crits, title=title,
                                 u4_critical=U4_CRITICAL if _isotropic_ferromagnet(base)
                                 else None, size_key=key if multi else None)
        save_figure(fig, out / "ising.png")
    if multi and params.get("model", "ising") == "ising":
        cross = crossing_from_rows(rows, size_key=key, n_bootstrap=n_bootstrap, rng=seed)
        if cross is not None:
            summary["binder_crossing"] = {
                "T_c": cross.T_c, "T_c_err": cross.T_c_err, "U4_c": cross.U4_c,
                "U4_c_err": cross.U4_c_err, "n_bootstrap": cross.n_bootstrap,
                "pairs": cross.to_rows()}
            write_csv(out / "binder.csv", cross.to_rows())
            fig = binder_crossing_figure(rows, cross, crits, size_key=key, title=title)
            save_figure(fig, out / "binder.png")
    if rows and "E_z" in rows[0]:
        summary["max_abs_E_z_vs_kaufman"] = float(np.nanmax([abs(r["E_z"]) for r in rows]))
        summary["max_abs_C_z_vs_kaufman"] = float(np.nanmax([abs(r["C_z"]) for r in rows]))
    summary["all_errors_converged"] = bool(all(r["errors_converged"] for r in rows))
    return rows, summary


def simulation_title(params: dict[str, Any]) -> str:
    """Figure and table title of a simulation (model, sizes, algorithm, run length).

    Parameters
    ----------
    params : dict
        Parameter record of :func:`simulate_experiment` (``model``, ``L`` or
        ``N``, couplings ``J_h, J_v, J_d, h``, ``algorithm``, ...).

    Returns
    -------
    str
    """
    kind = params["model"]
    alg = params["algorithm"]
    side = params.get("L")
    if isinstance(side, list | tuple):
        lattice = "L = " + ",".join(str(v) for v in side)
    else:
        lattice = f"{side}x{side}"
    if isinstance(params.get("N"), list | tuple):
        params = {**params, "N": ",".join(str(v) for v in params["N"])}
    if kind == "ising":
        desc = f"Ising {lattice}, $J_h$={params.get('J_h', 1.0):g}, " \
               f"$J_v$={params.get('J_v', 1.0):g}"
        if params.get("J_d", 0.0):
            desc += f", $J_d$={params['J_d']:g}"
        if params.get("h", 0.0):
            desc += f", $h$={params['h']:g}"
    elif kind == "baxter-wu":
        desc = f"Baxter-Wu {lattice}"
    elif kind == "ea":
        desc = f"Edwards-Anderson d={params.get('d', 2)}, L={params['L']}, " \
               f"{params.get('disorder', 'pm')} couplings"
    else:
        desc = f"Sherrington-Kirkpatrick N={params['N']}"
    return f"{desc} -- {alg}, {params['n_sweeps']} sweeps x {params['n_chains']} chains"


