"""Where tasks run: in-process, a local process pool, or a Dask cluster.

One tiny interface over :mod:`concurrent.futures` and :mod:`distributed`
futures (``submit`` -> future, a completion queue that accepts new futures,
``close``) so that the sweep loop is the same for every backend. Nothing here
distributes work itself: the pool and the Dask scheduler do.
"""

from __future__ import annotations

import os
import socket
import sys
import time
import traceback
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, NamedTuple

import numpy as np

from spinnet.sweeps.grid import _plain

__all__: list[str] = []


class Outcome(NamedTuple):
    """What a worker sends back for one task (plain data, always picklable)."""

    ok: bool
    result: dict[str, Any] | None
    error: str | None
    elapsed: float
    worker: str


def _where() -> str:
    if "distributed" in sys.modules:
        try:
            from distributed import get_worker

            return str(get_worker().address)
        except (ImportError, ValueError):
            pass
    return f"{socket.gethostname()}:{os.getpid()}"


def clean_result(result: Any, params: Mapping[str, Any]) -> dict[str, Any]:
    """Check that a task returned a flat dict of scalars; return plain Python values."""
    if not isinstance(result, Mapping):
        raise TypeError(f"func must return a dict of results; got {type(result).__name__}")
    out = {}
    for name, value in result.items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"func result names must be non-empty strings; got {name!r}")
        if name in params:
            raise ValueError(
                f"func result {name!r} has the name of a parameter; rename it "
                "(results and parameters share one row of the table)"
            )
        # Results may be NaN or infinite (a divergent susceptibility is a result).
        out[name] = _plain(value, f"func result {name!r}", finite=False)
    return out


def execute(func: Callable[..., Any], params: dict[str, Any], entropy: list[int]) -> Outcome:
    """Run one task on a worker: build its generator, call ``func``, check the result.

    Exceptions raised by ``func`` come back as a traceback string, so that an
    exception class that cannot be pickled cannot break the pool or the client.
    """
    start = time.perf_counter()
    try:
        rng = np.random.default_rng(np.random.SeedSequence(entropy))
        result = clean_result(func(dict(params), rng), params)
    except Exception:
        return Outcome(False, None, traceback.format_exc(), time.perf_counter() - start,
                       _where())
    return Outcome(True, result, None, time.perf_counter() - start, _where())


class _Completion:
    """Completed futures one at a time, from a set that may grow (local futures)."""

    def __init__(self) -> None:
        self._pending: set[Future] = set()
        self._ready: deque[Future] = deque()

    def add(self, future: Future) -> None:
        self._pending.add(future)

    def next(self) -> Future:
        if not self._ready:
            done, _ = wait(self._pending, return_when=FIRST_COMPLETED)
            self._pending -= done
            self._ready.extend(done)
        return self._ready.popleft()


class InProcess:
    """Run each task in the calling process, at submission (``n_workers=1``)."""

    max_in_flight = 1

    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func
        self.description = "in-process"

    def submit(self, key: str, params: dict[str, Any], entropy: list[int]) -> Future:
        future: Future = Future()
        future.set_result(execute(self.func, params, entropy))
        return future

    def completion(self) -> _Completion:
        return _Completion()

    def cancel(self, futures: list[Any]) -> None:
        pass

    def close(self) -> None:
        pass


def _start_method() -> str | None:
    """``"spawn"`` once Numba's OpenMP threading layer runs in this process, else the default.

    Numba's OpenMP layer aborts a forked child ("fork() called from a process already
    using GNU OpenMP"), so a process that has already run a parallel kernel (e.g. an
    earlier experiment in the same Python session) must spawn its workers. Otherwise the
    platform default (fork on Linux) is kept: it starts fast and, unlike spawn, does not
    need an ``if __name__ == "__main__"`` guard in the user's script.
    """
    import sys

    numba = sys.modules.get("numba")
    if numba is not None:
        try:
            layer = numba.threading_layer()
        except ValueError:          # no parallel kernel has run yet
            layer = None
        if layer == "omp":
            return "spawn"
    return None


class LocalPool(InProcess):
    """A :class:`~concurrent.futures.ProcessPoolExecutor` with ``n_workers`` processes."""

    def __init__(self, func: Callable[..., Any], n_workers: int) -> None:
        self.func = func
        self.max_in_flight = 2 * n_workers  # keeps every worker busy, few tasks queued
        self.description = f"{n_workers} processes"
        import multiprocessing

        context = multiprocessing.get_context(_start_method())
        self._pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=context)
        # Start the workers now, before the progress bar starts its thread and before
        # the store is opened.
        self._pool.submit(int).result()

    def submit(self, key: str, params: dict[str, Any], entropy: list[int]) -> Future:
        return self._pool.submit(execute, self.func, params, entropy)

    def cancel(self, futures: list[Any]) -> None:
        for f in futures:
            f.cancel()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class _DaskCompletion:
    def __init__(self, client: Any) -> None:
        from distributed import as_completed

        # The client's loop: the client need not be the process-wide default one.
        self._ac = as_completed(loop=client.loop)

    def add(self, future: Any) -> None:
        self._ac.add(future)

    def next(self) -> Any:
        return next(self._ac)


class DaskCluster:
    """Submit tasks to a Dask cluster through a :class:`distributed.Client`."""

    # Bounded so that huge grids do not all sit in the scheduler at once, yet
    # large enough that workers joining later always find work.
    max_in_flight = 10_000

    def __init__(self, func: Callable[..., Any], scheduler: Any) -> None:
        try:
            import distributed
        except ImportError as exc:
            raise ImportError(
                "scheduler= needs Dask's distributed scheduler: "
                "pip install 'dask[distributed]' (or 'spinnet[dask]')"
            ) from exc
        if isinstance(scheduler, distributed.Client):
            self.client, self._owned = scheduler, False
        elif isinstance(scheduler, str):
            self.client = distributed.Client(scheduler, set_as_default=False)
            self._owned = True
        else:
            raise TypeError(
                "scheduler must be an address such as 'tcp://host:8786' or a "
                f"distributed.Client; got {type(scheduler).__name__}"
            )
        self.func = func
        self._prefix = getattr(func, "__name__", "sweep_task")
        self.description = f"Dask {self.client.scheduler.address} ({self._n_workers()} workers)"

    def _n_workers(self) -> int:
        return len(self.client.nthreads())

    def submit(self, key: str, params: dict[str, Any], entropy: list[int]) -> Any:
        # A readable, unique Dask key: the dashboard groups tasks by the prefix.
        dkey = f"{self._prefix}-{key[:16]}-{uuid.uuid4().hex[:12]}"
        return self.client.submit(execute, self.func, params, entropy, key=dkey, pure=False)

    def completion(self) -> _DaskCompletion:
        return _DaskCompletion(self.client)

    def cancel(self, futures: list[Any]) -> None:
        if futures:
            self.client.cancel(futures)

    def close(self) -> None:
        if self._owned:
            self.client.close()
