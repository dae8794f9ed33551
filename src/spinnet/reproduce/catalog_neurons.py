"""Claims about trained neurons: backprop's gradients and forward-forward on MNIST.

Registered on import (by :mod:`spinnet.reproduce.catalog`); both need torch:

* ``neurons.backprop-equals-autodiff`` -- the chain-rule gradients of spinnet's
  NumPy MLP equal torch's automatic differentiation;
* ``learning.forward-forward-vs-backprop`` -- the MNIST test error of forward-forward
  against a same-size backprop network (quick and full only: MNIST, minutes).
"""

from __future__ import annotations

import math
import tempfile
from typing import Any

import numpy as np

from spinnet.reproduce.core import Claim, Measurement, Tolerance, register

__all__: list[str] = []


def _pick(preset: str, smoke: Any, quick: Any, full: Any) -> Any:
    return {"smoke": smoke, "quick": quick, "full": full}[preset]


# ----------------------------------------------------------------------------- backprop
def _backprop(preset: str, rng: np.random.Generator) -> Measurement:
    import torch

    from spinnet.neurons.mlp import MLP

    sizes, batch = _pick(preset, ([20, 16, 12, 5], 32), ([64, 64, 32, 10], 128),
                         ([784, 256, 128, 10], 256))
    worst, scale = 0.0, 0.0
    acts = ("relu", "tanh", "sigmoid")
    for activation in acts:
        net = MLP(sizes, activation=activation, rng=rng)
        for b in net.biases:      # biases off zero, so that every term of the chain matters
            b += rng.standard_normal(b.shape)
        x = rng.standard_normal((batch, sizes[0]))
        y = rng.integers(0, sizes[-1], batch)
        _, gw, gb = net.loss_and_gradients(x, y, weight_decay=0.01)
        ws = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in net.weights]
        bs = [torch.tensor(b, dtype=torch.float64, requires_grad=True) for b in net.biases]
        f = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}[activation]
        h = torch.tensor(x, dtype=torch.float64)
        for i, (w, b) in enumerate(zip(ws, bs, strict=True)):
            h = h @ w + b
            if i < len(ws) - 1:
                h = f(h)
        loss = torch.nn.functional.cross_entropy(h, torch.tensor(y))
        loss = loss + 0.005 * sum((w * w).sum() for w in ws)
        loss.backward()
        for a, t in zip(gw + gb, [w.grad.numpy() for w in ws] + [b.grad.numpy() for b in bs],
                        strict=True):
            worst = max(worst, float(np.max(np.abs(a - t))))
            scale = max(scale, float(np.max(np.abs(t))))
    return Measurement(
        worst / scale, 0.0,
        f"MLP {'-'.join(map(str, sizes))}, {', '.join(acts)}, batch {batch}, cross-entropy + "
        f"L2 (λ = 0.01), float64: largest |chain rule − autograd| over all weights and "
        f"biases, relative to the largest gradient ({scale:.3g})")


register(Claim(
    id="neurons.backprop-equals-autodiff", topic="neurons",
    statement="Backpropagation is the chain rule: spinnet's hand-written backward pass "
              "gives the gradients of automatic differentiation to round-off (largest "
              "relative difference).",
    reference=0.0, reference_err=0.0,
    source="Rumelhart, Hinton & Williams, Nature 323, 533 (1986), eqs. 13-16; torch autograd",
    tolerance=Tolerance("at_most", 1e-12), measure=_backprop, requires=("torch",)))


# ----------------------------------------------------------------------------- forward-forward
def _forward_forward(preset: str, rng: np.random.Generator) -> Measurement:
    from spinnet.experiments.neurons import BASELINE, FORWARD_FORWARD, mlp_train

    epochs = _pick(preset, 2, 10, 30)
    with tempfile.TemporaryDirectory(prefix="spinnet-reproduce-") as tmp:
        res = mlp_train(tmp, method="forward-forward", data="mnist", epochs=epochs,
                        baseline=True, seed=int(rng.integers(0, 2**31 - 1)))
    acc = {r["algorithm"]: float(r["test_accuracy"]) for r in res["final"]}
    n_test = len(res["split"].y_test)
    e_ff, e_bp = 1.0 - acc[FORWARD_FORWARD], 1.0 - acc[BASELINE]
    gap = 100.0 * (e_ff - e_bp)
    err = 100.0 * math.sqrt(e_ff * (1 - e_ff) / n_test + e_bp * (1 - e_bp) / n_test)
    arch = str(res.get("architecture", ""))
    return Measurement(
        gap, err,
        f"MNIST split of the t10k set ({len(res['split'].y_train)} train / {n_test} test), "
        f"forward-forward {arch} (label in the first 10 pixels, random negatives, Adam 1e-3, "
        f"batch 100) and the same hidden stack + softmax trained by backprop, {epochs} "
        f"epochs each: test error {100 * e_ff:.2f} % vs {100 * e_bp:.2f} %; error = "
        f"binomial errors of the two test errors in quadrature. Hinton's networks are "
        f"larger (4 × 2000 ReLUs), trained on 60 000 images for 60 epochs",
        {"figure": "forward-forward vs backprop (MNIST)", "x_points": [0.0, 1.0],
         "points": [100 * e_ff, 100 * e_bp], "xlabel": "0: forward-forward, 1: backprop",
         "ylabel": "test error (%)"})


register(Claim(
    id="learning.forward-forward-vs-backprop", topic="learning",
    statement="Forward-forward learning reaches the MNIST test error of backpropagation "
              "(test error of forward-forward minus that of backprop, in percentage points: "
              "1.36 % vs about 1.4 %).",
    reference=-0.04, reference_err=0.05,
    source="Hinton, 'The forward-forward algorithm', arXiv:2212.13345 (2022), §3.2 "
           "(1.36 % after 60 epochs) and §3 (backprop: about 1.4 %)",
    tolerance=Tolerance("sigma", 3.0), measure=_forward_forward, presets=("quick", "full"),
    requires=("torch", "mnist")))
