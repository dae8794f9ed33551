"""``spinnet neurons gates``, ``spinnet perceptron capacity``, ``spinnet mlp train``."""

import csv
import json

import pytest
import typer
from typer.testing import CliRunner

from spinnet.cli.neurons import mlp_app, neurons_app, perceptron_app

runner = CliRunner()

# The command groups as registered on the main app (``spinnet neurons ...`` etc.).
app = typer.Typer()
app.add_typer(neurons_app, name="neurons")
app.add_typer(perceptron_app, name="perceptron")
app.add_typer(mlp_app, name="mlp")


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Tests share 2 CPU cores: one torch thread, restored afterwards."""
    import torch

    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def _rows(path):
    with open(path) as fh:
        return list(csv.DictReader(fh))


def test_gates_outputs(tmp_path):
    res = runner.invoke(app, ["neurons", "gates", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    rows = _rows(tmp_path / "truth_tables.csv")
    assert len(rows) == 5 * 4 + 2  # five 2-input gates, NOT
    for r in rows:
        if r["gate"] != "XOR":
            assert r["analytic"] == r["target"] == r["perceptron"]
        else:
            assert r["two_layer"] == r["target"]
    summary = {r["gate"]: r for r in _rows(tmp_path / "gates.csv")}
    assert summary["XOR"]["grid_solutions"] == "0"
    assert summary["XOR"]["perceptron_converged"] == "False"
    assert summary["AND"]["analytic_w"] == "1 1" and summary["AND"]["analytic_theta"] == "1.5"
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["summary"]["all_single_unit_gates_reproduced"] is True
    assert manifest["summary"]["xor_two_layer_ok"] is True
    assert (tmp_path / "gates.png").stat().st_size > 10_000


def test_capacity_outputs_and_resume(tmp_path):
    args = ["perceptron", "capacity", "--N", "8,16", "--alpha", "1.0:3.0:5",
            "--samples", "20", "--perceptron-epochs", "50", "--out", str(tmp_path)]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    rows = _rows(tmp_path / "capacity.csv")
    assert [(int(r["N"]), int(r["p"])) for r in rows] == [
        (n, round(a * n)) for n in (8, 16) for a in (1.0, 1.5, 2.0, 2.5, 3.0)]
    for r in rows:
        assert float(r["perceptron_fraction"]) <= float(r["fraction"])
    summary = _rows(tmp_path / "capacity_summary.csv")
    assert [int(r["N"]) for r in summary] == [8, 16]
    # Cover's P(p = 2N) = 1/2 exactly; interpolation on a 0.5 grid stays within a step
    assert abs(float(summary[1]["alpha_50_cover"]) - 2.0) < 0.25
    first = (tmp_path / "capacity.csv").read_text()
    # re-running with the same settings resumes from the checkpoint: same table
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert json.loads((tmp_path / "manifest.json").read_text())["resumed"] is True
    assert (tmp_path / "capacity.csv").read_text() == first
    assert (tmp_path / "capacity.png").stat().st_size > 10_000


def test_mlp_train_backprop_digits(tmp_path):
    res = runner.invoke(app, ["mlp", "train", "--method", "backprop", "--data", "digits",
                              "--epochs", "5", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    rows = _rows(tmp_path / "history.csv")
    assert [int(r["epoch"]) for r in rows] == [1, 2, 3, 4, 5]
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["parameters"]["hidden"] == [128]
    acc = manifest["summary"]["backprop (NumPy MLP, SGD)"]["test_accuracy"]
    assert acc == float(rows[-1]["test_accuracy"]) and acc > 0.9


def test_mlp_train_forward_forward_with_baseline(tmp_path):
    res = runner.invoke(app, ["mlp", "train", "--method", "forward-forward", "--data",
                              "digits", "--hidden", "60", "--epochs", "2", "--out",
                              str(tmp_path)])
    assert res.exit_code == 0, res.output
    rows = _rows(tmp_path / "history.csv")
    assert [r["algorithm"] for r in rows] == (["forward-forward"] * 2
                                              + ["backprop baseline (torch, Adam)"] * 2)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["parameters"]["embedding"] == "append"
    assert set(manifest["summary"]) == {"forward-forward", "backprop baseline (torch, Adam)"}
    assert (tmp_path / "history.png").stat().st_size > 10_000


@pytest.mark.parametrize("args, option", [
    (["neurons", "gates", "--epochs", "0"], "--epochs"),
    (["neurons", "gates", "--grid-max", "-1"], "--grid-max"),
    (["neurons", "gates", "--grid-points", "1"], "--grid-points"),
    (["perceptron", "capacity", "--N", "a,b"], "--N"),
    (["perceptron", "capacity", "--N", "0"], "--N"),
    (["perceptron", "capacity", "--alpha", "3:1:5"], "--alpha"),
    (["perceptron", "capacity", "--alpha", "-1,2"], "--alpha"),
    (["perceptron", "capacity", "--samples", "0"], "--samples"),
    (["perceptron", "capacity", "--perceptron-epochs", "-1"], "--perceptron-epochs"),
    (["perceptron", "capacity", "--kind", "uniform"], "--kind"),
    (["mlp", "train", "--method", "hebb"], "--method"),
    (["mlp", "train", "--data", "cifar"], "--data"),
    (["mlp", "train", "--epochs", "0"], "--epochs"),
    (["mlp", "train", "--lr", "0"], "--lr"),
    (["mlp", "train", "--hidden", "10,0"], "--hidden"),
    (["mlp", "train", "--momentum", "1.5"], "--momentum"),
    (["mlp", "train", "--data", "mnist", "--data-dir", "/nonexistent"], "--data-dir"),
])
def test_bad_input(tmp_path, args, option):
    res = runner.invoke(app, [*args, "--out", str(tmp_path)])
    assert res.exit_code == 2, res.output
    assert option in res.output


def _history(path):
    """history.csv without the timing column."""
    return [{k: v for k, v in r.items() if k != "seconds"} for r in _rows(path)]


def test_mlp_train_backprop_resumes(tmp_path):
    base = ["mlp", "train", "--method", "backprop", "--hidden", "16"]
    ref, out = tmp_path / "ref", tmp_path / "out"
    res = runner.invoke(app, [*base, "--epochs", "3", "--out", str(ref)])
    assert res.exit_code == 0, res.output
    assert "resumed" not in res.output and (ref / "mlp_checkpoint").is_dir()
    res = runner.invoke(app, [*base, "--epochs", "2", "--out", str(out)])
    assert res.exit_code == 0, res.output
    # a larger --epochs continues the finished run; identical to the uninterrupted run
    res = runner.invoke(app, [*base, "--epochs", "3", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "resumed" in res.output
    assert _history(out / "history.csv") == _history(ref / "history.csv")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["resumed"] is True and manifest["parameters"]["epochs"] == 3
    assert "mlp_checkpoint" in manifest["files"]
    # other settings in the same --out: a clear error naming what differs
    res = runner.invoke(app, [*base, "--epochs", "3", "--lr", "0.1", "--out", str(out)])
    assert res.exit_code == 2
    assert "learning_rate" in "".join(res.output.replace("│", "").split())
    # a corrupt checkpoint is named
    (out / "mlp_checkpoint" / "config.json").write_bytes(b"garbage")
    res = runner.invoke(app, [*base, "--epochs", "3", "--out", str(out)])
    assert res.exit_code == 2
    assert "mlp_checkpoint" in "".join(res.output.replace("│", "").split())


def test_mlp_train_forward_forward_resumes(tmp_path):
    base = ["mlp", "train", "--method", "forward-forward", "--hidden", "20", "--out"]
    ref, out = tmp_path / "ref", tmp_path / "out"
    res = runner.invoke(app, [*base, str(ref), "--epochs", "2"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, [*base, str(out), "--epochs", "1"])
    assert res.exit_code == 0, res.output
    assert {p.name for p in out.glob("*_checkpoint")} == {"ff_checkpoint",
                                                           "baseline_checkpoint"}
    res = runner.invoke(app, [*base, str(out), "--epochs", "2"])
    assert res.exit_code == 0, res.output
    assert res.output.count("resumed") == 2  # forward-forward and the baseline
    assert _history(out / "history.csv") == _history(ref / "history.csv")
    # the same command again resumes finished runs: nothing trained, same table
    res = runner.invoke(app, [*base, str(out), "--epochs", "2"])
    assert res.exit_code == 0, res.output
    assert _history(out / "history.csv") == _history(ref / "history.csv")


# ------------------------------------------------------------------ ranges, stores, Ctrl-C
def test_capacity_alpha_range_gives_n_points(tmp_path):
    """``--alpha 1:3:21`` is 21 points from 1 to 3 (it once silently ran one point)."""
    res = runner.invoke(app, ["perceptron", "capacity", "--N", "10", "--alpha", "1:3:21",
                              "--samples", "2", "--perceptron-epochs", "0", "--out",
                              str(tmp_path)])
    assert res.exit_code == 0, res.output
    rows = _rows(tmp_path / "capacity.csv")
    assert [int(r["p"]) for r in rows] == list(range(10, 31))
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["points"] == 21 and len(manifest["parameters"]["alpha"]) == 21
    assert manifest["parameters"]["alpha"][0] == 1.0 and manifest["parameters"]["alpha"][-1] == 3.0


def test_capacity_overwrite_and_grid_reuse(tmp_path):
    base = ["perceptron", "capacity", "--N", "6", "--alpha", "1,2", "--samples", "4",
            "--perceptron-epochs", "5", "--out", str(tmp_path)]
    assert runner.invoke(app, base).exit_code == 0
    first = _rows(tmp_path / "capacity.csv")
    # another seed: refused without --overwrite, naming it and the option that differs
    res = runner.invoke(app, [*base, "--seed", "1"])
    assert res.exit_code == 2 and "--overwrite" in res.output and "--seed" in res.output
    assert _rows(tmp_path / "capacity.csv") == first  # nothing touched
    res = runner.invoke(app, [*base, "--seed", "1", "--overwrite"])
    assert res.exit_code == 0, res.output
    assert json.loads((tmp_path / "manifest.json").read_text())["resumed"] is False
    # a larger grid with the same settings reuses the points already computed
    ref = tmp_path / "ref"
    bigger = ["perceptron", "capacity", "--N", "6", "--alpha", "1,1.5,2", "--samples", "4",
              "--perceptron-epochs", "5", "--seed", "1"]
    res = runner.invoke(app, [*bigger, "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert json.loads((tmp_path / "manifest.json").read_text())["points_reused"] == 2
    assert runner.invoke(app, [*bigger, "--out", str(ref)]).exit_code == 0
    assert (tmp_path / "capacity.csv").read_text() == (ref / "capacity.csv").read_text()


def test_capacity_interrupted_then_resumed_equals_uninterrupted(tmp_path, monkeypatch):
    """Ctrl-C after two grid points: exit 130, the resume command, then an identical table."""
    from spinnet.cli import app as main_app
    from spinnet.neurons import perceptron

    args = ["perceptron", "capacity", "--N", "6,8", "--alpha", "1,2", "--samples", "3",
            "--perceptron-epochs", "5"]
    ref, out = tmp_path / "ref", tmp_path / "out"
    assert runner.invoke(main_app, [*args, "--out", str(ref)]).exit_code == 0
    real, calls = perceptron.capacity_point, []

    def interrupting(*a, **kw):
        calls.append(a)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*a, **kw)

    monkeypatch.setattr(perceptron, "capacity_point", interrupting)
    res = runner.invoke(main_app, [*args, "--out", str(out)])
    assert res.exit_code == 130, res.output
    assert "Interrupted" in res.output and "Resume with:" in res.output
    assert "Kept: 2 of 4 grid points" in " ".join(res.output.split())
    monkeypatch.setattr(perceptron, "capacity_point", real)
    res = runner.invoke(main_app, [*args, "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert json.loads((out / "manifest.json").read_text())["points_reused"] == 2
    assert (out / "capacity.csv").read_text() == (ref / "capacity.csv").read_text()


def test_mlp_train_interrupted_then_resumed_and_overwrite(tmp_path, monkeypatch):
    """Ctrl-C after epoch 2 of 3 keeps 2 epochs; the same command finishes identically;
    other settings need --overwrite, which starts afresh."""
    import spinnet._io as io
    from spinnet.cli import app as main_app

    base = ["mlp", "train", "--hidden", "8", "--epochs", "3"]
    ref, out = tmp_path / "ref", tmp_path / "out"
    assert runner.invoke(main_app, [*base, "--out", str(ref)]).exit_code == 0
    real, calls = io.write_csv, []

    def interrupting(target, rows):
        path = real(target, rows)
        if str(target).endswith("history.csv"):
            calls.append(target)
            if len(calls) == 2:
                raise KeyboardInterrupt
        return path

    monkeypatch.setattr(io, "write_csv", interrupting)
    res = runner.invoke(main_app, [*base, "--out", str(out)])
    assert res.exit_code == 130, res.output
    assert "Resume with:" in res.output and "2 of 3 epochs" in " ".join(res.output.split())
    monkeypatch.setattr(io, "write_csv", real)
    res = runner.invoke(main_app, [*base, "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "resumed" in res.output
    assert _history(out / "history.csv") == _history(ref / "history.csv")
    res = runner.invoke(main_app, [*base, "--lr", "0.1", "--out", str(out)])
    assert res.exit_code == 2 and "--overwrite" in res.output and "--lr" in res.output
    res = runner.invoke(main_app, [*base, "--lr", "0.1", "--overwrite", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "resumed" not in res.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["resumed"] is False and manifest["parameters"]["lr"] == 0.1
    assert manifest["split"].startswith("sklearn") and manifest["directory"] is None
    assert "%" in res.output  # accuracies are printed as percentages


def test_commands_without_torch(tmp_path):
    """With PyTorch blocked: capacity and backprop run; forward-forward exits 2 naming the
    extra (the CLI maps MissingExtraError centrally)."""
    import subprocess
    import sys

    code = f"""
