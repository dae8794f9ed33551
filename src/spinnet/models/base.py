"""Base classes for spin models: what the system *is*.

A model owns its couplings and fields and knows its energy; it does not know
how to move (that is a sampler's job) nor where a chain is (that is a
state's job). Three representations cover every model in :mod:`spinnet.models`
and are what the Numba kernels in :mod:`spinnet.samplers` consume:

* :class:`SparsePairwiseModel` -- a neighbour table ``neighbors (N, z)`` with
  per-bond couplings ``neighbor_couplings (N, z)`` and a field ``field (N,)``
  (square/anisotropic Ising, Edwards-Anderson);
* :class:`DensePairwiseModel` -- a symmetric coupling matrix with zero
  diagonal ``couplings (N, N)`` and ``field (N,)`` (Sherrington-Kirkpatrick,
  Hopfield, Boltzmann machines);
* :class:`TriangleModel` -- three-spin plaquettes (Baxter-Wu).

Conventions (``docs/conventions``): spins ``s_i = ±1`` (``int8``); for a
pairwise model ``E(s) = -1/2 Σ_{i≠j} J_ij s_i s_j - Σ_i h_i s_i``. Every model
exposes the *local field* ``h_i^eff(s) = -∂E/∂s_i`` (multilinear ``E``), so that
flipping spin ``i`` changes the energy by ``ΔE_i = 2 s_i h_i^eff``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import numpy as np
from numba import njit

from spinnet._validation import check_int, check_spins

__all__ = [
    "DensePairwiseModel",
    "SparsePairwiseModel",
    "SpinModel",
    "TriangleModel",
    "greedy_coloring",
]


class SpinModel(ABC):
    """Abstract Ising-type model on ``N`` spins ``s_i = ±1``.

    Subclasses define :meth:`energy` and :meth:`local_field`; everything else
    follows from these two.
    """

    #: Number of spins ``N``.
    n_spins: int

    # -- physics ---------------------------------------------------------------
    @abstractmethod
    def energy(self, spins: Any) -> np.ndarray | float:
        """Total energy ``E(s)`` of a batch of configurations.

        Parameters
        ----------
        spins : array_like, shape (..., N)
            ±1 spins.

        Returns
        -------
        ndarray of float64, shape (...)
            Total (not per-spin) energies; a Python-style 0-d array for one state.
        """

    @abstractmethod
    def local_field(self, spins: Any) -> np.ndarray:
        """Local field ``h_i^eff = -∂E/∂s_i``, shape ``(..., N)`` (float64)."""

    def delta_energy(self, spins: Any) -> np.ndarray:
        """Energy change ``ΔE_i = 2 s_i h_i^eff`` of flipping each spin alone.

        Parameters
        ----------
        spins : array_like, shape (..., N)

        Returns
        -------
        ndarray of float64, shape (..., N)
        """
        s = self._check(spins)
        return 2.0 * s * self.local_field(s)

    def magnetization(self, spins: Any) -> np.ndarray:
        """Total magnetisation ``M = Σ_i s_i`` (int64), shape ``(...)``."""
        return self._check(spins).sum(axis=-1, dtype=np.int64)

    @property
    def ground_state_energy(self) -> float | None:
        """Total ground-state energy where it is trivially known, else ``None``."""
        return None

    @property
    def has_field(self) -> bool:
        """Whether any single-spin field term is non-zero."""
        return False

    # -- helpers ---------------------------------------------------------------
    def _check(self, spins: Any, name: str = "spins") -> np.ndarray:
        return check_spins(spins, name, n=self.n_spins)

    def coloring(self) -> np.ndarray | None:
        """Colour classes of the interaction graph (``(N,) int32``), or ``None``.

        Spins of one colour never interact, so updating all of them one after
        another is the same as updating them simultaneously; a checkerboard
        sweep visits the colours in turn. Dense models return ``None``.
        """
        return None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(n_spins={self.n_spins})"


def greedy_coloring(neighbors: np.ndarray) -> np.ndarray:
    """Greedy proper colouring of a graph given by a neighbour table.

    Parameters
    ----------
    neighbors : ndarray of int, shape (N, z)

    Returns
    -------
    ndarray of int32, shape (N,)
        ``colors[i] != colors[j]`` for every bond ``(i, j)``; at most ``z + 1``
        colours (Welsh & Powell, Comput. J. 10, 85 (1967)).
    """
    return _greedy_coloring_kernel(np.ascontiguousarray(neighbors, dtype=np.int32))


@njit(cache=True)
def _greedy_coloring_kernel(neighbors: np.ndarray) -> np.ndarray:
    n, z = neighbors.shape
    colors = np.full(n, -1, dtype=np.int32)
    used = np.zeros(z + 2, dtype=np.bool_)
    for i in range(n):
        used[:] = False
        for k in range(z):
            c = colors[neighbors[i, k]]
            if c >= 0 and neighbors[i, k] != i:
                used[c] = True
        c = 0
        while used[c]:
            c += 1
        colors[i] = c
    return colors


class SparsePairwiseModel(SpinModel):
    """Pairwise model on a sparse graph (lattices, diluted graphs).

    Attributes
    ----------
    neighbors : ndarray of int32, shape (N, z)
        ``neighbors[i, k]`` is the ``k``-th neighbour of spin ``i``. A pair that
        is connected by several bonds (e.g. periodic ``L = 2`` lattices) appears
        several times; each entry is one bond.
    neighbor_couplings : ndarray of float64, shape (N, z)
        Coupling of bond ``(i, neighbors[i, k])``; the table is symmetric.
    field : ndarray of float64, shape (N,)
    bonds : ndarray of int32, shape (B, 2)
        Each bond once (``B = N z / 2``).
    bond_couplings : ndarray of float64, shape (B,)
    """

    neighbors: np.ndarray
    neighbor_couplings: np.ndarray
    field: np.ndarray
    bonds: np.ndarray
    bond_couplings: np.ndarray

    def _set_graph(self, bonds: np.ndarray, bond_couplings: np.ndarray, n: int,
                   field: np.ndarray) -> None:
        bonds = np.ascontiguousarray(bonds, dtype=np.int32)
        bond_couplings = np.ascontiguousarray(bond_couplings, dtype=np.float64)
        degree = np.bincount(bonds.ravel(), minlength=n)
        if not np.all(degree == degree[0]):
            raise ValueError("sparse models need a regular graph (same degree everywhere)")
        z = int(degree[0])
        # Vectorised construction of the symmetric neighbour table: each bond
        # (a, b) contributes b to a's row and a to b's row.
        src = np.concatenate([bonds[:, 0], bonds[:, 1]])
        dst = np.concatenate([bonds[:, 1], bonds[:, 0]])
        cpl = np.concatenate([bond_couplings, bond_couplings])
        order = np.argsort(src, kind="stable")
        self.neighbors = np.ascontiguousarray(dst[order].reshape(n, z), dtype=np.int32)
        self.neighbor_couplings = np.ascontiguousarray(cpl[order].reshape(n, z))
        self.bonds = bonds
        self.bond_couplings = bond_couplings
        self.field = np.ascontiguousarray(field, dtype=np.float64)
        self.n_spins = n

    def energy(self, spins: Any) -> np.ndarray:
        s = self._check(spins).astype(np.float64)
        pair = s[..., self.bonds[:, 0]] * s[..., self.bonds[:, 1]]
        return -(pair @ self.bond_couplings) - s @ self.field

    def local_field(self, spins: Any) -> np.ndarray:
        s = self._check(spins).astype(np.float64)
        return np.einsum("...ik,ik->...i", s[..., self.neighbors],
                         self.neighbor_couplings) + self.field

    @property
    def has_field(self) -> bool:
        return bool(np.any(self.field != 0.0))

    def coloring(self) -> np.ndarray:
        return greedy_coloring(self.neighbors)

    def to_dense(self) -> np.ndarray:
        """Dense coupling matrix ``J (N, N)``; repeated bonds add up."""
        n = self.n_spins
        J = np.zeros((n, n))
        np.add.at(J, (self.bonds[:, 0], self.bonds[:, 1]), self.bond_couplings)
        np.add.at(J, (self.bonds[:, 1], self.bonds[:, 0]), self.bond_couplings)
        return J


class DensePairwiseModel(SpinModel):
    """Pairwise model with a dense symmetric coupling matrix (zero diagonal).

    Attributes
    ----------
    couplings : ndarray of float64, shape (N, N)
    field : ndarray of float64, shape (N,)
    """

    couplings: np.ndarray
    field: np.ndarray

    def energy(self, spins: Any) -> np.ndarray:
        s = self._check(spins).astype(np.float64)
        return -0.5 * np.einsum("...i,...i->...", s @ self.couplings, s) - s @ self.field

    def local_field(self, spins: Any) -> np.ndarray:
        s = self._check(spins).astype(np.float64)
        return s @ self.couplings + self.field

    @property
    def has_field(self) -> bool:
        return bool(np.any(self.field != 0.0))

    def to_dense(self) -> np.ndarray:
        """The coupling matrix ``J (N, N)`` (a copy)."""
        return self.couplings.copy()


class TriangleModel(SpinModel):
    """Three-spin model ``E = -J Σ_t s_a s_b s_c`` over a list of triangles.

    Attributes
    ----------
    triangles : ndarray of int32, shape (T, 3)
    site_triangles : ndarray of int32, shape (N, q, 2)
        For each spin, the other two spins of each of the ``q`` triangles that
        contain it (``q = 6`` on the triangular lattice).
    coupling : float
    """

    triangles: np.ndarray
    site_triangles: np.ndarray
    coupling: float

    def _set_triangles(self, triangles: np.ndarray, n: int) -> None:
        triangles = np.ascontiguousarray(triangles, dtype=np.int32)
        counts = np.bincount(triangles.ravel(), minlength=n)
        q = int(counts[0])
        if not np.all(counts == q):
            raise ValueError("every spin must belong to the same number of triangles")
        owner = triangles.ravel()
        t_idx = np.repeat(np.arange(len(triangles)), 3)
        pos = np.tile(np.arange(3), len(triangles))
        others = np.stack([triangles[t_idx, (pos + 1) % 3], triangles[t_idx, (pos + 2) % 3]],
                          axis=1)
        order = np.argsort(owner, kind="stable")
        self.site_triangles = np.ascontiguousarray(others[order].reshape(n, q, 2),
                                                   dtype=np.int32)
        self.triangles = triangles
        self.n_spins = n

    def energy(self, spins: Any) -> np.ndarray:
        s = self._check(spins).astype(np.float64)
        t = self.triangles
        return -self.coupling * np.sum(s[..., t[:, 0]] * s[..., t[:, 1]] * s[..., t[:, 2]],
                                       axis=-1)

    def local_field(self, spins: Any) -> np.ndarray:
        s = self._check(spins).astype(np.float64)
        st = self.site_triangles
        return self.coupling * np.sum(s[..., st[:, :, 0]] * s[..., st[:, :, 1]], axis=-1)

    def coloring(self) -> np.ndarray:
        nb = self.site_triangles.reshape(self.n_spins, -1)
        return greedy_coloring(nb)


def _check_L(L: Any, name: str = "L", minimum: int = 2) -> int:
    return check_int(L, name, minimum=minimum)
