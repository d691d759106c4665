#!/usr/bin/python3
"""Golden fixtures for Loupe's CLIP / SLIP code.

open_clip / OpenAI CLIP are not installed, so their modules are re-implemented below from the
reference code (openai/CLIP clip/model.py, mlfoundations/open_clip transformer.py and loss.py,
facebookresearch/SLIP losses.py): torch.nn.MultiheadAttention on (L, N, D) inputs with CLIP's float
causal mask (-inf above the diagonal), pre-LN residual blocks, QuickGELU, LayerNorm eps 1e-5,
EOT pooling at ids.argmax(-1), projections used as x @ P.

Writes
  nn/src/test/resources/golden/text_tower.safetensors   (nn/src/test/java/dev/loupe/nn/text/TextTransformerGoldenTest.java)
    w.<open_clip name>  every text-tower parameter (width 32, layers 2, heads 4, ctx 16, vocab 100, embed 24)
    ids                 int64 (3, 16): SOT 98 ... EOT 99 then zeros; one row fills the whole context
    tokens              (3, 16, 32) tokens after ln_final
    out                 (3, 24) text embeddings (not normalised)
    r, grad.<name>      gradients of sum(out * r) for token_embedding.weight, positional_embedding,
                        transformer.resblocks.0.attn.in_proj_weight, text_projection
  clip/src/test/resources/golden/clip.safetensors        (clip/src/test/java/dev/loupe/clip/ClipGoldenTest.java)
    v.<open_clip name>  a CLIP vision tower (visual.*; image 8x8, patch 4, width 32, layers 2, heads 4, embed 24)
    v.images (2, 3, 8, 8), v.out (2, 24), v.features (2, 32) = ln_post(CLS) before the projection
    loss.image, loss.text (5, 16) features, loss.scale () the log logit scale, loss.value (),
    loss.grad_image, loss.grad_text, loss.grad_scale   gradients of the CLIP loss
    slip.za, slip.zb (5, 12), slip.ssl () SimCLR loss tau 0.1, slip.value () = CLIP + 1.0 * SimCLR,
    slip.grad_za, slip.grad_zb, slip.grad_image
Run:  /usr/bin/python3 tools/golden/make_clip_fixtures.py   (Debian python3-torch 1.13)
"""
import math
import os
import sys
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_writer import save  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
TEXT_OUT = os.path.join(ROOT, "nn", "src", "test", "resources", "golden", "text_tower.safetensors")
CLIP_OUT = os.path.join(ROOT, "clip", "src", "test", "resources", "golden", "clip.safetensors")


def npf(t):
    return t.detach().numpy().astype(np.float32)


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class ResidualAttentionBlock(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.ln_1 = nn.LayerNorm(width, eps=1e-5)
        self.attn = nn.MultiheadAttention(width, heads)
        self.ln_2 = nn.LayerNorm(width, eps=1e-5)
        self.mlp = nn.Sequential(OrderedDict([("c_fc", nn.Linear(width, 4 * width)), ("gelu", QuickGELU()),
                                              ("c_proj", nn.Linear(4 * width, width))]))

    def forward(self, x, mask):
        # x: (L, N, D) as CLIP
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, need_weights=False, attn_mask=mask)[0]
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, width, layers, heads):
        super().__init__()
        self.resblocks = nn.ModuleList([ResidualAttentionBlock(width, heads) for _ in range(layers)])

    def forward(self, x, mask=None):
        for b in self.resblocks:
            x = b(x, mask)
        return x


class TextTower(nn.Module):
    def __init__(self, vocab, ctx, width, layers, heads, embed):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab, width)
        self.positional_embedding = nn.Parameter(torch.empty(ctx, width))
        self.transformer = Transformer(width, layers, heads)
        self.ln_final = nn.LayerNorm(width, eps=1e-5)
        self.text_projection = nn.Parameter(torch.empty(width, embed))
        mask = torch.empty(ctx, ctx).fill_(float("-inf")).triu_(1)
        self.register_buffer("attn_mask", mask, persistent=False)

    def forward(self, ids):
        x = self.token_embedding(ids) + self.positional_embedding
        x = self.transformer(x.permute(1, 0, 2), self.attn_mask).permute(1, 0, 2)
        tokens = self.ln_final(x)
        return tokens, tokens[torch.arange(ids.shape[0]), ids.argmax(dim=-1)] @ self.text_projection


