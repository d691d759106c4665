#!/usr/bin/env python3
"""The speed peer of `loupe bench vit --device cuda`: the same ViT (pre-norm blocks, LayerNorm eps 1e-6,
GELU MLP of 4x width, CLS token, learned positions, linear head of 10 classes), training step (forward,
cross-entropy, backward, AdamW lr 1e-3) and inference pass in PyTorch CUDA eager, FP32 without TF32.
Prints one JSON line: train_img_s and infer_img_s. --attention sdpa uses torch's fused attention instead
of the explicit softmax(q k^T) v.
"""
import argparse, json, time
import torch, torch.nn as nn, torch.nn.functional as F


class Attention(nn.Module):
    def __init__(self, dim, heads, fused):
        super().__init__()
        self.heads, self.fused = heads, fused
        self.qkv, self.proj = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)

    def forward(self, x):                                   # x: (B, N, D)
        b, n, d = x.shape
        q, k, v = self.qkv(x).reshape(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)   # each (B, H, N, D/H)
        if self.fused:
            o = F.scaled_dot_product_attention(q, k, v)
        else:
            o = ((q @ k.transpose(-2, -1)) * (d // self.heads) ** -0.5).softmax(-1) @ v
        return self.proj(o.transpose(1, 2).reshape(b, n, d))


class Block(nn.Module):
    def __init__(self, dim, heads, fused):
        super().__init__()
        self.norm1, self.attn = nn.LayerNorm(dim, eps=1e-6), Attention(dim, heads, fused)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class ViT(nn.Module):
    def __init__(self, img, patch, chans, dim, depth, heads, classes, fused):
        super().__init__()
        self.patch_embed = nn.Conv2d(chans, dim, patch, patch)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.randn(1, (img // patch) ** 2 + 1, dim) * 0.02)
        self.blocks = nn.Sequential(*[Block(dim, heads, fused) for _ in range(depth)])
        self.norm, self.head = nn.LayerNorm(dim, eps=1e-6), nn.Linear(dim, classes)

    def forward(self, x):                                   # x: (B, C, H, W)
        x = self.patch_embed(x).flatten(2).transpose(1, 2)  # (B, N, D)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], 1) + self.pos_embed
        return self.head(self.norm(self.blocks(x))[:, 0])


def main():
    p = argparse.ArgumentParser()
    for k, v in dict(dim=768, depth=12, heads=12, img=224, patch=16, chans=3, batch=64, steps=10, warmup=3).items():
        p.add_argument("--" + k, type=int, default=v)
    p.add_argument("--attention", choices=["math", "sdpa"], default="math")
    a = p.parse_args()
    if a.attention == "sdpa" and not hasattr(F, "scaled_dot_product_attention"):
        p.error("--attention sdpa needs torch >= 2.0 (this is " + torch.__version__ + ")")
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.manual_seed(0)
    dev = torch.device("cuda")
    m = ViT(a.img, a.patch, a.chans, a.dim, a.depth, a.heads, 10, a.attention == "sdpa").to(dev)
    opt = torch.optim.AdamW(m.parameters(), lr=1e-3)
    x = torch.randn(a.batch, a.chans, a.img, a.img, device=dev)
    y = torch.randint(0, 10, (a.batch,), device=dev)

    def step():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(m(x), y).backward()
        opt.step()

    def timed(fn):
        for _ in range(a.warmup):
            fn()
        torch.cuda.synchronize()
        t = time.perf_counter()
        for _ in range(a.steps):
            fn()
        torch.cuda.synchronize()
        return a.batch * a.steps / (time.perf_counter() - t)

    train = timed(step)
    m.eval()
    with torch.no_grad():
        infer = timed(lambda: m(x))
    print(json.dumps({"peer": "pytorch-" + torch.__version__ + "-cuda-eager", "gpu": torch.cuda.get_device_name(0), **vars(a),
                      "train_img_s": round(train, 2), "infer_img_s": round(infer, 2),
                      "peak_bytes": torch.cuda.max_memory_allocated()}))


if __name__ == "__main__":
    main()
