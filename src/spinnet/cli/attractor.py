"""``spinnet attractor online`` and ``spinnet tsp``: learning attractors, Hopfield-Tank."""

from __future__ import annotations

import json
import math
import time
from enum import StrEnum
from pathlib import Path

import numpy as np
import typer

from spinnet.cli._common import console, fail, out_dir, print_table

attractor_app = typer.Typer(help="Attractor networks that learn while they recall (synaptic "
                                 "dynamics, palimpsest).", no_args_is_help=True)


def _progress(total: int, label: str):
    from rich.progress import Progress

    bar = Progress(console=console, transient=True)
    task = bar.add_task(label, total=total)
    return bar, lambda done, _total: bar.update(task, completed=done)


# ------------------------------------------------------------------------ attractor online
@attractor_app.command("online")
def online(
    n_neurons: int = typer.Option(400, "--n-neurons", help="Number of neurons N."),
    classes: int = typer.Option(12, "--classes", help="Classes presented one after another."),
    exemplars: int = typer.Option(20, "--exemplars", help="Presentations (fresh noisy "
                                                          "exemplars) per class."),
    noise: float = typer.Option(0.2, "--noise", help="Exemplar noise q: each spin of the "
                                                     "prototype flipped with probability q."),
    decay: float = typer.Option(0.02, "--decay", help="Synaptic decay a per presentation."),
    learning_rate: float = typer.Option(0.05, "--learning-rate", help="Hebbian rate ε: "
                                                                      "dJ/dt = -aJ + (ε/N) s sᵀ."),
    bound: float = typer.Option(None, "--bound", help="Clip |J_ij| <= bound/N (default: no "
                                                      "clipping)."),
    stimulus: float = typer.Option(0.2, "--stimulus", help="Field H0 of a presented exemplar "
                                                           "(H = H0 η)."),
    temperature: float = typer.Option(0.0, "--temperature", help="Neuronal temperature T."),
    probe_noise: float = typer.Option(0.2, "--probe-noise", help="Fraction of spins flipped "
                                                                 "in the prototype probes."),
    record_every: int = typer.Option(2, "--record-every", help="Probe the attractors every "
                                                               "this many presentations."),
    seed: int = typer.Option(0, "--seed", help="Seed: prototypes, exemplars, dynamics."),
    out: Path = typer.Option(Path("spinnet-attractor-online"), "--out",
                             help="Output directory."),
) -> None:
    """Online learning in an attractor network: attractors form, persist and fade.

    Classes are shown one after another through noisy exemplars; the synapses
    follow dJ/dt = -aJ + (ε/N) s sᵀ with the network's own state s. Writes
    overlaps.csv (attractor-prototype overlap vs time, every class), classes.csv
    (forgetting curve and exemplar checks), online.png and manifest.json.
    """
    from spinnet._io import write_csv, write_manifest
    from spinnet.experiments.attractor import online_learning
    from spinnet.plotting.attractor import online_learning_figure
    from spinnet.plotting.hopfield import save_figure

    started = time.time()
    checks = [(n_neurons >= 10, "--n-neurons", f"must be >= 10; got {n_neurons}"),
              (classes >= 1, "--classes", f"must be >= 1; got {classes}"),
              (exemplars >= 1, "--exemplars", f"must be >= 1; got {exemplars}"),
              (0 <= noise < 0.5, "--noise", f"must be in [0, 0.5); got {noise}"),
              (math.isfinite(decay) and 0 <= decay <= 1, "--decay",
               f"must be in [0, 1]; got {decay}"),
              (math.isfinite(learning_rate) and learning_rate > 0, "--learning-rate",
               f"must be > 0; got {learning_rate}"),
              (bound is None or (math.isfinite(bound) and bound > 0), "--bound",
               f"must be > 0; got {bound}"),
              (math.isfinite(stimulus) and stimulus >= 0, "--stimulus",
               f"must be >= 0; got {stimulus}"),
              (math.isfinite(temperature) and temperature >= 0, "--temperature",
               f"must be >= 0; got {temperature}"),
              (0 <= probe_noise < 0.5, "--probe-noise", f"must be in [0, 0.5); got {probe_noise}"),
              (record_every >= 1, "--record-every", f"must be >= 1; got {record_every}"),
              (seed >= 0, "--seed", f"must be >= 0; got {seed}")]
    for ok, option, msg in checks:
        if not ok:
            fail(f"{option} {msg}", option)
    out = out_dir(out)
    bar, update = _progress(classes * exemplars, "presentations")
    try:
        with bar:
            res = online_learning(n_neurons, classes, exemplars, noise, decay=decay,
                                  learning_rate=learning_rate, bound=bound, stimulus=stimulus,
                                  temperature=temperature, probe_noise=probe_noise,
                                  record_every=record_every, rng=seed, progress=update)
    except (ValueError, TypeError) as exc:
        fail(str(exc))
    write_csv(out / "overlaps.csv", res.overlap_rows())
    class_rows = res.class_rows()
    write_csv(out / "classes.csv", class_rows)
    fig = online_learning_figure(res, title=f"N = {n_neurons}, {classes} classes × {exemplars} "
                                            f"exemplars (q = {noise:g}), a = {decay:g}, "
                                            f"ε = {learning_rate:g}, H0 = {stimulus:g}")
    save_figure(fig, out / "online.png")
    files = ["overlaps.csv", "classes.csv", "online.png", "manifest.json"]
    thr = res.parameters["retrieval_threshold"]
    summary = {
        "retrieved_at_end": int(np.sum(res.final_overlaps > thr)),
        "max_retrievable": int(res.retrieved_after_class.max()),
        "oldest_retrieved_age": int(res.age[res.final_overlaps > thr].max())
        if np.any(res.final_overlaps > thr) else None,
        "exemplar_fixed_fraction": res.exemplar_fixed_fraction,
        "mean_attractor_vs_exemplar": float(res.exemplar_attractor_overlap.mean()),
        "mean_attractor_vs_prototype": float(res.exemplar_prototype_attractor.mean()),
        "mean_formation_time": float(np.nanmean(res.formation_time))
        if np.any(np.isfinite(res.formation_time)) else None,
    }
    write_manifest(out, "attractor online", res.parameters | {"seed": seed}, started, files,
                   summary=summary)
    print_table("Online attractor network: one row per class", class_rows,
                {"final_overlap": ".3f", "formation_time": ".0f",
                 "attractor_vs_exemplar": ".3f", "attractor_vs_prototype": ".3f"})
    console.print(f"retrievable at the end: {summary['retrieved_at_end']} of {classes} classes "
                  f"(m > {thr:g}); exemplars that are fixed points: "
                  f"{res.exemplar_fixed_fraction:.1%}; attractors from exemplars overlap "
                  f"{summary['mean_attractor_vs_exemplar']:.3f} with the exemplar and "
                  f"{summary['mean_attractor_vs_prototype']:.3f} with the prototype; "
                  f"outputs in {out}/ ({', '.join(files)})")


