"""One-call Monte Carlo: thermalise, measure, return the trace."""

from __future__ import annotations

from typing import Any

import numpy as np

from spinnet._rng import SeedLike, as_generator
from spinnet._validation import check_array, check_int
from spinnet.models.base import SpinModel
from spinnet.samplers.base import Trace
from spinnet.samplers.cluster import SwendsenWang, Wolff
from spinnet.samplers.local import HeatBath, Metropolis
from spinnet.samplers.multispin import MultispinMetropolis
from spinnet.samplers.tempering import ParallelTempering, TemperingTrace

__all__ = ["ALGORITHMS", "simulate"]

ALGORITHMS = ("metropolis", "heat-bath", "wolff", "sw", "pt", "multispin")


def simulate(model: SpinModel, T: Any, algorithm: str = "metropolis", n_sweeps: int = 1000,
             n_thermalize: int = 100, n_chains: int = 1, rng: SeedLike = None, *,
             measure_every: int = 1, order: str | None = None,
             record_spins: bool = False) -> Trace | TemperingTrace:
    """Thermalise and then measure ``n_chains`` independent chains of ``model``.

    Parameters
    ----------
    model : SpinModel
    T : float or array_like of float, shape (n_chains,) or (R,)
        Temperature(s) ``> 0``: a scalar, one per chain, or -- for
        ``algorithm="pt"`` -- the ladder of the replica exchange.
    algorithm : {"metropolis", "heat-bath", "wolff", "sw", "pt", "multispin"}
        ``"wolff"`` flips one cluster per sweep; ``"pt"`` uses Metropolis replicas
        with a swap round after every sweep; ``"multispin"`` needs ``n_chains`` a
        multiple of 64 (rounded up) and the isotropic zero-field square lattice.
    n_sweeps, n_thermalize : int
        Measured and discarded sweeps.
    n_chains : int
    rng : SeedLike
    measure_every : int
    order : str, optional
        Visiting order for the single-spin samplers.
    record_spins : bool

    Returns
    -------
    Trace or TemperingTrace
        ``energy`` and ``magnetization`` per spin, shape ``(n_chains, n_meas)``
        (``(n_chains, R, n_meas)`` for PT).
    """
    if not isinstance(algorithm, str) or algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm must be one of {list(ALGORITHMS)}; got {algorithm!r}")
    n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=0)
    n_thermalize = check_int(n_thermalize, "n_thermalize", minimum=0)
    n_chains = check_int(n_chains, "n_chains", minimum=1)
    T_arr = check_array(T, "T", ndim=(0, 1), dtype=np.float64)
    if np.any(T_arr <= 0):
        raise ValueError(f"T must be > 0; got {T_arr.min()}")
    gen = as_generator(rng)
    if algorithm == "pt":
        pt = ParallelTempering(T_arr.reshape(-1))
        state = pt.init(model, n_chains, rng=gen)
        state, _ = pt.run(model, state, n_thermalize, measure_every=max(n_thermalize, 1))
        _, trace = pt.run(model, state, n_sweeps, measure_every=measure_every,
                          record_spins=record_spins)
        return trace
    if algorithm == "multispin":
        sampler: Any = MultispinMetropolis()
        n_chains = 64 * -(-n_chains // 64)
        if T_arr.ndim == 1 and T_arr.shape[0] != n_chains:
            raise ValueError("multispin: T must be a scalar or one value per replica")
    elif algorithm == "metropolis":
        sampler = Metropolis(order)
    elif algorithm == "heat-bath":
        sampler = HeatBath(order)
    elif algorithm == "wolff":
        sampler = Wolff()
    else:
        sampler = SwendsenWang()
    state = sampler.init(model, T_arr, n_chains, rng=gen)
    state, _ = sampler.run(model, state, n_thermalize, measure_every=max(n_thermalize, 1))
    _, trace = sampler.run(model, state, n_sweeps, measure_every=measure_every,
                           record_spins=record_spins)
    return trace
