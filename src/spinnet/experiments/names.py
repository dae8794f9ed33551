"""Names: pictures stored with their names, a picture shown, the name completed.

* :func:`names_random` -- random pictures, each with its own name: accuracy of
  the completed name vs load ``α = p / (N_pic + L)`` and picture noise, for
  several learning rules;
* :func:`names_images` -- letters (26 capitals, class = letter), the 8 × 8
  digits or MNIST (class = digit): accuracy on stored pictures with noise and,
  for digits and MNIST, on pictures never stored;
* :func:`completion_examples` -- probes and completed composites for a figure;
* :func:`names_experiment` -- the pipeline of ``spinnet hopfield names``:
  run, write ``names.csv``, ``names-accuracy.png``, ``names-completed.png`` and
  ``manifest.json``.

The memory is :class:`spinnet.hopfield.names.NamedMemory` (composite patterns
``[picture | name code]``, probes with a ±1 blank name part, decoding by the
nearest code). Hebb's random-pattern capacity ``α_c ≈ 0.138`` (Amit,
Gutfreund & Sompolinsky 1985) is drawn on the accuracy-vs-load figure.
"""

from __future__ import annotations

import math
import string
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from spinnet._progress import ProgressCallback, report
from spinnet._rng import SeedLike, as_generator, spawn
from spinnet._validation import check_fraction, check_int, check_option
from spinnet.hopfield.names import BLANKS, NamedMemory, decode_names
from spinnet.hopfield.rules import RULES
from spinnet.spins import flip, random_patterns

__all__ = ["ALPHA_C_HEBB", "IMAGE_DATA", "NAME_DATA", "completion_examples",
           "names_accuracy_figure", "names_completed_figure", "names_experiment",
           "names_images", "names_random"]

#: Data sets of :func:`names_images`; ``"random"`` is :func:`names_random`.
IMAGE_DATA = ("letters", "digits", "mnist")
NAME_DATA = ("random", *IMAGE_DATA)
#: Hebb storage capacity of random patterns, Amit, Gutfreund & Sompolinsky (1985).
ALPHA_C_HEBB = 0.138


def _rules(rules: Sequence[str]) -> list[str]:
    if isinstance(rules, str):
        rules = [rules]
    out = [check_option(r, "rules", tuple(RULES)) for r in rules]
    if not out:
        raise ValueError("rules must name at least one learning rule; got none")
    return out


def _fractions(values: Sequence[float], name: str, *, below_half: bool = False) -> list[float]:
    vals = [check_fraction(v, name) for v in np.atleast_1d(np.asarray(values, dtype=object))]
    if not vals:
        raise ValueError(f"{name} must hold at least one value; got none")
    if below_half and any(v >= 0.5 for v in vals):
        raise ValueError(f"{name} must be < 0.5 (a picture with half its pixels flipped "
                         f"carries no information); got {vals}")
    return vals


def _binomial_row(correct: int, n: int) -> dict[str, float]:
    acc = correct / n
    return {"accuracy": acc, "stderr": math.sqrt(max(acc * (1 - acc), 0.0) / n), "n": n}


