"""Experiments with attractor networks: online learning/forgetting and the TSP.

* :func:`online_learning` -- classes shown one after another through noisy
  exemplars to an :class:`~spinnet.hopfield.online.OnlineAttractorNetwork`;
  the overlap of the attractor reached from a noisy prototype with every
  class prototype vs presentation time, the forgetting curve, and checks that
  no exemplar is stored verbatim.
* :func:`online_typefaces` -- the same with letter classes drawn in every
  matplotlib font (:func:`spinnet.datasets.typefaces`), the binarised mean
  glyph as prototype, and the glyphs of a held-out font classified by the
  attractor they reach; :func:`typefaces_experiment` is its pipeline
  (``spinnet attractor online --data typefaces``).
* :func:`tsp_comparison` -- Hopfield-Tank vs exact / 2-opt / annealing on
  random instances.
* :func:`online_experiment` and :func:`tsp_experiment` -- the pipelines of
  ``spinnet attractor online`` and ``spinnet tsp``: run, write tables, figures
  and ``manifest.json`` into ``out``, return a summary to print. The TSP keeps
  every finished instance in ``tsp.partial.json`` (atomically), so an
  interrupted run resumes.
"""

from __future__ import annotations

import json
import math
import string
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from spinnet._progress import ProgressCallback, report
from spinnet._rng import SeedLike, as_generator, spawn
from spinnet._validation import check_array, check_fraction, check_int, check_option
from spinnet.hopfield.online import OnlineAttractorNetwork, SynapticDynamics, noisy_exemplars
from spinnet.spins import flip, random_patterns

__all__ = ["HELD_OUT_FONT", "OVERLAP_KINDS", "TSP_METHODS", "OnlineLearningResult",
           "TypefaceLearningResult",
           "class_mean_reference", "online_experiment", "online_learning", "online_typefaces",
           "orthogonal_name_codes",
           "tsp_comparison", "tsp_experiment", "typeface_prototypes_figure",
           "typefaces_experiment", "typefaces_figure"]


@dataclass
class OnlineLearningResult:
    """Outcome of :func:`online_learning`.

    Attributes
    ----------
    times : ndarray, shape (R,)
        Presentations elapsed at each record.
    overlaps : ndarray, shape (R, K)
        Overlap ``m_k = ξ^k · s*/N`` of the attractor ``s*`` reached (no
        stimulus, no learning) from a noisy copy of prototype ``k`` with
        prototype ``k``; classes not yet shown have their overlap recorded too
        (near 0: no attractor).
    class_start : ndarray of int, shape (K,)
        Presentation at which each class was first shown.
    final_overlaps : ndarray, shape (K,)
        ``m_k`` at the end (the forgetting curve against ``age``).
    age : ndarray of int, shape (K,)
        Classes shown after class ``k`` (0 for the last one).
    retrieved_after_class : ndarray of int, shape (K,)
        Number of classes with ``m > retrieval_threshold`` just after the
        presentation of class ``k`` ends: stays finite (palimpsest).
    formation_time : ndarray, shape (K,)
        Presentations of class ``k`` until its attractor first had
        ``m > retrieval_threshold`` (``nan``: never).
    state_prototype_overlap, state_exemplar_overlap : ndarray, shape (K * P,)
        Overlap of the state the synapses learnt from with the class prototype
        and with the exemplar shown, per presentation: above ``1 - 2·noise``
        (and towards 1) once an attractor corrects the exemplar.
    exemplar_attractor_overlap : ndarray, shape (K,)
        Mean over the exemplars of class ``k`` of the overlap between the
        exemplar and the attractor it relaxes to (at the end of the class's
        presentation); ``≈ 1 - 2·noise``, not 1: the exemplars are not stored.
    exemplar_prototype_attractor : ndarray, shape (K,)
        Mean overlap of those attractors with the prototype (``≈ 1``).
    exemplar_fixed_fraction : float
        Fraction of all presented exemplars that are fixed points of the
        couplings right after their class was shown (0: none stored verbatim).
    parameters : dict
    """

    times: np.ndarray
    overlaps: np.ndarray
    class_start: np.ndarray
    final_overlaps: np.ndarray
    age: np.ndarray
    retrieved_after_class: np.ndarray
    formation_time: np.ndarray
    state_prototype_overlap: np.ndarray
    state_exemplar_overlap: np.ndarray
    exemplar_attractor_overlap: np.ndarray
    exemplar_prototype_attractor: np.ndarray
    exemplar_fixed_fraction: float
    parameters: dict = field(default_factory=dict)

    def overlap_rows(self) -> list[dict]:
        """Tidy rows ``time, class, overlap, presented`` (one per record and class)."""
        k = self.overlaps.shape[1]
        rows = []
        for r, t in enumerate(self.times):
            current = int(np.searchsorted(self.class_start, t, side="right")) - 1
            for c in range(k):
                rows.append({"time": int(t), "class": c, "overlap": float(self.overlaps[r, c]),
                             "current_class": current})
        return rows

    def class_rows(self) -> list[dict]:
        """One row per class: start, age, final overlap, formation time, exemplar checks."""
        return [{"class": c, "start": int(self.class_start[c]), "age": int(self.age[c]),
                 "final_overlap": float(self.final_overlaps[c]),
                 "formation_time": float(self.formation_time[c]),
                 "retrieved_after_class": int(self.retrieved_after_class[c]),
                 "attractor_vs_exemplar": float(self.exemplar_attractor_overlap[c]),
                 "attractor_vs_prototype": float(self.exemplar_prototype_attractor[c])}
                for c in range(len(self.class_start))]


def _check_presentation(noise: float, probe_noise: float, record_every: int,
                        retrieval_threshold: float) -> tuple[float, float, int, float]:
    """The checks shared by the online experiments (random prototypes and typefaces)."""
    noise = check_fraction(noise, "noise")
    if noise >= 0.5:
        raise ValueError(f"noise must be < 0.5 (exemplars must resemble their class); got {noise}")
    probe_noise = check_fraction(probe_noise, "probe_noise")
    if probe_noise >= 0.5:
        raise ValueError(f"probe_noise must be < 0.5; got {probe_noise}")
    record_every = check_int(record_every, "record_every", minimum=1)
    return noise, probe_noise, record_every, check_fraction(retrieval_threshold,
                                                            "retrieval_threshold")


