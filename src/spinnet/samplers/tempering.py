"""Parallel tempering (replica exchange) over a temperature ladder.

Hukushima & Nemoto, J. Phys. Soc. Jpn. 65, 1604 (1996); Swendsen & Wang,
Phys. Rev. Lett. 57, 2607 (1986). ``R`` replicas at ``T_1 < ... < T_R`` each
evolve with a single-spin sampler; every ``swap_every`` sweeps neighbouring
pairs ``(k, k+1)`` -- even pairs and odd pairs alternately -- exchange their
configurations with probability ``min(1, exp((β_k - β_{k+1})(E_k - E_{k+1})))``,
which satisfies detailed balance for the product distribution
``Π_k exp(-β_k E(s_k)) / Z_k``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
from numba import njit, prange  # noqa: F401

from spinnet._rng import SeedLike, as_generator
from spinnet._validation import check_array, check_int
from spinnet.models.base import SpinModel
from spinnet.samplers._kernels_rng import chain_kernel, next_u64, pick, seed_states, uniform
from spinnet.samplers.base import ChainState, initial_spins
from spinnet.samplers.local import Metropolis, SingleSpinSampler

__all__ = ["ParallelTempering", "TemperingState", "TemperingTrace"]


@chain_kernel
def _swap_kernel(spins, energy, magnet, betas, parity, rng_state, attempts, accepts):
    """Attempt swaps of pairs ``(k, k+1)`` with ``k % 2 == parity`` in every PT chain.

    spins : int8 (P, R, N); energy : float64 (P, R); magnet : int64 (P, R)
    betas : float64 (R,); rng_state : uint64 (P, 4)
    attempts, accepts : int64 (P, R-1) -- updated
    """
    P, R, N = spins.shape
    for c in prange(P):
        s0 = rng_state[c, 0]
        s1 = rng_state[c, 1]
        s2 = rng_state[c, 2]
        s3 = rng_state[c, 3]
        for k in range(parity, R - 1, 2):
            attempts[c, k] += 1
            arg = (betas[k] - betas[k + 1]) * (energy[c, k] - energy[c, k + 1])
            ok = arg >= 0.0
            if not ok:
                x, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
                ok = uniform(x) < np.exp(arg)
            if ok:
                accepts[c, k] += 1
                for i in range(N):
                    tmp = spins[c, k, i]
                    spins[c, k, i] = spins[c, k + 1, i]
                    spins[c, k + 1, i] = tmp
                e = energy[c, k]
                energy[c, k] = energy[c, k + 1]
                energy[c, k + 1] = e
                m = magnet[c, k]
                magnet[c, k] = magnet[c, k + 1]
                magnet[c, k + 1] = m
        rng_state[c, 0] = s0
        rng_state[c, 1] = s1
        rng_state[c, 2] = s2
        rng_state[c, 3] = s3


@dataclasses.dataclass
class TemperingState:
    """``n_chains`` independent PT runs, each with ``R`` replicas.

    Attributes
    ----------
    replicas : ChainState
        Flattened ``n_chains * R`` chains; replica ``k`` of run ``c`` is row
        ``c * R + k`` and always sits at temperature ``temperatures[k]``
        (configurations move, temperatures stay).
    temperatures : ndarray, shape (R,), increasing
    swap_rng_state : ndarray of uint64, shape (n_chains, 4)
    swap_attempts, swap_accepts : ndarray of int64, shape (n_chains, R-1)
    n_swap_rounds : int
    """

    replicas: ChainState
    temperatures: np.ndarray
    swap_rng_state: np.ndarray
    swap_attempts: np.ndarray
    swap_accepts: np.ndarray
    n_swap_rounds: int = 0

    @property
    def n_chains(self) -> int:
        return int(self.swap_rng_state.shape[0])

    @property
    def n_temperatures(self) -> int:
        return int(self.temperatures.shape[0])

    @property
    def spins(self) -> np.ndarray:
        """``(n_chains, R, N)`` configurations, ordered by temperature."""
        return self.replicas.spins.reshape(self.n_chains, self.n_temperatures, -1)

    @property
    def swap_acceptance(self) -> np.ndarray:
        """Acceptance rate of swaps per adjacent pair, ``(n_chains, R-1)``."""
        return self.swap_accepts / np.maximum(self.swap_attempts, 1)

    def copy(self) -> TemperingState:
        return dataclasses.replace(
            self, replicas=self.replicas.copy(), temperatures=self.temperatures.copy(),
            swap_rng_state=self.swap_rng_state.copy(), swap_attempts=self.swap_attempts.copy(),
            swap_accepts=self.swap_accepts.copy())


@dataclasses.dataclass
class TemperingTrace:
    """Per-temperature measurements of a PT run.

    Attributes
    ----------
    energy, magnetization : ndarray, shape (n_chains, R, n_measurements)
        Per-spin values at each temperature of the ladder.
    temperatures : ndarray, shape (R,)
    sweeps : ndarray, shape (n_measurements,)
    swap_acceptance : ndarray, shape (n_chains, R-1)
        Cumulative swap acceptance per adjacent pair.
    spins : ndarray of int8, shape (n_chains, R, n_measurements, N), or None
    """

    energy: np.ndarray
    magnetization: np.ndarray
    temperatures: np.ndarray
    sweeps: np.ndarray
    swap_acceptance: np.ndarray
    spins: np.ndarray | None = None


class ParallelTempering:
    """Replica exchange across a temperature ladder, wrapping a single-spin sampler.

    Parameters
    ----------
    temperatures : array_like, shape (R,)
        Distinct positive temperatures (sorted internally, increasing), ``R >= 2``.
    sampler : SingleSpinSampler, optional
        Moves each replica between swaps (default ``Metropolis()``).
    swap_every : int
        Sweeps between swap rounds.
    """

    name = "pt"

    def __init__(self, temperatures: Any, sampler: SingleSpinSampler | None = None,
                 swap_every: int = 1) -> None:
        T = check_array(temperatures, "temperatures", ndim=1, dtype=np.float64)
        if T.shape[0] < 2:
            raise ValueError(f"temperatures must hold at least 2 values; got {T.shape[0]}")
        if np.any(T <= 0):
            raise ValueError(f"temperatures must be > 0; got min {T.min()}")
        T = np.sort(T)
        if np.any(np.diff(T) == 0):
            raise ValueError("temperatures must be distinct")
        self.temperatures = T
        sampler = Metropolis() if sampler is None else sampler
        if not isinstance(sampler, SingleSpinSampler):
            raise TypeError(f"sampler must be a single-spin sampler (Metropolis, HeatBath); "
                            f"got {type(sampler).__name__}")
        self.sampler = sampler
        self.swap_every = check_int(swap_every, "swap_every", minimum=1)

    def __repr__(self) -> str:
        return (f"ParallelTempering(R={len(self.temperatures)}, sampler={self.sampler!r}, "
                f"swap_every={self.swap_every})")

    def init(self, model: SpinModel, n_chains: int = 1, *, rng: SeedLike = None,
             start: Any = "random") -> TemperingState:
        """``n_chains`` independent PT runs of ``model`` on the ladder."""
        model = self.sampler.check_model(model)
        n_chains = check_int(n_chains, "n_chains", minimum=1)
        R = len(self.temperatures)
        gens = as_generator(rng).spawn(n_chains * R + n_chains)
        rep_gens, swap_gens = gens[: n_chains * R], gens[n_chains * R:]
        spins = initial_spins(start, n_chains * R, model.n_spins, rep_gens)
        replicas = ChainState(
            spins=spins, beta=np.tile(1.0 / self.temperatures, n_chains),
            energy=np.asarray(model.energy(spins), dtype=np.float64).reshape(-1),
            magnetization=spins.sum(axis=1, dtype=np.int64),
            rng_state=seed_states(rep_gens), n_accepted=np.zeros(n_chains * R, np.int64))
        return TemperingState(replicas=replicas, temperatures=self.temperatures.copy(),
                              swap_rng_state=seed_states(swap_gens),
                              swap_attempts=np.zeros((n_chains, R - 1), np.int64),
                              swap_accepts=np.zeros((n_chains, R - 1), np.int64))

    def run(self, model: SpinModel, state: TemperingState, n_sweeps: int, *,
            measure_every: int = 1, record_spins: bool = False
            ) -> tuple[TemperingState, TemperingTrace]:
        """Advance by ``n_sweeps`` sweeps with swap rounds every ``swap_every`` sweeps.

        A measurement after sweep ``t`` is taken after that sweep's swap round,
        if any.
        """
        model = self.sampler.check_model(model)
        n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=0)
        measure_every = check_int(measure_every, "measure_every", minimum=1)
        if not isinstance(state, TemperingState):
            raise TypeError(f"state must be a TemperingState; got {type(state).__name__}")
        new = state.copy()
        reps = new.replicas
        reps.energy = np.asarray(model.energy(reps.spins), dtype=np.float64).reshape(-1)
        reps.magnetization = reps.spins.sum(axis=1, dtype=np.int64)
        P, R, N = new.n_chains, new.n_temperatures, model.n_spins
        n_meas = n_sweeps // measure_every
        out_e = np.zeros((P, R, n_meas))
        out_m = np.zeros((P, R, n_meas))
        out_s = np.zeros((P, R, n_meas, N), np.int8) if record_spins else None
        dummy_e = np.zeros((P * R, 0))
        dummy_s = np.zeros((P * R, 0, N), np.int8)
        betas = 1.0 / new.temperatures
        start = reps.n_sweeps
        t = 0
        k = 0
        while t < n_sweeps:
            # advance to the next swap or measurement point
            nxt_swap = self.swap_every - ((start + t) % self.swap_every)
            nxt_meas = measure_every - (t % measure_every)
            step = min(nxt_swap, nxt_meas, n_sweeps - t)
            self.sampler._advance(model, reps, step, 1, dummy_e, dummy_e, dummy_s)
            t += step
            if (start + t) % self.swap_every == 0:
                spins3 = reps.spins.reshape(P, R, N)
                e2 = reps.energy.reshape(P, R)
                m2 = reps.magnetization.reshape(P, R)
                pick(_swap_kernel, P)(spins3, e2, m2, betas, new.n_swap_rounds % 2,
                                      new.swap_rng_state, new.swap_attempts, new.swap_accepts)
                new.n_swap_rounds += 1
            if t % measure_every == 0 and k < n_meas:
                out_e[:, :, k] = reps.energy.reshape(P, R) / N
                out_m[:, :, k] = reps.magnetization.reshape(P, R) / N
                if out_s is not None:
                    out_s[:, :, k] = reps.spins.reshape(P, R, N)
                k += 1
        reps.n_sweeps = start + n_sweeps
        sweeps = start + measure_every * np.arange(1, n_meas + 1, dtype=np.int64)
        trace = TemperingTrace(energy=out_e, magnetization=out_m,
                               temperatures=new.temperatures.copy(), sweeps=sweeps,
                               swap_acceptance=new.swap_acceptance, spins=out_s)
        return new, trace
