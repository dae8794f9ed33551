"""McCulloch–Pitts threshold units and the logic they can (and cannot) compute.

A McCulloch–Pitts unit (McCulloch & Pitts 1943) with binary inputs
``x_i ∈ {0, 1}``, weights ``w_i`` and threshold ``θ`` fires,

    y = Θ(Σ_i w_i x_i − θ),   Θ(u) = 1 if u ≥ 0 else 0,

i.e. it outputs 1 when the weighted input reaches the threshold. One unit
computes exactly the *linearly separable* Boolean functions: AND
(``w = (1, 1), θ = 3/2``), OR (``w = (1, 1), θ = 1/2``), NOT (``w = −1,
θ = −1/2``), but not XOR (Minsky & Papert 1969), which needs two layers.

This module gives the analytic solutions, their truth tables, an exhaustive
weight-grid search showing that no single unit on the grid computes XOR, and
the classic two-layer XOR network ``XOR = AND(OR, NAND)``. Learning the gates
with Rosenblatt's rule lives in :func:`learn_gate` (it calls
:func:`spinnet.neurons.perceptron.perceptron_train`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from spinnet._validation import check_array, check_int

__all__ = [
    "GATES",
    "GateLearningResult",
    "GridSearchResult",
    "ThresholdUnit",
    "TwoLayerNetwork",
    "analytic_gate",
    "gate_names",
    "grid_search",
    "learn_gate",
    "truth_table",
    "xor_network",
]

#: Boolean gates: name -> (number of inputs, truth function on {0, 1} inputs).
GATES: dict[str, tuple[int, Callable[..., int]]] = {
    "AND": (2, lambda a, b: a & b),
    "OR": (2, lambda a, b: a | b),
    "NAND": (2, lambda a, b: 1 - (a & b)),
    "NOR": (2, lambda a, b: 1 - (a | b)),
    "NOT": (1, lambda a: 1 - a),
    "XOR": (2, lambda a, b: a ^ b),
}

#: Hand-derived (weights, threshold) of one unit; XOR has none.
_ANALYTIC: dict[str, tuple[tuple[float, ...], float]] = {
    "AND": ((1.0, 1.0), 1.5),
    "OR": ((1.0, 1.0), 0.5),
    "NAND": ((-1.0, -1.0), -1.5),
    "NOR": ((-1.0, -1.0), -0.5),
    "NOT": ((-1.0,), -0.5),
}


def _check_gate(name: Any) -> str:
    if not isinstance(name, str):
        raise TypeError(f"gate must be a string, one of {list(GATES)}; got {name!r}")
    key = name.upper()
    if key not in GATES:
        raise ValueError(f"gate must be one of {list(GATES)}; got {name!r}")
    return key


def _check_binary_inputs(x: Any, n_inputs: int, name: str = "inputs") -> np.ndarray:
    arr = check_array(x, name, ndim=(1, 2))
    if not np.all((arr == 0) | (arr == 1)):
        raise ValueError(f"{name} must contain only 0 and 1 (McCulloch–Pitts inputs)")
    arr = np.atleast_2d(arr).astype(np.float64)
    if arr.shape[-1] != n_inputs:
        raise ValueError(f"{name} must have {n_inputs} columns (one per input); "
                         f"got shape {arr.shape}")
    return arr


@dataclass(frozen=True)
class ThresholdUnit:
    """McCulloch–Pitts unit ``y = Θ(w·x − θ)`` with ``Θ(0) = 1``.

    Parameters
    ----------
    weights : tuple of float
        Synaptic weights ``w_i`` (negative = inhibitory).
    threshold : float
        Firing threshold ``θ``.
    """

    weights: tuple[float, ...]
    threshold: float

    def __post_init__(self) -> None:
        w = check_array(self.weights, "weights", ndim=1, dtype=np.float64)
        object.__setattr__(self, "weights", tuple(float(v) for v in w))
        t = check_array(self.threshold, "threshold", ndim=0, dtype=np.float64)
        object.__setattr__(self, "threshold", float(t))

    @property
    def n_inputs(self) -> int:
        """Number of inputs."""
        return len(self.weights)

    def __call__(self, x: Any) -> np.ndarray:
        """Outputs in {0, 1} for inputs ``x`` of shape (n_inputs,) or (m, n_inputs)."""
        arr = _check_binary_inputs(x, self.n_inputs, "x")
        out = (arr @ np.asarray(self.weights) >= self.threshold).astype(np.int8)
        return out if np.ndim(x) == 2 else out[0]


@dataclass(frozen=True)
class TwoLayerNetwork:
    """Feed-forward network of threshold units: a hidden layer and one output unit.

    Parameters
    ----------
    hidden : tuple of ThresholdUnit
        Hidden units, all with the same number of inputs.
    output : ThresholdUnit
        Output unit, one input per hidden unit.
    """

    hidden: tuple[ThresholdUnit, ...]
    output: ThresholdUnit

    def __post_init__(self) -> None:
        if len(self.hidden) != self.output.n_inputs:
            raise ValueError(f"output must have one input per hidden unit "
                             f"({len(self.hidden)}); got {self.output.n_inputs}")
        if len({u.n_inputs for u in self.hidden}) != 1:
            raise ValueError("hidden units must all have the same number of inputs")

    @property
    def n_inputs(self) -> int:
        """Number of network inputs."""
        return self.hidden[0].n_inputs

    def hidden_activity(self, x: Any) -> np.ndarray:
        """Hidden-layer outputs, shape (m, n_hidden)."""
        arr = _check_binary_inputs(x, self.n_inputs, "x")
        return np.stack([u(arr) for u in self.hidden], axis=1)

    def __call__(self, x: Any) -> np.ndarray:
        """Network outputs in {0, 1}."""
        out = self.output(self.hidden_activity(x))
        return out if np.ndim(x) == 2 else out[0]


def truth_table(gate: str) -> tuple[np.ndarray, np.ndarray]:
    """All inputs of ``gate`` in lexicographic order and the target outputs.

    Parameters
    ----------
    gate : str
        A key of :data:`GATES` (``"AND"``, ``"OR"``, ``"NAND"``, ``"NOR"``,
        ``"NOT"``, ``"XOR"``).

    Returns
    -------
    inputs : ndarray of int8, shape (2**n, n)
    targets : ndarray of int8, shape (2**n,)
    """
    key = _check_gate(gate)
    n, fn = GATES[key]
    inputs = np.array(list(itertools.product((0, 1), repeat=n)), dtype=np.int8)
    targets = np.array([fn(*map(int, row)) for row in inputs], dtype=np.int8)
    return inputs, targets


def analytic_gate(gate: str) -> ThresholdUnit:
    """The hand-derived single unit computing ``gate``.

    AND fires only when both inputs are on (``1 + 1 = 2 ≥ 3/2 > 1``), OR when
    at least one is (``1 ≥ 1/2 > 0``), NOT inverts with an inhibitory weight
    (``−1 < −1/2 ≤ 0``). NAND and NOR are AND and OR with all signs flipped.

    Parameters
    ----------
    gate : str
        A linearly separable key of :data:`GATES`.

    Returns
    -------
    ThresholdUnit
        E.g. AND: ``w = (1, 1)``, ``θ = 3/2``.

    Raises
    ------
    ValueError
        For XOR, which no single threshold unit computes (Minsky & Papert 1969);
        use :func:`xor_network`.
    """
    key = _check_gate(gate)
    if key not in _ANALYTIC:
        raise ValueError(f"gate {key} is not linearly separable: no single threshold unit "
                         "computes it (use xor_network() for a two-layer solution)")
    w, t = _ANALYTIC[key]
    return ThresholdUnit(w, t)


def xor_network() -> TwoLayerNetwork:
    """XOR with two layers: ``XOR(a, b) = AND(OR(a, b), NAND(a, b))``.

    Returns
    -------
    TwoLayerNetwork
        Hidden units OR and NAND, output AND.
    """
    return TwoLayerNetwork((analytic_gate("OR"), analytic_gate("NAND")), analytic_gate("AND"))


@dataclass(frozen=True)
class GridSearchResult:
    """Exhaustive search of one threshold unit over a weight/threshold grid.

    Attributes
    ----------
    gate : str
    grid : ndarray, shape (g,)
        Values tried for every weight and for the threshold.
    n_candidates : int
        ``g ** (n_inputs + 1)`` units tried.
    n_solutions : int
        Units reproducing the whole truth table.
    best_correct : int
        Most truth-table rows any candidate gets right.
    n_rows : int
        Rows in the truth table.
    example : ThresholdUnit or None
        One solution if there is any.
    """

    gate: str
    grid: np.ndarray
    n_candidates: int
    n_solutions: int
    best_correct: int
    n_rows: int
    example: ThresholdUnit | None


def grid_search(gate: str, grid: Any = None) -> GridSearchResult:
    """Try every ``(w_1, ..., w_n, θ)`` on a grid and count exact solutions.

    For XOR the count is zero on any grid: input 00 silent needs ``θ > 0``,
    inputs 01 and 10 firing need ``w_2 ≥ θ`` and ``w_1 ≥ θ``, so
    ``w_1 + w_2 ≥ 2θ > θ`` and input 11 fires too — a contradiction.

    Parameters
    ----------
    gate : str
        A key of :data:`GATES`.
    grid : array_like, shape (g,), optional
        Values for each weight and the threshold; default ``−3, −2.75, …, 3``
        (25 values, 15 625 two-input candidates).

    Returns
    -------
    GridSearchResult
    """
    key = _check_gate(gate)
    if grid is None:
        grid = np.linspace(-3.0, 3.0, 25)
    g = check_array(grid, "grid", ndim=1, dtype=np.float64)
    if g.size > 201:
        raise ValueError(f"grid must have at most 201 values; got {g.size}")
    inputs, targets = truth_table(key)
    n = inputs.shape[1]
    mesh = np.stack(np.meshgrid(*([g] * (n + 1)), indexing="ij"), axis=-1).reshape(-1, n + 1)
    w, theta = mesh[:, :n], mesh[:, n]
    out = (w @ inputs.T.astype(np.float64) >= theta[:, None]).astype(np.int8)
    correct = (out == targets[None, :]).sum(axis=1)
    solved = np.flatnonzero(correct == len(targets))
    example = (ThresholdUnit(tuple(w[solved[0]]), float(theta[solved[0]]))
               if solved.size else None)
    return GridSearchResult(key, g, int(mesh.shape[0]), int(solved.size), int(correct.max()),
                            len(targets), example)


@dataclass(frozen=True)
class GateLearningResult:
    """A gate learned with the perceptron rule.

    Attributes
    ----------
    gate : str
    unit : ThresholdUnit
        ``w`` learned, ``θ = −bias``.
    converged : bool
        True when an epoch passed without a mistake.
    n_epochs : int
        Epochs run (including the mistake-free one when converged).
    n_updates : int
        Weight updates made.
    errors_per_epoch : ndarray of int, shape (n_epochs,)
        Mistakes in each epoch.
    """

    gate: str
    unit: ThresholdUnit
    converged: bool
    n_epochs: int
    n_updates: int
    errors_per_epoch: np.ndarray


def learn_gate(gate: str, *, max_epochs: int = 100,
               learning_rate: float = 1.0) -> GateLearningResult:
    """Learn ``gate`` with Rosenblatt's perceptron rule (with a bias input).

    Targets ``t ∈ {0, 1}`` become labels ``y = 2t − 1``; the rule
    ``w ← w + η y x`` runs over the truth table in order from ``w = 0`` until an
    epoch has no mistake (Novikoff's theorem guarantees this for separable
    gates) or ``max_epochs`` is reached — which is what happens for XOR.

    Parameters
    ----------
    gate : str
        A key of :data:`GATES`.
    max_epochs : int
        Cap on passes over the truth table.
    learning_rate : float
        Step ``η > 0`` (the solution found scales with it; the gate does not).

    Returns
    -------
    GateLearningResult
    """
    from spinnet.neurons.perceptron import perceptron_train

    key = _check_gate(gate)
    max_epochs = check_int(max_epochs, "max_epochs", minimum=1)
    inputs, targets = truth_table(key)
    res = perceptron_train(inputs.astype(np.float64), 2 * targets.astype(np.int64) - 1,
                           max_epochs=max_epochs, learning_rate=learning_rate, bias=True)
    unit = ThresholdUnit(tuple(res.weights), -res.bias)
    return GateLearningResult(key, unit, res.converged, res.n_epochs, res.n_updates,
                              res.errors_per_epoch)


def gate_names(*, separable_only: bool = False) -> list[str]:
    """Names of the gates in :data:`GATES` (optionally only the single-unit ones).

    Parameters
    ----------
    separable_only : bool, default False
        Only the gates a single threshold unit computes (not XOR).

    Returns
    -------
    list of str
        In the order of :data:`GATES`.
    """
    return [g for g in GATES if not separable_only or g in _ANALYTIC]

