#!/usr/bin/python3
"""Golden fixture for Loupe's BYOL (ssl/src/test/java/dev/loupe/ssl/byol/ByolTest.java).

BYOL (Grill et al. 2020) as the public PyTorch reproductions write it (lucidrains/byol-pytorch MLP and
loss_fn, solo-learn byol_loss_func): projector and predictor Linear-BN-ReLU-Linear, batch norm in training
mode, loss = mean(2 - 2 cos(p1, z2)) + mean(2 - 2 cos(p2, z1)) with the target projections z constant.
Float32, a tiny projector 6-10-5 and predictor 5-10-5. Writes ssl/src/test/resources/golden/byol.safetensors:
  projector.*, predictor.*   initial weights and buffers (nn.Sequential names 0.*, 1.*, 3.*)
  ya, yb                     (7, 6) online backbone features of the two views (inputs)
  ta, tb                     (7, 5) target projections of the two views (constants)
  loss                       the symmetrised loss
  grad_ya, grad_yb, grad.projector.*, grad.predictor.*   dloss / d inputs and every parameter
  tau                        BYOL's target momentum 1 - (1 - 0.99) (cos(pi k / K) + 1) / 2 at k 3, K 10
Run:  /usr/bin/python3 tools/golden/make_byol_fixture.py   (Debian python3-torch 1.13)
"""
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_writer import save  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "ssl", "src", "test", "resources",
                   "golden", "byol.safetensors")


def mlp(dim, projection_size, hidden_size):
    return nn.Sequential(nn.Linear(dim, hidden_size), nn.BatchNorm1d(hidden_size), nn.ReLU(inplace=True),
                         nn.Linear(hidden_size, projection_size))


def loss_fn(p, z):
    p = F.normalize(p, dim=-1, p=2)
    z = F.normalize(z, dim=-1, p=2)
    return (2 - 2 * (p * z).sum(dim=-1)).mean()


def npf(t):
    return t.detach().numpy().astype(np.float32)


def state(prefix, module):
    return {prefix + k: (v.numpy().astype(np.int64) if v.dtype == torch.int64 else npf(v)) for k, v in module.state_dict().items()}


def main():
    torch.manual_seed(41)
    projector, predictor = mlp(6, 5, 10), mlp(5, 5, 10)
    out = {}
    out.update(state("projector.", projector))
    out.update(state("predictor.", predictor))
    ya = torch.randn(7, 6).requires_grad_(True)
    yb = (ya.detach() + 0.4 * torch.randn(7, 6)).requires_grad_(True)
    ta, tb = torch.randn(7, 5), torch.randn(7, 5)
    p1, p2 = predictor(projector(ya)), predictor(projector(yb))
    loss = loss_fn(p1, tb) + loss_fn(p2, ta)
    loss.backward()
    out.update({"ya": npf(ya), "yb": npf(yb), "ta": npf(ta), "tb": npf(tb), "loss": npf(loss),
                "grad_ya": npf(ya.grad), "grad_yb": npf(yb.grad)})
    for prefix, module in (("projector.", projector), ("predictor.", predictor)):
        for name, p in module.named_parameters():
            out["grad." + prefix + name] = npf(p.grad)
    out["tau"] = np.array(1 - (1 - 0.99) * (math.cos(math.pi * 3 / 10) + 1) / 2, dtype=np.float64)
    save(OUT, out)
    print("wrote", OUT, "loss", loss.item())


if __name__ == "__main__":
    main()
