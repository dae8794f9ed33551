"""Bad input for ``spinnet attractor online --data typefaces`` --name-codes and --order."""

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
