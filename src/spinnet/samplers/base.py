"""Chain state, measurement trace and the sampler interface.

A *state* says where a batch of independent chains is: spins, cached total
energy and magnetisation, inverse temperatures, the per-chain generator state
and counters. A *sampler* says how chains move: ``init`` builds a state,
``run`` advances it by ``n_sweeps`` sweeps and returns a new state and a
:class:`Trace` of per-spin energy and magnetisation. ``run`` never mutates the
state it is given.

Reproducibility: ``init`` resolves ``rng`` once and gives chain ``c`` the
``c``-th child of ``SeedSequence.spawn``; the chain's xoshiro256++ state then
lives in :attr:`ChainState.rng_state`. Same seed, same chains -- and chain
``c`` does not depend on how many chains run beside it, nor on threading.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from typing import Any

import numpy as np

from spinnet._rng import SeedLike, as_generator
from spinnet._validation import check_array, check_int, check_spins
from spinnet.models.base import SpinModel
from spinnet.samplers._kernels_rng import seed_states

__all__ = ["ChainState", "Sampler", "Trace", "check_temperatures", "initial_spins"]


@dataclasses.dataclass
class ChainState:
    """Where a batch of independent Markov chains is.

    Attributes
    ----------
    spins : ndarray of int8, shape (n_chains, N)
    beta : ndarray of float64, shape (n_chains,)
        Inverse temperatures ``β = 1/T``.
    energy : ndarray of float64, shape (n_chains,)
        Total energy ``E(s)`` of each chain (recomputed exactly at every ``run``).
    magnetization : ndarray of int64, shape (n_chains,)
        Total magnetisation ``M = Σ_i s_i``.
    rng_state : ndarray of uint64, shape (n_chains, 4)
        Per-chain xoshiro256++ state.
    n_sweeps : int
        Sweeps done so far.
    n_accepted : ndarray of int64, shape (n_chains,)
        Accepted single-spin flips (local samplers), flipped spins (Wolff) or
        clusters built (Swendsen-Wang).
    """

    spins: np.ndarray
    beta: np.ndarray
    energy: np.ndarray
    magnetization: np.ndarray
    rng_state: np.ndarray
    n_sweeps: int = 0
    n_accepted: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, np.int64))

    @property
    def n_chains(self) -> int:
        return int(self.spins.shape[0])

    @property
    def n_spins(self) -> int:
        return int(self.spins.shape[1])

    @property
    def temperature(self) -> np.ndarray:
        """``T = 1/β`` per chain."""
        return 1.0 / self.beta

    @property
    def acceptance_rate(self) -> np.ndarray:
        """Accepted flips per attempted single-spin update, per chain."""
        attempts = max(self.n_sweeps * self.n_spins, 1)
        return self.n_accepted / attempts

    def copy(self) -> ChainState:
        """Deep copy (arrays copied)."""
        return dataclasses.replace(
            self, spins=self.spins.copy(), beta=self.beta.copy(), energy=self.energy.copy(),
            magnetization=self.magnetization.copy(), rng_state=self.rng_state.copy(),
            n_accepted=self.n_accepted.copy())


@dataclasses.dataclass
class Trace:
    """Measurements taken every ``measure_every`` sweeps.

    Attributes
    ----------
    energy : ndarray of float64, shape (n_chains, n_measurements)
        Energy per spin ``E/N``.
    magnetization : ndarray of float64, shape (n_chains, n_measurements)
        Magnetisation per spin ``M/N`` (signed).
    temperature : ndarray of float64, shape (n_chains,)
    sweeps : ndarray of int64, shape (n_measurements,)
        Cumulative sweep count of the state at each measurement.
    spins : ndarray of int8, shape (n_chains, n_measurements, N), or None
        Configurations, if ``record_spins=True``.
    """

    energy: np.ndarray
    magnetization: np.ndarray
    temperature: np.ndarray
    sweeps: np.ndarray
    spins: np.ndarray | None = None

    @property
    def n_chains(self) -> int:
        return int(self.energy.shape[0])

    @property
    def n_measurements(self) -> int:
        return int(self.energy.shape[-1])


def check_temperatures(T: Any, n_chains: int, name: str = "T") -> np.ndarray:
    """Return per-chain temperatures (float64, shape ``(n_chains,)``), all finite and > 0.

    Parameters
    ----------
    T : float or array_like of float, shape (n_chains,)
        One temperature for all chains or one per chain.
    n_chains : int
        Number of chains.
    name : str, default "T"
        Argument name used in error messages.

    Returns
    -------
    ndarray of float64, shape (n_chains,)
        The temperatures (a scalar broadcast to every chain).
    """
    arr = check_array(T, name, ndim=(0, 1), dtype=np.float64)
    if arr.ndim == 1 and arr.shape[0] != n_chains:
        raise ValueError(f"{name} must be a scalar or have one entry per chain "
                         f"(n_chains = {n_chains}); got shape {arr.shape}")
    if np.any(arr <= 0.0):
        raise ValueError(f"{name} must be > 0 (temperatures); got {arr.min()}")
    return np.ascontiguousarray(np.broadcast_to(arr, (n_chains,)), dtype=np.float64)


def initial_spins(start: Any, n_chains: int, n_spins: int,
                  generators: list[np.random.Generator]) -> np.ndarray:
    """Initial configurations: ``"random"`` (hot), ``"up"``/``"down"`` (cold) or an array.

    Parameters
    ----------
    start : {"random", "up", "down"} or array_like of ±1, shape (N,) or (n_chains, N)
        Random independent spins, all ``+1``, all ``-1``, or explicit spins (one
        configuration is copied to every chain).
    n_chains : int
        Number of chains.
    n_spins : int
        Number of spins ``N``.
    generators : list of numpy.random.Generator
        One generator per chain (used only for ``"random"``).

    Returns
    -------
    ndarray of int8, shape (n_chains, N)
        C-contiguous ±1 configurations.
    """
    if isinstance(start, str):
        if start == "random":
            out = np.empty((n_chains, n_spins), dtype=np.int8)
            for c, g in enumerate(generators):  # one vectorised draw per chain
                out[c] = 2 * g.integers(0, 2, size=n_spins, dtype=np.int8) - 1
            return out
        if start in ("up", "down"):
            return np.full((n_chains, n_spins), 1 if start == "up" else -1, dtype=np.int8)
        raise ValueError(f"start must be 'random', 'up', 'down' or an array of spins; "
                         f"got {start!r}")
    s = check_spins(start, "start", ndim=(1, 2), n=n_spins)
    if s.ndim == 2 and s.shape[0] != n_chains:
        raise ValueError(f"start must have shape (N,) or (n_chains, N) = ({n_chains}, "
                         f"{n_spins}); got {s.shape}")
    return np.ascontiguousarray(np.broadcast_to(s, (n_chains, n_spins)), dtype=np.int8)


class Sampler(ABC):
    """Interface shared by all samplers: ``init`` then ``run``."""

    #: Name used by :func:`spinnet.samplers.simulate` and in error messages.
    name: str = "sampler"

    def check_model(self, model: Any) -> SpinModel:
        """Raise ``TypeError``/``ValueError`` if this sampler cannot move ``model``."""
        if not isinstance(model, SpinModel):
            raise TypeError(f"model must be a spinnet SpinModel; got {type(model).__name__}")
        return model

    def init(self, model: SpinModel, T: Any, n_chains: int = 1, *, rng: SeedLike = None,
             start: Any = "random") -> ChainState:
        """Create ``n_chains`` independent chains of ``model`` at temperature(s) ``T``.

        Parameters
        ----------
        model : SpinModel
        T : float or array_like of shape (n_chains,)
            Temperature(s), ``> 0``.
        n_chains : int
        rng : SeedLike
            Resolved once; chain ``c`` uses the ``c``-th spawned child.
        start : {"random", "up", "down"} or array_like of spins
            Initial configuration(s), shape ``(N,)`` or ``(n_chains, N)``.

        Returns
        -------
        ChainState
        """
        model = self.check_model(model)
        n_chains = check_int(n_chains, "n_chains", minimum=1)
        temps = check_temperatures(T, n_chains)
        gens = as_generator(rng).spawn(n_chains)
        spins = initial_spins(start, n_chains, model.n_spins, gens)
        return ChainState(
            spins=spins, beta=1.0 / temps,
            energy=np.asarray(model.energy(spins), dtype=np.float64).reshape(n_chains),
            magnetization=spins.sum(axis=1, dtype=np.int64),
            rng_state=seed_states(gens), n_sweeps=0,
            n_accepted=np.zeros(n_chains, dtype=np.int64))

    def run(self, model: SpinModel, state: ChainState, n_sweeps: int, *,
            measure_every: int = 1, record_spins: bool = False) -> tuple[ChainState, Trace]:
        """Advance every chain by ``n_sweeps`` sweeps.

        Parameters
        ----------
        model : SpinModel
            The model the state was initialised with.
        state : ChainState
            Not modified; a new state is returned.
        n_sweeps : int
            ``>= 0``.
        measure_every : int
            Measure after every ``measure_every``-th sweep
            (``n_sweeps // measure_every`` measurements).
        record_spins : bool
            Also store the configurations at each measurement.

        Returns
        -------
        state : ChainState
        trace : Trace
        """
        model = self.check_model(model)
        n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=0)
        measure_every = check_int(measure_every, "measure_every", minimum=1)
        if not isinstance(state, ChainState):
            raise TypeError(f"state must be a ChainState; got {type(state).__name__}")
        if state.n_spins != model.n_spins:
            raise ValueError(f"state has N = {state.n_spins} spins but model has "
                             f"N = {model.n_spins}")
        new = state.copy()
        # Exact recomputation keeps incremental float sums from drifting.
        new.energy = np.ascontiguousarray(
            np.asarray(model.energy(new.spins), dtype=np.float64).reshape(new.n_chains))
        new.magnetization = new.spins.sum(axis=1, dtype=np.int64)
        n_meas = n_sweeps // measure_every
        out_e = np.zeros((new.n_chains, n_meas))
        out_m = np.zeros((new.n_chains, n_meas))
        out_s = np.zeros((new.n_chains, n_meas if record_spins else 0, new.n_spins),
                         dtype=np.int8)
        self._advance(model, new, n_sweeps, measure_every, out_e, out_m, out_s)
        sweeps = state.n_sweeps + measure_every * np.arange(1, n_meas + 1, dtype=np.int64)
        new.n_sweeps = state.n_sweeps + n_sweeps
        trace = Trace(energy=out_e, magnetization=out_m, temperature=new.temperature.copy(),
                      sweeps=sweeps, spins=out_s if record_spins else None)
        return new, trace

    @abstractmethod
    def _advance(self, model: SpinModel, state: ChainState, n_sweeps: int, measure_every: int,
                 out_e: np.ndarray, out_m: np.ndarray, out_s: np.ndarray) -> None:
        """Run the kernel, updating ``state`` in place and filling the outputs."""
