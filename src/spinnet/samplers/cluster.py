"""Cluster samplers: Wolff and Swendsen-Wang (zero field, pairwise lattice models).

Both build Fortuin-Kasteleyn clusters: a satisfied bond ``(i, j)``
(``J_ij s_i s_j > 0``) is activated with probability ``p = 1 - exp(-2β|J_ij|)``,
one ``p`` per bond type on ``SquareIsing`` (``J_h``, ``J_v``, ``J_d``). Flipping a
cluster built this way satisfies detailed balance at zero field (Swendsen &
Wang 1987; Wolff 1989), and near ``T_c`` removes critical slowing down.
A field would make cluster flips need an extra acceptance step; the samplers
refuse models with a field instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from spinnet._validation import check_int
from spinnet.models.base import SparsePairwiseModel, SpinModel
from spinnet.samplers import _kernels_cluster as KC
from spinnet.samplers._kernels_rng import pick
from spinnet.samplers.base import ChainState, Sampler

__all__ = ["SwendsenWang", "Wolff"]


def _check_cluster_model(model: Any, name: str) -> SparsePairwiseModel:
    if not isinstance(model, SparsePairwiseModel):
        raise TypeError(f"{name} needs a pairwise lattice model (SquareIsing, EdwardsAnderson); "
                        f"got {type(model).__name__}")
    if model.has_field:
        raise ValueError(f"{name} cluster updates need zero field (h = 0); the model has a "
                         "non-zero field")
    return model


class Wolff(Sampler):
    """Wolff single-cluster updates (Wolff, Phys. Rev. Lett. 62, 361 (1989)).

    A cluster is grown from a uniformly random seed spin over activated bonds
    and flipped (always accepted at zero field). One "sweep" of this sampler is
    ``clusters_per_sweep`` cluster flips -- a fixed number, so that measuring
    after each sweep is unbiased (a stopping rule depending on cluster sizes
    would not be). ``state.n_accepted`` counts flipped spins, so
    ``n_accepted / (n_sweeps * clusters_per_sweep)`` is the mean cluster size.

    Parameters
    ----------
    clusters_per_sweep : int
        Cluster flips per sweep, ``>= 1``.
    """

    name = "wolff"

    def __init__(self, clusters_per_sweep: int = 1) -> None:
        self.clusters_per_sweep = check_int(clusters_per_sweep, "clusters_per_sweep", minimum=1)

    def __repr__(self) -> str:
        return f"Wolff(clusters_per_sweep={self.clusters_per_sweep})"

    def check_model(self, model: Any) -> SpinModel:
        return _check_cluster_model(super().check_model(model), "Wolff")

    def _advance(self, model: SpinModel, state: ChainState, n_sweeps: int, measure_every: int,
                 out_e: np.ndarray, out_m: np.ndarray, out_s: np.ndarray) -> None:
        pick(KC.wolff_sweeps, state.n_chains)(
            state.spins, model.neighbors, model.neighbor_couplings, state.beta, n_sweeps,
            self.clusters_per_sweep, measure_every, state.rng_state, state.energy,
            state.magnetization, state.n_accepted, out_e, out_m, out_s)


class SwendsenWang(Sampler):
    """Swendsen-Wang multi-cluster updates (Swendsen & Wang, Phys. Rev. Lett. 58, 86 (1987)).

    Every bond is activated or not, all clusters are found by union-find, and
    each is flipped with probability 1/2. One sweep is one such update.
    ``state.n_accepted`` counts clusters built.
    """

    name = "sw"

    def __repr__(self) -> str:
        return "SwendsenWang()"

    def check_model(self, model: Any) -> SpinModel:
        return _check_cluster_model(super().check_model(model), "SwendsenWang")

    def _advance(self, model: SpinModel, state: ChainState, n_sweeps: int, measure_every: int,
                 out_e: np.ndarray, out_m: np.ndarray, out_s: np.ndarray) -> None:
        pick(KC.sw_sweeps, state.n_chains)(
            state.spins, model.bonds, model.bond_couplings, state.beta, n_sweeps, measure_every,
            state.rng_state, state.energy, state.magnetization, state.n_accepted, out_e, out_m,
            out_s)
