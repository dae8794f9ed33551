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
    args = ["perceptron", "capacity", "--N", "8,16", "--alphas", "1.0:3.0:0.5",
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
    res = runner.invoke(app, ["mlp", "train", "--algorithm", "backprop", "--data", "digits",
                              "--epochs", "5", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    rows = _rows(tmp_path / "history.csv")
    assert [int(r["epoch"]) for r in rows] == [1, 2, 3, 4, 5]
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["parameters"]["hidden"] == [128]
    acc = manifest["summary"]["backprop (NumPy MLP, SGD)"]["test_accuracy"]
    assert acc == float(rows[-1]["test_accuracy"]) and acc > 0.9


def test_mlp_train_forward_forward_with_baseline(tmp_path):
    res = runner.invoke(app, ["mlp", "train", "--algorithm", "forward-forward", "--data",
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
    (["neurons", "gates", "--max-epochs", "0"], "--max-epochs"),
    (["neurons", "gates", "--grid-max", "-1"], "--grid-max"),
    (["neurons", "gates", "--grid-points", "1"], "--grid-points"),
    (["perceptron", "capacity", "--N", "a,b"], "--N"),
    (["perceptron", "capacity", "--N", "0"], "--N"),
    (["perceptron", "capacity", "--alphas", "3:1:0.1"], "--alphas"),
    (["perceptron", "capacity", "--alphas", "-1,2"], "--alphas"),
    (["perceptron", "capacity", "--samples", "0"], "--samples"),
    (["perceptron", "capacity", "--perceptron-epochs", "-1"], "--perceptron-epochs"),
    (["perceptron", "capacity", "--kind", "uniform"], "--kind"),
    (["mlp", "train", "--algorithm", "hebb"], "--algorithm"),
    (["mlp", "train", "--data", "cifar"], "--data"),
    (["mlp", "train", "--epochs", "0"], "--epochs"),
    (["mlp", "train", "--lr", "0"], "--lr"),
    (["mlp", "train", "--hidden", "10,0"], "--hidden"),
    (["mlp", "train", "--momentum", "1.5"], "--momentum"),
    (["mlp", "train", "--data", "mnist", "--mnist-path", "/nonexistent"], "--mnist-path"),
])
def test_bad_input(tmp_path, args, option):
    res = runner.invoke(app, [*args, "--out", str(tmp_path)])
    assert res.exit_code == 2, res.output
    assert option in res.output


def _history(path):
    """history.csv without the timing column."""
    return [{k: v for k, v in r.items() if k != "seconds"} for r in _rows(path)]


def test_mlp_train_backprop_resumes(tmp_path):
    base = ["mlp", "train", "--algorithm", "backprop", "--hidden", "16"]
    ref, out = tmp_path / "ref", tmp_path / "out"
    res = runner.invoke(app, [*base, "--epochs", "3", "--out", str(ref)])
    assert res.exit_code == 0, res.output
    assert "resumed" not in res.output and (ref / "mlp_checkpoint.npz").is_file()
    res = runner.invoke(app, [*base, "--epochs", "2", "--out", str(out)])
    assert res.exit_code == 0, res.output
    # a larger --epochs continues the finished run; identical to the uninterrupted run
    res = runner.invoke(app, [*base, "--epochs", "3", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "resumed" in res.output
    assert _history(out / "history.csv") == _history(ref / "history.csv")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["resumed"] is True and manifest["parameters"]["epochs"] == 3
    assert "mlp_checkpoint.npz" in manifest["files"]
    # other settings in the same --out: a clear error naming what differs
    res = runner.invoke(app, [*base, "--epochs", "3", "--lr", "0.1", "--out", str(out)])
    assert res.exit_code == 2
    assert "learning_rate" in "".join(res.output.replace("│", "").split())
    # a corrupt checkpoint is named
    (out / "mlp_checkpoint.npz").write_bytes(b"garbage")
    res = runner.invoke(app, [*base, "--epochs", "3", "--out", str(out)])
    assert res.exit_code == 2
    assert "mlp_checkpoint.npz" in "".join(res.output.replace("│", "").split())


def test_mlp_train_forward_forward_resumes(tmp_path):
    base = ["mlp", "train", "--algorithm", "forward-forward", "--hidden", "20", "--out"]
    ref, out = tmp_path / "ref", tmp_path / "out"
    res = runner.invoke(app, [*base, str(ref), "--epochs", "2"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, [*base, str(out), "--epochs", "1"])
    assert res.exit_code == 0, res.output
    assert {p.name for p in out.glob("*.pt")} == {"ff_checkpoint.pt",
                                                   "baseline_checkpoint.pt"}
    res = runner.invoke(app, [*base, str(out), "--epochs", "2"])
    assert res.exit_code == 0, res.output
    assert res.output.count("resumed") == 2  # forward-forward and the baseline
    assert _history(out / "history.csv") == _history(ref / "history.csv")
    # the same command again resumes finished runs: nothing trained, same table
    res = runner.invoke(app, [*base, str(out), "--epochs", "2"])
    assert res.exit_code == 0, res.output
    assert _history(out / "history.csv") == _history(ref / "history.csv")
