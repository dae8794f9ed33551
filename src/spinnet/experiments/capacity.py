"""Storage capacity by incremental storage: how many patterns stay fixed points."""

from __future__ import annotations

import numpy as np

from spinnet._rng import SeedLike, as_generator
from spinnet._validation import check_int, check_option
from spinnet.hopfield.network import HopfieldNetwork
from spinnet.hopfield.rules import RULES
from spinnet.spins import random_patterns

__all__ = ["max_stable_patterns"]


def max_stable_patterns(rule: str, n: int, *, n_trials: int = 5, p_limit: int | None = None,
                        rng: SeedLike = None) -> np.ndarray:
    """Largest ``p`` at which *all* stored random patterns are fixed points.

    Criterion: patterns are added one at a time (incremental storage,
    :meth:`HopfieldNetwork.partial_fit`); after each addition every stored
    pattern ``ξ^μ`` is checked for ``ξ^μ_i h_i > 0`` on all sites (strictly
    stable under zero-temperature dynamics). ``p_max`` is the last ``p`` before
    the first failure. Expected scaling: Hebb ``N / (2 ln N)`` (McEliece et al.
    1987), Storkey ``N / √(2 ln N)`` (Storkey 1997), pseudo-inverse ``→ N``.

    Parameters
    ----------
    rule : {"hebbian", "pseudo_inverse", "storkey"}
        Learning rule.
    n : int
        Number of neurons ``N``.
    n_trials : int
        Independent pattern sequences.
    p_limit : int, optional
        Stop searching at this ``p`` (default ``N``).
    rng : SeedLike, default None
        Seed or generator of the patterns.

    Returns
    -------
    ndarray of int, shape (n_trials,)
    """
    rule = check_option(rule, "rule", tuple(RULES))
    n = check_int(n, "n", minimum=2)
    n_trials = check_int(n_trials, "n_trials", minimum=1)
    p_limit = n if p_limit is None else check_int(p_limit, "p_limit", minimum=1)
    gen = as_generator(rng)
    out = np.zeros(n_trials, dtype=np.int64)
    for t in range(n_trials):
        xi = random_patterns(p_limit, n, rng=gen)
        net = HopfieldNetwork(rule)
        p_max = 0
        for p in range(1, p_limit + 1):
            net.partial_fit(xi[p - 1])
            stored = xi[:p].astype(np.float64)
            if np.any(stored @ net.couplings_ * stored <= 0):
                break
            p_max = p
        out[t] = p_max
    return out
