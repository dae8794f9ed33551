"""PyTorch modern Hopfield layers (= attention) and their functional core.

``spinnet.nn`` mirrors ``torch.nn`` / ``torch.nn.functional``: stateless
functions in :mod:`spinnet.nn.functional` (energy, update, iterated retrieval)
and modules built on them (:class:`Hopfield`, :class:`HopfieldPooling`,
:class:`HopfieldLayer`) configured by a :class:`HopfieldConfig`.

Needs PyTorch: without it, importing ``spinnet.nn`` raises
:class:`spinnet._optional.MissingExtraError` naming ``pip install 'spinnet[torch]'``.
"""

from spinnet._optional import require_torch

require_torch("spinnet.nn")

from spinnet.nn import functional  # noqa: E402
from spinnet.nn.functional import (  # noqa: E402
    RetrievalOutput,
    hopfield_energy,
    hopfield_retrieval,
    hopfield_update,
)
from spinnet.nn.modules import (  # noqa: E402
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
