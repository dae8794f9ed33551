"""Run the claims through the sweeps machinery and judge them.

Each claim at a preset is one task of a :class:`spinnet.sweeps.Sweep`: it runs
in a local process pool or on a Dask cluster, its result is committed to
``OUT/store-<preset>.sqlite`` as soon as it finishes, and a rerun skips what is
stored -- an interrupted ``reproduce`` finishes without redoing finished
claims. A claim whose measurement raises is stored with the error and shown as
failing.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from spinnet._progress import ProgressCallback
from spinnet.reproduce.core import PRESETS, Claim, Measurement, claims, get_claim

__all__ = ["CSV_COLUMNS", "claim_task", "judge", "run_claims", "select_claims", "summary"]

#: Columns of ``claims.csv``, in order.
CSV_COLUMNS = ("id", "topic", "statement", "reference", "reference_err", "source", "measured",
               "measured_err", "deviation", "tolerance", "status", "preset", "wall_s",
               "spinnet_version", "git_commit", "details")


def claim_task(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Sweep task: measure one claim (``params = {"claim": id, "preset": p}``).

    Never raises for a failing measurement: the error (last traceback lines)
    is returned in ``error`` with ``measured = NaN``, so that the claim is
    reported as failing rather than retried forever or hidden.

    Parameters
    ----------
    params : dict
        ``{"claim": claim id, "preset": preset}``.
    rng : numpy.random.Generator
        The task's stream (from the sweep seed and ``params``).

    Returns
    -------
    dict
        Flat scalars: ``measured, measured_err, details, series`` (JSON text),
        ``error`` (empty on success) and ``wall_s``.
    """
    claim = get_claim(params["claim"])
    t0 = time.perf_counter()
    try:
        m = claim.measure(params["preset"], rng)
        if not isinstance(m, Measurement):
            raise TypeError(f"measure of {claim.id} returned {type(m).__name__}, "
                            f"not a Measurement")
        out = {"measured": float(m.measured), "measured_err": float(m.measured_err),
               "details": m.details, "series": json.dumps(m.series or {}), "error": ""}
    except Exception as exc:
        tail = traceback.format_exc().strip().splitlines()[-3:]
        out = {"measured": float("nan"), "measured_err": float("nan"), "details": "",
               "series": "{}", "error": f"{type(exc).__name__}: {exc} | " + " / ".join(tail)}
    out["wall_s"] = time.perf_counter() - t0
    return out


def select_claims(only: Sequence[str] | str | None = None) -> list[Claim]:
    """Claims of the topics in ``only`` (topics or claim ids; all when None).

    Parameters
    ----------
    only : str or sequence of str, optional

    Returns
    -------
    list of Claim
        In registry order.

    Raises
    ------
    ValueError
        Naming an entry that is neither a topic nor a claim id.
    """
    everything = claims()
    if only is None:
        return everything
    wanted = [only] if isinstance(only, str) else list(only)
    topics = {c.topic for c in everything}
    ids = {c.id for c in everything}
    bad = [w for w in wanted if w not in topics and w not in ids]
    if bad:
        raise ValueError(f"only: {bad} is neither a topic nor a claim id; the topics are "
                         f"{sorted(topics)}")
    return [c for c in everything if c.topic in wanted or c.id in wanted]


def _importable(module: str) -> bool:
    if module == "mnist":  # a dataset, not a module: the MNIST test set on this machine
        from spinnet.datasets.mnist import resolve_mnist_dir

        try:
            resolve_mnist_dir()
        except Exception:
            return False
        return True
    if module == "torch":
        from spinnet._optional import has_torch

        return has_torch()
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _missing(claim: Claim) -> list[str]:
    return [r for r in claim.requires if not _importable(r)]


@functools.lru_cache(maxsize=1)
def _provenance() -> tuple[str, str]:
    from spinnet import __version__
    from spinnet._io import _git_commit

    return __version__, _git_commit() or ""


