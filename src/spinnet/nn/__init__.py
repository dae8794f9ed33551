"""PyTorch modern Hopfield layers (= attention) and their functional core.

``spinnet.nn`` mirrors ``torch.nn`` / ``torch.nn.functional``: stateless
functions in :mod:`spinnet.nn.functional` (energy, update, iterated retrieval)
and modules built on them (:class:`Hopfield`, :class:`HopfieldPooling`,
:class:`HopfieldLayer`) configured by a :class:`HopfieldConfig`.
"""

from spinnet.nn import functional
from spinnet.nn.functional import (
    RetrievalOutput,
    hopfield_energy,
    hopfield_retrieval,
    hopfield_update,
)
from spinnet.nn.modules import (
    Hopfield,
    HopfieldConfig,
    HopfieldLayer,
    HopfieldOutput,
    HopfieldPooling,
)

__all__ = [
    "Hopfield",
    "HopfieldConfig",
    "HopfieldLayer",
    "HopfieldOutput",
    "HopfieldPooling",
    "RetrievalOutput",
    "functional",
    "hopfield_energy",
    "hopfield_retrieval",
    "hopfield_update",
]
