"""``spinnet demo`` and ``spinnet hopfield ...``: classical associative memory."""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path

import numpy as np
import typer

from spinnet.cli._common import console, fail, out_dir, print_table

app = typer.Typer(help="Classical Hopfield networks: recall, error rates, capacity.",
                  no_args_is_help=True)


class Dataset(StrEnum):
    letters = "letters"
    digits = "digits"
    mnist = "mnist"
    random = "random"


class Rule(StrEnum):
    hebbian = "hebbian"
    pseudo_inverse = "pseudo_inverse"
    storkey = "storkey"


class Dynamics(StrEnum):
    async_ = "async"
    sync = "sync"
    glauber = "glauber"


def _load(dataset: str, n_patterns: int | None, size: int, n: int, mnist_path: Path | None,
          seed: int):
    """Return (patterns (p, N), image shape or None, names)."""
    from spinnet import datasets
    from spinnet.spins import random_patterns

    if dataset == "letters":
        chars = datasets.DEMO_LETTERS if n_patterns is None else \
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[:n_patterns]
        if n_patterns is not None and not 1 <= n_patterns <= 26:
            fail(f"--n-patterns must be in 1..26 for letters; got {n_patterns}", "--n-patterns")
        return datasets.letters(chars, size), (size, size), list(chars)
    if dataset == "random":
        p = 10 if n_patterns is None else n_patterns
        return random_patterns(p, n, rng=seed), None, [f"#{i}" for i in range(p)]
    if dataset == "digits":
        x, y = datasets.digits()
        shape = datasets.DIGITS_SHAPE
    else:
        path = mnist_path or datasets.default_mnist_path()
        if path is None:
            fail("no MNIST directory found; pass --mnist-path DIR with the IDX files",
                 "--mnist-path")
        x, y = datasets.load_mnist(path)
        shape = datasets.MNIST_SHAPE
    p = 10 if n_patterns is None else n_patterns
    if not 1 <= p <= 10:
        fail(f"--n-patterns must be in 1..10 for {dataset} (one image per class); got {p}",
             "--n-patterns")
    idx = [int(np.flatnonzero(y == k)[0]) for k in range(p)]
    return x[idx], shape, [str(k) for k in range(p)]


def _run_recall(dataset: str, rule: str, noise: float, dynamics: str, temperature: float,
                n_patterns: int | None, size: int, n: int, max_sweeps: int, seed: int,
                mnist_path: Path | None, out: Path, command: str) -> list[dict]:
    from spinnet._io import write_csv, write_manifest
    from spinnet._rng import spawn
    from spinnet.hopfield import HopfieldNetwork
    from spinnet.plotting import recall_grid, save_figure
    from spinnet.spins import flip

    started = time.time()
    out = out_dir(out)
    try:
        xi, shape, names = _load(dataset, n_patterns, size, n, mnist_path, seed)
        corrupt_rng, dyn_rng = spawn(seed, 2)
        net = HopfieldNetwork(rule).fit(xi)
        degraded = flip(xi, noise, rng=corrupt_rng)
        recalled, traj = net.recall(degraded, dynamics=dynamics, temperature=temperature,
                                    max_sweeps=max_sweeps, rng=dyn_rng, return_trajectory=True)
    except (ValueError, TypeError) as exc:
        fail(str(exc))
    m0 = np.diag(net.overlaps(degraded))
    m1 = np.diag(net.overlaps(recalled))
    rows = [{"pattern": name, "overlap_degraded": float(a), "overlap_recalled": float(b),
             "recovered": bool(b >= 0.95), "sweeps": int(s)}
            for name, a, b, s in zip(names, m0, m1, traj.n_sweeps, strict=True)]
    files = ["recall.csv", "manifest.json"]
    write_csv(out / "recall.csv", rows)
    png = "demo.png" if command == "demo" else "recall.png"
    if shape is not None:
        fig = recall_grid(xi, degraded, recalled, shape, overlaps_degraded=m0,
                          overlaps_recalled=m1,
                          title=f"{dataset}: {rule} rule, {noise:.0%} flipped, {dynamics} "
                                "dynamics")
        save_figure(fig, out / png)
        files.append(png)
    params = dict(dataset=dataset, rule=rule, noise=noise, dynamics=dynamics,
                  temperature=temperature, n_patterns=len(names), N=int(xi.shape[1]),
                  max_sweeps=max_sweeps, seed=seed)
    write_manifest(out, command, params, started, files,
                   summary={"min_overlap": float(m1.min()), "mean_overlap": float(m1.mean()),
                            "recovered": int(sum(r["recovered"] for r in rows))})
    print_table(f"{dataset}: N = {xi.shape[1]}, p = {len(names)}, rule = {rule}", rows,
                {"overlap_degraded": ".3f", "overlap_recalled": ".3f"})
    console.print(f"{sum(r['recovered'] for r in rows)}/{len(rows)} patterns recovered "
                  f"(overlap >= 0.95); outputs in {out}/ ({', '.join(files)})")
    return rows


