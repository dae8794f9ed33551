"""Functional core of the modern Hopfield layers (stateless, like ``torch.nn.functional``).

The continuous modern Hopfield network of Ramsauer et al., "Hopfield Networks
is All You Need", ICLR 2021 (arXiv:2008.02217), stores patterns ``Y`` (rows)
and has the energy (their Eq. 2)

    E(ξ) = -β⁻¹ log Σ_μ exp(β y_μ·ξ) + ½ ξ·ξ + β⁻¹ log M + ½ K²,

with ``M`` the number of stored patterns and ``K`` the largest pattern norm
(the constant makes ``0 <= E <= 2K²``, their Lemma A1). Its update rule (Eq. 3)

    ξ_new = Yᵀ softmax(β Y ξ)

is the concave-convex procedure for ``E`` (so ``E`` never increases,
Theorem 1), and with ``ξ ↔ query``, ``Y ↔ keys``, ``β ↔ scale`` it is
transformer attention ``softmax(β Q Kᵀ) V`` with ``V = K``.

Shapes follow :func:`torch.nn.functional.scaled_dot_product_attention`:
states/queries ``(..., L, d)``, stored patterns/keys ``(..., S, d)``, values
``(..., S, d_v)``; leading batch/head dimensions broadcast. Everything is
device-agnostic and differentiable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

__all__ = [
    "RetrievalOutput",
    "hopfield_energy",
    "hopfield_retrieval",
    "hopfield_update",
]


def _check_beta(beta: float) -> float:
    if isinstance(beta, bool) or not isinstance(beta, int | float):
        raise TypeError(f"beta must be a real number; got {beta!r} ({type(beta).__name__})")
    beta = float(beta)
    if not math.isfinite(beta) or beta <= 0:
        raise ValueError(f"beta must be a finite number > 0; got {beta}")
    return beta


def _check_pair(state: torch.Tensor, patterns: torch.Tensor, state_name: str,
                pattern_name: str) -> None:
    for t, name in ((state, state_name), (patterns, pattern_name)):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor; got {type(t).__name__}")
        if t.ndim < 2:
            raise ValueError(f"{name} must have shape (..., n, d); got {tuple(t.shape)}")
        if not t.is_floating_point():
            raise TypeError(f"{name} must be a floating-point tensor; got {t.dtype}")
    if patterns.shape[-2] == 0:
        raise ValueError(f"{pattern_name} must hold at least one pattern (empty memory); "
                         f"got shape {tuple(patterns.shape)}")
    if state.shape[-1] != patterns.shape[-1]:
        raise ValueError(f"{state_name} and {pattern_name} must have the same pattern "
                         f"dimension d (last axis); got {tuple(state.shape)} and "
                         f"{tuple(patterns.shape)}")


def hopfield_energy(state: torch.Tensor, patterns: torch.Tensor, beta: float, *,
                    mask: torch.Tensor | None = None, constant: bool = True) -> torch.Tensor:
    """Modern Hopfield energy of states (Ramsauer et al. 2021, Eq. 2).

    ``E(ξ) = -β⁻¹ logsumexp_μ(β y_μ·ξ) + ½ ξ·ξ [+ β⁻¹ log M + ½ K²]``, computed
    with a log-sum-exp that is stable at any ``β``.

    Parameters
    ----------
    state : Tensor, shape (..., L, d)
        ``L`` states (queries).
    patterns : Tensor, shape (..., S, d)
        Stored patterns ``y_μ`` (keys), one per row.
    beta : float > 0
        Inverse temperature.
    mask : Tensor of bool, shape broadcastable to (..., L, S), optional
        ``True`` where a pattern takes part (as in SDPA's boolean ``attn_mask``).
    constant : bool
        Add ``β⁻¹ log M + ½ K²`` (``M`` patterns, ``K`` largest norm), which makes
        ``E >= 0``; it does not depend on the state.

    Returns
    -------
    Tensor, shape (..., L)
    """
    beta = _check_beta(beta)
    _check_pair(state, patterns, "state", "patterns")
    scores = beta * (state @ patterns.transpose(-2, -1))
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    e = -torch.logsumexp(scores, dim=-1) / beta + 0.5 * (state * state).sum(-1)
    if constant:
        m = patterns.shape[-2]
        k2 = (patterns * patterns).sum(-1).amax(-1, keepdim=True)
        e = e + math.log(m) / beta + 0.5 * k2
    return e


def hopfield_update(state: torch.Tensor, patterns: torch.Tensor, beta: float,
                    values: torch.Tensor | None = None, *,
                    mask: torch.Tensor | None = None) -> torch.Tensor:
    """One modern Hopfield update ``ξ ← Yᵀ softmax(β Y ξ)`` (Ramsauer et al. 2021, Eq. 3).

    With ``values`` given the retrieved pattern is mapped to them:
    ``softmax(β ξ Yᵀ) V``, i.e. exactly
    ``scaled_dot_product_attention(state, patterns, values, scale=beta)``,
    which is what this calls (its fused kernels are used where available).

    Parameters
    ----------
    state : Tensor, shape (..., L, d)
    patterns : Tensor, shape (..., S, d)
    beta : float > 0
    values : Tensor, shape (..., S, d_v), optional
        Defaults to ``patterns`` (the Hopfield update proper).
    mask : Tensor of bool, shape broadcastable to (..., L, S), optional
        As in :func:`hopfield_energy`.

    Returns
    -------
    Tensor, shape (..., L, d) or (..., L, d_v)
    """
    beta = _check_beta(beta)
    _check_pair(state, patterns, "state", "patterns")
    if values is None:
        values = patterns
    elif values.shape[-2] != patterns.shape[-2]:
        raise ValueError(f"values must have one row per stored pattern (S = "
                         f"{patterns.shape[-2]}); got shape {tuple(values.shape)}")
    return F.scaled_dot_product_attention(state, patterns, values, attn_mask=mask, scale=beta)


@dataclass
class RetrievalOutput:
    """Result of :func:`hopfield_retrieval`.

    Attributes
    ----------
    output : Tensor, shape (..., L, d_v)
        ``softmax(β ξ_T Kᵀ) V`` with ``ξ_T`` the state after ``n_steps - 1`` updates.
    energy : Tensor, shape (..., L, n_steps + 1) or None
        Energy (with constant) of the states ``ξ_0 .. ξ_{n_steps}`` in key space,
        where ``ξ_{t+1} = Kᵀ softmax(β K ξ_t)``; non-increasing along the last axis.
    trajectory : Tensor, shape (n_steps + 1, ..., L, d) or None
        The states ``ξ_0 .. ξ_{n_steps}``.
    attention : Tensor, shape (..., L, S) or None
        The softmax weights that produced ``output``.
    """

    output: torch.Tensor
    energy: torch.Tensor | None = None
    trajectory: torch.Tensor | None = None
    attention: torch.Tensor | None = None


def hopfield_retrieval(query: torch.Tensor, keys: torch.Tensor, values: torch.Tensor | None = None,
                       *, beta: float, n_steps: int = 1, mask: torch.Tensor | None = None,
                       return_energy: bool = False, return_trajectory: bool = False,
                       return_attention: bool = False) -> RetrievalOutput:
    """Iterated Hopfield retrieval: ``n_steps - 1`` state updates, then a read-out.

    The state starts at the query, ``ξ_0 = Q``, is updated in key space
    ``ξ_{t+1} = softmax(β ξ_t Kᵀ) K`` (Ramsauer et al. 2021, Eq. 3), and the
    output is ``softmax(β ξ_{n_steps-1} Kᵀ) V``. With ``n_steps = 1`` this is one
    attention step; with ``V = K`` the output equals ``ξ_{n_steps}``.

    Parameters
    ----------
    query : Tensor, shape (..., L, d)
    keys : Tensor, shape (..., S, d)
    values : Tensor, shape (..., S, d_v), optional
        Defaults to ``keys``.
    beta : float > 0
    n_steps : int >= 1
    mask : Tensor of bool, shape broadcastable to (..., L, S), optional
        ``True`` where a key takes part.
    return_energy, return_trajectory, return_attention : bool
        Also return the energy of ``ξ_0 .. ξ_{n_steps}``, the states themselves,
        and the final attention weights.

    Returns
    -------
    RetrievalOutput
    """
    beta = _check_beta(beta)
    _check_pair(query, keys, "query", "keys")
    if isinstance(n_steps, bool) or not isinstance(n_steps, int) or n_steps < 1:
        raise ValueError(f"n_steps must be an integer >= 1; got {n_steps!r}")
    if values is None:
        values = keys
    elif values.shape[-2] != keys.shape[-2]:
        raise ValueError(f"values must have one row per key (S = {keys.shape[-2]}); "
                         f"got shape {tuple(values.shape)}")
    need_states = return_energy or return_trajectory
    if not (need_states or return_attention or n_steps > 1):
        # Fast path: one attention step, fused kernel.
        out = F.scaled_dot_product_attention(query, keys, values, attn_mask=mask, scale=beta)
        return RetrievalOutput(out)
    kt = keys.transpose(-2, -1)
    states = [query]
    state = query
    attn = None
    for t in range(n_steps):
        scores = beta * (state @ kt)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        attn = torch.softmax(scores, dim=-1)
        if t == n_steps - 1:
            out = attn @ values
            if need_states:
                states.append(attn @ keys)
        else:
            state = attn @ keys
            states.append(state)
    energy = trajectory = None
    if return_energy:
        energy = torch.stack([hopfield_energy(s, keys, beta, mask=mask) for s in states], dim=-1)
    if return_trajectory:
        trajectory = torch.stack(states, dim=0)
    return RetrievalOutput(out, energy, trajectory, attn if return_attention else None)
