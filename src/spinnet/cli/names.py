"""``spinnet hopfield names``: show a picture, the network completes its name."""

from __future__ import annotations

from pathlib import Path

import typer

from spinnet.cli._common import (
    check_seed,
    console,
    fail,
    note_kept,
    out_dir,
    parse_floats,
    print_table,
    progress_bar,
    run_experiment,
)

_DATA = ("random", "letters", "digits", "mnist")
_RULES = ("hebbian", "pseudo_inverse", "storkey")
_BLANKS = ("random", "fixed")


def names(
    data: str = typer.Option("random", "--data", help="Pictures: random (each its own name; "
                                                      "accuracy vs load and noise), letters "
                                                      "(26 capitals), digits (8x8) or mnist "
                                                      "(class = name)."),
    rule: str = typer.Option("hebbian,pseudo_inverse", "--rule",
                             help="Learning rules, a comma list of hebbian, pseudo_inverse, "
                                  "storkey."),
    alpha: str = typer.Option("0.02,0.05,0.1,0.14,0.2", "--alpha",
                              help="Loads α = p/(N + L) of the composite network, a comma "
                                   "list or lo:hi:n (--data random)."),
    noise: str = typer.Option("0,0.2,0.4", "--noise",
                              help="Picture noise (fraction of pixels flipped, < 0.5), a comma "
                                   "list or lo:hi:n."),
    N: int = typer.Option(500, "--N", help="Picture spins N for --data random."),
    code_length: int = typer.Option(None, "--code-length",
                                    help="Spins L of the name code (default: 100 for random "
                                         "pictures, 16 for images)."),
    trials: int = typer.Option(4, "--trials", help="Pattern sets per load (random) or noisy "
                                                   "copies per stored picture (images)."),
    per_class: int = typer.Option(None, "--per-class", help="Stored pictures per digit "
                                                            "(default: 2 for digits, 10 for "
                                                            "mnist)."),
    samples: int = typer.Option(1000, "--samples", help="Unseen pictures shown (digits, "
                                                        "mnist)."),
    size: int = typer.Option(16, "--size", help="Letter image side in pixels (--data "
                                                "letters)."),
    blank: str = typer.Option("random", "--blank", help="Name part of a probe: random (fresh "
                                                        "±1 per probe) or fixed (one ±1 blank "
                                                        "code); zeros are not spins."),
    clamp: bool = typer.Option(False, "--clamp/--no-clamp", help="Hold the picture fixed "
                                                                 "while the name relaxes."),
    data_dir: Path = typer.Option(None, "--data-dir", help="Directory with the MNIST IDX "
                                                           "files (see `spinnet data where`)."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    out: Path = typer.Option(Path("spinnet-hopfield-names"), "--out", help="Output directory."),
) -> None:
    """Pictures stored with their names: show a picture with a blank name, read the name.

    Composite patterns (picture followed by a name code) are stored (Hebb or
    pseudo-inverse);
    a picture with noise and a blank (±1) name part relaxes at T = 0 and the
    name is read as the nearest code. Writes names.csv, names-accuracy.png,
    names-completed.png and manifest.json.
    """
    from spinnet.experiments.names import names_experiment

    if data not in _DATA:
        fail(f"--data must be one of {', '.join(_DATA)}; got {data!r}", "--data")
    rules = [r.strip() for r in rule.split(",")]
    bad = [r for r in rules if r not in _RULES]
    if bad or not rules:
        fail(f"--rule must be a comma list of {', '.join(_RULES)}; got {rule!r}", "--rule")
    alphas = parse_floats(alpha, "--alpha", minimum=0, maximum=1, min_inclusive=False)
    noises = parse_floats(noise, "--noise", minimum=0, maximum=0.5, max_inclusive=False)
    if N < 2:
        fail(f"--N must be >= 2; got {N}", "--N")
    if code_length is not None and code_length < 1:
        fail(f"--code-length must be >= 1; got {code_length}", "--code-length")
    if trials < 1:
        fail(f"--trials must be >= 1; got {trials}", "--trials")
    if per_class is not None and per_class < 1:
        fail(f"--per-class must be >= 1; got {per_class}", "--per-class")
    if samples < 1:
        fail(f"--samples must be >= 1; got {samples}", "--samples")
    if size < 5:
        fail(f"--size must be >= 5; got {size}", "--size")
    if blank not in _BLANKS:
        fail(f"--blank must be random or fixed; got {blank!r}", "--blank")
    check_seed(seed)
    data_info = None
    if data == "mnist":
        from spinnet.cli._common import load_mnist_cli

        data_info = load_mnist_cli(data_dir).directory
    out = out_dir(out)
    note_kept("nothing yet: the outputs are written when the run ends (same --seed, same "
              "result)")
    with progress_bar(transient=True) as progress:
        res = run_experiment(names_experiment, out, data=data, rules=rules, alphas=alphas,
                             noises=noises, n_picture=N, code_length=code_length,
                             trials=trials, per_class=per_class, n_test=samples, size=size,
                             blank=blank, clamp_picture=clamp,
                             data_dir=data_info if data_info is not None else data_dir,
                             seed=seed, progress=progress, also=(ValueError,))
    fmt = {"alpha": ".3f", "noise": ".2f", "accuracy": ".3f", "stderr": ".3f",
           "chance": ".3f"}
    rows = res["rows"]
    if data == "random":
        cols = ("rule", "alpha", "p", "noise", "accuracy", "stderr", "chance")
        title = (f"Names completed: random pictures, N = {N}, L = "
                 f"{rows[0]['code_length']}")
    else:
        cols = ("rule", "split", "noise", "accuracy", "stderr", "n", "chance", "alpha")
        title = f"Names completed: {data}, {rows[0]['n_stored']} stored pictures"
    print_table(title, [{c: r[c] for c in cols} for r in rows], fmt)
    console.print(f"outputs in {out}/ ({', '.join(res['files'])})")


__all__ = ["names"]
