"""AGS replica-symmetric theory against published numbers and internal consistency."""

import numpy as np
import pytest

from spinnet.theory import hopfield as H


def test_capacity_point():
    a_c, m_c = H.capacity_point()
    assert abs(a_c - 0.1379) < 0.0005 and abs(m_c - 0.9675) < 0.001
    assert H.ags_solve(0.137, 0.0).m > 0.96 and H.ags_solve(0.139, 0.0).m == 0.0


@pytest.mark.parametrize("alpha, expected", [(0.01, 0.80), (0.05, 0.54), (0.10, 0.32),
                                             (0.13, 0.15)])
def test_t_m_published(alpha, expected):
    # AGS 1985 fig. 1 read to two digits
    assert abs(H.t_m(alpha) - expected) < 0.01


def test_t_m_tends_to_one():
    tm = [H.t_m(a) for a in (1e-2, 1e-3, 1e-4)]
    assert tm[0] < tm[1] < tm[2] < 1 and 1 - tm[2] < 0.025
    # small-alpha law T_M ~ 1 - 1.95 sqrt(alpha)
    assert abs((1 - tm[2]) / np.sqrt(1e-4) - 1.95) < 0.1


def test_t_c_meets_zero_near_0_051():
    a0 = H.alpha_c_global()
    assert abs(a0 - 0.051) < 0.0015  # we find 0.0519 (AGS quote 0.051)
    assert H.t_c(0.04) > 0.2 and H.t_c(0.06) == 0.0
    assert H.t_c(0.01) < H.t_m(0.01)


def test_t_g_and_phases():
    assert H.t_g(0.04) == pytest.approx(1.2)
    assert H.ags_solve(0.05, 1.3).phase == "paramagnetic"
    assert H.ags_solve(0.05, 1.1).phase == "spin-glass"
    assert H.ags_solve(0.05, 0.3).phase == "retrieval"
    assert H.ags_solve(0.2, 0.2).phase == "spin-glass"


def test_alpha_to_zero_is_curie_weiss():
    # m = tanh(m / T) at T = 0.5: m = 0.957504
    s = H.ags_solve(1e-7, 0.5)
    # finite alpha = 1e-7 shifts m by O(alpha)
    assert abs(s.m - np.tanh(s.m / 0.5)) < 1e-6 and abs(s.m - 0.957504) < 1e-5


@pytest.mark.parametrize("alpha, T", [(0.05, 0.3), (0.1, 0.2), (0.03, 0.6)])
def test_solution_is_stationary_point_of_free_energy(alpha, T):
    s = H.ags_solve(alpha, T)
    eps = 1e-5

    def f(m, q):
        r = q / (1 - (1 - q) / T) ** 2
        return H._free_energy(m, q, r, alpha, T)

    dfdm = (f(s.m + eps, s.q) - f(s.m - eps, s.q)) / (2 * eps)
    dfdq = (f(s.m, s.q + eps) - f(s.m, s.q - eps)) / (2 * eps)
    assert abs(dfdm) < 1e-6 and abs(dfdq) < 1e-6
    t = np.tanh((s.m + np.sqrt(alpha * s.r) * H._Z) / T)
    assert abs(H._gauss(t) - s.m) < 1e-9 and abs(H._gauss(t * t) - s.q) < 1e-9


def test_zero_temperature_limit_is_continuous():
    for alpha in (0.05, 0.12):
        s0, s1 = H.ags_solve(alpha, 0.0), H.ags_solve(alpha, 0.01)
        assert abs(s0.m - s1.m) < 2e-3 and abs(s0.free_energy - s1.free_energy) < 2e-3
        g0 = H.ags_solve(alpha, 0.0, branch="spin-glass")
        g1 = H.ags_solve(alpha, 0.01, branch="spin-glass")
        assert abs(g0.free_energy - g1.free_energy) < 5e-3


def test_at_line():
    # T_R is tiny and grows with alpha; replicon changes sign there.
    assert H.t_r(0.05) < 1e-4 < H.t_r(0.10) < H.t_r(0.13) < 0.02
    tr = H.t_r(0.13)
    assert H.replicon(0.13, 0.8 * tr) < 0 < H.replicon(0.13, 1.2 * tr)


def test_alpha_c_of_temperature():
    assert H.alpha_c(0.0) == pytest.approx(0.1379, abs=5e-4)
    a5 = H.alpha_c(0.5)
    assert 0.04 < a5 < 0.09 and abs(H.t_m(a5) - 0.5) < 2e-3
    assert H.alpha_c(1.2) == 0.0


def test_bad_input():
    with pytest.raises(ValueError, match="alpha"):
        H.ags_solve(0.0, 0.5)
    with pytest.raises(ValueError, match="T"):
        H.ags_solve(0.1, -0.5)
    with pytest.raises(ValueError, match="branch"):
        H.ags_solve(0.1, 0.5, branch="mixture")
    with pytest.raises(ValueError, match="alpha"):
        H.t_m(-1.0)


def test_ags_lines_are_cached_and_exact(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    seen = []
    lines = H.ags_lines(3, tol=1e-2, progress=lambda *a: seen.append(a))
    assert seen[-1] == ("AGS lines", 3, 3)
    a = lines["alpha"]
    assert a[0] == 1e-3 and a[-1] == pytest.approx(H.capacity_point()[0] - 1e-4)
    assert lines["T_M"] == [H.t_m(x, tol=1e-2) for x in a]
    assert lines["T_c"] == [H.t_c(x, tol=1e-2) for x in a]
    assert list((tmp_path / "spinnet" / "theory").iterdir())

    def boom(*args, **kwargs):
        raise AssertionError("recomputed despite the cache")

    monkeypatch.setattr(H, "t_m", boom)
    assert H.ags_lines(3, tol=1e-2) == lines  # read back bit for bit
    with pytest.raises(AssertionError, match="recomputed"):
        H.ags_lines(3, tol=1e-2, cache=False)
