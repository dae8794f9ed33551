"""``spinnet bm encoder``, ``spinnet inverse-ising`` and ``spinnet rbm ...``."""

import csv
import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from spinnet.cli import app

runner = CliRunner()


def _rows(path):
    with open(path) as fh:
        return list(csv.DictReader(fh))


def test_bm_encoder_outputs(tmp_path):
    res = runner.invoke(app, ["bm", "encoder", "--seed", "0,1", "--epochs", "120", "--restarts",
                              "3", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    rows = _rows(tmp_path / "encoder.csv")
    assert [int(r["seed"]) for r in rows] == [0, 1]
    for r in rows:
        # the log-likelihood of the 4 training patterns is bounded by ln(1/4)
        assert float(r["log_likelihood"]) <= math.log(0.25) + 1e-9
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["command"] == "bm encoder"
    assert manifest["summary"]["success_rate"] == sum(r["success"] == "True" for r in rows) / 2
    assert (tmp_path / "encoder.png").stat().st_size > 10_000
    assert "success rate" in res.output


@pytest.mark.parametrize("args, option", [
    (["--seed", "x"], "--seed"), (["--lr", "-0.1"], "--lr"), (["--epochs", "0"], "--epochs"),
    (["--method", "annealing"], "--method"), (["--n-io", "9"], "--n-io"),
])
def test_bm_encoder_bad_input(tmp_path, args, option):
    res = runner.invoke(app, ["bm", "encoder", *args, "--out", str(tmp_path)])
    assert res.exit_code == 2
    assert option in res.output


def test_inverse_ising_outputs(tmp_path):
    res = runner.invoke(app, ["inverse-ising", "--model", "sk", "--N", "8", "--T", "1.5",
                              "--samples", "300,3000", "--method", "nmf,tap,pl",
                              "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    rows = _rows(tmp_path / "inverse_ising.csv")
    assert [(r["method"], int(r["n_samples"])) for r in rows] == [
        (m, n) for n in (300, 3000) for m in ("naive_mean_field", "tap", "pseudo_likelihood")]
    err = {(r["method"], int(r["n_samples"])): float(r["error"]) for r in rows}
    for m in ("naive_mean_field", "tap", "pseudo_likelihood"):
        assert err[m, 3000] < err[m, 300]  # more data, better couplings
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["command"] == "inverse-ising"
    assert manifest["parameters"]["samples"] == [300, 3000]
    assert set(manifest["summary"]) == {"naive_mean_field", "tap", "pseudo_likelihood"}
    assert (tmp_path / "inverse_ising.png").stat().st_size > 10_000


@pytest.mark.parametrize("args, option", [
    (["--method", "nmf,magic"], "--method"), (["--N", "40"], "--N"), (["--T", "0"], "--T"),
    (["--samples", "10,abc"], "--samples"), (["--samples", "1"], "--samples"),
    (["--model", "ea"], "--model"),
])
def test_inverse_ising_bad_input(tmp_path, args, option):
    res = runner.invoke(app, ["inverse-ising", "--N", "6", "--samples", "100", *args,
                              "--out", str(tmp_path)])
    assert res.exit_code == 2
    assert option in res.output


# ---------------------------------------------------------------------------------- rbm
def _train(out, *extra, epochs=1):
    return runner.invoke(app, ["rbm", "train", "--data", "digits", "--hidden", "8", "--epochs",
                               str(epochs), "--lr", "0.05", "--batch-size", "100", *extra,
                               "--out", str(out)])


def test_rbm_train_outputs_and_resume(tmp_path):
    import torch

    from spinnet.boltzmann.rbm import RBM

    res = _train(tmp_path / "a")
    assert res.exit_code == 0, res.output
    for name in ("checkpoint", "model", "history.csv", "history.png", "samples.png",
                 "filters.png", "manifest.json"):
        assert (tmp_path / "a" / name).exists(), name
    assert len(_rows(tmp_path / "a" / "history.csv")) == 1
    assert json.loads((tmp_path / "a" / "manifest.json").read_text())["resumed"] is False
    # re-running with more epochs continues from the checkpoint ...
    res = _train(tmp_path / "a", epochs=2)
    assert res.exit_code == 0, res.output
    assert "resumed" in res.output
    rows = _rows(tmp_path / "a" / "history.csv")
    assert [int(r["epoch"]) for r in rows] == [1, 2]
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["resumed"] is True and manifest["summary"]["epoch"] == 2
    # ... and reproduces an uninterrupted 2-epoch run exactly
    assert _train(tmp_path / "b", epochs=2).exit_code == 0
    wa = RBM.load(tmp_path / "a" / "model").W
    wb = RBM.load(tmp_path / "b" / "model").W
    assert torch.equal(wa, wb)
    # changing a hyper-parameter against an existing checkpoint is refused cleanly
    res = _train(tmp_path / "a", "--k", "3", epochs=3)
    assert res.exit_code == 2 and "checkpoint" in res.output


def test_rbm_eval_and_sample(tmp_path):
    assert _train(tmp_path / "m", epochs=2).exit_code == 0
    res = runner.invoke(app, ["rbm", "eval", "--from", str(tmp_path / "m"), "--ais", "--runs",
                              "20", "--ais-steps", "299", "--out", str(tmp_path / "e")])
    assert res.exit_code == 0, res.output
    result = json.loads((tmp_path / "e" / "eval.json").read_text())
    assert set(result) == {"exact", "ais", "ais_minus_exact"}
    # 8 hidden units: exact log Z by enumeration, AIS within a few standard errors
    assert abs(result["ais_minus_exact"]) < 5 * result["ais"]["log_Z_err"] + 0.05
    assert result["exact"]["test_LL"] < 0 and math.isfinite(result["ais"]["test_LL"])
    res = runner.invoke(app, ["rbm", "eval", "--from", str(tmp_path / "m"), "--no-ais",
                              "--classify", "--out", str(tmp_path / "c")])
    assert res.exit_code == 0, res.output
    acc = json.loads((tmp_path / "c" / "eval.json").read_text())["classification"]
    assert 0.1 < acc["hidden"] <= 1 and acc["visible"] > 0.8  # digits pixels: ~0.85-0.9
    assert "raw pixels" in res.output
    res = runner.invoke(app, ["rbm", "sample", "--from", str(tmp_path / "m"), "--samples", "6",
                              "--sweeps", "20", "--out", str(tmp_path / "s")])
    assert res.exit_code == 0, res.output
    v = np.load(tmp_path / "s" / "samples.npy")
    assert v.shape == (6, 64) and set(np.unique(v)) <= {0, 1}
    assert (tmp_path / "s" / "samples.png").is_file()


def test_rbm_train_on_npy_file(tmp_path):
    rng = np.random.default_rng(0)
    np.save(tmp_path / "bars.npy", (rng.random((60, 9)) < 0.3).astype(np.uint8))
    res = runner.invoke(app, ["rbm", "train", "--data", str(tmp_path / "bars.npy"), "--hidden",
                              "4", "--method", "pl", "--epochs", "2", "--batch-size", "20",
                              "--out", str(tmp_path / "m")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "m" / "filters.png").is_file()  # 9 = 3 x 3 pixels
    res = runner.invoke(app, ["rbm", "eval", "--from", str(tmp_path / "m"), "--no-ais",
                              "--out", str(tmp_path / "e")])
    assert res.exit_code == 0, res.output
    assert "exact" in res.output


@pytest.mark.parametrize("args, option", [
    (["--method", "magic"], "--method"), (["--k", "0"], "--k"), (["--lr", "-0.01"], "--lr"),
    (["--hidden", "0"], "--hidden"), (["--data", "nowhere.npy"], "--data"),
    (["--monitor", "0"], "--monitor"), (["--batch-size", "0"], "--batch-size"),
])
def test_rbm_train_bad_input(tmp_path, args, option):
    res = _train(tmp_path, *args)
    assert res.exit_code == 2
    assert option in res.output


def test_rbm_bad_data_file_and_model_dir(tmp_path):
    np.save(tmp_path / "grey.npy", np.full((5, 4), 0.5))
    res = _train(tmp_path / "o", "--data", str(tmp_path / "grey.npy"))
    assert res.exit_code == 2 and "--data" in res.output and "0 and 1" in res.output
    for cmd in (["rbm", "eval", "--out", str(tmp_path / "e")],
                ["rbm", "sample", "--out", str(tmp_path / "s")]):
        res = runner.invoke(app, [*cmd, "--from", str(tmp_path / "missing")])
        assert res.exit_code == 2 and "--from" in res.output


def test_dbn_train_outputs_resume_and_pca_comparison(tmp_path):
    args = ["dbn", "train", "--data", "digits", "--layers", "24,6", "--pretrain-epochs", "3",
            "--batch-size", "50", "--finetune-lr", "3e-3", "--out", str(tmp_path)]
    res = runner.invoke(app, [*args, "--finetune-epochs", "2"])
    assert res.exit_code == 0, res.output
    first = json.loads((tmp_path / "results.json").read_text())
    assert first["layer_sizes"] == [64, 24, 6] and first["finetune_epochs"] == 2
    for name in ("dbn", "finetune", "finetune.csv", "reconstructions.png", "samples.png",
                 "finetune.png", "manifest.json"):
        assert (tmp_path / name).exists(), name
    # More epochs resume from the checkpoint (pretraining is not repeated).
    res = runner.invoke(app, [*args, "--finetune-epochs", "4"])
    assert res.exit_code == 0, res.output
    assert "resumed" in res.output
    again = json.loads((tmp_path / "results.json").read_text())
    assert again["finetune_epochs"] == 4
    assert again["test_error_pretrained"] == first["test_error_pretrained"]
    assert again["test_error_pca"] == first["test_error_pca"]
    assert len(_rows(tmp_path / "finetune.csv")) == 4
    # Other pretraining settings in the same directory are refused, not mixed.
    res = runner.invoke(app, [*args[:-1], str(tmp_path), "--lr", "0.01"])
    assert res.exit_code == 2 and "--out" in res.output


@pytest.mark.parametrize("args, option", [
    (["--layers", "24,0"], "--layers"), (["--layers", "x"], "--layers"),
    (["--lr", "0"], "--lr"), (["--finetune-lr", "-1"], "--finetune-lr"),
    (["--pretrain-epochs", "-1"], "--pretrain-epochs"), (["--batch-size", "0"], "--batch-size"),
    (["--top", "relu"], "--top"), (["--data", "nope.npy"], "--data"),
])
def test_dbn_train_bad_input(tmp_path, args, option):
    res = runner.invoke(app, ["dbn", "train", "--out", str(tmp_path), *args])
    assert res.exit_code == 2
    assert option in res.output


def test_rbm_train_ctrl_c_keeps_checkpoint_and_resumes_bit_identically(tmp_path):
    """SIGINT after the first per-epoch checkpoint: exit 130, 'Resume with:', and the
    same command finishes with a model bit-identical to an uninterrupted run's."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import torch

    from spinnet.boltzmann.rbm import RBM

    args = ["rbm", "train", "--data", "digits", "--hidden", "128", "--method", "pcd",
            "--k", "5", "--batch-size", "20", "--epochs", "3", "--seed", "3"]
    out = tmp_path / "interrupted"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "spinnet", *args, "--out", str(out)],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not (out / "checkpoint" / "config.json").exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no checkpoint after 120 s"
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stdout + stderr
    assert "Resume with:" in stderr and "Interrupted." in stderr, stderr
    assert "checkpoint" in stderr  # what was kept is named
    assert not (out / "model").exists()  # it stopped before the end
    # The same command, re-run, resumes; an uninterrupted run goes to another directory.
    res = runner.invoke(app, [*args, "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "resumed" in res.output
    res = runner.invoke(app, [*args, "--out", str(tmp_path / "straight")])
    assert res.exit_code == 0, res.output
    a, b = RBM.load(out / "model"), RBM.load(tmp_path / "straight" / "model")
    for key in ("W", "b", "c"):
        assert torch.equal(a.params[key], b.params[key])
        assert a.params[key].dtype == b.params[key].dtype


def test_dbn_train_ctrl_c_in_pretraining_resumes_per_layer_bit_identically(tmp_path,
                                                                           monkeypatch):
    """Ctrl-C right after the first pretrained layer (KeyboardInterrupt, as SIGINT raises
    it, from the progress report once layer 1's checkpoint is written): exit 130, what is
    kept and 'Resume with:'; other settings are refused; the same command continues with
    layer 2 and every saved array equals an uninterrupted run's bit for bit."""
    import torch

    import spinnet.experiments.boltzmann as experiment
    from spinnet._persist import load_state

    args = ["dbn", "train", "--data", "digits", "--layers", "32,16,8", "--pretrain-epochs",
            "2", "--finetune-epochs", "1"]
    out, straight = tmp_path / "interrupted", tmp_path / "straight"
    real, seen = experiment.report, []

    def interrupting(progress, stage, done, total=None):
        seen.append((stage, done))
        if (stage, done) == ("pretrain layer 2/3", 0):  # layer 1 finished and saved
            raise KeyboardInterrupt
        return real(progress, stage, done, total)

    monkeypatch.setattr(experiment, "report", interrupting)
    res = runner.invoke(app, [*args, "--out", str(out)])
    assert res.exit_code == 130, res.output
    text = " ".join(res.output.split())
    assert "Interrupted." in text and "Resume with:" in text
    assert "Kept: the pretraining checkpoints" in text and "layers below it finished" in text
    layer1 = out / "pretrain" / "layer1" / "checkpoint"
    assert (layer1 / "arrays.h5").is_file()
    assert not (out / "pretrain" / "layer2").exists() and not (out / "dbn").exists()
    kept_bytes = (layer1 / "arrays.h5").read_bytes()
    # another seed against the kept layer is refused without --overwrite
    monkeypatch.setattr(experiment, "report", real)
    res = runner.invoke(app, [*args, "--seed", "1", "--out", str(out)])
    assert res.exit_code == 2 and "--overwrite" in res.output and "'seed'" in res.output
    # the same command continues with layer 2: layer 1 is loaded, not retrained
    seen.clear()
    monkeypatch.setattr(experiment, "report", lambda progress, stage, done, total=None: (
        seen.append((stage, done)), real(progress, stage, done, total))[1])
    res = runner.invoke(app, [*args, "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "resumed" in res.output
    assert [d for s, d in seen if s == "pretrain layer 1/3"] == [2]
    assert [d for s, d in seen if s == "pretrain layer 2/3"] == [0, 1, 2]
    assert (layer1 / "arrays.h5").read_bytes() == kept_bytes
    monkeypatch.setattr(experiment, "report", real)
    res = runner.invoke(app, [*args, "--out", str(straight)])
    assert res.exit_code == 0, res.output
    names = ["dbn", "finetune"] + [f"pretrain/layer{i}/checkpoint" for i in (1, 2, 3)]
    for name in names:
        a, b = load_state(out / name), load_state(straight / name)
        assert sorted(a.arrays) == sorted(b.arrays), name
        for key, x in a.arrays.items():
            y = b.arrays[key]
            if isinstance(x, torch.Tensor):
                assert x.dtype == y.dtype and torch.equal(x, y), (name, key)
            else:
                assert x.dtype == y.dtype and np.array_equal(x, y), (name, key)
    ra = json.loads((out / "results.json").read_text())
    rb = json.loads((straight / "results.json").read_text())
    assert ra == rb
    assert _rows(out / "finetune.csv") == _rows(straight / "finetune.csv")


def test_rbm_eval_finds_the_mnist_directory_the_model_recorded(tmp_path, monkeypatch):
    import shutil
    from pathlib import Path

    from spinnet.boltzmann.rbm import RBM

    shared = Path(__file__).resolve().parents[3] / "shared" / "data" / "mnist"
    if not (shared / "t10k-images-idx3-ubyte.gz").is_file():
        pytest.skip("MNIST test files not found")
    # a directory that no search finds: only the recorded path leads to it
    mnist = tmp_path / "my-mnist"
    shutil.copytree(shared, mnist)
    res = runner.invoke(app, ["rbm", "train", "--data", "mnist", "--data-dir", str(mnist),
                              "--hidden", "4", "--epochs", "1", "--batch-size", "1000",
                              "--monitor", "100", "--out", str(tmp_path / "m")])
    assert res.exit_code == 0, res.output
    meta = RBM.load(tmp_path / "m" / "model").metadata
    assert meta["split"] == "t10k 8000/2000" and Path(meta["directory"]) == mnist.resolve()
    manifest = json.loads((tmp_path / "m" / "manifest.json").read_text())
    assert manifest["data"]["split"] == "t10k 8000/2000"
    assert Path(manifest["data"]["directory"]) == mnist.resolve()
    # "a new shell": no --data-dir, nothing in the environment, another working directory
    monkeypatch.delenv("SPINNET_DATA", raising=False)
    monkeypatch.delenv("SPINNET_MNIST", raising=False)
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["rbm", "eval", "--from", str(tmp_path / "m"), "--no-ais",
                              "--out", str(tmp_path / "e")])
    assert res.exit_code == 0, res.output
    ev = json.loads((tmp_path / "e" / "manifest.json").read_text())
    assert Path(ev["data"]["directory"]) == mnist.resolve()
    assert ev["data"]["n_train"] == 8000 and ev["data"]["n_test"] == 2000