def online_learning(n_neurons: int = 400, n_classes: int = 12, n_exemplars: int = 20,
                    noise: float = 0.2, *, decay: float = 0.02, learning_rate: float = 0.05,
                    bound: float | None = None, stimulus: float = 0.2,
                    temperature: float = 0.0, probe_noise: float = 0.2,
                    record_every: int = 2, retrieval_threshold: float = 0.9,
                    rng: SeedLike = None,
                    progress: ProgressCallback | None = None
                    ) -> OnlineLearningResult:
    """Classes presented in sequence through noisy exemplars; learning and recall in one loop.

    Protocol. ``K = n_classes`` random prototypes ``ξ^k``; class ``k`` is shown
    for ``P = n_exemplars`` presentations, each a fresh exemplar (every spin of
    ``ξ^k`` flipped with probability ``noise``), through
    :meth:`OnlineAttractorNetwork.present` (stimulus ``H₀ = stimulus``,
    synapses ``dJ/dt = -aJ + (ε/N) s sᵀ``, optional clipping). Every
    ``record_every`` presentations (and after each class) a frozen copy of the
    couplings is probed: for every class, a copy of its prototype with a
    fraction ``probe_noise`` of spins flipped relaxes at ``T = 0`` without
    stimulus, and the overlap of the fixed point with the prototype is
    recorded.

    Parameters
    ----------
    n_neurons, n_classes, n_exemplars : int
    noise : float in [0, 0.5)
        Exemplar noise ``q`` (overlap with the prototype ``1 - 2q``).
    decay, learning_rate, bound : float
        Synaptic dynamics (:class:`~spinnet.hopfield.online.SynapticDynamics`).
    stimulus, temperature : float
        ``H₀`` and neuronal temperature.
    probe_noise : float in [0, 0.5)
    record_every : int
    retrieval_threshold : float
        A class counts as retrieved when ``m`` exceeds it.
    rng : SeedLike
    progress : ProgressCallback, optional
        ``progress("presentations", done, total)`` after each presentation.

    Returns
    -------
    OnlineLearningResult
    """
    n = check_int(n_neurons, "n_neurons", minimum=10)
    k = check_int(n_classes, "n_classes", minimum=1)
    p = check_int(n_exemplars, "n_exemplars", minimum=1)
    noise, probe_noise, record_every, retrieval_threshold = _check_presentation(
        noise, probe_noise, record_every, retrieval_threshold)
    rule = SynapticDynamics(decay=decay, learning_rate=learning_rate, bound=bound)
    gen = as_generator(rng)
    prototypes = random_patterns(k, n, rng=gen)
    net = OnlineAttractorNetwork(n, rule, stimulus=stimulus, temperature=temperature, rng=gen)
    xf = prototypes.astype(np.float64)

    def probe() -> np.ndarray:
        att = net.recall(flip(prototypes, probe_noise, rng=gen), rng=gen)
        return np.einsum("kn,kn->k", att.astype(np.float64), xf) / n

    times, records = [0], [probe()]
    class_start = np.arange(k) * p
    formation = np.full(k, math.nan)
    retrieved_after = np.zeros(k, dtype=np.int64)
    st_proto, st_ex = np.empty(k * p), np.empty(k * p)
    ex_att, ex_proto_att = np.empty(k), np.empty(k)
    fixed = 0
    t = 0
    for c in range(k):
        exemplars = noisy_exemplars(prototypes[c], p, noise, rng=gen)
        for j in range(p):
            s = net.present(exemplars[j], rng=gen).astype(np.float64)
            st_proto[t] = s @ xf[c] / n
            st_ex[t] = s @ exemplars[j] / n
            t += 1
            if t % record_every == 0 or j == p - 1:
                m = probe()
                times.append(t)
                records.append(m)
                if math.isnan(formation[c]) and m[c] > retrieval_threshold:
                    formation[c] = j + 1
            report(progress, "presentations", t, k * p)
        retrieved_after[c] = int(np.sum(records[-1] > retrieval_threshold))
        fixed += int(net.is_fixed_point(exemplars).sum())
        att = net.recall(exemplars, rng=gen).astype(np.float64)
        ex_att[c] = float(np.mean(np.einsum("pn,pn->p", att, exemplars) / n))
        ex_proto_att[c] = float(np.mean(att @ xf[c] / n))
    overlaps = np.asarray(records)
    params = dict(n_neurons=n, n_classes=k, n_exemplars=p, noise=noise, decay=rule.decay,
                  learning_rate=rule.learning_rate, bound=rule.bound, stimulus=net.stimulus,
                  temperature=net.temperature, probe_noise=probe_noise,
                  record_every=record_every, retrieval_threshold=retrieval_threshold)
    return OnlineLearningResult(
        times=np.asarray(times), overlaps=overlaps, class_start=class_start,
        final_overlaps=overlaps[-1].copy(), age=(k - 1 - np.arange(k)),
        retrieved_after_class=retrieved_after, formation_time=formation,
        state_prototype_overlap=st_proto, state_exemplar_overlap=st_ex,
        exemplar_attractor_overlap=ex_att, exemplar_prototype_attractor=ex_proto_att,
        exemplar_fixed_fraction=fixed / (k * p), parameters=params)


# ------------------------------------------------------------------------- typefaces
#: Default held-out typeface of :func:`online_typefaces` (a serif face whose relatives
#: DejaVu Serif and STIX are among the training fonts).
HELD_OUT_FONT = "Computer Modern Roman (cmr10)"
#: Definitions of "the overlap of a state with a class mean" (:func:`class_mean_reference`).
OVERLAP_KINDS = ("weighted", "support", "all")


def orthogonal_name_codes(n_classes: int, length: int, rng: SeedLike = None
                          ) -> tuple[np.ndarray, np.ndarray]:
    """Mutually orthogonal ±1 name codes and a blank orthogonal to all of them.

    ``n_classes + 1`` distinct rows, other than the all-ones row, of the
    Sylvester-Hadamard matrix of order ``L = length`` (Sylvester 1867), drawn
    at random, with their columns permuted at random: every code has zero
    mean and ``c_k · c_l = L δ_kl``. The last row is the *blank*: a name part
    with zero overlap with every class name, so a probe that carries it favours
    no class (a random ±1 name part overlaps each name by ``O(1/√L)``, enough
    to tip the race between similar letters).

    Parameters
    ----------
    n_classes : int
        ``K >= 1``.
    length : int
        ``L``, a power of 2 with ``L >= K + 2`` (the all-ones row is never used).
    rng : SeedLike

    Returns
    -------
    codes : ndarray of int8, shape (K, L)
    blank : ndarray of int8, shape (L,)

    References
    ----------
    J. J. Sylvester, Phil. Mag. 34, 461 (1867); orthogonal label codes in
    associative memories: T. Kohonen, *Self-Organization and Associative
    Memory* (Springer, 1984), ch. 6.
    """
    from scipy.linalg import hadamard

    k = check_int(n_classes, "n_classes", minimum=1)
    length = check_int(length, "length", minimum=2)
    if length & (length - 1) or length < k + 2:
        raise ValueError(f"length must be a power of 2 >= n_classes + 2 = {k + 2}; "
                         f"got {length}")
    gen = as_generator(rng)
    rows = gen.choice(np.arange(1, length), size=k + 1, replace=False)
    perm = gen.permutation(length)
    codes = hadamard(length)[rows][:, perm].astype(np.int8)
    return codes[:k], codes[k]


@dataclass
class TypefaceLearningResult(OnlineLearningResult):
    """:class:`OnlineLearningResult` of :func:`online_typefaces`, plus the typeface checks.

    The prototypes are the binarised class means over the training fonts.

    Attributes
    ----------
    chars : str
        The ``K`` classes, in presentation order.
    fonts : tuple of str
        Training typefaces.
    held_out_font : str
    prototypes : ndarray of int8, shape (K, N)
        ``sign`` of the mean training glyph of each class.
    held_out : ndarray of int8, shape (K, N)
        The held-out font's glyphs.
    attractors : ndarray of int8, shape (K, N)
        Attractor reached from prototype ``k`` at the end of the last block in
        which class ``k`` was shown (block ``k + window - 1``, or the last
        block; ``k`` for ``window = 1``). Glyph part only.
    held_out_attractors : ndarray of int8, shape (K, N)
        Attractor reached from held-out glyph ``k`` at the same time.
    window_overlap : ndarray, shape (K,)
        Overlap of ``attractors[k]``'s probe result with prototype ``k`` at that time.
    window_correct : ndarray, shape (K,)
        Whether held-out glyph ``k`` was classified right at that time, among
        the ``recent`` classes (``nan`` if ``k`` was not among them).
    overlap_by_age : ndarray, shape (K, K)
        ``[c, a]``: at the end of block ``c``, overlap of the attractor from
        prototype ``c - a`` with that prototype (``nan`` for ``a > c``).
    overlap_by_age_kinds : dict of str to ndarray, shape (K, K)
        The same for every definition of the overlap with a class mean
        (``"weighted"``, ``"support"``, ``"all"``; same attractors, so
        ``overlap_by_age_kinds[overlap]`` is ``overlap_by_age``).
    presented_classes, presented_fonts : ndarray of int, shape (K·P,)
        The class and the training font (index into ``fonts``) of every
        presentation, in order: what the network saw, e.g. to compare its
        attractors with the sign of the decay-weighted mean of the glyphs shown.
    held_out_correct : ndarray, shape (K, K)
        ``[c, k]``: at the end of block ``c``, whether held-out glyph ``k``
        (``k <= c``) relaxes to a state nearest (largest overlap) to prototype
        ``k`` among the classes shown so far (``nan`` for ``k > c``).
    recent_correct : ndarray, shape (K, K)
        ``[c, k]``: at the end of block ``c``, for the ``R = recent`` classes
        shown last (``c - R < k <= c``; ``nan`` otherwise), whether the state
        held-out glyph ``k`` relaxes to is nearest to prototype ``k`` among
        those ``R`` candidates (chance ``1/R``).
    recent_direct : ndarray, shape (K, K)
        The same classification of the held-out glyph itself, without the
        network (the control: what the representation alone gives).
    recent_retrieved : ndarray, shape (K, K)
        ``[c, k]``: whether that state overlaps prototype ``k`` by at least
        ``retrieval_threshold`` (the glyph reached its class attractor).
    recent_overlap : ndarray, shape (K, K)
        ``[c, k]``: overlap with prototype ``k`` of the attractor reached from
        prototype ``k``, for the ``R`` classes shown last.
    times : ndarray, shape (R,)
        Presentations elapsed at each record.
    overlaps : ndarray, shape (R, K)
        Overlap ``m_k = ξ^k · s*/N`` of the attractor ``s*`` reached (no
        stimulus, no learning) from a noisy copy of prototype ``k`` with
        prototype ``k``; classes not yet shown have their overlap recorded too
        (near 0: no attractor).
    class_start : ndarray of int, shape (K,)
        Presentation at which each class was first shown.
    final_overlaps : ndarray, shape (K,)
        ``m_k`` at the end (the forgetting curve against ``age``).
    age : ndarray of int, shape (K,)
        Classes shown after class ``k`` (0 for the last one).
    retrieved_after_class : ndarray of int, shape (K,)
        Number of classes with ``m > retrieval_threshold`` just after the
        presentation of class ``k`` ends: stays finite (palimpsest).
    formation_time : ndarray, shape (K,)
        Presentations of class ``k`` until its attractor first had
        ``m > retrieval_threshold`` (``nan``: never).
    state_prototype_overlap, state_exemplar_overlap : ndarray, shape (K * P,)
        Overlap of the state the synapses learnt from with the class prototype
        and with the exemplar shown, per presentation: above ``1 - 2·noise``
        (and towards 1) once an attractor corrects the exemplar.
    exemplar_attractor_overlap : ndarray, shape (K,)
        Mean over the exemplars of class ``k`` of the overlap between the
        exemplar and the attractor it relaxes to (at the end of the class's
        presentation); ``≈ 1 - 2·noise``, not 1: the exemplars are not stored.
    exemplar_prototype_attractor : ndarray, shape (K,)
        Mean overlap of those attractors with the prototype (``≈ 1``).
    exemplar_fixed_fraction : float
        Fraction of all presented exemplars that are fixed points of the
        couplings right after their class was shown (0: none stored verbatim).
    parameters : dict
        The arguments of the run (inherited, like the entries from ``times`` on).
    """

    chars: str = ""
    fonts: tuple = ()
    held_out_font: str = ""
    prototypes: np.ndarray | None = None
    held_out: np.ndarray | None = None
    attractors: np.ndarray | None = None
    held_out_attractors: np.ndarray | None = None
    overlap_by_age: np.ndarray | None = None
    overlap_by_age_kinds: dict | None = None
    presented_classes: np.ndarray | None = None
    presented_fonts: np.ndarray | None = None
    held_out_correct: np.ndarray | None = None
    recent_correct: np.ndarray | None = None
    recent_direct: np.ndarray | None = None
    recent_retrieved: np.ndarray | None = None
    recent_overlap: np.ndarray | None = None
    window_overlap: np.ndarray | None = None
    window_correct: np.ndarray | None = None

    def held_out_rows(self) -> list[dict]:
        """One row per block ``c``: held-out accuracy on the current class and on all shown."""
        rows = []
        for c in range(len(self.chars)):
            seen = self.held_out_correct[c, :c + 1]
            rows.append({"block": c, "class": self.chars[c],
                         "current_correct": bool(seen[c]),
                         "seen_accuracy": float(np.mean(seen)), "chance": 1.0 / (c + 1),
                         "m_age0": float(self.overlap_by_age[c, 0]),
                         "m_age1": float(self.overlap_by_age[c, 1]) if c >= 1 else math.nan,
                         "m_age2": float(self.overlap_by_age[c, 2]) if c >= 2 else math.nan,
                         "recent_accuracy": float(np.nanmean(self.recent_correct[c])),
                         "recent_chance": 1.0 / int(np.sum(np.isfinite(self.recent_correct[c]))),
                         "recent_min_overlap": float(np.nanmin(self.recent_overlap[c]))})
        return rows


