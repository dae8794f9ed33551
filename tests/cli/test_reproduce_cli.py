"""``spinnet reproduce``: a smoke run end to end, resumption, and bad input."""

from __future__ import annotations

import json

import pytest
from tests.cli._bad_input import assert_bad_input
from typer.testing import CliRunner

from spinnet.cli import app

runner = CliRunner()
#: Claims that take milliseconds at smoke.
FAST = ("ising.tc-square,ising.tc-triangular,neurons.mcculloch-pitts-and,"
        "neurons.xor-single-unit,neurons.perceptron-capacity")


def test_reproduce_smoke_topic(tmp_path):
    out = tmp_path / "r"
    res = runner.invoke(app, ["reproduce", "--preset", "smoke", "--only", FAST,
                              "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "claims reproduced at preset smoke" in res.output
    for name in ("claims.csv", "report.md", "report.html", "manifest.json"):
        assert (out / name).is_file()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["fail"] == 0
    again = runner.invoke(app, ["reproduce", "--preset", "smoke", "--only", FAST,
                                "--out", str(out)])
    assert again.exit_code == 0, again.output
    assert "5 of 5 claims reproduced at preset smoke" in again.output


@pytest.mark.parametrize(("args", "option"), [
    (["--preset", "huge"], "--preset"),
    (["--only", "magnets"], "--only"),
    (["--only", ","], "--only"),
    (["--workers", "0"], "--workers"),
    (["--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "--workers"),
    (["--seed", "-1"], "--seed"),
])
def test_bad_input(args, option, tmp_path):
    assert_bad_input(["reproduce", *args, "--out", str(tmp_path / "o")], option, tmp_path)


def test_out_is_a_file(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    assert_bad_input(["reproduce", "--preset", "smoke", "--only", "ising.tc-square",
                      "--out", str(f)], "--out", tmp_path)
