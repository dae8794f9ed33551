"""``spinnet theory ...``: closed-form and mean-field results."""

from __future__ import annotations

import math
from pathlib import Path

import typer

from spinnet.cli._common import console, fail, print_table

app = typer.Typer(help="Theory: AGS replica-symmetric solution of the Hopfield model and "
                       "the Landau theory near T_g (Feigel'man–Ioffe).",
                  no_args_is_help=True)


@app.command("ags")
def ags(alpha: float = typer.Option(..., "--alpha", help="Load α = p/N (> 0)."),
        T: float = typer.Option(0.0, "--T", help="Temperature (>= 0)."),
        lines: bool = typer.Option(False, help="Also print T_M, T_c, T_g, T_R at this α.")
        ) -> None:
    """Solve the AGS equations at (α, T): m, q, r, free energies and the phase."""
    from spinnet.theory import hopfield as H

    if not (math.isfinite(alpha) and alpha > 0):
        fail(f"--alpha must be > 0 (a finite load α = p/N); got {alpha}", "--alpha")
    if not (math.isfinite(T) and T >= 0):
        fail(f"--T must be >= 0 and finite; got {T}", "--T")
    try:
        ret = H.ags_solve(alpha, T)
        sg = H.ags_solve(alpha, T, branch="spin-glass")
    except (ValueError, TypeError) as exc:
        fail(str(exc))
    if ret.m > 0:
        phase = "retrieval (global minimum)" if ret.free_energy < sg.free_energy else \
            "retrieval (metastable; spin-glass states lower)"
    else:
        phase = sg.phase
    rows = [{"solution": "retrieval", "m": ret.m, "q": ret.q, "r": ret.r,
             "f": ret.free_energy},
            {"solution": "spin-glass/para", "m": sg.m, "q": sg.q, "r": sg.r,
             "f": sg.free_energy}]
    print_table(f"AGS replica-symmetric solution at α = {alpha}, T = {T}", rows,
                {"m": ".6f", "q": ".6f", "r": ".6f", "f": ".6f"})
    console.print(f"phase: {phase}")
    if lines:
        console.print(f"T_M = {H.t_m(alpha):.4f}  T_c = {H.t_c(alpha):.4f}  "
                      f"T_g = {H.t_g(alpha):.4f}  T_R = {H.t_r(alpha):.2e}  "
                      f"(α_c(T=0) = {H.capacity_point()[0]:.4f})")


@app.command("fi")
def fi(alpha: str = typer.Option("0.0001,0.001,0.005,0.01,0.02,0.05", "--alpha",
                                 help="Loads α = p/N (0 < α < 0.14) for the table: a comma "
                                      "list or lo:hi:n."),
       compare: bool = typer.Option(True, "--compare/--no-compare",
                                    help="Also solve the full AGS lines T_M, T_c at each α "
                                         "(about 10 s per load)."),
       out: Path = typer.Option(Path("spinnet-theory-fi"), "--out",
                                help="Output directory for fi.csv, fi.png and manifest.json."),
       ) -> None:
    """Feigel'man–Ioffe Landau theory near T_g: phase lines vs the full AGS solution."""
    import time

    import numpy as np

    from spinnet._io import write_csv, write_manifest
    from spinnet._progress import report
    from spinnet.cli._common import out_dir, parse_floats, progress_bar
    from spinnet.plotting.dynamics import fi_figure
    from spinnet.plotting.hopfield import save_figure
    from spinnet.theory import feigelman_ioffe as F
    from spinnet.theory import hopfield as H

    started = time.time()
    alphas = parse_floats(alpha, "--alpha", minimum=0, min_inclusive=False, maximum=0.138)
    if len(set(alphas)) != len(alphas):
        fail(f"--alpha repeats a value: {alpha}", "--alpha")
    alphas = sorted(alphas)
    out = out_dir(out)
    rows = []
    with progress_bar(transient=True) as bar:
        for k, a in enumerate(alphas):
            report(bar, "AGS lines" if compare else "Landau lines", k, len(alphas))
            row = {"alpha": a, "T_g": float(H.t_g(a)), "T_M_fi": float(F.fi_t_m(a)),
                   "T_c_fi": float(F.fi_t_c(a))}
            if compare:
                row["T_M_ags"] = H.t_m(a)
                row["T_c_ags"] = H.t_c(a)
                row["dT_M"] = row["T_M_fi"] - row["T_M_ags"]
                row["dT_c"] = row["T_c_fi"] - row["T_c_ags"]
            rows.append(row)
        report(bar, "AGS lines" if compare else "Landau lines", len(alphas), len(alphas))
    print_table("Landau theory near T_g (Feigel'man–Ioffe) vs AGS", rows,
                {k: ".4f" for k in ("T_g", "T_M_fi", "T_c_fi", "T_M_ags", "T_c_ags")}
                | {"alpha": ".4g", "dT_M": "+.4f", "dT_c": "+.4f"})
    console.print(f"Landau: T_g = 1 + √α, T_M = 1 − {F.B_M:.5f}√α, T_c = 1 − {F.B_C:.5f}√α; "
                  "retrieval states are replica-symmetric (replicon > 0) to this order")
    grid = np.linspace(1e-5, max(alphas) * 1.05, 200)
    save_figure(fi_figure(grid, rows if compare else None), out / "fi.png")
    write_csv(out / "fi.csv", rows)
    files = ["fi.csv", "fi.png", "manifest.json"]
    write_manifest(out, "theory fi", {"alpha": alphas, "compare": compare}, started, files,
                   b_M=F.B_M, b_c=F.B_C)
    console.print(f"outputs in {out}/ ({', '.join(files)})")
