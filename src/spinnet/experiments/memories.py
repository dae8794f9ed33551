"""Memories beyond auto-association: the experiments behind ``hopfield hetero`` and
``hopfield sequence`` and the pages ``docs/hetero.md``, ``docs/sequences.md`` and
``docs/single-pattern.md``.

- :func:`single_pattern_table` — the p = 1 worked example, every ``n``;
- :func:`mixture_stability` — kept vs zero Hebb diagonal: spurious 3-mixtures
  that are fixed points;
- :func:`bam_capacity`, :func:`bam_recall_examples` — BAM recall vs load with
  the signal-to-noise estimate of ``docs/hetero.md``;
- :func:`sequence_capacity`, :func:`fit_sequence_capacity`,
  :func:`extrapolate_capacity`, :func:`sequence_theory` — storage capacity of
  sequence processing under synchronous dynamics vs Düring, Coolen &
  Sherrington (1998);
- :func:`delayed_replay` — the delayed-synapse network replaying a sequence.

Figures are built here (functions ending in ``_figure``, returning a
matplotlib ``Figure``).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.special import erf, erfc

from spinnet._progress import ProgressCallback, report
from spinnet._rng import SeedLike, as_generator
from spinnet._validation import check_int
from spinnet.spins import flip, random_patterns

__all__ = [
    "ALPHA_C_SEQUENCE",
    "bam_capacity",
    "bam_capacity_figure",
    "bam_recall_examples",
    "bam_recall_figure",
    "bam_snr_fixed_point",
    "capacity_at_half",
    "delayed_replay",
    "extrapolate_capacity",
    "fit_sequence_capacity",
    "mixture_stability",
    "sequence_capacity",
    "sequence_capacity_figure",
    "sequence_dynamics_figure",
    "sequence_overlap_dynamics",
    "sequence_raster_figure",
    "sequence_theory",
    "sequence_theory_capacity",
    "single_pattern_table",
]

#: Storage capacity of sequence processing with parallel dynamics at T = 0
#: (Düring, Coolen & Sherrington 1998).
ALPHA_C_SEQUENCE = 0.269


def _seed_int(rng: SeedLike) -> int:
    """One integer from ``rng`` that keys every sub-stream (reproducible, order-free)."""
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool):
        return int(rng)
    return int(as_generator(rng).integers(0, 2**31 - 1))


# =========================================================================== Hebb variants
def single_pattern_table(n_spins: int = 100, *, rng: SeedLike = 0) -> list[dict]:
    """One synchronous step of a one-pattern network from every Hamming distance ``n``.

    For each ``n = 0 … N``: flip ``n`` random spins of a random pattern ``ξ``,
    take one step ``s ← sign(J s)`` (zero field keeps the spin) with
    ``J = ξξᵀ/N`` and zero diagonal, and with the diagonal kept (``J_ii = 1/N``).

    Parameters
    ----------
    n_spins : int, default 100
        Number of spins ``N`` (>= 2); rows run over ``n = 0 … N``.
    rng : SeedLike, default 0
        Seed or generator (``spinnet._rng.as_generator``); same seed, same result.

    Returns
    -------
    list of dict
        ``n, m_before, zero_diag, m_after_zero, keep_diag, m_after_keep`` where
        the ``*_diag`` columns say what the step returned: ``"ξ"``, ``"−ξ"``,
        ``"−s"`` (every spin reversed), ``"s"`` (unchanged) or ``"other"``.
    """
    from spinnet.hopfield.dynamics import run_sync
    from spinnet.hopfield.rules import hebbian

    n_spins = check_int(n_spins, "n_spins", minimum=2)
    gen = as_generator(rng)
    xi = random_patterns(1, n_spins, rng=gen)
    couplings = {d: hebbian(xi, diagonal=d) for d in ("zero", "keep")}
    rows = []
    for n in range(n_spins + 1):
        s = xi[0].copy()
        s[gen.permutation(n_spins)[:n]] *= -1
        row: dict[str, Any] = {"n": n, "m_before": float(s @ xi[0].astype(float)) / n_spins}
        for d, J in couplings.items():
            new = run_sync(J, s, max_steps=1, self_coupling=d == "keep")
            what = ("ξ" if np.array_equal(new, xi[0]) else
                    "−ξ" if np.array_equal(new, -xi[0]) else
                    "s" if np.array_equal(new, s) else
                    "−s" if np.array_equal(new, -s) else "other")
            row[f"{d}_diag"] = what
            row[f"m_after_{d}"] = float(new @ xi[0].astype(float)) / n_spins
        rows.append(row)
    return rows


def mixture_stability(n_spins: int = 500, n_patterns: Sequence[int] = (5, 10, 15, 20, 25, 30),
                      *, n_sets: int = 10, n_mixtures: int = 50, rng: SeedLike = 0
                      ) -> list[dict]:
    """Fraction of symmetric 3-mixtures ``sign(ξ^a + ξ^b + ξ^c)`` that are fixed points.

    Hebb couplings with the diagonal set to zero vs kept (``J_ii = α``,
    honoured by the dynamics as a self-coupling). Also the fraction of stored
    patterns that are fixed points, and of single spins of the mixtures that
    are unstable. Standard errors are the spread over pattern sets.

    Parameters
    ----------
    n_spins : int, default 500
        Number of spins ``N``.
    n_patterns : sequence of int, default (5, 10, 15, 20, 25, 30)
        Numbers of stored patterns ``p`` (>= 3), one row each.
    n_sets : int, default 10
        Independent pattern sets per ``p`` (the errors are their spread).
    n_mixtures : int, default 50
        At most this many 3-mixtures (first triples ``a < b < c``) per set.
    rng : SeedLike, default 0
        Seed or generator; one integer is drawn from it (or an int is used as
        is) and keys independent sub-streams, so results do not depend on the order
        of the loops.

    Returns
    -------
    list of dict
        One row per ``p``: ``N, p, alpha, mix_fixed_zero, mix_fixed_zero_err,
        mix_fixed_keep, mix_fixed_keep_err, pat_fixed_zero, pat_fixed_keep,
        unstable_spins_zero, unstable_spins_keep``.
    """
    from spinnet.hopfield.dynamics import run_sync
    from spinnet.hopfield.rules import hebbian

    seed = _seed_int(rng)
    rows = []
    for p in n_patterns:
        acc: dict[str, list[float]] = {}
        for r in range(n_sets):
            gen = np.random.default_rng([seed, p, r])
            xi = random_patterns(p, n_spins, rng=gen)
            combos = itertools.islice(itertools.combinations(range(p), 3), n_mixtures)
            mix = np.array([np.sign(xi[a] + xi[b] + xi[c]) for a, b, c in combos],
                           dtype=np.int8)
            for d in ("zero", "keep"):
                J = hebbian(xi, diagonal=d)
                for name, states in (("mix", mix), ("pat", xi)):
                    new = run_sync(J, states, max_steps=1, self_coupling=d == "keep")
                    acc.setdefault(f"{name}_fixed_{d}", []).append(
                        float(np.all(new == states, axis=1).mean()))
                    if name == "mix":
                        acc.setdefault(f"unstable_spins_{d}", []).append(
                            float(np.mean(new != states)))
        row: dict[str, Any] = {"N": n_spins, "p": p, "alpha": p / n_spins}
        for k, v in acc.items():
            row[k] = float(np.mean(v))
            if k.startswith("mix_fixed"):
                row[k + "_err"] = float(np.std(v, ddof=1) / np.sqrt(len(v)))
        rows.append(row)
    return rows


# ============================================================================ hetero / BAM
def bam_snr_fixed_point(n_x: int, n_y: int, n_pairs: int | np.ndarray,
                        noise: float = 0.0) -> np.ndarray:
    """Signal-to-noise estimate that a stored BAM pair is recalled (``docs/hetero.md``).

    From ``x^ν`` with a fraction ``ρ`` of its bits flipped, the field on
    ``y_j`` is ``(1 − 2ρ) N y^ν_j + Σ_{μ≠ν} y^μ_j (x^μ·x)``: signal
    ``(1 − 2ρ) N``, Gaussian crosstalk of variance ``(p − 1) N``, bit error
    ``ε_y = ½ erfc((1 − 2ρ) √(N / 2(p − 1)))``; backwards from a clean ``y^ν``,
    ``ε_x = ½ erfc(√(M / 2(p − 1)))``. A stored pair is a fixed point when all
    ``M`` bits of ``y`` and all ``N`` bits of ``x`` are right:
    ``P ≈ (1 − ε_y)^M (1 − ε_x)^N`` (independent bits, ``ρ = 0``); with
    ``ρ > 0`` it is the probability that the *first* step from the noisy x is
    already perfect (the iterations usually do better, see ``docs/hetero.md``).

    Parameters
    ----------
    n_x, n_y : int
        Layer sizes ``N`` and ``M``.
    n_pairs : int or ndarray, any shape
        ``p`` (>= 1).
    noise : float
        ``ρ``.

    Returns
    -------
    ndarray, shape of ``n_pairs``
        ``P`` for each ``p``.
    """
    p = np.asarray(n_pairs, dtype=float)
    with np.errstate(divide="ignore"):
        k = np.where(p > 1, p - 1, np.nan)
        eps_y = np.where(p > 1, 0.5 * erfc((1 - 2 * noise) * np.sqrt(n_x / (2 * k))), 0.0)
        eps_x = np.where(p > 1, 0.5 * erfc(np.sqrt(n_y / (2 * k))), 0.0)
    return (1 - eps_y) ** n_y * (1 - eps_x) ** n_x


def bam_capacity(shapes: Sequence[tuple[int, int]] = ((256, 256), (256, 64), (64, 256)),
                 n_pairs: Sequence[int] | None = None, *, noise: float = 0.1,
                 n_trials: int = 10, max_steps: int = 50, rng: SeedLike = 0,
                 progress: ProgressCallback | None = None) -> list[dict]:
    """BAM recall vs number of stored pairs for several layer shapes ``(N, M)``.

    For each shape and ``p``: ``n_trials`` independent sets of random pairs;
    every stored pair is probed from its ``x`` with a fraction ``noise`` of
    bits flipped. Criterion: the pair is *recalled* when the BAM settles on
    exactly ``(x^ν, y^ν)``. Reported: the recalled fraction (mean over sets,
    error = spread over sets / √sets), the fraction of stored pairs that are
    fixed points, and :func:`bam_snr_fixed_point` for both.

    Parameters
    ----------
    shapes : sequence of (int, int), default ((256, 256), (256, 64), (64, 256))
        Layer sizes ``(N, M)`` of the x and y layers.
    n_pairs : sequence of int or None, default None
        Numbers of stored pairs ``p``; ``None`` uses 12 geometrically spaced
        values from 1 to ``max(4, 0.25 min(N, M))`` per shape.
    noise : float, default 0.1
        Fraction ``ρ`` of bits of ``x^ν`` flipped in the probe.
    n_trials : int, default 10
        Independent sets of random pairs per ``(shape, p)``.
    max_steps : int, default 50
        Maximum number of BAM back-and-forth iterations of a recall.
    rng : SeedLike, default 0
        Seed or generator; one integer is drawn from it (or an int is used as
        is) and keys independent sub-streams, so results do not depend on the order
        of the loops.
    progress : callable or None, default None
        Progress callback ``progress(stage, done, total)``
        (``spinnet._progress.report``); ``None`` reports nothing.

    Returns
    -------
    list of dict
        ``N, M, p, load (p/√(NM)), recalled, recalled_err, fixed, fixed_err,
        snr_recalled, snr_fixed``.
    """
    from spinnet.hopfield.hetero import BAM

    seed = _seed_int(rng)
    rows = []
    units = [(s, p) for s in shapes for p in (n_pairs or _default_pairs(*s))]
    report(progress, "BAM capacity", 0, len(units))
    for k, ((n, m), p) in enumerate(units):
        rec, fix = [], []
        for r in range(n_trials):
            gen = np.random.default_rng([seed, n, m, p, r])
            x = random_patterns(p, n, rng=gen)
            y = random_patterns(p, m, rng=gen)
            bam = BAM().fit(x, y)
            xr, yr = bam.recall(x=flip(x, noise, rng=gen), max_steps=max_steps)
            rec.append(float(np.mean(np.all(xr == x, axis=1) & np.all(yr == y, axis=1))))
            fix.append(float(np.mean(bam.is_fixed_point(x, y))))
        rows.append({"N": n, "M": m, "p": p, "load": p / np.sqrt(n * m),
                     "recalled": float(np.mean(rec)),
                     "recalled_err": float(np.std(rec, ddof=1) / np.sqrt(n_trials))
                     if n_trials > 1 else float("nan"),
                     "fixed": float(np.mean(fix)),
                     "fixed_err": float(np.std(fix, ddof=1) / np.sqrt(n_trials))
                     if n_trials > 1 else float("nan"),
                     "snr_recalled": float(bam_snr_fixed_point(n, m, p, noise)),
                     "snr_fixed": float(bam_snr_fixed_point(n, m, p, 0.0))})
        report(progress, "BAM capacity", k + 1, len(units))
    return rows


def _default_pairs(n: int, m: int) -> list[int]:
    top = max(4, int(0.25 * min(n, m)))
    return sorted({int(v) for v in np.unique(np.round(np.geomspace(1, top, 12)))})


def capacity_at_half(rows: Sequence[dict], key: str = "recalled") -> dict[tuple[int, int], dict]:
    """Load ``p_c`` where ``key`` crosses ½ (linear interpolation), per shape, with the
    SNR prediction of the same crossing; the error propagates the two bracketing
    points' errors through the interpolation slope.

    Parameters
    ----------
    rows : sequence of dict
        Rows of :func:`bam_capacity` (keys ``N, M, p, <key>, <key>_err, snr_<key>``).
    key : {"recalled", "fixed"}, default "recalled"
        Which fraction to interpolate.

    Returns
    -------
    dict
        ``{(N, M): {"N", "M", "p_c", "p_c_err", "snr_p_c"}}``; ``p_c`` (and its
        error) or ``snr_p_c`` is NaN when the fraction never crosses ½ downwards.
    """
    out: dict[tuple[int, int], dict] = {}
    for (n, m), grp in itertools.groupby(sorted(rows, key=lambda r: (r["N"], r["M"], r["p"])),
                                         key=lambda r: (r["N"], r["M"])):
        g = list(grp)
        ps = np.array([r["p"] for r in g], float)
        f = np.array([r[key] for r in g])
        fe = np.array([r[key + "_err"] for r in g])
        snr = np.array([r["snr_" + key] for r in g])
        pc = err = float("nan")
        idx = np.nonzero((f[:-1] >= 0.5) & (f[1:] < 0.5))[0]
        if idx.size:
            i = idx[0]
            slope = (f[i + 1] - f[i]) / (ps[i + 1] - ps[i])
            pc = ps[i] + (0.5 - f[i]) / slope
            err = float(np.hypot(fe[i], fe[i + 1]) / abs(slope))
        sidx = np.nonzero((snr[:-1] >= 0.5) & (snr[1:] < 0.5))[0]
        snr_pc = float("nan")
        if sidx.size:
            i = sidx[0]
            snr_pc = ps[i] + (0.5 - snr[i]) * (ps[i + 1] - ps[i]) / (snr[i + 1] - snr[i])
        out[(n, m)] = {"N": n, "M": m, "p_c": float(pc), "p_c_err": err, "snr_p_c": snr_pc}
    return out


def bam_recall_examples(n_x: int = 256, n_y: int = 256, n_pairs: int = 5, *,
                        noise: float = 0.1, rng: SeedLike = 0) -> dict[str, Any]:
    """Store ``n_pairs`` random pairs, recall each from a noisy x and a noisy y.

    Parameters
    ----------
    n_x, n_y : int, default 256
        Layer sizes ``N`` (x) and ``M`` (y).
    n_pairs : int, default 5
        Number of stored random pairs ``p``.
    noise : float, default 0.1
        Fraction of bits flipped in the noisy probes (x and y alike).
    rng : SeedLike, default 0
        Seed or generator (``spinnet._rng.as_generator``); same seed, same result.

    Returns
    -------
    dict
        ``x, y`` (stored, (p, N) and (p, M)), ``x_noisy, x_from_x, y_from_x``
        (recall from noisy x), ``y_noisy, x_from_y, y_from_y`` (from noisy y),
        ``perfect_from_x, perfect_from_y`` (fractions of exact pairs).
    """
    from spinnet.hopfield.hetero import BAM

    gen = as_generator(rng)
    x = random_patterns(n_pairs, n_x, rng=gen)
    y = random_patterns(n_pairs, n_y, rng=gen)
    bam = BAM().fit(x, y)
    xn, yn = flip(x, noise, rng=gen), flip(y, noise, rng=gen)
    x1, y1 = bam.recall(x=xn, rng=gen)
    x2, y2 = bam.recall(y=yn, rng=gen)
    return {"x": x, "y": y, "x_noisy": xn, "x_from_x": x1, "y_from_x": y1,
            "y_noisy": yn, "x_from_y": x2, "y_from_y": y2,
            "perfect_from_x": float(np.mean(np.all(x1 == x, 1) & np.all(y1 == y, 1))),
            "perfect_from_y": float(np.mean(np.all(x2 == x, 1) & np.all(y2 == y, 1)))}


# ================================================================================ sequences
def sequence_theory(alpha: float, n_steps: int = 200, m0: float = 1.0
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Exact T = 0 overlap dynamics of sequence processing with parallel updates.

    For ``N → ∞`` the crosstalk noise stays Gaussian (the couplings are
    asymmetric and a step never feeds its own noise back through a symmetric
    reaction term), with variance ``α r(t)``:
    ``m(t+1) = erf(m(t) / √(2 α r(t)))``,
    ``r(t+1) = 1 + C(t)² r(t)``,
    ``C(t) = √(2 / (π α r(t))) exp(−m(t)² / (2 α r(t)))``, ``r(0) = 1``
    (Düring, Coolen & Sherrington 1998, the T = 0 limit of their exact
    solution; its fixed point gives ``α_c ≈ 0.2695``).

    Parameters
    ----------
    alpha : float
        Load ``α = p/N`` (> 0).
    n_steps : int, default 200
        Number of synchronous steps ``t``.
    m0 : float, default 1.0
        Initial overlap ``m(0)`` with the first pattern.

    Returns
    -------
    m, r : ndarray, shape (n_steps + 1,)
    """
    m = np.empty(n_steps + 1)
    r = np.empty(n_steps + 1)
    m[0], r[0] = m0, 1.0
    for t in range(n_steps):
        v = 2.0 * alpha * r[t]
        c = np.sqrt(2.0 / (np.pi * alpha * r[t])) * np.exp(-m[t] ** 2 / v)
        m[t + 1] = erf(m[t] / np.sqrt(v))
        r[t + 1] = 1.0 + c * c * r[t]
    return m, r


