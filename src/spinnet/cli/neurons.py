"""``spinnet neurons gates``, ``spinnet perceptron capacity``, ``spinnet mlp train``."""

from __future__ import annotations

import json
import math
import time
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import typer

from spinnet.cli._common import check_sgd_options, console, fail, out_dir, print_table

neurons_app = typer.Typer(help="Formal neurons: McCulloch–Pitts threshold units and logic "
                               "gates.", no_args_is_help=True)
perceptron_app = typer.Typer(help="Rosenblatt's perceptron and the Cover–Gardner capacity "
                                  "α_c = 2.", no_args_is_help=True)
mlp_app = typer.Typer(help="Multilayer perceptrons: backpropagation from scratch (NumPy) and "
                           "Hinton's forward-forward (PyTorch).", no_args_is_help=True)


def _progress(label: str, total: int) -> tuple[Any, int]:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[info]}"), TimeElapsedColumn(),
                   TimeRemainingColumn(), console=console, transient=False)
    return bar, total


# ---------------------------------------------------------------------------- gates
@neurons_app.command("gates")
def gates(
    max_epochs: int = typer.Option(100, "--max-epochs", help="Epoch cap of the perceptron "
                                                            "rule (XOR never converges)."),
    grid_max: float = typer.Option(3.0, "--grid-max", help="Weights and threshold searched "
                                                           "on [-grid-max, grid-max]."),
    grid_points: int = typer.Option(25, "--grid-points", help="Grid values per parameter "
                                                              "(odd keeps 0 on the grid)."),
    out: Path = typer.Option(Path("spinnet-gates"), "--out", help="Output directory."),
) -> None:
    """McCulloch–Pitts units: AND, OR, NAND, NOR, NOT analytically and by the perceptron rule;
    XOR shown impossible for one unit (exhaustive weight grid, perceptron non-convergence)
    and solved by two layers.

    Writes truth_tables.csv (every input row: target, analytic, learned, two-layer output),
    gates.csv (one row per gate), gates.png and manifest.json.
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
    if max_epochs < 1:
        fail(f"--max-epochs must be >= 1; got {max_epochs}", "--max-epochs")
    if not (math.isfinite(grid_max) and grid_max > 0):
        fail(f"--grid-max must be a positive number; got {grid_max}", "--grid-max")
    if not 2 <= grid_points <= 201:
        fail(f"--grid-points must be in 2..201; got {grid_points}", "--grid-points")
    out = out_dir(out)
    grid = np.linspace(-grid_max, grid_max, grid_points)
    table_rows: list[dict[str, Any]] = []
    summary: list[dict[str, Any]] = []
    panels: dict[str, dict[str, Any]] = {}
    xor_net = xor_network()
    for name in GATES:
        inputs, targets = truth_table(name)
        analytic = analytic_gate(name) if name != "XOR" else None
        learned = learn_gate(name, max_epochs=max_epochs)
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
    write_manifest(out, "neurons gates", dict(max_epochs=max_epochs, grid_max=grid_max,
                                              grid_points=grid_points), started, files,
                   summary={"all_single_unit_gates_reproduced": all(
                       s["analytic_ok"] and s["perceptron_ok"] for s in summary
                       if s["gate"] != "XOR"),
                       "xor_grid_solutions": xor["grid_solutions"],
                       "xor_grid_candidates": xor["grid_candidates"],
                       "xor_perceptron_converged": xor["perceptron_converged"],
                       "xor_two_layer_ok": xor["two_layer_ok"]})
    print_table("Logic gates with McCulloch–Pitts units", [{
        "gate": s["gate"],
        "analytic w; θ": (f"{s['analytic_w']}; {s['analytic_theta']}" if s["analytic_w"]
                          else "none"),
        "analytic ok": str(s["analytic_ok"]), "perceptron ok": str(s["perceptron_ok"]),
        "converged": str(s["perceptron_converged"]), "epochs": s["perceptron_epochs"],
        "grid solutions": f"{s['grid_solutions']}/{s['grid_candidates']}",
        "best rows": s["grid_best_rows"], "two layers ok": str(s["two_layer_ok"])}
        for s in summary])
    console.print(f"XOR: {xor['grid_solutions']} of {xor['grid_candidates']} single units on "
                  f"the grid solve it (best {xor['grid_best_rows']} rows); perceptron "
                  f"converged: {xor['perceptron_converged']} after {max_epochs} epochs; "
                  f"two layers (AND of OR, NAND) solve it: {xor['two_layer_ok']}. "
                  f"Outputs in {out}/ ({', '.join(files)})")


# ------------------------------------------------------------------------- capacity
def _int_list(text: str, option: str) -> list[int]:
    try:
        vals = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        fail(f"{option} must be a comma-separated list of integers; got {text!r}", option)
    if not vals:
        fail(f"{option} must not be empty", option)
    return vals


def _float_grid(text: str, option: str) -> list[float]:
    """``a:b:step`` (inclusive) or a comma-separated list."""
    try:
        if ":" in text:
            parts = [float(v) for v in text.split(":")]
            if len(parts) != 3 or parts[2] <= 0 or parts[1] < parts[0]:
                raise ValueError
            n = math.floor((parts[1] - parts[0]) / parts[2] + 1e-9) + 1
            vals = [round(parts[0] + i * parts[2], 10) for i in range(n)]
        else:
            vals = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        fail(f"{option} must be 'start:stop:step' (step > 0) or a comma-separated list of "
             f"numbers; got {text!r}", option)
    if not vals:
        fail(f"{option} must not be empty", option)
    if not all(math.isfinite(v) and v > 0 for v in vals):
        fail(f"{option} must hold positive numbers; got {text!r}", option)
    return vals


class PatternKind(StrEnum):
    gaussian = "gaussian"
    spins = "spins"


@perceptron_app.command("capacity")
def capacity(
    N: str = typer.Option("25,50,100,200", "--N", help="Comma-separated dimensions N."),
    alphas: str = typer.Option("1.0:3.0:0.1", "--alphas", help="Loads α = p/N: "
                                                               "'start:stop:step' or a list."),
    samples: int = typer.Option(100, "--samples", help="Random dichotomies per (N, α)."),
    kind: PatternKind = typer.Option(PatternKind.gaussian, "--kind",
                                     help="Pattern entries: gaussian (general position, "
                                          "Cover exact) or spins (±1)."),
    perceptron_epochs: int = typer.Option(200, "--perceptron-epochs",
                                          help="Epoch cap of the perceptron rule run on each "
                                               "sample (0: skip it)."),
    seed: int = typer.Option(0, "--seed", help="Root seed (each grid point has its own "
                                               "stream)."),
    out: Path = typer.Option(Path("spinnet-capacity"), "--out", help="Output directory."),
) -> None:
    """Fraction of random dichotomies of p = αN patterns a perceptron can learn, vs α.

    Learnability is decided exactly by linear programming (this decides the curve);
    the perceptron rule with an epoch cap is run alongside and its convergence rate
    reported (a lower bound). Cover's (1965) exact probability is the oracle. Resumable:
    finished grid points are kept in checkpoint.json and skipped when the command is
    re-run with the same settings. Writes capacity.csv, capacity_summary.csv,
    capacity.png and manifest.json.
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
    ns = _int_list(N, "--N")
    if min(ns) < 1 or max(ns) > 2000:
        fail(f"--N values must be in 1..2000; got {ns}", "--N")
    al = _float_grid(alphas, "--alphas")
    if samples < 1:
        fail(f"--samples must be >= 1; got {samples}", "--samples")
    if perceptron_epochs < 0:
        fail(f"--perceptron-epochs must be >= 0; got {perceptron_epochs}",
             "--perceptron-epochs")
    if seed < 0:
        fail(f"--seed must be >= 0; got {seed}", "--seed")
    out = out_dir(out)
    params = dict(N=ns, alphas=al, samples=samples, kind=kind.value,
                  perceptron_epochs=perceptron_epochs, seed=seed)
    ckpt = out / "checkpoint.json"
    done: dict[tuple[int, int], dict[str, Any]] = {}
    if ckpt.is_file():
        try:
            saved = json.loads(ckpt.read_text())
        except (OSError, ValueError):
            saved = {}
        if saved.get("parameters") == params:
            done = {(int(r["N"]), int(r["p"])): r for r in saved.get("rows", [])}
    resumed = bool(done)
    points = [(n, max(1, round(a * n))) for n in ns for a in al]
    points = list(dict.fromkeys(points))
    bar, total = _progress("capacity", len(points))
    with bar:
        task = bar.add_task("grid", total=total, completed=len(done), info="")
        for n, p in points:
            if (n, p) in done:
                continue
            try:
                row = capacity_point(n, p, samples, kind=kind.value,
                                     perceptron_epochs=perceptron_epochs,
                                     rng=point_seed(seed, n, p))
            except (ValueError, TypeError) as exc:
                fail(str(exc))
            done[n, p] = row
            write_json(ckpt, {"parameters": params, "rows": list(done.values())})
            bar.update(task, advance=1, info=f"N={n} α={p / n:.3f}: {row['fraction']:.2f}")
    rows = [done[pt] for pt in points]
    summary = []
    for n in ns:
        rs = [r for r in rows if r["N"] == n]
        a = [r["alpha"] for r in rs]
        f = [r["fraction"] for r in rs]
        # Cover's exact curve on the same α grid, so that interpolation errors compare
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
    save_figure(capacity_figure(rows, title=f"Perceptron capacity: {samples} {kind.value} "
                                            "dichotomies per point"), out / "capacity.png")
    files = ["capacity.csv", "capacity_summary.csv", "capacity.png", "checkpoint.json",
             "manifest.json"]
    write_manifest(out, "perceptron capacity", params, started, files, resumed=resumed,
                   decided_by="linear programming (scipy HiGHS)",
                   summary={str(s["N"]): s for s in summary})
    print_table("50% learnability point and 10–90% width: measured vs Cover's formula",
                summary, {k: ".3f" for k in summary[0] if k != "N"})
    console.print(f"curve decided by linear programming; the perceptron rule "
                  f"({perceptron_epochs or 'not run'} epochs cap) gives a lower bound. "
                  f"Outputs in {out}/ ({', '.join(files)})")


