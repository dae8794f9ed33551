"""Bad-input corpus of ``spinnet rbm|dbn|bm|inverse-ising``: every case exits 2, names
the option, and prints no traceback."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from spinnet.cli import app

from ._bad_input import assert_bad_input

runner = CliRunner()


def _train_args(out, *extra):
    return ["rbm", "train", "--data", "digits", "--hidden", "4", "--epochs", "1",
            "--batch-size", "500", *extra, "--out", str(out)]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("rbm") / "m"
    res = runner.invoke(app, _train_args(out))
    assert res.exit_code == 0, res.output
    return out


@pytest.mark.parametrize(("extra", "option"), [
    (["--hidden", "0"], "--hidden"),
    (["--lr", "nan"], "--lr"),
    (["--lr", "-1"], "--lr"),
    (["--epochs", "0"], "--epochs"),
    (["--k", "0"], "--k"),
    (["--method", "bogus"], "--method"),
    (["--data", "unknown"], "--data"),
    (["--momentum", "1"], "--momentum"),
    (["--seed", "1,2"], "--seed"),
    (["--seed", "-3"], "--seed"),
    (["--monitor", "0"], "--monitor"),
    (["--matmul-dtype", "int8"], "--matmul-dtype"),
    (["--method", "pl", "--matmul-dtype", "bfloat16"], "--matmul-dtype"),
])
def test_rbm_train_bad_values(tmp_path, extra, option):
    assert_bad_input(_train_args(tmp_path / "o", *extra), option, tmp_path)


def test_rbm_train_missing_and_empty_data_dir(tmp_path):
    assert_bad_input(_train_args(tmp_path / "o", "--data", "mnist", "--data-dir",
                                 "/nonexistent/mnist"), "--data-dir", tmp_path)
    (tmp_path / "empty").mkdir()
    assert_bad_input(_train_args(tmp_path / "o", "--data", "mnist", "--data-dir",
                                 str(tmp_path / "empty")), "--data-dir", tmp_path)


def test_rbm_train_non_binary_npy(tmp_path):
    np.save(tmp_path / "grey.npy", np.full((5, 4), 0.5))
    out = assert_bad_input(_train_args(tmp_path / "o", "--data", str(tmp_path / "grey.npy")),
                           "--data", tmp_path)
    assert "spins_to_bits" in out


def test_out_is_a_file(tmp_path):
    (tmp_path / "f").write_text("x")
    assert_bad_input(["rbm", "train", "--data", "digits", "--hidden", "4",
                      "--out", str(tmp_path / "f")], "--out", tmp_path)


def test_rerun_with_other_seed_needs_overwrite(tmp_path):
    out = tmp_path / "run"
    assert runner.invoke(app, _train_args(out)).exit_code == 0
    msg = assert_bad_input(_train_args(out, "--seed", "5"), "--overwrite", tmp_path)
    assert "seed" in msg
    res = runner.invoke(app, _train_args(out, "--seed", "5", "--overwrite"))
    assert res.exit_code == 0, res.output
    assert "resumed" not in res.output  # the old run was replaced, not continued


def test_corrupt_checkpoint_names_out(tmp_path):
    out = tmp_path / "run"
    assert runner.invoke(app, _train_args(out)).exit_code == 0
    arrays = out / "checkpoint" / "arrays.h5"
    arrays.write_bytes(arrays.read_bytes()[:300])
    assert_bad_input(_train_args(out, "--epochs", "2"), "--out", tmp_path)


@pytest.mark.parametrize("cmd", [["rbm", "eval"], ["rbm", "sample"]])
def test_from_missing_or_not_a_model(tmp_path, cmd):
    assert_bad_input([*cmd, "--from", str(tmp_path / "missing"), "--out",
                      str(tmp_path / "o")], "--from", tmp_path)
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "notes.txt").write_text("not a model")
    assert_bad_input([*cmd, "--from", str(tmp_path / "plain"), "--out",
                      str(tmp_path / "o")], "--from", tmp_path)


def test_from_corrupt_model(tmp_path, model_dir):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(model_dir / "model", broken)
    (broken / "arrays.h5").write_bytes((broken / "arrays.h5").read_bytes()[:200])
    assert_bad_input(["rbm", "sample", "--from", str(broken), "--out", str(tmp_path / "s")],
                     "--from", tmp_path)


@pytest.mark.parametrize(("extra", "option"), [
    (["--samples", "0"], "--samples"),
    (["--sweeps", "0"], "--sweeps"),
    (["--seed", "x"], "--seed"),
])
def test_rbm_sample_bad_values(tmp_path, model_dir, extra, option):
    assert_bad_input(["rbm", "sample", "--from", str(model_dir), *extra, "--out",
                      str(tmp_path / "s")], option, tmp_path)


@pytest.mark.parametrize(("extra", "option"), [
    (["--ais-steps", "2"], "--ais-steps"),
    (["--runs", "1"], "--runs"),
    (["--base", "flat"], "--base"),
])
def test_rbm_eval_bad_values(tmp_path, model_dir, extra, option):
    assert_bad_input(["rbm", "eval", "--from", str(model_dir), *extra, "--out",
                      str(tmp_path / "e")], option, tmp_path)


def test_rbm_eval_classify_needs_labels(tmp_path):
    rng = np.random.default_rng(0)
    np.save(tmp_path / "bars.npy", (rng.random((40, 9)) < 0.3).astype(np.uint8))
    out = tmp_path / "m"
    res = runner.invoke(app, ["rbm", "train", "--data", str(tmp_path / "bars.npy"), "--hidden",
                              "3", "--epochs", "1", "--batch-size", "20", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert_bad_input(["rbm", "eval", "--from", str(out), "--no-ais", "--classify", "--out",
                      str(tmp_path / "e")], "--classify", tmp_path)


@pytest.mark.parametrize(("args", "option"), [
    (["inverse-ising", "--samples", "10,abc"], "--samples"),
    (["inverse-ising", "--samples", "100:10:3"], "--samples"),
    (["inverse-ising", "--method", "nmf,magic"], "--method"),
    (["inverse-ising", "--T", "nan"], "--T"),
    (["bm", "encoder", "--seed", "x"], "--seed"),
    (["bm", "encoder", "--hidden", "0"], "--hidden"),
    (["bm", "encoder", "--lr", "inf"], "--lr"),
    (["dbn", "train", "--layers", "24,0"], "--layers"),
    (["dbn", "train", "--lr", "inf"], "--lr"),
    (["dbn", "train", "--data", "mnist", "--data-dir", "/nonexistent"], "--data-dir"),
])
def test_other_commands_bad_values(tmp_path, args, option):
    assert_bad_input([*args, "--out", str(tmp_path / "o")], option, tmp_path)
