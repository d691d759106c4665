#!/usr/bin/python3
"""Golden fixture for Loupe's MoCo v3 (ssl/src/test/java/dev/loupe/ssl/moco/MocoTest.java).

MoCo v3 (Chen, Xie, He 2021) as its reference writes the heads and the loss (facebookresearch/moco-v3,
moco/builder.py: _build_mlp and ctr_loss): Linear without bias, BatchNorm1d and ReLU between layers, the last
Linear followed by BatchNorm1d without affine; loss = CE(normalize(q) normalize(k)^T / T, arange) x 2T for
(q1, k2) plus (q2, k1), the keys constant. Batch norm in training mode, float32, T 0.2, a tiny 3-layer projector
6-10-10-5 and 2-layer predictor 5-10-5. Writes ssl/src/test/resources/golden/moco.safetensors:
  projector.*, predictor.*   initial weights and buffers (nn.Sequential names 0.*, 1.*, 3.*, 4.*, 6.*, 7.*)
  ya, yb                     (7, 6) base backbone features of the two views (inputs)
  ka, kb                     (7, 5) momentum-encoder keys of the two views (constants)
  loss                       the symmetrised loss
  grad_ya, grad_yb, grad.projector.*, grad.predictor.*   dloss / d inputs and every parameter
  momentum                   1 - (1 - 0.99) (cos(pi k / K) + 1) / 2 at k 3, K 10 (the reference's cosine)
Run:  /usr/bin/python3 tools/golden/make_moco_fixture.py   (Debian python3-torch 1.13)
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
                   "golden", "moco.safetensors")
T = 0.2


def mlp(layers, dim_in, hidden, dim_out):
    parts = []
    for i in range(layers):
        a = dim_in if i == 0 else hidden
        b = dim_out if i == layers - 1 else hidden
        parts.append(nn.Linear(a, b, bias=False))
        if i < layers - 1:
            parts += [nn.BatchNorm1d(b), nn.ReLU(inplace=True)]
        else:
            parts.append(nn.BatchNorm1d(b, affine=False))
    return nn.Sequential(*parts)


def contrast(q, k):
    q, k = F.normalize(q, dim=1), F.normalize(k, dim=1)
    logits = q @ k.t() / T
    return F.cross_entropy(logits, torch.arange(q.shape[0])) * (2 * T)


def npf(t):
    return t.detach().numpy().astype(np.float32)


def state(prefix, module):
    return {prefix + k: (v.numpy().astype(np.int64) if v.dtype == torch.int64 else npf(v))
            for k, v in module.state_dict().items()}


def main():
    torch.manual_seed(43)
    projector, predictor = mlp(3, 6, 10, 5), mlp(2, 5, 10, 5)
    out = {}
    out.update(state("projector.", projector))
    out.update(state("predictor.", predictor))
    ya = torch.randn(7, 6).requires_grad_(True)
    yb = (ya.detach() + 0.4 * torch.randn(7, 6)).requires_grad_(True)
    ka, kb = torch.randn(7, 5), torch.randn(7, 5)
    q1, q2 = predictor(projector(ya)), predictor(projector(yb))
    loss = contrast(q1, kb) + contrast(q2, ka)
    loss.backward()
    out.update({"ya": npf(ya), "yb": npf(yb), "ka": npf(ka), "kb": npf(kb), "loss": npf(loss),
                "grad_ya": npf(ya.grad), "grad_yb": npf(yb.grad)})
    for prefix, module in (("projector.", projector), ("predictor.", predictor)):
        for name, p in module.named_parameters():
            out["grad." + prefix + name] = npf(p.grad)
    out["momentum"] = np.array(1 - (1 - 0.99) * (math.cos(math.pi * 3 / 10) + 1) / 2, dtype=np.float64)
    save(OUT, out)
    print("wrote", OUT, "loss", loss.item())


if __name__ == "__main__":
    main()