# ---------------------------------------------------------------------------------- tsp
class TSPMethod(StrEnum):
    hopfield_tank = "hopfield-tank"
    anneal = "anneal"
    exact = "exact"
    two_opt = "2opt"


_PARTIAL = "tsp.partial.json"


def _as_row(r: dict) -> dict:
    return {"instance": int(r["instance"]), "method": str(r["method"]), "run": int(r["run"]),
            "valid": bool(r["valid"]), "length": float(r["length"]),
            "seconds": float(r["seconds"]), "reference": float(r["reference"]),
            "ratio": float(r["ratio"])}


def tsp(
    method: TSPMethod = typer.Option(TSPMethod.hopfield_tank, "--method",
                                     help="Solver to evaluate; the reference (exact for <= 13 "
                                          "cities, annealing otherwise) is always computed."),
    cities: int = typer.Option(10, "--cities", help="Cities per instance (uniform in the unit "
                                                    "square)."),
    instances: int = typer.Option(20, "--instances", help="Random instances."),
    restarts: int = typer.Option(1, "--restarts", help="Hopfield-Tank runs (random initial "
                                                       "states) per instance."),
    anneal_sweeps: int = typer.Option(1000, "--anneal-sweeps", help="Annealing schedule "
                                                                    "length (sweeps)."),
    ht_d: float = typer.Option(500.0, "--ht-d", help="Hopfield-Tank D (tour-length weight; "
                                                     "published: 500)."),
    ht_n_tilde: float = typer.Option(15.0, "--ht-n-tilde", help="Hopfield-Tank ñ of the "
                                                                "global term (published: 15 "
                                                                "for 10 cities)."),
    seed: int = typer.Option(0, "--seed", help="Seed: instances and solvers."),
    out: Path = typer.Option(Path("spinnet-tsp"), "--out", help="Output directory."),
) -> None:
    """Travelling salesman: Hopfield-Tank (1985) network vs exact, 2-opt and annealing.

    For each random instance the chosen method is compared with the reference
    tour (Held-Karp optimum up to 13 cities, simulated annealing above).
    Hopfield-Tank uses the published parameters (A = B = D = 500, C = 200,
    ñ = 15, u0 = 0.02; D and ñ can be changed); a state is a valid tour only if
    its thresholded output is a permutation matrix. Writes tsp.csv, tsp.png, tours.png and
    manifest.json; an interrupted run resumes from tsp.partial.json.
    """
    from spinnet._io import write_csv, write_json, write_manifest
    from spinnet.experiments.attractor import tsp_comparison
    from spinnet.optimize import tsp as T
    from spinnet.plotting.attractor import tsp_figure, tsp_tours_figure
    from spinnet.plotting.hopfield import save_figure

    started = time.time()
    if cities < 4:
        fail(f"--cities must be >= 4; got {cities}", "--cities")
    if method is TSPMethod.exact and cities > 13:
        fail(f"--method exact handles at most 13 cities here; got {cities}", "--cities")
    if method is TSPMethod.hopfield_tank and cities > 50:
        fail(f"--method hopfield-tank uses N² = {cities ** 2} neurons; at most 50 cities",
             "--cities")
    if instances < 1:
        fail(f"--instances must be >= 1; got {instances}", "--instances")
    if restarts < 1:
        fail(f"--restarts must be >= 1; got {restarts}", "--restarts")
    if anneal_sweeps < 1:
        fail(f"--anneal-sweeps must be >= 1; got {anneal_sweeps}", "--anneal-sweeps")
    if seed < 0:
        fail(f"--seed must be >= 0; got {seed}", "--seed")
    for value, option in ((ht_d, "--ht-d"), (ht_n_tilde, "--ht-n-tilde")):
        if not (math.isfinite(value) and value >= 0):
            fail(f"{option} must be >= 0; got {value}", option)
    ht_params = T.HopfieldTankParameters(D=ht_d, n_tilde=ht_n_tilde)
    out = out_dir(out)
    reference = "exact" if cities <= 13 else "anneal"
    methods = list(dict.fromkeys([reference, method.value]))
    params = dict(method=method.value, cities=cities, instances=instances, restarts=restarts,
                  anneal_sweeps=anneal_sweeps, ht_d=ht_d, ht_n_tilde=ht_n_tilde, seed=seed,
                  reference=reference)
    done: list[dict] = []
    partial = out / _PARTIAL
    if partial.is_file():
        try:
            saved = json.loads(partial.read_text())
        except (OSError, ValueError):
            saved = {}
        if saved.get("parameters") == params:
            done = [_as_row(r) for r in saved.get("rows", [])]
    n_done = len({r["instance"] for r in done})
    bar, update = _progress(instances, "instances")

    def save(rows: list[dict]) -> None:
        write_json(partial, {"parameters": params, "rows": rows})
        update(len({r["instance"] for r in rows}), instances)

    try:
        with bar:
            update(n_done, instances)
            rows = tsp_comparison(cities, instances, methods, ht_restarts=restarts,
                                  ht_params=ht_params, anneal_sweeps=anneal_sweeps, rng=seed,
                                  done=done, on_instance=save)
    except (ValueError, TypeError) as exc:
        fail(str(exc))
    write_csv(out / "tsp.csv", rows)
    save_figure(tsp_figure(rows, title=f"{instances} random {cities}-city instances: "
                                       f"{method.value} vs {reference}"), out / "tsp.png")
    # Tours of the first instance, recomputed from its stream (same seed, same tours).
    from spinnet._rng import spawn

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
    mine = [r for r in rows if r["method"] == method.value]
    valid = [r for r in mine if r["valid"]]
    ratios = np.array([r["ratio"] for r in valid])
    summary = {"method": method.value, "reference": reference, "runs": len(mine),
               "valid_fraction": len(valid) / len(mine),
               "instances_with_a_valid_tour": len({r["instance"] for r in valid}),
               "mean_ratio_valid": float(ratios.mean()) if ratios.size else None,
               "ratio_stderr": float(ratios.std(ddof=1) / math.sqrt(ratios.size))
               if ratios.size > 1 else None,
               "optimal_fraction_valid": float(np.mean(ratios < 1 + 1e-9))
               if ratios.size else None}
    write_manifest(out, "tsp", params, started, files, summary=summary)
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
    print_table(f"TSP, {instances} random instances of {cities} cities (ratio = length / "
                f"{reference})", table,
                {"mean_ratio": ".4f", "worst_ratio": ".4f", "seconds": ".3f"})
    console.print(f"{method.value}: {summary['valid_fraction']:.0%} valid tours; outputs in "
                  f"{out}/ ({', '.join(files)})")
