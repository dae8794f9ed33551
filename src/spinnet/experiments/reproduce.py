"""``spinnet reproduce``: measure the lectures' claims and write the report.

The pipeline behind the command (the CLI only parses and prints):
:func:`spinnet.reproduce.run_claims` measures every selected claim as a task
of a resumable sweep, :func:`spinnet.reproduce.write_report` writes
``claims.csv``, ``report.md`` and ``report.html``, and a ``manifest.json``
records the run.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from spinnet._progress import ProgressCallback

__all__ = ["reproduce"]


def reproduce(out: str | Path, *, preset: str = "quick", only: Sequence[str] | None = None,
              workers: int | None = 1, scheduler: Any = None, seed: int = 0,
              progress: bool | ProgressCallback = False) -> dict[str, Any]:
    """Measure the claims of ``only`` (topics or ids; all by default) at ``preset``.

    Claims already stored in ``out`` by an earlier (possibly interrupted) run
    with the same seed are not measured again.

    Parameters
    ----------
    out : path
    preset : {"smoke", "quick", "full"}
    only : sequence of str, optional
    workers : int, optional
        Local worker processes (1: in this process; None: one per CPU).
    scheduler : str or distributed.Client, optional
        Dask scheduler; overrides ``workers``.
    seed : int
    progress : bool or callable
        ``progress(stage, done, total)`` after each finished claim.

    Returns
    -------
    dict
        ``rows`` (one dict per claim, :func:`spinnet.reproduce.runner.judge`),
        ``summary`` (the "N of M claims reproduced at preset P" line), ``files``
        (paths written), ``wall_s``.
    """
    from spinnet._io import write_manifest
    from spinnet.reproduce import run_claims, summary, write_report

    started = time.time()
    out = Path(out)
    rows = run_claims(out, preset=preset, only=only, workers=workers, scheduler=scheduler,
                      seed=seed, progress=progress)
    wall = time.time() - started
    files = write_report(out, rows, preset, wall_s=wall)
    counts = {s: sum(r["status"] == s for r in rows) for s in ("pass", "fail", "not-run")}
    write_manifest(out, "reproduce", {"preset": preset, "only": list(only or []),
                                      "workers": workers, "scheduler": str(scheduler or ""),
                                      "seed": seed},
                   started, [p.name for p in files.values()] + ["manifest.json"],
                   summary=summary(rows, preset), counts=counts)
    return {"rows": rows, "summary": summary(rows, preset), "files": files, "wall_s": wall}
