#!/usr/bin/python3
"""Golden fixture for Loupe's layer tests (nn/src/test/java/dev/loupe/nn/LayersTest.java,
SinCosTest.java, PosEmbedInterpolationTest.java).

Writes nn/src/test/resources/golden/layers.safetensors holding:
  bn3.*      BatchNorm1d(4, eps 1e-5, momentum 0.1) on (N, C, L) = (3, 4, 5) inputs: initial weight and
             bias, inputs x1, x2 (two training steps) and x3 (eval), outputs out1, out2, out_eval, the
             running_mean / running_var / num_batches_tracked after the two steps, and the gradients
             of sum(out2 * r) for r = bn3.r with respect to x2, weight and bias (after zeroing).
  bn2.*      the same module kind on (N, C) = (6, 4), one training step: x, out, r, grad_x, grad_weight,
             grad_bias, running_mean, running_var.
  bnplain.*  BatchNorm1d(4, affine=False) on (6, 4): x, out.
  sincos.*   MAE's get_2d_sincos_pos_embed (reproduced below in numpy, as MAE's util/pos_embed.py) for
             (dim 16, grid 4, cls token) and (dim 8, grid 3, no cls token), cast to float32 as MAE does.
  interp.*   torch.nn.functional.interpolate(mode='bicubic', align_corners=False) on position-embedding
             grids laid out as the ViTs do ((1, gh*gw, D) -> (1, D, gh, gw)):
               size7to10    7x7 -> size=(10, 10), D 8
               size14to9    14x14 -> size=(9, 9), D 8
               dino7to10    7x7, DINO's scale_factor (10.1/7, 10.1/7) (output floor(7 * s) = 10)
               dino14to9    14x14, scale_factor (9.1/14, 9.1/14)
               dino7to6x11  7x7, scale_factor ((6.1)/7, (11.1)/7), DINOv2's (rows, cols) order
             each as .in (1, gh*gw, D) and .out (1, oh*ow, D).
  patchconv.* overlapping patch embedding, Conv2d(2, 6, kernel 8, stride 4, padding 2) on x (2, 2, 12, 12),
             as the ViT lays it out: out = conv(x).flatten(2).transpose(1, 2) (2, 9, 6); weight (6, 2, 8, 8),
             bias (6), r (2, 9, 6) and the gradients grad_weight, grad_bias of sum(out * r).
  convstem.* a convolutional stem for patch 4 and D 8 (Xiao et al. 2021, GELU without a norm): Conv2d(2, 4, 3,
             stride 2, padding 1), GELU, Conv2d(4, 8, 3, stride 2, padding 1), GELU, then the 1x1 Conv2d(8, 8) proj,
             on x (2, 2, 12, 12) (odd 6 -> 3 second stage), out = proj(...).flatten(2).transpose(1, 2) (2, 9, 8);
             weights s0/s1/proj .weight .bias, r (2, 9, 8) and the gradients of sum(out * r) (grad_x and each
             parameter's grad_*).
Run:  /usr/bin/python3 tools/golden/make_layers_fixture.py   (Debian python3-torch 1.13)
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_writer import save  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "nn", "src", "test", "resources",
                   "golden", "layers.safetensors")


def npf(t):
    return t.detach().numpy().astype(np.float32)


def batch_norm_fixtures(out):
    torch.manual_seed(7)
    bn = nn.BatchNorm1d(4, eps=1e-5, momentum=0.1)
    with torch.no_grad():
        bn.weight.copy_(torch.randn(4))
        bn.bias.copy_(torch.randn(4))
    out["bn3.weight"], out["bn3.bias"] = npf(bn.weight), npf(bn.bias)
    x1 = torch.randn(3, 4, 5) * 2 + 1
    x2 = (torch.randn(3, 4, 5) * 0.5 - 2).requires_grad_(True)
    x3 = torch.randn(3, 4, 5)
    r = torch.randn(3, 4, 5)
    bn.train()
    out["bn3.x1"], out["bn3.out1"] = npf(x1), npf(bn(x1))
    y2 = bn(x2)
    (y2 * r).sum().backward()
    out["bn3.x2"], out["bn3.out2"], out["bn3.r"] = npf(x2), npf(y2), npf(r)
    out["bn3.grad_x"], out["bn3.grad_weight"], out["bn3.grad_bias"] = npf(x2.grad), npf(bn.weight.grad), npf(bn.bias.grad)
    out["bn3.running_mean"], out["bn3.running_var"] = npf(bn.running_mean), npf(bn.running_var)
    out["bn3.num_batches_tracked"] = bn.num_batches_tracked.numpy().astype(np.int64)
    bn.eval()
    out["bn3.x3"], out["bn3.out_eval"] = npf(x3), npf(bn(x3))

    bn2 = nn.BatchNorm1d(4)
    with torch.no_grad():
        bn2.weight.copy_(torch.randn(4))
        bn2.bias.copy_(torch.randn(4))
    x = (torch.randn(6, 4) * 3).requires_grad_(True)
    r = torch.randn(6, 4)
    y = bn2(x)
    (y * r).sum().backward()
    out["bn2.weight"], out["bn2.bias"], out["bn2.x"], out["bn2.out"], out["bn2.r"] = (
        npf(bn2.weight), npf(bn2.bias), npf(x), npf(y), npf(r))
    out["bn2.grad_x"], out["bn2.grad_weight"], out["bn2.grad_bias"] = npf(x.grad), npf(bn2.weight.grad), npf(bn2.bias.grad)
    out["bn2.running_mean"], out["bn2.running_var"] = npf(bn2.running_mean), npf(bn2.running_var)

    plain = nn.BatchNorm1d(4, affine=False)
    x = torch.randn(6, 4) + 3
    out["bnplain.x"], out["bnplain.out"] = npf(x), npf(plain(x))


# MAE util/pos_embed.py, reproduced: grid = meshgrid(w, h) (w first), half the channels per axis.
def get_2d_sincos_pos_embed(embed_dim, grid_size, cls_token=False):
    grid_h = np.arange(grid_size, dtype=np.float32)
    grid_w = np.arange(grid_size, dtype=np.float32)
    grid = np.meshgrid(grid_w, grid_h)
    grid = np.stack(grid, axis=0).reshape([2, 1, grid_size, grid_size])
    pos_embed = get_2d_sincos_pos_embed_from_grid(embed_dim, grid)
    if cls_token:
        pos_embed = np.concatenate([np.zeros([1, embed_dim]), pos_embed], axis=0)
    return pos_embed


def get_2d_sincos_pos_embed_from_grid(embed_dim, grid):
    emb_h = get_1d_sincos_pos_embed_from_grid(embed_dim // 2, grid[0])
    emb_w = get_1d_sincos_pos_embed_from_grid(embed_dim // 2, grid[1])
    return np.concatenate([emb_h, emb_w], axis=1)


def get_1d_sincos_pos_embed_from_grid(embed_dim, pos):
    omega = np.arange(embed_dim // 2, dtype=np.float64)
    omega /= embed_dim / 2.
    omega = 1. / 10000 ** omega
    out = np.einsum("m,d->md", pos.reshape(-1), omega)
    return np.concatenate([np.sin(out), np.cos(out)], axis=1)


def sincos_fixtures(out):
    out["sincos.d16g4cls"] = get_2d_sincos_pos_embed(16, 4, True).astype(np.float32)[None]
    out["sincos.d8g3"] = get_2d_sincos_pos_embed(8, 3, False).astype(np.float32)[None]


def interp_fixtures(out):
    torch.manual_seed(11)

    def grid(g, d):
        return torch.randn(1, g * g, d)

    def run(name, pos, g, **kwargs):
        d = pos.shape[-1]
        y = F.interpolate(pos.reshape(1, g, g, d).permute(0, 3, 1, 2), mode="bicubic", align_corners=False, **kwargs)
        out["interp." + name + ".in"] = npf(pos)
        out["interp." + name + ".out"] = npf(y.permute(0, 2, 3, 1).reshape(1, -1, d))

    run("size7to10", grid(7, 8), 7, size=(10, 10))
    run("size14to9", grid(14, 8), 14, size=(9, 9))
    run("dino7to10", grid(7, 8), 7, scale_factor=(10.1 / 7, 10.1 / 7))
    run("dino14to9", grid(14, 8), 14, scale_factor=(9.1 / 14, 9.1 / 14))
    run("dino7to6x11", grid(7, 8), 7, scale_factor=(6.1 / 7, 11.1 / 7))


def patch_conv_fixtures(out):
    torch.manual_seed(13)
    conv = nn.Conv2d(2, 6, kernel_size=8, stride=4, padding=2)
    x = torch.randn(2, 2, 12, 12)
    y = conv(x).flatten(2).transpose(1, 2)
    r = torch.randn(y.shape)
    (y * r).sum().backward()
    out["patchconv.x"], out["patchconv.weight"], out["patchconv.bias"] = npf(x), npf(conv.weight), npf(conv.bias)
    out["patchconv.out"], out["patchconv.r"] = npf(y), npf(r)
    out["patchconv.grad_weight"], out["patchconv.grad_bias"] = npf(conv.weight.grad), npf(conv.bias.grad)


def conv_stem_fixtures(out):
    torch.manual_seed(17)
    s0 = nn.Conv2d(2, 4, kernel_size=3, stride=2, padding=1)
    s1 = nn.Conv2d(4, 8, kernel_size=3, stride=2, padding=1)
    proj = nn.Conv2d(8, 8, kernel_size=1)
    x = torch.randn(2, 2, 12, 12, requires_grad=True)
    y = proj(F.gelu(s1(F.gelu(s0(x))))).flatten(2).transpose(1, 2)
    r = torch.randn(y.shape)
    (y * r).sum().backward()
    out["convstem.x"], out["convstem.out"], out["convstem.r"] = npf(x), npf(y), npf(r)
    out["convstem.grad_x"] = npf(x.grad)
    for name, m in (("s0", s0), ("s1", s1), ("proj", proj)):
        out["convstem." + name + ".weight"], out["convstem." + name + ".bias"] = npf(m.weight), npf(m.bias)
        out["convstem." + name + ".grad_weight"] = npf(m.weight.grad)
        out["convstem." + name + ".grad_bias"] = npf(m.bias.grad)


def main():
    out = {}
    batch_norm_fixtures(out)
    sincos_fixtures(out)
    interp_fixtures(out)
    patch_conv_fixtures(out)
    conv_stem_fixtures(out)
    save(OUT, out, {"script": "tools/golden/make_layers_fixture.py", "torch": torch.__version__})
    print("wrote", os.path.normpath(OUT), os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
