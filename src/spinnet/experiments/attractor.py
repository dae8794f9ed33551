"""Experiments with attractor networks: online learning/forgetting and the TSP.

* :func:`online_learning` -- classes shown one after another through noisy
  exemplars to an :class:`~spinnet.hopfield.online.OnlineAttractorNetwork`;
  the overlap of the attractor reached from a noisy prototype with every
  class prototype vs presentation time, the forgetting curve, and checks that
  no exemplar is stored verbatim.
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
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from spinnet._progress import ProgressCallback, report
from spinnet._rng import SeedLike, as_generator, spawn
from spinnet._validation import check_fraction, check_int, check_option
from spinnet.hopfield.online import OnlineAttractorNetwork, SynapticDynamics, noisy_exemplars
from spinnet.spins import flip, random_patterns

__all__ = ["TSP_METHODS", "OnlineLearningResult", "online_experiment", "online_learning",
           "tsp_comparison", "tsp_experiment"]


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
    noise = check_fraction(noise, "noise")
    if noise >= 0.5:
        raise ValueError(f"noise must be < 0.5 (exemplars must resemble their class); got {noise}")
    probe_noise = check_fraction(probe_noise, "probe_noise")
    if probe_noise >= 0.5:
        raise ValueError(f"probe_noise must be < 0.5; got {probe_noise}")
    record_every = check_int(record_every, "record_every", minimum=1)
    retrieval_threshold = check_fraction(retrieval_threshold, "retrieval_threshold")
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