class VisionTower(nn.Module):
    def __init__(self, image, patch, width, layers, heads, embed):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, kernel_size=patch, stride=patch, bias=False)
        self.class_embedding = nn.Parameter(torch.empty(width))
        self.positional_embedding = nn.Parameter(torch.empty((image // patch) ** 2 + 1, width))
        self.ln_pre = nn.LayerNorm(width, eps=1e-5)
        self.transformer = Transformer(width, layers, heads)
        self.ln_post = nn.LayerNorm(width, eps=1e-5)
        self.proj = nn.Parameter(torch.empty(width, embed))

    def forward(self, x):
        x = self.conv1(x).flatten(2).permute(0, 2, 1)
        cls = self.class_embedding + torch.zeros(x.shape[0], 1, x.shape[-1])
        x = torch.cat([cls, x], dim=1) + self.positional_embedding
        x = self.ln_pre(x)
        x = self.transformer(x.permute(1, 0, 2)).permute(1, 0, 2)
        features = self.ln_post(x[:, 0, :])
        return features, features @ self.proj


def randomise(module):
    # every parameter drawn afresh (LayerNorm weights near 1) so that no default init hides a mistake
    with torch.no_grad():
        for name, p in module.named_parameters():
            if name.endswith("weight") and p.dim() == 1:
                p.copy_(1 + 0.1 * torch.randn_like(p))
            else:
                p.copy_(0.15 * torch.randn_like(p))


def clip_loss(image, text, scale):
    i = F.normalize(image, dim=-1)
    t = F.normalize(text, dim=-1)
    logits = scale.exp() * i @ t.t()
    labels = torch.arange(image.shape[0])
    return (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels)) / 2


def simclr_loss(za, zb, tau):
    # SLIP's SIMCLRLoss on one process
    qa, qb = F.normalize(za, dim=-1), F.normalize(zb, dim=-1)
    n = qa.shape[0]
    labels = torch.arange(n)
    masks = F.one_hot(labels, n) * 1e9
    aa = qa @ qa.t() / tau - masks
    bb = qb @ qb.t() / tau - masks
    ab = qa @ qb.t() / tau
    ba = qb @ qa.t() / tau
    return (F.cross_entropy(torch.cat([ab, aa], 1), labels) + F.cross_entropy(torch.cat([ba, bb], 1), labels)) / 2


def text_fixture():
    torch.manual_seed(11)
    tower = TextTower(100, 16, 32, 2, 4, 24)
    randomise(tower)
    out = {"w." + k: npf(v) for k, v in tower.state_dict().items()}
    ids = torch.zeros(3, 16, dtype=torch.int64)
    for row, length in enumerate([5, 16, 9]):
        ids[row, 0] = 98
        ids[row, 1:length - 1] = torch.randint(1, 98, (length - 2,))
        ids[row, length - 1] = 99
    tokens, emb = tower(ids)
    r = torch.randn_like(emb)
    (emb * r).sum().backward()
    out["ids"], out["tokens"], out["out"], out["r"] = ids.numpy(), npf(tokens), npf(emb), npf(r)
    params = dict(tower.named_parameters())
    for name in ["token_embedding.weight", "positional_embedding", "transformer.resblocks.0.attn.in_proj_weight",
                 "text_projection"]:
        out["grad." + name] = npf(params[name].grad)
    save(TEXT_OUT, out)


def clip_fixture():
    torch.manual_seed(12)
    out = {}
    visual = VisionTower(8, 4, 32, 2, 4, 24)
    randomise(visual)
    out.update({"v.visual." + k: npf(v) for k, v in visual.state_dict().items()})
    images = torch.rand(2, 3, 8, 8)
    features, emb = visual(images)
    out["v.images"], out["v.features"], out["v.out"] = npf(images), npf(features), npf(emb)

    image = torch.randn(5, 16, requires_grad=True)
    text = torch.randn(5, 16, requires_grad=True)
    scale = torch.tensor(math.log(1 / 0.07), requires_grad=True)
    loss = clip_loss(image, text, scale)
    loss.backward()
    out["loss.image"], out["loss.text"], out["loss.scale"] = npf(image), npf(text), npf(scale)
    out["loss.value"], out["loss.grad_image"], out["loss.grad_text"], out["loss.grad_scale"] = (
        npf(loss), npf(image.grad), npf(text.grad), npf(scale.grad))

    image.grad = None
    za = torch.randn(5, 12, requires_grad=True)
    zb = torch.randn(5, 12, requires_grad=True)
    ssl = simclr_loss(za, zb, 0.1)
    slip = clip_loss(image, text, scale.detach()) + 1.0 * ssl
    slip.backward()
    out["slip.za"], out["slip.zb"], out["slip.ssl"], out["slip.value"] = npf(za), npf(zb), npf(ssl), npf(slip)
    out["slip.grad_za"], out["slip.grad_zb"], out["slip.grad_image"] = npf(za.grad), npf(zb.grad), npf(image.grad)
    save(CLIP_OUT, out)


if __name__ == "__main__":
    text_fixture()
    clip_fixture()
    print("wrote", TEXT_OUT, "and", CLIP_OUT)
