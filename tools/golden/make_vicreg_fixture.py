#!/usr/bin/python3
"""Golden fixture for Loupe's VICReg (ssl/src/test/java/dev/loupe/ssl/vicreg/VicRegTest.java).

Reproduces facebookresearch/vicreg main_vicreg.py (Projector and VICReg.forward, one process) in torch,
float32, with a tiny expander "6-10-10-8": Linear(6, 10)-BN-ReLU-Linear(10, 10)-BN-ReLU-Linear(10, 8, no bias),
batch norm in training mode, each view through it separately. Writes ssl/src/test/resources/golden/vicreg.safetensors:
  projector.*              the expander's initial weights and buffers (nn.Sequential names 0.*, 1.*, 3.*, 4.*, 6.weight)
  ya, yb                   (7, 6) backbone features of the two views (the inputs)
  loss, invariance, variance, covariance   the weighted loss (25 / 25 / 1) and its unweighted terms
  grad_ya, grad_yb         dloss / d inputs
  grad.*                   dloss / d every expander parameter
  after.*                  the batch-norm running statistics after the two forward passes
Run:  /usr/bin/python3 tools/golden/make_vicreg_fixture.py   (Debian python3-torch 1.13)
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_writer import save  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "ssl", "src", "test", "resources",
                   "golden", "vicreg.safetensors")


def projector(embedding, mlp):
    f = [embedding] + list(map(int, mlp.split("-")))
    layers = []
    for i in range(len(f) - 2):
        layers.append(nn.Linear(f[i], f[i + 1]))
        layers.append(nn.BatchNorm1d(f[i + 1]))
        layers.append(nn.ReLU(True))
    layers.append(nn.Linear(f[-2], f[-1], bias=False))
    return nn.Sequential(*layers)


def off_diagonal(x):
    n, m = x.shape
    return x.flatten()[:-1].view(n - 1, n + 1)[:, 1:].flatten()


def vicreg(x, y, sim_coeff=25.0, std_coeff=25.0, cov_coeff=1.0):
    batch_size, num_features = x.shape
    repr_loss = F.mse_loss(x, y)
    x = x - x.mean(dim=0)
    y = y - y.mean(dim=0)
    std_x = torch.sqrt(x.var(dim=0) + 0.0001)
    std_y = torch.sqrt(y.var(dim=0) + 0.0001)
    std_loss = torch.mean(F.relu(1 - std_x)) / 2 + torch.mean(F.relu(1 - std_y)) / 2
    cov_x = (x.T @ x) / (batch_size - 1)
    cov_y = (y.T @ y) / (batch_size - 1)
    cov_loss = off_diagonal(cov_x).pow_(2).sum().div(num_features) + off_diagonal(cov_y).pow_(2).sum().div(num_features)
    loss = sim_coeff * repr_loss + std_coeff * std_loss + cov_coeff * cov_loss
    return loss, repr_loss, std_loss, cov_loss


def npf(t):
    return t.detach().numpy().astype(np.float32)


def main():
    torch.manual_seed(31)
    proj = projector(6, "10-10-8")
    out = {"projector." + k: (v.numpy().astype(np.int64) if v.dtype == torch.int64 else npf(v))
           for k, v in proj.state_dict().items()}
    # the views are near each other, with unequal column scales so that some std hinges are active and some are not
    ya = (torch.randn(7, 6) * torch.linspace(0.2, 2.0, 6)).requires_grad_(True)
    yb = (ya.detach() + 0.3 * torch.randn(7, 6)).requires_grad_(True)
    loss, inv, var, cov = vicreg(proj(ya), proj(yb))
    loss.backward()
    out.update({"ya": npf(ya), "yb": npf(yb), "loss": npf(loss), "invariance": npf(inv), "variance": npf(var),
                "covariance": npf(cov), "grad_ya": npf(ya.grad), "grad_yb": npf(yb.grad)})
    for name, p in proj.named_parameters():
        out["grad." + name] = npf(p.grad)
    for k, v in proj.state_dict().items():
        if "running" in k:
            out["after." + k] = npf(v)
    save(OUT, out)
    print("wrote", OUT, "loss", loss.item(), "terms", inv.item(), var.item(), cov.item())


if __name__ == "__main__":
    main()
