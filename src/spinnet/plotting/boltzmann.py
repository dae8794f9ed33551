"""Figures for Boltzmann machines: the 4-2-4 encoder, inverse Ising, RBM training."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

__all__ = [
    "encoder_figure",
    "image_grid",
    "inverse_ising_figure",
    "rbm_history_figure",
]


def encoder_figure(weights: Any, connectivity: Any, conditional: Any, n_io: int, *,
                   title: str | None = None) -> Figure:
    """Learned weights of an encoder and its decoding table ``P(V2 = j | V1 = i)``.

    Parameters
    ----------
    weights : array_like, shape (n, n)
        Symmetric weights, units ordered V1, V2, hidden.
    connectivity : array_like of bool, shape (n, n)
        Absent connections are left blank.
    conditional : array_like, shape (n_io, n_io)
        Probability that V2 shows pattern ``j`` when V1 is clamped to pattern ``i``
        (hidden units summed out).
    n_io : int
        Size of each visible group.
    title : str or None, default None
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    w = np.asarray(weights, dtype=float)
    mask = np.asarray(connectivity, dtype=bool)
    p = np.asarray(conditional, dtype=float)
    n = w.shape[0]
    names = ([f"V1.{i + 1}" for i in range(n_io)] + [f"V2.{i + 1}" for i in range(n_io)]
             + [f"H{i + 1}" for i in range(n - 2 * n_io)])
    fig = Figure(figsize=(11.0, 4.8), layout="constrained")
    ax_w, ax_p = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1.0]})
    lim = float(np.abs(w).max()) or 1.0
    im = ax_w.imshow(np.ma.masked_where(~mask, w), cmap="RdBu_r", vmin=-lim, vmax=lim,
                     interpolation="nearest")
    ax_w.set_xticks(range(n), names, rotation=90, fontsize=8)
    ax_w.set_yticks(range(n), names, fontsize=8)
    for edge in (n_io - 0.5, 2 * n_io - 0.5):
        ax_w.axhline(edge, color="k", lw=0.6)
        ax_w.axvline(edge, color="k", lw=0.6)
    ax_w.set_title("learned weights $w_{ij}$ (blank: no connection)", fontsize=10)
    fig.colorbar(im, ax=ax_w, shrink=0.85)
    im2 = ax_p.imshow(p, cmap="viridis", vmin=0.0, vmax=1.0, interpolation="nearest")
    for i in range(p.shape[0]):
        for j in range(p.shape[1]):
            ax_p.text(j, i, f"{p[i, j]:.2f}", ha="center", va="center", fontsize=8,
                      color="w" if p[i, j] < 0.5 else "k")
    ax_p.set_xticks(range(n_io), [str(j + 1) for j in range(n_io)])
    ax_p.set_yticks(range(n_io), [str(i + 1) for i in range(n_io)])
    ax_p.set_xlabel("V2 pattern j")
    ax_p.set_ylabel("V1 clamped to pattern i")
    ax_p.set_title("$P(V2 = j \\mid V1 = i)$, hidden summed out", fontsize=10)
    fig.colorbar(im2, ax=ax_p, shrink=0.85)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def inverse_ising_figure(rows: Sequence[Mapping[str, Any]], *, title: str | None = None
                         ) -> Figure:
    """Coupling reconstruction error vs number of samples, log-log, one line per method.

    ``rows`` have keys ``method``, ``n_samples`` and ``error``. A dashed
    ``∝ 1/√M`` guide is anchored at the best estimate with the fewest samples.

    Parameters
    ----------
    rows : sequence of mapping
        Rows with ``method``, ``n_samples`` and ``error`` (relative Frobenius
        error of the couplings).
    title : str or None, default None
        Figure title (none when ``None``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = Figure(figsize=(6.4, 4.6), layout="constrained")
    ax = fig.subplots()
    methods = list(dict.fromkeys(r["method"] for r in rows))
    for m in methods:
        pts = sorted((int(r["n_samples"]), float(r["error"])) for r in rows if r["method"] == m)
        x, y = zip(*pts, strict=True)
        ax.loglog(x, y, "o-", label=m)
    sizes = sorted({int(r["n_samples"]) for r in rows})
    if len(sizes) > 1:
        y0 = min(float(r["error"]) for r in rows if int(r["n_samples"]) == sizes[0])
        xs = np.array([sizes[0], sizes[-1]], dtype=float)
        ax.loglog(xs, y0 * np.sqrt(xs[0] / xs), "k--", lw=0.8, label=r"$\propto M^{-1/2}$")
    ax.set_xlabel("number of samples M")
    ax.set_ylabel(r"$\|J_{est} - J_{true}\|_F / \|J_{true}\|_F$")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=9)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def rbm_history_figure(history: Mapping[str, Sequence[float]], *, title: str | None = None
                       ) -> Figure:
    """Training curves: one panel per recorded quantity, against the epoch.

    ``history`` maps names (``"free_energy"``, ``"reconstruction_error"``,
    ``"pseudo_likelihood"``, ...) to per-epoch values; an ``"epoch"`` entry, when
    present, gives the abscissa. Names ending in ``"_test"`` / ``"_valid"`` are
    drawn dashed on the panel of their base name.

    Parameters
    ----------
    history : mapping of str to sequence of float
        Per-epoch values by name (see above).
    title : str or None, default None
        Figure title (none when ``None``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    series = {k: np.asarray(v, dtype=float) for k, v in history.items()
              if k != "epoch" and len(v) > 0}
    base = [k for k in series if not k.endswith(("_test", "_valid"))] or list(series)
    n = max(1, len(base))
    fig = Figure(figsize=(4.0 * n + 0.6, 3.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, n, squeeze=False)[0])
    for ax, key in zip(axes, base, strict=False):
        y = series[key]
        x = (np.asarray(history["epoch"], dtype=float)[:len(y)] if "epoch" in history
             and len(history["epoch"]) >= len(y) else np.arange(1, len(y) + 1))
        ax.plot(x, y, "o-" if len(y) < 30 else "-", ms=3, label="train")
        for suffix in ("_test", "_valid"):
            if key + suffix in series:
                yt = series[key + suffix]
                ax.plot(x[:len(yt)], yt, "--", label=suffix[1:])
        ax.set_xlabel("epoch")
        ax.set_title(key.replace("_", " "), fontsize=10)
        ax.grid(True, alpha=0.3)
        if any(key + s in series for s in ("_test", "_valid")):
            ax.legend(fontsize=8)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def image_grid(images: Any, shape: tuple[int, int], *, columns: int | None = None,
               title: str | None = None, symmetric: bool = False, cmap: str = "gray_r"
               ) -> Figure:
    """Tile rows of ``images`` (shape ``(B, H*W)``) as ``H × W`` pictures.

    ``symmetric=True`` centres the colour scale on zero per image (for filters,
    drawn with a diverging map); otherwise each image spans ``[min, max]`` of
    the whole set (``[0, 1]`` for probabilities and binary samples).

    Parameters
    ----------
    images : array_like, shape (B, H*W)
        Images, one per row.
    shape : (int, int)
        ``(H, W)``.
    columns : int or None, default None
        Number of columns (``None``: ``ceil(√B)``).
    title : str or None, default None
        Figure title (none when ``None``).
    symmetric : bool, default False
        Zero-centred diverging colour scale per image.
    cmap : str, default "gray_r"
        Colour map when not ``symmetric``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    x = np.asarray(images, dtype=float)
    b = x.shape[0]
    cols = columns or math.ceil(math.sqrt(b))
    rows = math.ceil(b / cols)
    fig = Figure(figsize=(0.9 * cols + 0.4, 0.9 * rows + (0.5 if title else 0.2)),
                 layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False)
    lo, hi = (0.0, 1.0) if x.size == 0 else (min(0.0, float(x.min())), max(1.0, float(x.max())))
    for k, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if k >= b:
            continue
        if symmetric:
            lim = float(np.abs(x[k]).max()) or 1.0
            ax.imshow(x[k].reshape(shape), cmap="RdBu_r", vmin=-lim, vmax=lim,
                      interpolation="nearest")
        else:
            ax.imshow(x[k].reshape(shape), cmap=cmap, vmin=lo, vmax=hi,
                      interpolation="nearest")
    if title:
        fig.suptitle(title, fontsize=10)
    return fig