def class_mean_reference(class_means: Any, overlap: str = "weighted"
                         ) -> tuple[np.ndarray, np.ndarray]:
    """Reference vectors and norms of "the overlap of a state with a class mean".

    The overlap of a ±1 state ``s`` with class ``k`` is ``s · r_k / z_k``:

    * ``"weighted"``: ``r_k = μ_k`` (the mean glyph), ``z_k = Σ_i |μ_ki|`` --
      1 iff ``s = sign(μ_k)`` wherever ``μ_ki ≠ 0``; pixels weigh by how
      consistently the exemplars agree on them;
    * ``"support"``: ``r_k = sign(μ_k)``, ``z_k = #{i: μ_ki ≠ 0}`` -- the
      fraction-of-agreement overlap on the pixels where the mean has a sign;
    * ``"all"``: ``r_k = ξ_k`` the binarised mean (``μ_ki = 0`` → -1),
      ``z_k = n`` -- the Mattis overlap with the binarised prototype.

    Parameters
    ----------
    class_means : array_like, shape (K, n)
        Mean exemplar of each class, entries in [-1, 1].
    overlap : {"weighted", "support", "all"}

    Returns
    -------
    reference : ndarray, shape (K, n)
    norm : ndarray, shape (K,)
        Positive; ``s · reference[k] / norm[k]`` lies in [-1, 1].

    References
    ----------
    Mattis overlap: D. J. Amit, *Modeling Brain Function* (1989), sec. 4.1.
    """
    mu = check_array(class_means, "class_means", ndim=2, dtype=np.float64)
    if np.any(np.abs(mu) > 1):
        raise ValueError(f"class_means must lie in [-1, 1]; got max |mu| = "
                         f"{float(np.max(np.abs(mu)))}")
    if overlap == "all":
        return np.where(mu > 0, 1.0, -1.0), np.full(mu.shape[0], float(mu.shape[1]))
    if overlap == "support":
        ref = np.sign(mu)
    elif overlap == "weighted":
        ref = mu.copy()
    else:
        raise ValueError(f"overlap must be 'weighted', 'support' or 'all'; got {overlap!r}")
    norm = np.abs(ref).sum(axis=1)
    if np.any(norm == 0):
        raise ValueError("class_means: a class mean is zero everywhere")
    return ref, norm


