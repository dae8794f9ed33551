"""Bad input of ``perceptron capacity --kappa``, ``perceptron binary``, ``perceptron teacher``:
exit 2 naming the option, no traceback."""

import pytest
from tests.cli._bad_input import assert_bad_input

CASES = [
    (["perceptron", "capacity", "--kappa", "-1"], "--kappa"),
    (["perceptron", "capacity", "--kappa", "nan"], "--kappa"),
    (["perceptron", "capacity", "--kappa", "2:1:3"], "--kappa"),
    (["perceptron", "capacity", "--kappa", "1", "--alpha", "1,2"], "--alpha"),
    (["perceptron", "capacity", "--kappa", "1", "--samples", "1"], "--samples"),
    (["perceptron", "capacity", "--kappa", "1", "--N", "1"], "--N"),
    (["perceptron", "binary", "--N", "10"], "--N"),
    (["perceptron", "binary", "--N", "29"], "--N"),
    (["perceptron", "binary", "--N", "x"], "--N"),
    (["perceptron", "binary", "--samples", "0"], "--samples"),
    (["perceptron", "binary", "--seed", "-1"], "--seed"),
    (["perceptron", "teacher", "--learning", "perceptron"], "--learning"),
    (["perceptron", "teacher", "--learning", ""], "--learning"),
    (["perceptron", "teacher", "--alpha", "0"], "--alpha"),
    (["perceptron", "teacher", "--alpha", "inf"], "--alpha"),
    (["perceptron", "teacher", "--teacher", "gaussian"], "--teacher"),
    (["perceptron", "teacher", "--N", "0"], "--N"),
    (["perceptron", "teacher", "--samples", "1"], "--samples"),
    (["perceptron", "teacher", "--iterations", "0"], "--iterations"),
    (["perceptron", "teacher", "--alpha", "1000", "--N", "100000"], "--alpha"),
]


@pytest.mark.parametrize("args, option", CASES, ids=[" ".join(a) for a in (c[0] for c in CASES)])
def test_bad_value(tmp_path, args, option):
    assert_bad_input([*args, "--out", str(tmp_path / "out")], option, tmp_path)


@pytest.mark.parametrize("command", [["perceptron", "binary"], ["perceptron", "teacher"],
                                     ["perceptron", "capacity", "--kappa", "1"]])
def test_out_is_a_file(tmp_path, command):
    target = tmp_path / "a-file"
    target.write_text("x")
    assert_bad_input([*command, "--out", str(target)], "--out", tmp_path)


def test_checkpoint_from_other_settings_names_overwrite(tmp_path):
    from typer.testing import CliRunner

    from spinnet.cli import app

    out = str(tmp_path / "o")
    res = CliRunner().invoke(app, ["perceptron", "binary", "--N", "5", "--samples", "4",
                                   "--out", out])
    assert res.exit_code == 0, res.output
    assert_bad_input(["perceptron", "binary", "--N", "5", "--samples", "4", "--seed", "9",
                      "--out", out], "--overwrite", tmp_path)
