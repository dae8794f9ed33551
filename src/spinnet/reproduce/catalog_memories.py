"""Claims about other memories: hetero-association, names, learning attractor networks.

Registered on import (by :mod:`spinnet.reproduce.catalog`):

* ``memories.bam-low-load`` -- a bidirectional associative memory recalls every
  stored pair exactly from a noisy cue at low load (Kosko 1988);
* ``memories.names`` -- a picture with a blank name part completes its own name
  (composite patterns in one Hebbian network);
* ``attractor.prototypes`` -- an attractor network with synaptic dynamics,
  shown only noisy exemplars, forms attractors at the class prototypes;
* ``attractor.forgetting`` -- with decaying synapses old classes are forgotten
  (palimpsest).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from spinnet.reproduce.core import Claim, Measurement, Tolerance, register

__all__: list[str] = []


def _pick(preset: str, smoke: Any, quick: Any, full: Any) -> Any:
    return {"smoke": smoke, "quick": quick, "full": full}[preset]


def _seed(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**31 - 1))


# ----------------------------------------------------------------------------- BAM
def _bam(preset: str, rng: np.random.Generator) -> Measurement:
    from spinnet.experiments.memories import bam_capacity

    trials = _pick(preset, 10, 50, 200)
    rows = bam_capacity(((256, 256),), [5], noise=0.1, n_trials=trials, rng=_seed(rng))
    r = rows[0]
    n = 5 * trials
    return Measurement(
        float(r["recalled"]), float(r["recalled_err"]),
        f"N = M = 256, p = 5 random pairs, {trials} sets ({n} pairs); each pair probed from "
        f"its x with 10 % of the bits flipped, BAM iterated to a fixed point; recalled = "
        f"ends exactly on (x, y); signal-to-noise estimate {r['snr_recalled']:.6f}")


register(Claim(
    id="memories.bam-low-load", topic="memories",
    statement="A bidirectional associative memory (W = Σ yxᵀ) recalls every stored pair "
              "exactly from a cue with 10 % of its bits flipped at low load (N = M = 256, "
              "5 pairs; fraction of pairs recalled).",
    reference=1.0, reference_err=0.0,
    source="Kosko, IEEE Trans. Syst. Man Cybern. 18, 49 (1988)",
    tolerance=Tolerance("at_least", 0.0), measure=_bam))


# ----------------------------------------------------------------------------- names
def _names(preset: str, rng: np.random.Generator) -> Measurement:
    from spinnet.experiments.names import names_random

    trials = _pick(preset, 2, 10, 20)
    (r,) = names_random(500, 100, alphas=[0.05], noises=[0.2], rules=["hebbian"],
                        trials=trials, rng=_seed(rng))
    err = max(float(r["stderr"]), 1.0 / r["n"])
    return Measurement(
        float(r["accuracy"]), err,
        f"Hebbian network of 500 picture + 100 name spins, p = {r['p']} random pictures "
        f"(α = 0.05), each with its own random name code; {r['n']} probes with 20 % of the "
        f"picture flipped and a random name part, T = 0 relaxation, name = nearest code "
        f"(chance {r['chance']:.3f})")


register(Claim(
    id="memories.names", topic="memories",
    statement="Shown a stored picture with 20 % noise and no name, a Hebbian network of "
              "[picture | name] patterns completes the right name (fraction of probes at "
              "α = 0.05; at least 95 %).",
    reference=1.0, reference_err=0.0,
    source="the lectures' naming example; Hopfield, PNAS 79, 2554 (1982) (content-"
           "addressable memory: completion of a stored pattern from part of it)",
    tolerance=Tolerance("at_least", 0.05), measure=_names))


# ----------------------------------------------------------------------------- online attractors
def _online(preset: str, rng: np.random.Generator) -> Any:
    from spinnet.experiments.attractor import online_learning

    # N = 400 at every preset: the number of classes a palimpsest keeps grows with N,
    # and the forgetting claim is stated for this size.
    n = 400
    return n, online_learning(n_neurons=n, n_classes=12, n_exemplars=20, noise=0.2,
                              rng=_seed(rng))


def _prototypes(preset: str, rng: np.random.Generator) -> Measurement:
    n, res = _online(preset, rng)
    proto = np.asarray(res.exemplar_prototype_attractor)
    exem = np.asarray(res.exemplar_attractor_overlap)
    return Measurement(
        float(proto.mean()), float(proto.std(ddof=1) / np.sqrt(len(proto))),
        f"N = {n}, 12 random prototypes shown one class after another through 20 exemplars "
        f"each (every spin flipped with probability 0.2: overlap 0.6 with the prototype), "
        f"dJ/dt = −0.02 J + (0.05/N) s sᵀ from the network's own state; the attractors "
        f"reached from the exemplars have overlap {proto.mean():.3f} with the prototype and "
        f"{exem.mean():.3f} with the exemplar; fraction of exemplars stored as fixed points "
        f"{res.exemplar_fixed_fraction:.3f}; attractor formed after "
        f"{np.nanmean(res.formation_time):.1f} presentations on average")


register(Claim(
    id="attractor.prototypes", topic="attractor",
    statement="An attractor network whose synapses learn from its own state while it is "
              "shown noisy exemplars forms attractors at the class prototypes it never saw "
              "(mean overlap of the attractors with the prototypes; at least 0.95).",
    reference=1.0, reference_err=0.0,
    source="Amit, Modeling Brain Function (1989), ch. 7; Brunel, Carusi & Fusi, Network 9, "
           "123 (1998) (learning attractors from stimuli)",
    tolerance=Tolerance("at_least", 0.05), measure=_prototypes))


def _forgetting(preset: str, rng: np.random.Generator) -> Measurement:
    n, res = _online(preset, rng)
    age = np.asarray(res.age)
    final = np.asarray(res.final_overlaps)
    kept = final > 0.9
    # Violations of the palimpsest pattern: an old class still retrievable, or one of the
    # two newest classes not retrievable.
    wrong = (kept & (age >= 6)) | (~kept & (age <= 1))
    return Measurement(
        float(np.mean(wrong)), 0.0,
        f"N = {n}, the protocol of attractor.prototypes; final overlaps by age "
        f"(classes shown after it) "
        f"{', '.join(f'{a}: {m:.2f}' for a, m in zip(age[::-1], final[::-1], strict=True))}; "
        f"retrievable classes (m > 0.9) after each class "
        f"{', '.join(str(int(k)) for k in res.retrieved_after_class)}; measured = fraction "
        f"of the 12 classes that break the pattern (age ≥ 6 and m > 0.9, or age ≤ 1 and "
        f"m ≤ 0.9)",
        {"figure": "palimpsest: forgetting curve", "x_points": age[::-1].tolist(),
         "points": final[::-1].tolist(), "xlabel": "age (classes shown since)",
         "ylabel": "final overlap with the prototype"})


register(Claim(
    id="attractor.forgetting", topic="attractor",
    statement="With decaying synapses the network is a palimpsest: after 12 classes, none "
              "of the classes shown 6 or more classes ago is still retrievable while the "
              "two newest are (fraction of classes that break this pattern).",
    reference=0.0, reference_err=0.0,
    source="Mézard, Nadal & Toulouse, J. Physique 47, 1457 (1986); Nadal, Toulouse, "
           "Changeux & Dehaene, Europhys. Lett. 1, 535 (1986)",
    tolerance=Tolerance("at_most", 0.0), measure=_forgetting))
