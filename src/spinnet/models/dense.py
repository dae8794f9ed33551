"""Dense pairwise models: generic couplings and the Sherrington-Kirkpatrick spin glass."""

from __future__ import annotations

from typing import Any

import numpy as np

from spinnet._rng import SeedLike, as_generator
from spinnet._validation import _check_real, check_array, check_couplings, check_int
from spinnet.models.base import DensePairwiseModel

__all__ = ["DenseIsing", "SherringtonKirkpatrick"]


def _check_field(field: Any, n: int) -> np.ndarray:
    if field is None:
        return np.zeros(n)
    arr = check_array(field, "field", ndim=(0, 1), dtype=np.float64)
    if arr.ndim == 0:
        return np.full(n, float(arr))
    if arr.shape != (n,):
        raise ValueError(f"field must have shape ({n},) to match couplings; got {arr.shape}")
    return np.ascontiguousarray(arr)


class DenseIsing(DensePairwiseModel):
    r"""Ising model with arbitrary dense symmetric couplings.

    .. math:: E(s) = -\tfrac12 \sum_{i \ne j} J_{ij} s_i s_j - \sum_i h_i s_i

    The common representation shared by Hopfield networks (Hebbian ``J``) and
    Boltzmann machines.

    Parameters
    ----------
    couplings : array_like, shape (N, N)
        Symmetric, zero diagonal, finite.
    field : float or array_like of shape (N,), optional
        External fields ``h_i`` (default zero).
    """

    def __init__(self, couplings: Any, field: Any = None) -> None:
        J = check_couplings(couplings, "couplings")
        if J.shape[0] < 1:
            raise ValueError("couplings must describe at least one spin")
        if np.any(np.diag(J) != 0.0):
            raise ValueError("couplings must have a zero diagonal (no self-interaction J_ii)")
        # Exact symmetry: kernels update local fields with rows of J.
        self.couplings = np.ascontiguousarray(0.5 * (J + J.T))
        self.n_spins = int(J.shape[0])
        self.field = _check_field(field, self.n_spins)


class SherringtonKirkpatrick(DensePairwiseModel):
    r"""Sherrington-Kirkpatrick spin glass (Phys. Rev. Lett. 35, 1792 (1975)).

    ``J_ij = J0 / N + J z_ij / sqrt(N)`` for ``i < j`` with ``z_ij ~ N(0, 1)``,
    symmetric, zero diagonal; energy as for :class:`DenseIsing`. For ``J0 = 0``,
    ``h = 0`` the spin-glass transition is at ``T_c = J``.

    Parameters
    ----------
    N : int
        Number of spins, ``N >= 2``.
    J : float
        Standard deviation scale of the couplings.
    J0 : float
        Ferromagnetic mean (times ``1/N``).
    h : float
        Uniform field.
    rng : SeedLike
        Draws the couplings.
    """

    def __init__(self, N: int, *, J: float = 1.0, J0: float = 0.0, h: float = 0.0,
                 rng: SeedLike = None) -> None:
        n = check_int(N, "N", minimum=2)
        self.J = _check_real(J, "J")
        self.J0 = _check_real(J0, "J0")
        self.h = _check_real(h, "h")
        gen = as_generator(rng)
        z = np.triu(gen.standard_normal((n, n)), k=1)
        J_mat = self.J0 / n + self.J * z / np.sqrt(n)
        J_mat = np.triu(J_mat, k=1)
        self.couplings = np.ascontiguousarray(J_mat + J_mat.T)
        self.field = np.full(n, self.h)
        self.n_spins = n

    def __repr__(self) -> str:
        return f"SherringtonKirkpatrick(N={self.n_spins}, J={self.J}, J0={self.J0})"
