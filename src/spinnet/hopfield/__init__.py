"""Classical Hopfield networks: learning rules, dynamics and the estimator."""

from spinnet.hopfield.dynamics import (
    Trajectory,
    energy,
    local_fields,
    run_async,
    run_glauber,
    run_little,
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
    "run_little",
    "run_sync",
    "storkey",
    "storkey_update",
]

# Graded-response neurons (Hopfield 1984) and learning attractor networks.
from spinnet.hopfield.continuous import ContinuousHopfield, ContinuousTrajectory
from spinnet.hopfield.online import (
    OnlineAttractorNetwork,
    SynapticDynamics,
    noisy_exemplars,
    synaptic_update,
)

__all__ += [
    "ContinuousHopfield",
    "ContinuousTrajectory",
    "OnlineAttractorNetwork",
    "SynapticDynamics",
    "noisy_exemplars",
    "synaptic_update",
]

# Dense associative memories (Krotov-Hopfield, Demircigil); the torch-based modern
# Hopfield network lives in spinnet.hopfield.modern (imported on demand, keeps torch lazy).
from spinnet.hopfield.dense import DenseAssociativeMemory, DenseTrajectory  # noqa: E402

__all__ += ["DenseAssociativeMemory", "DenseTrajectory"]

# Hetero-associative and sequence memories.
from spinnet.hopfield.hetero import BAM, BAMTrajectory, LinearAssociator  # noqa: E402
from spinnet.hopfield.sequence import (  # noqa: E402
    DelayedSequenceNetwork,
    SequenceMemory,
    sequence_couplings,
    sequence_replay,
)

__all__ += ["BAM", "BAMTrajectory", "DelayedSequenceNetwork", "LinearAssociator",
            "SequenceMemory", "sequence_couplings", "sequence_replay"]

# Pictures stored with their names (composite patterns [picture | name code]).
from spinnet.hopfield.names import NamedMemory, decode_names  # noqa: E402

__all__ += ["NamedMemory", "decode_names"]
