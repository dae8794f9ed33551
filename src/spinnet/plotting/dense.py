"""Figures for dense associative memories and modern Hopfield networks."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import numpy as np
from matplotlib.figure import Figure

__all__ = ["capacity_figure", "lm_figure", "retrieval_figure"]


def _new(figsize=(6.4, 4.4)) -> tuple[Figure, Any]:
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.subplots()


def capacity_figure(rows: list[dict], summary: dict) -> Figure:
    """Measured capacity ``p_c`` vs ``N`` (log-log for polynomial, log-lin for exp).

    Parameters
    ----------
    rows : list of dict
        Rows of :func:`spinnet.experiments.dense.capacity_scan` (``N, p_c,
        p_low, p_high``, optional ``p_theory``).
    summary : dict
        Its summary (``interaction`` and the fitted exponent or slope).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = _new()
    ns = np.array([r["N"] for r in rows], float)
    pc = np.array([r["p_c"] for r in rows])
    lo = np.array([r["p_low"] for r in rows])
    hi = np.array([r["p_high"] for r in rows])
    yerr = [np.clip(pc - lo, 0, None), np.clip(hi - pc, 0, None)]
    ax.errorbar(ns, pc, yerr=yerr, fmt="o", capsize=3, label="measured (≥ 99 % stable)")
    if "p_theory" in rows[0] or "exponent" in summary:
        if "p_theory" in rows[0]:
            ax.plot(ns, [r["p_theory"] for r in rows], "-", label="signal-to-noise theory")
        ax.set_xscale("log")
        ax.set_title(f"{summary['interaction']}: p_c ∝ N^{summary['exponent']:.2f} "
                     f"(expected {summary['expected_exponent']})")
    elif "alpha" in summary:
        grid = np.linspace(ns.min(), ns.max(), 50)
        c = math.log(pc[0]) - summary["alpha"] * ns[0]
        ax.plot(grid, np.exp(summary["alpha"] * grid + c), "--",
                label=f"fit ln p_c = {summary['alpha']:.3f} N + c")
        ax.set_title(f"exp: ln p_c slope {summary['alpha']:.3f} (Demircigil "
                     f"{summary['alpha_theory_asymptotic']:.3f}, extreme value "
                     f"{summary['alpha_extreme_value']:.3f})")
    ax.set_yscale("log")
    ax.set_xlabel("N")
    ax.set_ylabel("capacity p_c")
    ax.legend()
    return fig


def lm_figure(rows: list[dict], summaries: list[dict]) -> Figure:
    """Fraction of typical patterns retrieved vs ``α = ln P / N``, one curve per ``N``.

    Parameters
    ----------
    rows : list of dict
        Rows ``N, alpha, fraction_retrieved, stderr`` of
        :func:`spinnet.experiments.dense.lm_simulation` or ``lm_threshold``.
    summaries : list of dict
        Their summaries (``alpha1_theory, ensemble, lam`` of the first are used).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = _new()
    by_n: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        by_n[r["N"]].append(r)
    for n, rs in sorted(by_n.items()):
        ax.errorbar([r["alpha"] for r in rs], [r["fraction_retrieved"] for r in rs],
                    yerr=[r["stderr"] for r in rs], fmt="o-", ms=3, capsize=2, label=f"N = {n}")
    a1 = summaries[0]["alpha1_theory"]
    ax.axvline(a1, color="k", ls="--", label=f"α₁(λ) = {a1:.4f}")
    ax.set_xlabel("α = ln P / N")
    ax.set_ylabel("fraction retrieved")
    ax.set_title(f"typical-pattern threshold (REM criterion), {summaries[0]['ensemble']}, "
                 f"λ = {summaries[0]['lam']:g}")
    ax.legend()
    return fig


def retrieval_figure(rows: list[dict]) -> Figure:
    """Retrieval accuracy vs ``β`` (modern) with the classical and dense memories as lines.

    Parameters
    ----------
    rows : list of dict
        Rows of :func:`spinnet.experiments.dense.mnist_retrieval` (``model,
        beta, accuracy, n_stored``, ``nearest_is_original`` for the query rows).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = _new()
    modern = [r for r in rows if r["model"] == "modern"]
    if modern:
        ax.plot([r["beta"] for r in modern], [r["accuracy"] for r in modern], "o-",
                label="modern Hopfield (fixed point)")
        ax.set_xscale("log")
    styles = ["--", ":", "-.", (0, (5, 1)), (0, (1, 3)), (0, (3, 1, 1, 1))]
    others = [r for r in rows if r["model"] != "modern"]
    for k, r in enumerate(others):
        ax.axhline(r["accuracy"], ls=styles[k % len(styles)], color=f"C{k + 1}",
                   label=f"{r['model']}: {r['accuracy']:.2f}")
    query = [r for r in others if r["model"].startswith("query")]
    if query:  # best any nearest-pattern rule can do with these queries
        ax.axhline(query[0]["nearest_is_original"], color="0.5", lw=0.8,
                   label=f"nearest stored image = original: "
                         f"{query[0]['nearest_is_original']:.2f}")
    ax.set_xlabel("β")
    ax.set_ylabel("retrieval accuracy")
    ax.set_ylim(-0.03, 1.03)
    n = rows[0]["n_stored"]
    ax.set_title(f"{n} stored images, bottom half of the query replaced by noise")
    ax.legend(fontsize=8)
    return fig