def judge(claim: Claim, result: dict[str, Any] | None, preset: str) -> dict[str, Any]:
    """One ``claims.csv`` row: the claim, its measurement (or why none) and the verdict.

    Parameters
    ----------
    claim : Claim
    result : dict or None
        What :func:`claim_task` returned (None: not measured).
    preset : str

    Returns
    -------
    dict
        The :data:`CSV_COLUMNS` plus ``series`` (the figure data, a dict).
        ``status`` is ``not-run`` (preset, missing extra or data, or not
        finished: ``details`` says which), ``fail`` (tolerance not met, or the
        measurement raised) or ``pass``.
    """
    version, commit = _provenance()
    row: dict[str, Any] = {
        "id": claim.id, "topic": claim.topic, "statement": claim.statement,
        "reference": claim.reference, "reference_err": claim.reference_err,
        "source": claim.source, "measured": float("nan"), "measured_err": float("nan"),
        "deviation": float("nan"), "tolerance": claim.tolerance.describe(),
        "status": "not-run", "preset": preset, "wall_s": float("nan"),
        "spinnet_version": version, "git_commit": commit, "details": "",
        "series": {}}
    if preset not in claim.presets:
        cost = f": {claim.cost}" if claim.cost else ""
        row["details"] = (f"not measured at preset {preset} (runs at "
                          f"{', '.join(claim.presets)}{cost})")
        return row
    missing = _missing(claim)
    if missing:
        how = ("spinnet data fetch mnist" if missing[0] == "mnist" else
               f"pip install 'spinnet[{missing[0]}]'")
        row["details"] = f"needs {', '.join(missing)} ({how})"
        return row
    if result is None:
        row["details"] = "not finished (run the same command again to continue)"
        return row
    row.update(measured=result["measured"], measured_err=result["measured_err"],
               wall_s=result["wall_s"], details=result["details"],
               series=json.loads(result.get("series") or "{}"))
    if result.get("error"):
        row.update(status="fail", details=f"error: {result['error']}")
        return row
    dev, ok = claim.tolerance.check(result["measured"], result["measured_err"],
                                    claim.reference, claim.reference_err)
    row.update(deviation=dev, status="pass" if ok else "fail")
    return row


def run_claims(out: str | Path, *, preset: str = "quick",
               only: Sequence[str] | str | None = None, workers: int | None = 1,
               scheduler: Any = None, seed: int = 0,
               progress: bool | ProgressCallback = False) -> list[dict[str, Any]]:
    """Measure the selected claims at ``preset`` and judge them.

    Parameters
    ----------
    out : path
        Output directory; the results store is ``out/store-<preset>.sqlite``.
    preset : {"smoke", "quick", "full"}
    only : sequence of str, optional
        Topics or claim ids.
    workers : int, optional
        Local worker processes (1: in this process; None: one per CPU).
    scheduler : str or distributed.Client, optional
        A Dask scheduler address; the claims run on its workers.
    seed : int
        Root seed; claim ``c`` draws from a stream that depends only on
        ``(seed, c, preset)`` (:func:`spinnet.sweeps.task_seed`).
    progress : bool or callable
        As in :meth:`spinnet.sweeps.Sweep.run`.

    Returns
    -------
    list of dict
        One row per selected claim (:func:`judge`), in registry order.
    """
    from spinnet.sweeps import Grid, Sweep

    if preset not in PRESETS:
        raise ValueError(f"preset must be one of {list(PRESETS)}; got {preset!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed!r}")
    selected = select_claims(only)
    runnable = [c.id for c in selected if preset in c.presets and not _missing(c)]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, Any]] = {}
    if runnable:
        sweep = Sweep(claim_task, Grid(claim=runnable, preset=[preset]),
                      out / f"store-{preset}.sqlite", seed=seed, name=f"reproduce {preset}")
        for r in sweep.run(scheduler=scheduler, n_workers=workers, progress=progress):
            results[r["claim"]] = r
    return [judge(c, results.get(c.id), preset) for c in selected]


def summary(rows: Sequence[dict[str, Any]], preset: str) -> str:
    """``"N of M claims reproduced at preset P"`` (+ failing and not-run counts).

    Parameters
    ----------
    rows : sequence of dict
        Judged claims (each with a ``status``).
    preset : str

    Returns
    -------
    str
    """
    n_pass = sum(r["status"] == "pass" for r in rows)
    n_fail = sum(r["status"] == "fail" for r in rows)
    n_not = sum(r["status"] == "not-run" for r in rows)
    text = f"{n_pass} of {len(rows)} claims reproduced at preset {preset}"
    extra = [f"{n_fail} failing"] if n_fail else []
    extra += [f"{n_not} not run"] if n_not else []
    return text + (f" ({', '.join(extra)})" if extra else "")

