"""Spin-spin correlation function ``G(r)`` of square-lattice snapshots, with errors.

``G(Δ) = ⟨s_x s_{x+Δ}⟩`` averaged over the ``L²`` sites ``x`` of each periodic
``L × L`` snapshot (one FFT per snapshot: the Wiener-Khinchin theorem) and over
the snapshots; error bars from the block jackknife over snapshots
(:func:`spinnet.stats.jackknife`; for a plain mean it is the blocking error of
Flyvbjerg & Petersen, J. Chem. Phys. 91, 461 (1989)), valid when a block is
longer than the autocorrelation time of the snapshot sequence.

``G`` is *not* connected: no ``⟨s⟩²`` is subtracted. On a finite periodic
lattice at zero field ``⟨s⟩ = 0`` by symmetry, so above ``T_c`` this is the
connected correlation; below ``T_c`` it tends to ``m²`` at large ``r``.

Directions are those of :class:`~spinnet.models.SquareIsing`, with sites
``(row, column)``: ``"horizontal"`` ``Δ = (0, r)``, ``"vertical"`` ``(r, 0)``,
``"diagonal"`` ``(r, r)`` (the ``J_d`` bonds ``(r,c)-(r+1,c+1)``) and
``"anti-diagonal"`` ``(r, −r)``. The exact reference for the first three is
:func:`spinnet.theory.ising.axis_correlation` (infinite strip) or
:func:`spinnet.theory.ising.strip_correlation` (a torus).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from spinnet._validation import check_int, check_spins
from spinnet.stats import jackknife

__all__ = ["CORRELATION_DIRECTIONS", "CorrelationFunction", "correlation_function",
           "correlation_map"]

#: Step ``(Δrow, Δcolumn)`` of each direction.
CORRELATION_DIRECTIONS = {"horizontal": (0, 1), "vertical": (1, 0), "diagonal": (1, 1),
                          "anti-diagonal": (1, -1)}


@dataclasses.dataclass(frozen=True)
class CorrelationFunction:
    """``G(r)`` along lattice directions, with block-jackknife errors.

    Attributes
    ----------
    r : ndarray of int, shape (n_r,)
        Distances ``0 .. r_max`` in lattice steps along each direction.
    G, G_err : dict str -> ndarray, shape (n_r,)
        Mean over sites and snapshots, and its standard error, per direction.
    L : int
        Lattice side.
    n_samples : int
        Snapshots used.
    n_blocks : int
        Jackknife blocks.
    """

    r: np.ndarray
    G: dict[str, np.ndarray]
    G_err: dict[str, np.ndarray]
    L: int
    n_samples: int
    n_blocks: int

    def rows(self) -> list[dict[str, Any]]:
        """Tidy rows ``{"direction", "r", "G", "G_err"}`` (for a CSV)."""
        return [{"direction": d, "r": int(r), "G": float(g), "G_err": float(e)}
                for d in self.G for r, g, e in zip(self.r, self.G[d], self.G_err[d],
                                                   strict=True)]


def _snapshots(spins: Any) -> np.ndarray:
    s = check_spins(spins, "spins", ndim=(2, 3))
    if s.ndim == 2:
        s = s[None]
    if s.shape[1] != s.shape[2]:
        raise ValueError(f"spins must be square snapshots (n, L, L); got shape {s.shape}")
    return s


def correlation_map(spins: Any) -> np.ndarray:
    """Site-averaged ``g(Δr, Δc) = L⁻² Σ_x s_x s_{x+Δ}`` of each periodic snapshot.

    Computed as ``IFFT(|FFT s|²) / L²`` (Wiener-Khinchin) and rounded to the
    nearest multiple of ``1/L²`` (the exact values are integers over ``L²``).

    Parameters
    ----------
    spins : array_like of ±1, shape (n, L, L) or (L, L)
        Snapshots.

    Returns
    -------
    ndarray of float64, shape (n, L, L)
        ``g[k, Δr, Δc]``; ``g[k, 0, 0] = 1``.
    """
    s = _snapshots(spins).astype(np.float64)
    L = s.shape[-1]
    f = np.fft.rfft2(s)
    g = np.fft.irfft2(f * np.conj(f), s=(L, L))
    return np.rint(g) / (L * L)


def correlation_function(spins: Any, r_max: int | None = None, *,
                         directions: Sequence[str] = ("horizontal", "vertical", "diagonal",
                                                      "anti-diagonal"),
                         n_blocks: int = 20) -> CorrelationFunction:
    """``G(r)`` along ``directions`` from snapshots, with block-jackknife errors.

    Parameters
    ----------
    spins : array_like of ±1, shape (n, L, L)
        Snapshots in the order they were sampled (blocks are contiguous runs).
    r_max : int, optional
        Largest distance, ``0 <= r_max <= L // 2`` (default ``L // 2``; beyond
        it the periodic images are closer).
    directions : sequence of str
        Keys of :data:`CORRELATION_DIRECTIONS`.
    n_blocks : int, default 20
        Jackknife blocks (``min(n_blocks, n)`` are used; at least 2 snapshots).

    Returns
    -------
    CorrelationFunction

    References
    ----------
    Newman & Barkema, *Monte Carlo Methods in Statistical Physics* (1999),
    sec. 3.7 (correlation functions by FFT) and sec. 3.4 (jackknife).
    """
    s = _snapshots(spins)
    n, L = s.shape[0], s.shape[-1]
    if n < 2:
        raise ValueError(f"spins must hold at least 2 snapshots for an error bar; got {n}")
    r_max = L // 2 if r_max is None else check_int(r_max, "r_max", minimum=0, maximum=L // 2)
    if isinstance(directions, str):
        directions = (directions,)
    directions = list(directions)
    bad = [d for d in directions if d not in CORRELATION_DIRECTIONS]
    if bad or not directions:
        raise ValueError(f"directions must be a non-empty list of {list(CORRELATION_DIRECTIONS)}"
                         f"; got {directions!r}")
    n_blocks = min(check_int(n_blocks, "n_blocks", minimum=2), n)
    g = correlation_map(s)
    r = np.arange(r_max + 1)
    series = np.stack([g[:, (dr * r) % L, (dc * r) % L]
                       for dr, dc in (CORRELATION_DIRECTIONS[d] for d in directions)])
    # (n_dir, n, n_r) -> (n_dir, n_r, n): time (snapshots) last, as jackknife wants.
    est = jackknife(series.transpose(0, 2, 1), lambda x: x.mean(axis=-1),
                    n_blocks=n_blocks, bias_correction=False)
    value = np.asarray(est.value).reshape(len(directions), r_max + 1)
    error = np.asarray(est.error).reshape(len(directions), r_max + 1)
    return CorrelationFunction(r=r, G={d: value[i] for i, d in enumerate(directions)},
                               G_err={d: error[i] for i, d in enumerate(directions)},
                               L=L, n_samples=n, n_blocks=n_blocks)
