"""``spinnet phases train|analyze|run --protocol``: table.csv, three exponents, bad input."""


import pytest
from tests.cli._bad_input import assert_bad_input
from tests.cli.test_phases_cli import TEMPS, _rows
from typer.testing import CliRunner

from spinnet.cli.phases import phases_app
from spinnet.phases.analysis import TABLE_COLUMNS

pytest.importorskip("torch")

runner = CliRunner()

@pytest.fixture(scope="module")
def data(tmp_path_factory):
    out = tmp_path_factory.mktemp("phases_protocol")
    res = runner.invoke(phases_app, ["generate", "--L", "8,12,16", "--T", TEMPS,
                                     "--samples", "40", "--chains", "2", "--per-chunk", "10",
                                     "--sweeps-between", "2", "--thermalize", "20",
                                     "--seed", "5", "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


def test_per_size_protocol_trains_per_size_and_writes_the_table(data):
    res = runner.invoke(phases_app, ["train", "--net", "fcnn", "--protocol", "per-size",
                                     "--fm-window", "1.5,1.8", "--pm-window", "3.2,3.6",
                                     "--networks", "2", "--epochs", "2", "--batch-size", "16",
                                     "--from", str(data), "--out", str(data)])
    assert res.exit_code == 0, res.output
    # per-size on raw spins (the default input of the per-size protocol): 2 nets per L
    assert len(list((data / "nets").glob("fcnn_spins_ising_L*_s0.*"))) == 6
    assert not list((data / "nets").glob("*pooled*"))
    out = data / "analysis"
    res = runner.invoke(phases_app, ["analyze", "--net", "fcnn", "--protocol", "per-size",
                                     "--n-boot", "6", "--no-pca", "--from", str(data),
                                     "--out", str(out)])
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert "1/nu_s-" in text and "1/nu_s+" in text
    table = _rows(out / "table.csv")
    assert tuple(table[0]) == TABLE_COLUMNS and len(table) == 1
    row = table[0]
    assert (row["net"], row["protocol"], row["train_model"], row["test_model"]) == (
        "fcnn", "per-size", "Ising", "Ising")
    T_c = float(row["T_c"])
    assert T_c == pytest.approx(2.269185, abs=1e-6)
    T_star, err = float(row["T_star"]), float(row["T_star_err"])
    assert 2.0 < T_star < 2.6 and err > 0, row
    assert float(row["delta_over_sigma"]) == pytest.approx(abs(T_star - T_c) / err)
    peaks = _rows(out / "fcnn_spins_ising_on_ising_peaks.csv")
    assert {"sigma_minus", "sigma_minus_err", "sigma_plus", "sigma_plus_err"} <= set(peaks[0])
    # only pooled networks asked for: there are none
    res = runner.invoke(phases_app, ["analyze", "--net", "fcnn", "--protocol", "pooled",
                                     "--n-boot", "4", "--from", str(data), "--out", str(out)])
    assert res.exit_code == 2 and "no pooled fcnn networks" in " ".join(res.output.split())
    # the per-size default is the uniform temperature prior; asking for the other one on
    # the stored networks is a conflict that names --overwrite, which retrains
    from spinnet.phases.training import PhaseClassifier

    net = PhaseClassifier.load(data / "nets" / "fcnn_spins_ising_L8_s0.0")
    assert net.info_["temperature_prior"] == "uniform"
    args = ["train", "--net", "fcnn", "--protocol", "per-size", "--fm-window", "1.5,1.8",
            "--pm-window", "3.2,3.6", "--networks", "2", "--epochs", "2", "--batch-size", "16",
            "--temperature-prior", "grid", "--from", str(data), "--out", str(data)]
    res = runner.invoke(phases_app, args)
    text = " ".join(res.output.replace("│", " ").split())
    assert res.exit_code == 2 and "temperature prior 'uniform'" in text and "--overwrite" in text
    res = runner.invoke(phases_app, [*args, "--overwrite"])
    assert res.exit_code == 0, res.output
    net = PhaseClassifier.load(data / "nets" / "fcnn_spins_ising_L8_s0.0")
    assert net.info_["temperature_prior"] == "grid"


def test_pooled_protocol_equals_the_block_spin_default(data):
    res = runner.invoke(phases_app, ["train", "--net", "cnn", "--protocol", "pooled",
                                     "--networks", "1", "--epochs", "2", "--batch-size", "16",
                                     "--from", str(data), "--out", str(data)])
    assert res.exit_code == 0, res.output
    assert len(list((data / "nets").glob("cnn_blocks_ising_pooled_s0.*"))) == 1
    out = data / "analysis-pooled"
    res = runner.invoke(phases_app, ["analyze", "--net", "cnn", "--n-boot", "4", "--no-pca",
                                     "--from", str(data), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert _rows(out / "table.csv")[0]["protocol"] == "pooled"


@pytest.mark.parametrize("args,option", [
    (["phases", "train", "--protocol", "pooled", "--representation", "energy"], "--protocol"),
    (["phases", "train", "--protocol", "pooled", "--representation", "spins"], "--protocol"),
    (["phases", "train", "--protocol", "per-size", "--representation", "blocks"],
     "--protocol"),
    (["phases", "analyze", "--protocol", "pooled", "--representation", "energy"],
     "--protocol"),
    (["phases", "train", "--protocol", "sideways"], "--protocol"),
    (["phases", "run", "--protocol", "per-L"], "--protocol"),
    (["phases", "train", "--net", "resnet99"], "--net"),
    (["phases", "analyze", "--net", "resnet18,resnet18"], "--net"),
    (["phases", "run", "--transfer-net", "transformer"], "--transfer-net"),
    (["phases", "run", "--transfer-net", "cnn,cnn"], "--transfer-net"),
])
def test_bad_protocol_and_network_input(args, option, tmp_path):
    out = assert_bad_input([*args, "--out", str(tmp_path / "o")], option, tmp_path)
    assert not (tmp_path / "o" / "nets").exists(), out


def test_the_resnets_are_accepted_by_net(data, tmp_path):
    """--net takes every name of spinnet.phases.networks.NETS (no networks here: the error
    is the missing network, not the name)."""
    from spinnet.phases.networks import NETS

    for name in ("resnet10", "resnet18", "resnet34", "resnet50"):
        assert name in NETS
    res = runner.invoke(phases_app, ["analyze", "--net", "resnet10,resnet50", "--protocol",
                                     "per-size", "--from", str(data), "--out",
                                     str(tmp_path)])
    text = " ".join(res.output.replace("│", " ").split())
    assert res.exit_code == 2 and "no per-size resnet10 networks" in text, text


def test_run_per_size_writes_table_with_three_exponents(tmp_path):
    out = tmp_path / "run"
    res = runner.invoke(phases_app, ["run", "--protocol", "per-size", "--L", "8,12,16",
                                     "--samples", "24", "--net", "fcnn", "--networks", "1",
                                     "--epochs", "2", "--n-boot", "4", "--seed", "2",
                                     "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert len(list((out / "nets").glob("fcnn_spins_ising_L*_s2.0"))) == 3
    table = _rows(out / "table.csv")
    assert [tuple(r) for r in table] == [TABLE_COLUMNS]
    assert table[0]["protocol"] == "per-size" and table[0]["net"] == "fcnn"
    import json

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["parameters"]["protocol"] == "per-size"
    assert "table.csv" in manifest["files"]


@pytest.mark.parametrize("protocol,representation,expected", [
    (None, None, ("pooled", "blocks")),          # the behaviour from before --protocol
    (None, "spins", ("per-size", "spins")),
    (None, "energy", ("per-size", "energy")),
    (None, "blocks", ("pooled", "blocks")),
    ("pooled", None, ("pooled", "blocks")),
    ("per-size", None, ("per-size", "spins")),
    ("per-size", "energy", ("per-size", "energy")),
])
def test_resolve_protocol(protocol, representation, expected):
    from spinnet.experiments.phases import resolve_protocol

    assert resolve_protocol(protocol, representation) == expected


def test_resolve_protocol_rejects_what_does_not_exist():
    from spinnet.experiments.phases import PhasesInputError, resolve_protocol

    for args in (("pooled", "spins"), ("pooled", "energy"), ("per-size", "blocks"),
                 ("per-L", None)):
        with pytest.raises(PhasesInputError, match="protocol") as info:
            resolve_protocol(*args)
        assert info.value.parameter == "protocol"
    with pytest.raises(PhasesInputError, match="representation"):
        resolve_protocol(None, "pixels")


@pytest.mark.parametrize("protocol, sizes, expected", [
    ("per-size", None, (16, 24, 32)),         # the quick per-size preset: small sizes
    ("pooled", None, (16, 24, 32, 48, 64)),   # pooled quick preset unchanged
    ("per-size", (8, 12, 16), (8, 12, 16)),   # --L wins
])
def test_quick_per_size_preset_uses_small_sizes(monkeypatch, tmp_path, protocol, sizes, expected):
    import spinnet.phases.pipeline as pipeline
    from spinnet.experiments import phases as exp

    class Planned(Exception):
        pass

    def fake_run_all(out, plan, **kw):
        raise Planned(plan)

    monkeypatch.setattr(pipeline, "run_all", fake_run_all)
    with pytest.raises(Planned) as info:
        exp.run(tmp_path, quick=True, protocol=protocol, sizes=sizes)
    assert info.value.args[0].ising_sizes == expected
    with pytest.raises(Planned) as info:
        exp.run(tmp_path, quick=False, protocol=protocol)
    assert info.value.args[0].ising_sizes == (16, 24, 32, 48, 64)
