"""The phase-transition claims (``catalog_phases``): full preset only, wired to the pipelines.

Their measurements train one network per lattice size (about an hour per network on
two cores), so they are never run for real here: the pipelines
(:func:`spinnet.experiments.phases.generate`, ``train``, ``analyze`` and
:func:`spinnet.experiments.phases_scan.scan`) are replaced by fakes that record
their arguments and return a table row, and the tests check that every claim calls
them with its network, model, representation and sizes, and that the tolerance --
not the measurement -- decides pass or fail.
"""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest

from spinnet.reproduce import Measurement, claims, get_claim
from spinnet.reproduce import catalog_phases as cp
from spinnet.reproduce.runner import judge

PHASES = [c.id for c in claims() if c.topic == "phases"]
NETS = ("fcnn", "cnn", "resnet10", "resnet18", "resnet34")


def test_every_table_row_has_its_claims():
    want = {f"phases.{m}-{n}-{q}" for m in ("ising", "baxter-wu") for n in NETS
            for q in ("tstar", "inv-nu")}
    want |= {f"phases.transfer-{n}-{d}" for n in ("cnn", "resnet10")
             for d in ("is-at-bw", "bw-at-is")}
    want |= {"phases.anisotropy-houtappel", "phases.disorder-line-deviation"}
    assert set(PHASES) == want
    for cid in PHASES:
        c = get_claim(cid)
        assert c.presets == ("full",) and "torch" in c.requires
        assert "Chertenkov" in c.source and any(ch.isdigit() for ch in c.source)


@pytest.mark.parametrize("preset", ["smoke", "quick"])
def test_phase_claims_are_not_run_below_full_with_a_reason(preset):
    for cid in PHASES:
        row = judge(get_claim(cid), None, preset)
        assert row["status"] == "not-run" and "full" in row["details"], cid
        assert "an hour per network" in row["details"], cid


def test_references_and_tolerances_follow_issue_15():
    onsager = 2.0 / math.log(1.0 + math.sqrt(2.0))
    for cid in PHASES:
        c = get_claim(cid)
        if cid.endswith("-tstar") or "transfer" in cid:
            # Ising and Baxter-Wu share T_c = 2/ln(1 + √2) (J = 1).
            assert c.reference == pytest.approx(onsager, abs=1e-12)
            band = {"fcnn": 0.002, "cnn": 0.002}.get(cid.split("-")[-2], 0.005)
            if "is-at-bw" in cid:
                band = 0.02
            assert (c.tolerance.kind, c.tolerance.value) == ("relative", band), cid
    assert get_claim("phases.ising-cnn-inv-nu").tolerance.value == 0.15
    assert get_claim("phases.baxter-wu-fcnn-inv-nu").reference == 1.5
    # ResNet exponents: the published value and its error, within 3 combined σ.
    c = get_claim("phases.baxter-wu-resnet18-inv-nu")
    assert (c.reference, c.reference_err, c.tolerance.kind) == (1.32, 0.11, "sigma")


def _bind(name, *args, **kw):
    """Fail unless the real pipeline accepts these arguments (names and positions)."""
    inspect.signature(REAL[name]).bind(*args, **kw)


class FakePipelines:
    """Stand-ins for generate/train/analyze/scan that record their calls.

    Each checks its arguments against the real function's signature first, so a
    renamed or misspelt keyword in the catalog fails here."""

    def __init__(self, t_star_rel=0.001, inv_nu_rel=0.05, scan_devs=(0.3, -0.5, 0.2)):
        self.calls = []
        self.t_star_rel, self.inv_nu_rel, self.scan_devs = t_star_rel, inv_nu_rel, scan_devs

    def generate(self, out, model, sizes, **kw):
        _bind("generate", out, model, sizes, **kw)
        self.calls.append(("generate", model.name, tuple(sizes), kw.get("seed")))
        out.mkdir(parents=True, exist_ok=True)
        return {}

    def train(self, data_dir, out, model, nets, **kw):
        _bind("train", data_dir, out, model, nets, **kw)
        self.calls.append(("train", model.name, tuple(nets), kw["representation"],
                           kw["protocol"], tuple(kw["sizes"]), kw["networks"]))
        return {}

    def analyze(self, from_dir, out, nets, **kw):
        _bind("analyze", from_dir, out, nets, **kw)
        test = kw["model"]
        self.calls.append(("analyze", kw["train_model"].name, test.name, tuple(nets),
                           kw["representation"], kw["protocol"]))
        t_c, nu = test.critical_temperature, test.exact_inverse_nu
        row = {"T_star": t_c * (1 + self.t_star_rel), "T_star_err": 1e-3,
               "delta_over_sigma": 1.0, "inv_nu_sigma": nu * (1 + self.inv_nu_rel),
               "inv_nu_sigma_err": 0.05, "inv_nu_sigma_minus": nu,
               "inv_nu_sigma_minus_err": 0.1, "inv_nu_sigma_plus": nu,
               "inv_nu_sigma_plus_err": math.nan}
        return {"table": [row]}

    def scan(self, out, J_d, **kw):
        _bind("scan", out, J_d, **kw)
        self.calls.append(("scan", tuple(J_d), kw["nets"], kw["quick"]))
        devs = list(self.scan_devs) + [0.1] * (len(J_d) - len(self.scan_devs))
        return {"rows": [{"J_d": j, "dev_pct": d, "dev_pct_err": 0.4, "inv_nu": 1.0,
                          "T_d_over_T_c": 1.1} for j, d in zip(J_d, devs, strict=False)]}


