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


def _fmt(value: float | None) -> str:
    """A summary number, or "n/a" when there is none (e.g. no class left the window)."""
    return "n/a" if value is None else f"{value:.3f}"


def _run(func: Any, *args: Any, **kwargs: Any) -> Any:
    """Call an experiment; its OptionError/ValueError become exit 2 naming the option."""
    return run_experiment(func, *args, also=(ValueError, TypeError), **kwargs)


# ------------------------------------------------------------------------ attractor online
_ONLINE_DATA = ("random", "typefaces")
#: Defaults of the options that differ between --data random and --data typefaces.
_ONLINE_DEFAULTS = {
    "random": dict(classes=12, exemplars=20, noise=0.2, decay=0.02, stimulus=0.2,
                   probe_noise=0.2),
    "typefaces": dict(classes=8, exemplars=125, noise=0.0, decay=0.02, stimulus=0.8,
                      probe_noise=0.0),
}


@attractor_app.command("online")
def online(
    data: str = typer.Option("random", "--data", help="Classes: random (random prototypes, "
                                                      "noisy exemplars) or typefaces (letters; "
                                                      "an exemplar is the letter in a random "
                                                      "matplotlib font)."),
    N: int = typer.Option(400, "--N", help="Number of neurons N (--data random; typefaces "
                                           "use N = size² + --code-length)."),
    classes: int = typer.Option(None, "--classes", help="Classes presented one after another "
                                                        "(default 12; typefaces: 8 = A-H)."),
    exemplars: int = typer.Option(None, "--exemplars", help="Presentations (fresh exemplars) "
                                                            "per class (default 20; "
                                                            "typefaces: 125)."),
    noise: float = typer.Option(None, "--noise", help="Exemplar noise q in [0, 0.5): each spin "
                                                      "flipped with probability q (default "
                                                      "0.2; typefaces: 0)."),
    decay: float = typer.Option(None, "--decay", help="Synaptic decay a per presentation "
                                                      "(default 0.02)."),
    lr: float = typer.Option(0.05, "--lr", help="Hebbian learning rate ε: "
                                                "dJ/dt = -aJ + (ε/N) s sᵀ."),
    bound: float = typer.Option(None, "--bound", help="Clip |J_ij| <= bound/N (default: no "
                                                      "clipping)."),
    stimulus: float = typer.Option(None, "--stimulus", help="Field H0 of a presented exemplar "
                                                            "(H = H0 η; default 0.2; "
                                                            "typefaces: 0.8)."),
    T: float = typer.Option(0.0, "--T", help="Neuronal temperature T (0: deterministic)."),
    probe_noise: float = typer.Option(None, "--probe-noise", help="Fraction of spins flipped "
                                                                  "in the prototype probes, in "
                                                                  "[0, 0.5) (default 0.2; "
                                                                  "typefaces: 0)."),
    record_every: int = typer.Option(2, "--record-every", help="Probe the attractors every "
                                                               "this many presentations."),
    size: int = typer.Option(16, "--size", help="Glyph image side in pixels (--data "
                                                "typefaces)."),
    held_out: str = typer.Option(None, "--held-out", help="Typeface never shown, whose glyphs "
                                                          "are classified (--data typefaces; "
                                                          "default: Computer Modern Roman "
                                                          "(cmr10))."),
    code: str = typer.Option("blur", "--code", help="Glyph representation (--data typefaces): "
                                                    "blur (sign of the blurred glyph minus "
                                                    "the mean blurred glyph; decorrelated) or "
                                                    "pixels (the glyph itself)."),
    sigma: float = typer.Option(1.0, "--sigma", help="Blur width in pixels of --code blur."),
    recent: int = typer.Option(2, "--recent", help="Held-out glyphs are classified among the "
                                                   "classes shown last, this many (chance "
                                                   "1/recent; --data typefaces)."),
    window: int = typer.Option(2, "--window", help="Classes interleaved (--data typefaces): "
                                                   "each presentation shows a random one of "
                                                   "the last this many classes (1: one class "
                                                   "per block)."),
    code_length: int = typer.Option(512, "--code-length", help="Spins L of a name code per "
                                                               "class appended to every glyph "
                                                               "(--data typefaces; 0: glyphs "
                                                               "only; a power of 2 with "
                                                               "--name-codes orthogonal)."),
    order: str = typer.Option("cycles", "--order",
                              help="Order of the classes of the window (--data typefaces): "
                                   "cycles (each class once per cycle, random order within) "
                                   "or random (independent choice per presentation)."),
    font_order: str = typer.Option("cycles", "--font-order",
                                   help="Fonts of each letter (--data typefaces): cycles "
                                        "(every training font once per cycle of that letter, "
                                        "random order within) or random (independent "
                                        "choice per presentation)."),
    name_codes: str = typer.Option("orthogonal", "--name-codes",
                                   help="Name codes (--data typefaces): orthogonal (Hadamard "
                                        "rows; probes carry the blank code orthogonal to "
                                        "every name) or random (random ±1 codes and random "
                                        "name parts in the probes)."),
    overlap: str = typer.Option("weighted", "--overlap", help="Overlap with a class mean "
                                                              "glyph mu (--data typefaces): "
                                                              "weighted (s.mu / sum|mu|), "
                                                              "support (sign agreement where "
                                                              "mu != 0) or all (binarised mean, "
                                                              "ties -1, every pixel)."),
    seed: int = typer.Option(0, "--seed", help="Seed: prototypes, exemplars, dynamics."),
    out: Path = typer.Option(Path("spinnet-attractor-online"), "--out",
                             help="Output directory."),
) -> None:
    """Online learning in an attractor network: attractors form, persist and fade.

    Classes are shown one after another through exemplars; the synapses
    follow dJ/dt = -aJ + (ε/N) s sᵀ with the network's own state s. Writes
    overlaps.csv (attractor-prototype overlap vs time, every class), classes.csv
    (forgetting curve and exemplar checks), online.png and manifest.json (all
    written when the run ends; an interrupted run is recomputed from the start).
    With --data typefaces the classes are letters drawn in every font that ships
    with matplotlib (one font held out), attractors are compared with the mean
    glyph of each class (--overlap), and typefaces.csv and
    typefaces-prototypes.png are written too.
    """
    from spinnet.experiments.attractor import online_experiment, typefaces_experiment

    if data not in _ONLINE_DATA:
        fail(f"--data must be random or typefaces; got {data!r}", "--data")
    d = _ONLINE_DEFAULTS[data]
    classes = d["classes"] if classes is None else classes
    exemplars = d["exemplars"] if exemplars is None else exemplars
    noise = d["noise"] if noise is None else noise
    decay = d["decay"] if decay is None else decay
    stimulus = d["stimulus"] if stimulus is None else stimulus
    probe_noise = d["probe_noise"] if probe_noise is None else probe_noise
    if N < 10:
        fail(f"--N must be >= 10; got {N}", "--N")
    if classes < 1:
        fail(f"--classes must be >= 1; got {classes}", "--classes")
    if data == "typefaces" and classes > 26:
        fail(f"--classes must be <= 26 (letters A-Z) with --data typefaces; got {classes}",
             "--classes")
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
    if size < 5:
        fail(f"--size must be >= 5; got {size}", "--size")
    if code not in ("blur", "pixels"):
        fail(f"--code must be blur or pixels; got {code!r}", "--code")
    check_finite(sigma, "--sigma", minimum=0)
    if recent < 1:
        fail(f"--recent must be >= 1; got {recent}", "--recent")
    if window < 1:
        fail(f"--window must be >= 1; got {window}", "--window")
    if code_length < 0:
        fail(f"--code-length must be >= 0; got {code_length}", "--code-length")
    if name_codes not in ("orthogonal", "random"):
        fail(f"--name-codes must be orthogonal or random; got {name_codes!r}", "--name-codes")
    if order not in ("cycles", "random"):
        fail(f"--order must be cycles or random; got {order!r}", "--order")
    if font_order not in ("cycles", "random"):
        fail(f"--font-order must be cycles or random; got {font_order!r}", "--font-order")
    if (data == "typefaces" and name_codes == "orthogonal" and code_length
            and (code_length & (code_length - 1) or code_length < classes + 2)):
        fail(f"--code-length must be 0 or a power of 2 >= --classes + 2 = {classes + 2} with "
             f"--name-codes orthogonal; got {code_length}", "--code-length")
    if overlap not in ("weighted", "support", "all"):
        fail(f"--overlap must be weighted, support or all; got {overlap!r}", "--overlap")
    if data == "typefaces":
        from spinnet.datasets.typefaces import typeface_names
        from spinnet.experiments.attractor import HELD_OUT_FONT

        held_out = HELD_OUT_FONT if held_out is None else held_out
        known = typeface_names("ABCDEFGHIJKLMNOPQRSTUVWXYZ"[:classes])
        if held_out not in known:
            fail(f"--held-out must be one of the typefaces: {', '.join(known)}; got "
                 f"{held_out!r}", "--held-out")
    check_seed(seed)
    out = out_dir(out)
    note_kept("nothing yet: the outputs are written when the run ends (a re-run recomputes "
              "it; same --seed, same result)")
    if data == "typefaces":
        with progress_bar() as progress:
            res = _run(typefaces_experiment, out, n_classes=classes, n_exemplars=exemplars,
                       noise=noise, size=size, held_out_font=held_out, code=code,
                       sigma=sigma, recent=recent, window=window,
                       code_length=code_length, name_codes=name_codes, order=order,
                       font_order=font_order, decay=decay,
                       learning_rate=lr, bound=bound, stimulus=stimulus, temperature=T,
                       probe_noise=probe_noise, record_every=record_every,
                       overlap=overlap, seed=seed, progress=progress)
        summary, thr = res["summary"], res["threshold"]
        print_table("Online attractor network on typefaces: one row per block (class)",
                    res["block_rows"], {"seen_accuracy": ".3f", "chance": ".3f",
                                        "m_age0": ".3f", "m_age1": ".3f", "m_age2": ".3f",
                                        "recent_accuracy": ".3f", "recent_chance": ".3f",
                                        "recent_min_overlap": ".3f"})
        console.print(
            f"{summary['fonts_used']} fonts ({summary['fonts_used'] - 1} shown, held out: "
            f"{held_out}); attractor of the newest class overlaps its class mean "
            f"{summary['current_class_overlap_mean']:.3f} on average (min "
            f"{summary['current_class_overlap_min']:.3f}; >= {thr:g} for "
            f"{summary['current_class_fraction_above_threshold']:.0%} of the classes), the "
            f"previous class {summary['previous_class_overlap_mean']:.3f}; held-out glyphs "
            f"classified correctly: {summary['held_out_seen_accuracy_mean']:.3f} of the "
            f"classes shown so far (chance {summary['held_out_seen_chance_mean']:.3f}), "
            f"current class {summary['held_out_current_class_accuracy']:.3f}; among the "
            f"{recent} classes shown last: {summary['held_out_recent_accuracy']:.3f} ± "
            f"{summary['held_out_recent_error']:.3f} (chance "
            f"{summary['held_out_recent_chance']:.3f}; the glyph itself, unrelaxed: "
            f"{summary['held_out_recent_direct']:.3f}); at the end of each block the "
            f"attractors of those classes overlap their class means "
            f"{summary['recent_overlap_mean']:.3f} (min {summary['recent_overlap_min']:.3f}, "
            f">= {thr:g} for {summary['recent_overlap_fraction_above_threshold']:.0%} of "
            f"{summary['recent_overlap_count']}; overlap: {overlap}), classes out of the "
            f"window {_fmt(summary['old_overlap_mean'])}")
        kinds = summary["overlap_by_kind"]
        console.print(
            "classes of the window at the end of each block, attractor from the class mean, "
            "by overlap definition (mean, min, >= " f"{thr:g}): " + "; ".join(
                f"{kind} {v['window_mean']:.3f}, {v['window_min']:.3f}, "
                f"{v['window_above_threshold']}/{v['window_count']}"
                for kind, v in kinds.items())
            + f"; outputs in {out}/ ({', '.join(res['files'])})")
        return
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
    with progress_bar(kept=lambda stage, done, total:
                      f"{done} of {total} instances in {out / TSP_PARTIAL}") as progress:
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
