"""Lattice spin models: square/anisotropic Ising, Baxter-Wu, Edwards-Anderson.

Lattice sites are stored row-major: site ``(r, c)`` of an ``L x L`` lattice is
spin ``i = r L + c`` (``spins.reshape(..., L, L)[..., r, c]``). Boundaries are
periodic. Every bond is listed once; on an ``L = 2`` periodic lattice a pair
of sites is joined by two bonds (to the right and, around the torus, to the
left), and both count -- the usual convention for periodic lattices, which the
dense coupling matrix (:meth:`~SparsePairwiseModel.to_dense`) reproduces by
adding repeated bonds.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from spinnet._rng import SeedLike, as_generator
from spinnet._validation import _check_real, check_int, check_option
from spinnet.models.base import SparsePairwiseModel, TriangleModel, _check_L, greedy_coloring

__all__ = ["BaxterWu", "EdwardsAnderson", "SquareIsing"]


def _square_grid(L: int) -> tuple[np.ndarray, np.ndarray]:
    r, c = np.divmod(np.arange(L * L), L)
    return r, c


class SquareIsing(SparsePairwiseModel):
    r"""Ising model on the periodic ``L x L`` square lattice, optionally with a diagonal.

    .. math::

        E(s) = -J_h \sum_{r,c} s_{r,c} s_{r,c+1} - J_v \sum_{r,c} s_{r,c} s_{r+1,c}
               - J_d \sum_{r,c} s_{r,c} s_{r+1,c+1} - h \sum_{r,c} s_{r,c}

    ``J_h = J_v`` and ``J_d = 0`` is Onsager's square lattice (Phys. Rev. 65, 117
    (1944)); ``J_h != J_v`` the anisotropic (rectangular) lattice; ``J_d != 0``
    adds one diagonal per plaquette, which makes it the anisotropic triangular
    lattice (Houtappel, Physica 16, 425 (1950)); ``J_h = J_v = J_d`` is the
    isotropic triangular lattice.

    Parameters
    ----------
    L : int
        Linear size, ``L >= 2``.
    J_h, J_v, J_d : float
        Horizontal ``(r, c)-(r, c+1)``, vertical ``(r, c)-(r+1, c)`` and
        diagonal ``(r, c)-(r+1, c+1)`` couplings (ferromagnetic if positive).
    h : float
        Uniform external field.

    Attributes
    ----------
    L, J_h, J_v, J_d, h : as above
    n_spins : int
        ``L**2``.
    shape : tuple of int
        ``(L, L)``.
    """

    def __init__(self, L: int, J_h: float = 1.0, J_v: float = 1.0, J_d: float = 0.0,
                 h: float = 0.0) -> None:
        self.L = _check_L(L)
        self.J_h = _check_real(J_h, "J_h")
        self.J_v = _check_real(J_v, "J_v")
        self.J_d = _check_real(J_d, "J_d")
        self.h = _check_real(h, "h")
        L = self.L
        r, c = _square_grid(L)
        i = r * L + c
        right = r * L + (c + 1) % L
        down = ((r + 1) % L) * L + c
        diag = ((r + 1) % L) * L + (c + 1) % L
        bonds = [np.stack([i, right], 1), np.stack([i, down], 1)]
        cpl = [np.full(L * L, self.J_h), np.full(L * L, self.J_v)]
        if self.J_d != 0.0:
            bonds.append(np.stack([i, diag], 1))
            cpl.append(np.full(L * L, self.J_d))
        self._set_graph(np.concatenate(bonds), np.concatenate(cpl), L * L,
                        np.full(L * L, self.h))
        self.shape = (L, L)

    def energy(self, spins: Any) -> np.ndarray:
        """Total energy, shape ``(...)``; lattice sums with ``np.roll`` (no index tables)."""
        s = self._check(spins)
        a = s.reshape(*s.shape[:-1], self.L, self.L)
        right = np.roll(a, -1, axis=-1)
        down = np.roll(a, -1, axis=-2)
        # int64 bond sums are exact; couplings multiply once per bond type.
        e = -self.J_h * np.sum(a * right, axis=(-1, -2), dtype=np.int64)
        e = e - self.J_v * np.sum(a * down, axis=(-1, -2), dtype=np.int64)
        if self.J_d != 0.0:
            diag = np.roll(down, -1, axis=-1)
            e = e - self.J_d * np.sum(a * diag, axis=(-1, -2), dtype=np.int64)
        if self.h != 0.0:
            e = e - self.h * np.sum(a, axis=(-1, -2), dtype=np.int64)
        return np.asarray(e, dtype=np.float64)

    @property
    def n_checkerboard_colors(self) -> int | None:
        """Colours of the structured ``(r + c) mod K`` colouring, or ``None``.

        ``K = 2`` (checkerboard) for even ``L`` without a diagonal coupling;
        ``K = 3`` when ``L`` is a multiple of 3 (valid with or without the
        diagonal, since ``(r+c) mod 3`` differs across every triangular-lattice
        bond); ``None`` otherwise (a greedy colouring is used).
        """
        if self.L % 2 == 0 and self.J_d == 0.0:
            return 2
        if self.L % 3 == 0:
            return 3
        return None

    def coloring(self) -> np.ndarray:
        K = self.n_checkerboard_colors
        if K is None:
            return greedy_coloring(self.neighbors)
        r, c = _square_grid(self.L)
        return ((r + c) % K).astype(np.int32)

    @property
    def ground_state_energy(self) -> float | None:
        """``-(J_h + J_v + J_d + |h|) N`` whenever ``J_h + J_v``, ``J_h + J_d`` and
        ``J_v + J_d`` are all ``>= 0`` (non-negative couplings, or one negative
        coupling such as ``J_d < 0`` with ``|J_d| <= min(J_h, J_v)``); for
        ``J_d = h = 0`` and even ``L`` also ``-(|J_h| + |J_v|) N`` (a gauge
        transformation maps any signs to the ferromagnet). ``None`` otherwise.

        Every bond lies on exactly two of the ``2N`` triangles (one ``J_h``, one
        ``J_v`` and one ``J_d`` bond each), so ``E = ½ Σ_▲ E_▲``; the three
        conditions say that the aligned triangle, ``-(J_h + J_v + J_d)``, has the
        lowest of its four energies, and the ferromagnet minimises every triangle
        at once (Houtappel, Physica 16, 425 (1950)).
        """
        N = self.n_spins
        if min(self.J_h + self.J_v, self.J_h + self.J_d, self.J_v + self.J_d) >= 0.0:
            return -(self.J_h + self.J_v + self.J_d + abs(self.h)) * N
        if self.J_d == 0.0 and self.h == 0.0 and self.L % 2 == 0:
            return -(abs(self.J_h) + abs(self.J_v)) * N
        return None

    def __repr__(self) -> str:
        return (f"SquareIsing(L={self.L}, J_h={self.J_h}, J_v={self.J_v}, J_d={self.J_d}, "
                f"h={self.h})")


class BaxterWu(TriangleModel):
    r"""Baxter-Wu model: three-spin interactions on the triangular lattice.

    .. math:: E(s) = -J \sum_{\triangle, \nabla} s_i s_j s_k

    over all ``2 N`` elementary triangles (Baxter & Wu, Phys. Rev. Lett. 31,
    1294 (1973); exact ``T_c = 2 / ln(1 + sqrt 2)`` for ``J = 1``, the same as
    the square-lattice Ising model). The triangular lattice is stored as an
    ``L x L`` array with neighbours ``(r, c+1)``, ``(r+1, c)`` and ``(r+1, c+1)``;
    the up triangles are ``{(r,c), (r,c+1), (r+1,c+1)}`` and the down triangles
    ``{(r,c), (r+1,c), (r+1,c+1)}``.

    Parameters
    ----------
    L : int
        Linear size; a multiple of 3 (the three-sublattice ground states must
        fit the periodic boundaries).
    J : float
        Three-spin coupling.
    """

    def __init__(self, L: int, J: float = 1.0) -> None:
        L = _check_L(L, minimum=3)
        if L % 3 != 0:
            raise ValueError(f"L must be a multiple of 3 for the Baxter-Wu model; got {L}")
        self.L = L
        self.coupling = _check_real(J, "J")
        self.J = self.coupling
        r, c = _square_grid(L)
        i = r * L + c
        right = r * L + (c + 1) % L
        down = ((r + 1) % L) * L + c
        diag = ((r + 1) % L) * L + (c + 1) % L
        tris = np.concatenate([np.stack([i, right, diag], 1), np.stack([i, down, diag], 1)])
        self._set_triangles(tris, L * L)
        self.shape = (L, L)

    n_checkerboard_colors = 3

    def coloring(self) -> np.ndarray:
        r, c = _square_grid(self.L)
        return ((r + c) % 3).astype(np.int32)

    @property
    def ground_state_energy(self) -> float:
        """``-2 N |J|`` (every triangle satisfied)."""
        return -2.0 * self.n_spins * abs(self.coupling)

    def __repr__(self) -> str:
        return f"BaxterWu(L={self.L}, J={self.coupling})"


class EdwardsAnderson(SparsePairwiseModel):
    r"""Edwards-Anderson spin glass on the periodic square (``d = 2``) or cubic (``d = 3``) lattice.

    .. math:: E(s) = -\sum_{\langle ij \rangle} J_{ij} s_i s_j - h \sum_i s_i

    with quenched random nearest-neighbour couplings (Edwards & Anderson,
    J. Phys. F 5, 965 (1975)): ``disorder="pm"`` draws ``J_ij = ±J`` with equal
    probability, ``disorder="gaussian"`` draws ``J_ij ~ N(0, J²)``.

    Parameters
    ----------
    L : int
        Linear size, ``L >= 2``; ``N = L**d``.
    d : {2, 3}
        Dimension.
    disorder : {"pm", "gaussian"}
    J : float
        Coupling scale.
    h : float
        Uniform field.
    rng : SeedLike
        Draws the couplings.
    """

    def __init__(self, L: int, d: int = 2, disorder: str = "pm", *, J: float = 1.0,
                 h: float = 0.0, rng: SeedLike = None) -> None:
        self.L = _check_L(L)
        self.d = check_int(d, "d", minimum=2, maximum=3)
        self.disorder = check_option(disorder, "disorder", ("pm", "gaussian"))
        self.J = _check_real(J, "J")
        self.h = _check_real(h, "h")
        gen = as_generator(rng)
        L, d = self.L, self.d
        n = L**d
        coords = np.stack(np.unravel_index(np.arange(n), (L,) * d), axis=1)
        bonds = []
        for axis in range(d):
            nb = coords.copy()
            nb[:, axis] = (nb[:, axis] + 1) % L
            bonds.append(np.stack([np.arange(n), np.ravel_multi_index(nb.T, (L,) * d)], 1))
        bonds_arr = np.concatenate(bonds)
        if self.disorder == "pm":
            cpl = self.J * (2.0 * gen.integers(0, 2, size=len(bonds_arr)) - 1.0)
        else:
            cpl = self.J * gen.standard_normal(len(bonds_arr))
        self._coords = coords
        self._set_graph(bonds_arr, cpl, n, np.full(n, self.h))
        self.shape = (L,) * d

    def coloring(self) -> np.ndarray:
        if self.L % 2 == 0:
            return (self._coords.sum(axis=1) % 2).astype(np.int32)
        return greedy_coloring(self.neighbors)

    def __repr__(self) -> str:
        return f"EdwardsAnderson(L={self.L}, d={self.d}, disorder={self.disorder!r})"
