"""``spinnet demo`` and ``spinnet hopfield ...``: classical associative memory.

Options are parsed and checked here; the work is done by
:mod:`spinnet.experiments.hopfield` and :mod:`spinnet.experiments.one_step`
(imported inside the commands: they pull in numba).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from spinnet.cli._common import (
    check_finite,
    check_seed,
    console,
    fail,
    note_kept,
    out_dir,
    parse_floats,
    parse_ints,
    print_table,
    progress_bar,
)

app = typer.Typer(help="Classical Hopfield networks: recall, error rates, capacity.",
                  no_args_is_help=True)


class Rule(StrEnum):
    hebbian = "hebbian"
    pseudo_inverse = "pseudo_inverse"
    storkey = "storkey"


class Dynamics(StrEnum):
    async_ = "async"
    sync = "sync"
    glauber = "glauber"
    little = "little"


_DATA_HELP = ("Patterns to store: letters, digits (scikit-learn 8x8), mnist (t10k test set), "
              "random, or the path of a .npy/.csv file of ±1 patterns (one per row).")


def _load_patterns(data: str, p: int | None, size: int, N: int, data_dir: Path | None,
                   seed: int):
    """Resolve ``--data`` (exit 2 naming the option on a bad value)."""
    from spinnet.datasets import MnistNotFoundError
    from spinnet.experiments.hopfield import DATA_SOURCES, load_patterns

    if data not in DATA_SOURCES and not data.endswith((".npy", ".csv")):
        fail(f"--data must be one of {', '.join(DATA_SOURCES)} or a .npy/.csv file of ±1 "
             f"patterns; got {data!r}", "--data")
    if data_dir is not None and data != "mnist":
        fail(f"--data-dir applies to --data mnist only; got --data {data}", "--data-dir")
    try:
        return load_patterns(data, n_patterns=p, size=size, n_spins=N, data_dir=data_dir,
                             rng=seed)
    except MnistNotFoundError as exc:
        fail(str(exc), "--data-dir")
    except ValueError as exc:
        msg = str(exc)
        option = ("--p" if msg.startswith("n_patterns") else
                  "--N" if msg.startswith("n_spins") else "--data")
        fail(msg.replace("n_patterns", "--p").replace("n_spins", "--N"), option)
    raise AssertionError("unreachable")


def _run_recall(data: str, rule: str, noise: float, dynamics: str, T: float,
                p: int | None, size: int, N: int, sweeps: int, seed: int,
                data_dir: Path | None, out: Path, command: str) -> list[dict]:
    from spinnet._io import write_manifest
    from spinnet.experiments.hopfield import recall_experiment

    started = time.time()
    check_finite(noise, "--noise")
    if not 0 <= noise <= 1:
        fail(f"--noise: flip fraction must lie in [0, 1]; got {noise:g}", "--noise")
    check_finite(T, "--T", minimum=0)
    if T > 0 and dynamics not in ("glauber", "little"):
        fail(f"--T {T:g} needs --dynamics glauber or little (async and sync dynamics are "
             "at T = 0)", "--T")
    if sweeps < 1:
        fail(f"--sweeps must be >= 1; got {sweeps}", "--sweeps")
    if size < 4:
        fail(f"--size must be >= 4 pixels; got {size}", "--size")
    if N < 2:
        fail(f"--N must be >= 2; got {N}", "--N")
    if p is not None and p < 1:
        fail(f"--p must be >= 1; got {p}", "--p")
    check_seed(seed)
    out = out_dir(out)
    xi, shape, names, info = _load_patterns(data, p, size, N, data_dir, seed)
    label = Path(data).name if info.get("data_file") else data
    rows, summary, files = recall_experiment(
        xi, out, names=names, shape=shape, rule=rule, noise=noise, dynamics=dynamics,
        temperature=T, max_sweeps=sweeps, rng=seed, label=label,
        figure="demo.png" if command == "demo" else "recall.png")
    files.append("manifest.json")
    params = dict(data=data, rule=rule, noise=noise, dynamics=dynamics, temperature=T,
                  n_patterns=len(names), N=int(xi.shape[1]), max_sweeps=sweeps, seed=seed,
                  **{k: v for k, v in info.items() if k != "data"})
    write_manifest(out, command, params, started, files, summary=summary)
    print_table(f"{label}: N = {xi.shape[1]}, p = {len(names)}, rule = {rule}", rows,
                {"overlap_degraded": ".3f", "overlap_recalled": ".3f"})
    console.print(f"{summary['recovered']}/{len(rows)} patterns recovered "
                  f"(overlap >= 0.95); outputs in {out}/ ({', '.join(files)})")
    return rows


def demo(
    out: Path = typer.Option(Path("spinnet-demo"), "--out",
                             help="Directory for demo.png, recall.csv and manifest.json."),
    rule: Rule = typer.Option(Rule.pseudo_inverse, "--rule", help="Learning rule."),
    noise: float = typer.Option(0.25, "--noise", help="Fraction of pixels flipped, in [0, 1]."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
) -> None:
    """Store 8 letters (32x32), flip 25% of pixels, recall: Original / Degraded / Reconstruction.

    Letters share a large background, so they are strongly correlated; the
    pseudo-inverse rule removes the crosstalk that makes the Hebb rule fail here
    (try --rule hebbian).
    """
    _run_recall("letters", rule.value, noise, "async", 0.0, None, 32, 1000, 100, seed, None,
                out, "demo")


@app.command("recall")
def recall(
    data: str = typer.Option("letters", "--data", help=_DATA_HELP),
    rule: Rule = typer.Option(Rule.pseudo_inverse, "--rule", help="Learning rule."),
    noise: float = typer.Option(0.25, "--noise",
                                help="Fraction of spins flipped in each probe, in [0, 1]."),
    dynamics: Dynamics = typer.Option(Dynamics.async_, "--dynamics", help="Recall dynamics."),
    T: float = typer.Option(0.0, "--T", help="Temperature (glauber and little dynamics only)."),
    p: int = typer.Option(None, "--p", help="Number of patterns (default: 8 letters, "
                                            "10 digits/MNIST classes, 10 random, all rows "
                                            "of a file)."),
    size: int = typer.Option(32, "--size", help="Letter image side in pixels (--data letters)."),
    N: int = typer.Option(1000, "--N", help="Number of neurons for --data random."),
    sweeps: int = typer.Option(100, "--sweeps",
                               help="Sweep budget (zero-temperature dynamics stop earlier at "
                                    "a fixed point)."),
    data_dir: Path = typer.Option(None, "--data-dir",
                                  help="Directory with the MNIST IDX files (default: "
                                       "$SPINNET_DATA, then the user cache; see "
                                       "`spinnet data where`)."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    out: Path = typer.Option(Path("spinnet-hopfield-recall"), "--out",
                             help="Output directory."),
) -> None:
    """Store patterns, corrupt them, recall; write recall.png, recall.csv, manifest.json."""
    _run_recall(data, rule.value, noise, dynamics.value, T, p, size, N, sweeps, seed,
                data_dir, out, "hopfield recall")


@app.command("one-step")
def one_step(
    N: str = typer.Option("1000,2000", "--N", help="Network sizes: a comma list or lo:hi:n."),
    alpha: str = typer.Option("0.105,0.138,0.185,0.37,0.61", "--alpha",
                              help="Loads α = p/N: a comma list or lo:hi:n (n points)."),
    trials: int = typer.Option(12, "--trials", help="Independent pattern sets per point."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    out: Path = typer.Option(Path("spinnet-hopfield-one-step"), "--out",
                             help="Output directory for one_step.csv and manifest.json."),
) -> None:
    """Measured one-step bit-error rate vs the signal-to-noise formula ½ erfc(√(N/2p))."""
    from spinnet._io import write_csv, write_manifest
    from spinnet.experiments.one_step import one_step_scan

    started = time.time()
    sizes = parse_ints(N, "--N", minimum=2)
    alphas = parse_floats(alpha, "--alpha", minimum=0, min_inclusive=False)
    if trials < 2:
        fail(f"--trials must be >= 2 (the error bar needs two); got {trials}", "--trials")
    check_seed(seed)
    out = out_dir(out)
    with progress_bar(transient=True) as bar:
        rows = one_step_scan(sizes, alphas, n_trials=trials, rng=seed, progress=bar)
    print_table("One-step error rate: measured vs theory", rows,
                {"alpha": ".4f", "measured": ".5f", "stderr": ".5f", "theory": ".5f",
                 "z": "+.2f", "exact": ".5f", "z_exact": "+.2f"})
    console.print("theory = ½ erfc(√(N/2p)) (large N); exact = finite-(N, p) binomial; "
                  "z = deviation in standard errors")
    write_csv(out / "one_step.csv", rows)
    write_manifest(out, "hopfield one-step", dict(N=sizes, alpha=alphas, trials=trials,
                                                  seed=seed),
                   started, ["one_step.csv", "manifest.json"])
    console.print(f"outputs in {out}/ (one_step.csv, manifest.json)")


# ------------------------------------------------------------ statistical-physics experiments
_QUICK = typer.Option(True, "--quick/--full", help="Quick (minutes on 2 cores) or full "
                                                   "settings; --N, --alpha, ... override them.")
_SEED = typer.Option(0, "--seed", help="Sweep seed: every task's stream derives from it.")
_SCHED = typer.Option(None, "--scheduler", help="Dask scheduler address tcp://HOST:PORT "
                                                "(default: local process pool).")
_WORKERS = typer.Option(None, "--workers", help="Local worker processes (default: all cores).")
_OVERWRITE = typer.Option(False, "--overwrite",
                          help="Replace results stored in --out by a run with another --seed "
                               "(without it such a store is refused; a store of the same "
                               "--seed is always resumed).")
_TRIALS = typer.Option(None, "--trials", help="Independent pattern sets per grid point "
                                              "(default: from --quick/--full).")
_ALPHA = typer.Option(None, "--alpha", help="Loads α = p/N: a comma list or lo:hi:n "
                                            "(default: from --quick/--full).")
_N_ONE = typer.Option(None, "--N", help="Number of neurons (default: from --quick/--full).")


def _tracker(progress: Callable[[str, int, int | None], None], out: Path
             ) -> Callable[[str, int, int | None], None]:
    """Forward progress to the bar and tell the Ctrl-C handler what is stored."""
    from spinnet.sweeps import store_path

    def callback(stage: str, done: int, total: int | None = None) -> None:
        progress(stage, done, total)
        if stage != "AGS theory":
            note_kept(f"{done} of {total} tasks of {stage!r} in {store_path(out / stage)} "
                      "(each task is committed as it finishes)")

    return callback


def _experiment(name: str, func_name: str, out: Path, quick: bool, seed: int,
                scheduler: str | None, workers: int | None, overwrite: bool,
                settings: dict[str, Any]) -> None:
    """Run one statistical-physics experiment and write its manifest."""
    import numpy as np

    from spinnet._io import write_manifest
    from spinnet.experiments import hopfield as exp
    from spinnet.sweeps import StoreMismatchError

    started = time.time()
    check_seed(seed)
    if workers is not None and workers < 1:
        fail(f"--workers must be >= 1; got {workers}", "--workers")
    if workers is not None and scheduler is not None:
        fail("--workers applies to local runs; with --scheduler the Dask cluster's workers "
             "run the tasks", "--workers")
    if settings.get("trials") is not None and settings["trials"] < 1:
        fail(f"--trials must be >= 1; got {settings['trials']}", "--trials")
    out = out_dir(out)
    try:
        with progress_bar() as bar:
            summary = getattr(exp, func_name)(out, quick=quick, seed=seed, scheduler=scheduler,
                                              n_workers=workers, progress=_tracker(bar, out),
                                              settings=settings, overwrite=overwrite)
    except StoreMismatchError as exc:
        diff = exc.differences
        what = (f"--seed {diff['seed'][0]}" if "seed" in diff else
                f"another task function ({diff['function'][0]})")
        fail(f"{exc.path} holds results made with {what}"
             + (f", not --seed {diff['seed'][1]}" if "seed" in diff else "")
             + "; resuming would mix them. Pass --overwrite to replace them, or choose "
               "another --out.", "--overwrite")
        raise AssertionError("unreachable") from None
    ran = summary.pop("tasks_run", None)
    if ran == 0:
        console.print(f"nothing to do: all {summary.get('tasks')} tasks were already stored "
                      f"in {out}/")
    files = sorted(p.name for p in out.iterdir() if p.suffix in (".csv", ".png"))
    cfg = exp.experiment_settings(name, quick, settings)
    used = {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in cfg.items()}
    write_manifest(out, f"hopfield {name}", dict(quick=quick, seed=seed, scheduler=scheduler,
                                                 workers=workers, overwrite=overwrite,
                                                 settings=used),
                   started, [*files, "manifest.json"], summary=summary, tasks_run=ran)
    console.print_json(data=summary)
    console.print(f"outputs in {out}/: {', '.join(files)}; wall time "
                  f"{time.time() - started:.1f} s")


def _distinct(values: list, option: str) -> list:
    if len(set(values)) != len(values):
        fail(f"{option} repeats a value: {', '.join(f'{v:g}' for v in values)}", option)
    return values


def _alphas(alpha: str | None) -> list[float] | None:
    return None if alpha is None else _distinct(
        parse_floats(alpha, "--alpha", minimum=0, min_inclusive=False), "--alpha")


def _one_n(N: int | None) -> int | None:
    if N is not None and N < 10:
        fail(f"--N must be >= 10; got {N}", "--N")
    return N


@app.command("capacity")
def capacity(out: Path = typer.Option(Path("spinnet-hopfield-capacity"), "--out",
                                      help="Output directory (results are resumed from it)."),
             quick: bool = _QUICK, seed: int = _SEED, scheduler: str = _SCHED,
             workers: int = _WORKERS, overwrite: bool = _OVERWRITE,
             N: str = typer.Option(None, "--N", help="Network sizes for m(α): a comma list or "
                                                     "lo:hi:n (default: from "
                                                     "--quick/--full)."),
             alpha: str = _ALPHA, trials: int = _TRIALS) -> None:
    """m(α) at T = 0 vs N with finite-size extrapolation of α_c; capacity of the rules."""
    sizes = None if N is None else _distinct(parse_ints(N, "--N", minimum=10), "--N")
    if sizes is not None and len(sizes) < 2:
        fail("--N needs at least two sizes (α_c is extrapolated in 1/√N)", "--N")
    alphas = _alphas(alpha)
    if alphas is not None and len(alphas) < 2:
        fail("--alpha needs at least two loads (α_c(N) is where the retrieved fraction "
             "crosses 1/2 between them)", "--alpha")
    _experiment("capacity", "capacity_experiment", out, quick, seed, scheduler, workers,
                overwrite, dict(N=sizes, alpha=alphas, trials=trials))


@app.command("basins")
def basins(out: Path = typer.Option(Path("spinnet-hopfield-basins"), "--out",
                                    help="Output directory (results are resumed from it)."),
           quick: bool = _QUICK, seed: int = _SEED, scheduler: str = _SCHED,
           workers: int = _WORKERS, overwrite: bool = _OVERWRITE, N: int = _N_ONE,
           alpha: str = _ALPHA, trials: int = _TRIALS) -> None:
    """Basins of attraction: final vs initial overlap for several loads."""
    _experiment("basins", "basins_experiment", out, quick, seed, scheduler, workers, overwrite,
                dict(N=_one_n(N), alpha=_alphas(alpha), trials=trials))


@app.command("phase-diagram")
def phase_diagram(out: Path = typer.Option(Path("spinnet-hopfield-phase-diagram"), "--out",
                                           help="Output directory (results are resumed "
                                                "from it)."),
                  quick: bool = _QUICK, seed: int = _SEED, scheduler: str = _SCHED,
                  workers: int = _WORKERS, overwrite: bool = _OVERWRITE, N: int = _N_ONE,
                  alpha: str = _ALPHA,
                  T: str = typer.Option(None, "--T", help="Temperatures: a comma list or "
                                                          "lo:hi:n (default: from "
                                                          "--quick/--full)."),
                  sweeps: int = typer.Option(None, "--sweeps",
                                             help="Glauber sweeps per chain (default: from "
                                                  "--quick/--full)."),
                  trials: int = _TRIALS) -> None:
    """Glauber simulation on an (α, T) grid overlaid on the AGS phase diagram."""
    temps = None if T is None else _distinct(parse_floats(T, "--T", minimum=0), "--T")
    if sweeps is not None and sweeps < 2:
        fail(f"--sweeps must be >= 2; got {sweeps}", "--sweeps")
    _experiment("phase-diagram", "phase_diagram_experiment", out, quick, seed, scheduler,
                workers, overwrite, dict(N=_one_n(N), alpha=_alphas(alpha), T=temps,
                                         n_sweeps=sweeps, trials=trials))


@app.command("spurious")
def spurious(out: Path = typer.Option(Path("spinnet-hopfield-spurious"), "--out",
                                      help="Output directory (results are resumed from it)."),
             quick: bool = _QUICK, seed: int = _SEED, scheduler: str = _SCHED,
             workers: int = _WORKERS, overwrite: bool = _OVERWRITE, N: int = _N_ONE,
             alpha: str = _ALPHA, trials: int = _TRIALS) -> None:
    """Symmetric 3-mixture and spin-glass states: overlaps, stability, energies."""
    from spinnet.experiments.hopfield import experiment_settings

    settings = dict(N=_one_n(N), alpha=_alphas(alpha), trials=trials)
    cfg = experiment_settings("spurious", quick, settings)
    small = min(cfg["alpha"])
    if round(small * cfg["N"]) < 3:
        fail(f"--alpha {small:g} stores round(α N) = {round(small * cfg['N'])} patterns at "
             f"N = {cfg['N']}; a 3-mixture needs at least 3", "--alpha")
    _experiment("spurious", "spurious_experiment", out, quick, seed, scheduler, workers,
                overwrite, settings)