def names_random(n_picture: int = 500, code_length: int = 100,
                 alphas: Sequence[float] = (0.02, 0.05, 0.1, 0.14, 0.2),
                 noises: Sequence[float] = (0.0, 0.2, 0.4),
                 rules: Sequence[str] = ("hebbian", "pseudo_inverse"), *, trials: int = 4,
                 blank: str = "random", clamp_picture: bool = False, rng: SeedLike = None,
                 progress: ProgressCallback | None = None) -> list[dict]:
    """Name completion for random pictures, each with its own name, vs load and noise.

    For each rule, load and trial: ``p = round(α (N_pic + L))`` random
    pictures (``N_pic`` spins) get ``p`` distinct names with random ±1 codes of
    length ``L``; the composites are stored
    (:class:`~spinnet.hopfield.names.NamedMemory`); every picture, with a
    fraction ``noise`` of its spins flipped (exact count,
    :func:`spinnet.spins.flip`) and a blank name part, relaxes at ``T = 0``;
    the name is correct when the nearest code is its own. Chance is ``1/p``.

    Parameters
    ----------
    n_picture : int
        ``N_pic``.
    code_length : int
        ``L``.
    alphas : sequence of float in (0, 1]
        Loads of the composite network, ``α = p / (N_pic + L)``.
    noises : sequence of float in [0, 0.5)
        Picture noise.
    rules : sequence of {"hebbian", "pseudo_inverse", "storkey"}
    trials : int
        Independent pattern sets per (rule, α).
    blank : {"random", "fixed"}
        Name part of the probes.
    clamp_picture : bool
        Hold the picture fixed during recall.
    rng : SeedLike
        Point ``(α, trial)`` uses its own stream (shared by the rules, so the
        rules see the same pictures and probes).
    progress : ProgressCallback, optional
        ``progress("patterns sets", done, total)``.

    Returns
    -------
    list of dict
        One row per (rule, α, noise): ``rule, alpha, p, n_picture,
        code_length, noise, accuracy, stderr (binomial), n, chance``.
    """
    npic = check_int(n_picture, "n_picture", minimum=2)
    L = check_int(code_length, "code_length", minimum=1)
    alphas = [float(a) for a in np.atleast_1d(np.asarray(alphas, dtype=np.float64))]
    if not alphas or any(not (0 < a <= 1) for a in alphas):
        raise ValueError(f"alphas must be in (0, 1]; got {alphas}")
    noises = _fractions(noises, "noises", below_half=True)
    rules = _rules(rules)
    trials = check_int(trials, "trials", minimum=1)
    blank = check_option(blank, "blank", BLANKS)
    n = npic + L
    ps = [max(1, round(a * n)) for a in alphas]
    streams = spawn(rng, len(alphas) * trials)
    counts = {(r, i, q): 0 for r in rules for i in range(len(alphas)) for q in range(len(noises))}
    total = len(alphas) * trials
    for i, p in enumerate(ps):
        for t in range(trials):
            gen = streams[i * trials + t]
            pics = random_patterns(p, npic, rng=gen)
            seeds = gen.integers(0, 2**63 - 1, size=(len(noises), 3))
            probes = [flip(pics, q, rng=int(seeds[k, 0])) for k, q in enumerate(noises)]
            for rule in rules:
                mem = NamedMemory(rule, L, blank).fit(pics, np.arange(p), rng=int(seeds[0, 1]))
                for k in range(len(noises)):
                    pred = mem.predict(probes[k], clamp_picture=clamp_picture,
                                       rng=int(seeds[k, 2]))
                    counts[(rule, i, k)] += int(np.sum(pred == np.arange(p)))
            report(progress, "pattern sets", i * trials + t + 1, total)
    rows = []
    for rule in rules:
        for i, (a, p) in enumerate(zip(alphas, ps, strict=True)):
            for k, q in enumerate(noises):
                rows.append({"rule": rule, "alpha": a, "p": p, "n_picture": npic,
                             "code_length": L, "noise": q,
                             **_binomial_row(counts[(rule, i, k)], p * trials),
                             "chance": 1.0 / p})
    return rows


