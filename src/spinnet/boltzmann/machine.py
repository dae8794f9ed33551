r"""Boltzmann machine with hidden units (Ackley, Hinton & Sejnowski 1985).

Units are ±1 spins ``s = (v, h)``: the first ``n_visible`` are visible, the
remaining ``n_hidden`` hidden. Connectivity is a general symmetric boolean
mask. The energy follows the library convention (temperature ``T = 1``)

.. math:: E(s) = -\tfrac12 \sum_{i \ne j} W_{ij} s_i s_j - \sum_i b_i s_i,
          \qquad P(s) = e^{-E(s)} / Z .

Learning maximises the log-likelihood of the visible data,
``L = <ln P(v)>_data``, whose gradient is the difference of two correlation
functions (Ackley, Hinton & Sejnowski, Cognitive Science 9, 147 (1985), eq. 9;
Hinton & Sejnowski in *Parallel Distributed Processing* vol. 1, ch. 7 (1986)):

.. math:: \frac{\partial L}{\partial W_{ij}}
          = \langle s_i s_j \rangle_{\text{clamped}} - \langle s_i s_j \rangle_{\text{free}},
          \qquad
          \frac{\partial L}{\partial b_i}
          = \langle s_i \rangle_{\text{clamped}} - \langle s_i \rangle_{\text{free}} .

Expectations are either exact (enumeration of the ``2^{n_hidden}`` hidden
states per data vector in the clamped phase, of all ``2^n`` states in the free
phase; small nets) or estimated by heat-bath Gibbs sampling with an optional
annealing schedule ending at ``T = 1``, as in the original paper.

The heat-bath sweep runs in a Numba kernel
(:func:`spinnet.boltzmann._kernels.heat_bath_sweep`); the rest is NumPy.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import logsumexp

from spinnet._history import History
from spinnet._rng import SeedLike, as_generator
from spinnet._validation import (
    check_array,
    check_int,
    check_nonneg_float,
    check_option,
    check_positive_float,
    check_spins,
)
from spinnet.theory.enumeration import MAX_SPINS, enumerate_states

__all__ = ["BoltzmannMachine", "EncoderResult", "encoder_424", "encoder_connectivity"]

METHODS = ("exact", "gibbs")


def _check_connectivity(connectivity: Any, n: int) -> np.ndarray:
    if connectivity is None:
        mask = np.ones((n, n), dtype=bool)
        np.fill_diagonal(mask, False)
        return mask
    arr = check_array(connectivity, "connectivity", ndim=2)
    if arr.shape != (n, n):
        raise ValueError(f"connectivity must have shape ({n}, {n}) "
                         f"(n_visible + n_hidden units); got {arr.shape}")
    if not np.all((arr == 0) | (arr == 1)):
        raise ValueError("connectivity must be a boolean (or 0/1) adjacency mask")
    mask = arr.astype(bool)
    if np.any(np.diag(mask)):
        raise ValueError("connectivity must have a False diagonal (no self-connections)")
    if np.any(mask != mask.T):
        raise ValueError("connectivity must be symmetric (connections are undirected)")
    return mask


def _check_schedule(schedule: Any) -> np.ndarray:
    if schedule is None:
        return np.zeros(0)
    arr = check_array(schedule, "schedule", ndim=1, dtype=np.float64, nonempty=False)
    if np.any(arr <= 0):
        raise ValueError("schedule must contain only temperatures > 0")
    return arr


class BoltzmannMachine:
    r"""Boltzmann machine with visible and hidden ±1 units and arbitrary connectivity.

    Ackley, Hinton & Sejnowski, "A learning algorithm for Boltzmann machines",
    Cognitive Science 9, 147-169 (1985). Units ``0 .. n_visible-1`` are visible,
    ``n_visible .. n_visible+n_hidden-1`` hidden.

    Parameters
    ----------
    n_visible : int
        Number of visible units, ``>= 1``.
    n_hidden : int
        Number of hidden units, ``>= 0``.
    connectivity : array_like of bool, shape (n, n), optional
        Symmetric adjacency mask with a False diagonal, ``n = n_visible +
        n_hidden``; default all-to-all. Weights outside the mask stay zero.
    init_scale : float
        Standard deviation of the initial weights (biases start at zero).
    rng : SeedLike
        Draws the initial weights.

    Attributes
    ----------
    weights : ndarray of float64, shape (n, n)
        Symmetric, zero outside ``connectivity`` (and on the diagonal).
    biases : ndarray of float64, shape (n,)
    connectivity : ndarray of bool, shape (n, n)
    history_ : History
        Rows ``epoch, log_likelihood`` (exact mean log-likelihood) per epoch of
        :meth:`fit` (when ``n <= 24`` and ``track_likelihood=True``).
    """

    def __init__(self, n_visible: int, n_hidden: int = 0, connectivity: Any = None, *,
                 init_scale: float = 0.1, rng: SeedLike = None) -> None:
        self.n_visible = check_int(n_visible, "n_visible", minimum=1)
        self.n_hidden = check_int(n_hidden, "n_hidden", minimum=0)
        self.n_units = self.n_visible + self.n_hidden
        self.connectivity = _check_connectivity(connectivity, self.n_units)
        init_scale = check_nonneg_float(init_scale, "init_scale")
        self.init_scale = init_scale
        gen = as_generator(rng)
        w = np.triu(gen.normal(0.0, init_scale, (self.n_units, self.n_units)), k=1)
        self.weights = (w + w.T) * self.connectivity
        self.biases = np.zeros(self.n_units)
        self.history_ = History()

    def __repr__(self) -> str:
        n_conn = int(self.connectivity.sum()) // 2
        return (f"BoltzmannMachine(n_visible={self.n_visible}, n_hidden={self.n_hidden}, "
                f"connections={n_conn})")

    # ------------------------------------------------------------------ energy
    def energy(self, states: Any) -> np.ndarray:
        """Energy ``E(s) = -½ sᵀWs - bᵀs`` of full configurations ``(..., n)``."""
        s = check_spins(states, "states", n=self.n_units).astype(np.float64)
        return -0.5 * np.einsum("...i,...i->...", s @ self.weights, s) - s @ self.biases

    def _energy(self, s: np.ndarray) -> np.ndarray:
        s = s.astype(np.float64, copy=False)
        return -0.5 * np.einsum("...i,...i->...", s @ self.weights, s) - s @ self.biases

    def _check_exact(self) -> None:
        if self.n_units > MAX_SPINS:
            raise ValueError(f"exact enumeration needs n_visible + n_hidden <= {MAX_SPINS}; "
                             f"got {self.n_units} (use method='gibbs')")

    # ------------------------------------------------------------------ exact
    def _free_exact(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        """All states, their probabilities, and ``ln Z``."""
        self._check_exact()
        states = enumerate_states(self.n_units)
        log_w = -self._energy(states)
        log_z = float(logsumexp(log_w))
        return states, np.exp(log_w - log_z), log_w, log_z

    def _clamped_exact(self, patterns: np.ndarray, counts: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Clamped moments and ``ln Σ_h e^{-E(v,h)}`` per unique pattern."""
        u = patterns.shape[0]
        if self.n_hidden == 0:
            full = patterns[:, None, :].astype(np.float64)
            cond = np.ones((u, 1))
            log_marg = -self._energy(full[:, 0, :])
        else:
            self._check_exact()
            hid = enumerate_states(self.n_hidden)
            full = np.concatenate(
                [np.broadcast_to(patterns[:, None, :], (u, hid.shape[0], self.n_visible)),
                 np.broadcast_to(hid[None, :, :], (u, hid.shape[0], self.n_hidden))],
                axis=2).astype(np.float64)
            log_w = -self._energy(full)
            log_marg = logsumexp(log_w, axis=1)
            cond = np.exp(log_w - log_marg[:, None])
        weight = cond * (counts / counts.sum())[:, None]
        second = np.einsum("uk,uki,ukj->ij", weight, full, full)
        first = np.einsum("uk,uki->i", weight, full)
        return second, first, log_marg

    @staticmethod
    def _unique(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        patterns, counts = np.unique(data, axis=0, return_counts=True)
        return patterns, counts.astype(np.float64)

    def log_likelihood(self, data: Any) -> float:
        """Exact mean log-likelihood ``<ln P(v)>`` of visible ``data`` (n_samples, n_visible)."""
        data = check_spins(data, "data", ndim=2, n=self.n_visible)
        patterns, counts = self._unique(data)
        _, _, _, log_z = self._free_exact()
        _, _, log_marg = self._clamped_exact(patterns, counts)
        return float(np.dot(counts, log_marg) / counts.sum() - log_z)

    def gradient(self, data: Any, method: str = "exact", **gibbs_kwargs: Any
                 ) -> tuple[np.ndarray, np.ndarray]:
        r"""Log-likelihood gradient ``(∂L/∂W, ∂L/∂b)``.

        ``∂L/∂W_ij = <s_i s_j>_clamped - <s_i s_j>_free`` on connected pairs
        (zero elsewhere); each undirected weight is one parameter, shared by
        ``W_ij`` and ``W_ji`` (Ackley, Hinton & Sejnowski 1985, eq. 9).

        Parameters
        ----------
        data : array_like of ±1, shape (n_samples, n_visible)
        method : {"exact", "gibbs"}
        **gibbs_kwargs
            ``n_sweeps``, ``n_chains``, ``schedule``, ``rng`` for ``method="gibbs"``.

        Returns
        -------
        dW : ndarray, shape (n, n)
        db : ndarray, shape (n,)
        """
        data = check_spins(data, "data", ndim=2, n=self.n_visible)
        method = check_option(method, "method", METHODS)
        if method == "exact":
            return self._gradient_exact(data)
        gen = as_generator(gibbs_kwargs.pop("rng", None))
        return self._gradient_gibbs(data, gen, **gibbs_kwargs)

    def _gradient_exact(self, data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        patterns, counts = self._unique(data)
        states, probs, _, _ = self._free_exact()
        s = states.astype(np.float64)
        second_f = (s * probs[:, None]).T @ s
        first_f = probs @ s
        second_c, first_c, _ = self._clamped_exact(patterns, counts)
        return (second_c - second_f) * self.connectivity, first_c - first_f

    # ------------------------------------------------------------------ Gibbs
    def _gibbs(self, s: np.ndarray, free_units: np.ndarray, temps: np.ndarray,
               gen: np.random.Generator) -> np.ndarray:
        """Heat-bath sweeps over ``free_units`` of chains ``s`` (in place), one per temperature.

        Each sweep visits the free units in a random order; the random numbers are
        drawn here (a permutation, then one uniform per unit and chain) and the
        sweep runs in the Numba kernel :func:`~spinnet.boltzmann._kernels.heat_bath_sweep`.
        """
        from spinnet.boltzmann._kernels import heat_bath_sweep

        free_units = np.asarray(free_units, dtype=np.int64)
        weights = np.ascontiguousarray(self.weights, dtype=np.float64)
        biases = np.ascontiguousarray(self.biases, dtype=np.float64)
        for T in temps:
            order = gen.permutation(free_units)
            uniforms = gen.random((order.shape[0], s.shape[0]))
            heat_bath_sweep(s, weights, biases, order, uniforms, 1.0 / float(T))
        return s

    def _gibbs_moments(self, s: np.ndarray, free_units: np.ndarray, schedule: np.ndarray,
                       n_sweeps: int, gen: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        self._gibbs(s, free_units, schedule, gen)
        second = np.zeros((self.n_units, self.n_units))
        first = np.zeros(self.n_units)
        one = np.ones(1)
        for _ in range(n_sweeps):
            self._gibbs(s, free_units, one, gen)
            second += s.T @ s / s.shape[0]
            first += s.mean(axis=0)
        return second / n_sweeps, first / n_sweeps

    def _gradient_gibbs(self, data: np.ndarray, gen: np.random.Generator, *,
                        n_sweeps: int = 10, n_chains: int = 100, schedule: Any = None
                        ) -> tuple[np.ndarray, np.ndarray]:
        n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=1)
        n_chains = check_int(n_chains, "n_chains", minimum=1)
        sched = _check_schedule(schedule)
        hidden = np.arange(self.n_visible, self.n_units)
        # Clamped phase: each data vector in turn, hidden units from random starts.
        rows = np.tile(data, (-(-n_chains // data.shape[0]), 1))
        s = np.empty((rows.shape[0], self.n_units))
        s[:, :self.n_visible] = rows
        s[:, self.n_visible:] = gen.choice([-1.0, 1.0], size=(rows.shape[0], self.n_hidden))
        if self.n_hidden:
            second_c, first_c = self._gibbs_moments(s, hidden, sched, n_sweeps, gen)
        else:
            second_c, first_c = s.T @ s / s.shape[0], s.mean(axis=0)
        # Free phase: all units from random starts.
        f = gen.choice([-1.0, 1.0], size=(n_chains, self.n_units))
        second_f, first_f = self._gibbs_moments(f, np.arange(self.n_units), sched, n_sweeps,
                                                gen)
        return (second_c - second_f) * self.connectivity, first_c - first_f

    # ------------------------------------------------------------------ fit
    def fit(self, data: Any, epochs: int = 100, learning_rate: float = 0.1, *,
            method: str = "exact", weight_decay: float = 0.0, momentum: float = 0.0,
            n_sweeps: int = 10, n_chains: int = 100, schedule: Any = None,
            track_likelihood: bool = True, rng: SeedLike = None) -> BoltzmannMachine:
        r"""Gradient ascent on the log-likelihood of ``data``.

        ``ΔW_ij = η (<s_i s_j>_clamped - <s_i s_j>_free) - η λ W_ij`` (and the
        same for biases without decay), with optional momentum ``μ``.

        Parameters
        ----------
        data : array_like of ±1, shape (n_samples, n_visible)
        epochs : int
            Number of full-batch updates.
        learning_rate : float
            ``η > 0``.
        method : {"exact", "gibbs"}
            Exact enumeration (``n <= 24``) or heat-bath Gibbs sampling.
        weight_decay : float
            ``λ >= 0``.
        momentum : float
            ``0 <= μ < 1``.
        n_sweeps : int
            Gibbs: measuring sweeps at ``T = 1`` per phase.
        n_chains : int
            Gibbs: free-phase chains (and minimum number of clamped chains).
        schedule : array_like of float, optional
            Gibbs: annealing temperatures, one sweep each, run before measuring
            (e.g. ``[20, 15, 12, 10, 8, 6, 4, 2]`` scaled as in Ackley et al.).
        track_likelihood : bool
            Record the exact log-likelihood per epoch in ``history_`` (``n <= 24``).
        rng : SeedLike
            Gibbs sampling randomness.

        Returns
        -------
        self
        """
        data = check_spins(data, "data", ndim=2, n=self.n_visible)
        epochs = check_int(epochs, "epochs", minimum=0)
        eta = check_positive_float(learning_rate, "learning_rate")
        method = check_option(method, "method", METHODS)
        decay = check_nonneg_float(weight_decay, "weight_decay")
        mu = check_nonneg_float(momentum, "momentum")
        if mu >= 1:
            raise ValueError(f"momentum must be < 1; got {mu}")
        n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=1)
        n_chains = check_int(n_chains, "n_chains", minimum=1)
        sched = _check_schedule(schedule)
        gen = as_generator(rng)
        track = bool(track_likelihood) and self.n_units <= MAX_SPINS
        vW = np.zeros_like(self.weights)
        vb = np.zeros_like(self.biases)
        history = History()
        for epoch in range(epochs):
            if method == "exact":
                dW, db = self._gradient_exact(data)
            else:
                dW, db = self._gradient_gibbs(data, gen, n_sweeps=n_sweeps, n_chains=n_chains,
                                              schedule=sched)
            vW = mu * vW + eta * (dW - decay * self.weights)
            vb = mu * vb + eta * db
            self.weights = (self.weights + vW) * self.connectivity
            self.biases = self.biases + vb
            if track:
                history.append(epoch=epoch + 1, log_likelihood=self.log_likelihood(data))
        self.history_ = history
        return self

    # ------------------------------------------------------------------ persistence
    _KIND = "spinnet.boltzmann.BoltzmannMachine"

    def save(self, path: str | os.PathLike) -> Path:
        """Save weights, biases, connectivity and history (``_persist`` format)."""
        from spinnet._persist import save_state

        return save_state(path, kind=self._KIND,
                          config={"n_visible": self.n_visible, "n_hidden": self.n_hidden,
                                  "init_scale": self.init_scale},
                          arrays={"weights": self.weights, "biases": self.biases,
                                  "connectivity": self.connectivity},
                          state={"history": self.history_.to_dict()})

    @classmethod
    def load(cls, path: str | os.PathLike) -> BoltzmannMachine:
        """Load a machine written by :meth:`save`, bit for bit."""
        from spinnet._persist import load_state

        saved = load_state(path, kind=cls._KIND)
        try:
            cfg, arr = saved.config, saved.arrays
            bm = cls(int(cfg["n_visible"]), int(cfg["n_hidden"]), arr["connectivity"],
                     init_scale=float(cfg["init_scale"]), rng=0)
            n = bm.n_units
            if arr["weights"].shape != (n, n) or arr["biases"].shape != (n,):
                raise ValueError("weights or biases have the wrong shape")
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{str(path)!r} is not a valid saved BoltzmannMachine: "
                             f"{exc}") from None
        bm.weights = np.array(arr["weights"], dtype=np.float64)
        bm.biases = np.array(arr["biases"], dtype=np.float64)
        bm.history_ = History.from_dict(saved.state.get("history") or {})
        return bm

    # ------------------------------------------------------------------ queries
    def visible_distribution(self) -> tuple[np.ndarray, np.ndarray]:
        """Exact marginal ``P(v) = Σ_h P(v, h)``.

        Returns
        -------
        states : ndarray of int8, shape (2**n_visible, n_visible)
            In :func:`spinnet.theory.enumeration.enumerate_states` order.
        probs : ndarray of float64, shape (2**n_visible,)
        """
        _, probs, _, _ = self._free_exact()
        # Units 0..n_visible-1 are the low bits of the enumeration index.
        idx = np.arange(2**self.n_units, dtype=np.int64) & ((1 << self.n_visible) - 1)
        p_v = np.bincount(idx, weights=probs, minlength=2**self.n_visible)
        return enumerate_states(self.n_visible), p_v

    def conditional_distribution(self, clamp: Any, values: Any
                                 ) -> tuple[np.ndarray, np.ndarray]:
        """Exact ``P(v_free | v_clamp = values)``, hidden units marginalised.

        Parameters
        ----------
        clamp : array_like of int
            Indices of clamped visible units (distinct, in ``[0, n_visible)``).
        values : array_like of ±1
            Their values, same length as ``clamp``.

        Returns
        -------
        states : ndarray of int8, shape (2**n_free, n_free)
            Configurations of the unclamped visible units (in increasing unit order).
        probs : ndarray of float64, shape (2**n_free,)
        """
        idx = check_array(clamp, "clamp", ndim=1, nonempty=False)
        if idx.size and not np.issubdtype(idx.dtype, np.integer):
            raise TypeError(f"clamp must hold integer unit indices; got dtype {idx.dtype}")
        idx = idx.astype(np.int64)
        if np.any((idx < 0) | (idx >= self.n_visible)) or len(set(idx.tolist())) != idx.size:
            raise ValueError(f"clamp must hold distinct visible indices in [0, {self.n_visible})")
        vals = check_spins(np.atleast_1d(values), "values", ndim=1) if idx.size else \
            np.zeros(0, np.int8)
        if vals.shape != idx.shape:
            raise ValueError(f"values must have the same length as clamp ({idx.size}); "
                             f"got {vals.shape[0]}")
        states, p_v = self.visible_distribution()
        keep = np.all(states[:, idx] == vals, axis=1)
        free = np.setdiff1d(np.arange(self.n_visible), idx)
        probs = p_v[keep]
        return states[keep][:, free], probs / probs.sum()

    def sample(self, n_samples: int, *, method: str = "exact", n_sweeps: int = 100,
               schedule: Any = None, return_hidden: bool = False,
               rng: SeedLike = None) -> np.ndarray:
        """Draw configurations from the machine.

        Parameters
        ----------
        n_samples : int
        method : {"exact", "gibbs"}
            Exact: independent draws from the enumerated distribution. Gibbs:
            ``n_samples`` independent heat-bath chains from random starts, run
            through ``schedule`` then ``n_sweeps`` sweeps at ``T = 1``.
        n_sweeps : int
        schedule : array_like of float, optional
        return_hidden : bool
            Return full configurations ``(n_samples, n)`` instead of visible ones.
        rng : SeedLike

        Returns
        -------
        ndarray of int8, shape (n_samples, n_visible) or (n_samples, n)
        """
        n_samples = check_int(n_samples, "n_samples", minimum=1)
        method = check_option(method, "method", METHODS)
        n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=0)
        sched = _check_schedule(schedule)
        gen = as_generator(rng)
        if method == "exact":
            states, probs, _, _ = self._free_exact()
            out = states[gen.choice(states.shape[0], size=n_samples, p=probs)]
        else:
            s = gen.choice([-1.0, 1.0], size=(n_samples, self.n_units))
            units = np.arange(self.n_units)
            self._gibbs(s, units, np.concatenate([sched, np.ones(n_sweeps)]), gen)
            out = s.astype(np.int8)
        return out if return_hidden else out[:, :self.n_visible]


# ---------------------------------------------------------------------- 4-2-4 encoder
def encoder_connectivity(n_io: int = 4, n_hidden: int = 2) -> np.ndarray:
    """Connectivity of the ``n_io``-``n_hidden``-``n_io`` encoder (Ackley et al. 1985, §5).

    Unit order: ``V1`` (``0 .. n_io-1``), ``V2`` (``n_io .. 2 n_io - 1``), then
    hidden units. Connections: V1-H, H-V2, within V1, within V2; none V1-V2
    and none within H.

    Parameters
    ----------
    n_io : int, default 4
        Units in each of ``V1`` and ``V2``.
    n_hidden : int, default 2
        Hidden units.

    Returns
    -------
    ndarray of bool, shape (2 n_io + n_hidden, 2 n_io + n_hidden)
        Symmetric mask of allowed connections, zero diagonal.
    """
    n_io = check_int(n_io, "n_io", minimum=1)
    n_hidden = check_int(n_hidden, "n_hidden", minimum=1)
    n = 2 * n_io + n_hidden
    v1 = np.zeros(n, bool)
    v1[:n_io] = True
    v2 = np.zeros(n, bool)
    v2[n_io:2 * n_io] = True
    hid = np.zeros(n, bool)
    hid[2 * n_io:] = True
    mask = (np.outer(v1, v1) | np.outer(v2, v2) | np.outer(v1, hid) | np.outer(hid, v1)
            | np.outer(v2, hid) | np.outer(hid, v2))
    np.fill_diagonal(mask, False)
    return mask


@dataclasses.dataclass
class EncoderResult:
    """Outcome of :func:`encoder_424`.

    Attributes
    ----------
    success : bool
        For every input pattern, the most probable V2 pattern given V1 is the matching one.
    n_correct : int
        Number of input patterns (of ``n_io``) decoded correctly.
    predictions : ndarray of int8, shape (n_io, n_io)
        Most probable V2 pattern per V1 pattern.
    p_correct : ndarray of float64, shape (n_io,)
        ``P(V2 = target | V1 = pattern)`` (hidden marginalised).
    log_likelihood : float
        Final exact mean log-likelihood of the training patterns (optimum ``ln(1/n_io)``).
    machine : BoltzmannMachine
    """

    success: bool
    n_correct: int
    predictions: np.ndarray
    p_correct: np.ndarray
    log_likelihood: float
    machine: BoltzmannMachine


def encoder_424(seed: SeedLike = None, epochs: int = 200, method: str = "exact", *,
                learning_rate: float = 0.1, momentum: float = 0.8, n_restarts: int = 8,
                n_io: int = 4, n_hidden: int = 2, init_scale: float = 0.1,
                **fit_kwargs: Any) -> EncoderResult:
    """Train the 4-2-4 encoder of Ackley, Hinton & Sejnowski (1985), §5.

    Two groups of ``n_io`` visible units, V1 and V2, talk only through
    ``n_hidden`` hidden units. The environment presents the ``n_io`` patterns
    with exactly one unit on (``+1``) in V1 and the same unit on in V2 (all
    others ``-1``). Success: clamping each V1 pattern, the most probable V2
    configuration under the exact conditional ``P(V2 | V1)`` (hidden units
    summed out) is the matching one, for every pattern.

    Plain gradient ascent often stalls in a local optimum where two patterns
    share one hidden code (log-likelihood near ``-1.8`` instead of the optimum
    ``ln(1/4) ≈ -1.39``); Ackley et al. escaped it with sampling noise. Here
    ``n_restarts`` independent initialisations are trained and the one with the
    highest training log-likelihood is kept (selection never looks at the
    success criterion).

    Parameters
    ----------
    seed : SeedLike
        Initial weights and (``method="gibbs"``) sampling.
    epochs : int
        Full-batch updates per restart.
    method : {"exact", "gibbs"}
    learning_rate, momentum : float
        See :meth:`BoltzmannMachine.fit` (``η <= 0.2`` is stable for this net).
    n_restarts : int
        Independent initialisations, ``>= 1``.
    n_io, n_hidden : int
        Encoder size (``4`` and ``2`` for the 4-2-4 problem).
    init_scale : float
        Standard deviation of the initial weights.
    **fit_kwargs
        Passed to :meth:`BoltzmannMachine.fit`.

    Returns
    -------
    EncoderResult
    """
    gen = as_generator(seed)
    n_io = check_int(n_io, "n_io", minimum=2)
    n_restarts = check_int(n_restarts, "n_restarts", minimum=1)
    eye = np.where(np.eye(n_io, dtype=bool), 1, -1).astype(np.int8)
    data = np.concatenate([eye, eye], axis=1)
    mask = encoder_connectivity(n_io, n_hidden)
    best: BoltzmannMachine | None = None
    best_ll = -np.inf
    for _ in range(n_restarts):
        bm = BoltzmannMachine(2 * n_io, n_hidden, mask, init_scale=init_scale, rng=gen)
        bm.fit(data, epochs, learning_rate, method=method, momentum=momentum, rng=gen,
               track_likelihood=False, **fit_kwargs)
        ll = bm.log_likelihood(data)
        if best is None or ll > best_ll:
            best, best_ll = bm, ll
    assert best is not None
    preds = np.zeros((n_io, n_io), np.int8)
    p_correct = np.zeros(n_io)
    for k in range(n_io):
        states, probs = best.conditional_distribution(np.arange(n_io), eye[k])
        preds[k] = states[np.argmax(probs)]
        p_correct[k] = probs[np.all(states == eye[k], axis=1)][0]
    correct = np.all(preds == eye, axis=1)
    return EncoderResult(success=bool(correct.all()), n_correct=int(correct.sum()),
                         predictions=preds, p_correct=p_correct, log_likelihood=float(best_ll),
                         machine=best)
