"""Acceptance of the quick pipeline (slow: ~15-30 min on 2 cores)."""

from __future__ import annotations

import pytest

from spinnet.phases.pipeline import RunPlan, run_all

pytestmark = pytest.mark.slow

ISING_TC = 2.269185314213022


@pytest.mark.xfail(strict=True, reason="issue 7 is open: with seed 1 the quick pipeline gives "
                   "FCNN T* +0.56 % and CNN T* +1.55 % (limit 0.5 %); see docs/phases.md")
def test_quick_pipeline_locates_the_ising_transition(tmp_path):
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    res = run_all(tmp_path, RunPlan.quick_plan(), seed=1)
    for net in ("fcnn", "cnn"):
        r = res["ising"][net]
        f = r.fss
        assert f is not None, r.error
        # issue 7: T_c within 0.5 %, 1/nu within 15 %, error bars consistent (4 sigma)
        assert abs(f.T_star - ISING_TC) < 0.005 * ISING_TC
        assert abs(f.inv_nu - 1.0) < 0.15
        assert abs(f.T_star - ISING_TC) < 4 * r.T_star_err
        assert abs(f.inv_nu - 1.0) < 4 * r.inv_nu_err
    pca = res["pca"]
    assert abs(pca["T_c"] - ISING_TC) < 4 * pca["T_c_err"]
