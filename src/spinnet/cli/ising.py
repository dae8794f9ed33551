"""``spinnet ising simulate`` and ``spinnet anneal``: lattice spin models and spin glasses."""

from __future__ import annotations

import math
import time
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from spinnet.cli._common import console, fail, out_dir, print_table

app = typer.Typer(help="Monte Carlo of Ising-type models against exact results.",
                  no_args_is_help=True)


class Model(StrEnum):
    ising = "ising"
    baxter_wu = "baxter-wu"
    ea = "ea"
    sk = "sk"


class Algorithm(StrEnum):
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


@app.command("simulate")
def simulate(
    model: Model = typer.Option(Model.ising, "--model", help="Spin model."),
    L: int = typer.Option(32, "--L", help="Linear lattice size (ising, baxter-wu, ea)."),
    N: int = typer.Option(64, "--N", help="Number of spins (sk)."),
    d: int = typer.Option(2, "--d", help="Dimension of the EA lattice (2 or 3)."),
    disorder: Disorder = typer.Option(Disorder.pm, "--disorder",
                                      help="EA couplings: ±J (pm) or Gaussian."),
    T: str = typer.Option("2.0:2.6:13", "--T",
                          help="Temperatures: START:STOP:N (N points, linspace) or a comma "
                               "list T1,T2,..."),
    algorithm: Algorithm = typer.Option(Algorithm.metropolis, "--algorithm",
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
    out: Path = typer.Option(Path("spinnet-ising"), "--out", help="Output directory."),
) -> None:
    """Simulate a spin model over temperatures: table with error bars, figure, manifest.

    One resumable sweep task per temperature (the whole ladder for --algorithm pt): interrupt with Ctrl-C and run the same command again to continue. Writes ising.csv, ising.png, results.sqlite and manifest.json to --out.
    """  # noqa: E501
    from spinnet._io import write_manifest
    from spinnet.experiments import ising as exp
    from spinnet.sweeps import SweepError

    started = time.time()
    try:
        temps = exp.parse_temperatures(T)
    except (TypeError, ValueError) as exc:
        fail(str(exc), "--T")
    params = _model_params(model.value, L, N, d, disorder.value, J_h, J_v, J_d, h, seed)
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
    if algorithm == Algorithm.pt and len(temps) < 2:
        fail("--algorithm pt needs a ladder of at least 2 temperatures in --T", "--T")
    if algorithm == Algorithm.multispin and chains % 64:
        chains = 64 * -(-chains // 64)
        console.print(f"multispin: --chains rounded up to {chains} (64 replicas per word)")
    params.update(algorithm=algorithm.value, n_sweeps=sweeps, n_thermalize=thermalize,
                  n_chains=chains, measure_every=measure_every,
                  start=start.value if start is not None else exp.default_start(params))
    try:
        exp.check_simulation(params)
    except (TypeError, ValueError) as exc:
        msg = str(exc)
        fail(msg, "--algorithm" if msg.startswith("algorithm") else None)
    out = out_dir(out)
    try:
        rows, summary = exp.simulate_experiment(params, temps, out, seed=seed,
                                                scheduler=scheduler, n_workers=workers,
                                                progress=True)
    except KeyboardInterrupt:
        console.print(f"[yellow]interrupted[/]: finished temperatures are stored in "
                      f"{out}/results.sqlite; run the same command again to resume.")
        raise typer.Exit(130) from None
    except SweepError as exc:
        console.print(str(exc), style="red", markup=False, highlight=False)
        raise typer.Exit(1) from None
    except (TypeError, ValueError) as exc:
        fail(str(exc), "--out" if "store" in str(exc) else None)
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
        table.append(row)
    files = ["ising.csv", "ising.png", "results.sqlite", "manifest.json"]
    write_manifest(out, "ising simulate", {**params, "T": temps.tolist(), "seed": seed,
                                           "scheduler": scheduler, "workers": workers},
                   started, files, summary=summary)
    if table:
        print_table(exp._title(params).replace("$", ""), table)
    tcs = ", ".join(f"{lab.replace('$', '')} = {tc:.5f}"
                    for lab, tc in exp.critical_temperatures(params))
    notes = ["value(error) in units of the last digits: binning (E, |M|, M²), block "
             "jackknife (χ, C, U4); τ in sweeps"]
    if "E_exact" in (rows[0] if rows else {}):
        notes.append("exact: Kaufman's finite-L torus")
    if tcs:
        notes.append(tcs)
    if not summary["all_errors_converged"]:
        notes.append("[yellow]some series are short compared with τ: raise --sweeps[/]")
    console.print("; ".join(notes))
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
    from spinnet.experiments import ising as exp

    started = time.time()
    params = _model_params(model.value, L, N, d, disorder.value, 1.0, 1.0, 0.0, 0.0, seed)
    if sweeps < 1:
        fail(f"--sweeps must be >= 1; got {sweeps}", "--sweeps")
    if restarts < 1:
        fail(f"--restarts must be >= 1; got {restarts}", "--restarts")
    if not T0 > 0:
        fail(f"--T0 must be > 0; got {T0}", "--T0")
    if not 0 < T_final <= T0:
        fail(f"--Tfinal must lie in (0, T0 = {T0}]; got {T_final}", "--Tfinal")
    params.update(schedule=exp.SCHEDULES[schedule.value], n_sweeps=sweeps, n_restarts=restarts,
                  T0=T0, T_final=T_final)
    out = out_dir(out)
    try:
        rows, summary = exp.anneal_experiment(params, out, seed=seed)
    except (TypeError, ValueError) as exc:
        fail(str(exc))
    show = [{"restart": str(r["restart"]), "E/N final": f"{r['e_final']:.6f}",
             **({"ground state": "yes" if r["found_ground_state"] else "no"}
                if "found_ground_state" in r else {}),
             "best": "*" if r["best"] else ""} for r in rows]
    files = ["anneal.csv", "anneal_trace.csv", "anneal.png", "manifest.json"]
    write_manifest(out, "anneal", {**params, "seed": seed}, started, files, summary=summary)
    print_table(f"{exp._anneal_title(params, summary['N'])}: {params['schedule']} schedule, "
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