def sequence_theory_capacity(tol: float = 1e-6) -> tuple[float, float]:
    """``(α_c, m_c)``: the largest load with a retrieval fixed point of
    :func:`sequence_theory` (stationary ``m = erf(m/√(2αr))``, ``r = 1/(1 − C²)``),
    by bisection on whether the fixed-point iteration from ``m = 1`` survives.

    Parameters
    ----------
    tol : float, default 1e-6
        Width of the final bisection bracket in ``α`` (searched in [0.2, 0.35]).

    Returns
    -------
    alpha_c : float
        Capacity (≈ 0.2695; lower end of the final bracket).
    m_c : float
        Retrieval overlap of the fixed point at ``alpha_c`` (≈ 0.84).
    """
    def fixed(alpha: float) -> float:
        m, r = 1.0, 1.0
        for _ in range(20000):
            c2 = 2.0 / (np.pi * alpha * r) * np.exp(-m * m / (alpha * r))
            if c2 >= 1.0:
                return 0.0
            m_new, r_new = erf(m / np.sqrt(2.0 * alpha * r)), 1.0 / (1.0 - c2)
            if abs(m_new - m) < 1e-14 and abs(r_new - r) < 1e-12:
                return m_new
            m, r = m_new, r_new
            if m < 0.3:
                return 0.0
        return m

    lo, hi = 0.2, 0.35
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if fixed(mid) > 0.5:
            lo = mid
        else:
            hi = mid
    return lo, fixed(lo)