def demo(
    out: Path = typer.Option(Path("."), "--out", help="Directory for demo.png and tables."),
    rule: Rule = typer.Option(Rule.pseudo_inverse, help="Learning rule."),
    noise: float = typer.Option(0.25, help="Fraction of pixels flipped."),
    seed: int = typer.Option(0, help="Random seed."),
) -> None:
    """Store 8 letters (32x32), flip 25% of pixels, recall: Original / Degraded / Reconstruction.

    Letters share a large background, so they are strongly correlated; the
    pseudo-inverse rule removes the crosstalk that makes the Hebb rule fail here
    (try --rule hebbian).
    """
    _run_recall("letters", rule.value, noise, "async", 0.0, None, 32, 0, 100, seed, None, out,
                "demo")


@app.command("recall")
def recall(
    dataset: Dataset = typer.Option(Dataset.letters, help="Patterns to store."),
    rule: Rule = typer.Option(Rule.pseudo_inverse, help="Learning rule."),
    noise: float = typer.Option(0.25, help="Fraction of spins flipped in each probe."),
    dynamics: Dynamics = typer.Option(Dynamics.async_, help="Recall dynamics."),
    temperature: float = typer.Option(0.0, help="Temperature (glauber dynamics only)."),
    n_patterns: int = typer.Option(None, help="Number of patterns (default: 8 letters, "
                                               "10 digits/MNIST classes, 10 random)."),
    size: int = typer.Option(32, help="Letter size in pixels."),
    n: int = typer.Option(1000, help="Number of neurons for --dataset random."),
    max_sweeps: int = typer.Option(100, help="Sweep budget."),
    mnist_path: Path = typer.Option(None, help="Directory with MNIST IDX files."),
    seed: int = typer.Option(0, help="Random seed."),
    out: Path = typer.Option(Path("spinnet-recall"), "--out", help="Output directory."),
) -> None:
    """Store patterns, corrupt them, recall; write recall.png, recall.csv, manifest.json."""
    _run_recall(dataset.value, rule.value, noise, dynamics.value, temperature, n_patterns,
                size, n, max_sweeps, seed, mnist_path, out, "hopfield recall")


@app.command("one-step")
def one_step(
    n: list[int] = typer.Option([1000, 2000], "--n", help="Network sizes N (repeatable)."),
    alphas: str = typer.Option("0.105,0.138,0.185,0.37,0.61", help="Comma-separated loads."),
    trials: int = typer.Option(12, help="Independent pattern sets per point."),
    seed: int = typer.Option(0, help="Random seed."),
    out: Path = typer.Option(None, "--out", help="Optional output directory for the table."),
) -> None:
    """Measured one-step bit-error rate vs the signal-to-noise formula ½ erfc(√(N/2p))."""
    from spinnet._io import write_csv, write_manifest
    from spinnet._rng import spawn
    from spinnet.experiments import one_step_errors

    started = time.time()
    try:
        a = [float(v) for v in alphas.split(",") if v.strip()]
        rows = []
        for size, gen in zip(n, spawn(seed, len(n)), strict=True):
            rows += one_step_errors(size, a, n_trials=trials, rng=gen)
    except ValueError as exc:
        fail(str(exc))
    print_table("One-step error rate: measured vs theory", rows,
                {"alpha": ".4f", "measured": ".5f", "stderr": ".5f", "theory": ".5f",
                 "z": "+.2f", "exact": ".5f", "z_exact": "+.2f"})
    console.print("theory = ½ erfc(√(N/2p)) (large N); exact = finite-(N, p) binomial; "
                  "z = deviation in standard errors")
    if out is not None:
        out = out_dir(out)
        write_csv(out / "one_step.csv", rows)
        write_manifest(out, "hopfield one-step", dict(n=n, alphas=a, trials=trials, seed=seed),
                       started, ["one_step.csv", "manifest.json"])


