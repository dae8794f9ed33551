"""Figures for Hopfield associative memory."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from spinnet._io import atomic_path

__all__ = [
    "basins_figure",
    "capacity_figure",
    "phase_diagram_figure",
    "recall_grid",
    "rules_figure",
    "save_figure",
    "spurious_figure",
]


def recall_grid(originals: Any, degraded: Any, recalled: Any, shape: tuple[int, int], *,
                overlaps_degraded: Any = None, overlaps_recalled: Any = None,
                title: str | None = None, max_columns: int = 12) -> Figure:
    """Rows Original / Degraded / Reconstruction, one column per pattern.

    Parameters
    ----------
    originals, degraded, recalled : array_like, shape (B, H*W)
        ±1 images (+1 drawn black).
    shape : (H, W)
        Image shape.
    overlaps_degraded, overlaps_recalled : array_like, shape (B,), optional
        Overlaps with the original, printed under each image.
    title : str or None, default None
        Figure title.
    max_columns : int, default 12
        At most this many patterns (columns) are drawn.

    Returns
    -------
    matplotlib.figure.Figure
    """
    rows = [np.asarray(originals), np.asarray(degraded), np.asarray(recalled)]
    b = min(rows[0].shape[0], max_columns)
    labels = ["Original", "Degraded", "Reconstruction"]
    notes = [None, overlaps_degraded, overlaps_recalled]
    fig = Figure(figsize=(1.25 * b + 1.2, 4.3), layout="constrained")
    axes = fig.subplots(3, b, squeeze=False)
    for r in range(3):
        for c in range(b):
            ax = axes[r, c]
            ax.imshow(rows[r][c].reshape(shape), cmap="gray_r", vmin=-1, vmax=1,
                      interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if notes[r] is not None:
                ax.set_xlabel(f"m = {float(np.asarray(notes[r])[c]):.2f}", fontsize=8)
            if c == 0:
                ax.set_ylabel(labels[r], fontsize=10)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def save_figure(fig: Figure, path: str | os.PathLike, dpi: int = 120) -> None:
    """Save ``fig`` as PNG atomically.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    path : str or path
        Target file (written to a temporary file, then renamed).
    dpi : int, default 120
        Resolution.
    """
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, format="png")


def _new(figsize=(6.4, 4.4)) -> tuple[Figure, Any]:
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.subplots()


def capacity_figure(table: list[dict], fss: list[dict], coef: Any, err: float) -> Figure:
    """m(α) at T = 0 for several N with the AGS curve; inset: α_c(N) vs 1/√N.

    Parameters
    ----------
    table : list of dict
        Rows ``N, alpha, m, m_err`` (final overlap from a stored pattern, T = 0).
    fss : list of dict
        Rows ``N, alpha_c_N, alpha_c_N_err`` (finite-size capacities).
    coef : sequence of float, length 2
        ``(α_c(∞), b)`` of the fit ``α_c(N) = α_c(∞) + b/√N``.
    err : float
        Standard error of ``α_c(∞)``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from spinnet.theory.hopfield import ags_solve, capacity_point

    fig = Figure(figsize=(11, 4.4), layout="constrained")
    ax, bx = fig.subplots(1, 2)
    a_c, m_c = capacity_point()
    grid = np.linspace(0.05, a_c - 1e-5, 60)
    m_th = np.array([ags_solve(a, 0.0).m for a in grid])
    ax.plot(grid[m_th > 0], m_th[m_th > 0], "k-", lw=2, label="AGS (RS theory)")
    ax.plot([a_c, a_c], [0, m_c], "k:", lw=1)
    for n in sorted({r["N"] for r in table}):
        rs = [r for r in table if r["N"] == n]
        ax.errorbar([r["alpha"] for r in rs], [r["m"] for r in rs],
                    yerr=[r["m_err"] for r in rs], marker="o", ms=3, capsize=2,
                    label=f"N = {n}")
    ax.set_xlabel("load α = p/N")
    ax.set_ylabel("final overlap m (start at a stored pattern)")
    ax.set_title(f"Retrieval at T = 0: α_c = {a_c:.4f}, m(α_c) = {m_c:.3f}")
    ax.legend(fontsize=8)
    x = np.array([1 / np.sqrt(r["N"]) for r in fss])
    bx.errorbar(x, [r["alpha_c_N"] for r in fss], yerr=[r["alpha_c_N_err"] for r in fss],
                fmt="o", capsize=3, label="α_c(N): half of the probes retrieved")
    xx = np.linspace(0, x.max() * 1.1, 20)
    bx.plot(xx, coef[0] + coef[1] * xx, "C3-",
            label=f"fit α_c(∞) + b/√N: α_c(∞) = {coef[0]:.3f} ± {err:.3f}")
    bx.axhline(a_c, color="k", ls=":", label="AGS α_c = 0.1379")
    bx.set_xlabel("1/√N")
    bx.set_ylabel("α_c(N)")
    bx.set_title("Finite-size extrapolation")
    bx.legend(fontsize=8)
    return fig