def sequence_capacity(sizes: Sequence[int], alphas: Sequence[float], *, n_sets: int = 20,
                      n_starts: int = 4, n_steps: int = 200, threshold: float = 0.5,
                      rng: SeedLike = 0, progress: ProgressCallback | None = None
                      ) -> list[dict]:
    """Success of sequence replay under synchronous dynamics vs load, for several N.

    For each ``(N, α)``: ``n_sets`` independent cyclic sequences of
    ``p = round(αN)`` random patterns; the replay starts exactly on
    ``n_starts`` patterns spread over the cycle (``ξ^1, ξ^{1+p/n_starts}, …``);
    criterion: the overlap with the pattern due after ``n_steps`` steps
    exceeds ``threshold``. (Retrieval overlaps near ``α_c`` are ≈ 0.84, lost
    sequences are at ≈ 0 ± 1/√N, so any threshold between them gives the same
    counts.) Sub-streams are keyed by ``(seed, N, α index, set)``.

    Parameters
    ----------
    sizes : sequence of int
        Network sizes ``N`` (each >= 10).
    alphas : sequence of float
        Loads ``α = p/N``; ``p = max(2, round(αN))``.
    n_sets : int, default 20
        Independent random sequences per ``(N, α)``.
    n_starts : int, default 4
        Starting patterns per sequence, spread over the cycle.
    n_steps : int, default 200
        Synchronous steps before the overlap is read.
    threshold : float, default 0.5
        Success criterion on the final overlap with the pattern due.
    rng : SeedLike, default 0
        Seed or generator; one integer is drawn from it (or an int is used as
        is) and keys independent sub-streams, so results do not depend on the order
        of the loops.
    progress : callable or None, default None
        Progress callback ``progress(stage, done, total)``
        (``spinnet._progress.report``); ``None`` reports nothing.

    Returns
    -------
    list of dict
        ``N, alpha, p, successes, trials, fraction, set_fractions`` (list of
        per-set fractions, for bootstrap errors), ``m_final_median``.
    """
    from spinnet.hopfield.sequence import sequence_replay

    seed = _seed_int(rng)
    sizes = [check_int(n, "sizes", minimum=10) for n in sizes]
    n_sets = check_int(n_sets, "n_sets", minimum=1)
    n_starts = check_int(n_starts, "n_starts", minimum=1)
    n_steps = check_int(n_steps, "n_steps", minimum=1)
    units = [(n, ia, a) for n in sizes for ia, a in enumerate(alphas)]
    rows = []
    report(progress, "sequence capacity", 0, len(units))
    for k, (n, ia, alpha) in enumerate(units):
        p = max(2, round(alpha * n))
        starts = (np.arange(n_starts) * p) // n_starts
        fractions, finals = [], []
        for r in range(n_sets):
            gen = np.random.default_rng([seed, n, ia, r])
            xi = random_patterns(p, n, rng=gen)
            _, ov = sequence_replay(xi, xi[starts], n_steps)
            m_end = ov[np.arange(n_starts), n_steps, (starts + n_steps) % p]
            fractions.append(float(np.mean(m_end > threshold)))
            finals += m_end.tolist()
        rows.append({"N": n, "alpha": float(alpha), "p": p,
                     "successes": round(sum(fractions) * n_starts),
                     "trials": n_sets * n_starts, "fraction": float(np.mean(fractions)),
                     "set_fractions": fractions, "m_final_median": float(np.median(finals))})
        report(progress, "sequence capacity", k + 1, len(units))
    return rows