def _experiment(name: str, func_name: str, out: Path, quick: bool, seed: int,
                scheduler: str | None, workers: int | None) -> None:
    """Run one statistical-physics experiment and write its manifest."""
    from spinnet._io import write_manifest
    from spinnet.experiments import hopfield as exp

    started = time.time()
    out = out_dir(out)
    if workers is not None and workers < 1:
        fail(f"--workers must be >= 1; got {workers}", "--workers")
    summary = getattr(exp, func_name)(out, quick=quick, seed=seed, scheduler=scheduler,
                                      n_workers=workers, progress=True)
    files = sorted(p.name for p in out.iterdir() if p.suffix in (".csv", ".png"))
    settings = {k: (v.tolist() if isinstance(v, np.ndarray) else v)
                for k, v in exp.SETTINGS[name]["quick" if quick else "full"].items()}
    write_manifest(out, f"hopfield {name}", dict(quick=quick, seed=seed, scheduler=scheduler,
                                                 workers=workers, settings=settings),
                   started, [*files, "manifest.json"], summary=summary)
    console.print_json(data=summary)
    console.print(f"outputs in {out}/: {', '.join(files)}; wall time "
                  f"{time.time() - started:.1f} s")


_QUICK = typer.Option(True, "--quick/--full", help="Quick (minutes on 2 cores) or full "
                                                   "settings.")
_SEED = typer.Option(0, help="Sweep seed: every task's stream derives from it.")
_SCHED = typer.Option(None, "--scheduler", help="Dask scheduler address tcp://HOST:PORT "
                                                "(default: local process pool).")
_WORKERS = typer.Option(None, "--workers", help="Local worker processes (default: all cores).")


@app.command("capacity")
def capacity(out: Path = typer.Option(Path("spinnet-capacity"), "--out"), quick: bool = _QUICK,
             seed: int = _SEED, scheduler: str = _SCHED, workers: int = _WORKERS) -> None:
    """m(α) at T = 0 vs N with finite-size extrapolation of α_c; capacity of the rules."""
    _experiment("capacity", "capacity_experiment", out, quick, seed, scheduler, workers)


@app.command("basins")
def basins(out: Path = typer.Option(Path("spinnet-basins"), "--out"), quick: bool = _QUICK,
           seed: int = _SEED, scheduler: str = _SCHED, workers: int = _WORKERS) -> None:
    """Basins of attraction: final vs initial overlap for several loads."""
    _experiment("basins", "basins_experiment", out, quick, seed, scheduler, workers)


@app.command("phase-diagram")
def phase_diagram(out: Path = typer.Option(Path("spinnet-phase-diagram"), "--out"),
                  quick: bool = _QUICK, seed: int = _SEED, scheduler: str = _SCHED,
                  workers: int = _WORKERS) -> None:
    """Glauber simulation on an (α, T) grid overlaid on the AGS phase diagram."""
    _experiment("phase-diagram", "phase_diagram_experiment", out, quick, seed, scheduler,
                workers)


@app.command("spurious")
def spurious(out: Path = typer.Option(Path("spinnet-spurious"), "--out"), quick: bool = _QUICK,
             seed: int = _SEED, scheduler: str = _SCHED, workers: int = _WORKERS) -> None:
    """Symmetric 3-mixture and spin-glass states: overlaps, stability, energies."""
    _experiment("spurious", "spurious_experiment", out, quick, seed, scheduler, workers)
