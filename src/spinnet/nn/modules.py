"""Modern Hopfield layers: ``Hopfield``, ``HopfieldPooling``, ``HopfieldLayer``.

Each layer projects its inputs to queries (state patterns), keys (stored
patterns) and values, runs :func:`spinnet.nn.functional.hopfield_retrieval` per
head and projects the heads back (Ramsauer et al., "Hopfield Networks is All
You Need", ICLR 2021, Sec. 3). Every layer can also return the Hopfield
energy of each state and the per-step retrieval trajectory, so retrieval can
be diagnosed (fixed point reached? energy decreasing? which patterns attended?).

Tensors are batch-first: ``(B, L, input_size)`` queries and ``(B, S,
stored_size)`` stored patterns; an unbatched ``(L, input_size)`` input gives an
unbatched output.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import torch
from torch import nn

from spinnet.nn.functional import hopfield_retrieval

__all__ = ["Hopfield", "HopfieldConfig", "HopfieldLayer", "HopfieldOutput", "HopfieldPooling"]


def _pos_int(value: Any, name: str, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an integer; got {value!r} ({type(value).__name__})")
    if value < 1:
        raise ValueError(f"{name} must be >= 1; got {value}")
    return value


@dataclass(frozen=True)
class HopfieldConfig:
    """Everything a Hopfield layer needs, in one validated object.

    Parameters
    ----------
    input_size : int
        Size of the query (state pattern) features.
    stored_size : int, optional
        Size of the stored-pattern features; defaults to ``input_size``.
    hidden_size : int, optional
        Per-head size of the association space (keys/queries); defaults to
        ``input_size // num_heads``.
    value_size : int, optional
        Per-head size of the projected values; defaults to ``hidden_size``.
    output_size : int, optional
        Size of the layer output; defaults to ``input_size``.
    num_heads : int
        Number of independent Hopfield heads.
    beta : float, optional
        Inverse temperature; defaults to ``1 / sqrt(hidden_size)`` (attention).
    n_steps : int
        Retrieval steps: ``n_steps - 1`` state updates then one read-out.
    bias : bool
        Biases in the projections.
    normalize : bool
        Layer-normalise queries and stored patterns before projecting them
        (as in the reference implementation of Ramsauer et al.).
    """

    input_size: int
    stored_size: int | None = None
    hidden_size: int | None = None
    value_size: int | None = None
    output_size: int | None = None
    num_heads: int = 1
    beta: float | None = None
    n_steps: int = 1
    bias: bool = True
    normalize: bool = False

    def __post_init__(self) -> None:
        _pos_int(self.input_size, "input_size")
        for name in ("stored_size", "hidden_size", "value_size", "output_size"):
            _pos_int(getattr(self, name), name, allow_none=True)
        _pos_int(self.num_heads, "num_heads")
        _pos_int(self.n_steps, "n_steps")
        if self.hidden_size is None and self.input_size // self.num_heads < 1:
            raise ValueError(f"input_size={self.input_size} is smaller than num_heads="
                             f"{self.num_heads}; give hidden_size explicitly")
        if self.beta is not None:
            if isinstance(self.beta, bool) or not isinstance(self.beta, int | float):
                raise TypeError(f"beta must be a real number; got {self.beta!r}")
            if not math.isfinite(self.beta) or self.beta <= 0:
                raise ValueError(f"beta must be a finite number > 0; got {self.beta}")

    # Resolved sizes -------------------------------------------------------------------
    @property
    def stored(self) -> int:
        return self.stored_size or self.input_size

    @property
    def hidden(self) -> int:
        return self.hidden_size or self.input_size // self.num_heads

    @property
    def value(self) -> int:
        return self.value_size or self.hidden

    @property
    def output(self) -> int:
        return self.output_size or self.input_size

    @property
    def scale(self) -> float:
        return float(self.beta) if self.beta is not None else 1.0 / math.sqrt(self.hidden)


@dataclass
class HopfieldOutput:
    """What a layer returns when asked for diagnostics.

    Attributes
    ----------
    output : Tensor, shape (B, L, output_size)
    energy : Tensor, shape (B, num_heads, L, n_steps + 1) or None
        Hopfield energy of the states ``ξ_0 .. ξ_{n_steps}`` per head.
    trajectory : Tensor, shape (n_steps + 1, B, num_heads, L, hidden) or None
        The states themselves (in each head's association space).
    attention : Tensor, shape (B, num_heads, L, S) or None
        Final softmax weights over the stored patterns.
    """

    output: torch.Tensor
    energy: torch.Tensor | None = None
    trajectory: torch.Tensor | None = None
    attention: torch.Tensor | None = None


def _config(config: HopfieldConfig | None, kwargs: dict[str, Any]) -> HopfieldConfig:
    if config is None:
        return HopfieldConfig(**kwargs)
    if not isinstance(config, HopfieldConfig):
        raise TypeError(f"config must be a HopfieldConfig; got {type(config).__name__}")
    return replace(config, **kwargs) if kwargs else config


class Hopfield(nn.Module):
    """Associative (attention) layer: retrieve from stored patterns given queries.

    ``out = W_O · concat_h softmax(β (W_Q^h R)(W_K^h Y)ᵀ) (W_V^h Y)`` for one step
    (Ramsauer et al. 2021, Eq. 10); more steps iterate the state in key space.

    Parameters
    ----------
    config : HopfieldConfig, optional
        Layer settings; keyword arguments override / replace it
        (``Hopfield(input_size=64, num_heads=4)``).
    device, dtype : optional
        Where and in which precision parameters live (CPU float32 default).
    **kwargs
        Fields of :class:`HopfieldConfig` (``input_size``, ``num_heads``,
        ``n_steps``, ...), overriding those of ``config``.

    Examples
    --------
    >>> import torch
    >>> layer = Hopfield(input_size=8, num_heads=2, n_steps=3)
    >>> x = torch.randn(4, 5, 8)
    >>> res = layer(x, return_energy=True)
    >>> res.output.shape, res.energy.shape
    (torch.Size([4, 5, 8]), torch.Size([4, 2, 5, 4]))
    """

    def __init__(self, config: HopfieldConfig | None = None, *, device: Any = None,
                 dtype: Any = None, **kwargs: Any) -> None:
        super().__init__()
        self.config = cfg = _config(config, kwargs)
        fk = {"device": device, "dtype": dtype}
        h = cfg.num_heads
        self.norm_query = nn.LayerNorm(cfg.input_size, **fk) if cfg.normalize else nn.Identity()
        self.norm_stored = nn.LayerNorm(cfg.stored, **fk) if cfg.normalize else nn.Identity()
        self.q_proj = nn.Linear(cfg.input_size, h * cfg.hidden, bias=cfg.bias, **fk)
        self.k_proj = nn.Linear(cfg.stored, h * cfg.hidden, bias=cfg.bias, **fk)
        self.v_proj = nn.Linear(cfg.stored, h * cfg.value, bias=cfg.bias, **fk)
        self.out_proj = nn.Linear(h * cfg.value, cfg.output, bias=cfg.bias, **fk)

    def _heads(self, x: torch.Tensor, size: int) -> torch.Tensor:
        b, n, _ = x.shape
        return x.view(b, n, self.config.num_heads, size).transpose(1, 2)

    def _retrieve(self, query: torch.Tensor, stored: torch.Tensor, values: torch.Tensor, *,
                  mask: torch.Tensor | None, return_energy: bool, return_trajectory: bool,
                  return_attention: bool) -> torch.Tensor | HopfieldOutput:
        cfg = self.config
        unbatched = query.ndim == 2
        if unbatched:
            query = query.unsqueeze(0)
            stored = stored.unsqueeze(0) if stored.ndim == 2 else stored
            values = values.unsqueeze(0) if values.ndim == 2 else values
        for t, name, size in ((query, "query", cfg.input_size), (stored, "stored", cfg.stored),
                              (values, "values", cfg.stored)):
            if t.ndim != 3:
                raise ValueError(f"{name} must have shape (B, n, {size}) or (n, {size}); "
                                 f"got {tuple(t.shape)}")
            if t.shape[-1] != size:
                raise ValueError(f"{name} must have {size} features (last axis); "
                                 f"got shape {tuple(t.shape)}")
        if stored.shape[1] == 0:
            raise ValueError("stored must hold at least one pattern (empty memory)")
        if values.shape[1] != stored.shape[1]:
            raise ValueError(f"values must have one row per stored pattern ({stored.shape[1]});"
                             f" got shape {tuple(values.shape)}")
        if mask is not None:
            if mask.dtype != torch.bool:
                raise TypeError(f"mask must be a boolean tensor (True = attend); got {mask.dtype}")
            if mask.ndim == 3:  # (B, L, S) -> broadcast over heads
                mask = mask.unsqueeze(1)
        q = self._heads(self.q_proj(self.norm_query(query)), cfg.hidden)
        k = self._heads(self.k_proj(self.norm_stored(stored)), cfg.hidden)
        v = self._heads(self.v_proj(self.norm_stored(values)), cfg.value)
        res = hopfield_retrieval(q, k, v, beta=cfg.scale, n_steps=cfg.n_steps, mask=mask,
                                 return_energy=return_energy,
                                 return_trajectory=return_trajectory,
                                 return_attention=return_attention)
        b, _, length, _ = res.output.shape
        out = self.out_proj(res.output.transpose(1, 2).reshape(b, length, -1))
        if unbatched:
            out = out.squeeze(0)
        if not (return_energy or return_trajectory or return_attention):
            return out
        return HopfieldOutput(out, res.energy, res.trajectory, res.attention)

    def forward(self, query: torch.Tensor, stored: torch.Tensor | None = None,
                values: torch.Tensor | None = None, *, mask: torch.Tensor | None = None,
                return_energy: bool = False, return_trajectory: bool = False,
                return_attention: bool = False) -> torch.Tensor | HopfieldOutput:
        """Retrieve from ``stored`` (default: ``query`` itself, i.e. self-attention).

        Parameters
        ----------
        query : Tensor, shape (B, L, input_size) or (L, input_size)
        stored : Tensor, shape (B, S, stored_size), optional
        values : Tensor, shape (B, S, stored_size), optional
            Projected to the values; defaults to ``stored``.
        mask : Tensor of bool, shape (L, S) or (B, L, S), optional
            ``True`` where a stored pattern may be attended.
        return_energy, return_trajectory, return_attention : bool
            Return a :class:`HopfieldOutput` with these diagnostics.

        Returns
        -------
        Tensor of shape (B, L, output_size), or HopfieldOutput
        """
        stored = query if stored is None else stored
        values = stored if values is None else values
        return self._retrieve(query, stored, values, mask=mask, return_energy=return_energy,
                              return_trajectory=return_trajectory,
                              return_attention=return_attention)


class HopfieldPooling(Hopfield):
    """Pool a set of stored patterns with learned state patterns (queries).

    ``n_queries`` trainable query vectors retrieve from the input set: the
    output has shape ``(B, n_queries, output_size)`` whatever the set size
    (Ramsauer et al. 2021, Sec. 3, layer "HopfieldPooling").

    Parameters
    ----------
    config : HopfieldConfig, optional
        ``input_size`` is the size of the learned queries, ``stored_size`` that
        of the pooled inputs.
    n_queries : int, default 1
        Number of learned state patterns.
    device, dtype : optional
        Where and in which precision parameters live (CPU float32 default).
    **kwargs
        Fields of :class:`HopfieldConfig`, overriding those of ``config``.
    """

    def __init__(self, config: HopfieldConfig | None = None, *, n_queries: int = 1,
                 device: Any = None, dtype: Any = None, **kwargs: Any) -> None:
        super().__init__(config, device=device, dtype=dtype, **kwargs)
        n_queries = _pos_int(n_queries, "n_queries")
        self.query = nn.Parameter(torch.empty(n_queries, self.config.input_size, device=device,
                                              dtype=dtype))
        nn.init.normal_(self.query, std=1.0 / math.sqrt(self.config.input_size))

    def forward(self, stored: torch.Tensor, values: torch.Tensor | None = None, *,  # type: ignore[override]
                mask: torch.Tensor | None = None, return_energy: bool = False,
                return_trajectory: bool = False,
                return_attention: bool = False) -> torch.Tensor | HopfieldOutput:
        """Pool ``stored`` (B, S, stored_size) or (S, stored_size) into (B, n_queries, out)."""
        if stored.ndim not in (2, 3):
            raise ValueError(f"stored must have shape (B, S, {self.config.stored}) or "
                             f"(S, {self.config.stored}); got {tuple(stored.shape)}")
        query = self.query if stored.ndim == 2 else self.query.expand(stored.shape[0], -1, -1)
        values = stored if values is None else values
        return self._retrieve(query, stored, values, mask=mask, return_energy=return_energy,
                              return_trajectory=return_trajectory,
                              return_attention=return_attention)


class HopfieldLayer(Hopfield):
    """Retrieve from ``n_patterns`` learned stored patterns (a trainable memory).

    The stored patterns are parameters (shape ``(n_patterns, stored_size)``),
    shared across the batch; they serve as keys and values (Ramsauer et al.
    2021, Sec. 3, layer "HopfieldLayer", like a learned lookup table).

    Parameters
    ----------
    config : HopfieldConfig, optional
        Layer settings (as in :class:`Hopfield`); ``stored_size`` is the size of
        the learned patterns.
    n_patterns : int, default 16
        Number of learned stored patterns.
    device, dtype : optional
        Where and in which precision parameters live (CPU float32 default).
    **kwargs
        Fields of :class:`HopfieldConfig`, overriding those of ``config``.
    """

    def __init__(self, config: HopfieldConfig | None = None, *, n_patterns: int = 16,
                 device: Any = None, dtype: Any = None, **kwargs: Any) -> None:
        super().__init__(config, device=device, dtype=dtype, **kwargs)
        n_patterns = _pos_int(n_patterns, "n_patterns")
        self.patterns = nn.Parameter(torch.empty(n_patterns, self.config.stored, device=device,
                                                 dtype=dtype))
        nn.init.normal_(self.patterns, std=1.0 / math.sqrt(self.config.stored))

    def forward(self, query: torch.Tensor, *, mask: torch.Tensor | None = None,  # type: ignore[override]
                return_energy: bool = False, return_trajectory: bool = False,
                return_attention: bool = False) -> torch.Tensor | HopfieldOutput:
        """Retrieve from the learned patterns; ``query`` (B, L, input_size) or (L, input_size)."""
        if query.ndim == 3:
            stored = self.patterns.expand(query.shape[0], -1, -1)
        else:
            stored = self.patterns
        return self._retrieve(query, stored, stored, mask=mask, return_energy=return_energy,
                              return_trajectory=return_trajectory,
                              return_attention=return_attention)
