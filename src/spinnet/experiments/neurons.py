"""Experiments with formal neurons: logic gates, perceptron capacity, classifier training.

Each function is one named, reproducible pipeline that writes its tables,
figures and ``manifest.json`` into ``out`` and returns a summary for the
caller to print (``spinnet neurons gates``, ``spinnet perceptron capacity``,
``spinnet mlp train``).

* :func:`gates_experiment` -- McCulloch-Pitts units: AND, OR, NAND, NOR, NOT
  analytically and by the perceptron rule; XOR impossible for one unit and
  solved by two layers.
* :func:`perceptron_capacity` -- learnable fraction of random dichotomies vs
  ``alpha = p/N`` against Cover's formula; each finished grid point is kept in
  ``checkpoint.json`` (atomically), so an interrupted run resumes.
* :func:`mlp_train` -- backpropagation (NumPy) or forward-forward (PyTorch,
  with a same-size backprop baseline), accuracy vs epoch; the full training
  state is checkpointed after every epoch (:mod:`spinnet._persist`).

Problems the user fixes with a command-line option raise :class:`OptionError`,
which names the option.
"""

from __future__ import annotations

import math
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from spinnet._progress import ProgressCallback, report
from spinnet.experiments._errors import OptionError

__all__ = ["OptionError", "gates_experiment", "mlp_train", "perceptron_capacity"]


def _stage(progress: ProgressCallback | None, name: str) -> ProgressCallback | None:
    """``progress`` with every report relabelled ``name``."""
    if progress is None:
        return None

    def relabel(_stage: str, done: int, total: int | None) -> None:
        progress(name, done, total)

    return relabel


# ------------------------------------------------------------------------------- gates
def gates_experiment(out: str | Path, *, epochs: int = 100, grid_max: float = 3.0,
                     grid_points: int = 25) -> dict[str, Any]:
    """Logic gates with McCulloch-Pitts units; writes truth_tables.csv, gates.csv, gates.png.

    Parameters
    ----------
    out : path
        Output directory (created).
    epochs : int
        Upper budget of epochs for the perceptron rule (it stops at the first
        epoch without a mistake; XOR never gets there).
    grid_max, grid_points :
        Weights and threshold searched on ``linspace(-grid_max, grid_max, grid_points)``.

    Returns
    -------
    dict
        ``summary`` (one dict per gate), ``xor`` (its row), ``files``.
    """
    from spinnet._io import write_csv, write_manifest
    from spinnet.neurons.mcculloch_pitts import (
        GATES,
        analytic_gate,
        grid_search,
        learn_gate,
        truth_table,
        xor_network,
    )
    from spinnet.plotting.hopfield import save_figure
    from spinnet.plotting.neurons import gates_figure

    started = time.time()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    grid = np.linspace(-grid_max, grid_max, grid_points)
    table_rows: list[dict[str, Any]] = []
    summary: list[dict[str, Any]] = []
    panels: dict[str, dict[str, Any]] = {}
    xor_net = xor_network()
    for name in GATES:
        inputs, targets = truth_table(name)
        analytic = analytic_gate(name) if name != "XOR" else None
        learned = learn_gate(name, max_epochs=epochs)
        search = grid_search(name, grid)
        out_a = analytic(inputs) if analytic is not None else None
        out_l = learned.unit(inputs)
        out_2 = xor_net(inputs) if name == "XOR" else None
        for k, (row, t) in enumerate(zip(inputs, targets, strict=True)):
            table_rows.append({
                "gate": name, "inputs": "".join(map(str, row.tolist())), "target": int(t),
                "analytic": "" if out_a is None else int(out_a[k]),
                "perceptron": int(out_l[k]),
                "two_layer": "" if out_2 is None else int(out_2[k]),
            })
        summary.append({
            "gate": name,
            "analytic_w": "" if analytic is None else " ".join(f"{w:g}" for w in
                                                                analytic.weights),
            "analytic_theta": "" if analytic is None else f"{analytic.threshold:g}",
            "analytic_ok": "" if out_a is None else bool(np.all(out_a == targets)),
            "perceptron_converged": learned.converged,
            "perceptron_epochs": learned.n_epochs,
            "perceptron_updates": learned.n_updates,
            "perceptron_ok": bool(np.all(out_l == targets)),
            "two_layer_ok": "" if out_2 is None else bool(np.all(out_2 == targets)),
            "grid_candidates": search.n_candidates,
            "grid_solutions": search.n_solutions,
            "grid_best_rows": f"{search.best_correct}/{search.n_rows}",
        })
        panels[name] = {
            "inputs": inputs, "targets": targets,
            "analytic": None if analytic is None else (analytic.weights, analytic.threshold),
            "learned": (learned.unit.weights, learned.unit.threshold),
            "converged": learned.converged,
            "hidden": ([(u.weights, u.threshold) for u in xor_net.hidden]
                       if name == "XOR" else None),
            "errors_per_epoch": learned.errors_per_epoch,
        }
    write_csv(out / "truth_tables.csv", table_rows)
    write_csv(out / "gates.csv", summary)
    save_figure(gates_figure(panels, title="McCulloch–Pitts units: analytic (dashed) and "
                                           "perceptron-learned (solid) decision lines"),
                out / "gates.png")
    files = ["truth_tables.csv", "gates.csv", "gates.png", "manifest.json"]
    xor = next(s for s in summary if s["gate"] == "XOR")
    write_manifest(out, "neurons gates", dict(epochs=epochs, grid_max=grid_max,
                                              grid_points=grid_points), started, files,
                   summary={"all_single_unit_gates_reproduced": all(
                       s["analytic_ok"] and s["perceptron_ok"] for s in summary
                       if s["gate"] != "XOR"),
                       "xor_grid_solutions": xor["grid_solutions"],
                       "xor_grid_candidates": xor["grid_candidates"],
                       "xor_perceptron_converged": xor["perceptron_converged"],
                       "xor_two_layer_ok": xor["two_layer_ok"]})
    return {"summary": summary, "xor": xor, "files": files}


