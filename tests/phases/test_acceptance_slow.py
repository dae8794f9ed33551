"""Acceptance of the quick pipeline (slow: about 2 min on 2 cores)."""

from __future__ import annotations

import pytest

from spinnet.phases.pipeline import RunPlan, run_all

pytestmark = pytest.mark.slow

ISING_TC = 2.269185314213022


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return run_all(tmp_path_factory.mktemp("quick"), RunPlan.quick_plan(), seed=1)


def _check(result):
    f = result.fss
    assert f is not None, result.error
    # issue 7: T_c within 0.5 %, 1/nu within 15 %, error bars consistent (4 sigma)
    assert abs(f.T_star - ISING_TC) < 0.005 * ISING_TC
    assert abs(f.inv_nu - 1.0) < 0.15
    assert abs(f.T_star - ISING_TC) < 4 * result.T_star_err
    assert abs(f.inv_nu - 1.0) < 4 * result.inv_nu_err


def test_quick_pipeline_fcnn_locates_the_ising_transition(quick):
    _check(quick["ising"]["fcnn"])


def test_quick_pipeline_cnn_locates_the_ising_transition(quick):
    _check(quick["ising"]["cnn"])


def test_quick_pipeline_pca_baseline(quick):
    pca = quick["pca"]
    assert abs(pca["T_c"] - ISING_TC) < 4 * pca["T_c_err"]