def _image_data(data: str, size: int, data_dir: Any) -> dict[str, Any]:
    """Pictures (±1), labels and the image shape of a named data set."""
    data = check_option(data, "data", IMAGE_DATA)
    if data == "letters":
        from spinnet.datasets import letters, letters_shape

        chars = string.ascii_uppercase
        return {"x": letters(chars, size), "y": np.array(list(chars)), "x_test": None,
                "y_test": None, "shape": letters_shape(size), "describe": {"size": size}}
    if data == "digits":
        from spinnet.datasets import DIGITS_SHAPE, digits

        x, y = digits()
        # The first 1000 images are the pool stored from, the rest are never stored.
        return {"x": x[:1000], "y": y[:1000], "x_test": x[1000:], "y_test": y[1000:],
                "shape": DIGITS_SHAPE, "describe": {"pool": 1000, "n_test": len(y) - 1000}}
    from spinnet.datasets import MNIST_SHAPE, load_mnist_split

    split = load_mnist_split(data_dir)
    x = np.where(split.x_train > 127, 1, -1).astype(np.int8)
    xt = np.where(split.x_test > 127, 1, -1).astype(np.int8)
    return {"x": x, "y": split.y_train, "x_test": xt, "y_test": split.y_test,
            "shape": MNIST_SHAPE, "describe": split.describe() | {"binarized": "> 127"}}


def _per_class(data: str, per_class: int | None) -> int:
    if per_class is None:
        return 2 if data == "digits" else 10
    return check_int(per_class, "per_class", minimum=1)


def _stored_subset(y: np.ndarray, per_class: int | None, gen: np.random.Generator
                   ) -> np.ndarray:
    if per_class is None:
        return np.arange(len(y))
    idx = []
    for c in np.unique(y):
        members = np.flatnonzero(y == c)
        if len(members) < per_class:
            raise ValueError(f"per_class: class {c!r} has only {len(members)} pictures; "
                             f"got per_class={per_class}")
        idx.append(np.sort(gen.choice(members, per_class, replace=False)))
    return np.concatenate(idx)


