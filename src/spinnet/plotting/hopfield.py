"""Figures for Hopfield associative memory."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from spinnet._io import atomic_path

__all__ = ["recall_grid", "save_figure"]


def recall_grid(originals: Any, degraded: Any, recalled: Any, shape: tuple[int, int], *,
                overlaps_degraded: Any = None, overlaps_recalled: Any = None,
                title: str | None = None, max_columns: int = 12) -> Figure:
    """Rows Original / Degraded / Reconstruction, one column per pattern.

    Parameters
    ----------
    originals, degraded, recalled : array_like, shape (B, H*W)
        ±1 images (+1 drawn black).
    shape : (H, W)
    overlaps_degraded, overlaps_recalled : array_like, shape (B,), optional
        Overlaps with the original, printed under each image.
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
    """Save ``fig`` as PNG atomically."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, format="png")
