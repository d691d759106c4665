#!/usr/bin/python3
"""Golden fixture for Loupe's optimiser tests (nn/src/test/java/dev/loupe/nn/optim/OptimGoldenTest.java).

Writes nn/src/test/resources/golden/optim_steps.safetensors holding, for dtype D in {f32, f64}:
  D.init.<p>, D.grad<k>.<p>         initial values and the gradient given at step k (k = 1, 2, 3) of
                                    parameters w (3, 4), b (4), n (2, 3) and z (2, 2)
  D.sgd_nesterov.step<k>.<p>        torch.optim.SGD(lr 0.1, momentum 0.9, nesterov, weight decay 0.01)
  D.sgd_momentum.step<k>.<p>        torch.optim.SGD(lr 0.1, momentum 0.9, weight decay 0.01)
  D.lars.step<k>.<p>                LARS (MoCo v3 / MAE util/lars.py semantics, written out below) with
                                    lr 0.5, momentum 0.9, trust coefficient 0.001; groups: "decay"
                                    {w, b, z} with weight decay 0.05, "no_decay" {n} with none
  sched.lr, sched.wd, sched.momentum DINO's cosine_scheduler (numpy, same formulas as dino/utils.py)
                                    for lr 5e-4 -> 1e-6 over 5 epochs x 7 iterations with 2 warm-up
                                    epochs from 0; weight decay 0.04 -> 0.4; teacher momentum 0.996 -> 1
Parameter z starts at zero (LARS takes its trust ratio of 1 at step 1: ||p|| = 0), and its gradient
is zero at step 3 with a non-zero weight; n's gradient is zero at step 2 (no-decay group, so the
update norm is 0 and the ratio is 1).
Run:  /usr/bin/python3 tools/golden/make_optim_fixture.py   (Debian python3-torch 1.13)
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_writer import save  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "nn", "src", "test", "resources",
                   "golden", "optim_steps.safetensors")
SHAPES = {"w": (3, 4), "b": (4,), "n": (2, 3), "z": (2, 2)}
STEPS = 3


def make_data(gen):
    init = {k: torch.randn(s, generator=gen, dtype=torch.float64) for k, s in SHAPES.items()}
    init["z"].zero_()
    grads = [{k: torch.randn(s, generator=gen, dtype=torch.float64) for k, s in SHAPES.items()} for _ in range(STEPS)]
    grads[1]["n"].zero_()
    grads[2]["z"].zero_()
    return init, grads


def run_sgd(init, grads, dtype, nesterov):
    params = {k: torch.nn.Parameter(v.to(dtype).clone()) for k, v in init.items()}
    opt = torch.optim.SGD(params.values(), lr=0.1, momentum=0.9, nesterov=nesterov, weight_decay=0.01)
    out = []
    for g in grads:
        for k, p in params.items():
            p.grad = g[k].to(dtype).clone()
        opt.step()
        out.append({k: p.detach().clone() for k, p in params.items()})
    return out


@torch.no_grad()
def run_lars(init, grads, dtype, lr=0.5, momentum=0.9, trust=0.001):
    """LARS: for ndim > 1, dp = g + wd p, scaled by trust ||p|| / ||dp|| when both norms are > 0."""
    groups = [({"w", "b", "z"}, 0.05), ({"n"}, 0.0)]
    params = {k: v.to(dtype).clone() for k, v in init.items()}
    mu = {k: torch.zeros_like(v) for k, v in params.items()}
    out = []
    for g in grads:
        for names, wd in groups:
            for k in SHAPES:
                if k not in names:
                    continue
                p, dp = params[k], g[k].to(dtype)
                if p.ndim > 1:
                    dp = dp.add(p, alpha=wd)
                    pn, un = torch.norm(p), torch.norm(dp)
                    one = torch.ones_like(pn)
                    q = torch.where(pn > 0., torch.where(un > 0, trust * pn / un, one), one)
                    dp = dp.mul(q)
                mu[k].mul_(momentum).add_(dp)
                p.add_(mu[k], alpha=-lr)
        out.append({k: p.clone() for k, p in params.items()})
    return out


def cosine_scheduler(base_value, final_value, epochs, niter_per_ep, warmup_epochs=0, start_warmup_value=0):
    """DINO's schedule: linspace warm-up (endpoint included), then a half cosine over the rest."""
    warmup_schedule = np.array([])
    warmup_iters = warmup_epochs * niter_per_ep
    if warmup_epochs > 0:
        warmup_schedule = np.linspace(start_warmup_value, base_value, warmup_iters)
    iters = np.arange(epochs * niter_per_ep - warmup_iters)
    schedule = final_value + 0.5 * (base_value - final_value) * (1 + np.cos(np.pi * iters / len(iters)))
    schedule = np.concatenate((warmup_schedule, schedule))
    assert len(schedule) == epochs * niter_per_ep
    return schedule


def main():
    gen = torch.Generator().manual_seed(20240607)
    init, grads = make_data(gen)
    tensors = {}
    for tag, dtype in (("f32", torch.float32), ("f64", torch.float64)):
        for k, v in init.items():
            tensors[f"{tag}.init.{k}"] = v.to(dtype).numpy()
        for i, g in enumerate(grads):
            for k, v in g.items():
                tensors[f"{tag}.grad{i + 1}.{k}"] = v.to(dtype).numpy()
        runs = {"sgd_nesterov": run_sgd(init, grads, dtype, True), "sgd_momentum": run_sgd(init, grads, dtype, False),
                "lars": run_lars(init, grads, dtype)}
        for name, steps in runs.items():
            for i, state in enumerate(steps):
                for k, v in state.items():
                    tensors[f"{tag}.{name}.step{i + 1}.{k}"] = v.numpy()
    tensors["sched.lr"] = cosine_scheduler(5e-4, 1e-6, 5, 7, warmup_epochs=2, start_warmup_value=0)
    tensors["sched.wd"] = cosine_scheduler(0.04, 0.4, 5, 7)
    tensors["sched.momentum"] = cosine_scheduler(0.996, 1, 5, 7)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    save(OUT, tensors, {"script": "tools/golden/make_optim_fixture.py", "torch": torch.__version__})
    print("wrote", os.path.normpath(OUT), len(tensors), "tensors")


if __name__ == "__main__":
    main()