def names_images(data: str = "letters", rules: Sequence[str] = ("hebbian", "pseudo_inverse"),
                 noises: Sequence[float] = (0.0, 0.1, 0.2), *, code_length: int = 16,
                 per_class: int | None = None, n_test: int = 1000, trials: int = 4, size: int = 16,
                 blank: str = "random", clamp_picture: bool = False, data_dir: Any = None,
                 rng: SeedLike = None, progress: ProgressCallback | None = None
                 ) -> tuple[list[dict], dict[str, Any]]:
    """Name completion on letters, digits or MNIST, where the class is the name.

    ``letters``: the 26 bold capitals (:func:`spinnet.datasets.letters`,
    ``size × size``), one picture per name; ``digits`` (8 × 8, scikit-learn)
    and ``mnist`` (28 × 28, binarised at grey level 127): ``per_class``
    pictures of every digit drawn from the training pool are stored. Each
    stored picture is shown with a fraction ``noise`` of its pixels flipped
    (``trials`` noisy copies each), and ``n_test`` pictures never stored
    (digits: images 1000+ of the scikit-learn set; MNIST: the test set) are
    shown as they are. Correlated pictures: Hebb fails (their common
    component dominates the fields), the pseudo-inverse does better.

    Parameters
    ----------
    data : {"letters", "digits", "mnist"}
    rules : sequence of {"hebbian", "pseudo_inverse", "storkey"}
    noises : sequence of float in [0, 0.5)
    code_length : int
        ``L``; short codes keep the name part from dominating correlated
        pictures (MNIST, pseudo-inverse: L = 16 beats L = 256, measured).
    per_class : int, optional
        Stored pictures per digit (ignored for letters); default 2 for digits
        (``α = 20/80``), 10 for MNIST (``α = 100/800``).
    n_test : int
        Unseen pictures shown (digits, MNIST); at most the test pool.
    trials : int
        Noisy copies per stored picture and noise level.
    size : int
        Side of the letter images.
    blank, clamp_picture
        As in :meth:`NamedMemory.complete`.
    data_dir : path, optional
        MNIST directory (see :func:`spinnet.datasets.resolve_mnist_dir`).
    rng : SeedLike
    progress : ProgressCallback, optional

    Returns
    -------
    rows : list of dict
        ``data, rule, split ("stored" | "unseen"), noise, accuracy, stderr,
        n, chance, n_stored, alpha``.
    info : dict
        ``shape`` (image shape), ``data`` (what was loaded).
    """
    rules = _rules(rules)
    noises = _fractions(noises, "noises", below_half=True)
    L = check_int(code_length, "code_length", minimum=1)
    per_class = _per_class(data, per_class)
    n_test = check_int(n_test, "n_test", minimum=1)
    trials = check_int(trials, "trials", minimum=1)
    size = check_int(size, "size", minimum=5)
    blank = check_option(blank, "blank", BLANKS)
    d = _image_data(data, size, data_dir)
    gen = as_generator(rng)
    idx = _stored_subset(d["y"], None if data == "letters" else per_class, gen)
    x, y = d["x"][idx], d["y"][idx]
    n_classes = len(np.unique(y))
    seeds = gen.integers(0, 2**63 - 1, size=4)
    probes = [np.concatenate([flip(x, q, rng=int(s)) for s in
                              np.random.default_rng(int(seeds[0]) + k).integers(
                                  0, 2**63 - 1, size=trials)])
              for k, q in enumerate(noises)]
    x_test = y_test = None
    if d["x_test"] is not None:
        m = min(n_test, len(d["y_test"]))
        x_test, y_test = d["x_test"][:m], d["y_test"][:m]
    rows = []
    total = len(rules) * (len(noises) + (x_test is not None))
    done = 0
    for rule in rules:
        mem = NamedMemory(rule, L, blank).fit(x, y, rng=int(seeds[1]))
        alpha = mem.load_
        base = {"data": data, "rule": rule}
        for k, q in enumerate(noises):
            pred = mem.predict(probes[k], clamp_picture=clamp_picture, rng=int(seeds[2]) + k)
            yk = np.tile(y, trials)
            rows.append(base | {"split": "stored", "noise": q,
                                **_binomial_row(int(np.sum(pred == yk)), len(yk)),
                                "chance": 1.0 / n_classes, "n_stored": len(y), "alpha": alpha})
            done += 1
            report(progress, "evaluations", done, total)
        if x_test is not None:
            pred = mem.predict(x_test, clamp_picture=clamp_picture, rng=int(seeds[3]))
            rows.append(base | {"split": "unseen", "noise": 0.0,
                                **_binomial_row(int(np.sum(pred == y_test)), len(y_test)),
                                "chance": 1.0 / n_classes, "n_stored": len(y), "alpha": alpha})
            done += 1
            report(progress, "evaluations", done, total)
    return rows, {"shape": d["shape"], "data": d["describe"]}


