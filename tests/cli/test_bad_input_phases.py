"""Bad input to ``spinnet phases ...``: exit 2, the option named, no traceback."""

from __future__ import annotations

import pytest
from tests.cli._bad_input import assert_bad_input

# A tiny but valid generation (2 temperatures, 8 snapshots each, L = 8).
TINY = ["--L", "8", "--T", "1.6,3.2", "--samples", "8", "--chains", "2", "--per-chunk", "4",
        "--sweeps-between", "1", "--thermalize", "5"]


@pytest.mark.parametrize("args,option", [
    (["phases", "generate", "--L", "0"], "--L"),
    (["phases", "generate", "--L", "8,abc"], "--L"),
    (["phases", "generate", "--L", "3"], "--L"),
    (["phases", "generate", "--L", "8,8"], "--L"),
    (["phases", "generate", "--T", "2:1:5"], "--T"),
    (["phases", "generate", "--T", "nan"], "--T"),
    (["phases", "generate", "--T", "2.5,2.0"], "--T"),
    (["phases", "generate", "--T", "-1,2"], "--T"),
    (["phases", "generate", "--model", "bogus"], "--model"),
    (["phases", "generate", "--samples", "-1"], "--samples"),
    (["phases", "generate", "--thermalize", "-1"], "--thermalize"),
    (["phases", "generate", "--Jv", "nan"], "--Jv"),
    (["phases", "generate", "--Jv", "-1"], "--Jv"),
    (["phases", "generate", "--seed", "-3"], "--seed"),
    (["phases", "train", "--net", "bogus"], "--net"),
    (["phases", "train", "--fm-window", "1"], "--fm-window"),
    (["phases", "train", "--pm-window", "3,inf"], "--pm-window"),
    (["phases", "train", "--networks", "0"], "--networks"),
    (["phases", "analyze", "--n-boot", "1"], "--n-boot"),
    (["phases", "analyze", "--net", "cnn,transformer"], "--net"),
    (["phases", "run", "--net", "fcnn,fcnn"], "--net"),
    (["phases", "run", "--L", "8,12"], "--L"),
    (["phases", "run", "--epochs", "0"], "--epochs"),
])
def test_bad_values(args, option, tmp_path):
    assert_bad_input([*args, "--out", str(tmp_path / "out")], option, tmp_path)


def test_run_sizes_must_suit_block_spins(tmp_path):
    assert_bad_input(["phases", "run", "--L", "8,12,18", "--out", str(tmp_path)], "--L",
                     tmp_path)


def test_run_samples_must_split_into_chains(tmp_path):
    assert_bad_input(["phases", "run", "--samples", "42", "--out", str(tmp_path)], "--samples",
                     tmp_path)


def test_baxter_wu_sizes_must_be_multiples_of_three(tmp_path):
    out = assert_bad_input(["phases", "generate", "--model", "baxter-wu", "--L", "8",
                            "--out", str(tmp_path)], "--L", tmp_path)
    assert "multiple of 3" in out


def test_out_that_is_a_file(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    assert_bad_input(["phases", "generate", *TINY, "--out", str(f)], "--out", tmp_path)


def test_missing_from_and_data_dir(tmp_path):
    assert_bad_input(["phases", "train", "--from", str(tmp_path / "none"),
                      "--out", str(tmp_path / "o")], "--from", tmp_path)
    assert_bad_input(["phases", "analyze", "--from", str(tmp_path),
                      "--data-dir", str(tmp_path / "none"), "--out", str(tmp_path / "o")],
                     "--data-dir", tmp_path)
    # a --from without data/
    assert_bad_input(["phases", "train", "--from", str(tmp_path), "--out", str(tmp_path / "o")],
                     "--from", tmp_path)


def test_corrupt_snapshot_file(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "ising_L8.h5").write_bytes(b"not an hdf5 file")
    out = assert_bad_input(["phases", "train", "--from", str(tmp_path),
                            "--out", str(tmp_path / "o")], "--from", tmp_path)
    assert "corrupt" in out
    # generating into it again: the remedy is --overwrite
    out = assert_bad_input(["phases", "generate", *TINY, "--out", str(tmp_path)], "--overwrite",
                           tmp_path)
    assert "corrupt" in out


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    from typer.testing import CliRunner

    from spinnet.cli import app

    out = tmp_path_factory.mktemp("bad_phases")
    res = CliRunner().invoke(app, ["phases", "generate", *TINY, "--seed", "1",
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


def test_rerun_with_another_seed_without_overwrite(generated, tmp_path):
    out = assert_bad_input(["phases", "generate", *TINY, "--seed", "2", "--out",
                            str(generated)], "--overwrite", tmp_path)
    assert "--seed" in out


def test_rerun_with_another_grid_without_overwrite(generated, tmp_path):
    args = [a if a != "1.6,3.2" else "1.6,3.3" for a in TINY]
    out = assert_bad_input(["phases", "generate", *args, "--seed", "1", "--out",
                            str(generated)], "--overwrite", tmp_path)
    assert "--T" in out


def test_corrupt_network_directory(generated, tmp_path):
    pytest.importorskip("torch")
    nets = tmp_path / "nets" / "fcnn_blocks_ising_pooled_s0.0"
    nets.mkdir(parents=True)
    (nets / "config.json").write_text("{not json")
    (nets / "arrays.h5").write_bytes(b"junk")
    out = assert_bad_input(["phases", "analyze", "--from", str(tmp_path), "--data-dir",
                            str(generated), "--out", str(tmp_path / "o")], "--from", tmp_path)
    assert "corrupt" in out
