"""Bad-input corpus for the Hopfield, theory, dense and modern commands.

Every case: exit code 2, the CLI option named, no traceback.
"""

from __future__ import annotations

import numpy as np
import pytest
from tests.cli._bad_input import assert_bad_input, runner

from spinnet.cli import app

CASES = [
    (["hopfield", "recall", "--data", "random", "--N", "abc"], "--N"),
    (["hopfield", "recall", "--data", "random", "--N", "-5"], "--N"),
    (["hopfield", "recall", "--noise", "1.5"], "--noise"),
    (["hopfield", "recall", "--noise", "nan"], "--noise"),
    (["hopfield", "recall", "--noise", "-0.1"], "--noise"),
    (["hopfield", "recall", "--dynamics", "glauber", "--T", "inf"], "--T"),
    (["hopfield", "recall", "--dynamics", "glauber", "--T", "-1"], "--T"),
    (["hopfield", "recall", "--T", "0.5"], "--T"),  # async dynamics is at T = 0
    (["hopfield", "recall", "--data", "unknown"], "--data"),
    (["hopfield", "recall", "--data", "missing-file.npy"], "--data"),
    (["hopfield", "recall", "--data", "mnist", "--data-dir", "/nonexistent"], "--data-dir"),
    (["hopfield", "recall", "--data", "letters", "--data-dir", "/tmp"], "--data-dir"),
    (["hopfield", "recall", "--data", "random", "--p", "0"], "--p"),
    (["hopfield", "recall", "--data", "digits", "--p", "11"], "--p"),
    (["hopfield", "recall", "--sweeps", "0"], "--sweeps"),
    (["hopfield", "recall", "--seed", "-1"], "--seed"),
    (["demo", "--noise", "2"], "--noise"),
    (["hopfield", "one-step", "--alpha", "0.2:0.1:5"], "--alpha"),
    (["hopfield", "one-step", "--alpha", "0.1:0.2:0"], "--alpha"),
    (["hopfield", "one-step", "--alpha", "0.1,x"], "--alpha"),
    (["hopfield", "one-step", "--N", "1000", "--N", "abc"], "--N"),
    (["hopfield", "one-step", "--N", "1"], "--N"),
    (["hopfield", "one-step", "--trials", "1"], "--trials"),
    (["hopfield", "capacity", "--N", "100:50:3"], "--N"),
    (["hopfield", "capacity", "--N", "100"], "--N"),
    (["hopfield", "capacity", "--alpha", "0.1"], "--alpha"),
    (["hopfield", "basins", "--workers", "0"], "--workers"),
    (["hopfield", "basins", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "--workers"),
    (["hopfield", "phase-diagram", "--T", "nan"], "--T"),
    (["hopfield", "phase-diagram", "--T", "0,0.5,0.5"], "--T"),
    (["hopfield", "phase-diagram", "--alpha", "-0.1"], "--alpha"),
    (["hopfield", "phase-diagram", "--sweeps", "1"], "--sweeps"),
    (["hopfield", "spurious", "--alpha", "0.001", "--N", "100"], "--alpha"),
    (["theory", "ags", "--alpha", "-0.1"], "--alpha"),
    (["theory", "ags", "--alpha", "nan"], "--alpha"),
    (["theory", "ags", "--alpha", "0.1", "--T", "inf"], "--T"),
    (["dam", "capacity", "--N", "40"], "--N"),
    (["dam", "capacity", "--N", "-40,80"], "--N"),
    (["dam", "capacity", "--noise", "nan"], "--noise"),
    (["modern", "retrieve", "--data", "random", "--p", "50", "--beta", "0"], "--beta"),
    (["modern", "retrieve", "--data", "random", "--p", "50", "--beta", "1:0.1:3"], "--beta"),
    (["modern", "retrieve", "--data", "random", "--p", "0"], "--p"),
    (["modern", "retrieve", "--data", "mnist", "--data-dir", "/nonexistent"], "--data-dir"),
    (["modern", "threshold", "--N", "abc"], "--N"),
    (["modern", "threshold", "--lam", "inf"], "--lam"),
]


@pytest.mark.parametrize("args, option", CASES, ids=[" ".join(a) for a, _ in CASES])
def test_bad_input(tmp_path, args, option):
    out = [] if args[0] == "theory" else ["--out", str(tmp_path / "out")]
    assert_bad_input([*args, *out], option, tmp_path)


def test_out_is_a_file(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    for args in (["demo"], ["hopfield", "recall", "--data", "random", "--N", "50"],
                 ["hopfield", "one-step", "--N", "50", "--alpha", "0.1", "--trials", "2"],
                 ["hopfield", "phase-diagram"]):
        assert_bad_input([*args, "--out", str(f)], "--out", tmp_path)


def test_empty_data_dir(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    out = assert_bad_input(["hopfield", "recall", "--data", "mnist", "--data-dir", str(empty),
                            "--out", str(tmp_path / "o")], "--data-dir", tmp_path)
    assert "MNIST not found" in out
    assert_bad_input(["modern", "retrieve", "--data", "mnist", "--data-dir", str(empty),
                      "--p", "20", "--queries", "5", "--out", str(tmp_path / "o")],
                     "--data-dir", tmp_path)


def test_patterns_file_not_spins(tmp_path):
    bad = tmp_path / "bad.npy"
    np.save(bad, np.array([[0, 1, 1], [1, -1, 1]]))
    assert_bad_input(["hopfield", "recall", "--data", str(bad), "--out", str(tmp_path / "o")],
                     "--data", tmp_path)
    assert_bad_input(["hopfield", "recall", "--data", str(bad), "--p", "5",
                      "--out", str(tmp_path / "o")], "--data", tmp_path)


def test_phase_diagram_other_seed_needs_overwrite(tmp_path):
    base = ["hopfield", "phase-diagram", "--N", "60", "--alpha", "0.05", "--T", "0,0.5",
            "--sweeps", "4", "--trials", "1", "--workers", "1", "--out", str(tmp_path)]
    first = runner.invoke(app, [*base, "--seed", "0"])
    assert first.exit_code == 0, first.output
    before = (tmp_path / "phase_diagram.csv").read_text()
    out = assert_bad_input([*base, "--seed", "1"], "--overwrite", tmp_path)
    assert "--seed 0" in out and "--seed 1" in out
    assert (tmp_path / "phase_diagram.csv").read_text() == before  # nothing touched
    res = runner.invoke(app, [*base, "--seed", "1", "--overwrite"])
    assert res.exit_code == 0, res.output
    assert "nothing to do" not in res.output  # the old store was replaced, not resumed
    # the same command again resumes the (compatible) store, even with --overwrite
    again = runner.invoke(app, [*base, "--seed", "1", "--overwrite"])
    assert again.exit_code == 0 and "nothing to do" in again.output