def completion_examples(data: str = "letters", rule: str = "pseudo_inverse", *,
                        n_examples: int = 6, noise: float = 0.2, code_length: int = 16,
                        n_picture: int = 400, alpha: float = 0.05,
                        per_class: int | None = None,
                        size: int = 16, blank: str = "random", clamp_picture: bool = False,
                        data_dir: Any = None, rng: SeedLike = None) -> dict[str, Any]:
    """Probes ``[noisy picture | blank]`` and their completions, for a figure.

    Parameters
    ----------
    data : {"random", "letters", "digits", "mnist"}
    rule : str
    n_examples : int
        Stored pictures shown (the first ones of a random permutation).
    noise : float in [0, 0.5)
    code_length, n_picture, alpha
        ``L``; for random pictures also ``N_pic`` and the load.
    per_class, size, blank, clamp_picture, data_dir
        As in :func:`names_images`.
    rng : SeedLike

    Returns
    -------
    dict
        ``probes`` (B, N_pic + L), ``completed`` (B, N_pic + L), ``clean``
        (B, N_pic), ``codes`` (K, L), ``true`` and ``predicted`` names (B,),
        ``shape`` of a picture, ``n_picture``, ``rule``, ``data``, ``noise``.
    """
    data = check_option(data, "data", NAME_DATA)
    n_examples = check_int(n_examples, "n_examples", minimum=1)
    noise = _fractions([noise], "noise", below_half=True)[0]
    gen = as_generator(rng)
    if data == "random":
        npic = check_int(n_picture, "n_picture", minimum=2)
        p = max(1, round(alpha * (npic + code_length)))
        x, y = random_patterns(p, npic, rng=gen), np.arange(p)
        side = math.isqrt(npic)
        shape = (side, npic // side) if side * (npic // side) == npic else (1, npic)
    else:
        d = _image_data(data, size, data_dir)
        per = None if data == "letters" else _per_class(data, per_class)
        idx = _stored_subset(d["y"], per, gen)
        x, y, shape = d["x"][idx], d["y"][idx], d["shape"]
    mem = NamedMemory(rule, code_length, blank).fit(x, y, rng=gen)
    pick = gen.permutation(len(y))[:n_examples]
    clean = x[pick]
    probes = mem.probes(flip(clean, noise, rng=gen), rng=gen)
    completed = mem.relax(probes, clamp_picture=clamp_picture, rng=gen)
    pred = mem.classes_[decode_names(completed[:, mem.n_picture_:], mem.codes_)]
    return {"probes": probes, "completed": completed, "clean": clean, "codes": mem.codes_,
            "true": y[pick], "predicted": pred, "shape": tuple(shape),
            "n_picture": mem.n_picture_, "rule": rule, "data": data, "noise": noise}


# ------------------------------------------------------------------------------ figures
def names_accuracy_figure(rows: Sequence[dict], *, title: str | None = None) -> Any:
    """Accuracy of the completed name: vs load and vs noise (random), or vs noise (images).

    Parameters
    ----------
    rows : sequence of dict
        From :func:`names_random` (has ``alpha``, no ``split``) or
        :func:`names_images` (has ``split``).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        Random pictures: accuracy vs ``α`` (one line per rule and noise; Hebb's
        ``α_c ≈ 0.138`` marked) and vs noise (one line per rule and load).
        Images: accuracy vs noise on stored pictures, unseen pictures as
        horizontal dashed lines, chance dotted.
    """
    from matplotlib.figure import Figure

    rows = list(rows)
    if not rows:
        raise ValueError("rows must not be empty")
    rules = list(dict.fromkeys(r["rule"] for r in rows))
    colours = {r: f"C{i}" for i, r in enumerate(rules)}
    if "split" not in rows[0]:
        fig = Figure(figsize=(11, 4.2), layout="constrained")
        ax, bx = fig.subplots(1, 2)
        noises = sorted({r["noise"] for r in rows})
        alphas = sorted({r["alpha"] for r in rows})
        styles = ["-", "--", ":", "-."]
        for rule in rules:
            for j, q in enumerate(noises):
                sel = sorted((r for r in rows if r["rule"] == rule and r["noise"] == q),
                             key=lambda r: r["alpha"])
                ax.errorbar([r["alpha"] for r in sel], [r["accuracy"] for r in sel],
                            yerr=[r["stderr"] for r in sel], color=colours[rule],
                            ls=styles[j % 4], marker="o", ms=4, capsize=2,
                            label=f"{rule}, noise {q:g}")
            for j, a in enumerate(alphas):
                sel = sorted((r for r in rows if r["rule"] == rule and r["alpha"] == a),
                             key=lambda r: r["noise"])
                bx.errorbar([r["noise"] for r in sel], [r["accuracy"] for r in sel],
                            yerr=[r["stderr"] for r in sel], color=colours[rule],
                            alpha=0.35 + 0.65 * (j + 1) / len(alphas), marker="o", ms=4,
                            capsize=2, label=f"{rule}, α = {a:g}")
        ax.axvline(ALPHA_C_HEBB, color="0.4", lw=1, ls="--")
        ax.text(ALPHA_C_HEBB, 0.03, " Hebb α_c ≈ 0.138\n (AGS 1985)", fontsize=8, color="0.3")
        r0 = rows[0]
        ax.set(xlabel="load α = p / (N_pic + L)", ylabel="name completed correctly",
               ylim=(-0.02, 1.02),
               title=f"random pictures, N_pic = {r0['n_picture']}, L = {r0['code_length']}")
        bx.set(xlabel="picture noise (fraction flipped)", ylabel="name completed correctly",
               ylim=(-0.02, 1.02), title="accuracy vs picture noise")
        ax.legend(fontsize=7)
        bx.legend(fontsize=6, ncol=2)
    else:
        fig = Figure(figsize=(6.5, 4.2), layout="constrained")
        ax = fig.subplots()
        for rule in rules:
            sel = sorted((r for r in rows if r["rule"] == rule and r["split"] == "stored"),
                         key=lambda r: r["noise"])
            ax.errorbar([r["noise"] for r in sel], [r["accuracy"] for r in sel],
                        yerr=[r["stderr"] for r in sel], color=colours[rule], marker="o",
                        capsize=2, label=f"{rule}: stored pictures + noise")
            for r in rows:
                if r["rule"] == rule and r["split"] == "unseen":
                    ax.axhline(r["accuracy"], color=colours[rule], ls="--",
                               label=f"{rule}: unseen pictures ({r['accuracy']:.2f})")
        ax.axhline(rows[0]["chance"], color="0.5", ls=":", label="chance")
        ax.set(xlabel="picture noise (fraction flipped)", ylabel="name completed correctly",
               ylim=(-0.02, 1.02),
               title=f"{rows[0]['data']}: {rows[0]['n_stored']} stored pictures")
        ax.legend(fontsize=7)
    if title:
        fig.suptitle(title)
    return fig


def names_completed_figure(examples: dict[str, Any], *, title: str | None = None) -> Any:
    """Probes and their completions: picture, name part, and the name read out.

    Parameters
    ----------
    examples : dict
        From :func:`completion_examples`.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        One row per example: noisy picture with blank name (the name part as a
        strip of ±1 cells), the completed picture and name, the code of the
        true name; the decoded name (green: correct, red: wrong).
    """
    from matplotlib.figure import Figure

    probes, done = examples["probes"], examples["completed"]
    npic, shape = examples["n_picture"], examples["shape"]
    b = probes.shape[0]
    fig = Figure(figsize=(7.5, 1.25 * b + 0.6), layout="constrained")
    axes = fig.subplots(b, 5, squeeze=False, width_ratios=[1, 1.6, 1, 1.6, 1.6])
    true, pred = examples["true"], examples["predicted"]
    for i in range(b):
        cells = [(probes[i, :npic].reshape(shape), "probe picture"),
                 (probes[i, npic:][None, :], "blank name"),
                 (done[i, :npic].reshape(shape), "completed picture"),
                 (done[i, npic:][None, :], "completed name")]
        for j, (img, label) in enumerate(cells):
            axes[i, j].imshow(img, cmap="gray_r", vmin=-1, vmax=1, aspect="auto"
                              if img.shape[0] == 1 else "equal", interpolation="nearest")
            axes[i, j].set_xticks([])
            axes[i, j].set_yticks([])
            if i == 0:
                axes[i, j].set_title(label, fontsize=8)
        ok = bool(true[i] == pred[i])
        axes[i, 4].axis("off")
        axes[i, 4].text(0.0, 0.5, f"true: {true[i]}\nread: {pred[i]}", fontsize=10,
                        color="green" if ok else "red", va="center",
                        transform=axes[i, 4].transAxes)
    fig.suptitle(title or f"{examples['data']}, {examples['rule']}: picture noise "
                          f"{examples['noise']:g}, name part blank (random ±1)", fontsize=9)
    return fig


# ----------------------------------------------------------------------------- pipeline
def names_experiment(out: str | Path, *, data: str = "random",
                     rules: Sequence[str] = ("hebbian", "pseudo_inverse"),
                     alphas: Sequence[float] = (0.02, 0.05, 0.1, 0.14, 0.2),
                     noises: Sequence[float] = (0.0, 0.2, 0.4), n_picture: int = 500,
                     code_length: int | None = None, trials: int = 4,
                     per_class: int | None = None,
                     n_test: int = 1000, size: int = 16, blank: str = "random",
                     clamp_picture: bool = False, data_dir: Any = None, seed: int = 0,
                     progress: ProgressCallback | None = None) -> dict[str, Any]:
    """Run :func:`names_random` or :func:`names_images`; write the table, figures, manifest.

    Parameters
    ----------
    out : path
        Output directory (created).
    data : {"random", "letters", "digits", "mnist"}
    code_length : int, optional
        ``L``; default 100 for random pictures, 16 for images.
    seed : int
        The ``rng`` of the run (same seed, same files).
    rules, alphas, noises, n_picture, trials, blank, clamp_picture
        As in :func:`names_random` / :func:`names_images` (``alphas`` and
        ``n_picture`` only for random pictures).
    per_class, n_test, size, data_dir
        As in :func:`names_images` (images only).
    progress : callable or None, default None
        Progress callback ``progress(stage, done, total)``.

    Returns
    -------
    dict
        ``rows``, ``summary``, ``files``, ``out``.
    """
    from spinnet._io import write_csv, write_manifest
    from spinnet.plotting.hopfield import save_figure

    started = time.time()
    data = check_option(data, "data", NAME_DATA)
    L = (100 if data == "random" else 16) if code_length is None else code_length
    out = Path(out)
    gen = as_generator(seed)
    run_seed, fig_seed = spawn(gen, 2)
    if data == "random":
        rows = names_random(n_picture, L, alphas, noises, rules, trials=trials, blank=blank,
                            clamp_picture=clamp_picture, rng=run_seed, progress=progress)
        info: dict[str, Any] = {}
        params = dict(data=data, rules=list(_rules(rules)), alphas=list(alphas),
                      noises=list(noises), n_picture=n_picture, code_length=L, trials=trials,
                      blank=blank, clamp_picture=clamp_picture, seed=seed)
    else:
        rows, info = names_images(data, rules, noises, code_length=L, per_class=per_class,
                                  n_test=n_test, trials=trials, size=size, blank=blank,
                                  clamp_picture=clamp_picture, data_dir=data_dir,
                                  rng=run_seed, progress=progress)
        params = dict(data=data, rules=list(_rules(rules)), noises=list(noises),
                      code_length=L, trials=trials,
                      per_class=None if data == "letters" else _per_class(data, per_class),
                      n_test=n_test, size=size, blank=blank, clamp_picture=clamp_picture, seed=seed)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "names.csv", rows)
    save_figure(names_accuracy_figure(rows), out / "names-accuracy.png")
    noise_fig = max((q for q in noises if q <= 0.2), default=min(noises))
    rule_fig = "pseudo_inverse" if "pseudo_inverse" in params["rules"] else params["rules"][0]
    alpha_fig = min(alphas, key=lambda a: abs(a - 0.05)) if data == "random" else 0.05
    ex = completion_examples(data, rule_fig, noise=noise_fig, code_length=L,
                             n_picture=n_picture, alpha=alpha_fig, per_class=per_class,
                             size=size, blank=blank, clamp_picture=clamp_picture,
                             data_dir=data_dir, rng=fig_seed)
    save_figure(names_completed_figure(ex), out / "names-completed.png")
    files = ["names.csv", "names-accuracy.png", "names-completed.png", "manifest.json"]
    best = max(rows, key=lambda r: r["accuracy"])
    summary = {"best": {k: best[k] for k in ("rule", "noise", "accuracy")},
               "rows": len(rows)}
    write_manifest(out, "hopfield names", params, started, files, summary=summary,
                   **({"data_info": info["data"]} if info else {}))
    return {"rows": rows, "summary": summary, "files": files, "out": out}
