"""``spinnet ising simulate`` and ``spinnet anneal``: lattice spin models and spin glasses.

Parse and check options, call one function of :mod:`spinnet.experiments`
(:func:`~spinnet.experiments.ising_simulate.simulate_experiment`,
:func:`~spinnet.experiments.ising_anneal.anneal_experiment`), print. The
experiment modules pull in numba, so they are imported inside the commands.
"""

from __future__ import annotations

import math
import time
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from spinnet.cli._common import (
    check_finite,
    console,
    fail,
    note_kept,
    out_dir,
    parse_floats,
    parse_ints,
    print_table,
    progress_bar,
)

app = typer.Typer(help="Monte Carlo of Ising-type models against exact results.",
                  no_args_is_help=True)


class Model(StrEnum):
    ising = "ising"
    baxter_wu = "baxter-wu"
    ea = "ea"
    sk = "sk"


class Method(StrEnum):
    metropolis = "metropolis"
    heat_bath = "heat-bath"
    wolff = "wolff"
    sw = "sw"
    pt = "pt"
    multispin = "multispin"


class Disorder(StrEnum):
    pm = "pm"
    gaussian = "gaussian"


class Start(StrEnum):
    random = "random"
    up = "up"
    down = "down"


class AnnealModel(StrEnum):
    sk = "sk"
    ea = "ea"


class Schedule(StrEnum):
    log = "log"
    geometric = "geometric"
    linear = "linear"


def _pm(value: float, error: float) -> str:
    """Compact ``value(error)`` notation with two significant digits of the error,
    e.g. ``-1.74573(12)`` for ``-1.74573 ± 0.00012``."""
    if not (math.isfinite(value) and math.isfinite(error) and error > 0):
        return f"{value:.6g}"
    decimals = max(0, 1 - math.floor(math.log10(error)))
    digits = round(error * 10**decimals)
    if digits >= 100:  # rounding carried into a third digit (e.g. 0.0995 -> 100)
        decimals = max(0, decimals - 1)
        digits = round(error * 10**decimals)
    return f"{value:.{decimals}f}({digits})"


def _opt(value: Any, fmt: str) -> str:
    return "" if value is None else format(value, fmt)


def _model_params(model: str, L: int, N: int, d: int, disorder: str, J_h: float, J_v: float,
                  J_d: float, h: float, seed: int) -> dict[str, Any]:
    """The model's own parameters, checked with errors naming the CLI options."""
    if model == "sk":
        if N < 2:
            fail(f"--N must be >= 2 spins; got {N}", "--N")
        return {"model": model, "N": N, "disorder_seed": seed}
    if L < 2:
        fail(f"--L must be >= 2 (linear lattice size); got {L}", "--L")
    if model == "baxter-wu":
        if L % 3:
            fail(f"--L must be a multiple of 3 for the Baxter-Wu model; got {L}", "--L")
        return {"model": model, "L": L}
    if model == "ea":
        if d not in (2, 3):
            fail(f"--d must be 2 or 3 for the Edwards-Anderson model; got {d}", "--d")
        return {"model": model, "L": L, "d": d, "disorder": disorder, "disorder_seed": seed}
    return {"model": model, "L": L, "J_h": J_h, "J_v": J_v, "J_d": J_d, "h": h}


def _store_clash(exc: ValueError, out: Path) -> None:
    """Exit 2: ``--out`` holds a sweep store of another run (names --overwrite)."""
    message = str(exc)
    if "not a spinnet sweep store" in message:
        fail(f"{message}; use --overwrite to replace it, or another --out", "--out")
    # spinnet.sweeps.StoreMismatchError says which settings differ
    differences = getattr(exc, "differences", {})
    differing = []
    if "seed" in differences:
        old, new = differences["seed"]
        differing.append(f"--seed {old} (now {new})")
    if "function" in differences:
        differing.append("another --method (pt and the other methods store different tasks)")
    what = " and ".join(differing) or "other settings"
    fail(f"{out} holds results made with {what}; resuming would mix them. "
         "Use --overwrite to replace them, or another --out.", "--out")


