"""The travelling-salesman problem: Hopfield-Tank network, exact, 2-opt and annealing.

Four solvers for the symmetric TSP on a distance matrix ``d`` (N × N):

* :func:`held_karp` -- exact optimum by the Held-Karp dynamic programme,
  ``O(2^N N²)`` time (up to 16 cities here); :func:`brute_force` enumerates all
  ``(N-1)!/2`` tours (up to 10 cities) and serves as its oracle;
* :func:`two_opt` -- 2-opt local search (Croes 1958) from random tours;
* :func:`anneal_tour` -- simulated annealing (Kirkpatrick, Gelatt & Vecchi
  1983) with 2-opt segment-reversal moves, Metropolis acceptance on the tour
  length, the geometric schedule of :func:`spinnet.samplers.temperature_schedule`
  and a final zero-temperature 2-opt quench;
* :func:`hopfield_tank` -- the analogue network of Hopfield & Tank (1985):
  ``N²`` graded neurons ``V_{X,i}`` (city ``X`` at tour position ``i``)
  descending the penalty energy

      E = A/2 Σ_X Σ_i Σ_{j≠i} V_Xi V_Xj + B/2 Σ_i Σ_X Σ_{Y≠X} V_Xi V_Yi
          + C/2 (Σ_Xi V_Xi - ñ)² + D/2 Σ_X Σ_{Y≠X} Σ_i d_XY V_Xi (V_{Y,i+1} + V_{Y,i-1})

  (their eq. 5; positions cyclic), written as a quadratic form
  ``-½ VᵀTV - IᵀV + const`` and run by :class:`spinnet.hopfield.ContinuousHopfield`
  with the logistic gain ``V = ½(1 + tanh(u/u₀))`` and ``τ = RC = 1``.
  :data:`HT_PARAMETERS` are the published values for 10 cities.

Why the annealing does not call :func:`spinnet.samplers.anneal`: that function
anneals a :class:`~spinnet.models.base.SpinModel` with single-spin-flip
Metropolis, whereas a tour is a permutation, moved by segment reversals that
keep it valid (a spin encoding of tours is exactly the penalty formulation of
Hopfield & Tank, whose invalid states are the difficulty measured here). The
schedule helper :func:`~spinnet.samplers.temperature_schedule` is reused as is.

Tours are arrays of city indices (a permutation of ``0 .. N-1``), the return
to the start implied.

References
----------
- J. J. Hopfield & D. W. Tank, Biol. Cybern. 52, 141 (1985).
- G. V. Wilson & G. S. Pawley, "On the stability of the travelling salesman
  problem algorithm of Hopfield and Tank", Biol. Cybern. 58, 63 (1988).
- M. Held & R. M. Karp, J. SIAM 10, 196 (1962).
- G. A. Croes, Oper. Res. 6, 791 (1958).
- S. Kirkpatrick, C. D. Gelatt & M. P. Vecchi, Science 220, 671 (1983).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from spinnet._rng import SeedLike, as_generator, kernel_seed
from spinnet._validation import (
    _check_real,
    check_array,
    check_int,
    check_nonneg_float,
    check_positive_float,
)
from spinnet.hopfield.continuous import ContinuousHopfield
from spinnet.optimize._kernels import anneal_kernel as _anneal_kernel
from spinnet.optimize._kernels import two_opt_kernel as _two_opt_kernel
from spinnet.samplers.annealing import temperature_schedule

__all__ = [
    "HT_PARAMETERS",
    "AnnealTourResult",
    "HopfieldTankParameters",
    "HopfieldTankResult",
    "anneal_tour",
    "brute_force",
    "decode_tour",
    "distance_matrix",
    "held_karp",
    "hopfield_tank",
    "hopfield_tank_network",
    "random_cities",
    "tour_length",
    "two_opt",
]

MAX_HELD_KARP = 16
MAX_BRUTE_FORCE = 10


# ------------------------------------------------------------------------ instances
def random_cities(n: int, rng: SeedLike = None) -> np.ndarray:
    """``n`` cities uniform in the unit square (Hopfield & Tank's instances), shape (n, 2).

    Parameters
    ----------
    n : int >= 3
        Number of cities.
    rng : SeedLike
        Seed or generator (:func:`spinnet._rng.as_generator`).

    Returns
    -------
    ndarray of float64, shape (n, 2)
        City coordinates in ``[0, 1)²``.
    """
    n = check_int(n, "n", minimum=3)
    return as_generator(rng).random((n, 2))


def distance_matrix(coordinates: Any) -> np.ndarray:
    """Euclidean distances ``d_XY`` between cities of shape (N, 2) (or (N, dim)).

    Parameters
    ----------
    coordinates : array_like of float, shape (N, dim)
        City positions, ``N >= 3``.

    Returns
    -------
    ndarray of float64, shape (N, N)
        Symmetric distance matrix with zero diagonal.
    """
    x = check_array(coordinates, "coordinates", ndim=2, dtype=np.float64)
    if x.shape[0] < 3:
        raise ValueError(f"coordinates must hold at least 3 cities; got {x.shape[0]}")
    diff = x[:, None, :] - x[None, :, :]
    return np.sqrt((diff * diff).sum(axis=-1))


def _check_distances(distances: Any) -> np.ndarray:
    d = check_array(distances, "distances", ndim=2, dtype=np.float64)
    n = d.shape[0]
    if d.shape != (n, n):
        raise ValueError(f"distances must be a square (N, N) matrix; got shape {d.shape}")
    if n < 3:
        raise ValueError(f"distances must describe at least 3 cities; got N = {n}")
    if np.any(d < 0):
        raise ValueError("distances must be >= 0")
    if not np.allclose(d, d.T, rtol=1e-12, atol=1e-12):
        raise ValueError("distances must be symmetric (d_XY = d_YX)")
    return np.ascontiguousarray(d)


def _check_tour(tour: Any, n: int, name: str = "tour") -> np.ndarray:
    t = check_array(tour, name, ndim=1)
    if not np.issubdtype(t.dtype, np.integer):
        raise TypeError(f"{name} must hold integer city indices; got dtype {t.dtype}")
    if t.shape[0] != n or not np.array_equal(np.sort(t), np.arange(n)):
        raise ValueError(f"{name} must be a permutation of 0 .. {n - 1}; got {t.tolist()}")
    return t.astype(np.int64)


def tour_length(tour: Any, distances: Any) -> float:
    """Length of the closed tour ``Σ_i d[t_i, t_{i+1}]`` (indices cyclic).

    Parameters
    ----------
    tour : array_like of int, shape (N,)
        A permutation of ``0 .. N-1``: the city visited at each position.
    distances : array_like of float, shape (N, N)
        Symmetric, non-negative distance matrix, ``N >= 3``.

    Returns
    -------
    float
        The tour length, including the edge back to the first city.
    """
    d = _check_distances(distances)
    t = _check_tour(tour, d.shape[0])
    return float(d[t, np.roll(t, -1)].sum())


def _canonical(tour: np.ndarray) -> np.ndarray:
    """Rotate to start at city 0 and orient so that the second city < the last."""
    t = np.roll(tour, -int(np.argmin(tour)))
    if t[1] > t[-1]:
        t = np.concatenate([t[:1], t[1:][::-1]])
    return t


# ---------------------------------------------------------------------------- exact
def brute_force(distances: Any) -> tuple[np.ndarray, float]:
    """Optimal tour by enumerating all ``(N-1)!/2`` tours (``N <= 10``).

    Parameters
    ----------
    distances : array_like of float, shape (N, N)
        Symmetric, non-negative distance matrix, ``3 <= N <= 10``.

    Returns
    -------
    tour : ndarray of int, shape (N,)
        Starting at city 0.
    length : float
    """
    d = _check_distances(distances)
    n = d.shape[0]
    if n > MAX_BRUTE_FORCE:
        raise ValueError(f"distances: brute force is limited to N <= {MAX_BRUTE_FORCE}; "
                         f"got N = {n} (use held_karp)")
    best, best_len = None, math.inf
    for perm in itertools.permutations(range(1, n)):
        if perm[0] > perm[-1]:
            continue  # each tour once: the reversed tour has the same length
        t = np.array((0, *perm))
        length = float(d[t, np.roll(t, -1)].sum())
        if length < best_len:
            best, best_len = t, length
    return best, best_len


def held_karp(distances: Any) -> tuple[np.ndarray, float]:
    """Optimal tour by the Held-Karp dynamic programme (``N <= 16``).

    ``L(S, j)`` = shortest path from city 0 through the set ``S`` of cities
    ending at ``j ∈ S``; ``L(S, j) = min_{k ∈ S∖j} L(S∖j, k) + d_kj`` and the
    tour length is ``min_j L(all, j) + d_j0`` (Held & Karp 1962).

    Parameters
    ----------
    distances : array_like of float, shape (N, N)
        Symmetric, non-negative distance matrix, ``3 <= N <= 16``.

    Returns
    -------
    tour : ndarray of int, shape (N,)
        Starting at city 0.
    length : float
    """
    d = _check_distances(distances)
    n = d.shape[0]
    if n > MAX_HELD_KARP:
        raise ValueError(f"distances: Held-Karp is limited to N <= {MAX_HELD_KARP} "
                         f"(2^N memory); got N = {n}")
    m = n - 1  # cities 1 .. n-1 are bit 0 .. m-1
    D = d[1:, 1:]
    size = 1 << m
    cost = np.full((size, m), np.inf)
    parent = np.full((size, m), -1, dtype=np.int64)
    for j in range(m):
        cost[1 << j, j] = d[0, j + 1]
    for mask in range(1, size):
        if mask & (mask - 1) == 0:
            continue
        bits = np.array([j for j in range(m) if mask >> j & 1])
        prev = mask & ~(1 << bits)
        cand = cost[prev] + D[:, bits].T  # (len(bits), m): via k, then k -> j
        k = np.argmin(cand, axis=1)
        cost[mask, bits] = cand[np.arange(len(bits)), k]
        parent[mask, bits] = k
    full = size - 1
    last = int(np.argmin(cost[full] + d[1:, 0]))
    length = float(cost[full, last] + d[last + 1, 0])
    path, mask, j = [], full, last
    while j >= 0:
        path.append(j + 1)
        k = int(parent[mask, j])
        mask &= ~(1 << j)
        j = k
    tour = np.array([0, *path[::-1]], dtype=np.int64)
    return _canonical(tour), length


def two_opt(distances: Any, tour: Any = None, *, n_restarts: int = 1,
            rng: SeedLike = None) -> tuple[np.ndarray, float]:
    """2-opt local search (Croes 1958): reverse segments while that shortens the tour.

    Parameters
    ----------
    distances : array_like, shape (N, N)
    tour : array_like of int, shape (N,), optional
        Starting tour; random starts otherwise.
    n_restarts : int
        Random starts (ignored when ``tour`` is given); the best local minimum
        is returned.
    rng : SeedLike

    Returns
    -------
    tour : ndarray of int, shape (N,)
        A 2-opt local minimum, starting at city 0.
    length : float
    """
    d = _check_distances(distances)
    n = d.shape[0]
    n_restarts = check_int(n_restarts, "n_restarts", minimum=1)
    gen = as_generator(rng)
    starts = ([_check_tour(tour, n)] if tour is not None
              else [gen.permutation(n) for _ in range(n_restarts)])
    best, best_len = None, math.inf
    for start in starts:
        t = np.array(start, dtype=np.int64)
        _two_opt_kernel(d, t)
        length = float(d[t, np.roll(t, -1)].sum())
        if length < best_len:
            best, best_len = t, length
    return _canonical(best), best_len


# ------------------------------------------------------------------------- annealing
@dataclass(frozen=True)
class AnnealTourResult:
    """Outcome of :func:`anneal_tour`.

    Attributes
    ----------
    tour : ndarray of int, shape (N,)
        Best tour over the restarts (after the final 2-opt quench).
    length : float
    lengths : ndarray, shape (n_restarts,)
        Final length of every restart.
    temperatures : ndarray, shape (n_sweeps,)
        The geometric schedule used.
    acceptance : float
        Fraction of proposed moves accepted (over all restarts).
    """

    tour: np.ndarray
    length: float
    lengths: np.ndarray
    temperatures: np.ndarray
    acceptance: float


def _auto_t0(d: np.ndarray, gen: np.random.Generator, accept: float = 0.8,
             n_samples: int = 2000) -> float:
    """``T0`` accepting a typical uphill 2-opt move with probability ``accept``.

    The mean uphill length change of random moves on random tours, ``⟨Δ⁺⟩``,
    gives ``T0 = -⟨Δ⁺⟩ / ln(accept)`` (Kirkpatrick et al. 1983: start "melted").
    """
    n = d.shape[0]
    if n < 4:  # a 3-city tour has no 2-opt move: any positive temperature will do
        return float(d.max()) or 1.0
    t = gen.permutation(n)
    i = gen.integers(0, n - 3, n_samples)
    j = i + 2 + (gen.integers(0, n, n_samples) % (n - 2 - i))
    a, b, c, e = t[i], t[i + 1], t[j], t[(j + 1) % n]
    delta = d[a, c] + d[b, e] - d[a, b] - d[c, e]
    up = delta[delta > 0]
    scale = float(up.mean()) if up.size else float(d.mean())
    return -(scale or 1.0) / math.log(accept)


def anneal_tour(distances: Any, *, n_sweeps: int = 1000, n_restarts: int = 4,
                T0: float | None = None, T_final: float | None = None,
                rng: SeedLike = None) -> AnnealTourResult:
    """Simulated annealing of the tour length with 2-opt moves and a geometric schedule.

    One sweep proposes ``N(N-1)/2`` random segment reversals (the size of the
    2-opt neighbourhood), accepted with the Metropolis probability
    ``min(1, e^{-ΔL/T})``. The temperatures follow
    ``temperature_schedule("geometric", n_sweeps, T0, T_final)``; every
    restart ends with a 2-opt quench (zero temperature), so the result is a
    2-opt local minimum.

    Parameters
    ----------
    distances : array_like, shape (N, N)
    n_sweeps : int
        Length of the schedule.
    n_restarts : int
        Independent runs from random tours; the best is returned.
    T0 : float, optional
        Initial temperature (length units); default: a typical uphill move is
        accepted with probability 0.8 (see :func:`_auto_t0`).
    T_final : float, optional
        Final temperature; default ``T0 / 1000``.
    rng : SeedLike

    Returns
    -------
    AnnealTourResult
    """
    d = _check_distances(distances)
    n = d.shape[0]
    n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=1)
    n_restarts = check_int(n_restarts, "n_restarts", minimum=1)
    gen = as_generator(rng)
    T0 = _auto_t0(d, gen) if T0 is None else check_positive_float(T0, "T0")
    T_final = T0 / 1000.0 if T_final is None else check_positive_float(T_final, "T_final")
    temps = temperature_schedule("geometric", n_sweeps, T0, T_final)
    n_moves = n * (n - 1) // 2
    best, best_len, lengths, accepted = None, math.inf, [], 0
    for _ in range(n_restarts):
        t = gen.permutation(n).astype(np.int64)
        accepted += _anneal_kernel(d, t, temps, n_moves, kernel_seed(gen))
        _two_opt_kernel(d, t)
        length = float(d[t, np.roll(t, -1)].sum())
        lengths.append(length)
        if length < best_len:
            best, best_len = t, length
    rate = accepted / (n_restarts * n_sweeps * n_moves)
    return AnnealTourResult(tour=_canonical(best), length=best_len,
                            lengths=np.asarray(lengths), temperatures=temps, acceptance=rate)


# -------------------------------------------------------------------- Hopfield-Tank
@dataclass(frozen=True)
class HopfieldTankParameters:
    """Parameters of the Hopfield-Tank network (1985, p. 147), for 10 cities.

    Attributes
    ----------
    A, B : float
        Penalties for two cities at one position / one city at two positions
        (row and column inhibition), 500.
    C : float
        Global inhibition ``C/2 (Σ V - ñ)²``, 200.
    D : float
        Weight of the tour length, 500.
    n_tilde : float
        ``ñ = 15``: deliberately above ``N = 10`` (Hopfield & Tank's choice).
    u0 : float
        Gain scale: ``V = ½(1 + tanh(u/u₀))``, ``u₀ = 0.02``.
    tau : float
        ``τ = RC = 1``.
    noise : float
        Initial ``u = u₀₀ + δu``, ``δu`` uniform in ``±noise·u₀`` (0.1), with
        ``u₀₀`` chosen so that ``Σ V = N`` at ``t = 0``.
    """

    A: float = 500.0
    B: float = 500.0
    C: float = 200.0
    D: float = 500.0
    n_tilde: float = 15.0
    u0: float = 0.02
    tau: float = 1.0
    noise: float = 0.1

    def __post_init__(self) -> None:
        for name in ("A", "B", "C", "D", "n_tilde"):
            check_nonneg_float(getattr(self, name), name)
        for name in ("u0", "tau"):
            check_positive_float(getattr(self, name), name)
        check_nonneg_float(self.noise, "noise")


#: The published parameters (Hopfield & Tank 1985).
HT_PARAMETERS = HopfieldTankParameters()


def hopfield_tank_network(distances: Any, params: HopfieldTankParameters = HT_PARAMETERS
                          ) -> ContinuousHopfield:
    """The Hopfield-Tank TSP energy as a continuous Hopfield network.

    Neuron ``(X, i)`` has flat index ``X·N + i``. Expanding the penalty energy
    gives ``T_{Xi,Yj} = -A δ_XY (1-δ_ij) - B δ_ij (1-δ_XY) - C
    - D d_XY (δ_{j,i+1} + δ_{j,i-1})`` and ``I_Xi = C ñ`` (Hopfield & Tank
    1985, eq. 6), so that ``-½ VᵀTV - IᵀV = E_HT - C ñ²/2``.

    Parameters
    ----------
    distances : array_like of float, shape (N, N)
        Symmetric, non-negative distance matrix, ``N >= 3``.
    params : HopfieldTankParameters, default HT_PARAMETERS
        Penalty weights ``A, B, C, D``, ``ñ``, gain scale ``u₀`` and time constant ``τ``.

    Returns
    -------
    ContinuousHopfield
        With ``activation="logistic"``, ``gain = 1/u₀``, ``R = τ``, ``C = 1``.
    """
    if not isinstance(params, HopfieldTankParameters):
        raise TypeError(f"params must be a HopfieldTankParameters; got {type(params).__name__}")
    d = _check_distances(distances)
    n = d.shape[0]
    eye = np.eye(n)
    shift = np.roll(eye, 1, axis=1) + np.roll(eye, -1, axis=1)  # δ_{j,i±1}, cyclic
    T = (-params.A * np.kron(eye, 1.0 - eye)
         - params.B * np.kron(1.0 - eye, eye)
         - params.C * np.ones((n * n, n * n))
         - params.D * np.kron(d * (1.0 - eye), shift))
    I_ = np.full(n * n, params.C * params.n_tilde)
    dz = d * (1.0 - eye)
    A, B, C, D = params.A, params.B, params.C, params.D

    def matvec(v: np.ndarray) -> np.ndarray:
        # The same T V in O(N³) instead of O(N⁴): row, column and total sums.
        m = v.reshape(n, n)
        out = (-A * (m.sum(axis=1, keepdims=True) - m) - B * (m.sum(axis=0, keepdims=True) - m)
               - C * m.sum() - D * (dz @ (np.roll(m, 1, axis=1) + np.roll(m, -1, axis=1))))
        return out.ravel()

    return ContinuousHopfield(T, I_, gain=1.0 / params.u0, activation="logistic",
                              resistance=params.tau, capacitance=1.0, matvec=matvec)


def decode_tour(V: Any, threshold: float = 0.5) -> np.ndarray | None:
    """Read a tour from the outputs ``V`` (N, N) (rows cities, columns positions).

    A state is a valid tour when the thresholded matrix ``V > threshold`` is a
    permutation matrix (one city per position, one position per city). Returns
    the cities in position order, or ``None`` for an invalid state.

    Parameters
    ----------
    V : array_like of float, shape (N, N)
        Neuron outputs, rows cities, columns positions.
    threshold : float, default 0.5
        A neuron is "on" when its output exceeds this.

    Returns
    -------
    ndarray of int64, shape (N,), or None
        City visited at each position, ``None`` if the state is not a tour.
    """
    v = check_array(V, "V", ndim=2, dtype=np.float64)
    if v.shape[0] != v.shape[1]:
        raise ValueError(f"V must be a square (N, N) matrix; got shape {v.shape}")
    threshold = _check_real(threshold, "threshold")
    on = v > threshold
    if not (np.all(on.sum(axis=0) == 1) and np.all(on.sum(axis=1) == 1)):
        return None
    return np.argmax(on, axis=0).astype(np.int64)


@dataclass(frozen=True)
class HopfieldTankResult:
    """Outcome of :func:`hopfield_tank` (one run from one random start).

    Attributes
    ----------
    V : ndarray, shape (N, N)
        Final outputs (rows cities, columns positions).
    tour : ndarray of int, shape (N,), or None
        Decoded tour (see :func:`decode_tour`), ``None`` if invalid.
    valid : bool
    length : float
        Tour length, ``nan`` if invalid.
    energies : ndarray of float, shape (n_records,)
        Lyapunov energy at each recorded time of the trajectory.
    time : float
        Integration time reached.
    converged : bool
    n_steps : int
    """

    V: np.ndarray
    tour: np.ndarray | None
    valid: bool
    length: float
    energies: np.ndarray = field(repr=False)
    time: float
    converged: bool
    n_steps: int


def hopfield_tank(distances: Any, params: HopfieldTankParameters = HT_PARAMETERS, *,
                  t_max: float = 1.0, dt: float = 1e-5, max_steps: int = 200_000,
                  tol: float = 1e-3, monotone: bool = True,
                  rng: SeedLike = None) -> HopfieldTankResult:
    """Run the Hopfield-Tank network from a random start and decode the tour.

    Parameters
    ----------
    distances : array_like, shape (N, N)
    params : HopfieldTankParameters
        Default: the published values (:data:`HT_PARAMETERS`).
    t_max : float
        Integration time (units of ``τ``).
    dt : float
        Euler step (Hopfield & Tank's and Wilson & Pawley's ``10⁻⁵``);
        with ``monotone=True`` it is the maximum step.
    max_steps : int
    tol : float
        Stop when ``max |dV/dt| < tol``.
    monotone : bool
        Energy-monotone step control (see
        :meth:`~spinnet.hopfield.ContinuousHopfield.integrate`).
    rng : SeedLike
        Initial noise ``δu``.

    Returns
    -------
    HopfieldTankResult
    """
    d = _check_distances(distances)
    n = d.shape[0]
    if not isinstance(params, HopfieldTankParameters):
        raise TypeError(f"params must be a HopfieldTankParameters; got {type(params).__name__}")
    net = hopfield_tank_network(d, params)
    gen = as_generator(rng)
    # Σ V = N at t = 0: V = 1/N everywhere, u00 = (u0/2) ln(V / (1 - V)).
    u00 = 0.5 * params.u0 * math.log(1.0 / (n - 1))
    u = u00 + params.noise * params.u0 * gen.uniform(-1.0, 1.0, n * n)
    traj = net.integrate(u, t_max=t_max, dt=dt, max_steps=max_steps, tol=tol,
                         monotone=monotone)
    V = traj.V.reshape(n, n)
    tour = decode_tour(V)
    length = float(d[tour, np.roll(tour, -1)].sum()) if tour is not None else math.nan
    return HopfieldTankResult(V=V, tour=tour, valid=tour is not None, length=length,
                              energies=traj.energies, time=float(traj.times[-1]),
                              converged=traj.converged, n_steps=traj.n_steps)
