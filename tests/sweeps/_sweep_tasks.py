"""Task functions for the sweep tests, importable by worker processes and subprocesses.

Side channels are environment variables, so that a pool forked from the test,
a subprocess or a Dask worker started with that environment all see them:

- ``SPINNET_SWEEP_SLEEP``: seconds each task sleeps (default 0);
- ``SPINNET_SWEEP_CALL_LOG``: a file to which each call appends its ``x``;
- ``SPINNET_SWEEP_FAIL_FLAG``: while this file exists, the task with ``x == 3`` raises.
"""

from __future__ import annotations

import os
import time

import numpy as np

from spinnet.sweeps import Grid


def slow_task(params, rng):
    log = os.environ.get("SPINNET_SWEEP_CALL_LOG")
    if log:
        # O_APPEND writes of one short line are atomic across processes.
        with open(log, "a") as fh:
            fh.write(f"{params['x']}\n")
    time.sleep(float(os.environ.get("SPINNET_SWEEP_SLEEP", "0")))
    flag = os.environ.get("SPINNET_SWEEP_FAIL_FLAG")
    if flag and os.path.exists(flag) and params["x"] == 3:
        raise ValueError("planned failure at x=3")
    return {
        "u": rng.random(),                       # a NumPy float, converted by the sweep
        "k": int(rng.integers(1 << 30)),
        "e": float(np.mean(rng.standard_normal(5))),
        "label": f"x={params['x']}",
    }


def array_task(params, rng):
    return {"v": np.zeros(3)}


def clashing_task(params, rng):
    return {"x": 1.0}


def kill_grid() -> Grid:
    return Grid(x=range(16), T=[0.5])


def calls(log) -> list[int]:
    """The ``x`` of every call logged in ``log`` (empty if none)."""
    if not os.path.exists(log):
        return []
    with open(log) as fh:
        return [int(line) for line in fh if line.strip()]
