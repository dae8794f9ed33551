"""Perceptron learning algorithms checked against the replica theory.

- :func:`max_stability` — the maximal-stability perceptron
  ``κ* = max_w min_μ y_μ w·ξ_μ/|w|`` by dual coordinate ascent (the AdaTron of
  Anlauf & Biehl 1989 with the optimal step, i.e. Hildreth's method for the
  quadratic program ``min ½|w|²  s.t.  y_μ w·ξ_μ ≥ 1``, ``κ* = 1/|w_opt|``),
  with a certified bracket ``lower ≤ κ* ≤ upper`` from weak duality.
- :func:`critical_patterns` — for one random sequence of patterns, the largest
  ``p`` such that the first ``p`` are storable at stability ``κ`` (``p_c(κ)``),
  for several ``κ`` at once. Cover (1965) proved ``E[p_c(0)] = 2N`` exactly for
  points in general position; Gardner's ``α_c(κ)`` is the ``N → ∞`` limit of
  ``E[p_c(κ)]/N``.
- :func:`binary_critical_patterns` — the same for the binary (Ising) perceptron
  ``w ∈ {−1, +1}^N`` by exact enumeration of all ``2^N`` weight vectors
  (bit-parallel Numba kernel), as in Krauth & Opper (1989).
- :func:`teacher_student_data`, :func:`hebb_student`, :func:`gamp_perceptron` —
  teacher–student learning: data from a teacher perceptron, the Hebb student
  and generalised approximate message passing (Rangan 2011) for the sign
  channel with a Gaussian or binary prior, whose state evolution is
  :func:`spinnet.theory.perceptron.teacher_student_rs`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.special import log_ndtr

from spinnet._rng import SeedLike, as_generator
from spinnet._validation import check_array, check_int, check_option
from spinnet.neurons.perceptron import is_separable, random_dichotomy

__all__ = [
    "MaxStabilityResult",
    "binary_critical_patterns",
    "binary_prefix_counts",
    "critical_patterns",
    "gamp_perceptron",
    "hebb_student",
    "max_stability",
    "overlap_error",
    "teacher_student_data",
]


class MaxStabilityResult(dict):
    """Result of :func:`max_stability` (a dict with attribute access).

    Keys: ``weights`` (ndarray (N,), ``|w| = √N``), ``kappa`` (the stability
    ``min_μ y_μ w·ξ_μ/|w|`` that ``weights`` achieves, a certified lower bound
    on ``κ*``), ``upper`` (certified upper bound on ``κ*``), ``sweeps``,
    ``multipliers`` (ndarray (p,), the dual variables ``λ_μ ≥ 0``).
    """

    __getattr__ = dict.__getitem__


def _signed(x: Any, y: Any) -> np.ndarray:
    xs = check_array(x, "x", ndim=2, dtype=np.float64)
    lab = check_array(y, "y", ndim=1)
    if lab.shape[0] != xs.shape[0]:
        raise ValueError(f"y must have one label per pattern ({xs.shape[0]}); "
                         f"got {lab.shape[0]}")
    if not np.all((lab == 1) | (lab == -1)):
        raise ValueError("y must contain only -1 and +1 labels")
    if not np.all(np.isfinite(xs)):
        raise ValueError("x must be finite")
    return np.ascontiguousarray(lab.astype(np.float64)[:, None] * xs)


def max_stability(x: Any, y: Any, *, rel_tol: float = 1e-4, max_sweeps: int = 100_000,
                  kappa_stop: float | None = None, multipliers: Any = None
                  ) -> MaxStabilityResult:
    """Maximal-stability perceptron by dual coordinate ascent (optimal AdaTron).

    Solves ``min ½|v|²`` subject to ``y_μ v·ξ_μ ≥ 1`` through its dual
    ``max_{λ≥0} Σλ_μ − ½|Σ λ_μ y_μ ξ_μ|²`` by exact coordinate steps; the
    maximal stability is ``κ* = 1/|v_opt|`` and ``w = √N v/|v|``. Every 5 sweeps
    the bracket ``lower = min_μ y_μ w·ξ_μ/|w|`` (achieved) ``≤ κ* ≤ upper =
    1/√(2D(λ))`` (weak duality) is evaluated; iteration stops when
    ``upper − lower ≤ rel_tol·upper``, or, with ``kappa_stop``, as soon as the
    bracket decides whether ``κ* ≥ kappa_stop``. If the patterns are not
    linearly separable the dual is unbounded: ``upper → 0`` and ``lower < 0``
    (use :func:`~spinnet.neurons.perceptron.is_separable` to decide ``κ = 0``).

    Parameters
    ----------
    x : array_like, shape (p, N)
        Patterns.
    y : array_like, shape (p,)
        Labels ±1.
    rel_tol : float
        Relative width of the final bracket.
    max_sweeps : int
        Budget of sweeps through the patterns.
    kappa_stop : float, optional
        Stop as soon as ``κ* ≥ kappa_stop`` or ``κ* < kappa_stop`` is certified.
    multipliers : array_like, shape (p,), optional
        Warm start ``λ ≥ 0``.

    Returns
    -------
    MaxStabilityResult

    References
    ----------
    J. K. Anlauf & M. Biehl, Europhys. Lett. 10, 687 (1989); W. Krauth &
    M. Mézard, J. Phys. A 20, L745 (1987) (minover); C. Hildreth, Naval Res.
    Logist. Q. 4, 79 (1957).
    """
    from spinnet.neurons._kernels import adatron_sweeps

    a = _signed(x, y)
    p, n = a.shape
    max_sweeps = check_int(max_sweeps, "max_sweeps", minimum=1)
    if not (isinstance(rel_tol, float | int) and 0 < rel_tol < 1):
        raise ValueError(f"rel_tol must be in (0, 1); got {rel_tol!r}")
    stop = -1.0 if kappa_stop is None else float(kappa_stop)
    if kappa_stop is not None and not (math.isfinite(stop) and stop >= 0):
        raise ValueError(f"kappa_stop must be finite and >= 0; got {kappa_stop!r}")
    norms2 = np.einsum("ij,ij->i", a, a)
    if np.any(norms2 <= 0):
        raise ValueError("x must not contain all-zero patterns")
    if multipliers is None:
        lam = np.zeros(p)
    else:
        lam = check_array(multipliers, "multipliers", ndim=1, dtype=np.float64).copy()
        if lam.shape[0] != p or np.any(lam < 0):
            raise ValueError(f"multipliers must have {p} non-negative entries")
    w = lam @ a
    lower, upper, sweeps = adatron_sweeps(a, norms2, lam, w, max_sweeps, stop,
                                          float(rel_tol), 5)
    norm = float(np.linalg.norm(w))
    weights = w * (math.sqrt(n) / norm) if norm > 0 else w
    return MaxStabilityResult(weights=weights, kappa=float(lower), upper=float(upper),
                              sweeps=int(sweeps), multipliers=lam)


def critical_patterns(x: Any, y: Any, kappas: Any, *, max_sweeps: int = 20_000
                      ) -> dict[str, Any]:
    """Critical number of patterns ``p_c(κ)`` of one pattern sequence, for several ``κ``.

    ``p_c(κ)`` is the largest ``p`` such that the first ``p`` patterns are
    storable with stability ``≥ κ`` (storability is monotone in ``p``), found
    by galloping from ``α_c(κ)N`` (Gardner) in steps ``√N, 2√N, …`` and then
    bisection: at ``κ = 0`` linear separability is decided exactly by
    linear programming (:func:`~spinnet.neurons.perceptron.is_separable`); at
    ``κ > 0`` by the certified bracket of :func:`max_stability` (with a warm
    start from the nearest solved prefix). A decision still open after
    ``max_sweeps`` (``κ*`` within the bracket around ``κ``) is taken from the
    bracket's midpoint and counted in ``undecided``.

    Parameters
    ----------
    x : array_like, shape (P, N)
        The pattern sequence.
    y : array_like, shape (P,)
        Labels ±1.
    kappas : array_like, shape (k,), ``κ ≥ 0``
    max_sweeps : int
        Sweep budget of each maximal-stability decision.

    Returns
    -------
    dict
        ``p_c`` (ndarray of int64, shape (k,), in the order of ``kappas``),
        ``truncated`` (bool: all ``P`` patterns stored at the smallest ``κ`` —
        ``p_c`` is then only a lower bound), ``undecided`` (int).
    """
    a = _signed(x, y)
    ks = check_array(kappas, "kappas", ndim=1, dtype=np.float64)
    if ks.size == 0 or np.any(~np.isfinite(ks)) or np.any(ks < 0):
        raise ValueError(f"kappas must be a non-empty list of finite values >= 0; got {kappas!r}")
    max_sweeps = check_int(max_sweeps, "max_sweeps", minimum=1)
    big_p = a.shape[0]
    ones = np.ones(big_p)
    cache: dict[int, np.ndarray] = {}
    undecided = 0

    def storable(p: int, kappa: float) -> bool:
        nonlocal undecided
        if p == 0:
            return True
        if kappa == 0:
            return is_separable(a[:p], ones[:p])
        warm = None
        if cache:
            near = min(cache, key=lambda q: abs(q - p))
            warm = np.zeros(p)
            m = min(p, near)
            warm[:m] = cache[near][:m]
        res = max_stability(a[:p], ones[:p], kappa_stop=kappa, max_sweeps=max_sweeps,
                            multipliers=warm, rel_tol=1e-9)
        cache[p] = res.multipliers
        if res.kappa >= kappa:
            return True
        if res.upper < kappa:
            return False
        undecided += 1
        return 0.5 * (res.kappa + res.upper) >= kappa

    from spinnet.theory.perceptron import gardner_alpha_c

    n = a.shape[1]
    step = max(1, math.isqrt(n))
    order = np.argsort(ks, kind="stable")
    out = np.zeros(ks.size, dtype=np.int64)
    hi_bad = big_p + 1  # smallest p known not storable (P + 1: none known)
    truncated = False
    for idx in order:
        kappa = float(ks[idx])
        lo, hi = 0, hi_bad
        # gallop from Gardner's estimate (only the search path depends on it: storability
        # is monotone in p, so the result does not)
        guess = min(max(1, round(float(gardner_alpha_c(kappa)) * n)), hi - 1)
        d = step
        if guess > lo and storable(guess, kappa):
            lo = guess
            while lo + d < hi and storable(lo + d, kappa):
                lo, d = lo + d, 2 * d
            hi = min(hi, lo + d)
        elif guess > lo:
            hi = guess
            while hi - d > lo and not storable(hi - d, kappa):
                hi, d = hi - d, 2 * d
            lo = max(lo, hi - d)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if storable(mid, kappa):
                lo = mid
            else:
                hi = mid
        out[idx] = lo
        truncated = truncated or lo == big_p
        hi_bad = lo + 1
    return {"p_c": out, "truncated": truncated, "undecided": undecided}


def binary_prefix_counts(x: Any, y: Any) -> np.ndarray:
    """Exact histogram over all ``2^N`` binary weights of the first pattern they violate.

    Parameters
    ----------
    x : array_like of ±1, shape (P, N), ``N`` odd, ``N ≤ 30``
        Binary patterns (an odd ``N`` excludes zero fields).
    y : array_like of ±1, shape (P,)

    Returns
    -------
    ndarray of int64, shape (P + 1,)
        ``counts[k]``: number of ``w ∈ {−1,+1}^N`` storing patterns ``0..k−1``
        and not pattern ``k`` (``k = P``: all). The number of solutions for the
        first ``p`` patterns is ``counts[p:].sum()``.
    """
    from spinnet.neurons._kernels import binary_prefix_counts as kernel

    xs = check_array(x, "x", ndim=2)
    if not np.all((xs == 1) | (xs == -1)):
        raise ValueError("x must contain only -1 and +1 entries")
    a = _signed(xs, y)
    n = a.shape[1]
    if n % 2 == 0 or n > 30:
        raise ValueError(f"x must have an odd number N <= 30 of columns; got {n}")
    bits = ((a > 0).astype(np.uint64) << np.arange(n, dtype=np.uint64)).sum(axis=1)
    return kernel(bits.astype(np.uint64), n)


def binary_critical_patterns(n: int, n_samples: int, *, rng: SeedLike = None
                             ) -> dict[str, Any]:
    """Exact critical numbers of patterns of the binary perceptron at size ``N``.

    Each sample is a sequence of ``P = 2N + 10`` random ±1 patterns with random
    labels; ``p_c`` is the largest ``p`` such that some ``w ∈ {−1,+1}^N`` stores
    the first ``p`` (exact enumeration, :func:`binary_prefix_counts`).
    ``⟨p_c⟩/N → α_c ≈ 0.833`` (Krauth & Mézard 1989) as ``N → ∞``.

    Parameters
    ----------
    n : int, odd, ``3 ≤ N ≤ 27``
    n_samples : int
    rng : SeedLike

    Returns
    -------
    dict
        ``N``, ``p_c`` (ndarray of int64, shape (n_samples,)), ``alpha`` (mean
        ``p_c/N``), ``alpha_err`` (its standard error), ``log_solutions``
        (ndarray (n_samples, P + 1): ``ln`` of the number of solutions for
        the first ``p`` patterns, ``−inf`` when none).

    References
    ----------
    W. Krauth & M. Opper, J. Phys. A 22, L519 (1989).
    """
    n = check_int(n, "n", minimum=3)
    if n % 2 == 0 or n > 27:
        raise ValueError(f"n must be odd and <= 27; got {n}")
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    gen = as_generator(rng)
    big_p = 2 * n + 10
    pcs = np.zeros(n_samples, dtype=np.int64)
    logs = np.zeros((n_samples, big_p + 1))
    for s in range(n_samples):
        x, y = random_dichotomy(big_p, n, kind="spins", rng=gen)
        counts = binary_prefix_counts(x, y)
        if counts[-1] > 0:
            raise RuntimeError(f"a weight vector stored all {big_p} patterns at N={n}")
        pcs[s] = int(np.nonzero(counts)[0].max())
        tail = np.cumsum(counts[::-1])[::-1]
        with np.errstate(divide="ignore"):
            logs[s] = np.log(tail.astype(np.float64))
    mean = float(pcs.mean()) / n
    err = float(pcs.std(ddof=1)) / n / math.sqrt(n_samples) if n_samples > 1 else math.nan
    return {"N": n, "p_c": pcs, "alpha": mean, "alpha_err": err, "log_solutions": logs}


# ----------------------------------------------------------------- teacher–student
def teacher_student_data(n: int, p: int, *, prior: str = "spherical", rng: SeedLike = None
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A teacher perceptron and ``p`` Gaussian examples labelled by it.

    Parameters
    ----------
    n, p : int
        Dimension and number of examples.
    prior : {"spherical", "binary"}
        Teacher weights: standard Gaussian entries, or ±1.
    rng : SeedLike

    Returns
    -------
    teacher : ndarray of float64, shape (N,)
    x : ndarray of float64, shape (p, N)
        Standard Gaussian inputs.
    y : ndarray of int8, shape (p,)
        ``sign(teacher·x_μ)``.
    """
    n = check_int(n, "n", minimum=1)
    p = check_int(p, "p", minimum=1)
    prior = check_option(prior, "prior", ("spherical", "binary"))
    gen = as_generator(rng)
    if prior == "spherical":
        teacher = gen.standard_normal(n)
    else:
        teacher = np.where(gen.random(n) < 0.5, -1.0, 1.0)
    x = gen.standard_normal((p, n))
    y = np.where(x @ teacher > 0, 1, -1).astype(np.int8)
    return teacher, x, y