def sequence_overlap_dynamics(n_spins: int, alphas: Sequence[float], *, n_steps: int = 40,
                              m0: float = 1.0, n_sets: int = 4, rng: SeedLike = 0
                              ) -> dict[str, Any]:
    """Overlap with the pattern due, ``m(t) = ξ^{1+t}·s(t)/N``, simulated next to
    :func:`sequence_theory`.

    Each set starts on ``ξ^1`` with a fraction ``(1 − m0)/2`` of its bits
    flipped. Returns ``{"t", "alphas", "simulated" (len(alphas), n_sets,
    n_steps + 1), "theory" (len(alphas), n_steps + 1)}``.

    Parameters
    ----------
    n_spins : int
        Number of spins ``N``.
    alphas : sequence of float
        Loads ``α``; ``p = max(2, round(αN))`` patterns, and the theory is run
        at the realised load ``p/N``.
    n_steps : int, default 40
        Synchronous steps.
    m0 : float, default 1.0
        Initial overlap with ``ξ^1``.
    n_sets : int, default 4
        Independent pattern sets per ``α``.
    rng : SeedLike, default 0
        Seed or generator; one integer is drawn from it (or an int is used as
        is) and keys independent sub-streams, so results do not depend on the order
        of the loops.

    Returns
    -------
    dict
        ``t`` (ndarray, shape (n_steps + 1,)), ``alphas`` (list),
        ``simulated`` (ndarray, shape (len(alphas), n_sets, n_steps + 1)),
        ``theory`` (ndarray, shape (len(alphas), n_steps + 1)), ``N`` (int).
    """
    from spinnet.hopfield.sequence import sequence_replay

    seed = _seed_int(rng)
    sim = np.zeros((len(alphas), n_sets, n_steps + 1))
    th = np.zeros((len(alphas), n_steps + 1))
    for ia, alpha in enumerate(alphas):
        p = max(2, round(alpha * n_spins))
        for r in range(n_sets):
            gen = np.random.default_rng([seed, n_spins, ia, r, 1])
            xi = random_patterns(p, n_spins, rng=gen)
            _, ov = sequence_replay(xi, flip(xi[0], (1 - m0) / 2, rng=gen), n_steps)
            sim[ia, r] = ov[np.arange(n_steps + 1), np.arange(n_steps + 1) % p]
        th[ia] = sequence_theory(p / n_spins, n_steps, m0=m0)[0]
    return {"t": np.arange(n_steps + 1), "alphas": list(alphas), "simulated": sim,
            "theory": th, "N": n_spins}


