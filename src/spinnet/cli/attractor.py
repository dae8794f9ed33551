"""``spinnet attractor online`` and ``spinnet tsp``: learning attractors, Hopfield-Tank.

Each command parses its options, calls one function of
:mod:`spinnet.experiments.attractor` and prints the result.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from spinnet.cli._common import (
    check_finite,
    check_seed,
    console,
    fail,
    note_kept,
    out_dir,
    print_table,
    progress_bar,
    run_experiment,
)

attractor_app = typer.Typer(help="Attractor networks that learn while they recall (synaptic "
                                 "dynamics, palimpsest).", no_args_is_help=True)


def _run(func: Any, *args: Any, **kwargs: Any) -> Any:
    """Call an experiment; its OptionError/ValueError become exit 2 naming the option."""
    return run_experiment(func, *args, also=(ValueError, TypeError), **kwargs)


# ------------------------------------------------------------------------ attractor online
@attractor_app.command("online")
def online(
    N: int = typer.Option(400, "--N", help="Number of neurons N."),
    classes: int = typer.Option(12, "--classes", help="Classes presented one after another."),
    exemplars: int = typer.Option(20, "--exemplars", help="Presentations (fresh noisy "
                                                          "exemplars) per class."),
    noise: float = typer.Option(0.2, "--noise", help="Exemplar noise q in [0, 0.5): each spin "
                                                     "of the prototype flipped with "
                                                     "probability q."),
    decay: float = typer.Option(0.02, "--decay", help="Synaptic decay a per presentation."),
    lr: float = typer.Option(0.05, "--lr", help="Hebbian learning rate ε: "
                                                "dJ/dt = -aJ + (ε/N) s sᵀ."),
    bound: float = typer.Option(None, "--bound", help="Clip |J_ij| <= bound/N (default: no "
                                                      "clipping)."),
    stimulus: float = typer.Option(0.2, "--stimulus", help="Field H0 of a presented exemplar "
                                                           "(H = H0 η)."),
    T: float = typer.Option(0.0, "--T", help="Neuronal temperature T (0: deterministic)."),
    probe_noise: float = typer.Option(0.2, "--probe-noise", help="Fraction of spins flipped "
                                                                 "in the prototype probes, in "
                                                                 "[0, 0.5)."),
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
    (forgetting curve and exemplar checks), online.png and manifest.json (all
    written when the run ends; an interrupted run is recomputed from the start).
    """
    from spinnet.experiments.attractor import online_experiment

    if N < 10:
        fail(f"--N must be >= 10; got {N}", "--N")
    if classes < 1:
        fail(f"--classes must be >= 1; got {classes}", "--classes")
    if exemplars < 1:
        fail(f"--exemplars must be >= 1; got {exemplars}", "--exemplars")
    check_finite(noise, "--noise", minimum=0, maximum=0.5, max_inclusive=False)
    check_finite(decay, "--decay", minimum=0, maximum=1)
    check_finite(lr, "--lr", minimum=0, min_inclusive=False)
    if bound is not None:
        check_finite(bound, "--bound", minimum=0, min_inclusive=False)
    check_finite(stimulus, "--stimulus", minimum=0)
    check_finite(T, "--T", minimum=0)
    check_finite(probe_noise, "--probe-noise", minimum=0, maximum=0.5, max_inclusive=False)
    if record_every < 1:
        fail(f"--record-every must be >= 1; got {record_every}", "--record-every")
    check_seed(seed)
    out = out_dir(out)
    note_kept("nothing yet: the outputs are written when the run ends (a re-run recomputes "
              "it; same --seed, same result)")
    with progress_bar() as progress:
        res = _run(online_experiment, out, n_neurons=N, n_classes=classes,
                   n_exemplars=exemplars, noise=noise, decay=decay, learning_rate=lr,
                   bound=bound, stimulus=stimulus, temperature=T, probe_noise=probe_noise,
                   record_every=record_every, seed=seed, progress=progress)
    summary, thr = res["summary"], res["threshold"]
    print_table("Online attractor network: one row per class", res["class_rows"],
                {"final_overlap": ".3f", "formation_time": ".0f",
                 "attractor_vs_exemplar": ".3f", "attractor_vs_prototype": ".3f"})
    console.print(f"retrievable at the end: {summary['retrieved_at_end']} of {classes} classes "
                  f"(m > {thr:g}); exemplars that are fixed points: "
                  f"{summary['exemplar_fixed_fraction']:.1%}; attractors from exemplars "
                  f"overlap {summary['mean_attractor_vs_exemplar']:.3f} with the exemplar and "
                  f"{summary['mean_attractor_vs_prototype']:.3f} with the prototype; "
                  f"outputs in {out}/ ({', '.join(res['files'])})")


# ---------------------------------------------------------------------------------- tsp
class TSPMethod(StrEnum):
    hopfield_tank = "hopfield-tank"
    anneal = "anneal"
    exact = "exact"
    two_opt = "2opt"


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
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an interrupted run "
                                                              "with other settings kept in "
                                                              "--out."),
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
    from spinnet.experiments.attractor import TSP_PARTIAL, tsp_experiment

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
    check_seed(seed)
    for value, option in ((ht_d, "--ht-d"), (ht_n_tilde, "--ht-n-tilde")):
        check_finite(value, option, minimum=0)
    out = out_dir(out)
    with progress_bar() as bar:
        def progress(stage: str, done: int, total: int | None) -> None:
            bar(stage, done, total)
            note_kept(f"{done} of {total} instances in {out / TSP_PARTIAL}")

        res = _run(tsp_experiment, out, method=method.value, cities=cities,
                   instances=instances, restarts=restarts, anneal_sweeps=anneal_sweeps,
                   ht_d=ht_d, ht_n_tilde=ht_n_tilde, seed=seed, overwrite=overwrite,
                   progress=progress)
    if res["resumed"]:
        console.print(f"reused {res['resumed']} of {instances} instances from an interrupted "
                      "run")
    print_table(f"TSP, {instances} random instances of {cities} cities (ratio = length / "
                f"{res['reference']})", res["table"],
                {"mean_ratio": ".4f", "worst_ratio": ".4f", "seconds": ".3f"})
    summary = res["summary"]
    console.print(f"{method.value}: {summary['valid_fraction']:.0%} valid tours; outputs in "
                  f"{out}/ ({', '.join(res['files'])})")


__all__ = ["attractor_app", "tsp"]