def rules_figure(rules: list[dict]) -> Figure:
    """Largest p with all patterns stable vs N, per learning rule, with theory lines.

    Parameters
    ----------
    rules : list of dict
        Rows ``rule`` (``"hebbian"``, ``"storkey"``, ``"pseudo_inverse"``), ``N,
        p_max, p_max_err, theory``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = _new()
    names = {"hebbian": "Hebb: N/(2 ln N)", "storkey": "Storkey: N/√(2 ln N)",
             "pseudo_inverse": "pseudo-inverse: N − 1"}
    for k, rule in enumerate(("hebbian", "storkey", "pseudo_inverse")):
        rs = sorted((r for r in rules if r["rule"] == rule), key=lambda r: r["N"])
        if not rs:
            continue
        n = np.array([r["N"] for r in rs])
        ax.errorbar(n, [r["p_max"] for r in rs], yerr=[r["p_max_err"] for r in rs], fmt="o",
                    color=f"C{k}", capsize=2, label=f"{rule} (simulation)")
        ax.plot(n, [r["theory"] for r in rs], "-", color=f"C{k}", alpha=0.6, label=names[rule])
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("N")
    ax.set_ylabel("largest p with every stored pattern stable")
    ax.set_title("Capacity of the learning rules")
    ax.legend(fontsize=8)
    return fig


def basins_figure(table: list[dict]) -> Figure:
    """Final vs initial overlap, one curve per load.

    Parameters
    ----------
    table : list of dict
        Rows ``N, alpha, m0, m_final, m_final_err``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = _new()
    for a in sorted({r["alpha"] for r in table}):
        rs = [r for r in table if r["alpha"] == a]
        ax.errorbar([r["m0"] for r in rs], [r["m_final"] for r in rs],
                    yerr=[r["m_final_err"] for r in rs], marker="o", ms=3, capsize=2,
                    label=f"α = {a}")
    ax.plot([0, 1], [0, 1], "k:", lw=1, label="no change")
    ax.set_xlabel("initial overlap m₀")
    ax.set_ylabel("final overlap m (T = 0, asynchronous)")
    ax.set_title(f"Basins of attraction, N = {table[0]['N']}")
    ax.legend(fontsize=8)
    return fig