def sequence_dynamics_figure(result: dict[str, Any]):
    """m(t) of the replayed sequence: simulation (points, mean ± spread over sets)
    and the exact N → ∞ recursion (lines).

    Parameters
    ----------
    result : dict
        Output of :func:`sequence_overlap_dynamics`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = _axes()
    t = result["t"]
    for k, alpha in enumerate(result["alphas"]):
        sim = result["simulated"][k]
        ax.errorbar(t, sim.mean(axis=0), yerr=sim.std(axis=0, ddof=1) if sim.shape[0] > 1
                    else None, fmt="o", ms=3, color=f"C{k}", label=f"α = {alpha:g}: N = "
                    f"{result['N']}")
        ax.plot(t, result["theory"][k], color=f"C{k}", lw=1.2)
    ax.plot([], [], "k-", lw=1.2, label="theory N → ∞ (Düring et al. 1998)")
    ax.set_xlabel("synchronous step t")
    ax.set_ylabel("overlap with the pattern due, m(t)")
    ax.set_ylim(-0.05, 1.02)
    ax.legend(fontsize=7)
    return fig


def _probit_fit(alpha: np.ndarray, succ: np.ndarray, trials: np.ndarray,
                start: tuple[float, float] | None = None) -> tuple[float, float]:
    """Maximum-likelihood ``(α_c, w)`` of ``P(success) = ½ erfc((α − α_c)/(√2 w))``."""
    from scipy.optimize import minimize

    def nll(theta):
        ac, logw = theta
        q = 0.5 * erfc((alpha - ac) / (np.sqrt(2) * np.exp(logw)))
        q = np.clip(q, 1e-12, 1 - 1e-12)
        return -np.sum(succ * np.log(q) + (trials - succ) * np.log1p(-q))

    if start is None:
        f = succ / trials
        start = (float(alpha[np.argmin(np.abs(f - 0.5))]), 0.005)
    res = minimize(nll, [start[0], np.log(start[1])], method="Nelder-Mead",
                   options={"xatol": 1e-6, "fatol": 1e-7, "maxiter": 2000})
    return float(res.x[0]), float(np.exp(res.x[1]))


def fit_sequence_capacity(rows: Sequence[dict], *, n_boot: int = 100, rng: SeedLike = 0
                          ) -> list[dict]:
    """α_c(N) from :func:`sequence_capacity` rows: probit fit of the success fraction
    (maximum likelihood), error = bootstrap over pattern sets (starts within a set
    are correlated, so sets are resampled as units).

    Parameters
    ----------
    rows : sequence of dict
        Rows of :func:`sequence_capacity` (keys ``N, alpha, trials, set_fractions``).
    n_boot : int, default 100
        Bootstrap resamples of the pattern sets.
    rng : SeedLike, default 0
        Seed or generator of the bootstrap.

    Returns
    -------
    list of dict
        ``N, alpha_c, alpha_c_err, width``.
    """
    gen = as_generator(rng)
    out = []
    for n in sorted({r["N"] for r in rows}):
        g = sorted((r for r in rows if r["N"] == n), key=lambda r: r["alpha"])
        a = np.array([r["alpha"] for r in g])
        sets = [np.asarray(r["set_fractions"]) for r in g]
        starts = g[0]["trials"] // len(sets[0])
        succ = np.array([s.sum() * starts for s in sets])
        tri = np.array([len(s) * starts for s in sets], float)
        ac, w = _probit_fit(a, succ, tri)
        boots = []
        for _ in range(n_boot):
            bs = np.array([gen.choice(s, size=len(s)).sum() * starts for s in sets])
            boots.append(_probit_fit(a, bs, tri, start=(ac, w))[0])
        out.append({"N": n, "alpha_c": ac, "alpha_c_err": float(np.std(boots, ddof=1)),
                    "width": w})
    return out


def extrapolate_capacity(fits: Sequence[dict], *, exponent: float | None = None
                         ) -> dict[str, float]:
    """Weighted least-squares ``α_c(N) = α_∞ + a N^{−ν}``.

    ``exponent=None`` fits ``ν`` too (non-linear, needs >= 4 sizes); a number
    fixes it (linear fit). Returns ``alpha_inf, alpha_inf_err, a, nu, nu_err, chi2,
    dof`` (errors from the covariance of the fit, with the given ``alpha_c_err``).

    Parameters
    ----------
    fits : sequence of dict
        Rows of :func:`fit_sequence_capacity` (keys ``N, alpha_c, alpha_c_err``).
    exponent : float or None, default None
        Fixed finite-size exponent ``ν``; ``None`` fits it.

    Returns
    -------
    dict
        ``alpha_inf, alpha_inf_err, a, nu, nu_err`` (0 when ``ν`` is fixed),
        ``chi2, dof``.
    """
    from scipy.optimize import curve_fit

    n = np.array([f["N"] for f in fits], float)
    y = np.array([f["alpha_c"] for f in fits])
    e = np.array([f["alpha_c_err"] for f in fits])
    e = np.where(e > 0, e, np.nanmax(e) if np.any(e > 0) else 1e-3)
    if exponent is None:
        def model(x, ainf, a, nu):
            return ainf + a * x ** (-nu)
        p0 = [y[-1], (y[0] - y[-1]) * n[0] ** 0.5, 0.5]
        popt, pcov = curve_fit(model, n, y, p0=p0, sigma=e, absolute_sigma=True, maxfev=20000)
        nu = float(popt[2])
        nu_err = float(np.sqrt(pcov[2, 2]))
    else:
        def model(x, ainf, a):
            return ainf + a * x ** (-exponent)
        popt, pcov = curve_fit(model, n, y, p0=[y[-1], 0.0], sigma=e, absolute_sigma=True)
        nu = float(exponent)
        nu_err = 0.0
    resid = (y - model(n, *popt)) / e
    return {"alpha_inf": float(popt[0]), "alpha_inf_err": float(np.sqrt(pcov[0, 0])),
            "a": float(popt[1]), "nu": nu, "nu_err": nu_err,
            "chi2": float(np.sum(resid ** 2)),
            "dof": int(len(n) - len(popt))}


def delayed_replay(n_spins: int = 500, n_patterns: int = 10, *, lam: float = 2.0,
                   tau: int = 8, n_sweeps: int | None = None, temperature: float = 0.0,
                   rng: SeedLike = 0) -> dict[str, Any]:
    """Replay a cyclic sequence with the delayed-synapse network (async dynamics).

    Parameters
    ----------
    n_spins : int, default 500
        Number of spins ``N``.
    n_patterns : int, default 10
        Length ``p`` of the cyclic sequence ``ξ^1 → … → ξ^p → ξ^1``.
    lam : float, default 2.0
        Strength ``λ`` of the delayed (sequence) couplings relative to the
        symmetric Hebb couplings.
    tau : int, default 8
        Synaptic delay ``τ`` in sweeps.
    n_sweeps : int or None, default None
        Length of the run; ``None`` gives ``(p + 2)(τ + 2)``.
    temperature : float, default 0.0
        Glauber temperature (0: deterministic).
    rng : SeedLike, default 0
        Seed or generator (``spinnet._rng.as_generator``); same seed, same result.

    Returns
    -------
    dict
        ``overlaps`` (n_sweeps + 1, p), ``peaks`` (max overlap of each pattern
        during its first visit after the start), ``dwell`` (sweeps each pattern
        of the first pass led with overlap > 0.5), ``order_ok`` (the leading
        pattern follows ξ^1, ξ^2, … in order).
    """
    from spinnet.hopfield.sequence import DelayedSequenceNetwork

    gen = as_generator(rng)
    xi = random_patterns(n_patterns, n_spins, rng=gen)
    net = DelayedSequenceNetwork(lam=lam, tau=tau).fit(xi)
    n_sweeps = n_sweeps if n_sweeps is not None else (n_patterns + 2) * (tau + 2)
    _, ov = net.replay(n_sweeps=n_sweeps, temperature=temperature, rng=gen)
    lead = np.argmax(ov, axis=1)
    changes = np.concatenate([[0], np.nonzero(np.diff(lead))[0] + 1])
    visited = lead[changes]
    expected = np.arange(len(visited)) % n_patterns
    peaks = np.zeros(n_patterns)
    dwell = np.zeros(n_patterns)
    for mu in range(n_patterns):
        above = np.nonzero(ov[:, mu] > 0.5)[0]
        if above.size:
            run_end = above[0] + np.argmax(np.diff(np.append(above, -10)) != 1)
            peaks[mu] = ov[above[0]:run_end + 1, mu].max()
            dwell[mu] = run_end - above[0] + 1
    return {"overlaps": ov, "peaks": peaks, "dwell": dwell,
            "order_ok": bool(np.array_equal(visited, expected)), "tau": tau, "lam": lam}


# ================================================================================= figures
def _axes(figsize=(6.4, 4.4)):
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def sequence_raster_figure(overlaps: Any, *, title: str | None = None, tau: int | None = None):
    """Raster of overlaps ``m^μ(t)`` (pattern × time) and their traces.

    Parameters
    ----------
    overlaps : array_like, shape (n_times, p)
        Overlaps ``m^μ(t)``, e.g. ``delayed_replay(...)["overlaps"]``.
    title : str or None, default None
        Title; ``None`` gives "delayed-synapse sequence" (with ``τ``).
    tau : int or None, default None
        Delay shown in the default title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    ov = np.asarray(overlaps)
    fig = Figure(figsize=(7.2, 5.0), layout="constrained")
    ax1, ax2 = fig.subplots(2, 1, sharex=True, height_ratios=[1.2, 1])
    im = ax1.imshow(ov.T, aspect="auto", origin="lower", cmap="RdBu_r", vmin=-1, vmax=1,
                    interpolation="nearest", extent=(-0.5, ov.shape[0] - 0.5, 0.5,
                                                     ov.shape[1] + 0.5))
    ax1.set_ylabel("pattern μ")
    fig.colorbar(im, ax=ax1, label="overlap m^μ(t)")
    for mu in range(ov.shape[1]):
        ax2.plot(ov[:, mu], lw=1.2)
    ax2.axhline(0.9, color="k", ls=":", lw=0.8)
    ax2.set_xlabel("time (sweeps)")
    ax2.set_ylabel("m^μ(t)")
    ax2.set_ylim(-0.3, 1.05)
    ax1.set_title(title or ("delayed-synapse sequence" + (f", τ = {tau}" if tau else "")))
    return fig


