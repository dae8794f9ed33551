"""Figures for lattice spin-model simulations: observables vs T, annealing, Binder crossings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from spinnet.plotting.hopfield import save_figure

__all__ = ["anneal_figure", "binder_crossing_figure", "binder_figure", "observables_figure",
           "save_figure"]

#: (row key, axis label) of the panels of :func:`observables_figure`.
PANELS = (("E", "energy per spin $E/N$"), ("absM", r"$\langle |m| \rangle$"),
          ("chi", r"susceptibility $\chi$"), ("C", "specific heat $C/N$"),
          ("U4", r"Binder cumulant $U_4$"))


def observables_figure(rows: Sequence[dict[str, Any]],
                       curves: dict[str, list[tuple[Any, Any, str]]] | None = None,
                       critical: Sequence[tuple[str, float]] = (), *, title: str | None = None,
                       u4_critical: float | None = None, size_key: str | None = None) -> Figure:
    """``E``, ``<|m|>``, ``χ``, ``C``, ``U₄`` and autocorrelation times vs ``T``.

    Parameters
    ----------
    rows : sequence of dict
        One per temperature with ``T`` and ``<key>``, ``<key>_err`` for each
        panel key (``E, absM, chi, C, U4``), and ``tau_absM``, ``tau_E``.
    curves : dict, optional
        Exact curves per panel key: ``[(T, y, label), ...]`` (e.g. Onsager and
        Kaufman energies), drawn as lines.
    critical : sequence of (label, T_c)
        Vertical lines in every panel.
    title : str, optional
    u4_critical : float, optional
        Universal crossing value ``U₄*`` drawn as a horizontal line.
    size_key : str, optional
        Row key of the system size (``"L"`` or ``"N"``) when ``rows`` hold
        several sizes: one colour per size.

    Returns
    -------
    matplotlib.figure.Figure
    """
    curves = curves or {}
    fig = Figure(figsize=(13, 7.2), layout="constrained")
    axes = fig.subplots(2, 3).ravel()
    if size_key is None:
        groups = [("Monte Carlo", list(rows))]
    else:
        sizes = sorted({r[size_key] for r in rows})
        groups = [(f"{size_key} = {v}", [r for r in rows if r[size_key] == v]) for v in sizes]
    styles = ("--", "-", ":")
    for ax, (key, label) in zip(axes, PANELS, strict=False):
        for k, (tc_T, tc_y, tc_label) in enumerate(curves.get(key, [])):
            ax.plot(tc_T, tc_y, styles[k % 3], color="k", lw=1.2, label=tc_label)
        for g, (glabel, grows) in enumerate(groups):
            gT = np.array([r["T"] for r in grows], dtype=float)
            y = np.array([r[key] for r in grows], dtype=float)
            dy = np.array([r[key + "_err"] for r in grows], dtype=float)
            ax.errorbar(gT, y, yerr=dy, fmt="o" if size_key is None else "o-", ms=4,
                        color=f"C{g}", capsize=2, label=glabel)
        if key == "U4" and u4_critical is not None:
            ax.axhline(u4_critical, color="0.5", lw=0.8, ls=":", label=r"$U_4^*$ (torus)")
        ax.set_xlabel("temperature $T$")
        ax.set_ylabel(label)
    tau_ax = axes[5]
    for key, lab, c in (("tau_absM", r"$\tau_{int}(|m|)$", "C1"), ("tau_E", r"$\tau_{int}(E)$",
                                                                      "C2")):
        for g, (glabel, grows) in enumerate(groups):
            gT = np.array([r["T"] for r in grows], dtype=float)
            tau = np.array([r.get(key, np.nan) for r in grows], dtype=float)
            err = np.array([r.get(key + "_err", np.nan) for r in grows], dtype=float)
            full = lab if size_key is None else f"{lab}, {glabel}"
            tau_ax.errorbar(gT, tau, yerr=err, fmt="o-" if key == "tau_absM" else "s--",
                            ms=4, color=c if size_key is None else f"C{g}", capsize=2,
                            label=full)
    tau_ax.set_yscale("log")
    tau_ax.set_xlabel("temperature $T$")
    tau_ax.set_ylabel("autocorrelation time (sweeps)")
    for ax in axes:
        for k, (lab, tc) in enumerate(critical):
            ax.axvline(tc, color=f"C{3 + k}", lw=0.9, ls="-.", label=lab)
        ax.legend(fontsize=7, loc="best")
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def anneal_figure(energies: Any, temperatures: Any, final: Any, *, exact: float | None = None,
                  references: Sequence[tuple[str, float]] = (),
                  title: str | None = None) -> Figure:
    """Energy per spin vs sweep for every restart, with the schedule on a twin axis.

    Parameters
    ----------
    energies : array_like, shape (n_restarts, n_sweeps)
    temperatures : array_like, shape (n_sweeps,)
    final : array_like, shape (n_restarts,)
        Energies after the zero-temperature quench (marked at the right end).
    exact : float, optional
        Exact ground-state energy per spin (enumeration).
    references : sequence of (label, value)
        Further horizontal lines (e.g. Parisi's ``e₀`` for ``N → ∞``).
    title : str or None, default None
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    e = np.atleast_2d(np.asarray(energies, dtype=float))
    t = np.arange(1, e.shape[1] + 1)
    final = np.asarray(final, dtype=float)
    best = int(np.argmin(final))
    fig = Figure(figsize=(7.5, 4.6), layout="constrained")
    ax = fig.subplots()
    first_other = True
    for r in range(e.shape[0]):
        if r == best:
            ax.plot(t, e[r], lw=1.4, color="C0", label="best restart", zorder=3)
        else:
            ax.plot(t, e[r], lw=0.6, color="0.6", label="restarts" if first_other else None)
            first_other = False
    ax.plot(np.full(final.shape, t[-1]), final, "v", color="C3", ms=5,
            label="after $T = 0$ quench")
    if exact is not None:
        ax.axhline(exact, color="k", lw=1.0, ls="--", label=f"exact ground state {exact:.4f}")
    for k, (lab, val) in enumerate(references):
        ax.axhline(val, color=f"C{4 + k}", lw=0.9, ls=":", label=f"{lab} {val:.4f}")
    ax.set_xscale("log")
    ax.set_xlabel("sweep")
    ax.set_ylabel("energy per spin $E/N$")
    lo = min(float(np.min(final)), exact if exact is not None else np.inf,
             *(v for _, v in references))
    ax.set_ylim(lo - 0.05 * (float(e.max()) - lo + 1e-9), None)
    tx = ax.twinx()
    tx.plot(t, temperatures, color="C1", lw=1.0, alpha=0.7)
    tx.set_ylabel("temperature $T$", color="C1")
    tx.set_yscale("log")
    ax.legend(fontsize=8, loc="upper right")
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def binder_crossing_figure(rows: Sequence[dict[str, Any]], crossing: Any,
                           critical: Sequence[tuple[str, float]] = (), *,
                           size_key: str = "L", title: str | None = None) -> Figure:
    """``U₄(T)`` per size with the located crossing (:func:`spinnet.observables.binder_crossing`).

    Parameters
    ----------
    rows : sequence of dict
        Rows with ``T``, ``U4``, ``U4_err`` and ``size_key``.
    crossing : BinderCrossing
        Its ``T_c ± T_c_err`` is drawn as a grey band and every pair's crossing
        as a marker.
    critical : sequence of (label, T_c)
        Exact critical temperatures (dashed lines), if known.
    size_key : str, default "L"
        Key of the system size in ``rows``.
    title : str or None, default None
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = Figure(figsize=(6.4, 4.6), layout="constrained")
    ax = fig.subplots()
    sizes = sorted({r[size_key] for r in rows})
    for k, v in enumerate(sizes):
        sub = sorted((r for r in rows if r[size_key] == v), key=lambda r: r["T"])
        ax.errorbar([r["T"] for r in sub], [r["U4"] for r in sub],
                    yerr=[r["U4_err"] for r in sub], fmt="o-", ms=3, lw=0.8, color=f"C{k}",
                    capsize=2, label=f"{size_key} = {v}")
    if np.isfinite(crossing.T_c):
        err = crossing.T_c_err if np.isfinite(crossing.T_c_err) else 0.0
        ax.axvspan(crossing.T_c - err, crossing.T_c + err, color="0.85", zorder=0,
                   label=f"crossing $T_c$ = {crossing.T_c:.4f} ± {err:.4f}")
    for p in crossing.pairs:
        if np.isfinite(p.T_cross):
            ax.plot([p.T_cross], [p.U4_cross], "kx", ms=7)
    for k, (lab, tc) in enumerate(critical):
        ax.axvline(tc, color=f"C{3 + k}", ls="--", lw=0.9, label=f"{lab} = {tc:.4f}")
    ax.set_xlabel("temperature $T$")
    ax.set_ylabel(r"Binder cumulant $U_4$")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=9)
    return fig


def binder_figure(results: Sequence[dict[str, Any]]) -> Figure:
    """``U₄(T)`` for several ``L`` with the located crossings, one panel per coupling set.

    ``results`` are outputs of
    :func:`spinnet.experiments.ising_acceptance.binder_crossings`.

    Parameters
    ----------
    results : sequence of dict
        Outputs of :func:`spinnet.experiments.ising_acceptance.binder_crossings`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = Figure(figsize=(4.6 * len(results), 4.2), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(results)))
    for ax, res in zip(axes, results, strict=True):
        T, tc = np.asarray(res["T"]), res["T_c"]
        for k, (L, cur) in enumerate(res["curves"].items()):
            ax.errorbar(T, cur["U4"], yerr=cur["U4_err"], fmt="o-", ms=3, lw=0.8,
                        color=f"C{k}", capsize=2, label=f"L = {L}")
        ax.axvline(tc, color="k", ls="--", lw=0.9, label=f"exact $T_c$ = {tc:.4f}")
        for p in res["pairs"]:
            ax.axvspan(p["T_cross"] - p["T_cross_err"], p["T_cross"] + p["T_cross_err"],
                       color="0.85")
        p0 = res["pairs"][0]
        ax.set_title(f"$J_h$={p0['J_h']:g}, $J_v$={p0['J_v']:g}, $J_d$={p0['J_d']:g}",
                     fontsize=10)
        ax.set_xlabel("temperature $T$")
        ax.set_ylabel("$U_4$")
        ax.legend(fontsize=8)
    return fig
