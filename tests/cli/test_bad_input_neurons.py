"""Bad-input corpus of ``neurons gates``, ``perceptron capacity``, ``mlp train``,
``attractor online`` and ``tsp``: every case exits 2 naming the CLI option, no traceback."""

import json

import pytest
from tests.cli._bad_input import assert_bad_input

CASES = [
    # ranges and lists (parse_floats / parse_ints)
    (["perceptron", "capacity", "--alpha", "3:1:5"], "--alpha"),  # reversed range
    (["perceptron", "capacity", "--alpha", "1:3:0"], "--alpha"),  # n < 1
    (["perceptron", "capacity", "--alpha", "1:3:0.1"], "--alpha"),  # old step syntax
    (["perceptron", "capacity", "--alpha", "0,1"], "--alpha"),  # load must be > 0
    (["perceptron", "capacity", "--alpha", "nan"], "--alpha"),
    (["perceptron", "capacity", "--N", "-5"], "--N"),
    (["perceptron", "capacity", "--N", "abc"], "--N"),
    (["perceptron", "capacity", "--N", "8.5"], "--N"),
    (["mlp", "train", "--hidden", "10,abc"], "--hidden"),
    # fractions outside [0, 1] (and the model's [0, 0.5)), NaN, inf
    (["attractor", "online", "--noise", "1.5"], "--noise"),
    (["attractor", "online", "--noise", "nan"], "--noise"),
    (["attractor", "online", "--probe-noise", "-0.1"], "--probe-noise"),
    (["attractor", "online", "--lr", "inf"], "--lr"),
    (["attractor", "online", "--T", "-1"], "--T"),
    (["attractor", "online", "--N", "-5"], "--N"),
    (["mlp", "train", "--lr", "nan"], "--lr"),
    (["mlp", "train", "--momentum", "nan"], "--momentum"),
    (["mlp", "train", "--threshold", "inf"], "--threshold"),
    (["tsp", "--ht-d", "inf"], "--ht-d"),
    (["neurons", "gates", "--grid-max", "nan"], "--grid-max"),
    (["neurons", "gates", "--epochs", "-3"], "--epochs"),
    # unknown data and missing data
    (["mlp", "train", "--data", "unknown"], "--data"),
    (["mlp", "train", "--data", "mnist", "--data-dir", "/nonexistent"], "--data-dir"),
    (["mlp", "train", "--method", "hebb"], "--method"),
    (["mlp", "train", "--seed", "-1"], "--seed"),
    (["mlp", "train", "--seed", "0,x"], "--seed"),
    (["perceptron", "capacity", "--seed", "-2"], "--seed"),
]


@pytest.mark.parametrize("args, option", CASES, ids=[" ".join(a) for a, _ in CASES])
def test_bad_value(tmp_path, args, option):
    assert_bad_input([*args, "--out", str(tmp_path / "out")], option, tmp_path)


def test_empty_data_dir(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert_bad_input(["mlp", "train", "--data", "mnist", "--data-dir", str(empty),
                      "--out", str(tmp_path / "out")], "--data-dir", tmp_path)


@pytest.mark.parametrize("command", [["neurons", "gates"], ["perceptron", "capacity"],
                                     ["mlp", "train"], ["attractor", "online"], ["tsp"]])
def test_out_is_a_file(tmp_path, command):
    target = tmp_path / "a-file"
    target.write_text("x")
    assert_bad_input([*command, "--out", str(target)], "--out", tmp_path)


def test_corrupt_mlp_checkpoint(tmp_path):
    from spinnet._persist import save_state

    out = tmp_path / "out"
    save_state(out / "mlp_checkpoint", kind="spinnet.neurons.MLP.checkpoint", config={},
               arrays={"w": [0.0]})
    (out / "mlp_checkpoint" / "arrays.h5").write_bytes(b"\x89HDF garbage")
    text = assert_bad_input(["mlp", "train", "--hidden", "8", "--epochs", "1", "--out",
                             str(out)], "--out", tmp_path)
    assert "mlp_checkpoint" in "".join(text.replace("│", "").split())


def test_capacity_rerun_with_another_seed_needs_overwrite(tmp_path):
    out = tmp_path / "out"
    base = ["perceptron", "capacity", "--N", "6", "--alpha", "1,2", "--samples", "3",
            "--perceptron-epochs", "5", "--out", str(out)]
    from typer.testing import CliRunner

    from spinnet.cli import app

    assert CliRunner().invoke(app, base).exit_code == 0
    text = assert_bad_input([*base, "--seed", "1"], "--overwrite", tmp_path)
    assert "--seed" in text


def test_tsp_rerun_into_a_partial_run_with_another_seed_needs_overwrite(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    params = dict(method="2opt", cities=6, instances=2, restarts=1, anneal_sweeps=1000,
                  ht_d=500.0, ht_n_tilde=15.0, seed=3, reference="exact")
    (out / "tsp.partial.json").write_text(json.dumps({"parameters": params, "rows": []}))
    text = assert_bad_input(["tsp", "--method", "2opt", "--cities", "6", "--instances", "2",
                             "--seed", "4", "--out", str(out)], "--overwrite", tmp_path)
    assert "--seed" in text
