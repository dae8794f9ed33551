"""``spinnet hopfield dynamics``: retrieval dynamics near saturation, simulation vs theory.

Options are parsed here; the work is done by
:mod:`spinnet.experiments.retrieval_dynamics` (imported inside the command: it
pulls in numba).
"""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path

import typer

from spinnet.cli._common import (
    check_finite,
    check_seed,
    console,
    fail,
    out_dir,
    parse_floats,
    print_table,
    progress_bar,
    run_experiment,
)


class Updates(StrEnum):
    sync = "sync"
    sequential = "sequential"


def dynamics(
    alpha: str = typer.Option("0.05,0.1,0.2", "--alpha",
                              help="Loads α = p/N: a comma list or lo:hi:n."),
    m0: str = typer.Option("0.3,0.6,0.9", "--m0",
                           help="Initial overlaps with the retrieved pattern, in [0, 1] "
                                "(< 1 for sequential): a comma list or lo:hi:n."),
    updates: Updates = typer.Option(Updates.sync, "--updates",
                                    help="sync: parallel T = 0 updates vs Gardner–Derrida–"
                                         "Mottishaw and Amari–Maginu; sequential: random-"
                                         "sequential updates vs the Coolen–Sherrington flow."),
    N: int = typer.Option(10000, "--N", help="Number of neurons (>= 100)."),
    trials: int = typer.Option(10, "--trials",
                               help="Independent pattern sets per α (error bars; >= 2)."),
    samples: int = typer.Option(4, "--samples",
                                help="Initial states per pattern set and m0 (>= 1)."),
    sweeps: int = typer.Option(10, "--sweeps",
                               help="Synchronous steps, or sweeps of N sequential updates."),
    T: float = typer.Option(0.0, "--T", help="Temperature (sequential only; 0 = sign "
                                             "updates, > 0 = heat bath)."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    out: Path = typer.Option(Path("spinnet-hopfield-dynamics"), "--out",
                             help="Output directory for dynamics.csv, trajectories.csv, "
                                  "dynamics.png and manifest.json."),
) -> None:
    """Overlap m(t) and energy per spin E(t)/N from initial overlaps m0: simulation vs theory."""
    import numpy as np

    from spinnet._io import write_csv, write_manifest
    from spinnet.experiments.retrieval_dynamics import dynamics_rows
    from spinnet.plotting.dynamics import dynamics_figure
    from spinnet.plotting.hopfield import save_figure

    started = time.time()
    alphas = parse_floats(alpha, "--alpha", minimum=0, min_inclusive=False, maximum=2.0)
    m0s = parse_floats(m0, "--m0", minimum=0, maximum=1)
    if len(set(alphas)) != len(alphas):
        fail(f"--alpha repeats a value: {alpha}", "--alpha")
    if len(set(m0s)) != len(m0s):
        fail(f"--m0 repeats a value: {m0}", "--m0")
    if N < 100:
        fail(f"--N must be >= 100; got {N}", "--N")
    if trials < 2:
        fail(f"--trials must be >= 2 (the error bar needs two pattern sets); got {trials}",
             "--trials")
    if samples < 1:
        fail(f"--samples must be >= 1; got {samples}", "--samples")
    if not 1 <= sweeps <= 1000:
        fail(f"--sweeps must be in 1..1000; got {sweeps}", "--sweeps")
    T = check_finite(T, "--T", minimum=0)
    check_seed(seed)
    kind = updates.value
    if kind == "sync" and T != 0:
        fail("--T applies to --updates sequential (synchronous theory here is T = 0); "
             f"got --T {T}", "--T")
    if kind == "sequential" and max(m0s) >= 1:
        fail("--m0 must be < 1 for --updates sequential (the flow starts off the pattern)",
             "--m0")
    if kind == "sync" and max(round(a * N) for a in alphas) * N > 4e8:
        fail(f"--N {N} with --alpha {max(alphas)} needs more than 1.6 GB for the patterns "
             "(p·N > 4e8); lower --N or --alpha", "--N")
    out = out_dir(out)
    with progress_bar(transient=True) as bar:
        rows, curves = run_experiment(dynamics_rows, alphas, m0s, updates=kind, N=N,
                                      trials=trials, n_samples=samples, n_sweeps=sweeps, T=T,
                                      rng=seed, progress=bar)
    if kind == "sync":
        fmt = {"alpha": ".4f", "m0": ".3f", "m": ".5f", "m_se": ".5f", "energy": ".4f",
               "m_exact": ".5f", "z_m_exact": "+.2f", "m_am": ".5f", "z_m_am": "+.2f"}
        cols = ["alpha", "m0", "t", "m", "m_se", "energy", "m_exact", "z_m_exact", "m_am",
                "z_m_am"]
        shown = [{k: r[k] for k in cols} for r in rows if r["t"] <= min(sweeps, 5)]
        note = ("m_exact: Gardner–Derrida–Mottishaw (t = 1, 2); m_am: Amari–Maginu; "
                "z = (simulation − theory)/s.e. over pattern sets")
    else:
        fmt = {"alpha": ".4f", "m0": ".3f", "m": ".5f", "m_se": ".5f", "energy": ".4f",
               "energy_se": ".4f", "m_cs": ".5f", "z_m_cs": "+.2f", "energy_cs": ".4f"}
        cols = ["alpha", "m0", "t", "m", "m_se", "m_cs", "z_m_cs", "energy", "energy_se",
                "energy_cs"]
        shown = [{k: r[k] for k in cols} for r in rows if r["t"] <= min(sweeps, 5)]
        note = ("m_cs, energy_cs: Coolen–Sherrington flow with the replica-symmetric noise "
                "distribution; z = (simulation − theory)/s.e. over pattern sets")
    print_table(f"Retrieval dynamics ({kind}), N = {N}: simulation vs theory", shown, fmt)
    console.print(note)
    traj = []
    for c in curves:
        th_m = np.interp(c["t_sim"], c["t_th"], c["m_th"])
        th_e = (np.interp(c["t_sim"], c["t_th"], c["e_th"]) if np.all(np.isfinite(c["e_th"]))
                else np.full(len(c["t_sim"]), np.nan))
        for j, t in enumerate(c["t_sim"]):
            traj.append({"updates": kind, "alpha": c["alpha"], "m0": c["m0"], "T": T,
                         "t": float(t), "m": float(c["m_sim"][j]), "m_se": float(c["m_se"][j]),
                         "energy": float(c["e_sim"][j]), "energy_se": float(c["e_se"][j]),
                         "m_theory": float(th_m[j]), "energy_theory": float(th_e[j])})
    write_csv(out / "dynamics.csv", rows)
    write_csv(out / "trajectories.csv", traj)
    save_figure(dynamics_figure(curves), out / "dynamics.png")
    files = ["dynamics.csv", "trajectories.csv", "dynamics.png", "manifest.json"]
    write_manifest(out, "hopfield dynamics",
                   dict(alpha=alphas, m0=m0s, updates=kind, N=N, trials=trials,
                        samples=samples, sweeps=sweeps, T=T, seed=seed), started, files)
    console.print(f"outputs in {out}/ ({', '.join(files)})")

