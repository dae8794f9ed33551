"""Single-spin-flip samplers: Metropolis and heat bath (Glauber).

Visiting orders (``order=``):

* ``"checkerboard"`` -- colour by colour, sites of one colour never interact
  (two sublattices on even square lattices, ``(r + c) mod 3`` with a diagonal
  coupling or on Baxter-Wu, a greedy colouring otherwise). Lattice models only.
* ``"random"`` -- random-sequential: ``N`` uniformly random sites per sweep.
* ``"sequential"`` -- typewriter order ``0, 1, ..., N-1``.

Each single-spin update satisfies detailed balance with respect to
``exp(-βE)``; a fixed-order sweep is a product of such updates and so leaves
the Boltzmann distribution invariant (global balance), and random-sequential
sweeps satisfy detailed balance outright.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from spinnet._validation import check_option
from spinnet.models.base import DensePairwiseModel, SparsePairwiseModel, SpinModel, TriangleModel
from spinnet.models.lattice import SquareIsing
from spinnet.samplers import _kernels_local as K
from spinnet.samplers._kernels_rng import pick
from spinnet.samplers.base import ChainState, Sampler

__all__ = ["HeatBath", "Metropolis", "SingleSpinSampler"]

ORDERS = ("checkerboard", "random", "sequential")


def checkerboard_order(model: SpinModel) -> np.ndarray:
    """Sites sorted by colour (cached on the model): the checkerboard visiting order."""
    cached = getattr(model, "_checkerboard_order", None)
    if cached is None:
        colors = model.coloring()
        if colors is None:
            raise ValueError(f"order='checkerboard' needs a lattice model; {type(model).__name__} "
                             "has dense couplings (use order='random' or 'sequential')")
        cached = np.argsort(colors, kind="stable").astype(np.int32)
        model._checkerboard_order = cached  # type: ignore[attr-defined]
    return cached


class SingleSpinSampler(Sampler):
    """Single-spin-flip Monte Carlo with a given acceptance ``rule``.

    Parameters
    ----------
    order : {"checkerboard", "random", "sequential"} or None
        Visiting order; ``None`` picks ``"checkerboard"`` for lattice models and
        ``"random"`` for dense ones.
    """

    rule: int = K.METROPOLIS

    def __init__(self, order: str | None = None) -> None:
        self.order = None if order is None else check_option(order, "order", ORDERS)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(order={self.order!r})"

    def check_model(self, model: Any) -> SpinModel:
        model = super().check_model(model)
        if not isinstance(model, SparsePairwiseModel | DensePairwiseModel | TriangleModel):
            raise TypeError(f"model type {type(model).__name__} is not supported")
        if self.order == "checkerboard" and isinstance(model, DensePairwiseModel):
            raise ValueError("order='checkerboard' is only defined for lattice models; "
                             f"{type(model).__name__} is dense (use 'random' or 'sequential')")
        return model

    def resolved_order(self, model: SpinModel) -> str:
        if self.order is not None:
            return self.order
        return "random" if isinstance(model, DensePairwiseModel) else "checkerboard"

    def _advance(self, model: SpinModel, state: ChainState, n_sweeps: int, measure_every: int,
                 out_e: np.ndarray, out_m: np.ndarray, out_s: np.ndarray,
                 rule: int | None = None) -> None:
        rule = self.rule if rule is None else rule
        order = self.resolved_order(model)
        n_acc = state.n_accepted
        common = (n_sweeps, measure_every, state.rng_state, state.energy, state.magnetization,
                  n_acc, out_e, out_m, out_s)
        C = state.n_chains
        if (order == "checkerboard" and isinstance(model, SquareIsing)
                and model.n_checkerboard_colors is not None):
            thr, dE = K.square_flip_table(model.J_h, model.J_v, model.J_d, model.h, state.beta,
                                          rule)
            if model.n_checkerboard_colors == 2 and model.L >= 4:
                pick(K.sweep_square_bipartite, C)(
                    state.spins, model.L, model.J_h, model.J_v, model.h, thr,
                    model.L >= K.PACKED_MIN_L, *common)
                return
            pick(K.sweep_square, C)(state.spins, model.L, model.n_checkerboard_colors,
                                    model.J_d != 0.0, thr, dE, *common)
            return
        random_order = order == "random"
        if order == "checkerboard":
            sites = checkerboard_order(model)
        else:
            sites = np.arange(model.n_spins, dtype=np.int32)
        if isinstance(model, SparsePairwiseModel):
            pick(K.sweep_sparse, C)(state.spins, model.neighbors, model.neighbor_couplings,
                                    model.field, state.beta, sites, random_order, rule, *common)
        elif isinstance(model, DensePairwiseModel):
            pick(K.sweep_dense, C)(state.spins, model.couplings, model.field, state.beta, sites,
                                   random_order, rule, *common)
        else:
            pick(K.sweep_triangles, C)(state.spins, model.site_triangles, float(model.coupling),
                                       state.beta, sites, random_order, rule, *common)


class Metropolis(SingleSpinSampler):
    """Metropolis single-spin flips: accept with ``min(1, exp(-β ΔE))``.

    Metropolis, Rosenbluth, Rosenbluth, Teller & Teller, J. Chem. Phys. 21,
    1087 (1953). On ``SquareIsing`` with a structured colouring the
    checkerboard path uses a 54-entry lookup table of acceptance thresholds
    (``ΔE`` takes finitely many values), and draws no random number for
    downhill moves. For even ``L >= 20`` without diagonal coupling the
    lattice is bit-packed, 64 same-colour sites per word, and each site's
    acceptance is decided from its own bit-sliced uniform
    (:func:`spinnet.samplers._kernels_local.sweep_square_bipartite`).

    Parameters
    ----------
    order : {"checkerboard", "random", "sequential"} or None
    """

    name = "metropolis"
    rule = K.METROPOLIS


class HeatBath(SingleSpinSampler):
    """Heat-bath (Glauber) single-spin updates: ``P(s_i = +1) = 1 / (1 + exp(-2β h_i))``.

    Glauber, J. Math. Phys. 4, 294 (1963). Implemented as a flip with
    probability ``1 / (1 + exp(β ΔE))``, which is the same Markov kernel.

    Parameters
    ----------
    order : {"checkerboard", "random", "sequential"} or None
    """

    name = "heat-bath"
    rule = K.HEATBATH
