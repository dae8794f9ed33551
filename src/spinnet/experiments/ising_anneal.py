"""Simulated annealing for spin-glass ground states (``spinnet anneal``).

:func:`anneal_experiment` anneals an SK or EA instance with
:func:`spinnet.samplers.anneal` (energies recorded after every sweep), checks
the result against the exact ground state by enumeration
(:func:`spinnet.theory.enumeration.exact_ground_state`) for ``N <= 24``, and
writes a table, the energy trace and a figure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from spinnet._io import write_csv
from spinnet._progress import ProgressCallback
from spinnet._validation import check_int
from spinnet.experiments.ising_simulate import build_model
from spinnet.samplers import anneal, temperature_schedule
from spinnet.theory.enumeration import exact_ground_state

__all__ = ["PARISI_E0", "SCHEDULES", "anneal_experiment", "anneal_title", "stepped_schedule"]

#: CLI schedule names -> :func:`spinnet.samplers.temperature_schedule` kinds.
SCHEDULES = {"log": "logarithmic", "logarithmic": "logarithmic", "geometric": "geometric",
             "linear": "linear"}

#: Ground-state energy per spin of the SK model for ``N → ∞`` (Parisi's full RSB
#: solution): ``e₀ = -0.7631667(2)`` (Crisanti & Rizzo, Phys. Rev. E 65, 046137 (2002)).
PARISI_E0 = -0.7631667

#: Exact ground states are enumerated up to this many spins.
EXACT_MAX_SPINS = 24


def stepped_schedule(kind: str, n_sweeps: int, n_steps: int, T0: float = 3.0,
                     T_final: float = 0.05) -> np.ndarray:
    """A schedule held constant for ``n_sweeps / n_steps`` sweeps at each of ``n_steps`` levels.

    The levels are :func:`~spinnet.samplers.temperature_schedule` ``(kind,
    n_steps, T0, T_final)``. Equal consecutive temperatures share one kernel
    call in :func:`~spinnet.samplers.anneal`, which matters for small systems
    where a call costs more than a sweep.

    Parameters
    ----------
    kind : {"logarithmic", "log", "geometric", "linear"}
        Schedule of the levels.
    n_sweeps : int
        Total sweeps, a multiple of ``n_steps``.
    n_steps : int
        Number of temperature levels (>= 1).
    T0, T_final : float, default 3.0, 0.05
        First and last level.

    Returns
    -------
    ndarray of float64, shape (n_sweeps,)
        Temperature of each sweep.
    """
    n_steps = check_int(n_steps, "n_steps", minimum=1)
    n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=n_steps)
    if n_sweeps % n_steps:
        raise ValueError(f"n_sweeps must be a multiple of n_steps; got {n_sweeps} and {n_steps}")
    levels = temperature_schedule(SCHEDULES.get(kind, kind), n_steps, T0, T_final)
    return np.repeat(levels, n_sweeps // n_steps)


def anneal_title(params: dict[str, Any], N: int) -> str:
    """Short description of the annealed instance (``SK N=100``, ``EA d=2 L=4 (pm)``).

    Parameters
    ----------
    params : dict
        Parameter record (``model`` ``"sk"`` or ``"ea"``; ``L``, ``d``,
        ``disorder`` for EA).
    N : int
        Number of spins (SK).

    Returns
    -------
    str
    """
    if params["model"] == "sk":
        return f"SK N={N}"
    return f"EA d={params.get('d', 2)} L={params['L']} ({params.get('disorder', 'pm')})"


def anneal_experiment(params: dict[str, Any], out: str | Path, *, seed: int = 0,
                      progress: ProgressCallback | None = None
                      ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Ground-state search by simulated annealing; exact check for ``N <= 24``.

    Parameters
    ----------
    params : dict
        ``model`` (``"sk"`` or ``"ea"``) with its parameters (``N`` /
        ``L``, ``d``, ``disorder``), ``schedule`` (a key of :data:`SCHEDULES`),
        ``n_sweeps``, ``n_restarts``, ``T0``, ``T_final``. The couplings come
        from ``seed`` (the same instance as ``spinnet ising simulate --model ...
        --seed``), the annealing from an independent child stream.
    out : path
        ``anneal.csv`` (one row per restart), ``anneal_trace.csv`` (energy vs
        sweep, at most ~1000 rows) and ``anneal.png``.
    seed : int
    progress : ProgressCallback, optional
        ``progress("anneal", sweeps_done, n_sweeps)``.

    Returns
    -------
    rows, summary
        ``summary`` also holds ``title`` (for the console table).
    """
    from spinnet.plotting.ising import anneal_figure, save_figure

    out = Path(out)
    model = build_model({**params, "disorder_seed": seed})
    N = model.n_spins
    gen = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    schedule = SCHEDULES.get(params["schedule"], params["schedule"])
    res = anneal(model, schedule, int(params["n_sweeps"]), int(params["n_restarts"]), gen,
                 T0=float(params["T0"]), T_final=float(params["T_final"]),
                 record_energies=True, progress=progress)
    trace = res.energy_trace
    final = res.energies / N
    best_r = int(np.argmin(final))
    gs = exact_ground_state(model) if N <= EXACT_MAX_SPINS else None
    tol = 1e-9 * max(1.0, abs(gs.energy)) / N if gs else 0.0
    rows = []
    for r, e in enumerate(final):
        row: dict[str, Any] = {"restart": r, "e_final": float(e),
                               "e_end_of_schedule": float(trace[r, -1]),
                               "best": bool(r == best_r)}
        if gs is not None:
            row["e_exact"] = gs.energy / N
            row["found_ground_state"] = bool(e <= gs.energy / N + tol)
        rows.append(row)
    write_csv(out / "anneal.csv", rows)
    n_t = trace.shape[1]
    idx = np.unique(np.round(np.geomspace(1, n_t, min(n_t, 1000))).astype(int)) - 1
    write_csv(out / "anneal_trace.csv",
              [{"sweep": int(i + 1), "T": float(res.temperatures[i]),
                "e_mean": float(trace[:, i].mean()),
                "e_min": float(trace[:, i].min())} for i in idx])
    reference = [("Parisi $e_0$ ($N = \\infty$)", PARISI_E0)] if params["model"] == "sk" else []
    title = (f"{anneal_title(params, N)}: {schedule} schedule, "
             f"{params['n_sweeps']} sweeps x {params['n_restarts']} restarts")
    fig = anneal_figure(trace, res.temperatures, final,
                        exact=None if gs is None else gs.energy / N, references=reference,
                        title=title)
    save_figure(fig, out / "anneal.png")
    summary: dict[str, Any] = {"N": N, "best_energy_per_spin": float(final[best_r]),
                               "mean_energy_per_spin": float(final.mean()),
                               "title": anneal_title(params, N)}
    if gs is not None:
        found = [r["found_ground_state"] for r in rows]
        summary.update(exact_energy_per_spin=gs.energy / N, found_ground_state=bool(any(found)),
                       restarts_at_ground_state=int(sum(found)),
                       ground_state_degeneracy=gs.degeneracy)
    if params["model"] == "sk":
        summary["parisi_e0"] = PARISI_E0
    return rows, summary
