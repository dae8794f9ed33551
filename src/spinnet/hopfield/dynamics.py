"""Hopfield network dynamics: synchronous, asynchronous, Glauber and Little (NumPy in/out).

All functions take couplings ``J`` (N, N), symmetric, and a batch of states
(B, N) or a single state (N,), and return new arrays (inputs are never
modified). By default the diagonal of ``J`` is ignored (energy sums run over
``i ≠ j``). Zero-temperature updates are ``s_i ← sign(h_i)`` with
``h_i = Σ_{j≠i} J_ij s_j + θ_i``; **a zero field keeps the current spin**
(fields with ``|h_i|`` below a round-off tolerance count as zero).

Self-coupling: ``run_sync``, ``run_async`` and ``run_little`` take
``self_coupling=True`` to keep ``J_ii`` in the field, ``h_i = Σ_j J_ij s_j + θ_i``
(e.g. the Hebb rule with ``diagonal="keep"``). A positive ``J_ii`` only shifts
the energy by the constant ``-½ Σ_i J_ii``, but it biases every zero-temperature
update towards the current spin (a spin flips only if the field of the others
exceeds ``J_ii``), and it enters the parallel heat bath of Little dynamics.
Glauber dynamics has no such option: a heat bath that samples
``exp(-E/T)`` must use the field of the *other* spins, on which the constant
self-energy has no effect, so ``run_glauber`` always ignores the diagonal.

References
----------
- J. J. Hopfield, PNAS 79, 2554 (1982): asynchronous dynamics, energy.
- R. J. Glauber, J. Math. Phys. 4, 294 (1963): heat-bath dynamics.
- E. Goles-Chacc, F. Fogelman-Soulie & D. Pellegrin, Discrete Appl. Math.
  12, 261 (1985): synchronous dynamics with symmetric J reach fixed points
  or 2-cycles.
- W. A. Little, Math. Biosci. 19, 101 (1974): parallel stochastic dynamics.
- P. Peretto, Biol. Cybern. 50, 51 (1984): its stationary distribution,
  ``P(s) ∝ exp(β θ·s) Π_i 2 cosh(β h_i(s))`` for symmetric ``J``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from spinnet._rng import SeedLike, as_generator
from spinnet._validation import (
    check_array,
    check_couplings,
    check_int,
    check_nonneg_float,
    check_positive_float,
    check_spins,
)
from spinnet.hopfield import _kernels as _k

__all__ = [
    "Trajectory",
    "energy",
    "local_fields",
    "prepare_couplings",
    "run_async",
    "run_glauber",
    "run_little",
    "run_sync",
]


@dataclass(frozen=True)
class Trajectory:
    """Per-sweep record of a batch of chains.

    Attributes
    ----------
    energies : ndarray, shape (B, T + 1)
        Energy after each sweep (column 0: initial state). Chains that stopped
        early are padded with their final value.
    overlaps : ndarray, shape (B, T + 1, p) or None
        Overlaps with the stored patterns, when patterns were given.
    n_sweeps : ndarray of int, shape (B,)
        Sweeps (asynchronous, Glauber) or parallel steps (synchronous) done.
    converged : ndarray of bool, shape (B,)
        Reached a fixed point (always False for Glauber at T > 0).
    cycled : ndarray of bool, shape (B,)
        Ended on a 2-cycle (synchronous dynamics only).
    """

    energies: np.ndarray
    overlaps: np.ndarray | None
    n_sweeps: np.ndarray
    converged: np.ndarray
    cycled: np.ndarray


def prepare_couplings(couplings: Any, field: Any = None, *, validate: bool = True,
                      self_coupling: bool = False) -> tuple[np.ndarray, np.ndarray, float]:
    """Validate couplings and field once: ``(J with zero diagonal, θ, tie tolerance)``.

    Estimators call this at ``fit`` time and reuse the result, so repeated
    recalls do not re-check an (N, N) matrix. ``validate=False`` skips the
    finiteness and symmetry checks, for couplings built by
    :mod:`spinnet.hopfield.rules` (symmetric and finite by construction).
    ``self_coupling=True`` keeps the diagonal of ``J`` (the kernels then add
    ``J_ii s_i`` to the field of spin ``i``).

    Parameters
    ----------
    couplings : array_like of float, shape (N, N)
        Symmetric, finite couplings ``J``.
    field : array_like of float, shape (N,), optional
        External field / threshold ``θ`` (default zeros).
    validate : bool, default True
        Check finiteness and symmetry of ``couplings``.
    self_coupling : bool, default False
        Keep the diagonal of ``J`` (otherwise it is set to zero, on a copy).

    Returns
    -------
    J : ndarray of float64, shape (N, N)
        The couplings (zero diagonal unless ``self_coupling``).
    theta : ndarray of float64, shape (N,)
        The field.
    tol : float
        Tie tolerance: fields with ``|h_i| <= tol`` count as zero
        (``1e-10 × (max_i Σ_j |J_ij| + max_i |θ_i|)``).
    """
    J = check_couplings(couplings) if validate else np.asarray(couplings, dtype=np.float64)
    n = J.shape[0]
    if not self_coupling and np.any(np.diagonal(J) != 0.0):
        J = J.copy()
        np.fill_diagonal(J, 0.0)
    if field is None:
        theta = np.zeros(n)
    else:
        theta = check_array(field, "field", ndim=1, dtype=np.float64)
        if theta.shape[0] != n:
            raise ValueError(f"field must have length N = {n}; got {theta.shape[0]}")
    # Ties |h| <= tol are zero fields; the scale covers round-off in sums of J.
    tol = 1e-10 * max(float(np.abs(J).sum(axis=1).max()) + float(np.abs(theta).max()), 1e-300)
    return J, theta, tol


def _prepare_states(states: Any, n: int) -> tuple[np.ndarray, bool]:
    s = check_spins(states, "states", ndim=(1, 2), n=n)
    single = s.ndim == 1
    return np.array(s.reshape(-1, n), dtype=np.int8, order="C", copy=True), single


def _prepare(couplings: Any, states: Any, field: Any, self_coupling: bool = False):
    if not isinstance(self_coupling, bool | np.bool_):
        raise TypeError(f"self_coupling must be a bool; got {self_coupling!r}")
    J, theta, tol = prepare_couplings(couplings, field, self_coupling=bool(self_coupling))
    s, single = _prepare_states(states, J.shape[0])
    return J, s, theta, tol, single


def _patterns_arg(patterns: Any, n: int) -> np.ndarray:
    if patterns is None:
        return np.zeros((0, n), dtype=np.int8)
    return np.ascontiguousarray(check_spins(patterns, "patterns", ndim=2, n=n))


def local_fields(couplings: Any, states: Any, field: Any = None) -> np.ndarray:
    """Local fields ``h_i = Σ_{j≠i} J_ij s_j + θ_i`` for a state (N,) or batch (B, N).

    Parameters
    ----------
    couplings : array_like of float, shape (N, N)
        Symmetric couplings ``J`` (diagonal ignored).
    states : array_like of ±1, shape (N,) or (B, N)
        One state or a batch of states.
    field : array_like of float, shape (N,), optional
        External field / threshold ``θ`` (default 0).

    Returns
    -------
    ndarray of float, shape (N,) or (B, N)
        The fields, same shape as ``states``.
    """
    J, s, theta, _, single = _prepare(couplings, states, field)
    h = s.astype(np.float64) @ J + theta
    return h[0] if single else h


def energy(couplings: Any, states: Any, field: Any = None) -> np.ndarray | float:
    """Energy ``E(s) = -½ Σ_{i≠j} J_ij s_i s_j - Σ_i θ_i s_i`` (Hopfield 1982, eq. 7).

    Parameters
    ----------
    couplings : array_like of float, shape (N, N)
        Symmetric couplings ``J`` (diagonal ignored).
    states : array_like of ±1, shape (N,) or (B, N)
        One state or a batch of states.
    field : array_like of float, shape (N,), optional
        External field / threshold ``θ`` (default 0).

    Returns
    -------
    float or ndarray of float, shape (B,)
        The energy (a float for a single state of shape ``(N,)``).
    """
    J, s, theta, _, single = _prepare(couplings, states, field)
    x = s.astype(np.float64)
    e = -0.5 * np.einsum("bi,bi->b", x @ J, x) - x @ theta
    return float(e[0]) if single else e


def _relax(J, s, theta, tol, beta, n_sweeps, rng, patterns, record, single, lowrank=None):
    """Run asynchronous/Glauber chains; ``lowrank`` = Ξᵀ (N, p) int8 selects the
    exact pattern representation of Hebbian couplings (then ``patterns``, if
    given, must be those same patterns and ``θ = 0``)."""
    n_chains, n = s.shape
    seeds = as_generator(rng).integers(0, 2**31 - 1, size=n_chains)
    steps = n_sweeps + 1 if record else 1
    done = np.zeros(n_chains, dtype=np.int64)
    conv = np.zeros(n_chains, dtype=np.bool_)
    if lowrank is not None:
        # Exact integers: |M| <= N is far below 2^53, so the float GEMM is exact.
        M = np.rint(s.astype(np.float64) @ lowrank.astype(np.float64)).astype(np.int64)
        n_ov = lowrank.shape[1]
    else:
        fields = s.astype(np.float64) @ J + theta
        xi = _patterns_arg(patterns, n)
        n_ov = xi.shape[0]
    energies = np.zeros((n_chains, steps))
    ov = np.zeros((n_chains, steps, n_ov))
    if n_chains == 1:
        # One chain: call the kernel directly, no thread-pool start-up.
        if lowrank is not None:
            done[0], conv[0] = _k.chain_lowrank(lowrank, s[0], M[0], beta, n_sweeps, seeds[0],
                                                record, energies[0], ov[0])
        else:
            done[0], conv[0] = _k.chain_dense(J, theta, s[0], fields[0], beta, n_sweeps,
                                              seeds[0], tol, xi, record, energies[0], ov[0])
    elif lowrank is not None:
        _k.relax_lowrank(lowrank, s, M, beta, n_sweeps, seeds, record, energies, ov, done, conv)
    else:
        _k.relax_dense(J, theta, s, fields, beta, n_sweeps, seeds, tol, xi, record, energies, ov,
                       done, conv)
    out = s[0] if single else s
    if not record:
        return out
    t_max = int(done.max())
    energies = energies[:, : t_max + 1]
    ov = ov[:, : t_max + 1]
    for b in range(n_chains):  # pad chains that stopped early (B iterations, not spins)
        energies[b, done[b] + 1:] = energies[b, done[b]]
        ov[b, done[b] + 1:] = ov[b, done[b]]
    traj = Trajectory(energies=energies, overlaps=ov if patterns is not None else None,
                      n_sweeps=done, converged=conv, cycled=np.zeros(n_chains, dtype=np.bool_))
    return out, traj


def run_async(couplings: Any, states: Any, *, max_sweeps: int = 100, rng: SeedLike = None,
              field: Any = None, patterns: Any = None, record: bool = False,
              self_coupling: bool = False):
    """Zero-temperature asynchronous (random-sequential) dynamics to a fixed point.

    Each sweep updates every spin once in a fresh random order with
    ``s_i ← sign(h_i)`` (zero field keeps the spin); local fields are updated
    incrementally (O(N) per flip). A chain stops at the first sweep without a
    flip: a fixed point. The energy never increases (Hopfield 1982).

    Parameters
    ----------
    couplings : array_like, shape (N, N)
        Symmetric couplings (diagonal ignored).
    states : array_like, shape (N,) or (B, N)
        Initial ±1 states (probes).
    max_sweeps : int
        Maximum number of sweeps per chain.
    rng : SeedLike
        Seeds the update orders; one independent stream per chain.
    field : array_like, shape (N,), optional
        External field / threshold ``θ``.
    patterns : array_like, shape (p, N), optional
        Stored patterns for recording overlaps in the trajectory.
    record : bool
        Also return a :class:`Trajectory` (energy, overlaps per sweep).
    self_coupling : bool
        Keep ``J_ii`` in the field (``h_i`` includes ``J_ii s_i``); default
        False ignores the diagonal. With ``J_ii >= 0`` the energy (which then
        includes the constant ``-½ Σ J_ii``) still never increases.

    Returns
    -------
    states : ndarray of int8, same shape as the input
    trajectory : Trajectory (only if ``record``)
    """
    J, s, theta, tol, single = _prepare(couplings, states, field, self_coupling)
    max_sweeps = check_int(max_sweeps, "max_sweeps", minimum=1)
    return _relax(J, s, theta, tol, np.inf, max_sweeps, rng, patterns, record, single)


def run_glauber(couplings: Any, states: Any, temperature: float, *, n_sweeps: int = 100,
                rng: SeedLike = None, field: Any = None, patterns: Any = None,
                record: bool = False):
    """Stochastic Glauber (heat-bath) dynamics at temperature ``T`` for ``n_sweeps``.

    Each visit sets ``s_i = +1`` with probability ``1 / (1 + exp(-2 h_i / T))``
    (Glauber 1963), which samples ``P(s) ∝ exp(-E(s)/T)`` at stationarity.
    ``temperature = 0`` runs :func:`run_async`; as ``T → 0`` the trajectory
    converges to that of :func:`run_async` with the same seed (same random
    stream, and the heat-bath probability tends to the sign rule).
    The diagonal of ``J`` is always ignored: a self-coupling only adds a
    constant to ``E`` and leaves ``exp(-E/T)`` unchanged.

    Parameters
    ----------
    couplings : array_like of float, shape (N, N)
        Symmetric couplings (diagonal ignored).
    states : array_like of ±1, shape (N,) or (B, N)
        Initial ±1 states.
    temperature : float >= 0
        Temperature ``T`` (``k_B = 1``); 0 runs :func:`run_async`.
    n_sweeps : int, default 100
        Number of sweeps (all chains run exactly this many when ``T > 0``;
        at ``T = 0`` the maximum, as ``max_sweeps`` of :func:`run_async`).
    rng : SeedLike
        Seeds the update orders and the heat-bath draws; one independent
        stream per chain.
    field : array_like of float, shape (N,), optional
        External field / threshold ``θ``.
    patterns : array_like of ±1, shape (p, N), optional
        Stored patterns for recording overlaps in the trajectory.
    record : bool, default False
        Also return a :class:`Trajectory` (energy, overlaps per sweep).

    Returns
    -------
    states : ndarray of int8, same shape as the input ``states``
        The final states.
    trajectory : Trajectory
        Only if ``record``; ``converged`` is False for every chain at ``T > 0``.
    """
    J, s, theta, tol, single = _prepare(couplings, states, field)
    temperature = check_nonneg_float(temperature, "temperature")
    n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=1)
    beta = np.inf if temperature == 0.0 else 1.0 / check_positive_float(temperature,
                                                                           "temperature")
    return _relax(J, s, theta, tol, beta, n_sweeps, rng, patterns, record, single)


def run_sync(couplings: Any, states: Any, *, max_steps: int = 100, field: Any = None,
             patterns: Any = None, record: bool = False, self_coupling: bool = False):
    """Synchronous (parallel) dynamics ``s ← sign(J s + θ)`` for a batch of probes.

    Every step is one matrix product for the whole active batch (BLAS). A probe
    stops at a fixed point (``s_{t+1} = s_t``) or a 2-cycle
    (``s_{t+1} = s_{t-1} ≠ s_t``), the only possible limits for symmetric
    couplings (Goles-Chacc et al. 1985). Deterministic: no ``rng``.

    Parameters
    ----------
    couplings : array_like of float, shape (N, N)
        Symmetric couplings (diagonal ignored unless ``self_coupling``).
    states : array_like of ±1, shape (N,) or (B, N)
        Initial ±1 states (probes).
    max_steps : int, default 100
        Maximum number of parallel steps.
    field : array_like of float, shape (N,), optional
        External field / threshold ``θ``.
    patterns : array_like of ±1, shape (p, N), optional
        Stored patterns for recording overlaps in the trajectory.
    record : bool, default False
        Also return a :class:`Trajectory`.
    self_coupling : bool, default False
        Keep ``J_ii`` in the field, as in :func:`run_async`.

    Returns
    -------
    states : ndarray of int8, same shape as the input ``states``
        The final states.
    trajectory : Trajectory
        Only if ``record``; its ``n_sweeps`` counts parallel steps and
        ``cycled`` flags 2-cycles.
    """
    J, s, theta, tol, single = _prepare(couplings, states, field, self_coupling)
    max_steps = check_int(max_steps, "max_steps", minimum=1)
    return _sync(J, theta, tol, s, single, max_steps, patterns, record)


def _sync(J, theta, tol, s, single, max_steps, patterns, record):
    xi = _patterns_arg(patterns, J.shape[0])
    n_chains = s.shape[0]
    prev = s.copy()
    steps = np.zeros(n_chains, dtype=np.int64)
    conv = np.zeros(n_chains, dtype=np.bool_)
    cyc = np.zeros(n_chains, dtype=np.bool_)
    active = np.arange(n_chains)
    history_e, history_m = [], []

    def snapshot():
        x = s.astype(np.float64)
        history_e.append(-0.5 * np.einsum("bi,bi->b", x @ J, x) - x @ theta)
        if xi.shape[0]:
            history_m.append(x @ xi.T.astype(np.float64) / J.shape[0])

    if record:
        snapshot()
    for _ in range(max_steps):
        if active.size == 0:
            break
        cur = s[active]
        h = cur.astype(J.dtype) @ J
        h += theta
        new = np.where(h > tol, 1, np.where(h < -tol, -1, cur)).astype(np.int8)
        fixed = np.all(new == cur, axis=1)
        cycle = ~fixed & np.all(new == prev[active], axis=1)
        prev[active] = cur
        s[active] = new
        steps[active] += 1
        conv[active[fixed]] = True
        cyc[active[cycle]] = True
        active = active[~(fixed | cycle)]
        if record:
            snapshot()
    out = s[0] if single else s
    if not record:
        return out
    # Fixed points are detected one step after they are reached; report that step.
    steps = np.where(conv, steps - 1, steps)
    traj = Trajectory(
        energies=np.stack(history_e, axis=1),
        overlaps=np.stack(history_m, axis=1) if patterns is not None else None,
        n_sweeps=steps, converged=conv, cycled=cyc)
    return out, traj


def run_little(couplings: Any, states: Any, temperature: float, n_steps: int = 100, *,
               rng: SeedLike = None, field: Any = None, patterns: Any = None,
               record: bool = False, self_coupling: bool = False):
    """Little dynamics: parallel heat-bath updates of all spins at temperature ``T``.

    Every step draws all spins at once from the field of the previous state,
    ``P(s_i(t+1) = +1) = 1 / (1 + exp(-2 h_i(t) / T))`` with
    ``h_i(t) = Σ_j J_ij s_j(t) + θ_i`` (Little 1974), for exactly ``n_steps``
    steps (one matrix product per step for the whole batch). At ``T = 0`` it
    is the synchronous rule ``s ← sign(h)`` (zero field keeps the spin) of
    :func:`run_sync`, without its stopping rule. For symmetric ``J`` the chain
    satisfies detailed balance with the stationary distribution
    ``P(s) ∝ exp(β θ·s) Π_i 2 cosh(β h_i(s))`` (Peretto 1984, eq. 7), i.e. the
    pseudo-Hamiltonian ``H(s) = -θ·s - T Σ_i ln 2 cosh(h_i(s)/T)``, not the
    Boltzmann distribution of ``E``.

    Parameters
    ----------
    couplings : array_like, shape (N, N)
        Symmetric couplings; the diagonal is ignored unless ``self_coupling``.
    states : array_like, shape (N,) or (B, N)
        Initial ±1 states.
    temperature : float >= 0
    n_steps : int >= 1
        Number of parallel steps.
    rng : SeedLike
        One generator for the whole batch: the uniform numbers of step ``t``
        are one (B, N) draw, so the same seed gives the same chains.
    field : array_like, shape (N,), optional
        External field ``θ``.
    patterns : array_like, shape (p, N), optional
        Stored patterns for recording overlaps.
    record : bool
        Also return a :class:`Trajectory` (energy ``E(s)`` and overlaps after
        each step; ``converged`` is set at ``T = 0`` when the last step changed
        nothing; ``cycled`` is always False).
    self_coupling : bool
        Keep ``J_ii`` in the field.

    Returns
    -------
    states : ndarray of int8, same shape as the input
    trajectory : Trajectory (only if ``record``)
    """
    from scipy.special import expit

    J, s, theta, tol, single = _prepare(couplings, states, field, self_coupling)
    temperature = check_nonneg_float(temperature, "temperature")
    n_steps = check_int(n_steps, "n_steps", minimum=1)
    gen = as_generator(rng)
    xi = _patterns_arg(patterns, J.shape[0])
    n = J.shape[0]
    history_e, history_m = [], []

    def snapshot(x):
        history_e.append(-0.5 * np.einsum("bi,bi->b", x @ J, x) - x @ theta)
        if xi.shape[0]:
            history_m.append(x @ xi.T.astype(np.float64) / n)

    prev = s.copy()
    x = s.astype(np.float64)
    if record:
        snapshot(x)
    for _ in range(n_steps):
        h = x @ J
        h += theta
        if temperature == 0.0:
            new = np.where(h > tol, 1, np.where(h < -tol, -1, s)).astype(np.int8)
        else:
            u = gen.random(s.shape)
            # expit(2βh) = 1/(1 + e^{-2βh}) without overflow warnings.
            new = np.where(u < expit(2.0 * h / temperature), 1, -1).astype(np.int8)
        prev, s = s, new
        x = s.astype(np.float64)
        if record:
            snapshot(x)
    out = s[0] if single else s
    if not record:
        return out
    n_chains = s.shape[0]
    fixed = np.all(s == prev, axis=1) if temperature == 0.0 else np.zeros(n_chains, bool)
    traj = Trajectory(
        energies=np.stack(history_e, axis=1),
        overlaps=np.stack(history_m, axis=1) if patterns is not None else None,
        n_sweeps=np.full(n_chains, n_steps, dtype=np.int64), converged=fixed,
        cycled=np.zeros(n_chains, dtype=np.bool_))
    return out, traj
