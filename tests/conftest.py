import numpy as np
import pytest


@pytest.fixture
def rng():
    """A fixed-seed generator for tests (explicit randomness, no global seed)."""
    return np.random.default_rng(12345)