# -------------------------------------------------------------------------- mlp train
class Algorithm(StrEnum):
    backprop = "backprop"
    forward_forward = "forward-forward"


class Data(StrEnum):
    digits = "digits"
    mnist = "mnist"


class Negatives(StrEnum):
    random = "random"
    hard = "hard"


def _hidden_list(text: str | None, default: tuple[int, ...]) -> tuple[int, ...]:
    if text is None:
        return default
    vals = tuple(_int_list(text, "--hidden"))
    if min(vals) < 1:
        fail(f"--hidden widths must be >= 1; got {text!r}", "--hidden")
    return vals


@mlp_app.command("train")
def mlp_train(
    algorithm: Algorithm = typer.Option(Algorithm.backprop, "--algorithm",
                                        help="backprop (NumPy, SGD + momentum) or "
                                             "forward-forward (PyTorch, Adam)."),
    data: Data = typer.Option(Data.digits, "--data", help="digits (sklearn, 1347/450 "
                                                          "stratified split) or mnist (t10k: "
                                                          "first 8000 train, last 2000 test)."),
    hidden: str = typer.Option(None, "--hidden", help="Comma-separated hidden widths "
                                                      "(default: 128 for backprop on digits, "
                                                      "500,500 otherwise)."),
    epochs: int = typer.Option(None, "--epochs", help="Epochs (default: backprop 60 on "
                                                      "digits, 20 on mnist; forward-forward "
                                                      "30)."),
    lr: float = typer.Option(None, "--lr", help="Learning rate (default: SGD 0.05, Adam "
                                                "1e-3)."),
    batch_size: int = typer.Option(None, "--batch-size", help="Minibatch size (default: "
                                                              "backprop 32, forward-forward "
                                                              "100)."),
    momentum: float = typer.Option(0.9, "--momentum", help="SGD momentum (backprop)."),
    weight_decay: float = typer.Option(None, "--weight-decay", help="L2 penalty (default: "
                                                                   "1e-3 for backprop on "
                                                                   "digits, 0 otherwise)."),
    threshold: float = typer.Option(2.0, "--threshold", help="Goodness threshold θ "
                                                             "(forward-forward)."),
    negatives: Negatives = typer.Option(Negatives.random, "--negatives",
                                        help="Wrong labels of negative data "
                                             "(forward-forward)."),
    baseline: bool = typer.Option(True, "--baseline/--no-baseline",
                                  help="With forward-forward, also train a backprop MLP of "
                                       "the same size with the same optimiser and epochs."),
    seed: int = typer.Option(0, "--seed", help="Weights and minibatch order."),
    mnist_path: Path = typer.Option(None, "--mnist-path", help="Directory with the MNIST "
                                                               "t10k IDX files."),
    out: Path = typer.Option(Path("spinnet-mlp"), "--out", help="Output directory."),
) -> None:
    """Train a classifier by backpropagation or forward-forward; accuracy vs epoch.

    Writes history.csv (one row per algorithm and epoch, rewritten after every
    epoch), history.png and manifest.json (final test accuracies). Resumable:
    the full training state is checkpointed in --out after every epoch
    (mlp_checkpoint.npz, or ff_checkpoint.pt and baseline_checkpoint.pt);
    re-running the same command resumes where it stopped, with a result
    identical to an uninterrupted run, and a larger --epochs continues a
    finished run. A checkpoint from other settings or data is an error (use
    another --out).
    """
    from spinnet._io import write_csv, write_manifest
    from spinnet.neurons.data import load_split
    from spinnet.plotting.hopfield import save_figure
    from spinnet.plotting.neurons import training_figure

    started = time.time()
    ff = algorithm is Algorithm.forward_forward
    hid = _hidden_list(hidden, (128,) if (not ff and data is Data.digits) else (500, 500))
    epochs = epochs if epochs is not None else (30 if ff else (60 if data is Data.digits
                                                               else 20))
    lr = lr if lr is not None else (1e-3 if ff else 0.05)
    batch_size = batch_size if batch_size is not None else (100 if ff else 32)
    if weight_decay is None:
        weight_decay = 1e-3 if (not ff and data is Data.digits) else 0.0
    check_sgd_options(epochs=epochs, lr=lr, batch_size=batch_size, momentum=momentum,
                      weight_decay=weight_decay)
    if not (math.isfinite(threshold) and threshold > 0):
        fail(f"--threshold must be a positive number; got {threshold}", "--threshold")
    if seed < 0:
        fail(f"--seed must be >= 0; got {seed}", "--seed")
    try:
        split = load_split(data.value, mnist_path=mnist_path)
    except (OSError, ValueError) as exc:
        fail(str(exc), "--mnist-path")
    out = out_dir(out)
    histories: dict[str, list[dict[str, Any]]] = {}
    all_rows: list[dict[str, Any]] = []

    resumed: dict[str, int] = {}

    def run(name: str, train: Any, checkpoint: Path, load: Any) -> Any:
        """Train with a progress bar, resuming from ``checkpoint`` if it exists; rewrite
        history.csv after every epoch."""
        done = 0
        if checkpoint.exists():
            try:
                done = int(load(checkpoint)["epoch"])
            except ValueError as exc:
                fail(str(exc), "--out")
            resumed[name] = done
            console.print(f"{name}: resumed from {checkpoint} after epoch {done} of {epochs}")
        bar, total = _progress(name, epochs)
        with bar:
            task = bar.add_task(name, total=total, completed=min(done, total), info="")

            def callback(epoch: int, history: Any) -> None:
                rows = history.rows()
                write_csv(out / "history.csv",
                          all_rows + [{"algorithm": name, **r} for r in rows])
                bar.update(task, completed=epoch,
                           info=f"loss {rows[-1]['train_loss']:.4f} test "
                                f"{rows[-1]['test_accuracy']:.4f}")

            try:
                result = train(callback)
            except (ValueError, TypeError, FloatingPointError) as exc:
                fail(str(exc))
        history = result[1] if isinstance(result, tuple) else result
        histories[name] = history.rows()
        all_rows.extend({"algorithm": name, **r} for r in histories[name])
        return result

    params: dict[str, Any] = dict(algorithm=algorithm.value, data=data.value, hidden=list(hid),
                                  epochs=epochs, lr=lr, batch_size=batch_size, seed=seed,
                                  weight_decay=weight_decay, n_train=len(split.y_train),
                                  n_test=len(split.y_test))
    if not ff:
        from spinnet.neurons import mlp as mlp_module
        from spinnet.neurons.mlp import MLP

        params["momentum"] = momentum
        name = "backprop (NumPy MLP, SGD)"

        def train_np(callback):
            net = MLP([split.n_features, *hid, 10], rng=seed)
            return net.fit(split.x_train.astype(np.float64), split.y_train, epochs=epochs,
                           learning_rate=lr, batch_size=batch_size, momentum=momentum,
                           weight_decay=weight_decay, x_test=split.x_test.astype(np.float64),
                           labels_test=split.y_test, rng=seed + 1, callback=callback,
                           checkpoint_dir=out)

        checkpoints = [mlp_module.CHECKPOINT_NAME]
        run(name, train_np, out / mlp_module.CHECKPOINT_NAME, mlp_module.load_checkpoint)
    else:
        from spinnet.neurons.forward_forward import (
            BASELINE_CHECKPOINT_NAME,
            FF_CHECKPOINT_NAME,
            FFConfig,
            load_checkpoint,
            train_backprop_baseline,
            train_forward_forward,
        )

        # the 8 x 8 digits have ink in the top row: append the label code there
        embedding = "append" if data is Data.digits else "replace"
        params.update(threshold=threshold, negatives=negatives.value, baseline=baseline,
                      embedding=embedding)
        config = FFConfig(hidden=hid, epochs=epochs, batch_size=batch_size, learning_rate=lr,
                          threshold=threshold, negatives=negatives.value,
                          weight_decay=weight_decay, embedding=embedding)
        run("forward-forward", lambda cb: train_forward_forward(
            split.x_train, split.y_train, config, x_test=split.x_test, y_test=split.y_test,
            rng=seed, callback=cb, checkpoint_dir=out), out / FF_CHECKPOINT_NAME,
            lambda path: load_checkpoint(path, algorithm="forward-forward"))
        checkpoints = [FF_CHECKPOINT_NAME]
        if baseline:
            run("backprop baseline (torch, Adam)", lambda cb: train_backprop_baseline(
                split.x_train, split.y_train, config, x_test=split.x_test,
                y_test=split.y_test, rng=seed, callback=cb, checkpoint_dir=out),
                out / BASELINE_CHECKPOINT_NAME,
                lambda path: load_checkpoint(path, algorithm="backprop-baseline"))
            checkpoints.append(BASELINE_CHECKPOINT_NAME)
    write_csv(out / "history.csv", all_rows)
    arch = "-".join(str(v) for v in (split.n_features, *hid, 10))
    save_figure(training_figure(histories, title=f"{arch} on {data.value} "
                                                 f"({len(split.y_train)} train / "
                                                 f"{len(split.y_test)} test)"),
                out / "history.png")
    files = ["history.csv", "history.png", "manifest.json", *checkpoints]
    final = [{"algorithm": k, "epochs": len(v), "train_accuracy": v[-1]["train_accuracy"],
              "test_accuracy": v[-1]["test_accuracy"],
              "seconds": sum(r["seconds"] for r in v)} for k, v in histories.items()]
    write_manifest(out, "mlp train", params, started, files, resumed=bool(resumed),
                   resumed_after_epoch=resumed,
                   summary={r["algorithm"]: {"test_accuracy": r["test_accuracy"],
                                             "train_accuracy": r["train_accuracy"],
                                             "seconds": r["seconds"]} for r in final})
    print_table(f"{arch} on {data.value}: final accuracies", final,
                {"train_accuracy": ".4f", "test_accuracy": ".4f", "seconds": ".1f"})
    console.print(f"outputs in {out}/ ({', '.join(files)})")
