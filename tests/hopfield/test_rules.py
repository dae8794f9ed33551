import numpy as np
import pytest

from spinnet.hopfield import (
    hebbian,
    hebbian_update,
    projector_update,
    pseudo_inverse,
    storkey,
    storkey_update,
)
from spinnet.spins import random_patterns


def storkey_reference(xi):
    """Storkey (1997) eq. 3 written out with explicit h_ij (O(N^3) per pattern)."""
    n = xi.shape[1]
    W = np.zeros((n, n))
    for x in xi.astype(float):
        H = np.empty((n, n))
        for i in range(n):
            for j in range(n):
                H[i, j] = sum(W[i, k] * x[k] for k in range(n) if k != i and k != j)
        W = W + (np.outer(x, x) - x[:, None] * H.T - H * x[None, :]) / n
        np.fill_diagonal(W, 0.0)
    return W


def test_hebbian_definition(rng):
    xi = random_patterns(5, 30, rng=rng)
    J = hebbian(xi)
    ref = sum(np.outer(x, x) for x in xi.astype(float)) / 30
    np.fill_diagonal(ref, 0)
    assert np.allclose(J, ref) and np.allclose(J, J.T) and not np.any(np.diag(J))


def test_storkey_matches_reference(rng):
    xi = random_patterns(4, 12, rng=rng)
    assert np.allclose(storkey(xi), storkey_reference(xi), atol=1e-12)


@pytest.mark.parametrize("rule", ["hebbian", "storkey", "pinv"])
def test_incremental_equals_batch(rule, rng):
    xi = random_patterns(12, 60, rng=rng)
    if rule == "hebbian":
        inc = hebbian_update(hebbian(xi[:7]), xi[7:])
        assert np.allclose(inc, hebbian(xi))
    elif rule == "storkey":
        inc = storkey_update(storkey(xi[:7]), xi[7:])
        assert np.allclose(inc, storkey(xi))
    else:
        _, P = pseudo_inverse(xi[:7], return_projector=True)
        P = projector_update(P, xi[7:])
        J = P.copy()
        np.fill_diagonal(J, 0)
        assert np.allclose(J, pseudo_inverse(xi), atol=1e-9)


def test_pseudo_inverse_is_projector(rng):
    xi = random_patterns(10, 40, rng=rng).astype(float)
    _, P = pseudo_inverse(xi, return_projector=True)
    assert np.allclose(P @ P, P, atol=1e-10) and np.allclose(P @ xi.T, xi.T, atol=1e-10)
    assert np.isclose(np.trace(P), 10)
    # dependent patterns: the span does not grow
    P2 = projector_update(P, xi[0] * 1)
    assert np.allclose(P2, P)


def test_rules_reject_bad_input():
    for rule in (hebbian, storkey, pseudo_inverse):
        with pytest.raises(ValueError, match="patterns"):
            rule(np.array([[1, 0, 1]]))
        with pytest.raises(ValueError, match="patterns"):
            rule(np.zeros((0, 5)))
    with pytest.raises(ValueError, match="N = 4"):
        hebbian_update(np.zeros((4, 4)), np.ones((1, 5)))
