"""Landau theory near T_g (Feigel'man–Ioffe programme) against the full AGS RS solution."""

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from spinnet.theory import feigelman_ioffe as F
from spinnet.theory import hopfield as H


def test_b_m_is_the_minimum_of_b_of_u():
    res = minimize_scalar(lambda u: (4 * u**3 + 2 * u) / (4 * u * u - 1), bounds=(0.51, 5),
                          method="bounded", options={"xatol": 1e-10})
    assert F.B_M == pytest.approx(res.fun, abs=1e-9)
    assert F.B_M == pytest.approx(1.954, abs=1e-3)  # AGS 1987: T_M ≈ 1 − 1.95 √α
    assert F.B_M < F.B_C < 3.0


@pytest.mark.parametrize("b, branch", [(3.0, "retrieval"), (2.0, "retrieval"),
                                       (0.5, "spin-glass"), (-2.0, "paramagnet")])
def test_solutions_are_stationary_points(b, branch):
    s = F.fi_solution(b, branch)
    eps = 1e-6
    for k in ("M", "Q", "P"):
        up, dn = dict(s), dict(s)
        up[k] += eps
        dn[k] -= eps
        grad = (F.fi_landau(up["M"], up["Q"], up["P"], b)
                - F.fi_landau(dn["M"], dn["Q"], dn["P"], b)) / (2 * eps)
        if k == "M" and s["M"] == 0.0:
            # M = m²: dφ/dm = 2m ∂φ/∂M vanishes at m = 0; ∂φ/∂M > 0 makes m = 0 stable
            assert grad > 0, grad
        else:
            assert abs(grad) < 1e-6, (k, grad)


def test_branches_exist_where_stated_and_phases():
    assert np.isnan(F.fi_solution(F.B_M - 1e-3)["M"])
    assert F.fi_solution(F.B_M + 1e-3)["M"] > 0
    assert np.isnan(F.fi_solution(-1.5, "spin-glass")["Q"])
    assert F.fi_solution(2.8)["replicon"] > 0
    assert F.fi_solution(1.0, "spin-glass")["replicon"] == pytest.approx(0.0, abs=1e-12)
    # free energies cross at b_c; the paramagnet joins the spin glass continuously at b = −1
    at_c = F.fi_solution(F.B_C)["phi"] - F.fi_solution(F.B_C, "spin-glass")["phi"]
    assert at_c == pytest.approx(0.0, abs=1e-10)
    assert F.fi_solution(-1 - 1e-9, "paramagnet")["phi"] == pytest.approx(0, abs=1e-8)
    a = 0.01
    assert F.fi_phase(a, 1.2) == "paramagnet"
    assert F.fi_phase(a, 0.9) == "spin glass (chaotic, no retrieval)"
    assert F.fi_phase(a, 0.77) == "metastable memory"
    assert F.fi_phase(a, 0.5) == "well-functioning memory"


def test_t_g_equals_ags():
    a = np.array([1e-4, 0.01, 0.1])
    assert np.allclose(F.fi_t_g(a), H.t_g(a))


def test_scaling_limit_of_the_full_ags_solution():
    # at b = 3 (inside the window), α = 1e-4 and 1e-5: AGS order parameters and the
    # retrieval–spin-glass free-energy gap approach the Landau values linearly in √α;
    # Richardson extrapolation of the two must hit the Landau numbers.
    b = 3.0
    vals = []
    for a in (1e-4, 1e-5):
        e = np.sqrt(a)
        T = 1.0 / (1.0 + b * e)
        r, s = H.ags_solve(a, T), H.ags_solve(a, T, branch="spin-glass")
        vals.append((e, r.m**2 / e, r.q / e, a * r.r / e, s.q / e,
                     (r.free_energy - s.free_energy) / a))
    (e1, *v1), (e2, *v2) = vals
    extrap = [y2 + (y2 - y1) * e2 / (e1 - e2) for y1, y2 in zip(v1, v2, strict=True)]
    ret, sg = F.fi_solution(b), F.fi_solution(b, "spin-glass")
    want = [ret["M"], ret["Q"], ret["P"], sg["Q"], ret["phi"] - sg["phi"]]
    for got, w in zip(extrap, want, strict=True):
        assert got == pytest.approx(w, rel=0.01)


@pytest.mark.slow
def test_t_m_t_c_approach_the_landau_lines():
    # (1 − T_M)/√α and (1 − T_c)/√α of AGS, extrapolated linearly in √α from
    # α = 1e-4 and 2.5e-5, approach b_M and b_c
    out = {}
    for a in (1e-4, 2.5e-5):
        out[a] = ((1 - H.t_m(a, tol=1e-7)) / np.sqrt(a), (1 - H.t_c(a, tol=1e-7)) / np.sqrt(a))
    e1, e2 = 1e-2, 5e-3
    for k, target in ((0, F.B_M), (1, F.B_C)):
        y1, y2 = out[1e-4][k], out[2.5e-5][k]
        assert y2 + (y2 - y1) * e2 / (e1 - e2) == pytest.approx(target, rel=0.02)


def test_validation():
    with pytest.raises(ValueError, match="alpha"):
        F.fi_t_m(-0.1)
    with pytest.raises(ValueError, match="branch"):
        F.fi_solution(1.0, "ferro")
    with pytest.raises(ValueError, match="Q > b"):
        F.fi_landau(0.0, 1.0, 0.0, 2.0)
    lines = F.fi_lines([0.01, 0.04])
    assert np.allclose(lines["T_M"], 1 - F.B_M * np.sqrt([0.01, 0.04]))