def online_typefaces(n_classes: int = 8, n_exemplars: int = 125, noise: float = 0.0, *,
                     size: int = 16, chars: str | None = None,
                     held_out_font: str = HELD_OUT_FONT, code: str = "blur",
                     sigma: float = 1.0, recent: int = 2, window: int = 2,
                     code_length: int = 512, name_codes: str = "orthogonal",
                     order: str = "cycles", font_order: str = "cycles",
                     decay: float = 0.02,
                     learning_rate: float = 0.05, bound: float | None = None,
                     stimulus: float = 0.8, temperature: float = 0.0,
                     probe_noise: float = 0.0, record_every: int = 2,
                     retrieval_threshold: float = 0.9, overlap: str = "weighted",
                     rng: SeedLike = None,
                     progress: ProgressCallback | None = None) -> TypefaceLearningResult:
    """Letter classes in many typefaces learnt online; a held-out font classified.

    Protocol (the lectures' A = (**A**, A, 𝒜, …) experiment). The classes are
    the first ``K = n_classes`` letters of ``chars`` (default A-Z), introduced
    one after another, ``P = n_exemplars`` presentations per block (``K·P``
    presentations in all; 8 × 125 = 1000 by default). A presentation is the
    glyph of the current class (a random one of the last ``window`` classes)
    in a random training typeface (``font_order``)
    (:func:`spinnet.datasets.typefaces`: every matplotlib font except
    ``held_out_font``), each pixel further flipped with probability ``noise``,
    shown to an :class:`~spinnet.hopfield.online.OnlineAttractorNetwork`
    (``N = size²``) exactly as in :func:`online_learning`. The class
    prototype, never shown, is the binarised mean glyph over the training
    fonts. Records, as :func:`online_learning`: the overlap of the attractor
    reached from each prototype (with a fraction ``probe_noise`` flipped) with
    the class mean (``overlap``, below), vs time; and at the end of every block, the attractor
    reached from each held-out-font glyph of the classes shown so far,
    classified by the nearest prototype (chance ``1/(classes shown)``), and
    among the ``R = recent`` classes shown last (chance ``1/R``), with the
    same classification of the unrelaxed glyph as a control.

    Representation (``code``). ``"pixels"``: the glyph itself (±1 pixels).
    Letters are then strongly correlated, biased patterns (mean pairwise
    overlap of the prototypes ≈ 0.45 at ``size=16``), far from the random
    patterns of :func:`online_learning`; measured, the palimpsest holds one
    class at a time and classifies held-out glyphs at chance.
    ``"blur"`` (default): the decorrelated code of
    :func:`spinnet.datasets.typefaces.glyph_codes` (sign of the blurred glyph
    minus the mean blurred training glyph, width ``sigma``): prototype
    overlaps ≈ 0.1, exemplars overlap their class mean by ≈ 0.6 -- the regime
    of :func:`online_learning`. The network, prototypes and probes all live in
    the chosen representation.

    Defaults: ``K = 8`` letters (A-H) × ``P = 125`` presentations (1000 in
    all: every training font is shown about 11 times per letter), blur code,
    ``window=2`` interleaved classes shown in balanced cycles, the fonts of
    each letter in balanced cycles too, ``R = 2``,
    ``L = 512`` orthogonal name spins, ``a = 0.02``, ``H₀ = 0.8``,
    ``overlap="weighted"`` (docs/attractor.md reports the measured overlaps,
    all three definitions, and the held-out readout). The defaults before are
    ``font_order="random"``; before those
    ``code_length=128, name_codes="random", order="random", decay=0.03``;
    before those ``n_classes=26, n_exemplars=38, window=3, recent=3,
    code_length=128, name_codes="random", order="random", decay=0.02,
    stimulus=0.5, overlap="all"``; the earlier protocol ``code="pixels",
    window=1, code_length=0, decay=0.05, stimulus=1, overlap="all"``.

    Parameters
    ----------
    n_classes : int
        ``K <= len(chars)``.
    n_exemplars : int
        Presentations per class.
    noise : float in [0, 0.5)
        Extra pixel noise of the presented glyphs.
    size : int
        Image side.
    chars : str, optional
        Letters (default A-Z).
    held_out_font : str
        Typeface name (:func:`spinnet.datasets.typeface_names`) never shown.
    code : {"blur", "pixels"}
        Representation of a glyph (above).
    sigma : float >= 0
        Blur width in pixels of ``code="blur"``.
    recent : int >= 1
        ``R``: candidate classes of the recent-class readout.
    window : int >= 1
        Classes interleaved: during block ``c`` (``P`` presentations) each
        presentation is one of the classes ``c - window + 1 … c`` (the
        lectures' random A, B, C sequences; 1: one class per block), in a
        random font (``font_order``).
    order : {"cycles", "random"}
        How the classes of the window follow each other. ``"cycles"``
        (default): in cycles of ``window`` presentations, each class once per
        cycle in a random order -- the classes of the window are shown equally
        often. ``"random"`` (previous): each presentation an independent
        uniform choice, so the decay-weighted synaptic weights of two classes
        of the window, ``ε Σ_t (1 - a)^(age_t)``, differ by ``√(a/2)`` ≈ 10 %
        (relative s.d.) -- enough for the attractor of one of two similar
        letters (E, F) to capture the other's class mean.
    font_order : {"cycles", "random"}
        Which training font a presentation of letter ``k`` is drawn in.
        ``"cycles"`` (default): each letter runs through its own cycles over
        the ``F`` training fonts, every font once per cycle in a random order
        -- stratified sampling, so the decay-weighted synaptic weights of the
        fonts of a letter, ``W_f = ε Σ_{t: f} (1 - a)^(age_t)``, are nearly
        equal (relative s.d. over the 22 fonts 0.31 on average, max 0.41,
        what the decay within the last cycles leaves; over the 300 recent
        (class, age) pairs of seeds 20-39). ``"random"`` (previous): each
        presentation an independent uniform choice, so ``W_f`` varies by
        0.66 on average (max 1.03: a font shown three times lately, another
        not at all); the decay-weighted mean glyph and the within-class
        covariance of the glyphs stored are then those of a few
        over-represented fonts, and the attractor drifts to their style:
        5 of the 300 recent (class, age) pairs of seeds 0-19 stayed below
        0.9 (``"weighted"``; min 0.858), none with cycles (min 0.959).
        docs/attractor.md has the measurements.
    code_length : int >= 0
        ``L``: spins of a ±1 name code per class appended to every presented
        glyph (composite ``[glyph | name]``, the names of
        :mod:`spinnet.hopfield.names`; ``N = size² + L``). Probes (class
        means, held-out glyphs) carry a blank name part (below); overlaps and
        classifications use the glyph part. 0: glyphs only. A name part
        identical in all exemplars of a class adds ``L`` to the overlap of a
        named state with each of them, so the field on a glyph pixel is
        ``(1/N) Σ_t w_t g_t (L + g_t·x)``: for ``L`` large against ``g·x``
        (≈ 0.5 × size²) every exemplar weighs the same and the glyph part of
        the attractor tends to the sign of the decay-weighted mean of the
        exemplars shown, instead of drifting to the majority style.
    name_codes : {"orthogonal", "random"}
        ``"orthogonal"`` (default): rows of a Sylvester-Hadamard matrix
        (:func:`orthogonal_name_codes`; ``L`` a power of 2 ``>= K + 2``), and
        the blank name part of a probe is the code orthogonal to every name.
        ``"random"`` (previous): independent random ±1 codes and a fresh
        random ±1 blank per probe, which overlaps each name by ``O(1/√L)`` --
        noise comparable to the glyph signal separating similar letters (E
        and F) at large ``L``.
    decay, learning_rate, bound, stimulus, temperature : float
        As in :func:`online_learning` (``bound`` may be ``None``); defaults 0.02,
        0.05, ``None``, 0.8 and 0.
    probe_noise, record_every, retrieval_threshold
        As in :func:`online_learning`; defaults 0, 2 and 0.9.
    overlap : {"weighted", "support", "all"}
        What "overlap with the class mean" ``μ_k`` (the mean training glyph of
        class ``k`` in the chosen representation) means in ``overlaps`` and
        ``overlap_by_age`` (``overlap_by_age_kinds`` holds all three).
        ``"support"``: ``m = Σ_i s_i sign(μ_ki) / #{i: μ_ki ≠ 0}`` -- agreement
        with the sign of the class mean on the pixels where it has one (1 iff
        ``s`` is the sign of the mean there). ``"weighted"`` (default):
        ``m = Σ_i s_i μ_ki / Σ_i |μ_ki|`` -- the overlap with the mean glyph
        itself, normalised to 1 at ``s = sign(μ_k)``; pixels weigh by how
        consistently the fonts draw them. ``"all"``: ``m = s·ξ_k / n``
        with ``ξ_k`` the binarised mean, ties ``μ_ki = 0`` (an even number of
        fonts split evenly, ≈ 3-4 % of the blur-code pixels at 22 fonts) set
        to -1 -- the earlier measure, which charges an attractor for the
        arbitrary sign it takes where the fonts are evenly split. Both are
        picture-part overlaps (the name code is never included);
        classifications use the same normalised overlaps.
    rng : SeedLike
    progress : ProgressCallback, optional
        ``progress("presentations", done, total)``.

    Returns
    -------
    TypefaceLearningResult
    """
    from spinnet.datasets.typefaces import glyph_codes, typeface_names, typefaces

    chars = string.ascii_uppercase if chars is None else chars
    if not isinstance(chars, str) or not chars:
        raise TypeError(f"chars must be a non-empty string of letters; got {chars!r}")
    k = check_int(n_classes, "n_classes", minimum=1, maximum=len(chars))
    chars = chars[:k]
    p = check_int(n_exemplars, "n_exemplars", minimum=1)
    noise, probe_noise, record_every, retrieval_threshold = _check_presentation(
        noise, probe_noise, record_every, retrieval_threshold)
    if overlap not in ("support", "weighted", "all"):
        raise ValueError(f"overlap must be 'support', 'weighted' or 'all'; got {overlap!r}")
    if code not in ("blur", "pixels"):
        raise ValueError(f"code must be 'blur' or 'pixels'; got {code!r}")
    recent = check_int(recent, "recent", minimum=1)
    window = check_int(window, "window", minimum=1)
    code_length = check_int(code_length, "code_length", minimum=0)
    if name_codes not in ("orthogonal", "random"):
        raise ValueError(f"name_codes must be 'orthogonal' or 'random'; got {name_codes!r}")
    if order not in ("cycles", "random"):
        raise ValueError(f"order must be 'cycles' or 'random'; got {order!r}")
    if font_order not in ("cycles", "random"):
        raise ValueError(f"font_order must be 'cycles' or 'random'; got {font_order!r}")
    if (name_codes == "orthogonal" and code_length
            and (code_length & (code_length - 1) or code_length < k + 2)):
        raise ValueError("code_length must be 0 or a power of 2 >= n_classes + 2 = "
                         f"{k + 2} for orthogonal name codes (rows of a Sylvester-Hadamard "
                         f"matrix); got {code_length}")
    names = typeface_names(chars)
    if held_out_font not in names:
        raise ValueError(f"held_out_font must be one of the typefaces drawing {chars!r}: "
                         f"{names}; got {held_out_font!r}")
    train_names = [n for n in names if n != held_out_font]
    ts = typefaces(chars, size, fonts=[*train_names, held_out_font])
    glyphs, held = ts.images[:-1], ts.images[-1]
    if code == "blur":
        glyphs, center = glyph_codes(glyphs, size, sigma=sigma)
        held, _ = glyph_codes(held, size, sigma=sigma, mean=center)
        prototypes = np.where(glyphs.astype(np.float64).mean(axis=0) > 0, 1,
                              -1).astype(np.int8)
    else:
        prototypes = ts.prototypes(range(len(train_names)))
    n = size * size
    refs = {kind: class_mean_reference(glyphs.astype(np.float64).mean(axis=0), kind)
            for kind in OVERLAP_KINDS}
    xf, norm = refs[overlap]
    rule = SynapticDynamics(decay=decay, learning_rate=learning_rate, bound=bound)
    gen = as_generator(rng)
    net = OnlineAttractorNetwork(n + code_length, rule, stimulus=stimulus,
                                 temperature=temperature, rng=gen)
    blank = None
    if not code_length:
        codes = np.empty((k, 0), dtype=np.int8)
    elif name_codes == "random":
        codes = random_patterns(k, code_length, rng=gen)
    else:
        codes, blank = orthogonal_name_codes(k, code_length, rng=gen)

    def with_names(pictures: np.ndarray, classes: Any = None) -> np.ndarray:
        """[picture | name code of its class] (``classes``), else [picture | blank name].

        The blank is random ±1 (``name_codes="random"``) or the code orthogonal to
        every name (``"orthogonal"``).
        """
        if not code_length:
            return pictures
        lead = pictures.shape[:-1]
        if classes is not None:
            tail = codes[classes]
        elif blank is None:
            tail = np.where(gen.random((*lead, code_length)) < 0.5, 1, -1)
        else:
            tail = np.broadcast_to(blank, (*lead, code_length))
        return np.concatenate([pictures, tail], axis=-1).astype(np.int8)

    def relax(pictures: np.ndarray) -> np.ndarray:
        """Free relaxation of pictures (name part random); the picture part of the result."""
        return net.recall(with_names(pictures), rng=gen)[..., :n]

    def probe() -> dict[str, np.ndarray]:
        """Overlap of the attractor from each prototype with its class mean, every kind."""
        att = relax(flip(prototypes, probe_noise, rng=gen)).astype(np.float64)
        return {kind: np.einsum("kn,kn->k", att, r) / z for kind, (r, z) in refs.items()}

    last_kinds = probe()
    times, records = [0], [last_kinds[overlap]]
    class_start = np.arange(k) * p
    formation = np.full(k, math.nan)
    retrieved_after = np.zeros(k, dtype=np.int64)
    st_proto, st_ex = np.empty(k * p), np.empty(k * p)
    ex_att, ex_proto_att = np.empty(k), np.empty(k)
    by_age = np.full((k, k), math.nan)
    by_age_kinds = {kind: np.full((k, k), math.nan) for kind in OVERLAP_KINDS}
    held_ok = np.full((k, k), math.nan)
    attractors = np.empty((k, n), dtype=np.int8)
    held_att = np.empty((k, n), dtype=np.int8)
    rec_ok, rec_direct = np.full((k, k), math.nan), np.full((k, k), math.nan)
    rec_ret, rec_ov = np.full((k, k), math.nan), np.full((k, k), math.nan)
    win_ov, win_ok = np.full(k, math.nan), np.full(k, math.nan)
    fixed = 0
    t = 0
    shown_cls = np.empty(k * p, dtype=np.int64)
    shown_font = np.empty(k * p, dtype=np.int64)
    n_fonts = glyphs.shape[0]
    font_queue: list[list[int]] = [[] for _ in range(k)]

    def next_font(cls_: int) -> int:
        """The next font of class ``cls_`` in its own cycles over the training fonts."""
        if not font_queue[cls_]:
            font_queue[cls_] = [int(f) for f in gen.permutation(n_fonts)]
        return font_queue[cls_].pop()

    for c in range(k):
        if font_order == "random":
            fonts = gen.integers(0, n_fonts, size=p)
        shown_now = np.arange(max(0, c - window + 1), c + 1)
        if shown_now.size == 1:
            cls = np.full(p, c)
        elif order == "random":
            cls = gen.integers(shown_now[0], c + 1, size=p)
        else:
            cycles = -(-p // shown_now.size)
            cls = np.concatenate([gen.permutation(shown_now) for _ in range(cycles)])[:p]
        if font_order == "cycles":
            fonts = np.array([next_font(int(x)) for x in cls], dtype=np.int64)
        shown_cls[c * p:(c + 1) * p] = cls
        shown_font[c * p:(c + 1) * p] = fonts
        exemplars = glyphs[fonts, cls]
        if noise > 0:
            exemplars = np.where(gen.random(exemplars.shape) < noise, -exemplars,
                                 exemplars).astype(np.int8)
        shown = with_names(exemplars, cls)
        for j in range(p):
            s = net.present(shown[j], rng=gen)[:n].astype(np.float64)
            st_proto[t] = s @ xf[cls[j]] / norm[cls[j]]
            st_ex[t] = s @ exemplars[j] / n
            t += 1
            if t % record_every == 0 or j == p - 1:
                last_kinds = probe()
                m = last_kinds[overlap]
                times.append(t)
                records.append(m)
                if math.isnan(formation[c]) and m[c] > retrieval_threshold:
                    formation[c] = j + 1
            report(progress, "presentations", t, k * p)
        last = records[-1]
        retrieved_after[c] = int(np.sum(last[:c + 1] > retrieval_threshold))
        by_age[c, :c + 1] = last[c::-1]
        for kind, m_kind in last_kinds.items():
            by_age_kinds[kind][c, :c + 1] = m_kind[c::-1]
        first = max(0, c - window + 1)
        done = list(range(first, c + 1)) if c == k - 1 else ([first] if c >= window - 1
                                                                else [])
        for j in done:
            attractors[j] = relax(prototypes[j])
        h_att = relax(held[:c + 1])
        held_att[done] = h_att[done]
        nearest = np.argmax(h_att.astype(np.float64) @ xf[:c + 1].T / norm[:c + 1], axis=1)
        held_ok[c, :c + 1] = nearest == np.arange(c + 1)
        cand = np.arange(max(0, c - recent + 1), c + 1)
        hf = h_att[cand].astype(np.float64)
        rec_ok[c, cand] = cand[np.argmax(hf @ xf[cand].T / norm[cand], axis=1)] == cand
        direct = held[cand].astype(np.float64) @ xf[cand].T / norm[cand]
        rec_direct[c, cand] = cand[np.argmax(direct, axis=1)] == cand
        rec_ret[c, cand] = (np.einsum("kn,kn->k", hf, xf[cand]) / norm[cand]
                            >= retrieval_threshold)
        rec_ov[c, cand] = last[cand]
        win_ov[done] = last[done]
        win_ok[done] = rec_ok[c, done]
        fixed += int(net.is_fixed_point(shown).sum())
        att = net.recall(shown, rng=gen)[:, :n].astype(np.float64)
        ex_att[c] = float(np.mean(np.einsum("pn,pn->p", att, exemplars) / n))
        ex_proto_att[c] = float(np.mean(np.einsum("pn,pn->p", att, xf[cls]) / norm[cls]))
    overlaps = np.asarray(records)
    params = dict(data="typefaces", chars=chars, size=size, n_neurons=n + code_length,
                  window=window, code_length=code_length,
                  name_codes=name_codes if code_length else None, order=order,
                  font_order=font_order, n_classes=k,
                  n_exemplars=p, noise=noise, held_out_font=held_out_font, code=code,
                  sigma=sigma if code == "blur" else None, recent=recent,
                  n_train_fonts=len(train_names), decay=rule.decay,
                  learning_rate=rule.learning_rate, bound=rule.bound, stimulus=net.stimulus,
                  temperature=net.temperature, probe_noise=probe_noise,
                  record_every=record_every, retrieval_threshold=retrieval_threshold,
                  overlap=overlap)
    return TypefaceLearningResult(
        times=np.asarray(times), overlaps=overlaps, class_start=class_start,
        final_overlaps=overlaps[-1].copy(), age=(k - 1 - np.arange(k)),
        retrieved_after_class=retrieved_after, formation_time=formation,
        state_prototype_overlap=st_proto, state_exemplar_overlap=st_ex,
        exemplar_attractor_overlap=ex_att, exemplar_prototype_attractor=ex_proto_att,
        exemplar_fixed_fraction=fixed / (k * p), parameters=params, chars=chars,
        fonts=tuple(train_names), held_out_font=held_out_font, prototypes=prototypes,
        held_out=held, attractors=attractors, held_out_attractors=held_att,
        overlap_by_age=by_age, overlap_by_age_kinds=by_age_kinds,
        presented_classes=shown_cls, presented_fonts=shown_font, held_out_correct=held_ok,
        recent_correct=rec_ok,
        recent_direct=rec_direct, recent_retrieved=rec_ret, recent_overlap=rec_ov,
        window_overlap=win_ov, window_correct=win_ok)


def typeface_prototypes_figure(result: TypefaceLearningResult, *, title: str | None = None
                               ) -> Any:
    """Prototypes, the attractors the network formed, a held-out font and its attractors.

    Parameters
    ----------
    result : TypefaceLearningResult
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        Four rows of images, one column per class: the class mean glyph
        (binarised, never shown; in the network's representation, e.g. the
        blur code), the attractor reached from it at the end of the last block
        in which the class was shown (its overlap above), the held-out font's
        glyph, and the attractor reached from that glyph at the same time
        (green label: nearest class mean among the ``recent`` classes is its
        class; red: another; black: not among them).
    """
    from matplotlib.figure import Figure

    k = len(result.chars)
    size = int(result.parameters["size"])
    fig = Figure(figsize=(0.62 * k + 1.6, 3.3), layout="constrained")
    axes = fig.subplots(4, k, squeeze=False)
    blur = result.parameters.get("code") == "blur"
    rows = [(result.prototypes, "class mean\n(blur code)" if blur else "class mean\n(binarised)"),
            (result.attractors, "attractor\nfrom it"),
            (result.held_out, "held-out font\n(blur code)" if blur else "held-out\nfont"),
            (result.held_out_attractors, "attractor\nfrom it")]
    for r, (imgs, label) in enumerate(rows):
        for c in range(k):
            ax = axes[r, c]
            ax.imshow(imgs[c].reshape(size, size), cmap="gray_r", vmin=-1, vmax=1,
                      interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(label, fontsize=7)
        if r == 1:
            for c in range(k):
                axes[r, c].set_title(f"{result.window_overlap[c]:.2f}", fontsize=6, pad=1)
        if r == 3:
            for c in range(k):
                ok = result.window_correct[c]
                axes[r, c].set_title(result.chars[c], fontsize=7, pad=1,
                                     color="black" if np.isnan(ok) else
                                     "green" if ok else "red")
    fig.suptitle(title or f"{k} letter classes, {len(result.fonts)} training fonts, held out: "
                          f"{result.held_out_font}", fontsize=9)
    return fig


def typefaces_figure(chars: str = "AGQRag", size: int = 24) -> Any:
    """Every typeface of :func:`spinnet.datasets.typefaces` drawing ``chars``, as a grid.

    Parameters
    ----------
    chars : str
        The characters, one column each (default ``"AGQRag"``).
    size : int
        Side of each rendered glyph in pixels (default 24).

    Returns
    -------
    matplotlib.figure.Figure
        One row per typeface (name on the left), one column per character.
    """
    from matplotlib.figure import Figure

    from spinnet.datasets.typefaces import typefaces

    ts = typefaces(chars, size)
    f, c = len(ts.fonts), len(chars)
    fig = Figure(figsize=(1.0 + 0.45 * c + 2.6, 0.42 * f + 0.3), layout="constrained")
    axes = fig.subplots(f, c, squeeze=False)
    for i in range(f):
        for j in range(c):
            axes[i, j].imshow(ts.images[i, j].reshape(size, size), cmap="gray_r", vmin=-1,
                              vmax=1, interpolation="nearest")
            axes[i, j].set_xticks([])
            axes[i, j].set_yticks([])
        axes[i, 0].set_ylabel(ts.fonts[i], rotation=0, ha="right", va="center", fontsize=7)
    return fig


# ------------------------------------------------------------------------------- TSP
TSP_METHODS = ("exact", "2opt", "anneal", "hopfield-tank")


def tsp_comparison(n_cities: int = 10, n_instances: int = 20,
                   methods: Sequence[str] = TSP_METHODS, *, ht_restarts: int = 1,
                   ht_params=None, anneal_sweeps: int = 1000, anneal_restarts: int = 4,
                   two_opt_restarts: int = 20, rng: SeedLike = None,
                   done: Sequence[dict] = (),
                   on_instance: Callable[[list[dict]], None] | None = None,
                   progress: ProgressCallback | None = None) -> list[dict]:
    """Solve random instances with several methods; one row per (instance, method, run).

    The reference length of each instance is the exact optimum (Held-Karp)
    when ``exact`` is among the methods, otherwise the annealing result; every
    row carries ``ratio = length / reference`` (``nan`` for invalid
    Hopfield-Tank states).

    Parameters
    ----------
    n_cities, n_instances : int
    methods : sequence of {"exact", "2opt", "anneal", "hopfield-tank"}
    ht_restarts : int
        Hopfield-Tank runs (random initial states) per instance; each is one row.
    ht_params : HopfieldTankParameters, optional
        Default: the published values.
    anneal_sweeps, anneal_restarts, two_opt_restarts : int
    rng : SeedLike
        Instance ``i`` uses the ``i``-th stream of ``spawn(rng, n_instances)``,
        so results do not depend on which instances were already done.
    done : sequence of dict
        Rows of a previous, interrupted run: instances present there are
        skipped (resume).
    on_instance : callable(rows), optional
        Called with all rows so far after each instance (e.g. to save them).
    progress : ProgressCallback, optional
        ``progress("instances", done, n_instances)`` after each instance (after
        ``on_instance``).

    Returns
    -------
    list of dict
        ``instance, method, run, valid, length, ratio, reference, seconds``.
    """
    from spinnet.optimize import tsp

    n = check_int(n_cities, "n_cities", minimum=4)
    n_instances = check_int(n_instances, "n_instances", minimum=1)
    methods = [check_option(m, "methods", TSP_METHODS) for m in methods]
    if not methods:
        raise ValueError("methods must not be empty")
    if "exact" in methods and n > tsp.MAX_HELD_KARP:
        raise ValueError(f"n_cities: the exact solver handles at most {tsp.MAX_HELD_KARP} "
                         f"cities; got {n}")
    ht_restarts = check_int(ht_restarts, "ht_restarts", minimum=1)
    params = tsp.HT_PARAMETERS if ht_params is None else ht_params
    streams = spawn(rng, n_instances)
    rows = [dict(r) for r in done]
    finished = {int(r["instance"]) for r in rows}
    n_done = len(finished)
    report(progress, "instances", n_done, n_instances)
    for i in range(n_instances):
        if i in finished:
            continue
        gen = streams[i]
        d = tsp.distance_matrix(tsp.random_cities(n, rng=gen))
        inst: list[dict] = []

        def add(method: str, run: int, length: float, valid: bool, secs: float,
                inst: list[dict] = inst, i: int = i) -> None:
            inst.append({"instance": i, "method": method, "run": run, "valid": valid,
                         "length": length, "seconds": secs})

        for m in methods:
            t0 = time.perf_counter()
            if m == "exact":
                _, length = tsp.held_karp(d)
                add(m, 0, length, True, time.perf_counter() - t0)
            elif m == "2opt":
                _, length = tsp.two_opt(d, n_restarts=two_opt_restarts, rng=gen)
                add(m, 0, length, True, time.perf_counter() - t0)
            elif m == "anneal":
                res = tsp.anneal_tour(d, n_sweeps=anneal_sweeps, n_restarts=anneal_restarts,
                                      rng=gen)
                add(m, 0, res.length, True, time.perf_counter() - t0)
            else:
                for r in range(ht_restarts):
                    t0 = time.perf_counter()
                    res = tsp.hopfield_tank(d, params, rng=gen)
                    add(m, r, res.length, res.valid, time.perf_counter() - t0)
        ref_method = "exact" if "exact" in methods else "anneal" if "anneal" in methods else None
        ref = next((r["length"] for r in inst if r["method"] == ref_method), math.nan)
        for r in inst:
            r["reference"] = ref
            r["ratio"] = r["length"] / ref if r["valid"] else math.nan
        rows.extend(inst)
        if on_instance is not None:
            on_instance(rows)
        n_done += 1
        report(progress, "instances", n_done, n_instances)
    rows.sort(key=lambda r: (int(r["instance"]), TSP_METHODS.index(r["method"]), int(r["run"])))
    return rows


# ------------------------------------------------------------------------ pipelines
def online_experiment(out: str | Path, *, n_neurons: int = 400, n_classes: int = 12,
                      n_exemplars: int = 20, noise: float = 0.2, decay: float = 0.02,
                      learning_rate: float = 0.05, bound: float | None = None,
                      stimulus: float = 0.2, temperature: float = 0.0,
                      probe_noise: float = 0.2, record_every: int = 2, seed: int = 0,
                      progress: ProgressCallback | None = None) -> dict[str, Any]:
    """Run :func:`online_learning` and write overlaps.csv, classes.csv, online.png, manifest.

    The arguments are those of :func:`online_learning` (``seed`` is its ``rng``).

    Parameters
    ----------
    out : path
        Output directory (created if missing).
    n_neurons, n_classes, n_exemplars : int
        As in :func:`online_learning` (defaults 400, 12 and 20).
    noise, decay, learning_rate, stimulus, temperature, probe_noise : float
        As in :func:`online_learning` (defaults 0.2, 0.02, 0.05, 0.2, 0 and 0.2).
    bound : float, optional
        As in :func:`online_learning` (default ``None``).
    record_every : int
        As in :func:`online_learning` (default 2).
    seed : int
        The ``rng`` of :func:`online_learning` (default 0).
    progress : ProgressCallback, optional
        Passed on to :func:`online_learning`.

    Returns
    -------
    dict
        ``result`` (:class:`OnlineLearningResult`), ``class_rows``, ``summary``,
        ``files``, ``threshold``.
    """
    from spinnet._io import write_csv, write_manifest
    from spinnet.plotting.attractor import online_learning_figure
    from spinnet.plotting.hopfield import save_figure

    started = time.time()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    res = online_learning(n_neurons, n_classes, n_exemplars, noise, decay=decay,
                          learning_rate=learning_rate, bound=bound, stimulus=stimulus,
                          temperature=temperature, probe_noise=probe_noise,
                          record_every=record_every, rng=seed, progress=progress)
    write_csv(out / "overlaps.csv", res.overlap_rows())
    class_rows = res.class_rows()
    write_csv(out / "classes.csv", class_rows)
    fig = online_learning_figure(res, title=f"N = {n_neurons}, {n_classes} classes × "
                                            f"{n_exemplars} exemplars (q = {noise:g}), "
                                            f"a = {decay:g}, ε = {learning_rate:g}, "
                                            f"H0 = {stimulus:g}")
    save_figure(fig, out / "online.png")
    files = ["overlaps.csv", "classes.csv", "online.png", "manifest.json"]
    thr = res.parameters["retrieval_threshold"]
    retrieved = res.final_overlaps > thr
    summary = {
        "retrieved_at_end": int(np.sum(retrieved)),
        "max_retrievable": int(res.retrieved_after_class.max()),
        "oldest_retrieved_age": int(res.age[retrieved].max()) if np.any(retrieved) else None,
        "exemplar_fixed_fraction": res.exemplar_fixed_fraction,
        "mean_attractor_vs_exemplar": float(res.exemplar_attractor_overlap.mean()),
        "mean_attractor_vs_prototype": float(res.exemplar_prototype_attractor.mean()),
        "mean_formation_time": float(np.nanmean(res.formation_time))
        if np.any(np.isfinite(res.formation_time)) else None,
    }
    write_manifest(out, "attractor online", res.parameters | {"seed": seed}, started, files,
                   summary=summary)
    return {"result": res, "class_rows": class_rows, "summary": summary, "files": files,
            "threshold": thr}


def typefaces_experiment(out: str | Path, *, n_classes: int = 8, n_exemplars: int = 125,
                         noise: float = 0.0, size: int = 16,
                         held_out_font: str = HELD_OUT_FONT, code: str = "blur",
                         sigma: float = 1.0, recent: int = 2, window: int = 2,
                         code_length: int = 512, name_codes: str = "orthogonal",
                         order: str = "cycles", font_order: str = "cycles",
                         decay: float = 0.02,
                         learning_rate: float = 0.05, bound: float | None = None,
                         stimulus: float = 0.8, temperature: float = 0.0,
                         probe_noise: float = 0.0, record_every: int = 2,
                         overlap: str = "weighted", seed: int = 0,
                         progress: ProgressCallback | None = None) -> dict[str, Any]:
    """Run :func:`online_typefaces`; write its tables, figures and manifest into ``out``.

    Files: ``overlaps.csv`` and ``classes.csv`` (as :func:`online_experiment`),
    ``typefaces.csv`` (per block: held-out accuracy on the current class and
    on all classes shown, chance, overlaps at ages 0-2), ``online.png``,
    ``typefaces-prototypes.png``, ``manifest.json`` (with the font list).

    Parameters
    ----------
    out : path
        Output directory (created if missing).
    n_classes, n_exemplars, size, recent, window, code_length, record_every : int
        As in :func:`online_typefaces` (defaults 8, 125, 16, 2, 2, 512 and 2).
    noise, sigma, decay, learning_rate, stimulus, temperature, probe_noise : float
        As in :func:`online_typefaces` (defaults 0, 1, 0.02, 0.05, 0.8, 0 and 0).
    bound : float, optional
        As in :func:`online_typefaces` (default ``None``).
    held_out_font, code, name_codes, order, font_order, overlap : str
        As in :func:`online_typefaces` (defaults ``HELD_OUT_FONT``, ``"blur"``,
        ``"orthogonal"``, ``"cycles"``, ``"cycles"`` and ``"weighted"``).
    seed : int
        The ``rng`` of :func:`online_typefaces` (default 0).
    progress : ProgressCallback, optional
        Passed on to :func:`online_typefaces`.

    Returns
    -------
    dict
        ``result``, ``class_rows``, ``block_rows``, ``summary``, ``files``, ``threshold``.
    """
    from spinnet._io import write_csv, write_manifest
    from spinnet.plotting.attractor import online_learning_figure
    from spinnet.plotting.hopfield import save_figure

    started = time.time()
    out = Path(out)
    res = online_typefaces(n_classes, n_exemplars, noise, size=size,
                           held_out_font=held_out_font, code=code, sigma=sigma,
                           recent=recent, window=window, code_length=code_length,
                           name_codes=name_codes, order=order, font_order=font_order,
                           decay=decay,
                           learning_rate=learning_rate, bound=bound, stimulus=stimulus,
                           temperature=temperature, probe_noise=probe_noise,
                           record_every=record_every, overlap=overlap, rng=seed,
                           progress=progress)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "overlaps.csv", res.overlap_rows())
    class_rows = res.class_rows()
    for r, ch in zip(class_rows, res.chars, strict=True):
        r["letter"] = ch
    write_csv(out / "classes.csv", class_rows)
    block_rows = res.held_out_rows()
    write_csv(out / "typefaces.csv", block_rows)
    k = len(res.chars)
    fig = online_learning_figure(res, title=f"{k} letter classes × {n_exemplars} glyphs from "
                                            f"{len(res.fonts)} typefaces, N = {size}², "
                                            f"a = {decay:g}, H0 = {stimulus:g}")
    save_figure(fig, out / "online.png")
    save_figure(typeface_prototypes_figure(res), out / "typefaces-prototypes.png")
    files = ["overlaps.csv", "classes.csv", "typefaces.csv", "online.png",
             "typefaces-prototypes.png", "manifest.json"]
    thr = res.parameters["retrieval_threshold"]
    m0 = res.overlap_by_age[:, 0]
    m1 = res.overlap_by_age[1:, 1] if k > 1 else np.array([math.nan])
    final = res.held_out_correct[-1]
    summary = {
        "fonts_used": len(res.fonts) + 1,
        "retrieved_at_end": int(np.sum(res.final_overlaps > thr)),
        "current_class_overlap_mean": float(np.mean(m0)),
        "current_class_overlap_min": float(np.min(m0)),
        "current_class_fraction_above_threshold": float(np.mean(m0 >= thr)),
        "previous_class_overlap_mean": float(np.mean(m1)),
        "final_overlap_by_age": [float(v) for v in res.final_overlaps[::-1]],
        "held_out_current_class_accuracy": float(np.mean(
            [res.held_out_correct[c, c] for c in range(k)])),
        "held_out_seen_accuracy_mean": float(np.mean([r["seen_accuracy"] for r in block_rows])),
        "held_out_seen_chance_mean": float(np.mean([r["chance"] for r in block_rows])),
        "held_out_final_accuracy": float(np.mean(final)),
        "held_out_final_chance": 1.0 / k,
        **_recent_summary(res),
        "exemplar_fixed_fraction": res.exemplar_fixed_fraction,
    }
    write_manifest(out, "attractor online", res.parameters | {"seed": seed}, started, files,
                   summary=summary, fonts=list(res.fonts), held_out_font=res.held_out_font)
    return {"result": res, "class_rows": class_rows, "block_rows": block_rows,
            "summary": summary, "files": files, "threshold": thr}


def _recent_summary(res: TypefaceLearningResult) -> dict[str, Any]:
    """Recent-class readout pooled over the blocks, with its binomial standard error."""
    ok = res.recent_correct[np.isfinite(res.recent_correct)]
    n_trials = int(ok.size)
    acc = float(np.mean(ok))
    chance = float(np.mean([1.0 / np.sum(np.isfinite(row)) for row in res.recent_correct
                            for v in row if np.isfinite(v)]))
    ov = res.recent_overlap[np.isfinite(res.recent_overlap)]
    w = int(res.parameters["window"])
    old = res.overlap_by_age[:, w:]
    old = old[np.isfinite(old)]
    thr = res.parameters["retrieval_threshold"]
    by_kind = {}
    for kind, b in res.overlap_by_age_kinds.items():
        young, gone = b[:, :w][np.isfinite(b[:, :w])], b[:, w:][np.isfinite(b[:, w:])]
        by_kind[kind] = {"window_mean": float(np.mean(young)), "window_min": float(np.min(young)),
                         "window_above_threshold": int(np.sum(young >= thr)),
                         "window_count": int(young.size),
                         "old_mean": float(np.mean(gone)) if gone.size else None,
                         "old_max": float(np.max(gone)) if gone.size else None}
    return {"recent_overlap_mean": float(np.mean(ov)), "recent_overlap_min": float(np.min(ov)),
            "recent_overlap_count": int(ov.size),
            "old_overlap_mean": float(np.mean(old)) if old.size else None,
            "old_overlap_max": float(np.max(old)) if old.size else None,
            "held_out_recent_accuracy": acc,
            "held_out_recent_error": math.sqrt(acc * (1.0 - acc) / n_trials),
            "held_out_recent_trials": n_trials,
            "held_out_recent_chance": chance,
            "held_out_recent_direct": float(np.nanmean(res.recent_direct)),
            "held_out_recent_retrieved": float(np.nanmean(res.recent_retrieved)),
            "recent_overlap_fraction_above_threshold":
                float(np.mean(ov >= res.parameters["retrieval_threshold"])),
            "window_overlap_mean": float(np.mean(res.window_overlap)),
            "window_overlap_fraction_above_threshold":
                float(np.mean(res.window_overlap >= res.parameters["retrieval_threshold"])),
            "window_held_out_accuracy": float(np.nanmean(res.window_correct)),
            "overlap_by_kind": by_kind}


TSP_PARTIAL = "tsp.partial.json"
#: Largest instance whose reference tour is Held-Karp's optimum (annealing above).
EXACT_REFERENCE_MAX = 13


def _as_row(r: dict) -> dict:
    return {"instance": int(r["instance"]), "method": str(r["method"]), "run": int(r["run"]),
            "valid": bool(r["valid"]), "length": float(r["length"]),
            "seconds": float(r["seconds"]), "reference": float(r["reference"]),
            "ratio": float(r["ratio"])}


#: CLI option of each TSP setting (for messages about a partial run that differs).
_TSP_OPTIONS = {"method": "--method", "cities": "--cities", "instances": "--instances",
                "restarts": "--restarts", "anneal_sweeps": "--anneal-sweeps",
                "ht_d": "--ht-d", "ht_n_tilde": "--ht-n-tilde", "seed": "--seed",
                "reference": "--cities"}


def tsp_experiment(out: str | Path, *, method: str = "hopfield-tank", cities: int = 10,
                   instances: int = 20, restarts: int = 1, anneal_sweeps: int = 1000,
                   ht_d: float = 500.0, ht_n_tilde: float = 15.0, seed: int = 0,
                   overwrite: bool = False, progress: ProgressCallback | None = None
                   ) -> dict[str, Any]:
    """Compare ``method`` with the reference tour on random instances; resumable.

    The reference is Held-Karp's optimum up to 13 cities, annealing above.
    Writes tsp.csv, tsp.png, tours.png (instance 0) and manifest.json. Every
    finished instance is kept in ``tsp.partial.json`` (written atomically)
    until the run completes; a re-run with the same settings resumes from it.

    Parameters
    ----------
    out : path
        Output directory (created if missing).
    method : {"hopfield-tank", "anneal", "2opt", "exact"}
        The method compared with the reference (default ``"hopfield-tank"``).
    cities, instances : int
        Cities per instance and number of random instances (defaults 10 and 20).
    restarts : int
        Hopfield-Tank runs per instance (``ht_restarts`` of
        :func:`tsp_comparison`; default 1).
    anneal_sweeps : int
        Sweeps of the annealing (default 1000).
    ht_d, ht_n_tilde : float
        Hopfield-Tank parameters ``D`` (tour-length weight) and ``ñ`` (defaults
        500 and 15; the other parameters keep their published values).
    seed : int
        Seed of the instances and the methods (default 0).
    overwrite : bool
        Discard a ``tsp.partial.json`` with other settings instead of raising.
    progress : ProgressCallback, optional
        ``progress("instances", done, total)`` after each instance.

    Returns
    -------
    dict
        ``rows`` (those of :func:`tsp_comparison`), ``table`` (per method: runs,
        valid, mean and worst ratio, seconds), ``summary``, ``files``,
        ``reference``, ``methods``, ``resumed`` (instances taken from the partial
        file).

    Raises
    ------
    spinnet.experiments.neurons.OptionError
        ``tsp.partial.json`` holds a run with other settings and ``overwrite``
        is False (names ``--overwrite``).
    """
    from spinnet._io import write_csv, write_json, write_manifest
    from spinnet.experiments.neurons import OptionError
    from spinnet.optimize import tsp as T
    from spinnet.plotting.attractor import tsp_figure, tsp_tours_figure
    from spinnet.plotting.hopfield import save_figure

    started = time.time()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ht_params = T.HopfieldTankParameters(D=ht_d, n_tilde=ht_n_tilde)
    reference = "exact" if cities <= EXACT_REFERENCE_MAX else "anneal"
    methods = list(dict.fromkeys([reference, method]))
    params = dict(method=method, cities=cities, instances=instances, restarts=restarts,
                  anneal_sweeps=anneal_sweeps, ht_d=ht_d, ht_n_tilde=ht_n_tilde, seed=seed,
                  reference=reference)
    done: list[dict] = []
    partial = out / TSP_PARTIAL
    if partial.is_file() and not overwrite:
        try:
            saved = json.loads(partial.read_text())
            old = saved["parameters"]
            rows = [_as_row(r) for r in saved["rows"]]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise OptionError(f"{partial} is not a readable partial TSP run ({exc}); re-run "
                              "with --overwrite to replace it", "--overwrite") from None
        diff = [k for k in params if old.get(k) != params[k]]
        if diff:
            detail = ", ".join(f"{_TSP_OPTIONS[k]} {old.get(k)!r} there, {params[k]!r} now"
                               for k in diff)
            raise OptionError(f"{partial} holds an interrupted run with other settings "
                              f"({detail}); re-run with those options to finish it, with "
                              "--overwrite to replace it, or choose another --out",
                              "--overwrite")
        done = rows
    resumed = len({r["instance"] for r in done})

    def save(rows: list[dict]) -> None:
        write_json(partial, {"parameters": params, "rows": rows})

    rows = tsp_comparison(cities, instances, methods, ht_restarts=restarts,
                          ht_params=ht_params, anneal_sweeps=anneal_sweeps, rng=seed,
                          done=done, on_instance=save, progress=progress)
    write_csv(out / "tsp.csv", rows)
    save_figure(tsp_figure(rows, title=f"{instances} random {cities}-city instances: "
                                       f"{method} vs {reference}"), out / "tsp.png")
    # Tours of the first instance, recomputed from its stream (same seed, same tours).
    gen = spawn(seed, instances)[0]
    coords = T.random_cities(cities, rng=gen)
    d = T.distance_matrix(coords)
    tours, lengths, V = {}, {}, None
    for m in methods:
        if m == "exact":
            tours[m], lengths[m] = T.held_karp(d)
        elif m == "2opt":
            tours[m], lengths[m] = T.two_opt(d, n_restarts=20, rng=gen)
        elif m == "anneal":
            res = T.anneal_tour(d, n_sweeps=anneal_sweeps, rng=gen)
            tours[m], lengths[m] = res.tour, res.length
        else:
            res = T.hopfield_tank(d, ht_params, rng=gen)
            tours[m], lengths[m], V = res.tour, res.length, res.V
    save_figure(tsp_tours_figure(coords, tours, lengths, V, title="instance 0"),
                out / "tours.png")
    files = ["tsp.csv", "tsp.png", "tours.png", "manifest.json"]
    mine = [r for r in rows if r["method"] == method]
    valid = [r for r in mine if r["valid"]]
    ratios = np.array([r["ratio"] for r in valid])
    summary = {"method": method, "reference": reference, "runs": len(mine),
               "valid_fraction": len(valid) / len(mine),
               "instances_with_a_valid_tour": len({r["instance"] for r in valid}),
               "mean_ratio_valid": float(ratios.mean()) if ratios.size else None,
               "ratio_stderr": float(ratios.std(ddof=1) / math.sqrt(ratios.size))
               if ratios.size > 1 else None,
               "optimal_fraction_valid": float(np.mean(ratios < 1 + 1e-9))
               if ratios.size else None}
    write_manifest(out, "tsp", params, started, files, summary=summary,
                   resumed_instances=resumed)
    if partial.is_file():
        partial.unlink()
    table = []
    for m in methods:
        sel = [r for r in rows if r["method"] == m]
        ok = [r["ratio"] for r in sel if r["valid"]]
        table.append({"method": m, "runs": len(sel), "valid": f"{len(ok)}/{len(sel)}",
                      "mean_ratio": float(np.mean(ok)) if ok else math.nan,
                      "worst_ratio": float(np.max(ok)) if ok else math.nan,
                      "seconds": float(np.mean([r["seconds"] for r in sel]))})
    return {"rows": rows, "table": table, "summary": summary, "files": files,
            "reference": reference, "methods": methods, "resumed": resumed}
