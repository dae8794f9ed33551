"""``/ws/memory``: a Hopfield associative memory of drawn, loaded or random images.

Storage is :class:`spinnet.hopfield.HopfieldNetwork` (Hebb, pseudo-inverse or
Storkey rule), corruption :func:`spinnet.spins.flip` and
:func:`spinnet.spins.occlude`, recall the network's own async / sync / Glauber
dynamics, run one sweep at a time so that every sweep can be drawn.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from spinnet.lab.codec import decode_bits, encode_bits
from spinnet.lab.session import CommandError, Session, run_in_thread

__all__ = ["MemorySession", "check_storage_cost"]

#: Sweeps per library call in ``probe`` (the granularity of stopping).
PROBE_CHUNK = 10
#: Work limits of one storage (p N^2 multiply-adds): the learning rules' cost, so that
#: no request ties a worker up for minutes (Storkey's sequential rule is ~20x dearer).
STORAGE_BUDGET = {"hebbian": 2**35, "pseudo_inverse": 2**34, "storkey": 2**30}


def check_storage_cost(p: int, N: int, rule: str, field: str) -> None:
    """Refuse to store ``p`` patterns of ``N`` spins with ``rule`` beyond its work budget.

    Parameters
    ----------
    p : int
        Number of patterns.
    N : int
        Number of spins.
    rule : str
        Learning rule, a key of ``STORAGE_BUDGET`` (the pseudo-inverse also
        costs ``p³``).
    field : str
        Message field named in the error.

    Raises
    ------
    CommandError
        Naming ``field`` and the largest ``p`` allowed at this ``N``.
    """
    cost = p * N * N + (p**3 if rule == "pseudo_inverse" else 0)
    if cost > STORAGE_BUDGET[rule]:
        p_max = STORAGE_BUDGET[rule] // (N * N)
        raise CommandError(field, f"{p} patterns of N = {N} spins with the {rule} rule is too "
                                  f"much work for the lab; at most about {p_max} at this N")


class MemorySession(Session):
    """Canvas size, stored patterns and the network built from them.

    Parameters
    ----------
    *args, **kwargs
        Those of :class:`~spinnet.lab.session.Session` (``websocket``,
        ``frame_interval``).
    """

    panel = "memory"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.height = self.width = 32
        self.patterns = np.zeros((0, 32 * 32), dtype=np.int8)
        self.net = None

    @property
    def N(self) -> int:
        return self.height * self.width

    def _load(self) -> dict[str, Any]:
        p = int(self.patterns.shape[0])
        return {"p": p, "N": self.N, "alpha": p / self.N}

    def _fit(self, patterns: np.ndarray, rule: str) -> None:
        from spinnet.hopfield import HopfieldNetwork

        if patterns.shape[0] == 0:
            net = None
        elif self.net is not None and self.net.rule == rule and patterns.shape[0] > \
                self.patterns.shape[0] and np.array_equal(
                    patterns[: self.patterns.shape[0]], self.patterns):
            net = self.net.partial_fit(patterns[self.patterns.shape[0]:])
        else:
            net = HopfieldNetwork(rule=rule).fit(patterns)
        self.net, self.patterns = net, patterns

    def _state(self, payload: Any, field: str = "state") -> np.ndarray:
        return decode_bits(payload.model_dump(), (self.height, self.width), field=field)

    async def cmd_configure(self, msg: Any) -> dict[str, Any]:
        self.height, self.width = msg.height, msg.width
        self.patterns = np.zeros((0, self.N), dtype=np.int8)
        self.net = None
        return {"N": self.N, "height": self.height, "width": self.width}

    async def cmd_store(self, msg: Any) -> dict[str, Any]:
        new = self._state(msg.patterns, "patterns").reshape(-1, self.N)
        if self.patterns.shape[0] + new.shape[0] > self.N:
            raise CommandError("patterns", f"at most N = {self.N} patterns can be stored; "
                                           f"{self.patterns.shape[0]} are stored already")
        allp = np.concatenate([self.patterns, new])
        check_storage_cost(allp.shape[0], self.N, msg.rule, "patterns")
        await run_in_thread(self._fit, allp, msg.rule)
        return self._load()

    async def cmd_fill(self, msg: Any) -> dict[str, Any]:
        from spinnet.spins import random_patterns

        p = round(msg.alpha * self.N)
        check_storage_cost(p, self.N, msg.rule, "alpha")

        def work() -> None:
            xi = (random_patterns(p, self.N, rng=msg.seed) if p else
                  np.zeros((0, self.N), dtype=np.int8))
            self.net = None
            self._fit(xi, msg.rule)

        await run_in_thread(work)
        return self._load()

    async def cmd_clear(self, msg: Any) -> dict[str, Any]:
        self.patterns = np.zeros((0, self.N), dtype=np.int8)
        self.net = None
        return self._load()

    async def cmd_corrupt(self, msg: Any) -> dict[str, Any]:
        from spinnet.spins import flip, occlude

        s = self._state(msg.state)
        if s.ndim != 2:
            raise CommandError("state", f"state must have shape [{self.height}, {self.width}]")
        out = flip(s.reshape(-1), msg.flip, rng=msg.seed)
        rows = round(msg.occlude * self.height)
        if rows:
            out = occlude(out, (self.height, self.width),
                          box=(self.height - rows, self.height, 0, self.width), fill=-1)
        return {"state": encode_bits(out.reshape(self.height, self.width))}

    def _need_patterns(self) -> None:
        if self.net is None:
            raise CommandError("patterns", "no patterns are stored; send 'store' or 'fill' "
                                           "first")

    def _frame(self, sweep: int, s: np.ndarray) -> dict[str, Any]:
        return {"type": "frame", "sweep": sweep,
                "state": encode_bits(s.reshape(self.height, self.width)),
                "energy": float(self.net.energy(s)) / self.N,
                "overlaps": [float(m) for m in self.net.overlaps(s)]}

    async def cmd_recall(self, msg: Any) -> None:
        self._need_patterns()
        s0 = self._state(msg.state)
        if s0.ndim != 2:
            raise CommandError("state", f"state must have shape [{self.height}, {self.width}]")
        net = self.net
        dynamics = msg.dynamics
        T = msg.T if dynamics == "glauber" else 0.0
        if dynamics == "glauber" and T == 0.0:
            dynamics = "async"  # Glauber at T = 0 is the zero-temperature async rule

        def job() -> dict[str, Any]:
            gen = np.random.default_rng(msg.seed)
            s = s0.reshape(-1).astype(np.int8)
            prev = None
            frame = self._frame(0, s)
            self.emit(frame)
            converged = False
            sweep = 0
            while sweep < msg.max_sweeps and not self.cancelled.is_set():
                t0 = time.monotonic()
                new = net.recall(s, dynamics=dynamics, temperature=T, max_sweeps=1, rng=gen)
                sweep += 1
                if dynamics != "glauber" and np.array_equal(new, s):
                    converged = True  # a sweep without a flip: a fixed point
                cycle = dynamics == "sync" and prev is not None and np.array_equal(new, prev)
                prev, s = s, new
                if converged:
                    break
                frame = self._frame(sweep, s)
                self.emit(frame)
                if cycle:
                    break
                self.pace(t0)
            overlaps = frame["overlaps"]
            return {"sweeps": sweep, "energy": frame["energy"], "overlaps": overlaps,
                    "converged": converged, "best": int(np.argmax(overlaps)),
                    "state": frame["state"]}

        await self.start_job("recall", job)

    async def cmd_probe(self, msg: Any) -> None:
        self._need_patterns()
        net, xi = self.net, self.patterns
        dynamics = msg.dynamics
        T = msg.T if dynamics == "glauber" else 0.0
        if dynamics == "glauber" and T == 0.0:
            dynamics = "async"

        def job() -> dict[str, Any]:
            from spinnet.spins import flip

            gen = np.random.default_rng(msg.seed)
            p = xi.shape[0]
            idx = np.sort(gen.choice(p, size=min(p, 64), replace=False))
            probes = flip(xi[idx], msg.noise, rng=gen)
            final = probes.copy()
            for b in range(len(idx)):
                # One chain, at most PROBE_CHUNK sweeps per call: the GIL is free and the
                # stop flag is checked in between (Numba kernels hold the GIL).
                s, left = probes[b], msg.max_sweeps
                while left > 0 and not self.cancelled.is_set():
                    n = min(PROBE_CHUNK, left)
                    new = net.recall(s, dynamics=dynamics, temperature=T, max_sweeps=n,
                                     rng=gen)
                    left -= n
                    if dynamics != "glauber" and np.array_equal(new, s):
                        break          # a fixed point (reached in the previous call)
                    s = new
                final[b] = s
            m = np.einsum("bi,bi->b", final.astype(np.float64), xi[idx]) / self.N
            return {"mean_overlap": float(m.mean()), "overlaps": [float(v) for v in m],
                    "patterns": [int(i) for i in idx], **self._load()}

        await self.start_job("probe", job)

    def free(self) -> None:
        super().free()
        self.net = None
        self.patterns = np.zeros((0, 0), dtype=np.int8)
