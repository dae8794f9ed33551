"""Bad input for ``spinnet attractor online --data typefaces``: names, orders, font orders."""

from __future__ import annotations

import pytest
from tests.cli._bad_input import assert_bad_input


@pytest.mark.parametrize("args, option", [
    (["--name-codes", "hadamard"], "--name-codes"),
    (["--name-codes", ""], "--name-codes"),
    (["--code-length", "384"], "--code-length"),           # orthogonal codes: a power of 2
    (["--classes", "8", "--code-length", "8"], "--code-length"),   # >= classes + 2 rows
])
def test_name_codes_bad_input(tmp_path, args, option):
    out = assert_bad_input(["attractor", "online", "--data", "typefaces", *args, "--out",
                            str(tmp_path / "out")], option, tmp_path)
    assert not (tmp_path / "out" / "manifest.json").exists(), out


def test_random_name_codes_take_any_length(tmp_path):
    """--name-codes random keeps the previous behaviour: any --code-length is accepted."""
    from typer.testing import CliRunner

    from spinnet.cli import app

    res = CliRunner().invoke(app, ["attractor", "online", "--data", "typefaces", "--classes",
                                   "2", "--exemplars", "3", "--size", "10", "--code-length",
                                   "24", "--name-codes", "random", "--record-every", "3",
                                   "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "weighted" in res.output and "support" in res.output


@pytest.mark.parametrize("value", ["shuffled", "", "Cycles"])
def test_order_bad_input(tmp_path, value):
    assert_bad_input(["attractor", "online", "--data", "typefaces", "--order", value, "--out",
                      str(tmp_path / "out")], "--order", tmp_path)


@pytest.mark.parametrize("value", ["balanced", "", "Random"])
def test_font_order_bad_input(tmp_path, value):
    assert_bad_input(["attractor", "online", "--data", "typefaces", "--font-order", value,
                      "--out", str(tmp_path / "out")], "--font-order", tmp_path)


@pytest.mark.parametrize("value", ["cycles", "random"])
def test_font_order_reaches_the_manifest(tmp_path, value):
    import json

    from typer.testing import CliRunner

    from spinnet.cli import app

    res = CliRunner().invoke(app, ["attractor", "online", "--data", "typefaces", "--classes",
                                   "2", "--exemplars", "3", "--size", "10", "--code-length",
                                   "16", "--record-every", "3", "--font-order", value,
                                   "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["parameters"]["font_order"] == value