import importlib.abc
import sys


class _NoTorch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] == "torch":
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)


sys.meta_path.insert(0, _NoTorch())
import typer
from typer.testing import CliRunner

from spinnet.cli import SpinnetGroup
from spinnet.cli.attractor import attractor_app, tsp
from spinnet.cli.neurons import mlp_app, neurons_app, perceptron_app

app = typer.Typer(cls=SpinnetGroup)
app.add_typer(neurons_app, name="neurons")
app.add_typer(perceptron_app, name="perceptron")
app.add_typer(mlp_app, name="mlp")
app.add_typer(attractor_app, name="attractor")
app.command("tsp")(tsp)
r = CliRunner()
out = {str(tmp_path)!r}
res = r.invoke(app, ["perceptron", "capacity", "--N", "6", "--alpha", "1,2", "--samples",
                     "2", "--out", out + "/cap"])
assert res.exit_code == 0, res.output
res = r.invoke(app, ["mlp", "train", "--hidden", "8", "--epochs", "1", "--out", out + "/bp"])
assert res.exit_code == 0, res.output
res = r.invoke(app, ["mlp", "train", "--method", "forward-forward", "--hidden", "8",
                     "--epochs", "1", "--out", out + "/ff"])
assert res.exit_code == 2, res.output
assert "spinnet[torch]" in res.output and "Traceback" not in res.output, res.output
assert "torch" not in sys.modules
print("ok")
"""
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.strip().endswith("ok")


def test_mlp_train_mnist_records_split_and_directory(tmp_path):
    from spinnet.datasets.mnist import MnistNotFoundError, resolve_mnist_dir

    try:
        directory = resolve_mnist_dir()
    except MnistNotFoundError:
        pytest.skip("MNIST not found")
    res = runner.invoke(app, ["mlp", "train", "--data", "mnist", "--data-dir", str(directory),
                              "--hidden", "8", "--epochs", "1", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["directory"] == str(directory)
    split = manifest["split"]
    assert split in ("train60k/t10k", "t10k 8000/2000")
    n_train = 60000 if split == "train60k/t10k" else 8000
    assert manifest["parameters"]["n_train"] == n_train
    assert split in " ".join(res.output.split())


def test_mlp_train_several_seeds(tmp_path):
    """``--seed 0,1``: one run per seed in --out/seed-<s>/, each equal to the single-seed run,
    and a summary over seeds."""
    base = ["mlp", "train", "--hidden", "8", "--epochs", "2"]
    res = runner.invoke(app, [*base, "--seed", "0,1", "--out", str(tmp_path / "both")])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, [*base, "--seed", "1", "--out", str(tmp_path / "one")])
    assert res.exit_code == 0, res.output
    assert (_history(tmp_path / "both" / "seed-1" / "history.csv")
            == _history(tmp_path / "one" / "history.csv"))
    seeds = _rows(tmp_path / "both" / "seeds.csv")
    assert [int(r["seed"]) for r in seeds] == [0, 1]
    manifest = json.loads((tmp_path / "both" / "manifest.json").read_text())
    assert manifest["parameters"]["seed"] == [0, 1]
    s = manifest["summary"]["backprop (NumPy MLP, SGD)"]
    accs = [float(r["test_accuracy"]) for r in seeds]
    assert s["seeds"] == 2 and abs(s["test_accuracy_mean"] - sum(accs) / 2) < 1e-12
