#!/usr/bin/python3
"""A timm-named ViT safetensors file for examples/src/main/java/dev/loupe/examples/TimmVit.java and its test.

Builds a small ViT exactly as timm's VisionTransformer computes it (class token, learned position
embedding, pre-norm blocks, LayerNorm eps 1e-6, exact GELU, head on the final-normed class token;
dim 64, depth 2, 1 head of width 64 -- timm's head width --, 32x32 RGB input, patch 8, 10 classes)
with seeded weights, and writes
  src/test/resources/timm_vit.safetensors     the parameters under timm's names, metadata {"format": "pt"}
                                              only, as safetensors.torch.save_file(model.state_dict()) writes
  src/test/resources/timm_vit_io.safetensors  input (2, 3, 32, 32), features (2, 64) and logits (2, 10)
Run:  /usr/bin/python3 examples/tools/make_timm_vit.py   (Debian python3-torch 1.13)
"""
import os
import sys

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools", "golden"))
from safetensors_writer import save  # noqa: E402

OUT = os.path.join(HERE, "..", "src", "test", "resources")
DIM, DEPTH, HEADS, IMG, PATCH, CLASSES = 64, 2, 1, 32, 8, 10


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
        self.fc1, self.act, self.fc2 = nn.Linear(DIM, 4 * DIM), nn.GELU(), nn.Linear(4 * DIM, DIM)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


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
        self.proj = nn.Conv2d(3, DIM, PATCH, PATCH)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class VisionTransformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.cls_token = nn.Parameter(torch.randn(1, 1, DIM) * 0.02)
        self.pos_embed = nn.Parameter(torch.randn(1, (IMG // PATCH) ** 2 + 1, DIM) * 0.02)
        self.patch_embed = PatchEmbed()
        self.blocks = nn.Sequential(*[Block() for _ in range(DEPTH)])
        self.norm, self.head = nn.LayerNorm(DIM, eps=1e-6), nn.Linear(DIM, CLASSES)
        for m in self.modules():   # non-trivial norms and biases, so a wrong mapping cannot hide
            if isinstance(m, (nn.LayerNorm, nn.Linear)):
                nn.init.normal_(m.bias, std=0.02)
            if isinstance(m, nn.LayerNorm):
                nn.init.normal_(m.weight, mean=1.0, std=0.1)

    def forward_features(self, x):
        x = self.patch_embed(x)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], 1) + self.pos_embed
        return self.norm(self.blocks(x))[:, 0]

    def forward(self, x):
        return self.head(self.forward_features(x))


def main():
    torch.manual_seed(0)
    model = VisionTransformer().eval()
    x = torch.randn(2, 3, IMG, IMG)
    with torch.no_grad():
        features = model.forward_features(x)
        logits = model.head(features)
    save(os.path.join(OUT, "timm_vit.safetensors"), {k: v.numpy() for k, v in model.state_dict().items()}, {"format": "pt"})
    save(os.path.join(OUT, "timm_vit_io.safetensors"), {"input": x.numpy(), "features": features.numpy(), "logits": logits.numpy()},
         {"script": "examples/tools/make_timm_vit.py", "torch": torch.__version__})
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
