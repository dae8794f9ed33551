import numpy as np
import pytest

from spinnet._rng import as_generator, kernel_seed, spawn
from spinnet._validation import check_couplings, check_int, check_spins


def test_as_generator_forms():
    g = np.random.default_rng(1)
    assert as_generator(g) is g
    assert as_generator(5).integers(1 << 30) == as_generator(5).integers(1 << 30)
    assert isinstance(as_generator(None), np.random.Generator)
    assert isinstance(as_generator(np.random.SeedSequence(3)), np.random.Generator)


@pytest.mark.parametrize("bad", [0.5, "3", True, [1]])
def test_as_generator_rejects(bad):
    with pytest.raises(TypeError, match="rng"):
        as_generator(bad)


def test_negative_seed():
    with pytest.raises(ValueError, match="rng"):
        as_generator(-1)


def test_spawn_independent_and_reproducible():
    a = [g.random() for g in spawn(7, 3)]
    b = [g.random() for g in spawn(7, 3)]
    assert a == b and len(set(a)) == 3
    assert kernel_seed(1) == kernel_seed(1)


def test_check_int_and_spins_messages():
    with pytest.raises(TypeError, match="n_sweeps"):
        check_int(2.0, "n_sweeps")
    with pytest.raises(ValueError, match="n_sweeps"):
        check_int(0, "n_sweeps", minimum=1)
    with pytest.raises(ValueError, match=r"probes.*-1 and \+1"):
        check_spins([1, 0, -1], "probes")
    with pytest.raises(ValueError, match="finite"):
        check_spins([1.0, np.nan], "probes")
    with pytest.raises(TypeError, match="probes"):
        check_spins(np.array([True, False]), "probes")
    with pytest.raises(ValueError, match="N = 3"):
        check_spins([1, 1], "probes", n=3)


def test_check_couplings():
    with pytest.raises(ValueError, match="symmetric"):
        check_couplings([[0, 1], [2, 0]])
    with pytest.raises(ValueError, match="square"):
        check_couplings(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="finite"):
        check_couplings([[0, np.inf], [np.inf, 0]])
