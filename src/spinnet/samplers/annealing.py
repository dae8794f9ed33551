"""Simulated annealing: Metropolis sweeps along a decreasing temperature schedule.

Kirkpatrick, Gelatt & Vecchi, Science 220, 671 (1983). Schedules:

* ``"logarithmic"`` ``T(t) = T0 / (1 + ln t)``, ``t = 1, 2, ...`` -- the slow
  schedule of Geman & Geman, IEEE PAMI 6, 721 (1984) under which annealing
  provably reaches a ground state (as in the lectures);
* ``"geometric"`` ``T(t) = T0 (T_final / T0)^((t-1)/(n-1))``;
* ``"linear"`` from ``T0`` to ``T_final``;
* or any explicit array of temperatures.

After the schedule every restart is quenched at zero temperature (only
``ΔE < 0`` flips, sequential sweeps until none is accepted), so the returned
states are local minima. ``record_energies=True`` also keeps the energy of
every restart after every sweep (measuring draws no random numbers, so the
chains are the same as without it).
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any

import numpy as np

from spinnet._progress import ProgressCallback, report
from spinnet._rng import SeedLike
from spinnet._validation import _check_real, check_array, check_int
from spinnet.models.base import SpinModel
from spinnet.samplers import _kernels_local as K
from spinnet.samplers.local import Metropolis

__all__ = ["AnnealResult", "anneal", "temperature_schedule"]

SCHEDULES = ("logarithmic", "geometric", "linear")


def temperature_schedule(kind: str, n_sweeps: int, T0: float = 5.0,
                         T_final: float = 0.05) -> np.ndarray:
    """Temperatures ``T(t)`` for sweeps ``t = 1 .. n_sweeps``.

    Parameters
    ----------
    kind : {"logarithmic", "geometric", "linear"}
        ``T0 / (1 + ln t)`` (Geman & Geman 1984), ``T0 (T_final/T0)^{(t-1)/(n-1)}``
        or a straight line from ``T0`` to ``T_final``.
    n_sweeps : int >= 1
        Number of sweeps (length of the schedule).
    T0 : float, default 5.0
        Initial temperature, ``> 0``.
    T_final : float, default 0.05
        Final temperature (geometric, linear), ``0 < T_final <= T0``; checked
        but not used by the logarithmic schedule.

    Returns
    -------
    ndarray of float64, shape (n_sweeps,)
        ``T(t)`` for ``t = 1 .. n_sweeps``.
    """
    if kind not in SCHEDULES:
        raise ValueError(f"schedule must be one of {list(SCHEDULES)} or an array of "
                         f"temperatures; got {kind!r}")
    n = check_int(n_sweeps, "n_sweeps", minimum=1)
    T0 = _check_real(T0, "T0")
    T_final = _check_real(T_final, "T_final")
    if T0 <= 0:
        raise ValueError(f"T0 must be > 0; got {T0}")
    if not 0 < T_final <= T0:
        raise ValueError(f"T_final must lie in (0, T0]; got {T_final}")
    t = np.arange(1, n + 1, dtype=np.float64)
    if kind == "logarithmic":
        return T0 / (1.0 + np.log(t))
    frac = (t - 1) / max(n - 1, 1)
    if kind == "geometric":
        return T0 * (T_final / T0) ** frac
    return T0 + (T_final - T0) * frac


@dataclasses.dataclass
class AnnealResult:
    """Outcome of :func:`anneal`.

    Attributes
    ----------
    spins : ndarray of int8, shape (N,)
        Best (lowest-energy) final state over the restarts.
    energy : float
        Its total energy.
    energies : ndarray, shape (n_restarts,)
        Final (quenched) energy of every restart.
    all_spins : ndarray of int8, shape (n_restarts, N)
    temperatures : ndarray, shape (n_sweeps,)
        The schedule used.
    energy_trace : ndarray, shape (n_restarts, n_sweeps), or None
        Energy *per spin* of every restart after each sweep of the schedule
        (before the quench); only with ``record_energies=True``.
    """

    spins: np.ndarray
    energy: float
    energies: np.ndarray
    all_spins: np.ndarray
    temperatures: np.ndarray
    energy_trace: np.ndarray | None = None


def anneal(model: SpinModel, schedule: str | Any = "geometric", n_sweeps: int = 1000,
           n_restarts: int = 8, rng: SeedLike = None, *, T0: float = 5.0,
           T_final: float = 0.05, order: str | None = None,
           max_quench_sweeps: int = 10_000, record_energies: bool = False,
           progress: ProgressCallback | None = None) -> AnnealResult:
    """Simulated annealing with independent restarts and a final zero-T quench.

    Parameters
    ----------
    model : SpinModel
    schedule : {"logarithmic", "geometric", "linear"} or array_like of float, shape (n_sweeps,)
        A named :func:`temperature_schedule` or explicit temperatures ``> 0``.
        An array sets ``n_sweeps`` to its length.
    n_sweeps : int
        Sweeps of the schedule.
    n_restarts : int
        Independent runs from random starts (parallel chains).
    rng : SeedLike
    T0, T_final : float
        Schedule end points (``T_final`` unused by the logarithmic schedule).
    order : str, optional
        Metropolis visiting order (see :class:`~spinnet.samplers.Metropolis`).
    max_quench_sweeps : int
        Safety bound on zero-T sweeps (each accepted flip lowers ``E``, so the
        quench always ends).
    record_energies : bool
        Keep the energy per spin of every restart after every sweep
        (``AnnealResult.energy_trace``).
    progress : ProgressCallback, optional
        Called as ``progress("anneal", sweeps_done, n_sweeps)`` as the schedule runs.

    Returns
    -------
    AnnealResult
    """
    if isinstance(schedule, str):
        temps = temperature_schedule(schedule, n_sweeps, T0, T_final)
    else:
        temps = check_array(schedule, "schedule", ndim=1, dtype=np.float64)
        if np.any(temps <= 0):
            raise ValueError("schedule temperatures must be > 0")
    n_restarts = check_int(n_restarts, "n_restarts", minimum=1)
    max_quench_sweeps = check_int(max_quench_sweeps, "max_quench_sweeps", minimum=1)
    sampler = Metropolis(order)
    state = sampler.init(model, float(temps[0]), n_restarts, rng=rng)
    C = state.n_chains
    n = len(temps)
    empty_e = np.zeros((C, 0))
    empty_s = np.zeros((C, 0, model.n_spins), np.int8)
    trace = np.empty((C, n)) if record_energies else None
    # Blocks of equal temperature share one kernel call.
    change = np.flatnonzero(np.diff(temps)) + 1
    bounds = np.concatenate([[0], change, [n]])
    every = max(1, n // 200)  # ~200 progress reports at most
    last = 0
    for a, b in itertools.pairwise(bounds):
        state.beta[:] = 1.0 / temps[a]
        if trace is None:
            sampler._advance(model, state, int(b - a), 1, empty_e, empty_e, empty_s)
        else:
            out_e = np.zeros((C, b - a))
            out_m = np.zeros((C, b - a))
            sampler._advance(model, state, int(b - a), 1, out_e, out_m, empty_s)
            trace[:, a:b] = out_e
        if b - last >= every or b == n:
            report(progress, "anneal", int(b), n)
            last = b
    # Zero-temperature quench: sequential sweeps, ΔE < 0 only, until no flip.
    quench = Metropolis("sequential")
    for _ in range(max_quench_sweeps):
        before = state.n_accepted.copy()
        quench._advance(model, state, 1, 1, empty_e, empty_e, empty_s, rule=K.ZERO_T)
        if np.array_equal(before, state.n_accepted):
            break
    energies = np.asarray(model.energy(state.spins), dtype=np.float64).reshape(C)
    best = int(np.argmin(energies))
    return AnnealResult(spins=state.spins[best].copy(), energy=float(energies[best]),
                        energies=energies, all_spins=state.spins.copy(), temperatures=temps,
                        energy_trace=trace)
