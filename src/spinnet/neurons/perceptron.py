"""Rosenblatt's perceptron and the Cover–Gardner storage capacity.

A perceptron ``y = sign(w·x)`` (no threshold: the dichotomy is *homogeneous*)
can realise a labelling ``y_μ = ±1`` of ``p`` patterns ``x_μ ∈ R^N`` iff the
patterns are linearly separable through the origin. For ``p`` points in general
position, Cover's function-counting theorem (Cover 1965, Theorem 1) counts the
separable dichotomies exactly,

    C(p, N) = 2 Σ_{k=0}^{N−1} binom(p − 1, k),

so that a random labelling is learnable with probability

    P(p, N) = C(p, N) / 2^p = Prob[Binomial(p − 1, 1/2) ≤ N − 1],

which equals 1 for ``p ≤ N``, exactly 1/2 at ``p = 2N`` and becomes a step at
``α = p/N = 2`` as ``N → ∞`` — Gardner's (1988) capacity ``α_c = 2`` of the
spherical perceptron at zero stability.

Learnability of one sample is decided here by linear programming: the
largest margin ``t`` with ``y_μ w·x_μ ≥ t`` in the box ``|w_i| ≤ 1`` is
positive iff the sample is separable (:func:`is_separable`). The perceptron
rule (Rosenblatt 1958) finds such a ``w`` in finitely many updates when one
exists (Novikoff 1962), but the bound grows as the margin shrinks, so near
``α = 2`` and at large ``N`` it is run with an epoch cap and its convergence
rate is a lower bound on the learnable fraction.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from spinnet._progress import ProgressCallback, report
from spinnet._rng import SeedLike, as_generator, kernel_seed
from spinnet._validation import check_array, check_int, check_option, check_positive_float

__all__ = [
    "PATTERN_KINDS",
    "PerceptronResult",
    "capacity_experiment",
    "capacity_point",
    "cover_count",
    "cover_probability",
    "crossing_alpha",
    "is_separable",
    "perceptron_train",
    "point_seed",
    "random_dichotomy",
    "transition_width",
]

#: Pattern ensembles: Gaussian patterns are in general position with probability
#: one (Cover's formula is exact for them); ±1 patterns only asymptotically.
PATTERN_KINDS = ("gaussian", "spins")


@dataclass(frozen=True)
class PerceptronResult:
    """Outcome of the perceptron learning rule.

    Attributes
    ----------
    weights : ndarray, shape (N,)
        Final weights.
    bias : float
        Final bias (0 when trained without a bias input).
    converged : bool
        True when an epoch passed with every pattern strictly on its side.
    n_epochs : int
        Epochs run.
    n_updates : int
        Total weight updates (mistakes).
    errors_per_epoch : ndarray of int64, shape (n_epochs,)
        Mistakes made during each epoch.
    """

    weights: np.ndarray
    bias: float
    converged: bool
    n_epochs: int
    n_updates: int
    errors_per_epoch: np.ndarray

    def predict(self, x: Any) -> np.ndarray:
        """Labels ``sign(w·x + b)`` in {−1, +1} (a zero field gives −1)."""
        arr = check_array(x, "x", ndim=(1, 2), dtype=np.float64)
        if arr.shape[-1] != self.weights.shape[0]:
            raise ValueError(f"x must have {self.weights.shape[0]} columns; got {arr.shape}")
        return np.where(arr @ self.weights + self.bias > 0, 1, -1).astype(np.int8)


def _check_labels(y: Any, p: int) -> np.ndarray:
    lab = check_array(y, "y", ndim=1)
    if lab.shape[0] != p:
        raise ValueError(f"y must have one label per pattern ({p}); got {lab.shape[0]}")
    if not np.all((lab == 1) | (lab == -1)):
        raise ValueError("y must contain only -1 and +1 labels")
    return lab.astype(np.float64)


def perceptron_train(x: Any, y: Any, *, max_epochs: int = 1000, learning_rate: float = 1.0,
                     bias: bool = False, initial_weights: Any = None) -> PerceptronResult:
    """Rosenblatt's perceptron rule with convergence detection.

    Patterns are presented cyclically in the given order; a pattern with
    ``y_μ (w·x_μ + b) ≤ 0`` — a zero field counts as a mistake — triggers
    ``w ← w + η y_μ x_μ`` (and ``b ← b + η y_μ``). Training stops at the
    first epoch without a mistake (``converged=True``) or after ``max_epochs``.

    Parameters
    ----------
    x : array_like, shape (p, N)
        Patterns (real).
    y : array_like, shape (p,)
        Labels ±1.
    max_epochs : int
        Cap on the number of passes.
    learning_rate : float
        ``η > 0``.
    bias : bool
        Learn a bias (threshold ``θ = −b``) through a constant input 1.
    initial_weights : array_like, shape (N,) or (N + 1,), optional
        Start (``N + 1`` entries, bias last, when ``bias``); zero by default.

    Returns
    -------
    PerceptronResult

    References
    ----------
    F. Rosenblatt, Psychol. Rev. 65, 386 (1958); A. B. Novikoff, Proc. Symp.
    Math. Theory of Automata 12, 615 (1962).
    """
    from spinnet.neurons._kernels import perceptron_epochs

    xs = check_array(x, "x", ndim=2, dtype=np.float64)
    lab = _check_labels(y, xs.shape[0])
    max_epochs = check_int(max_epochs, "max_epochs", minimum=1)
    eta = check_positive_float(learning_rate, "learning_rate")
    if not isinstance(bias, bool | np.bool_):
        raise TypeError(f"bias must be a bool; got {bias!r}")
    if bias:
        xs = np.hstack([xs, np.ones((xs.shape[0], 1))])
    n = xs.shape[1]
    if initial_weights is None:
        w = np.zeros(n)
    else:
        w = check_array(initial_weights, "initial_weights", ndim=1, dtype=np.float64).copy()
        if w.shape[0] != n:
            raise ValueError(f"initial_weights must have {n} entries; got {w.shape[0]}")
    errors = np.zeros(max_epochs, dtype=np.int64)
    n_epochs, n_updates, converged = perceptron_epochs(np.ascontiguousarray(xs), lab, w, eta,
                                                       max_epochs, errors)
    weights, b = (w[:-1].copy(), float(w[-1])) if bias else (w, 0.0)
    return PerceptronResult(weights, b, bool(converged), int(n_epochs), int(n_updates),
                            errors[:n_epochs].copy())


def is_separable(x: Any, y: Any) -> bool:
    """Decide whether ``sign(w·x_μ) = y_μ`` (μ = 1..p) has a solution ``w``.

    Solves the bounded linear program (HiGHS via :func:`scipy.optimize.linprog`)

        maximise t  subject to  y_μ w·x_μ ≥ t,  −1 ≤ w_i ≤ 1,  t ≤ 1,

    which is always feasible (``w = 0, t = 0``); its optimum ``t*`` is positive
    iff the homogeneous dichotomy is strictly separable (scale any separator
    into the box). A positive answer is certified exactly: the returned ``w``
    is checked to put every pattern strictly on its side. (The unbounded
    feasibility form ``y_μ w·x_μ ≥ 1`` makes HiGHS stop with an unknown status
    on infeasible instances near ``α = 2``.)

    Parameters
    ----------
    x : array_like, shape (p, N)
    y : array_like, shape (p,)
        Labels ±1.

    Returns
    -------
    bool
        True iff the labelled set is strictly separable by a hyperplane through
        the origin (certified by the solver's ``w``).

    Raises
    ------
    RuntimeError
        If the solver stops without an optimum (it should not: the problem is
        feasible and bounded).
    """
    from scipy.optimize import linprog

    xs = check_array(x, "x", ndim=2, dtype=np.float64)
    lab = _check_labels(y, xs.shape[0])
    p, n = xs.shape
    signed = lab[:, None] * xs
    cost = np.zeros(n + 1)
    cost[-1] = -1.0
    res = linprog(cost, A_ub=np.hstack([-signed, np.ones((p, 1))]), b_ub=np.zeros(p),
                  bounds=[(-1.0, 1.0)] * n + [(None, 1.0)], method="highs")
    if res.status != 0:
        raise RuntimeError(f"margin linear program failed (status {res.status}: {res.message})")
    return bool(-res.fun > 0 and np.all(signed @ res.x[:n] > 0))


def cover_count(p: int, n: int) -> int:
    """Cover's number of homogeneously separable dichotomies ``C(p, N)`` (exact integer).

    ``C(p, N) = 2 Σ_{k=0}^{N−1} binom(p − 1, k)`` for ``p`` points in general
    position in ``R^N`` (Cover 1965, Theorem 1).

    Parameters
    ----------
    p : int
        Number of points (>= 1).
    n : int
        Dimension ``N`` (>= 1).

    Returns
    -------
    int
        ``C(p, N)``; equals ``2^p`` for ``p <= N``.
    """
    p = check_int(p, "p", minimum=1)
    n = check_int(n, "n", minimum=1)
    return 2 * sum(math.comb(p - 1, k) for k in range(min(n, p)))


def cover_probability(p: Any, n: int) -> np.ndarray | float:
    """Probability ``C(p, N) / 2^p`` that a random dichotomy of ``p`` points is separable.

    Equal to ``Prob[Binomial(p − 1, 1/2) ≤ N − 1]``; evaluated with the regularised
    incomplete beta function, accurate for any ``p``.

    Parameters
    ----------
    p : int or array_like of int, shape () or (n_p,)
        Number of patterns (``≥ 1``).
    n : int
        Dimension ``N``.

    Returns
    -------
    float or ndarray of float, shape of ``p``
        ``C(p, N) / 2^p``; a float for scalar ``p``. Crosses ½ at ``p = 2N``
        (capacity ``α = 2``).
    """
    from scipy.special import bdtr

    n = check_int(n, "n", minimum=1)
    arr = check_array(p, "p", ndim=(0, 1))
    if not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"p must be integer; got dtype {arr.dtype}")
    if np.any(arr < 1):
        raise ValueError(f"p must be >= 1; got min {int(arr.min())}")
    out = np.where(arr <= n, 1.0, bdtr(n - 1, np.maximum(arr - 1, 0), 0.5))
    return float(out) if arr.ndim == 0 else out


def random_dichotomy(p: int, n: int, *, kind: str = "gaussian",
                     rng: SeedLike = None) -> tuple[np.ndarray, np.ndarray]:
    """``p`` random patterns in ``R^N`` with independent uniform ±1 labels.

    Parameters
    ----------
    p, n : int
        Number of patterns and their dimension.
    kind : {"gaussian", "spins"}
        Standard normal entries or ±1 entries.
    rng : SeedLike

    Returns
    -------
    x : ndarray of float64, shape (p, n)
    y : ndarray of int8, shape (p,)
    """
    p = check_int(p, "p", minimum=1)
    n = check_int(n, "n", minimum=1)
    kind = check_option(kind, "kind", PATTERN_KINDS)
    gen = as_generator(rng)
    if kind == "gaussian":
        x = gen.standard_normal((p, n))
    else:
        x = np.where(gen.random((p, n)) < 0.5, -1.0, 1.0)
    y = np.where(gen.random(p) < 0.5, -1, 1).astype(np.int8)
    return x, y


def capacity_point(n: int, p: int, n_samples: int, *, kind: str = "gaussian",
                   perceptron_epochs: int = 0, rng: SeedLike = None) -> dict[str, Any]:
    """Fraction of ``n_samples`` random dichotomies of ``p`` patterns in ``R^N`` that are learnable.

    Parameters
    ----------
    n, p : int
        Dimension and number of patterns.
    n_samples : int
        Independent dichotomies.
    kind : {"gaussian", "spins"}
        Pattern ensemble (see :func:`random_dichotomy`).
    perceptron_epochs : int
        If positive, also run the perceptron rule with this epoch cap on each
        sample and report the fraction that converged (a lower bound on the
        separable fraction).
    rng : SeedLike

    Returns
    -------
    dict
        ``N, p, alpha, n_samples, fraction`` (separable, decided by LP),
        ``fraction_err`` (binomial standard error), ``cover`` (exact
        probability for points in general position), ``perceptron_fraction``
        and ``perceptron_mean_epochs`` (NaN when not run).
    """
    n = check_int(n, "n", minimum=1)
    p = check_int(p, "p", minimum=1)
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    kind = check_option(kind, "kind", PATTERN_KINDS)
    perceptron_epochs = check_int(perceptron_epochs, "perceptron_epochs", minimum=0)
    gen = as_generator(rng)
    separable = 0
    learned = 0
    epochs = 0
    for _ in range(n_samples):
        x, y = random_dichotomy(p, n, kind=kind, rng=gen)
        sep = is_separable(x, y)
        if perceptron_epochs:
            res = perceptron_train(x, y, max_epochs=perceptron_epochs)
            learned += res.converged
            epochs += res.n_epochs
            # a converged perceptron is itself a certificate of separability (guards
            # against an LP margin lost in the solver's tolerance)
            sep = sep or res.converged
        separable += sep
    frac = separable / n_samples
    return {
        "N": n, "p": p, "alpha": p / n, "n_samples": n_samples,
        "fraction": frac,
        "fraction_err": math.sqrt(max(frac * (1 - frac), 0.0) / n_samples),
        "cover": float(cover_probability(p, n)),
        "perceptron_fraction": learned / n_samples if perceptron_epochs else math.nan,
        "perceptron_mean_epochs": epochs / n_samples if perceptron_epochs else math.nan,
    }


def point_seed(root: int, n: int, p: int) -> np.random.SeedSequence:
    """Seed of the grid point ``(N, p)``: independent of the rest of the grid (resumable).

    Parameters
    ----------
    root : int
        Root seed of the whole grid.
    n : int
        Dimension ``N`` of the grid point.
    p : int
        Number of patterns of the grid point.

    Returns
    -------
    numpy.random.SeedSequence
        ``SeedSequence(root, spawn_key=(n, p))``.
    """
    return np.random.SeedSequence(root, spawn_key=(n, p))


def capacity_experiment(ns: Sequence[int], alphas: Sequence[float], n_samples: int, *,
                        kind: str = "gaussian", perceptron_epochs: int = 0,
                        rng: SeedLike = None,
                        callback: Callable[[dict[str, Any]], None] | None = None,
                        progress: ProgressCallback | None = None,
                        ) -> list[dict[str, Any]]:
    """Learnable fraction of random dichotomies versus ``α = p/N`` for several ``N``.

    ``p = round(α N)``; each grid point draws from its own stream
    (:func:`point_seed`), so a point's result does not depend on the grid.

    Parameters
    ----------
    ns : sequence of int
        Dimensions ``N``.
    alphas : sequence of float
        Loads ``α > 0``.
    n_samples : int
        Dichotomies per point.
    kind, perceptron_epochs :
        See :func:`capacity_point`.
    rng : SeedLike
        Root of the per-point streams: an ``int`` seed is used as the root
        entropy itself (so ``spinnet perceptron capacity --seed S`` draws the
        same samples as ``rng=S``); a ``Generator``/``SeedSequence``/``None``
        contributes one 63-bit draw.
    callback : callable, optional
        Called with each finished row (persistence).
    progress : ProgressCallback, optional
        ``progress("grid points", done, total)`` after each point.

    Returns
    -------
    list of dict
        One row per ``(N, α)`` (see :func:`capacity_point`).
    """
    ns_ = [check_int(v, "ns", minimum=1) for v in ns]
    if not ns_:
        raise ValueError("ns must not be empty")
    al = check_array(alphas, "alphas", ndim=1, dtype=np.float64)
    if np.any(al <= 0):
        raise ValueError(f"alphas must be > 0; got min {al.min()}")
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool):
        as_generator(rng)  # validates (non-negative)
        root = int(rng)
    else:
        root = kernel_seed(rng)
    rows = []
    total = len(ns_) * al.size
    report(progress, "grid points", 0, total)
    for n in ns_:
        for a in al:
            p = max(1, round(float(a) * n))
            row = capacity_point(n, p, n_samples, kind=kind,
                                 perceptron_epochs=perceptron_epochs,
                                 rng=point_seed(root, n, p))
            rows.append(row)
            if callback is not None:
                callback(row)
            report(progress, "grid points", len(rows), total)
    return rows


def crossing_alpha(alphas: Any, fractions: Any, level: float = 0.5) -> float:
    """Load at which a decreasing learnability curve first drops through ``level``.

    Linear interpolation between the last point at or above ``level`` and the
    next one; NaN if the curve never crosses.

    Parameters
    ----------
    alphas : array_like of float, shape (n,)
        Loads ``α = p/N`` (any order; sorted internally).
    fractions : array_like of float, shape (n,)
        Fraction of learnable (separable) instances at each load.
    level : float, default 0.5
        Level of the crossing.

    Returns
    -------
    float
        Interpolated load of the crossing, NaN if there is none.
    """
    a = check_array(alphas, "alphas", ndim=1, dtype=np.float64)
    f = check_array(fractions, "fractions", ndim=1, dtype=np.float64)
    if a.shape != f.shape:
        raise ValueError(f"alphas and fractions must have equal length; got {a.size}, {f.size}")
    order = np.argsort(a)
    a, f = a[order], f[order]
    for i in range(a.size - 1):
        if f[i] >= level > f[i + 1]:
            return float(a[i] + (f[i] - level) * (a[i + 1] - a[i]) / (f[i] - f[i + 1]))
    return math.nan


def transition_width(alphas: Any, fractions: Any, low: float = 0.1,
                     high: float = 0.9) -> float:
    """Width ``α(low) − α(high)`` of the learnable-to-unlearnable transition.

    Parameters
    ----------
    alphas : array_like of float, shape (n,)
        Loads ``α = p/N`` (any order; sorted internally).
    fractions : array_like of float, shape (n,)
        Fraction of learnable (separable) instances at each load.
    low, high : float, default 0.1, 0.9
        Levels whose crossings (:func:`crossing_alpha`) bound the transition.

    Returns
    -------
    float
        ``α(low) − α(high)`` (NaN if a level is not crossed).
    """
    return crossing_alpha(alphas, fractions, low) - crossing_alpha(alphas, fractions, high)
