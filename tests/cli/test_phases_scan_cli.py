"""``spinnet phases scan``: bad input exits 2 naming the option; a tiny run (slow)."""

from __future__ import annotations

import csv
import json

import pytest
from tests.cli._bad_input import assert_bad_input
from typer.testing import CliRunner

from spinnet.cli import app


@pytest.mark.parametrize("args,option", [
    (["--Jd", "-1"], "--Jd"),
    (["--Jd", "-1.5,0"], "--Jd"),
    (["--Jd", "nan"], "--Jd"),
    (["--Jd", "1:0:3"], "--Jd"),
    (["--Jd", "0.2,0.2"], "--Jd"),
    (["--L", "8,12"], "--L"),
    (["--L", "8,12,18"], "--L"),
    (["--L", "8,8,12"], "--L"),
    (["--net", "mlp"], "--net"),
    (["--net", "fcnn,fcnn"], "--net"),
    (["--samples", "0"], "--samples"),
    (["--samples", "6"], "--samples"),
    (["--networks", "0"], "--networks"),
    (["--epochs", "0"], "--epochs"),
    (["--n-boot", "1"], "--n-boot"),
    (["--threads", "0"], "--threads"),
    (["--seed", "-1"], "--seed"),
])
def test_bad_input(args, option, tmp_path):
    assert_bad_input(["phases", "scan", *args, "--out", str(tmp_path / "o")], option, tmp_path)


def test_bad_paths(tmp_path):
    assert_bad_input(["phases", "scan", "--from", str(tmp_path / "missing"),
                      "--out", str(tmp_path / "o")], "--from", tmp_path)
    f = tmp_path / "file"
    f.write_text("x")
    assert_bad_input(["phases", "scan", "--out", str(f)], "--out", tmp_path)


@pytest.mark.slow
def test_tiny_scan_writes_table_figure_manifest(tmp_path):
    out = tmp_path / "scan"
    res = CliRunner().invoke(app, ["phases", "scan", "--Jd", "-0.3,0.5", "--L", "8,12,16",
                                   "--samples", "40", "--networks", "1", "--epochs", "2",
                                   "--n-boot", "10", "--out", str(out)])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(open(out / "scan.csv")))
    assert [float(r["J_d"]) for r in rows] == [-0.3, 0.5]
    assert (out / "scan.png").stat().st_size > 1000
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["parameters"]["J_d"] == [-0.3, 0.5]
