#!/usr/bin/python3
"""Golden fixture for Loupe's whole-model test (nn/src/test/java/dev/loupe/nn/VitGoldenTest.java).

Builds a small timm-style ViT in PyTorch (dim 48, depth 2, heads 3, 16x16x3 input, patch 4, 10
classes, drop path 0) with seeded weights, and writes one safetensors file holding:
  model.<name>       the initial parameters (timm names)
  input, target      images (4, 3, 16, 16) and class indices (4,)
  logits, loss       the forward result and the mean cross-entropy
  grad.<name>        every parameter's gradient of that loss
  step3.<name>       the parameters after 3 AdamW steps (betas 0.9/0.999, eps 1e-8, weight decay 0.05
                     on weights only, lr per step from a linear warm-up + cosine schedule below)
Run:  /usr/bin/python3 tools/golden/make_vit_fixture.py   (Debian python3-torch 1.13)
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

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "nn", "src", "test", "resources",
                   "golden", "vit_small_steps.safetensors")
DIM, DEPTH, HEADS, IMG, PATCH, CHANS, CLASSES, BATCH = 48, 2, 3, 16, 4, 3, 10, 4
LR_BASE, LR_END, WARMUP_START, TOTAL, WARMUP, WD = 1e-3, 1e-5, 1e-4, 3, 1, 0.05


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv, self.proj = nn.Linear(DIM, 3 * DIM), nn.Linear(DIM, DIM)

    def forward(self, x):
        b, n, d = x.shape
        q, k, v = self.qkv(x).reshape(b, n, 3, HEADS, d // HEADS).permute(2, 0, 3, 1, 4)
        a = ((q @ k.transpose(-2, -1)) * (d // HEADS) ** -0.5).softmax(-1)
        return self.proj((a @ v).transpose(1, 2).reshape(b, n, d))


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(DIM, 4 * DIM), nn.Linear(4 * DIM, DIM)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1, self.attn = nn.LayerNorm(DIM, eps=1e-6), Attention()
        self.norm2, self.mlp = nn.LayerNorm(DIM, eps=1e-6), Mlp()

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class PatchEmbed(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Conv2d(CHANS, DIM, PATCH, PATCH)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class ViT(nn.Module):
    def __init__(self):
        super().__init__()
        n = (IMG // PATCH) ** 2
        self.cls_token = nn.Parameter(torch.randn(1, 1, DIM) * 0.02)
        self.pos_embed = nn.Parameter(torch.randn(1, n + 1, DIM) * 0.02)
        self.patch_embed = PatchEmbed()
        self.blocks = nn.ModuleList([Block() for _ in range(DEPTH)])
        self.norm, self.head = nn.LayerNorm(DIM, eps=1e-6), nn.Linear(DIM, CLASSES)
        for m in self.modules():   # non-trivial norms and biases so their gradients are tested too
            if isinstance(m, (nn.LayerNorm, nn.Linear)) and m.bias is not None:
                nn.init.normal_(m.bias, std=0.02)
            if isinstance(m, nn.LayerNorm):
                nn.init.normal_(m.weight, mean=1.0, std=0.1)

    def forward(self, x):
        x = self.patch_embed(x)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], 1) + self.pos_embed
        for blk in self.blocks:
            x = blk(x)
        return self.head(self.norm(x)[:, 0])


def lr_at(step):
    """DINO's cosine_scheduler, as dev.loupe.nn.optim.CosineSchedule: numpy linspace warm-up, then cosine."""
    if step < WARMUP:
        return float(np.linspace(WARMUP_START, LR_BASE, WARMUP)[step])
    return LR_END + 0.5 * (LR_BASE - LR_END) * (1 + math.cos(math.pi * (step - WARMUP) / (TOTAL - WARMUP)))


def main():
    torch.manual_seed(0)
    model = ViT()
    x = torch.randn(BATCH, CHANS, IMG, IMG)
    y = torch.tensor([3, 7, 0, 9])
    out = {"model." + k: v.detach().numpy().copy() for k, v in model.named_parameters()}
    out["input"], out["target"] = x.numpy(), y.numpy().astype(np.int64)

    logits = model(x)
    loss = F.cross_entropy(logits, y)
    loss.backward()
    out["logits"], out["loss"] = logits.detach().numpy(), loss.detach().numpy().reshape(())
    for k, v in model.named_parameters():
        out["grad." + k] = v.grad.numpy().copy()

    decay = [p for k, p in model.named_parameters() if not (k.endswith(".bias") or p.ndim <= 1)]
    no_decay = [p for k, p in model.named_parameters() if k.endswith(".bias") or p.ndim <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": WD}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=LR_BASE, betas=(0.9, 0.999), eps=1e-8)
    for step in range(3):
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()
    for k, v in model.named_parameters():
        out["step3." + k] = v.detach().numpy().copy()
    save(OUT, out, {"script": "tools/golden/make_vit_fixture.py", "torch": torch.__version__})
    print("wrote", os.path.normpath(OUT), os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