# ---------------------------------------------------------------------------- capacity
#: Settings that fix every grid point's result (the grid itself may change between runs:
#: each point (N, p) draws from its own stream, so points of another grid are reused).
_CAPACITY_OPTIONS = {"samples": "--samples", "kind": "--kind",
                     "perceptron_epochs": "--perceptron-epochs", "seed": "--seed"}
CAPACITY_CHECKPOINT = "checkpoint.json"


def perceptron_capacity(out: str | Path, *, ns: Sequence[int], alphas: Sequence[float],
                        samples: int = 100, kind: str = "gaussian", perceptron_epochs: int = 200,
                        seed: int = 0, overwrite: bool = False,
                        progress: ProgressCallback | None = None) -> dict[str, Any]:
    """Learnable fraction of random dichotomies vs ``alpha`` for several ``N``; resumable.

    Writes capacity.csv (one row per grid point ``(N, p = round(alpha N))``),
    capacity_summary.csv (50 % point and 10-90 % width per ``N``, measured and
    Cover's), capacity.png, checkpoint.json and manifest.json. Every finished
    grid point is written to ``checkpoint.json`` atomically before the next one
    starts; a re-run with the same ``samples, kind, perceptron_epochs, seed``
    reuses the points it holds (on any grid), with results identical to an
    uninterrupted run.

    Parameters
    ----------
    out : path
    ns : sequence of int
        Dimensions ``N``.
    alphas : sequence of float
        Loads ``alpha > 0``.
    samples : int
        Random dichotomies per grid point.
    kind : {"gaussian", "spins"}
    perceptron_epochs : int
        Upper budget of epochs of the perceptron rule run alongside (0: skip).
    seed : int
        Root seed; point ``(N, p)`` uses :func:`spinnet.neurons.perceptron.point_seed`.
    overwrite : bool
        Discard a checkpoint written with other settings (otherwise
        :class:`OptionError` naming ``--overwrite``).
    progress : ProgressCallback, optional
        ``progress("grid points", done, total)`` after each point is kept.

    Returns
    -------
    dict
        ``rows``, ``summary`` (per N), ``files``, ``resumed`` (points reused),
        ``points`` (grid size), ``checkpoint`` (its path).
    """
    from spinnet._io import write_csv, write_json, write_manifest
    from spinnet.neurons.perceptron import (
        capacity_point,
        crossing_alpha,
        point_seed,
        transition_width,
    )
    from spinnet.plotting.hopfield import save_figure
    from spinnet.plotting.neurons import capacity_figure

    started = time.time()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ns, alphas = [int(n) for n in ns], [float(a) for a in alphas]
    identity = dict(samples=samples, kind=kind, perceptron_epochs=perceptron_epochs, seed=seed)
    ckpt = out / CAPACITY_CHECKPOINT
    done: dict[tuple[int, int], dict[str, Any]] = {}
    if ckpt.is_file() and not overwrite:
        import json

        try:
            saved = json.loads(ckpt.read_text())
            old = saved.get("settings", saved.get("parameters", {}))
            rows = saved["rows"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise OptionError(f"{ckpt} is not a readable capacity checkpoint ({exc}); re-run "
                              "with --overwrite to replace it", "--overwrite") from None
        diff = [k for k in identity if old.get(k) != identity[k]]
        if diff:
            detail = ", ".join(f"{_CAPACITY_OPTIONS[k]} {old.get(k)!r} there, {identity[k]!r} "
                               "now" for k in diff)
            raise OptionError(f"{ckpt} holds grid points made with other settings ({detail}); "
                              "re-run with --overwrite to replace them, or choose another "
                              "--out", "--overwrite")
        done = {(int(r["N"]), int(r["p"])): r for r in rows}
    points = list(dict.fromkeys((n, max(1, round(a * n))) for n in ns for a in alphas))
    reused = sum(pt in done for pt in points)
    total = len(points)
    finished = reused
    report(progress, "grid points", finished, total)
    for n, p in points:
        if (n, p) in done:
            continue
        done[n, p] = capacity_point(n, p, samples, kind=kind,
                                    perceptron_epochs=perceptron_epochs,
                                    rng=point_seed(seed, n, p))
        write_json(ckpt, {"settings": identity, "rows": list(done.values())})
        finished += 1
        report(progress, "grid points", finished, total)
    rows = [done[pt] for pt in points]
    if not ckpt.is_file():  # every point was reused from an older checkpoint
        write_json(ckpt, {"settings": identity, "rows": list(done.values())})
    summary = []
    for n in ns:
        rs = [r for r in rows if r["N"] == n]
        a = [r["alpha"] for r in rs]
        f = [r["fraction"] for r in rs]
        # Cover's exact curve on the same alpha grid, so that interpolation errors compare
        cover = [r["cover"] for r in rs]
        row = {"N": n,
               "alpha_50": crossing_alpha(a, f), "alpha_50_cover": crossing_alpha(a, cover),
               "width_10_90": transition_width(a, f),
               "width_10_90_cover": transition_width(a, cover)}
        if perceptron_epochs:
            row["alpha_50_perceptron"] = crossing_alpha(a, [r["perceptron_fraction"]
                                                            for r in rs])
        summary.append(row)
    write_csv(out / "capacity.csv", rows)
    write_csv(out / "capacity_summary.csv", summary)
    save_figure(capacity_figure(rows, title=f"Perceptron capacity: {samples} {kind} "
                                            "dichotomies per point"), out / "capacity.png")
    files = ["capacity.csv", "capacity_summary.csv", "capacity.png", CAPACITY_CHECKPOINT,
             "manifest.json"]
    params = dict(N=ns, alpha=alphas, **identity)
    write_manifest(out, "perceptron capacity", params, started, files, resumed=reused > 0,
                   points=total, points_reused=reused,
                   decided_by="linear programming (scipy HiGHS)",
                   summary={str(s["N"]): s for s in summary})
    return {"rows": rows, "summary": summary, "files": files, "resumed": reused,
            "points": total, "checkpoint": ckpt}


# ----------------------------------------------------------------------------- mlp train
#: CLI option of each training setting (for messages about a checkpoint that differs).
_MLP_OPTIONS = {"learning_rate": "--lr", "batch_size": "--batch-size",
                "momentum": "--momentum", "weight_decay": "--weight-decay",
                "layer_sizes": "--hidden", "hidden": "--hidden", "threshold": "--threshold",
                "negatives": "--negatives", "embedding": "--data", "n_features": "--data",
                "n_classes": "--data", "data": "--data", "seed": "--seed",
                "epochs": "--epochs", "activation": "--method", "dtype": "--method"}

BACKPROP = "backprop (NumPy MLP, SGD)"
FORWARD_FORWARD = "forward-forward"
BASELINE = "backprop baseline (torch, Adam)"


def _mlp_defaults(method: str, data: str, hidden: Sequence[int] | None, epochs: int | None,
                  lr: float | None, batch_size: int | None, weight_decay: float | None
                  ) -> tuple[tuple[int, ...], int, float, int, float]:
    ff = method == "forward-forward"
    hid = tuple(hidden) if hidden else ((128,) if (not ff and data == "digits") else (500, 500))
    epochs = epochs if epochs is not None else (30 if ff else (60 if data == "digits" else 20))
    lr = lr if lr is not None else (1e-3 if ff else 0.05)
    batch_size = batch_size if batch_size is not None else (100 if ff else 32)
    if weight_decay is None:
        weight_decay = 1e-3 if (not ff and data == "digits") else 0.0
    return hid, epochs, lr, batch_size, weight_decay


def mlp_defaults(method: str, data: str, **given: Any) -> dict[str, Any]:
    """The settings :func:`mlp_train` uses when ``hidden, epochs, lr, batch_size,
    weight_decay`` are None (they depend on ``method`` and ``data``)."""
    hid, epochs, lr, batch_size, wd = _mlp_defaults(
        method, data, given.get("hidden"), given.get("epochs"), given.get("lr"),
        given.get("batch_size"), given.get("weight_decay"))
    return dict(hidden=hid, epochs=epochs, lr=lr, batch_size=batch_size, weight_decay=wd)


def _mismatch(exc: Any, name: str) -> OptionError:
    options = sorted({_MLP_OPTIONS.get(f, f) for f in exc.fields})
    return OptionError(f"{name}: {exc} (CLI: {', '.join(options)} differ). Re-run with the "
                       "same options to resume, with --overwrite to start afresh in this "
                       "--out, or choose another --out", "--overwrite")


def mlp_train(out: str | Path, *, method: str = "backprop", data: str = "digits",
              mnist: Any = None, data_dir: str | Path | None = None,
              hidden: Sequence[int] | None = None, epochs: int | None = None,
              lr: float | None = None, batch_size: int | None = None, momentum: float = 0.9,
              weight_decay: float | None = None, threshold: float = 2.0,
              negatives: str = "random", baseline: bool = True,
              seed: int | Sequence[int] = 0, overwrite: bool = False,
              progress: ProgressCallback | None = None) -> dict[str, Any]:
    """Train a classifier by backpropagation or forward-forward; accuracy vs epoch.

    With one ``seed`` the run writes into ``out`` (see below). With several,
    each seed is one such run in ``out/seed-<s>/`` (each resumable on its own),
    and ``out`` gets ``seeds.csv`` (final accuracies, one row per seed and
    algorithm) and a manifest with the mean, standard deviation and range of
    the test accuracy over seeds.

    Writes history.csv (one row per algorithm and epoch, rewritten after every
    epoch), history.png and manifest.json (final accuracies, the data split and
    directory). The full training state is checkpointed in ``out`` after every
    epoch (``mlp_checkpoint/``, or ``ff_checkpoint/`` and ``baseline_checkpoint/``);
    calling again with the same settings resumes where it stopped, with a result
    identical to an uninterrupted run, and a larger ``epochs`` continues a
    finished run.

    Parameters
    ----------
    out : path
    method : {"backprop", "forward-forward"}
    data : {"digits", "mnist"}
    mnist : spinnet.datasets.MnistSplit, optional
        Already loaded MNIST (``data="mnist"``); loaded from ``data_dir`` otherwise.
    data_dir : path, optional
        Where the MNIST files are (see :func:`spinnet.datasets.resolve_mnist_dir`).
    hidden, epochs, lr, batch_size, weight_decay :
        None: defaults by method and data (:func:`mlp_defaults`).
    momentum : float
        SGD momentum (backprop).
    threshold, negatives, baseline :
        Forward-forward settings; ``baseline`` also trains a same-size backprop
        network with the same optimiser and epochs.
    seed : int
    overwrite : bool
        Remove checkpoints and history of an earlier run in ``out`` first.
    progress : ProgressCallback, optional
        One stage per trainer, reporting finished epochs.

    Returns
    -------
    dict
        ``final`` (one row per algorithm), ``histories``, ``resumed`` (name ->
        epoch resumed after), ``files``, ``parameters``, ``architecture``,
        ``split`` (a :class:`spinnet.neurons.data.Split`).

    Raises
    ------
    OptionError
        A checkpoint in ``out`` from other settings or data (``--overwrite``), or
        a corrupt one.
    """
    seeds = ([int(seed)] if isinstance(seed, int | np.integer)
             else [int(v) for v in seed])
    if not seeds:
        raise OptionError("give at least one seed", "--seed")
    kw = dict(method=method, data=data, mnist=mnist, data_dir=data_dir, hidden=hidden,
              epochs=epochs, lr=lr, batch_size=batch_size, momentum=momentum,
              weight_decay=weight_decay, threshold=threshold, negatives=negatives,
              baseline=baseline, overwrite=overwrite)
    if len(seeds) == 1:
        return _mlp_train_one(out, seed=seeds[0], progress=progress, **kw)
    return _mlp_train_seeds(out, seeds, progress, kw)


def _mlp_train_seeds(out: str | Path, seeds: list[int], progress: ProgressCallback | None,
                     kw: dict[str, Any]) -> dict[str, Any]:
    """Several seeds: one resumable run per seed in ``out/seed-<s>/``, then a summary."""
    from spinnet._io import write_csv, write_manifest

    started = time.time()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    runs: dict[int, dict[str, Any]] = {}
    for s in seeds:
        prog = None
        if progress is not None:
            def prog(stage: str, done: int, total: int | None, s: int = s) -> None:
                progress(f"seed {s}: {stage}", done, total)
        runs[s] = _mlp_train_one(out / f"seed-{s}", seed=s, progress=prog, **kw)
    rows = [{"seed": s, **r} for s, res in runs.items() for r in res["final"]]
    write_csv(out / "seeds.csv", rows)
    final = []
    for name in runs[seeds[0]]["histories"]:
        acc = np.array([r["test_accuracy"] for r in rows if r["algorithm"] == name])
        final.append({"algorithm": name, "seeds": len(acc),
                      "test_accuracy_mean": float(acc.mean()),
                      "test_accuracy_std": float(acc.std(ddof=1)),
                      "test_accuracy_min": float(acc.min()),
                      "test_accuracy_max": float(acc.max())})
    first = runs[seeds[0]]
    params = dict(first["parameters"], seed=seeds)
    files = ["seeds.csv", "manifest.json", *(f"seed-{s}/" for s in seeds)]
    split = first["split"]
    write_manifest(out, "mlp train", params, started, files,
                   resumed=any(r["resumed"] for r in runs.values()),
                   split=split.split,
                   directory=None if split.directory is None else str(split.directory),
                   summary={r["algorithm"]: {k: v for k, v in r.items() if k != "algorithm"}
                            for r in final})
    return {"final": final, "per_seed": rows, "seeds": seeds, "runs": runs,
            "resumed": {f"{name} (seed {s})": e for s, res in runs.items()
                        for name, e in res["resumed"].items()},
            "files": files, "parameters": params, "architecture": first["architecture"],
            "split": split}


def _mlp_train_one(out: str | Path, *, method: str, data: str, mnist: Any,
                   data_dir: str | Path | None, hidden: Sequence[int] | None,
                   epochs: int | None, lr: float | None, batch_size: int | None,
                   momentum: float, weight_decay: float | None, threshold: float,
                   negatives: str, baseline: bool, seed: int, overwrite: bool,
                   progress: ProgressCallback | None) -> dict[str, Any]:
    """One training run (one seed) of :func:`mlp_train` into ``out``."""
    from spinnet._io import write_csv, write_manifest
    from spinnet.neurons.data import load_split, split_from_mnist
    from spinnet.neurons.mlp import CheckpointMismatchError
    from spinnet.plotting.hopfield import save_figure
    from spinnet.plotting.neurons import training_figure

    started = time.time()
    ff = method == "forward-forward"
    hid, epochs, lr, batch_size, weight_decay = _mlp_defaults(method, data, hidden, epochs, lr,
                                                             batch_size, weight_decay)
    if data == "mnist" and mnist is not None:
        split = split_from_mnist(mnist)
    else:
        split = load_split(data, data_dir=data_dir)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    from spinnet.neurons.forward_forward import BASELINE_CHECKPOINT_NAME, FF_CHECKPOINT_NAME
    from spinnet.neurons.mlp import CHECKPOINT_NAME

    ours = [CHECKPOINT_NAME, FF_CHECKPOINT_NAME, BASELINE_CHECKPOINT_NAME]
    if overwrite:
        for name in ours:
            if (out / name).is_dir():
                shutil.rmtree(out / name)
        for name in ("history.csv", "history.png", "manifest.json"):
            (out / name).unlink(missing_ok=True)
    histories: dict[str, list[dict[str, Any]]] = {}
    all_rows: list[dict[str, Any]] = []
    resumed: dict[str, int] = {}

    def run(name: str, checkpoint: Path, load: Any, train: Any) -> None:
        if checkpoint.exists():
            try:
                resumed[name] = int(load(checkpoint)["epoch"])
            except ValueError as exc:
                raise OptionError(f"{exc}; re-run with --overwrite to discard it",
                                  "--out") from None

        def callback(epoch: int, history: Any) -> None:
            write_csv(out / "history.csv",
                      all_rows + [{"algorithm": name, **r} for r in history.rows])

        try:
            history = train(callback, _stage(progress, name))
        except CheckpointMismatchError as exc:
            raise _mismatch(exc, name) from None
        histories[name] = history.rows
        all_rows.extend({"algorithm": name, **r} for r in history.rows)

    params: dict[str, Any] = dict(method=method, data=data, hidden=list(hid), epochs=epochs,
                                  lr=lr, batch_size=batch_size, seed=seed,
                                  weight_decay=weight_decay, n_train=len(split.y_train),
                                  n_test=len(split.y_test))
    if not ff:
        from spinnet.neurons.mlp import MLP, load_checkpoint

        params["momentum"] = momentum

        def train_np(callback: Any, prog: Any) -> Any:
            net = MLP([split.n_features, *hid, 10], rng=seed)
            return net.fit(split.x_train.astype(np.float64), split.y_train, epochs=epochs,
                           learning_rate=lr, batch_size=batch_size, momentum=momentum,
                           weight_decay=weight_decay, x_test=split.x_test.astype(np.float64),
                           labels_test=split.y_test, rng=seed + 1, callback=callback,
                           checkpoint_dir=out, progress=prog).history_

        run(BACKPROP, out / CHECKPOINT_NAME, load_checkpoint, train_np)
        checkpoints = [CHECKPOINT_NAME]
    else:
        from spinnet.neurons.forward_forward import (
            FFConfig,
            load_checkpoint,
            train_backprop_baseline,
            train_forward_forward,
        )

        # the 8 x 8 digits have ink in the top row: append the label code there
        embedding = "append" if data == "digits" else "replace"
        params.update(threshold=threshold, negatives=negatives, baseline=baseline,
                      embedding=embedding)
        config = FFConfig(hidden=hid, epochs=epochs, batch_size=batch_size, learning_rate=lr,
                          threshold=threshold, negatives=negatives,
                          weight_decay=weight_decay, embedding=embedding)
        run(FORWARD_FORWARD, out / FF_CHECKPOINT_NAME,
            lambda path: load_checkpoint(path, algorithm="forward-forward"),
            lambda cb, prog: train_forward_forward(
                split.x_train, split.y_train, config, x_test=split.x_test,
                y_test=split.y_test, rng=seed, callback=cb, checkpoint_dir=out,
                progress=prog)[1])
        checkpoints = [FF_CHECKPOINT_NAME]
        if baseline:
            run(BASELINE, out / BASELINE_CHECKPOINT_NAME,
                lambda path: load_checkpoint(path, algorithm="backprop-baseline"),
                lambda cb, prog: train_backprop_baseline(
                    split.x_train, split.y_train, config, x_test=split.x_test,
                    y_test=split.y_test, rng=seed, callback=cb, checkpoint_dir=out,
                    progress=prog)[1])
            checkpoints.append(BASELINE_CHECKPOINT_NAME)
    write_csv(out / "history.csv", all_rows)
    arch = "-".join(str(v) for v in (split.n_features, *hid, 10))
    save_figure(training_figure(histories, title=f"{arch} on {data} "
                                                 f"({len(split.y_train)} train / "
                                                 f"{len(split.y_test)} test)"),
                out / "history.png")
    files = ["history.csv", "history.png", "manifest.json", *checkpoints]
    final = [{"algorithm": k, "epochs": len(v), "train_accuracy": v[-1]["train_accuracy"],
              "test_accuracy": v[-1]["test_accuracy"],
              "seconds": sum(r["seconds"] for r in v)} for k, v in histories.items()]
    write_manifest(out, "mlp train", params, started, files, resumed=bool(resumed),
                   resumed_after_epoch=resumed, split=split.split,
                   directory=None if split.directory is None else str(split.directory),
                   summary={r["algorithm"]: {"test_accuracy": r["test_accuracy"],
                                             "train_accuracy": r["train_accuracy"],
                                             "seconds": r["seconds"]} for r in final})
    return {"final": final, "histories": histories, "resumed": resumed, "files": files,
            "parameters": params, "architecture": arch, "split": split,
            "checkpoints": {name: out / c for name, c in zip(histories, checkpoints,
                                                                strict=False)},
            "elapsed": math.fsum(r["seconds"] for r in final)}
