"""Bad-input corpus of ``spinnet ising simulate`` and ``spinnet anneal``.

Every case exits 2 with a message naming the CLI option and no traceback
(:func:`tests.cli._bad_input.assert_bad_input`), and nothing is written.
"""

from __future__ import annotations

import pytest
from tests.cli._bad_input import assert_bad_input

SIM = ["ising", "simulate", "--sweeps", "64", "--workers", "1"]

SIMULATE_CASES = [
    (["--L", "0"], "--L"),
    (["--L", "-8"], "--L"),
    (["--L", "8,x"], "--L"),
    (["--L", "8,8"], "--L"),                     # a repeated size
    (["--L", "8:16:4"], "--L"),                  # 8, 10.67, ... are not integers
    (["--L", "8.5"], "--L"),
    (["--N", "1", "--model", "sk"], "--N"),
    (["--T", "2.6:2.0:5"], "--T"),               # reversed range
    (["--T", "nan"], "--T"),
    (["--T", "inf"], "--T"),
    (["--T", "-1"], "--T"),
    (["--T", "1:2:0"], "--T"),
    (["--T", "2.0,2.0"], "--T"),                 # a repeated temperature
    (["--T", ""], "--T"),
    (["--sweeps", "0"], "--sweeps"),
    (["--thermalize", "-1"], "--thermalize"),
    (["--chains", "0"], "--chains"),
    (["--workers", "0"], "--workers"),
    (["--measure-every", "0"], "--measure-every"),
    (["--method", "bogus"], "--method"),
    (["--model", "bogus"], "--model"),
    (["--Jh", "inf"], "--Jh"),
    (["--Jv", "nan"], "--Jv"),
    (["--Jd", "-inf"], "--Jd"),
    (["--h", "nan"], "--h"),
    (["--model", "baxter-wu", "--L", "9,10"], "--L"),
    (["--method", "sw", "--model", "baxter-wu", "--L", "9"], "--method"),
    (["--method", "pt", "--T", "2.3"], "--T"),
]


@pytest.mark.parametrize(("args", "option"), SIMULATE_CASES,
                         ids=[" ".join(a) for a, _ in SIMULATE_CASES])
def test_simulate_bad_input(tmp_path, args, option):
    assert_bad_input([*SIM, *args, "--out", str(tmp_path / "out")], option, tmp_path)
    assert not (tmp_path / "out").exists()


def test_simulate_out_is_a_file(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("not a directory")
    assert_bad_input([*SIM, "--L", "4", "--T", "2.0", "--out", str(target)], "--out", tmp_path)
    assert target.read_text() == "not a directory"


def test_simulate_store_of_another_seed_names_overwrite(tmp_path):
    from typer.testing import CliRunner

    from spinnet.cli import app

    base = [*SIM, "--L", "4", "--T", "2.0", "--chains", "1", "--out", str(tmp_path)]
    assert CliRunner().invoke(app, [*base, "--seed", "1"]).exit_code == 0
    out = assert_bad_input([*base, "--seed", "2"], "--overwrite", tmp_path)
    assert "--seed" in out and "--out" in out
    res = CliRunner().invoke(app, [*base, "--seed", "2", "--overwrite"])
    assert res.exit_code == 0, res.output


def test_simulate_corrupt_store(tmp_path):
    (tmp_path / "results.sqlite").write_text("this is not SQLite")
    out = assert_bad_input([*SIM, "--L", "4", "--T", "2.0", "--out", str(tmp_path)], "--out",
                           tmp_path)
    assert "--overwrite" in out


ANNEAL_CASES = [
    (["--Tfinal", "5", "--T0", "3"], "--Tfinal"),     # Tfinal > T0
    (["--T0", "nan"], "--T0"),
    (["--T0", "-1"], "--T0"),
    (["--Tfinal", "inf"], "--Tfinal"),
    (["--Tfinal", "0"], "--Tfinal"),
    (["--sweeps", "0"], "--sweeps"),
    (["--restarts", "0"], "--restarts"),
    (["--N", "x"], "--N"),
    (["--N", "1"], "--N"),
    (["--model", "ea", "--L", "1"], "--L"),
    (["--model", "ea", "--d", "5"], "--d"),
    (["--schedule", "cosine"], "--schedule"),
]


@pytest.mark.parametrize(("args", "option"), ANNEAL_CASES,
                         ids=[" ".join(a) for a, _ in ANNEAL_CASES])
def test_anneal_bad_input(tmp_path, args, option):
    assert_bad_input(["anneal", "--N", "8", *args, "--out", str(tmp_path / "out")], option,
                     tmp_path)
    assert not (tmp_path / "out").exists()