def sequence_capacity_figure(rows: Sequence[dict], fits: Sequence[dict],
                             extrapolation: dict[str, float] | None = None):
    """Left: success fraction vs α per N (probit fits); right: α_c(N) vs N^{-ν}.

    Parameters
    ----------
    rows : sequence of dict
        Rows of :func:`sequence_capacity`.
    fits : sequence of dict
        Rows of :func:`fit_sequence_capacity`.
    extrapolation : dict or None, default None
        Output of :func:`extrapolate_capacity`; ``None`` plots against
        ``N^{-1/2}`` without a fit line.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10.0, 4.2), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    for f in fits:
        g = sorted((r for r in rows if r["N"] == f["N"]), key=lambda r: r["alpha"])
        a = np.array([r["alpha"] for r in g])
        fr = np.array([r["fraction"] for r in g])
        err = np.array([np.std(r["set_fractions"], ddof=1) / np.sqrt(len(r["set_fractions"]))
                        if len(r["set_fractions"]) > 1 else 0.0 for r in g])
        line = ax1.errorbar(a, fr, yerr=err, fmt="o", ms=4, label=f"N = {f['N']}")
        fine = np.linspace(a.min(), a.max(), 200)
        ax1.plot(fine, 0.5 * erfc((fine - f["alpha_c"]) / (np.sqrt(2) * f["width"])),
                 color=line[0].get_color(), lw=1)
    ax1.axvline(ALPHA_C_SEQUENCE, color="k", ls="--", lw=1, label="α_c = 0.269 (DCS 1998)")
    ax1.set_xlabel("load α = p/N")
    ax1.set_ylabel("fraction of sequences still replayed")
    ax1.legend(fontsize=8)
    n = np.array([f["N"] for f in fits], float)
    ac = np.array([f["alpha_c"] for f in fits])
    ae = np.array([f["alpha_c_err"] for f in fits])
    nu = extrapolation["nu"] if extrapolation else 0.5
    x = n ** (-nu)
    ax2.errorbar(x, ac, yerr=ae, fmt="o", label="simulation α_c(N)")
    if extrapolation:
        xf = np.linspace(0, x.max() * 1.05, 100)
        ax2.plot(xf, extrapolation["alpha_inf"] + extrapolation["a"] * xf, "C1-",
                 label=f"fit: α_∞ = {extrapolation['alpha_inf']:.4f} ± "
                       f"{extrapolation['alpha_inf_err']:.4f}")
    ax2.axhline(ALPHA_C_SEQUENCE, color="k", ls="--", lw=1, label="0.269 (theory)")
    ax2.set_xlabel(f"N^(-{nu:.3g})")
    ax2.set_ylabel("α_c(N)")
    ax2.set_xlim(left=0)
    ax2.legend(fontsize=8)
    return fig


def bam_capacity_figure(rows: Sequence[dict], *, noise: float):
    """Recalled fraction vs p per shape (points with errors); lines: the signal-to-noise
    estimate that a stored pair is a fixed point (solid) and that the first step from
    the noisy probe is already exact (dotted).

    Parameters
    ----------
    rows : sequence of dict
        Rows of :func:`bam_capacity`.
    noise : float
        Probe noise ``ρ`` used for the rows (label and the dotted estimate).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = _axes()
    for k, ((n, m), grp) in enumerate(itertools.groupby(
            sorted(rows, key=lambda r: (r["N"], r["M"], r["p"])), key=lambda r: (r["N"], r["M"]))):
        g = list(grp)
        ps = np.array([r["p"] for r in g])
        ax.errorbar(ps, [r["recalled"] for r in g], yerr=[r["recalled_err"] for r in g],
                    fmt="o", ms=4, color=f"C{k}", label=f"N = {n}, M = {m}: recalled")
        fine = np.linspace(1, ps.max(), 300)
        ax.plot(fine, bam_snr_fixed_point(n, m, fine, 0.0), color=f"C{k}", lw=1.2,
                label="SNR estimate: pair is a fixed point" if k == 0 else None)
        ax.plot(fine, bam_snr_fixed_point(n, m, fine, noise), color=f"C{k}", lw=1, ls=":",
                label="SNR estimate: first step already exact" if k == 0 else None)
    ax.set_xlabel("stored pairs p")
    ax.set_ylabel(f"fraction of pairs recalled exactly ({noise:.0%} noise on x)")
    ax.set_ylim(-0.03, 1.03)
    ax.legend(fontsize=7)
    return fig