def hebb_student(x: Any, y: Any) -> np.ndarray:
    """Hebb student ``J = Σ_μ y_μ ξ_μ / √N`` (Vallet 1989).

    Parameters
    ----------
    x : array_like, shape (p, N)
    y : array_like of ±1, shape (p,)

    Returns
    -------
    ndarray of float64, shape (N,)
    """
    a = _signed(x, y)
    return a.sum(axis=0) / math.sqrt(a.shape[1])


def overlap_error(student: Any, teacher: Any) -> tuple[float, float]:
    """Normalised overlap ``R`` and generalisation error ``arccos(R)/π`` (Gaussian inputs).

    Parameters
    ----------
    student, teacher : array_like, shape (N,)

    Returns
    -------
    (R, error)
    """
    s = check_array(student, "student", ndim=1, dtype=np.float64)
    t = check_array(teacher, "teacher", ndim=1, dtype=np.float64)
    if s.shape != t.shape:
        raise ValueError(f"student and teacher must have equal shapes; got {s.shape}, {t.shape}")
    ns, nt = float(np.linalg.norm(s)), float(np.linalg.norm(t))
    if ns == 0 or nt == 0:
        return 0.0, 0.5
    r = float(np.clip(s @ t / (ns * nt), -1.0, 1.0))
    return r, math.acos(r) / math.pi


