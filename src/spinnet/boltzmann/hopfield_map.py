"""The Hopfield network as an RBM with Gaussian hidden units.

For ``p`` patterns ``ξ^μ ∈ {±1}^N`` take an RBM with ``N`` visible ±1 spins
``s``, ``p`` real hidden units ``λ`` and weights ``W_iμ = ξ^μ_i / √N``:

``E(s, λ) = ½ ‖λ‖² - sᵀWλ = ½ Σ_μ λ_μ² - (1/√N) Σ_μ λ_μ (ξ^μ · s)``,

with Boltzmann weight ``exp(-β E(s, λ))``. The Gaussian integral
``∫ dλ exp(-β(½λ² - aλ)) = √(2π/β) exp(β a² / 2)`` gives the visible marginal

``log ∫ dλ e^{-βE(s,λ)} = (β / 2N) Σ_μ (ξ^μ · s)² + (p/2) log(2π/β)``.

Since ``(1/2N) Σ_μ (ξ^μ·s)² = ½ Σ_{i≠j} J_ij s_i s_j + p/2`` for the Hebbian
``J_ij = (1/N) Σ_μ ξ^μ_i ξ^μ_j`` with ``J_ii = 0`` (the diagonal ``Σ_μ (ξ^μ_i)² s_i²/N``
summed over ``i`` is ``p``), the marginal equals ``-β E_Hopfield(s) + βp/2 +
(p/2) log(2π/β)``: the two models have the same Boltzmann distribution of ``s``
at every ``β``. The conditionals are ``λ | s ~ N(Wᵀs, 1/β)`` and
``P(s_i = +1 | λ) = 1 / (1 + exp(-2β (Wλ)_i))`` — block Gibbs sampling of the
Gaussian RBM samples the Hopfield model.

References
----------
.. [1] A. Barra, A. Bernacchia, E. Santucci and P. Contucci, "On the equivalence
   of Hopfield networks and Boltzmann machines", Neural Networks 34, 1 (2012),
   eqs. (4)-(7).
.. [2] P. Mehta et al., "A high-bias, low-variance introduction to machine
   learning for physicists", Phys. Rep. 810, 1 (2019), Sec. XVI.B.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from spinnet._rng import SeedLike, as_generator
from spinnet._validation import check_array, check_int, check_positive_float, check_spins
from spinnet.hopfield.dynamics import energy
from spinnet.hopfield.rules import hebbian

__all__ = [
    "grbm_block_gibbs",
    "grbm_visible_log_marginal",
    "hopfield_log_weights",
    "hopfield_to_grbm",
]


def hopfield_to_grbm(patterns: Any, beta: float) -> np.ndarray:
    """Weights ``W = ξᵀ / √N`` of the Gaussian-hidden RBM equivalent to a Hebbian network.

    Parameters
    ----------
    patterns : array_like, shape (p, N)
        Patterns of ±1 spins.
    beta : float
        Inverse temperature ``β > 0``. The weights do not depend on it with the
        convention used here (``β`` multiplies the whole energy ``E(s, λ)``, so the
        hidden units have variance ``1/β``); it is validated and accepted so that the
        signature states the temperature at which the equivalence is used.

    Returns
    -------
    ndarray, shape (N, p), float64
        ``W_iμ = ξ^μ_i / √N``; the RBM energy is ``½‖λ‖² - sᵀWλ``.

    References
    ----------
    Barra et al. (2012), eq. (5); Mehta et al. (2019), Sec. XVI.B.
    """
    check_positive_float(beta, "beta")
    xi = check_spins(patterns, "patterns", ndim=2)
    return xi.T.astype(np.float64) / math.sqrt(xi.shape[1])


def _weights(weights: Any) -> np.ndarray:
    return check_array(weights, "weights", ndim=2, dtype=np.float64)


def grbm_visible_log_marginal(spins: Any, weights: Any, beta: float) -> np.ndarray | float:
    """Exact ``log ∫ dλ exp(-β E(s, λ))`` of the Gaussian-hidden RBM (unnormalised).

    ``= (β/2) ‖Wᵀs‖² + (p/2) log(2π/β)`` for ``E(s, λ) = ½‖λ‖² - sᵀWλ``.

    Parameters
    ----------
    spins : array_like, shape (N,) or (B, N)
        ±1 visible spins.
    weights : array_like, shape (N, p)
        RBM weights, e.g. from :func:`hopfield_to_grbm`.
    beta : float
        Inverse temperature ``β > 0``.

    Returns
    -------
    float or ndarray, shape (B,)

    References
    ----------
    Barra et al. (2012), eqs. (6)-(7).
    """
    beta = check_positive_float(beta, "beta")
    W = _weights(weights)
    s = check_spins(spins, "spins", ndim=(1, 2), n=W.shape[0])
    single = s.ndim == 1
    a = s.reshape(-1, W.shape[0]).astype(np.float64) @ W
    out = 0.5 * beta * np.einsum("bm,bm->b", a, a) + 0.5 * W.shape[1] * math.log(
        2.0 * math.pi / beta)
    return float(out[0]) if single else out


def hopfield_log_weights(spins: Any, patterns: Any, beta: float) -> np.ndarray | float:
    """Hopfield Boltzmann log-weights ``-β E(s)`` with Hebbian couplings (zero diagonal).

    Uses :func:`spinnet.hopfield.rules.hebbian` and
    :func:`spinnet.hopfield.dynamics.energy` (Hopfield 1982, eqs. 2 and 7).

    Parameters
    ----------
    spins : array_like, shape (N,) or (B, N)
        ±1 spins.
    patterns : array_like, shape (p, N)
        Stored ±1 patterns.
    beta : float
        Inverse temperature ``β > 0``.

    Returns
    -------
    float or ndarray, shape (B,)
    """
    beta = check_positive_float(beta, "beta")
    e = energy(hebbian(patterns), spins)
    return -beta * e


def grbm_block_gibbs(weights: Any, beta: float, spins: Any, *, n_steps: int = 1,
                     rng: SeedLike = None) -> tuple[np.ndarray, np.ndarray]:
    """Block Gibbs sampling of the Gaussian-hidden RBM: ``λ | s`` then ``s | λ``.

    ``λ | s ~ N(Wᵀs, 1/β)`` and ``P(s_i = +1 | λ) = 1 / (1 + exp(-2β (Wλ)_i))``
    (Barra et al. 2012, Sec. 3). The visible chain's stationary distribution is the
    Hopfield Boltzmann distribution with the Hebbian couplings of the patterns
    behind ``W`` (see the module docstring).

    Parameters
    ----------
    weights : array_like, shape (N, p)
        RBM weights, e.g. from :func:`hopfield_to_grbm`.
    beta : float
        Inverse temperature ``β > 0``.
    spins : array_like, shape (B, N)
        Initial ±1 states of ``B`` independent chains.
    n_steps : int, optional
        Number of full ``s → λ → s`` updates.
    rng : SeedLike, optional
        Seed or generator.

    Returns
    -------
    spins : ndarray, shape (B, N), int8
        Visible states after ``n_steps`` updates.
    hidden : ndarray, shape (B, p), float64
        The last hidden sample.
    """
    beta = check_positive_float(beta, "beta")
    W = _weights(weights)
    s = check_spins(spins, "spins", ndim=2, n=W.shape[0]).astype(np.float64)
    n_steps = check_int(n_steps, "n_steps", minimum=1)
    gen = as_generator(rng)
    sd = 1.0 / math.sqrt(beta)
    lam = np.zeros((s.shape[0], W.shape[1]))
    for _ in range(n_steps):
        lam = s @ W + sd * gen.standard_normal((s.shape[0], W.shape[1]))
        p_up = 0.5 * (1.0 + np.tanh(beta * (lam @ W.T)))   # = σ(2β Wλ), overflow-free
        s = np.where(gen.random(s.shape) < p_up, 1.0, -1.0)
    return s.astype(np.int8), lam