def bam_recall_figure(examples: dict[str, Any], shape_x: tuple[int, int],
                      shape_y: tuple[int, int], n_show: int = 4):
    """Grid: stored x, noisy x, recalled x, recalled y, stored y; then from noisy y.

    Parameters
    ----------
    examples : dict
        Output of :func:`bam_recall_examples`.
    shape_x, shape_y : (int, int)
        Image shapes the x and y vectors are reshaped to (products ``N``, ``M``).
    n_show : int, default 4
        Number of pairs (rows) shown, at most ``p``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    cols = [("x", "x", shape_x), ("x_noisy", "noisy x", shape_x),
            ("x_from_x", "x ← noisy x", shape_x), ("y_from_x", "y ← noisy x", shape_y),
            ("y", "y", shape_y), ("y_noisy", "noisy y", shape_y),
            ("x_from_y", "x ← noisy y", shape_x)]
    k = min(n_show, examples["x"].shape[0])
    fig = Figure(figsize=(1.25 * len(cols), 1.3 * k + 0.4))
    axes = fig.subplots(k, len(cols), squeeze=False)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.93, wspace=0.08, hspace=0.08)
    for i in range(k):
        for j, (key, label, shape) in enumerate(cols):
            ax = axes[i, j]
            ax.imshow(np.asarray(examples[key][i]).reshape(shape), cmap="gray_r", vmin=-1,
                      vmax=1, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if i == 0:
                ax.set_title(label, fontsize=8)
    return fig

