"""Run a function over a parameter grid, persisting each result as it finishes.

``func(params, rng) -> dict`` is called once per task of a :class:`Grid`, on a
local process pool (default), in this process (``n_workers=1``) or on a Dask
cluster (``scheduler="tcp://host:8786"``) -- the same loop in every case: the
coordinating process submits tasks, and commits each result to the SQLite
store in its own transaction as soon as it arrives, before it submits more.
Rerunning a sweep skips the tasks already stored, so an interrupted or killed
run resumes where it stopped; a task's random stream depends only on the sweep
seed and the task's parameters (:func:`~spinnet.sweeps.grid.task_seed`), so the
results do not depend on scheduling, on the backend or on what was done before.
"""

from __future__ import annotations

import datetime
import functools
import os
import pickle
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from spinnet._progress import ProgressCallback, report
from spinnet._validation import check_int
from spinnet.sweeps._backends import DaskCluster, InProcess, LocalPool, Outcome
from spinnet.sweeps.grid import Grid, seed_entropy
from spinnet.sweeps.store import STORE_FORMAT, ResultStore, load_results, store_path, to_csv

__all__ = ["StoreMismatchError", "Sweep", "SweepError", "TaskFailure", "run_sweep"]

TaskFunction = Callable[..., dict[str, Any]]
# Log lines hold paths: no markup (brackets), no highlighting, no hard wrapping.
_PLAIN: dict[str, Any] = {"markup": False, "highlight": False, "soft_wrap": True}


@dataclass(frozen=True)
class TaskFailure:
    """A task whose function raised: its parameters, key and traceback text.

    Attributes
    ----------
    params : dict
        The task's parameters.
    task_key : str
        Its key (:func:`~spinnet.sweeps.task_key`).
    traceback : str
        The formatted traceback of the exception.
    """

    params: dict[str, Any]
    task_key: str
    traceback: str = field(repr=False)

    @property
    def message(self) -> str:
        """The last line of the traceback (``ExceptionType: message``)."""
        lines = [ln for ln in self.traceback.strip().splitlines() if ln.strip()]
        return lines[-1] if lines else "unknown error"


class SweepError(RuntimeError):
    """Some tasks of a sweep raised; every other task was run and stored.

    Parameters
    ----------
    failures : list of TaskFailure
        The failed tasks.
    n_total, n_stored : int
        Tasks in the grid, and tasks of the grid now in the store.
    store : Path
        The sweep's store (named in the message).

    Attributes
    ----------
    failures : list of TaskFailure
        The failed tasks, with the full traceback of each.
    n_total, n_stored : int
        Tasks in the grid, and tasks of the grid now in the store.
    """

    def __init__(self, failures: list[TaskFailure], n_total: int, n_stored: int,
                 store: Path) -> None:
        self.failures = list(failures)
        self.n_total = n_total
        self.n_stored = n_stored
        self.store = store
        lines = [
            f"{len(self.failures)} of {n_total} tasks failed ({n_stored} stored in {store}); "
            "run the sweep again to retry only the failed tasks:"
        ]
        lines += [f"  {f.params}: {f.message}" for f in self.failures[:10]]
        if len(self.failures) > 10:
            lines.append(f"  ... and {len(self.failures) - 10} more (see SweepError.failures)")
        super().__init__("\n".join(lines))


class StoreMismatchError(ValueError):
    """A sweep store was made by another task function or seed.

    Parameters
    ----------
    path : Path
        The store.
    differences : dict of str to tuple
        ``{"function" | "seed": (stored value, requested value)}``.

    Attributes
    ----------
    path : Path
        The store.
    differences : dict
        ``{"function" | "seed": (stored value, requested value)}``.
    """

    def __init__(self, path: Path, differences: dict[str, tuple[Any, Any]]) -> None:
        self.path = path
        self.differences = dict(differences)
        wrong = [f"{name} {old!r} (got {new!r})" if name == "function" else
                 f"{name} {old} (got {new})" for name, (old, new) in self.differences.items()]
        super().__init__(
            f"out_dir store {path} was made by {' and '.join(wrong)}; "
            "resuming would mix incompatible results. Use another out_dir, or "
            "overwrite=True to discard the stored results"
        )


