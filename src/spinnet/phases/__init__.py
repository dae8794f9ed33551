"""Machine learning of phase transitions: configurations, classifiers, finite-size scaling.

Pipeline (Carrasquilla & Melko, Nat. Phys. 13, 431 (2017); Chertenkov, Burovski
& Shchur, Phys. Rev. E 108, L032102 (2023)):

1. :mod:`~spinnet.phases.data` -- equilibrium snapshots of the square /
   anisotropic Ising and Baxter-Wu models in resumable, checksummed HDF5 files,
   and the spin -> local-energy transform used for cross-model transfer;
2. :mod:`~spinnet.phases.networks`, :mod:`~spinnet.phases.training` -- the
   :class:`PhaseClassifier` estimator (fully connected, convolutional or
   residual; ``fit``/``predict_proba``/``score``/``save``/``load``) trained on
   snapshots far from ``T_c`` with early stopping and checkpoints; Kadanoff
   block spins let one classifier serve every lattice size (PyTorch is imported
   only when a network is built);
3. :mod:`~spinnet.phases.analysis` -- ``P(T; L)``, ``V(T; L)`` with bootstrap
   errors, peak fits, ``μ(L) − T* ∝ L^{−1/ν}`` and ``σ(L) ∝ L^{−1/ν}``, the PCA
   baseline;
4. :mod:`~spinnet.phases.pipeline` -- the stages wired together per model and size
   (``train_pooled``: one network for all sizes; ``train_sizes``: one per size).

See ``docs/phases.md``.
"""

from spinnet.phases.analysis import (
    TABLE_COLUMNS,
    FSSResult,
    PeakResult,
    binder_crossing,
    fit_gaussian_peak,
    fit_split_peak,
    fss_fit,
    output_curves,
    pca_projection,
    table_rows,
    write_table,
)
from spinnet.phases.data import (
    DataFileError,
    GenerationConfig,
    ModelSpec,
    PhaseData,
    StoreConflict,
    dense_grid,
    energy_configurations,
    generate,
    load,
)
from spinnet.phases.networks import NETS, build_net, describe_net, parameter_count
from spinnet.phases.training import (
    PhaseClassifier,
    block_spins,
    prepare_inputs,
    train_classifier,
)

__all__ = [
    "NETS",
    "TABLE_COLUMNS",
    "DataFileError",
    "FSSResult",
    "GenerationConfig",
    "ModelSpec",
    "PeakResult",
    "PhaseClassifier",
    "PhaseData",
    "StoreConflict",
    "binder_crossing",
    "block_spins",
    "build_net",
    "dense_grid",
    "describe_net",
    "energy_configurations",
    "fit_gaussian_peak",
    "fit_split_peak",
    "fss_fit",
    "generate",
    "load",
    "output_curves",
    "parameter_count",
    "pca_projection",
    "prepare_inputs",
    "table_rows",
    "train_classifier",
    "write_table",
]
