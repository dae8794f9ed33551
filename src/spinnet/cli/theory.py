"""``spinnet theory ...``: closed-form and mean-field results."""

from __future__ import annotations

import math

import typer

from spinnet.cli._common import console, fail, print_table

app = typer.Typer(help="Theory: AGS replica-symmetric solution of the Hopfield model.",
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