def phase_diagram_figure(table: list[dict], boundary: list[dict],
                         lines: dict[str, list[float]] | None = None, *,
                         fi: bool = False) -> Figure:
    """Simulated retrieval overlap on the (α, T) plane with the AGS lines.

    ``lines`` as returned by :func:`spinnet.theory.hopfield.ags_lines` (computed,
    or read from its cache, when not given). With ``fi=True`` the lines of the
    Landau expansion near ``T_g`` (Feigel'man & Ioffe 1986;
    :mod:`spinnet.theory.feigelman_ioffe`) are overlaid as thin dash-dotted
    lines: ``T_M = 1 − 1.954√α`` and ``T_c = 1 − 2.596√α`` (their ``T_g`` is the
    AGS ``1 + √α``). The default figure is unchanged.

    Parameters
    ----------
    table : list of dict
        Rows ``alpha, T, m`` on a grid (the colour map).
    boundary : list of dict
        Rows ``alpha, T_sim`` of the simulated retrieval boundary.
    lines : dict of str to list of float, or None, default None
        AGS lines with keys ``alpha, T_M, T_c, T_R``; ``None`` computes them.
    fi : bool, default False
        Overlay the Feigel'man–Ioffe lines.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from spinnet.theory.hopfield import ags_lines, t_g

    fig, ax = _new((8.6, 5.4))
    alphas = sorted({r["alpha"] for r in table})
    Ts = sorted({r["T"] for r in table})
    m = np.full((len(Ts), len(alphas)), np.nan)
    for r in table:
        m[Ts.index(r["T"]), alphas.index(r["alpha"])] = r["m"]

    def edges(v: list[float]) -> np.ndarray:
        v = np.asarray(v, dtype=float)
        if v.size == 1:  # a single grid value: a cell of width ± 10 % (0.05 at zero)
            half = 0.1 * abs(v[0]) or 0.05
            return np.array([v[0] - half, v[0] + half])
        mid = 0.5 * (v[1:] + v[:-1])
        return np.concatenate([[v[0] - (mid[0] - v[0])], mid, [v[-1] + (v[-1] - mid[-1])]])

    mesh = ax.pcolormesh(edges(alphas), edges(Ts), m, cmap="Blues", vmin=0, vmax=1,
                         shading="flat")
    fig.colorbar(mesh, ax=ax, label="simulated overlap m (Glauber, start at a pattern)")
    lines = ags_lines(24, tol=1e-4) if lines is None else lines
    grid = lines["alpha"]
    ax.plot(grid, lines["T_M"], "r-", lw=2, label="T_M: retrieval states exist")
    ax.plot(grid, lines["T_c"], "r--", lw=1.5, label="T_c: retrieval is global min")
    ga = np.linspace(0, max(alphas) * 1.05, 40)
    ax.plot(ga, t_g(ga), "-", color="darkorange", lw=2, label="T_g = 1 + √α: spin glass")
    ax.plot(grid, lines["T_R"], "m:", lw=1.5, label="T_R: AT line")
    if fi:
        from spinnet.theory.feigelman_ioffe import fi_t_c, fi_t_m

        fa = np.linspace(1e-4, max(alphas) * 1.05, 80)
        ax.plot(fa, fi_t_m(fa), "-.", color="k", lw=1.0,
                label="T_M Landau near T_g (Feigel'man–Ioffe)")
        ax.plot(fa, fi_t_c(fa), "-.", color="grey", lw=1.0,
                label="T_c Landau near T_g (Feigel'man–Ioffe)")
    ax.plot([b["alpha"] for b in boundary], [b["T_sim"] for b in boundary], "o",
            color="gold", mec="k", ms=7, label="simulated boundary")
    ax.set_xlim(0, max(alphas) * 1.05)
    ax.set_ylim(0, max(Ts))
    ax.set_xlabel("load α = p/N")
    ax.set_ylabel("temperature T")
    ax.set_title(f"Hopfield phase diagram: AGS theory vs Glauber simulation, N = {table[0]['N']}")
    ax.legend(fontsize=7, loc="upper right", framealpha=0.9)
    return fig


def spurious_figure(table: list[dict], alpha_max: float) -> Figure:
    """3-mixture overlaps and survival vs α; energies of pure, mixture and random starts.

    Parameters
    ----------
    table : list of dict
        Rows ``N, alpha, m_mix, m_mix_err, survived, e_pure, e_mixture,
        e_random_start`` (and their ``_err``).
    alpha_max : float
        Replica-symmetric limit of the 3-mixture states.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from spinnet.theory.hopfield import ags_solve, mixture_state

    fig = Figure(figsize=(11, 4.4), layout="constrained")
    ax, bx = fig.subplots(1, 2)
    near = [r for r in table if r["alpha"] <= 2.5 * alpha_max]
    a = [r["alpha"] for r in near]
    ax.errorbar(a, [r["m_mix"] for r in near], yerr=[r["m_mix_err"] for r in near],
                fmt="o-", ms=3, capsize=2, label="mean overlap with its 3 patterns")
    ax.plot(a, [r["survived"] for r in near], "s-", ms=3, label="fraction surviving")
    fine = np.linspace(1e-3, alpha_max * 0.999, 40)
    ax.plot(fine, [mixture_state(3, x)["m"] for x in fine], "k-", lw=1,
            label="RS theory (3-mixture)")
    ax.axvline(alpha_max, color="k", ls=":", label=f"RS limit α = {alpha_max:.4f}")
    ax.set_xlabel("load α")
    ax.set_ylabel("overlap / fraction")
    ax.set_title(f"Symmetric 3-mixture states at T = 0, N = {table[0]['N']}")
    ax.legend(fontsize=8)
    a = [r["alpha"] for r in table]
    for key, lab in (("e_pure", "pure (retrieval)"), ("e_mixture", "3-mixture"),
                     ("e_random_start", "from random start")):
        bx.errorbar(a, [r[key] for r in table], yerr=[r[key + "_err"] for r in table],
                    fmt="o", ms=3, capsize=2, label=lab)
    fine = np.linspace(2e-3, max(a) * 1.02, 80)
    ret = [ags_solve(x, 0.0) for x in fine]
    bx.plot(fine, [s.free_energy if s.m > 0 else np.nan for s in ret], "k-", lw=1,
            label="AGS retrieval")
    bx.plot(fine, [ags_solve(x, 0.0, branch="spin-glass").free_energy for x in fine], "k--",
            lw=1, label="AGS spin glass (RS)")
    bx.set_xlabel("load α")
    bx.set_ylabel("energy per spin")
    bx.set_title("Energy ordering of the attractors")
    bx.legend(fontsize=8)
    return fig