@app.command("simulate")
def simulate(
    model: Model = typer.Option(Model.ising, "--model", help="Spin model."),
    L: str = typer.Option("32", "--L", help="Linear lattice size(s) (ising, baxter-wu, ea): "
                                            "one value, a comma list 8,16,32 or lo:hi:n. "
                                            "Several sizes: one table with an L column and "
                                            "the Binder-crossing T_c (ising)."),
    N: str = typer.Option("64", "--N", help="Number of spins (sk): one value or a list."),
    d: int = typer.Option(2, "--d", help="Dimension of the EA lattice (2 or 3)."),
    disorder: Disorder = typer.Option(Disorder.pm, "--disorder",
                                      help="EA couplings: ±J (pm) or Gaussian."),
    T: str = typer.Option("2.0:2.6:13", "--T",
                          help="Temperatures: a comma list T1,T2,... or lo:hi:n (n points from "
                               "lo to hi, both included)."),
    method: Method = typer.Option(Method.metropolis, "--method",
                                  help="Monte Carlo algorithm."),
    sweeps: int = typer.Option(10_000, "--sweeps", help="Measured sweeps per chain."),
    thermalize: int = typer.Option(1_000, "--thermalize", help="Discarded sweeps per chain."),
    chains: int = typer.Option(4, "--chains", help="Independent chains per temperature "
                                                   "(rounded up to a multiple of 64 for "
                                                   "multispin)."),
    seed: int = typer.Option(0, "--seed", help="Seed: task streams and quenched couplings."),
    J_h: float = typer.Option(1.0, "--Jh", help="Horizontal coupling (ising)."),
    J_v: float = typer.Option(1.0, "--Jv", help="Vertical coupling (ising)."),
    J_d: float = typer.Option(0.0, "--Jd", help="Diagonal coupling (ising; triangular lattice)."),
    h: float = typer.Option(0.0, "--h", help="Uniform field (ising; not with wolff/sw)."),
    start: Start = typer.Option(None, "--start", help="Initial state (default: up for "
                                                       "ferromagnets, random for spin glasses)."),
    measure_every: int = typer.Option(1, "--measure-every", help="Sweeps between measurements."),
    scheduler: str = typer.Option(None, "--scheduler", help="Dask scheduler address "
                                                            "tcp://HOST:PORT (default: local "
                                                            "process pool)."),
    workers: int = typer.Option(None, "--workers", help="Local worker processes "
                                                        "(default: all cores)."),
    overwrite: bool = typer.Option(False, "--overwrite",
                                   help="Replace results in --out made with another --seed "
                                        "or --method (instead of refusing to mix them)."),
    out: Path = typer.Option(Path("spinnet-ising-simulate"), "--out",
                             help="Output directory."),
) -> None:
    """Simulate a spin model over temperatures (and sizes): table with error bars, figures.

    One resumable sweep task per size and temperature (the whole ladder for --method pt): interrupt with Ctrl-C and run the same command again to continue. Writes ising.csv, ising.png, results.sqlite and manifest.json to --out; with several --L also binder.csv and binder.png (U4(T) per L and the crossing T_c with a bootstrap error).
    """  # noqa: E501
    from spinnet._io import write_manifest
    from spinnet.experiments import ising_simulate as exp
    from spinnet.sweeps import SweepError

    started = time.time()
    values = parse_floats(T, "--T", minimum=0.0, min_inclusive=False)
    try:
        temps = exp.check_temperatures(values, "temperatures")
    except ValueError as exc:
        fail(str(exc), "--T")
    sizes_L = parse_ints(L, "--L", minimum=2)
    sizes_N = parse_ints(N, "--N", minimum=2)
    for option, sizes in (("--L", sizes_L), ("--N", sizes_N)):
        if len(set(sizes)) != len(sizes):
            fail(f"sizes must not repeat; got {', '.join(map(str, sizes))}", option)
    for option, value in (("--Jh", J_h), ("--Jv", J_v), ("--Jd", J_d), ("--h", h)):
        check_finite(value, option)
    sizes = sizes_N if model == Model.sk else sizes_L
    for size in sizes[1:]:  # the checks of each size (e.g. Baxter-Wu: multiples of 3)
        _model_params(model.value, size, size, d, disorder.value, J_h, J_v, J_d, h, seed)
    params = _model_params(model.value, sizes[0], sizes[0], d, disorder.value, J_h, J_v, J_d,
                           h, seed)
    size_option = "--N" if model == Model.sk else "--L"
    if sweeps < 1:
        fail(f"--sweeps must be >= 1; got {sweeps}", "--sweeps")
    if measure_every < 1:
        fail(f"--measure-every must be >= 1; got {measure_every}", "--measure-every")
    if sweeps // measure_every < 32:
        fail(f"--sweeps / --measure-every must give >= 32 measurements for error bars; got "
             f"{sweeps // measure_every}", "--sweeps")
    if thermalize < 0:
        fail(f"--thermalize must be >= 0; got {thermalize}", "--thermalize")
    if chains < 1:
        fail(f"--chains must be >= 1; got {chains}", "--chains")
    if workers is not None and workers < 1:
        fail(f"--workers must be >= 1; got {workers}", "--workers")
    if scheduler is not None and workers is not None:
        fail("--workers sets local processes; with --scheduler the Dask cluster's workers "
             "run the tasks", "--workers")
    if method == Method.pt and len(temps) < 2:
        fail("--method pt needs a ladder of at least 2 temperatures in --T", "--T")
    if method == Method.multispin and chains % 64:
        chains = 64 * -(-chains // 64)
        console.print(f"multispin: --chains rounded up to {chains} (64 replicas per word)")
    params.update(algorithm=method.value, n_sweeps=sweeps, n_thermalize=thermalize,
                  n_chains=chains, measure_every=measure_every,
                  start=start.value if start is not None else exp.default_start(params))
    for size in sizes:
        try:
            exp.check_simulation({**params, size_option[2:]: size})
        except (TypeError, ValueError) as exc:
            msg = str(exc)
            fail(msg.replace("algorithm", "--method", 1) if msg.startswith("algorithm")
                 else msg, "--method" if msg.startswith("algorithm") else size_option)
    out = out_dir(out)
    store = out / "results.sqlite"
    with progress_bar() as bar:
        done: dict[str, int] = {}
        totals: dict[str, int] = {}

        def progress(stage: str, completed: int, total: int | None = None) -> None:
            bar(stage, completed, total)
            done[stage], totals[stage] = completed, total or 0
            note_kept(f"{sum(done.values())} of {sum(totals.values())} (size, temperature) "
                      f"tasks stored in {store}")

        try:
            rows, summary = exp.simulate_experiment(
                params, temps, out, sizes=sizes, seed=seed, scheduler=scheduler,
                n_workers=workers, overwrite=overwrite, progress=progress)
        except SweepError as exc:
            console.print(str(exc), style="red", markup=False, highlight=False)
            raise typer.Exit(1) from None
        except ValueError as exc:
            if "store" in str(exc):
                _store_clash(exc, out)
            raise
    if summary["tasks_run"]:
        console.print(f"ran {summary['tasks_run']} tasks in {summary['sweep_seconds']:.1f} s; "
                      f"{summary['stored']}/{summary['tasks_total']} stored in "
                      f"{summary['store']}", markup=False, highlight=False)
    else:
        console.print(f"nothing to do, all {summary['tasks_total']} tasks are already stored "
                      f"in {summary['store']}", markup=False, highlight=False)
    multi = len(sizes) > 1
    table = []
    for r in rows:
        row = {"T": f"{r['T']:.4g}", "E": _pm(r["E"], r["E_err"]),
               "E exact": _opt(r.get("E_exact"), ".5f"), "|M|": _pm(r["absM"], r["absM_err"]),
               "M²": _pm(r["M2"], r["M2_err"]), "χ": _pm(r["chi"], r["chi_err"]),
               "C": _pm(r["C"], r["C_err"]), "C exact": _opt(r.get("C_exact"), ".4f"),
               "U4": _pm(r["U4"], r["U4_err"]), "τ|M|": f"{r['tau_absM']:.3g}",
               "τE": f"{r['tau_E']:.3g}"}
        if "E_exact" not in r:
            del row["E exact"], row["C exact"]
        if multi:
            row = {size_option[2:]: str(r[size_option[2:]]), **row}
        table.append(row)
    files = ["ising.csv", "ising.png", "results.sqlite", "manifest.json"]
    cross = summary.get("binder_crossing")
    if cross is not None:
        files[2:2] = ["binder.csv", "binder.png"]
    write_manifest(out, "ising simulate",
                   {**params, size_option[2:]: sizes if multi else sizes[0],
                    "T": temps.tolist(), "seed": seed, "scheduler": scheduler,
                    "workers": workers, "overwrite": overwrite},
                   started, files, summary=summary)
    if table:
        print_table(summary["title"].replace("$", ""), table)
    tcs = ", ".join(f"{lab.replace('$', '')} = {tc:.5f}"
                    for lab, tc in summary["critical_temperatures"].items())
    notes = ["value(error) in units of the last digits: binning (E, |M|, M²), block "
             "jackknife (χ, C, U4); τ in sweeps"]
    if "E_exact" in (rows[0] if rows else {}):
        notes.append("exact: Kaufman's finite-L torus")
    if tcs:
        notes.append(tcs)
    if not summary["all_errors_converged"]:
        notes.append("[yellow]some series are short compared with τ: raise --sweeps[/]")
    console.print("; ".join(notes))
    if cross is not None:
        print_table("Binder-cumulant crossings (linear interpolation, bootstrap errors)",
                    [{"L1": str(p["L1"]), "L2": str(p["L2"]),
                      "T_cross": _pm(p["T_cross"], p["T_cross_err"]),
                      "U4_cross": _pm(p["U4_cross"], p["U4_cross_err"])}
                     for p in cross["pairs"]])
        last = cross["pairs"][-1]
        console.print(f"Binder crossing T_c = {_pm(cross['T_c'], cross['T_c_err'])} "
                      f"(L = {last['L1']}, {last['L2']}; {cross['n_bootstrap']} bootstrap "
                      f"replicas), U4* = {_pm(cross['U4_c'], cross['U4_c_err'])}",
                      markup=False, highlight=False)
    elif multi and model == Model.ising:
        console.print("[yellow]no Binder crossing: the U4 curves do not cross inside the "
                      "--T window (or a size is incomplete)[/]")
    console.print(f"outputs in {out}/ ({', '.join(files)}); wall time "
                  f"{time.time() - started:.1f} s")


def anneal(
    model: AnnealModel = typer.Option(AnnealModel.sk, "--model", help="Spin glass."),
    N: int = typer.Option(100, "--N", help="Number of spins (sk)."),
    L: int = typer.Option(4, "--L", help="Linear lattice size (ea)."),
    d: int = typer.Option(2, "--d", help="Dimension of the EA lattice (2 or 3)."),
    disorder: Disorder = typer.Option(Disorder.pm, "--disorder", help="EA couplings."),
    schedule: Schedule = typer.Option(Schedule.geometric, "--schedule",
                                      help="Temperature schedule: log T0/(1+ln t), geometric "
                                           "or linear from T0 to Tfinal."),
    sweeps: int = typer.Option(1_000, "--sweeps", help="Sweeps of the schedule."),
    restarts: int = typer.Option(8, "--restarts", help="Independent restarts."),
    T0: float = typer.Option(3.0, "--T0", help="Initial temperature."),
    T_final: float = typer.Option(0.05, "--Tfinal", help="Final temperature (geometric, "
                                                         "linear)."),
    seed: int = typer.Option(0, "--seed", help="Seed: couplings and annealing streams."),
    out: Path = typer.Option(Path("spinnet-anneal"), "--out", help="Output directory."),
) -> None:
    """Simulated annealing for spin-glass ground states (SK or EA), exact check for N <= 24.

    Writes anneal.csv (one row per restart), anneal_trace.csv, anneal.png (energy vs sweep) and manifest.json to --out.
    """  # noqa: E501
    from spinnet._io import write_manifest
    from spinnet.experiments import ising_anneal as exp

    started = time.time()
    params = _model_params(model.value, L, N, d, disorder.value, 1.0, 1.0, 0.0, 0.0, seed)
    if sweeps < 1:
        fail(f"--sweeps must be >= 1; got {sweeps}", "--sweeps")
    if restarts < 1:
        fail(f"--restarts must be >= 1; got {restarts}", "--restarts")
    check_finite(T0, "--T0", minimum=0.0, min_inclusive=False)
    check_finite(T_final, "--Tfinal")
    if not 0 < T_final <= T0:
        fail(f"--Tfinal must lie in (0, T0 = {T0}]; got {T_final}", "--Tfinal")
    params.update(schedule=exp.SCHEDULES[schedule.value], n_sweeps=sweeps, n_restarts=restarts,
                  T0=T0, T_final=T_final)
    out = out_dir(out)
    note_kept("nothing: the restarts anneal together and are written when all finish")
    with progress_bar() as progress:
        rows, summary = exp.anneal_experiment(params, out, seed=seed, progress=progress)
    show = [{"restart": str(r["restart"]), "E/N final": f"{r['e_final']:.6f}",
             **({"ground state": "yes" if r["found_ground_state"] else "no"}
                if "found_ground_state" in r else {}),
             "best": "*" if r["best"] else ""} for r in rows]
    files = ["anneal.csv", "anneal_trace.csv", "anneal.png", "manifest.json"]
    write_manifest(out, "anneal", {**params, "seed": seed}, started, files, summary=summary)
    print_table(f"{summary['title']}: {params['schedule']} schedule, "
                f"T0 = {T0:g}" + ("" if schedule == Schedule.log else f" -> {T_final:g}")
                + f", {sweeps} sweeps", show)
    console.print(f"best energy per spin: {summary['best_energy_per_spin']:.6f}")
    if "exact_energy_per_spin" in summary:
        found = summary["found_ground_state"]
        console.print(
            f"exact ground state (enumeration of 2^{summary['N']} states): "
            f"{summary['exact_energy_per_spin']:.6f}; annealing found it: "
            f"{'yes' if found else 'no'} ({summary['restarts_at_ground_state']}/{restarts} "
            "restarts)")
    elif model == AnnealModel.sk:
        console.print(f"Parisi N -> infinity: e0 = {exp.PARISI_E0}")
    console.print(f"outputs in {out}/ ({', '.join(files)}); wall time "
                  f"{time.time() - started:.1f} s")