def _sign_channel(y: np.ndarray, omega: np.ndarray, v: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """``g_out`` and ``∂_ω g_out`` of the noiseless sign channel ``P(y|z) = θ(yz)``."""
    sv = np.sqrt(v)
    z = y * omega / sv
    mills = np.exp(-0.5 * z**2 - 0.5 * math.log(2 * math.pi) - log_ndtr(z))  # φ(z)/Φ(z)
    g = y * mills / sv
    dg = -mills * (z + mills) / v
    return g, dg


def gamp_perceptron(x: Any, y: Any, *, prior: str = "spherical", n_iter: int = 30,
                    teacher: Any = None, damping: float = 0.0) -> dict[str, Any]:
    """Generalised approximate message passing for the teacher–student perceptron.

    Rangan's GAMP with the sign output channel and a Gaussian (``spherical``)
    or Rademacher (``binary``) prior on ``w``, for ``F = x/√N``:
    ``V = F²v̂``, ``ω = Fŵ − V g``, ``g = g_out(y, ω, V)``,
    ``A = −(F²)ᵀ ∂g``, ``B = Fᵀg + Aŵ``, and the prior denoiser
    ``ŵ = B/(1 + A), v̂ = 1/(1 + A)`` (Gaussian) or ``ŵ = tanh B, v̂ = 1 − ŵ²``
    (binary). Started from ``ŵ = 0, v̂ = 1, g = 0``, its overlaps follow the
    state evolution :func:`spinnet.theory.perceptron.teacher_student_rs` with
    ``q_0 = 0`` as ``N → ∞``. With the binary prior, once every ``v̂_i < 10^{−3}``
    (every ``|ŵ_i| > 0.9995``) the estimate is taken to be the vertex
    ``sign(ŵ)`` and kept fixed (converged): as ``v̂ → 0`` the output variance
    ``V`` vanishes, ``g_out`` underflows for all examples and a further step
    would reset ``ŵ`` towards 0 (seen at finite N as a cycle through ε = 0).

    Parameters
    ----------
    x : array_like, shape (p, N)
        Inputs (standard Gaussian entries).
    y : array_like of ±1, shape (p,)
    prior : {"spherical", "binary"}
    n_iter : int
        Iterations.
    teacher : array_like, shape (N,), optional
        If given, the overlap and error are recorded at every iteration.
    damping : float in [0, 1)
        Fraction of the old ``ŵ, v̂`` kept at each step (0: plain GAMP).

    Returns
    -------
    dict
        ``weights`` (ŵ, shape (N,)), ``variances`` (v̂, shape (N,)), and with a
        teacher: ``q`` (ndarray (n_iter + 1,), ``ŵ·B/N`` — the state evolution's
        ``q_t``), ``R`` and ``error`` (ndarray (n_iter + 1,), normalised overlap
        and ``arccos(R)/π``, to compare with ``arccos(√q_t)/π``).

    References
    ----------
    S. Rangan, Proc. IEEE ISIT 2011, 2168; J. Barbier, F. Krzakala, N. Macris,
    L. Miolane & L. Zdeborová, PNAS 116, 5451 (2019), eqs. (5)–(6) and SI.
    """
    xs = check_array(x, "x", ndim=2, dtype=np.float64)
    _signed(xs, y)  # validates y against x
    lab = check_array(y, "y", ndim=1).astype(np.float64)
    prior = check_option(prior, "prior", ("spherical", "binary"))
    n_iter = check_int(n_iter, "n_iter", minimum=0)
    if not (isinstance(damping, float | int) and 0 <= damping < 1):
        raise ValueError(f"damping must be in [0, 1); got {damping!r}")
    p, n = xs.shape
    t = None
    if teacher is not None:
        t = check_array(teacher, "teacher", ndim=1, dtype=np.float64)
        if t.shape[0] != n:
            raise ValueError(f"teacher must have {n} entries; got {t.shape[0]}")
    f = xs / math.sqrt(n)
    f2 = f * f
    w_hat = np.zeros(n)
    v_hat = np.ones(n)
    g = np.zeros(p)
    qs, rs, errs = [], [], []

    def record() -> None:
        if t is not None:
            r, e = overlap_error(w_hat, t)
            qs.append(float(w_hat @ t) / n)
            rs.append(r)
            errs.append(e)

    record()
    frozen = False
    for _ in range(n_iter):
        if frozen:
            record()
            continue
        v = f2 @ v_hat
        omega = f @ w_hat - v * g
        g, dg = _sign_channel(lab, omega, v)
        big_a = np.maximum(-(f2.T @ dg), 1e-300)
        big_b = f.T @ g + big_a * w_hat
        if prior == "spherical":
            new_w, new_v = big_b / (1 + big_a), 1 / (1 + big_a)
        else:
            new_w = np.tanh(big_b)
            new_v = 1 - new_w**2
        w_hat = damping * w_hat + (1 - damping) * new_w
        v_hat = np.maximum(damping * v_hat + (1 - damping) * new_v, 1e-300)
        if prior == "binary" and float(v_hat.max()) < 1e-3:
            # the posterior mean sits on a vertex of the hypercube: converged. (Iterating
            # on would let every g_out underflow to 0 and reset ŵ = tanh(0).)
            w_hat = np.sign(w_hat)
            frozen = True
        record()
    out: dict[str, Any] = {"weights": w_hat, "variances": v_hat}
    if t is not None:
        out.update(q=np.array(qs), R=np.array(rs), error=np.array(errs))
    return out
