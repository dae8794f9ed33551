"""Multi-spin-coded Metropolis: 64 replicas of the square Ising model per ``uint64`` word.

Restriction: isotropic nearest-neighbour ``SquareIsing`` with ``J_h = J_v = J > 0``,
no diagonal, zero field, even ``L`` (the checkerboard must close around the
torus). Replicas ``64 g .. 64 g + 63`` share one temperature and one generator
state, but each replica's acceptance is drawn from its own random bits, so
all replicas are independent Markov chains. See
:mod:`spinnet.samplers._kernels_multispin` for the bit-level algorithm
(Jacobs & Rebbi 1981; Bhanot, Duke & Salvador 1986).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from spinnet._rng import SeedLike, as_generator
from spinnet._validation import check_int
from spinnet.models.lattice import SquareIsing
from spinnet.samplers import _kernels_multispin as KM
from spinnet.samplers._kernels_rng import pick, seed_states
from spinnet.samplers.base import Trace, check_temperatures, initial_spins

__all__ = ["MultispinMetropolis", "MultispinState", "pack_replicas", "unpack_replicas"]

_BITS = np.arange(64, dtype=np.uint64)


def unpack_replicas(words: np.ndarray) -> np.ndarray:
    """``(G, N) uint64`` packed lattices -> ``(64 G, N) int8`` spins (bit 1 = +1).

    Parameters
    ----------
    words : array_like of uint64, shape (G, N)
        Packed replicas, as made by :func:`pack_replicas`.

    Returns
    -------
    ndarray of int8, shape (64 G, N)
        ±1 spins, replica ``64 g + b`` from bit ``b`` of group ``g``.
    """
    words = np.asarray(words, dtype=np.uint64)
    bits = (words[:, None, :] >> _BITS[None, :, None]) & np.uint64(1)
    return (2 * bits.astype(np.int8) - 1).reshape(-1, words.shape[-1])


def pack_replicas(spins: np.ndarray) -> np.ndarray:
    """``(64 G, N)`` ±1 spins -> ``(G, N) uint64`` words (replica ``64 g + b`` in bit ``b``).

    Parameters
    ----------
    spins : ndarray of ±1, shape (64 G, N)
        Replicas, a multiple of 64 of them (not validated: a kernel helper).

    Returns
    -------
    ndarray of uint64, shape (G, N)
        Packed words, bit ``b`` set where replica ``64 g + b`` has ``+1``.
    """
    s = np.asarray(spins)
    G = s.shape[0] // 64
    bits = (s.reshape(G, 64, -1) > 0).astype(np.uint64)
    return np.bitwise_or.reduce(bits << _BITS[None, :, None], axis=1)


@dataclasses.dataclass
class MultispinState:
    """Packed replicas: ``words (G, N) uint64``, ``beta (G,)``, ``rng_state (G, 4)``.

    ``n_chains = 64 G``; replica ``c`` is bit ``c % 64`` of group ``c // 64``.

    Attributes
    ----------
    words : ndarray of uint64, shape (G, N)
        Packed spins (bit 1 = +1), see :func:`pack_replicas`.
    beta : ndarray of float64, shape (G,)
        Inverse temperature of each group of 64 replicas.
    rng_state : ndarray of uint64, shape (G, 4)
        xoshiro256++ state of each group's random stream.
    n_sweeps : int, default 0
        Sweeps done so far.
    """

    words: np.ndarray
    beta: np.ndarray
    rng_state: np.ndarray
    n_sweeps: int = 0

    @property
    def n_chains(self) -> int:
        return 64 * int(self.words.shape[0])

    @property
    def n_spins(self) -> int:
        return int(self.words.shape[1])

    @property
    def spins(self) -> np.ndarray:
        """Unpacked configurations, ``(n_chains, N) int8``."""
        return unpack_replicas(self.words)

    @property
    def temperature(self) -> np.ndarray:
        """Per-replica temperatures, ``(n_chains,)``."""
        return np.repeat(1.0 / self.beta, 64)

    def copy(self) -> MultispinState:
        return dataclasses.replace(self, words=self.words.copy(), beta=self.beta.copy(),
                                   rng_state=self.rng_state.copy())


class MultispinMetropolis:
    """Checkerboard Metropolis on 64 bit-packed replicas of the square Ising model.

    Same interface as the other samplers (``init``/``run`` returning a
    :class:`~spinnet.samplers.Trace` with one row per replica), restricted to
    ``SquareIsing(L, J, J)`` with ``J > 0``, ``J_d = 0``, ``h = 0`` and even
    ``L >= 2``; ``n_chains`` must be a multiple of 64.
    """

    name = "multispin"

    def __repr__(self) -> str:
        return "MultispinMetropolis()"

    def check_model(self, model: Any) -> SquareIsing:
        if not isinstance(model, SquareIsing):
            raise TypeError(f"multispin Metropolis needs a SquareIsing model; "
                            f"got {type(model).__name__}")
        if not (model.J_h == model.J_v and model.J_h > 0 and model.J_d == 0.0
                and model.h == 0.0):
            raise ValueError("multispin Metropolis needs J_h == J_v > 0, J_d == 0 and h == 0; "
                             f"got {model!r}")
        if model.L % 2:
            raise ValueError(f"multispin Metropolis needs an even L (checkerboard); got "
                             f"L = {model.L}")
        return model

    def init(self, model: SquareIsing, T: Any, n_chains: int = 64, *, rng: SeedLike = None,
             start: Any = "random") -> MultispinState:
        """Create ``n_chains`` (a multiple of 64) replicas at temperature(s) ``T``.

        ``T`` is a scalar or one value per replica, equal within each block of
        64. ``start`` as in :meth:`spinnet.samplers.Sampler.init`.
        """
        model = self.check_model(model)
        n_chains = check_int(n_chains, "n_chains", minimum=64)
        if n_chains % 64:
            raise ValueError(f"n_chains must be a multiple of 64 for multispin coding; "
                             f"got {n_chains}")
        G = n_chains // 64
        temps = check_temperatures(T, n_chains).reshape(G, 64)
        if np.any(temps != temps[:, :1]):
            raise ValueError("T must be equal within each block of 64 replicas (one word)")
        gens = as_generator(rng).spawn(G)
        N = model.n_spins
        if isinstance(start, str) and start == "random":
            words = np.stack([g.integers(0, 2**64, size=N, dtype=np.uint64) for g in gens])
        else:
            words = pack_replicas(initial_spins(start, n_chains, N, gens))
        return MultispinState(words=np.ascontiguousarray(words, dtype=np.uint64),
                              beta=1.0 / temps[:, 0], rng_state=seed_states(gens))

    def run(self, model: SquareIsing, state: MultispinState, n_sweeps: int, *,
            measure_every: int = 1, record_spins: bool = False) -> tuple[MultispinState, Trace]:
        """Advance all replicas by ``n_sweeps`` checkerboard sweeps (see ``Sampler.run``)."""
        model = self.check_model(model)
        n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=0)
        measure_every = check_int(measure_every, "measure_every", minimum=1)
        if not isinstance(state, MultispinState):
            raise TypeError(f"state must be a MultispinState; got {type(state).__name__}")
        if state.n_spins != model.n_spins:
            raise ValueError(f"state has N = {state.n_spins} spins but model has "
                             f"N = {model.n_spins}")
        new = state.copy()
        G, N = new.words.shape
        J = model.J_h
        m4 = KM.threshold_masks(np.exp(-4.0 * J * new.beta))
        m8 = KM.threshold_masks(np.exp(-8.0 * J * new.beta))
        n_meas = n_sweeps // measure_every
        out_e = np.zeros((G, 64, n_meas))
        out_m = np.zeros((G, 64, n_meas))
        out_w = np.zeros((G, n_meas if record_spins else 0, N), dtype=np.uint64)
        pick(KM.multispin_sweeps, G)(new.words, model.L, m4, m8, float(J), n_sweeps,
                                     measure_every, new.rng_state, out_e, out_m, out_w)
        spins = None
        if record_spins:
            # (G, n_meas, N) words -> (64 G, n_meas, N) spins
            flat = unpack_replicas(out_w.transpose(1, 0, 2).reshape(-1, N))  # (n_meas*64G, N)
            spins = flat.reshape(n_meas, G * 64, N).transpose(1, 0, 2)
        sweeps = state.n_sweeps + measure_every * np.arange(1, n_meas + 1, dtype=np.int64)
        new.n_sweeps = state.n_sweeps + n_sweeps
        trace = Trace(energy=out_e.reshape(G * 64, n_meas),
                      magnetization=out_m.reshape(G * 64, n_meas),
                      temperature=new.temperature, sweeps=sweeps, spins=spins)
        return new, trace

    def energy(self, model: SquareIsing, state: MultispinState) -> np.ndarray:
        """Total energy of every replica, ``(n_chains,)``, computed on the packed words."""
        G = state.words.shape[0]
        e = np.zeros((G, 64))
        m = np.zeros((G, 64), dtype=np.int64)
        pick(KM.multispin_measure, G)(state.words, model.L, float(model.J_h), e, m)
        return e.reshape(-1)
