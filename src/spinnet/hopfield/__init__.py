"""Classical Hopfield networks: learning rules, dynamics and the estimator."""

from spinnet.hopfield.dynamics import (
    Trajectory,
    energy,
    local_fields,
    run_async,
    run_glauber,
    run_sync,
)
from spinnet.hopfield.network import HopfieldNetwork
from spinnet.hopfield.rules import (
    RULES,
    hebbian,
    hebbian_update,
    projector_update,
    pseudo_inverse,
    storkey,
    storkey_update,
)

__all__ = [
    "RULES",
    "HopfieldNetwork",
    "Trajectory",
    "energy",
    "hebbian",
    "hebbian_update",
    "local_fields",
    "projector_update",
    "pseudo_inverse",
    "run_async",
    "run_glauber",
    "run_sync",
    "storkey",
    "storkey_update",
]
