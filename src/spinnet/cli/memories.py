"""``spinnet hopfield hetero`` and ``spinnet hopfield sequence``: memories beyond
auto-association (bidirectional associative memory; sequence replay).

Options are parsed and checked here; the work is done by
:mod:`spinnet.experiments.memories` (imported inside the commands).
"""

from __future__ import annotations

import time
from pathlib import Path

import typer

from spinnet.cli._common import (
    check_finite,
    check_seed,
    console,
    fail,
    out_dir,
    parse_floats,
    parse_ints,
    print_table,
    progress_bar,
)

__all__ = ["hetero", "sequence"]


def _image_shape(n: int) -> tuple[int, int]:
    h = max(d for d in range(1, int(n ** 0.5) + 1) if n % d == 0)
    return h, n // h


def hetero(
    N: str = typer.Option("256,256,64", "--N",
                          help="Sizes of the x layer: one value or a comma list, paired "
                               "with --M."),
    M: str = typer.Option("256,64,256", "--M",
                          help="Sizes of the y layer: one value or a comma list of the same "
                               "length as --N."),
    p: str = typer.Option(None, "--p",
                          help="Numbers of stored pairs: a comma list or lo:hi:n "
                               "(default: 12 values from 1 to min(N, M)/4)."),
    noise: float = typer.Option(0.1, "--noise",
                                help="Fraction of bits flipped in each probe, in [0, 0.5)."),
    trials: int = typer.Option(10, "--trials", help="Independent sets of pairs per point."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    out: Path = typer.Option(Path("spinnet-hopfield-hetero"), "--out",
                             help="Output directory."),
) -> None:
    """Bidirectional associative memory (Kosko 1988): recall vs load, with the
    signal-to-noise estimate; writes hetero.csv, hetero-capacity.png,
    hetero-recall.png and manifest.json.
    """
    from spinnet._io import write_csv, write_manifest
    from spinnet.experiments.memories import (
        bam_capacity,
        bam_capacity_figure,
        bam_recall_examples,
        bam_recall_figure,
        capacity_at_half,
    )
    from spinnet.plotting.hopfield import save_figure

    started = time.time()
    sizes_x = parse_ints(N, "--N", minimum=2)
    sizes_y = parse_ints(M, "--M", minimum=2)
    if len(sizes_x) != len(sizes_y):
        fail(f"--M must list as many sizes as --N ({len(sizes_x)}); got {len(sizes_y)}", "--M")
    pairs = parse_ints(p, "--p", minimum=1) if p is not None else None
    check_finite(noise, "--noise", minimum=0, maximum=0.5, max_inclusive=False)
    if trials < 2:
        fail(f"--trials must be >= 2 (the error bar needs two); got {trials}", "--trials")
    check_seed(seed)
    out = out_dir(out)
    shapes = list(zip(sizes_x, sizes_y, strict=True))
    with progress_bar(transient=True) as bar:
        rows = bam_capacity(shapes, pairs, noise=noise, n_trials=trials, rng=seed,
                            progress=bar)
    caps = capacity_at_half(rows, key="recalled")
    print_table(f"BAM recall from {noise:.0%} noise (exact pair = success)",
                [{k: r[k] for k in ("N", "M", "p", "recalled", "recalled_err", "fixed",
                                    "snr_fixed")} for r in rows],
                {"recalled": ".3f", "recalled_err": ".3f", "fixed": ".3f", "snr_fixed": ".3f"})
    cap_rows = list(caps.values())
    print_table("Capacity p_c (half of the pairs recalled)", cap_rows,
                {"p_c": ".1f", "p_c_err": ".1f", "snr_p_c": ".1f"})
    write_csv(out / "hetero.csv", rows)
    write_csv(out / "hetero-capacity.csv", cap_rows)
    save_figure(bam_capacity_figure(rows, noise=noise), out / "hetero-capacity.png")
    n0, m0 = shapes[0]
    ex = bam_recall_examples(n0, m0, 4, noise=noise, rng=seed)
    save_figure(bam_recall_figure(ex, _image_shape(n0), _image_shape(m0)),
                out / "hetero-recall.png")
    files = ["hetero.csv", "hetero-capacity.csv", "hetero-capacity.png", "hetero-recall.png",
             "manifest.json"]
    write_manifest(out, "hopfield hetero",
                   dict(N=sizes_x, M=sizes_y, p=pairs, noise=noise, trials=trials, seed=seed),
                   started, files, capacity=cap_rows,
                   recall_examples={"perfect_from_x": ex["perfect_from_x"],
                                    "perfect_from_y": ex["perfect_from_y"]})
    console.print(f"outputs in {out}/ ({', '.join(files)})")


def sequence(
    N: str = typer.Option("500,1000", "--N", help="Network sizes: a comma list or lo:hi:n."),
    alpha: str = typer.Option("0.235:0.285:11", "--alpha",
                              help="Loads α = p/N: a comma list or lo:hi:n (n points)."),
    trials: int = typer.Option(10, "--trials", help="Independent sequences per point."),
    sweeps: int = typer.Option(200, "--sweeps",
                               help="Synchronous steps of each replay (the success criterion "
                                    "is read after the last one)."),
    threshold: float = typer.Option(0.5, "--threshold",
                                    help="Overlap with the pattern due that counts as "
                                         "replayed, in (0, 1)."),
    p: int = typer.Option(10, "--p", help="Length of the sequence replayed by the "
                                          "delayed-synapse network."),
    tau: int = typer.Option(8, "--tau", help="Synaptic delay τ in sweeps (>= 1)."),
    lam: float = typer.Option(2.0, "--lam", help="Strength λ of the delayed sequence "
                                                 "couplings (> 1 to advance)."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    out: Path = typer.Option(Path("spinnet-hopfield-sequence"), "--out",
                             help="Output directory."),
) -> None:
    """Sequence capacity under synchronous dynamics (vs α_c = 0.269) and replay by a
    delayed-synapse network; writes sequence-capacity.csv, sequence-fits.csv,
    sequence-capacity.png, sequence-raster.png and manifest.json.
    """
    from spinnet._io import write_csv, write_manifest
    from spinnet.experiments.memories import (
        ALPHA_C_SEQUENCE,
        delayed_replay,
        extrapolate_capacity,
        fit_sequence_capacity,
        sequence_capacity,
        sequence_capacity_figure,
        sequence_raster_figure,
    )
    from spinnet.plotting.hopfield import save_figure

    started = time.time()
    sizes = parse_ints(N, "--N", minimum=20)
    alphas = parse_floats(alpha, "--alpha", minimum=0, min_inclusive=False)
    if len(alphas) < 3:
        fail(f"--alpha needs at least 3 loads to locate α_c; got {len(alphas)}", "--alpha")
    if trials < 2:
        fail(f"--trials must be >= 2 (the error bar needs two); got {trials}", "--trials")
    if sweeps < 1:
        fail(f"--sweeps must be >= 1; got {sweeps}", "--sweeps")
    check_finite(threshold, "--threshold", minimum=0, maximum=1, min_inclusive=False,
                 max_inclusive=False)
    if p < 2:
        fail(f"--p must be >= 2 (a sequence needs two patterns); got {p}", "--p")
    if tau < 1:
        fail(f"--tau must be >= 1 sweep; got {tau}", "--tau")
    check_finite(lam, "--lam", minimum=0, min_inclusive=False)
    check_seed(seed)
    out = out_dir(out)
    with progress_bar(transient=True) as bar:
        rows = sequence_capacity(sizes, alphas, n_sets=trials, n_steps=sweeps,
                                 threshold=threshold, rng=seed, progress=bar)
    fits = fit_sequence_capacity(rows, rng=seed)
    extra = None
    if len(fits) >= 2:
        extra = extrapolate_capacity(fits, exponent=0.5 if len(fits) < 4 else None)
    print_table("Sequence capacity α_c(N) (probit fit, bootstrap errors)", fits,
                {"alpha_c": ".4f", "alpha_c_err": ".4f", "width": ".4f"})
    if extra:
        console.print(f"extrapolated α_c(∞) = {extra['alpha_inf']:.4f} ± "
                      f"{extra['alpha_inf_err']:.4f} (fit α_∞ + a N^-{extra['nu']:.3g}); "
                      f"theory {ALPHA_C_SEQUENCE} (Düring, Coolen & Sherrington 1998)")
    res = delayed_replay(max(sizes[0], 100), p, lam=lam, tau=tau, rng=seed)
    console.print(f"delayed synapses (N = {max(sizes[0], 100)}, p = {p}, τ = {tau}, λ = {lam:g}): "
                  f"peaks min {res['peaks'].min():.3f}, dwell "
                  f"{res['dwell'].min():.0f}–{res['dwell'].max():.0f} sweeps, "
                  f"order {'ok' if res['order_ok'] else 'broken'}")
    csv_rows = [{k: v for k, v in r.items() if k != "set_fractions"} for r in rows]
    write_csv(out / "sequence-capacity.csv", csv_rows)
    write_csv(out / "sequence-fits.csv", fits)
    save_figure(sequence_capacity_figure(rows, fits, extra), out / "sequence-capacity.png")
    save_figure(sequence_raster_figure(res["overlaps"], tau=tau), out / "sequence-raster.png")
    files = ["sequence-capacity.csv", "sequence-fits.csv", "sequence-capacity.png",
             "sequence-raster.png", "manifest.json"]
    write_manifest(out, "hopfield sequence",
                   dict(N=sizes, alpha=alphas, trials=trials, sweeps=sweeps,
                        threshold=threshold, p=p, tau=tau, lam=lam, seed=seed),
                   started, files, fits=fits, extrapolation=extra,
                   delayed={"peaks": res["peaks"], "dwell": res["dwell"],
                            "order_ok": res["order_ok"]})
    console.print(f"outputs in {out}/ ({', '.join(files)})")
