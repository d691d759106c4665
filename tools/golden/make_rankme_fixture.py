#!/usr/bin/python3
"""Golden fixture for Loupe's collapse diagnostics (eval/src/test/java/dev/loupe/eval/collapse/RankMeTest.java).

Writes eval/src/test/resources/golden/rankme.safetensors holding:
  eig.a7, eig.a40   symmetric float64 matrices (7, 7) and (40, 40) (random, indefinite);
  eig.low30         a rank-4 float64 (30, 30) Gram matrix B B^T, B (30, 4);
  eig.*_values      their eigenvalues from numpy.linalg.eigvalsh, largest first (float64).
  rankme.{tall,wide,low}        float32 embeddings: tall (50, 12) with per-column scales, wide (6, 20),
                                low (40, 16) of rank 3;
  rankme.{tall,wide,low}_sigma  their singular values, torch.linalg.svdvals in float64, largest first;
  rankme.{tall,wide,low}_value  RankMe (Garrido et al. 2023): p = sigma / sum(sigma) + 1e-7,
                                exp(-sum p log p), float64 scalars.
Run:  /usr/bin/python3 tools/golden/make_rankme_fixture.py   (Debian python3-torch 1.13)
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_writer import save  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "eval", "src", "test", "resources",
                   "golden", "rankme.safetensors")


def rankme(sigma, eps=1e-7):
    p = sigma / sigma.sum() + eps
    return torch.exp(-(p * torch.log(p)).sum())


def main():
    rng = np.random.default_rng(23)
    out = {}
    for n in (7, 40):
        a = rng.standard_normal((n, n))
        a = (a + a.T) / 2
        out["eig.a%d" % n] = a
        out["eig.a%d_values" % n] = np.linalg.eigvalsh(a)[::-1].copy()
    b = rng.standard_normal((30, 4))
    low = b @ b.T
    out["eig.low30"] = low
    out["eig.low30_values"] = np.linalg.eigvalsh(low)[::-1].copy()

    gen = torch.Generator().manual_seed(5)
    embeddings = {
        "tall": torch.randn(50, 12, generator=gen) * torch.linspace(0.1, 3.0, 12),
        "wide": torch.randn(6, 20, generator=gen),
        "low": torch.randn(40, 3, generator=gen) @ torch.randn(3, 16, generator=gen),
    }
    for name, z in embeddings.items():
        sigma = torch.linalg.svdvals(z.double())
        out["rankme." + name] = z.numpy().astype(np.float32)
        out["rankme.%s_sigma" % name] = sigma.numpy()
        out["rankme.%s_value" % name] = np.array(rankme(sigma).item(), dtype=np.float64)
    save(OUT, out)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
