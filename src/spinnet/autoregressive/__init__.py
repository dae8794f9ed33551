"""Autoregressive networks (PyTorch): exact-likelihood generative models of ±1 spins.

``q(s) = Π_i q(s_i | s_<i)`` with a masked dense network (:class:`MADE`, Germain et al.,
ICML 2015) or a masked convolutional network on a 2D lattice (:class:`PixelCNN`, van den
Oord et al., ICML 2016), sampled exactly by ancestral sampling; trained on an energy by
minimising the variational free energy (:class:`VAN`, Wu, Wang & Zhang, Phys. Rev. Lett.
122, 080602 (2019)) or on data by maximum likelihood.

This subpackage needs the ``torch`` extra (``pip install 'spinnet[torch]'``).
"""

from spinnet._optional import require_torch

require_torch("spinnet.autoregressive")

from spinnet.autoregressive._base import AutoregressiveNet  # noqa: E402
from spinnet.autoregressive.made import MADE  # noqa: E402
from spinnet.autoregressive.pixelcnn import PixelCNN  # noqa: E402
from spinnet.autoregressive.van import VAN  # noqa: E402

__all__ = ["MADE", "VAN", "AutoregressiveNet", "PixelCNN"]
