"""Parameter sweeps: declarative grids, persistent resumable results, local or Dask.

>>> from spinnet.sweeps import Grid, run_sweep, load_results      # doctest: +SKIP
>>> grid = Grid(alpha=[0.05, 0.1], T=np.linspace(0, 1, 5), trial=range(3))
>>> run_sweep(retrieval_task, grid, "out/phase", seed=1)           # local pool
>>> run_sweep(retrieval_task, grid, "out/phase", seed=1,
...           scheduler="tcp://10.0.0.1:8786")                      # Dask cluster

``func(params, rng) -> dict`` runs once per task; each result is committed to
``out/phase/results.sqlite`` as soon as it arrives, a rerun skips what is
stored, and a task's random stream depends only on ``(seed, params)``.
See ``docs/sweeps.md``.
"""

from __future__ import annotations

from spinnet.sweeps.grid import Grid, task_key, task_seed
from spinnet.sweeps.runner import StoreMismatchError, Sweep, SweepError, TaskFailure, run_sweep
from spinnet.sweeps.store import load_results, store_path, to_csv

__all__ = [
    "Grid",
    "StoreMismatchError",
    "Sweep",
    "SweepError",
    "TaskFailure",
    "load_results",
    "run_sweep",
    "store_path",
    "task_key",
    "task_seed",
    "to_csv",
]
