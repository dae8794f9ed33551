import signal

import numpy as np
import pytest

# The Ctrl-C tests send SIGINT to `spinnet` subprocesses and expect exit code 130. A test
# runner started in the background by a shell without job control (`cmd &`, nohup) inherits
# SIGINT as *ignored*; ignored signals stay ignored across exec, and Python then installs
# no KeyboardInterrupt handler, so the children would ignore the signal. Handling SIGINT
# here (as Python normally does) makes every child start with the default disposition.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def rng():
    """A fixed-seed generator for tests (explicit randomness, no global seed)."""
    return np.random.default_rng(12345)
