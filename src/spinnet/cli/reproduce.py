"""``spinnet reproduce``: every number of the lectures, measured, in one report."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from spinnet.cli._common import check_seed, console, fail, note_kept, out_dir, progress_bar

__all__ = ["reproduce"]


def reproduce(
    preset: str = typer.Option("quick", "--preset",
                               help="smoke (seconds), quick (the documented report) or full "
                                    "(publication size)."),
    only: str | None = typer.Option(None, "--only",
                                    help="Topics or claim ids, a comma list (default: all; "
                                         "see the report for the topics)."),
    out: Path = typer.Option(Path("spinnet-reproduce"), "--out",
                             help="Output directory: claims.csv, report.md, report.html, "
                                  "manifest.json and the results store."),
    workers: int | None = typer.Option(None, "--workers",
                                       help="Local worker processes (default: 1, in this "
                                            "process)."),
    scheduler: str | None = typer.Option(None, "--scheduler",
                                         help="Dask scheduler address tcp://HOST:PORT "
                                              "(default: local)."),
    seed: int = typer.Option(0, "--seed", help="Seed: every claim's stream derives from it."),
) -> None:
    """Measure the lectures' claims and write claims.csv, report.md and report.html.

    Every claim states a published number, its source and a tolerance; the
    report shows each as pass, fail or not-run, never hiding a failure. Each
    finished claim is stored at once: rerunning the same command after an
    interruption does not measure finished claims again.
    """
    from spinnet.experiments.reproduce import reproduce as run
    from spinnet.reproduce import PRESETS, select_claims
    from spinnet.sweeps import StoreMismatchError, store_path

    started = time.time()
    if preset not in PRESETS:
        fail(f"--preset must be one of {', '.join(PRESETS)}; got {preset!r}", "--preset")
    topics = None
    if only is not None:
        topics = [t.strip() for t in only.split(",") if t.strip()]
        if not topics:
            fail("--only must name at least one topic or claim id", "--only")
        try:
            select_claims(topics)
        except ValueError as exc:
            fail(str(exc).removeprefix("only: "), "--only")
    if workers is not None and workers < 1:
        fail(f"--workers must be >= 1; got {workers}", "--workers")
    if workers is not None and scheduler is not None:
        fail("--workers applies to local runs; with --scheduler the Dask cluster's workers "
             "run the claims", "--workers")
    check_seed(seed)
    out = out_dir(out)
    store = store_path(out / f"store-{preset}.sqlite")

    def kept(stage: str, done: int, total: int | None) -> str:
        return f"{done} of {total} claims measured, stored in {store}"

    try:
        with progress_bar(kept=kept) as bar:
            res = run(out, preset=preset, only=topics,
                      workers=1 if workers is None and scheduler is None else workers,
                      scheduler=scheduler, seed=seed, progress=bar)
    except StoreMismatchError:
        fail(f"{store} holds claims measured with another --seed; choose another --out or "
             f"delete it", "--seed")
        raise AssertionError("unreachable") from None
    note_kept(f"the report in {out}")
    from rich.table import Table

    table = Table(title=res["summary"])
    for col in ("claim", "reference", "measured", "deviation", "status"):
        table.add_column(col)
    for r in res["rows"]:
        color = {"pass": "green", "fail": "red", "not-run": "grey50"}[r["status"]]
        table.add_row(r["id"], f"{r['reference']:.6g}",
                      "—" if r["measured"] != r["measured"] else f"{r['measured']:.6g}",
                      "—" if r["deviation"] != r["deviation"] else f"{r['deviation']:.3g}",
                      f"[{color}]{r['status']}[/{color}]")
    console.print(table)
    console.print(f"wrote {', '.join(str(p) for p in res['files'].values())} "
                  f"({time.time() - started:.1f} s)")