def _real():
    import spinnet.experiments.phases as ph
    import spinnet.experiments.phases_scan as ps

    return {"generate": ph.generate, "train": ph.train, "analyze": ph.analyze,
            "scan": ps.scan}


REAL = _real()


@pytest.fixture
def fake(monkeypatch, tmp_path):
    import spinnet.experiments.phases as ph
    import spinnet.experiments.phases_scan as ps

    f = FakePipelines()
    monkeypatch.setenv(cp.WORK_ENV, str(tmp_path))
    for name in ("generate", "train", "analyze"):
        monkeypatch.setattr(ph, name, getattr(f, name))
    monkeypatch.setattr(ps, "scan", f.scan)
    return f


def _run(cid):
    claim = get_claim(cid)
    m = claim.measure("full", np.random.default_rng(0))
    assert isinstance(m, Measurement) and m.details
    res = {"measured": m.measured, "measured_err": m.measured_err, "details": m.details,
           "series": "{}", "error": "", "wall_s": 0.0}
    return m, judge(claim, res, "full")


def test_ising_row_trains_per_size_on_spins_and_passes_within_tolerance(fake, tmp_path):
    m, row = _run("phases.ising-cnn-tstar")
    assert row["status"] == "pass" and m.measured == pytest.approx(2.269185 * 1.001, rel=1e-6)
    assert ("generate", "ising", cp.ISING_SIZES, cp.SEED) in fake.calls
    assert ("train", "ising", ("cnn",), "spins", "per-size", cp.ISING_SIZES, 1) in fake.calls
    assert ("analyze", "ising", "ising", ("cnn",), "spins", "per-size") in fake.calls
    assert (tmp_path / f"data-ising-L{'-'.join(map(str, cp.ISING_SIZES))}").is_dir()
    m, row = _run("phases.ising-fcnn-inv-nu")
    assert row["status"] == "pass" and m.measured == pytest.approx(1.05)
    assert ("train", "ising", ("fcnn",), "spins", "per-size", cp.ISING_SIZES, 3) in fake.calls


def test_baxter_wu_and_resnet_rows(fake):
    _, row = _run("phases.baxter-wu-resnet10-tstar")
    assert row["status"] == "pass"
    assert ("train", "baxter-wu", ("resnet10",), "energy", "per-size", cp.BW_SIZES_RESNET,
            1) in fake.calls
    m, row = _run("phases.baxter-wu-cnn-inv-nu")
    assert m.measured == pytest.approx(1.575) and row["status"] == "pass"


def test_transfer_trains_on_one_model_and_tests_on_the_other(fake):
    _run("phases.transfer-cnn-is-at-bw")
    assert ("train", "baxter-wu", ("cnn",), "energy", "per-size", cp.BW_SIZES, 1) in fake.calls
    assert ("analyze", "baxter-wu", "ising", ("cnn",), "energy", "per-size") in fake.calls
    assert ("generate", "ising", cp.BW_SIZES, cp.SEED) in fake.calls
    _run("phases.transfer-resnet10-bw-at-is")
    assert ("analyze", "ising", "baxter-wu", ("resnet10",), "energy",
            "per-size") in fake.calls


def test_the_tolerance_decides_a_failing_row(fake):
    fake.t_star_rel, fake.inv_nu_rel = 0.003, 0.2  # 0.3 % off T_c, 20 % off 1/ν
    assert _run("phases.ising-fcnn-tstar")[1]["status"] == "fail"
    assert _run("phases.ising-resnet10-tstar")[1]["status"] == "pass"  # 0.5 % band
    assert _run("phases.ising-cnn-inv-nu")[1]["status"] == "fail"


def test_anisotropy_and_disorder_line_claims_use_the_scan(fake):
    m, row = _run("phases.anisotropy-houtappel")
    assert m.measured == pytest.approx(0.005) and row["status"] == "pass"
    assert ("scan", cp.ANISOTROPY_JD, ("fcnn",), False) in fake.calls
    m, row = _run("phases.disorder-line-deviation")
    assert m.measured == pytest.approx(0.005) and row["status"] == "fail"  # no deviation
    fake.scan_devs = (1.5, 2.5, float("nan"))
    m, row = _run("phases.anisotropy-houtappel")
    assert math.isnan(m.measured) and row["status"] == "fail"
    assert "failed" in m.details
