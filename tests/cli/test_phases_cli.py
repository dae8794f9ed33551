"""``spinnet phases generate|train|analyze|run``: outputs, resumption and bad input."""

import csv
import json

import pytest
from typer.testing import CliRunner

from spinnet.cli.phases import phases_app

runner = CliRunner()

TEMPS = "1.5,1.8,2.1,2.2,2.25,2.3,2.35,2.4,2.5,2.7,3.2,3.6"


def _rows(path):
    with open(path) as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    out = tmp_path_factory.mktemp("phases_cli")
    res = runner.invoke(phases_app, ["generate", "--sizes", "8,12,16", "--temperatures", TEMPS,
                                     "--samples", "40", "--chains", "2", "--per-chunk", "10",
                                     "--sweeps-between", "2", "--thermalize", "20",
                                     "--seed", "3", "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


def test_generate_writes_files_table_manifest(workdir):
    rows = _rows(workdir / "generate.csv")
    assert [int(r["L"]) for r in rows] == [8, 12, 16]
    assert all(r["sampler"] == "sw" and float(r["tau_E_max"]) > 0 for r in rows)
    for L in (8, 12, 16):
        assert (workdir / "data" / f"ising_L{L}.h5").stat().st_size > 1000
    manifest = json.loads((workdir / "manifest.json").read_text())
    assert manifest["command"] == "phases generate" and manifest["parameters"]["seed"] == 3


def test_train_and_analyze_per_size(workdir):
    res = runner.invoke(phases_app, ["train", "--net", "fcnn", "--representation", "spins",
                                     "--fm-window", "1.5,1.8",
                                     "--pm-window", "3.2,3.6", "--networks", "2", "--epochs",
                                     "10", "--batch-size", "16", "--out", str(workdir)])
    assert res.exit_code == 0, res.output
    rows = _rows(workdir / "train.csv")
    assert len(rows) == 6
    # 24 validation snapshots per net: an accuracy of ~0.95 has an error of ~0.04 per
    # net, ~0.02 averaged over six; 0.8 is far above chance (0.5) and 4 sigma below.
    assert sum(float(r["val_accuracy"]) for r in rows) / 6 > 0.8
    assert len(list((workdir / "nets").glob("fcnn_spins_ising_L*_s0.*.pt"))) == 6
    res = runner.invoke(phases_app, ["analyze", "--net", "fcnn", "--representation", "spins",
                                     "--n-boot", "20", "--out", str(workdir)])
    assert res.exit_code == 0, res.output
    rows = _rows(workdir / "analysis.csv")
    assert rows[0]["network"] == "fcnn" and rows[1]["network"] == "pca"
    assert {"T_star", "T_star_err", "inv_nu", "inv_nu_err", "T_c_exact"} <= set(rows[0])
    assert 2.0 < float(rows[1]["T_star"]) < 2.6
    assert (workdir / "fcnn_spins_ising_on_ising_PV.png").exists()
    assert (workdir / "pca_ising.png").exists()


def test_train_and_analyze_pooled_block_spins(workdir):
    res = runner.invoke(phases_app, ["train", "--net", "cnn", "--networks", "3", "--epochs", "6",
                                     "--batch-size", "16", "--out", str(workdir)])
    assert res.exit_code == 0, res.output
    rows = _rows(workdir / "train.csv")
    # one network per window band, shared by all three sizes
    assert len(rows) == 9 and len({r["fm_window"] for r in rows}) == 3
    assert len(list((workdir / "nets").glob("cnn_blocks_ising_pooled_s0.*.pt"))) == 3
    res = runner.invoke(phases_app, ["analyze", "--net", "cnn", "--n-boot", "20", "--no-pca",
                                     "--out", str(workdir)])
    assert res.exit_code == 0, res.output
    row = _rows(workdir / "analysis.csv")[0]
    assert row["network"] == "cnn" and row["input"] == "blocks" and row["sizes"] == "8 12 16"
    assert (workdir / "cnn_blocks_ising_on_ising_PV.png").exists()


@pytest.mark.parametrize("args,message", [
    (["generate", "--sizes", "2,8"], "L must be >= 4"),
    (["generate", "--model", "baxter-wu", "--sizes", "8"], "multiple of 3"),
    (["generate", "--J-v", "-1"], "ferromagnet"),
    (["train", "--net", "transformer"], "--net must be one of"),
    (["train", "--fm-window", "0.1,0.2"], "label window is empty"),
    (["train", "--pm-window", "9,10"], "label window is empty"),
    (["train", "--fm-window", "2,1"], "T_low <= T_high"),
    (["train", "--sizes", "64"], "no data for Ising at L = [64]"),
    (["analyze", "--net", "resnet"], "no resnet networks"),
    (["run", "--nets", "fcnn,mlp"], "--nets must be"),
])
def test_bad_input_is_a_clean_error(workdir, args, message):
    res = runner.invoke(phases_app, [*args, "--out", str(workdir)])
    assert res.exit_code == 2
    assert message in " ".join(res.output.replace("│", " ").split())


def test_generate_refuses_a_file_with_other_parameters(workdir):
    res = runner.invoke(phases_app, ["generate", "--sizes", "8", "--temperatures", TEMPS,
                                     "--samples", "40", "--chains", "2", "--per-chunk", "10",
                                     "--sweeps-between", "2", "--thermalize", "20",
                                     "--seed", "4", "--out", str(workdir)])
    assert res.exit_code == 2
    assert "different seed" in " ".join(res.output.split())