def _function_name(func: Any) -> str:
    """Identity of a task function, as stored with the sweep (module.qualname)."""
    if isinstance(func, functools.partial):
        return (f"functools.partial({_function_name(func.func)}, "
                f"args={func.args!r}, keywords={func.keywords!r})")
    target = func if hasattr(func, "__qualname__") else type(func)
    return f"{getattr(target, '__module__', '?')}.{target.__qualname__}"


def _default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


class Sweep:
    """A function over a parameter grid, with a persistent, resumable result store.

    Parameters
    ----------
    func : callable
        ``func(params: dict, rng: numpy.random.Generator) -> dict`` returning a
        flat dict of scalars (int, float, str, bool, None; NumPy scalars are
        converted) whose names differ from the parameter names. To run in
        worker processes or on Dask it must be picklable: a function defined at
        module level of an importable module.
    grid : Grid
        The tasks.
    out_dir : path
        Output directory; the store is ``out_dir/results.sqlite`` (a path
        ending in ``.sqlite`` names the store file itself).
    seed : int
        Sweep seed; task ``params`` gets the stream
        ``SeedSequence([seed, *words(task_key(params))])``.
    name : str, optional
        Label for the progress bar and the store (default: the function name).
    overwrite : bool
        Discard an existing store at ``out_dir`` when the sweep first runs.
        Without it, a store made by another function or seed is refused.

    Raises
    ------
    StoreMismatchError
        (a ``ValueError``) If ``out_dir`` holds a store made by a different
        function or seed (and ``overwrite`` is false); its ``differences``
        say which.
    """

    def __init__(self, func: TaskFunction, grid: Grid, out_dir: str | os.PathLike, *,
                 seed: int, name: str | None = None, overwrite: bool = False) -> None:
        if not callable(func):
            raise TypeError(f"func must be callable; got {type(func).__name__}")
        if not isinstance(grid, Grid):
            hint = " (use Grid.from_records for a list of dicts)" if isinstance(
                grid, list | tuple) else ""
            raise TypeError(f"grid must be a spinnet.sweeps.Grid{hint}; got "
                            f"{type(grid).__name__}")
        if not isinstance(overwrite, bool):
            raise TypeError(f"overwrite must be a bool; got {type(overwrite).__name__}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a string or None; got {type(name).__name__}")
        self.func = func
        self.grid = grid
        self.seed = check_int(seed, "seed", minimum=0)
        self.path = store_path(out_dir)
        self.function = _function_name(func)
        self.name = name or getattr(func, "__name__", None) or type(func).__name__
        self._overwrite = overwrite
        #: Tasks run (and stored) by the latest :meth:`run`.
        self.last_run_count = 0
        if not overwrite:
            self._check_store()

    def __repr__(self) -> str:
        return (f"Sweep({self.function}, {self.grid!r}, seed={self.seed}, "
                f"store={str(self.path)!r})")

    def _check_store(self) -> None:
        if not self.path.exists():
            return
        with ResultStore(self.path) as store:
            meta = store.meta()
        if "function" not in meta:  # created but never described: adopt it
            return
        if meta.get("store_format", STORE_FORMAT) > STORE_FORMAT:
            raise ValueError(f"{self.path} was written by a newer spinnet "
                             f"(store format {meta['store_format']})")
        wrong: dict[str, tuple[Any, Any]] = {}
        if meta["function"] != self.function:
            wrong["function"] = (meta["function"], self.function)
        if meta["seed"] != self.seed:
            wrong["seed"] = (meta["seed"], self.seed)
        if wrong:
            raise StoreMismatchError(self.path, wrong)

    def _wipe(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            p = Path(f"{self.path}{suffix}")
            if p.exists():
                p.unlink()
        self._overwrite = False

    def pending(self) -> list[dict[str, Any]]:
        """Tasks of the grid not yet in the store, in grid order."""
        return [p for _, p in self._pending_items()]

    def _pending_items(self) -> list[tuple[str, dict[str, Any]]]:
        done: set[str] = set()
        if self.path.exists() and not self._overwrite:
            with ResultStore(self.path) as store:
                done = store.done_keys()
        return [(k, p) for k, p in self.grid.items() if k not in done]

    def results(self) -> list[dict[str, Any]]:
        """Finished tasks of this grid (params merged with results), in grid order."""
        return load_results(self.path, self.grid)

    def to_csv(self, path: str | os.PathLike | None = None) -> Path:
        """Write this grid's finished tasks as a tidy CSV (see :func:`to_csv`)."""
        return to_csv(self.path, path, self.grid)

    def _backend(self, scheduler: Any, n_workers: int | None, n_todo: int):
        if scheduler is not None:
            if n_workers is not None:
                raise ValueError(
                    "n_workers applies to local runs only; with scheduler= the Dask "
                    f"cluster's workers run the tasks (got n_workers={n_workers!r})"
                )
            return DaskCluster(self.func, scheduler)
        n = _default_workers() if n_workers is None else check_int(n_workers, "n_workers",
                                                                   minimum=1)
        n = min(n, n_todo)
        if n == 1:
            return InProcess(self.func)
        try:
            pickle.dumps(self.func)
        except Exception as exc:
            raise TypeError(
                f"func must be picklable to run in worker processes (a function defined "
                f"at module level, not a lambda or a local function); {self.function!r} "
                f"is not ({exc}). Use n_workers=1 to run it in this process"
            ) from exc
        return LocalPool(self.func, n)

    def run(self, *, scheduler: Any = None, n_workers: int | None = None,
            progress: bool | ProgressCallback = True) -> list[dict[str, Any]]:
        """Run every task not yet in the store; return the grid's results.

        Parameters
        ----------
        scheduler : str or distributed.Client, optional
            Address of a Dask scheduler (``"tcp://host:8786"``) or a client. By
            default tasks run on a local process pool.
        n_workers : int, optional
            Local worker processes (default: the CPUs available to this
            process). ``1`` runs every task in this process, without a pool.
        progress : bool or callable
            ``True``: show a progress bar (done/total, counting tasks already
            stored, and the estimated time left) and a summary line, on stderr.
            A callable ``progress(stage, completed, total)``
            (:data:`spinnet._progress.ProgressCallback`) is called instead, with
            ``stage`` the sweep's name, after each stored task (and once at the
            start, counting the tasks already stored); nothing is printed.

        Returns
        -------
        list of dict
            ``{**params, **result}`` for every task of the grid, in grid order.

        Raises
        ------
        SweepError
            If some tasks raised. All other tasks are stored; running again
            retries only the failed ones.
        """
        callback: ProgressCallback | None = None
        if callable(progress) and not isinstance(progress, bool):
            callback, progress = progress, False
        elif not isinstance(progress, bool):
            raise TypeError(f"progress must be a bool or a callable; got "
                            f"{type(progress).__name__}")
        if self._overwrite:
            self._wipe()
        self._check_store()
        todo = self._pending_items()
        n_total = len(self.grid)
        self.last_run_count = 0
        console = Console(stderr=True)
        report(callback, self.name, n_total - len(todo), n_total)
        if not todo:
            if progress:
                console.print(f"{self.name}: nothing to do, all {n_total} tasks are "
                              f"already stored in {self.path}", **_PLAIN)
            return self.results()

        started = time.perf_counter()
        # The backend first: a local pool forks its workers before the store is
        # opened and before the progress bar starts a thread.
        backend = self._backend(scheduler, n_workers, len(todo))
        in_flight: dict[Any, tuple[str, dict[str, Any], list[int]]] = {}
        failures: list[TaskFailure] = []
        n_run = 0
        store = None
        try:
            store = ResultStore(self.path, create=True)
            self._describe(store, backend.description)
            completion = backend.completion()
            queue = iter(todo)

            def submit_more() -> None:
                while len(in_flight) < backend.max_in_flight:
                    item = next(queue, None)
                    if item is None:
                        return
                    key, params = item
                    entropy = seed_entropy(self.seed, key)
                    future = backend.submit(key, params, entropy)
                    in_flight[future] = (key, params, entropy)
                    completion.add(future)

            bar = Progress(
                TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("[red]{task.fields[failed]}"), TimeElapsedColumn(),
                TextColumn("eta"), TimeRemainingColumn(),
                console=console, disable=not progress,
            )
            with bar:
                task = bar.add_task(escape(self.name), total=n_total, completed=n_total - len(todo),
                                    failed="")
                submit_more()
                while in_flight:
                    future = completion.next()
                    key, params, entropy = in_flight.pop(future)
                    try:
                        outcome = future.result()
                    except Exception as exc:  # the worker, not func, failed
                        outcome = Outcome(False, None, "".join(traceback.format_exception(exc)),
                                          float("nan"), "")
                    if outcome.ok:
                        store.add(key, params, outcome.result, entropy, outcome.elapsed,
                                  outcome.worker)
                        n_run += 1
                        self.last_run_count = n_run
                    else:
                        failures.append(TaskFailure(params, key, outcome.error or ""))
                    bar.update(task, advance=1,
                               failed=f"{len(failures)} failed" if failures else "")
                    report(callback, self.name, n_total - len(todo) + n_run + len(failures),
                           n_total)
                    submit_more()
        finally:
            if in_flight:
                backend.cancel(list(in_flight))
            backend.close()
            if store is not None:
                store.close()
        if progress:
            console.print(
                f"{self.name}: ran {n_run} tasks in {time.perf_counter() - started:.1f} s "
                f"({backend.description}); {n_total - len(failures)}/{n_total} stored "
                f"in {self.path}", **_PLAIN
            )
        if failures:
            raise SweepError(failures, n_total, n_total - len(failures), self.path)
        return self.results()

    def _describe(self, store: ResultStore, backend: str) -> None:
        from spinnet import __version__

        meta = store.meta()
        values: dict[str, Any] = {"grid": self.grid.to_dict(), "updated": _now(),
                                  "last_backend": backend, "last_spinnet_version": __version__}
        if "function" not in meta:
            values.update(function=self.function, seed=self.seed, name=self.name,
                          store_format=STORE_FORMAT, spinnet_version=__version__,
                          created=_now())
        store.set_meta(values)


def run_sweep(func: TaskFunction, grid: Grid, out_dir: str | os.PathLike, *, seed: int,
              scheduler: Any = None, n_workers: int | None = None,
              progress: bool | ProgressCallback = True,
              name: str | None = None, overwrite: bool = False) -> list[dict[str, Any]]:
    """Run ``func`` over ``grid``, storing each result in ``out_dir`` as it finishes.

    Shorthand for ``Sweep(func, grid, out_dir, seed=seed, name=name,
    overwrite=overwrite).run(scheduler=scheduler, n_workers=n_workers,
    progress=progress)``; see :class:`Sweep` and :meth:`Sweep.run`.

    Parameters
    ----------
    func : callable
        ``func(params: dict, rng: numpy.random.Generator) -> dict`` of scalars
        (picklable for worker processes or Dask; see :class:`Sweep`).
    grid : Grid
        The tasks.
    out_dir : str or path
        Output directory of the store ``results.sqlite`` (or the ``.sqlite``
        file itself).
    seed : int
        Sweep seed; each task's stream is :func:`~spinnet.sweeps.task_seed`.
    scheduler : str or distributed.Client, optional
        Dask scheduler address or client; default: a local process pool.
    n_workers : int, optional
        Local worker processes (default: the CPUs available; ``1``: in process).
    progress : bool or callable, default True
        Progress bar and summary line, or a ``progress(stage, completed, total)``
        callback (see :meth:`Sweep.run`).
    name : str, optional
        Label for the progress bar and the store (default: the function name).
    overwrite : bool, default False
        Discard an existing store at ``out_dir``.

    Returns
    -------
    list of dict
        ``{**params, **result}`` for every task of the grid, in grid order.

    Raises
    ------
    SweepError
        If some tasks raised (all others are stored; a rerun retries only those).
    StoreMismatchError
        If ``out_dir`` holds a store of another function or seed.

    Examples
    --------
    >>> def magnetisation(params, rng):                       # doctest: +SKIP
    ...     return {"m": float(rng.normal(1 - params["T"], 0.01))}
    >>> grid = Grid(T=np.linspace(0.5, 1.5, 11), trial=range(4))  # doctest: +SKIP
    >>> rows = run_sweep(magnetisation, grid, "out/m_vs_T", seed=1)  # doctest: +SKIP
    """
    sweep = Sweep(func, grid, out_dir, seed=seed, name=name, overwrite=overwrite)
    return sweep.run(scheduler=scheduler, n_workers=n_workers, progress=progress)
