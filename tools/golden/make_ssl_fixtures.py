#!/usr/bin/python3
"""Golden fixtures for Loupe's self-supervised objectives (ssl/src/test/java/dev/loupe/ssl/**).

Each reference computation is reproduced here in torch from the public reference repositories
(facebookresearch/dino main_dino.py DINOLoss and vision_transformer.py DINOHead; facebookresearch/
dinov2 dinov2/loss/{dino_clstoken,ibot_patch,koleo}_loss.py; facebookresearch/mae models_mae.py;
facebookresearch/SLIP losses.py SIMCLRLoss; microsoft/SimMIM models/simmim.py forward), single process, float32, small sizes, fixed seeds, with
masks and noise injected. Writes ssl/src/test/resources/golden/:

  dino_head.safetensors   DINOHead(in 8, out 10, hidden 16, bottleneck 6, norm_last_layer) weights
                          (head.*), input x (5, 8), out, r; gradients of sum(out * r) for x and every
                          trainable parameter (grad.*).
  dino_loss.safetensors   DINOLoss over 2 global + 2 local crops, B 3, K 10: student (12, K), teacher
                          (6, K), center before (1, K), teacher temp 0.05, loss, grad_student,
                          center_after (momentum 0.9).
  dinov2.safetensors      sinkhorn.in (5, 7), temp 0.07 -> sinkhorn.out; koleo.x (6, 8) -> loss, grad;
                          ibot.* masks (3, 6) BOOL, student (M, K), teacher raw (M, K), center (1, 1, K),
                          temp 0.06 -> softmax-centred loss, grad_student, center_after; and the same
                          student / teacher under Sinkhorn (ibot.sk_loss, ibot.sk_grad_student).
  mae.safetensors         MaskedAutoencoderViT(img 8, patch 2, C 3, dim 16, depth 1, heads 2, decoder
                          8 / 1 / 2, mlp ratio 4, norm_pix_loss) weights (model.*), imgs (2, 3, 8, 8),
                          noise (2, 16), ratio 0.75 -> pred, mask, loss, grad.* of every parameter;
                          loss_plain.* MAE forward_loss without norm_pix on given pred / mask.
  ntxent.safetensors      za, zb (6, 5), tau 0.1 -> loss, grad_za, grad_zb.
  ntxent_multicrop.safetensors  z0..z3 (5, 6): 2 global + 2 local views, tau 0.2 -> loss (the mean of
                          the SIMCLRLoss above over the pairs (0,1), (0,2), (0,3), (1,2), (1,3)), grad_z0..3.
  simmim_loss.safetensors images (2, 2, 4, 6), patch 2, pred (2, 6, 8) in MAE's patch order (p, q, c),
                          mask (2, 6) BOOL -> loss (SimMIM's pixel-level masked L1), grad_pred.
Run:  /usr/bin/python3 tools/golden/make_ssl_fixtures.py   (Debian python3-torch 1.13)
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

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "ssl", "src", "test", "resources", "golden")


def npf(t):
    return t.detach().numpy().astype(np.float32)


# ---------------------------------------------------------------- DINO head (vision_transformer.py DINOHead)
class DinoHead(nn.Module):
    def __init__(self, in_dim, out_dim, hidden_dim, bottleneck_dim):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(in_dim, hidden_dim), nn.GELU(), nn.Linear(hidden_dim, hidden_dim), nn.GELU(),
                                 nn.Linear(hidden_dim, bottleneck_dim))
        self.last_layer = nn.utils.weight_norm(nn.Linear(bottleneck_dim, out_dim, bias=False))
        self.last_layer.weight_g.data.fill_(1)
        self.last_layer.weight_g.requires_grad = False

    def forward(self, x):
        x = self.mlp(x)
        x = F.normalize(x, dim=-1, p=2)
        return self.last_layer(x)


def dino_head_fixture():
    torch.manual_seed(11)
    head = DinoHead(8, 10, 16, 6)
    with torch.no_grad():
        for name, p in head.named_parameters():
            if name != "last_layer.weight_g":
                p.copy_(torch.randn_like(p) * 0.5)
    x = torch.randn(5, 8, requires_grad=True)
    out = head(x)
    r = torch.randn_like(out)
    (out * r).sum().backward()
    d = {"x": npf(x), "out": npf(out), "r": npf(r), "grad.x": npf(x.grad)}
    for name, p in head.named_parameters():
        d["head." + name] = npf(p)
        if p.requires_grad:
            d["grad." + name] = npf(p.grad)
    save(os.path.join(OUT, "dino_head.safetensors"), d)


# ---------------------------------------------------------------- DINO loss (main_dino.py DINOLoss)
def dino_loss(student_output, teacher_output, center, ncrops, student_temp, teacher_temp, center_momentum):
    student_out = (student_output / student_temp).chunk(ncrops)
    teacher_out = F.softmax((teacher_output - center) / teacher_temp, dim=-1).detach().chunk(2)
    total, n = 0, 0
    for iq, q in enumerate(teacher_out):
        for v in range(len(student_out)):
            if v == iq:
                continue
            total = total + torch.sum(-q * F.log_softmax(student_out[v], dim=-1), dim=-1).mean()
            n += 1
    total = total / n
    batch_center = torch.sum(teacher_output, dim=0, keepdim=True) / len(teacher_output)
    new_center = center * center_momentum + batch_center * (1 - center_momentum)
    return total, new_center


def dino_loss_fixture():
    torch.manual_seed(12)
    b, k, crops = 3, 10, 4
    student = (torch.randn(crops * b, k) * 2).requires_grad_(True)
    teacher = torch.randn(2 * b, k) * 2
    center = torch.randn(1, k) * 0.3
    loss, new_center = dino_loss(student, teacher, center, crops, 0.1, 0.05, 0.9)
    loss.backward()
    save(os.path.join(OUT, "dino_loss.safetensors"),
         {"student": npf(student), "teacher": npf(teacher), "center": npf(center), "teacher_temp": np.float32(0.05),
          "loss": npf(loss), "grad_student": npf(student.grad), "center_after": npf(new_center)})


# ---------------------------------------------------------------- DINOv2 pieces
def sinkhorn(teacher_output, teacher_temp, n_iterations=3):
    q = torch.exp(teacher_output.float() / teacher_temp).t()
    bsz, k = q.shape[1], q.shape[0]
    q = q / torch.sum(q)
    for _ in range(n_iterations):
        q = q / torch.sum(q, dim=1, keepdim=True)
        q = q / k
        q = q / torch.sum(q, dim=0, keepdim=True)
        q = q / bsz
    return (q * bsz).t()


def koleo(x, eps=1e-8):
    x = F.normalize(x, eps=eps, p=2, dim=-1)
    dots = torch.mm(x, x.t())
    n = x.shape[0]
    dots.view(-1)[:: (n + 1)].fill_(-1)
    _, idx = torch.max(dots, dim=1)
    distances = nn.PairwiseDistance(2, eps=1e-8)(x, x[idx])
    return -torch.log(distances + eps).mean()


def ibot_forward_masked(s, t, masks, student_temp=0.1):
    loss = torch.sum(t * F.log_softmax(s / student_temp, dim=-1), dim=-1)
    weights = (1 / masks.sum(-1).clamp(min=1.0)).unsqueeze(-1).expand_as(masks)[masks]
    return -(loss * weights).sum() / masks.shape[0]


def dinov2_fixture():
    torch.manual_seed(13)
    d = {}
    sk_in = torch.randn(5, 7)
    d["sinkhorn.in"], d["sinkhorn.out"] = npf(sk_in), npf(sinkhorn(sk_in, 0.07))

    x = torch.randn(6, 8, requires_grad=True)
    loss = koleo(x)
    loss.backward()
    d["koleo.x"], d["koleo.loss"], d["koleo.grad"] = npf(x), npf(loss), npf(x.grad)

    masks = torch.zeros(3, 6, dtype=torch.bool)
    masks[0, [1, 2, 4]] = True
    masks[2, [0, 5]] = True          # image 1 has no masked patch
    m, k = int(masks.sum()), 9
    student = (torch.randn(m, k) * 2).requires_grad_(True)
    teacher = torch.randn(m, k) * 2
    center = torch.randn(1, 1, k) * 0.3
    temp = 0.06
    t = F.softmax((teacher - center) / temp, dim=-1)
    loss = ibot_forward_masked(student, t, masks)
    loss.backward()
    center_after = center * 0.9 + (torch.sum(teacher.unsqueeze(0).mean(1), dim=0, keepdim=True) / 1) * 0.1
    d.update({"ibot.masks": masks.numpy(), "ibot.student": npf(student), "ibot.teacher": npf(teacher),
              "ibot.center": npf(center), "ibot.teacher_temp": np.float32(temp), "ibot.loss": npf(loss),
              "ibot.grad_student": npf(student.grad), "ibot.center_after": npf(center_after)})
    s2 = student.detach().clone().requires_grad_(True)
    loss_sk = ibot_forward_masked(s2, sinkhorn(teacher, temp), masks)
    loss_sk.backward()
    d["ibot.sk_loss"], d["ibot.sk_grad_student"] = npf(loss_sk), npf(s2.grad)
    save(os.path.join(OUT, "dinov2.safetensors"), d)


# ---------------------------------------------------------------- MAE (models_mae.py, timm Block)
def sincos_2d(dim, grid, cls):
    gh = np.arange(grid, dtype=np.float32)
    gw = np.arange(grid, dtype=np.float32)
    g = np.stack(np.meshgrid(gw, gh), axis=0).reshape(2, 1, grid, grid)

    def one_d(d, pos):
        omega = np.arange(d // 2, dtype=np.float64) / (d / 2.0)
        omega = 1.0 / 10000 ** omega
        out = np.einsum("m,d->md", pos.reshape(-1), omega)
        return np.concatenate([np.sin(out), np.cos(out)], axis=1)

    emb = np.concatenate([one_d(dim // 2, g[0]), one_d(dim // 2, g[1])], axis=1)
    if cls:
        emb = np.concatenate([np.zeros([1, dim]), emb], axis=0)
    return torch.from_numpy(emb).float().unsqueeze(0)


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=True)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = ((q @ k.transpose(-2, -1)) * self.scale).softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(b, n, c))


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1, self.act, self.fc2 = nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim, heads, mlp_ratio):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class PatchEmbed(nn.Module):
    def __init__(self, patch, chans, dim):
        super().__init__()
        self.proj = nn.Conv2d(chans, dim, kernel_size=patch, stride=patch)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class Mae(nn.Module):
    def __init__(self, img, patch, chans, dim, depth, heads, ddim, ddepth, dheads, mlp_ratio, norm_pix_loss):
        super().__init__()
        self.patch, self.norm_pix_loss = patch, norm_pix_loss
        n = (img // patch) ** 2
        self.patch_embed = PatchEmbed(patch, chans, dim)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(sincos_2d(dim, img // patch, True), requires_grad=False)
        self.blocks = nn.ModuleList([Block(dim, heads, mlp_ratio) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.decoder_embed = nn.Linear(dim, ddim, bias=True)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, ddim))
        self.decoder_pos_embed = nn.Parameter(sincos_2d(ddim, img // patch, True), requires_grad=False)
        self.decoder_blocks = nn.ModuleList([Block(ddim, dheads, mlp_ratio) for _ in range(ddepth)])
        self.decoder_norm = nn.LayerNorm(ddim, eps=1e-6)
        self.decoder_pred = nn.Linear(ddim, patch ** 2 * chans, bias=True)
        assert self.pos_embed.shape[1] == n + 1

    def patchify(self, imgs):
        p = self.patch
        h = w = imgs.shape[2] // p
        x = imgs.reshape(imgs.shape[0], imgs.shape[1], h, p, w, p)
        x = torch.einsum("nchpwq->nhwpqc", x)
        return x.reshape(imgs.shape[0], h * w, p ** 2 * imgs.shape[1])

    def random_masking(self, x, mask_ratio, noise):
        n, l, d = x.shape
        len_keep = int(l * (1 - mask_ratio))
        ids_shuffle = torch.argsort(noise, dim=1)
        ids_restore = torch.argsort(ids_shuffle, dim=1)
        ids_keep = ids_shuffle[:, :len_keep]
        x_masked = torch.gather(x, dim=1, index=ids_keep.unsqueeze(-1).repeat(1, 1, d))
        mask = torch.ones([n, l])
        mask[:, :len_keep] = 0
        mask = torch.gather(mask, dim=1, index=ids_restore)
        return x_masked, mask, ids_restore

    def forward(self, imgs, mask_ratio, noise):
        x = self.patch_embed(imgs) + self.pos_embed[:, 1:, :]
        x, mask, ids_restore = self.random_masking(x, mask_ratio, noise)
        cls = (self.cls_token + self.pos_embed[:, :1, :]).expand(x.shape[0], -1, -1)
        x = torch.cat((cls, x), dim=1)
        for blk in self.blocks:
            x = blk(x)
        x = self.norm(x)
        x = self.decoder_embed(x)
        mask_tokens = self.mask_token.repeat(x.shape[0], ids_restore.shape[1] + 1 - x.shape[1], 1)
        x_ = torch.cat([x[:, 1:, :], mask_tokens], dim=1)
        x_ = torch.gather(x_, dim=1, index=ids_restore.unsqueeze(-1).repeat(1, 1, x.shape[2]))
        x = torch.cat([x[:, :1, :], x_], dim=1) + self.decoder_pos_embed
        for blk in self.decoder_blocks:
            x = blk(x)
        pred = self.decoder_pred(self.decoder_norm(x))[:, 1:, :]
        return pred, mask, self.forward_loss(imgs, pred, mask)

    def forward_loss(self, imgs, pred, mask):
        target = self.patchify(imgs)
        if self.norm_pix_loss:
            mean = target.mean(dim=-1, keepdim=True)
            var = target.var(dim=-1, keepdim=True)
            target = (target - mean) / (var + 1.e-6) ** .5
        loss = ((pred - target) ** 2).mean(dim=-1)
        return (loss * mask).sum() / mask.sum()


def mae_fixture():
    torch.manual_seed(14)
    model = Mae(8, 2, 3, 16, 1, 2, 8, 1, 2, 4.0, True)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.requires_grad:
                p.copy_(torch.randn_like(p) * (0.3 if p.dim() > 1 else 0.1) + (1.0 if name.endswith("norm1.weight") or name.endswith("norm2.weight") or name.endswith("norm.weight") else 0.0))
    imgs = torch.rand(2, 3, 8, 8)
    noise = torch.rand(2, 16)
    pred, mask, loss = model(imgs, 0.75, noise)
    loss.backward()
    d = {"imgs": npf(imgs), "noise": npf(noise), "pred": npf(pred), "mask": npf(mask), "loss": npf(loss)}
    for name, p in model.named_parameters():
        d["model." + name] = npf(p)
        if p.requires_grad:
            d["grad." + name] = npf(p.grad)
    model.norm_pix_loss = False
    pred2 = torch.randn(2, 16, 12, requires_grad=True)
    loss2 = model.forward_loss(imgs, pred2, mask)
    loss2.backward()
    d["loss_plain.pred"], d["loss_plain.loss"], d["loss_plain.grad_pred"] = npf(pred2), npf(loss2), npf(pred2.grad)
    save(os.path.join(OUT, "mae.safetensors"), d)


# ---------------------------------------------------------------- SLIP SIMCLRLoss (one process)
def ntxent(za, zb, tau):
    q_a, q_b = F.normalize(za, dim=-1, p=2), F.normalize(zb, dim=-1, p=2)
    n = q_a.size(0)
    labels = torch.arange(n)
    masks = F.one_hot(labels, n) * 1e9
    logits_aa = torch.matmul(q_a, q_a.transpose(0, 1)) / tau - masks
    logits_bb = torch.matmul(q_b, q_b.transpose(0, 1)) / tau - masks
    logits_ab = torch.matmul(q_a, q_b.transpose(0, 1)) / tau
    logits_ba = torch.matmul(q_b, q_a.transpose(0, 1)) / tau
    loss_a = F.cross_entropy(torch.cat([logits_ab, logits_aa], dim=1), labels)
    loss_b = F.cross_entropy(torch.cat([logits_ba, logits_bb], dim=1), labels)
    return (loss_a + loss_b) / 2


def ntxent_fixture():
    torch.manual_seed(15)
    za = torch.randn(6, 5, requires_grad=True)
    zb = (za.detach() + 0.5 * torch.randn(6, 5)).requires_grad_(True)
    loss = ntxent(za, zb, 0.1)
    loss.backward()
    save(os.path.join(OUT, "ntxent.safetensors"),
         {"za": npf(za), "zb": npf(zb), "loss": npf(loss), "grad_za": npf(za.grad), "grad_zb": npf(zb.grad)})


def ntxent_multicrop_fixture():
    torch.manual_seed(16)
    base = torch.randn(5, 6)
    zs = [(base + 0.6 * torch.randn(5, 6)).requires_grad_(True) for _ in range(4)]
    pairs = [(g, v) for g in range(2) for v in range(g + 1, 4)]
    loss = sum(ntxent(zs[g], zs[v], 0.2) for g, v in pairs) / len(pairs)
    loss.backward()
    d = {"loss": npf(loss)}
    for i, z in enumerate(zs):
        d["z%d" % i] = npf(z)
        d["grad_z%d" % i] = npf(z.grad)
    save(os.path.join(OUT, "ntxent_multicrop.safetensors"), d)


# ---------------------------------------------------------------- SimMIM reconstruction loss
def simmim_loss(x, x_rec, mask, patch, in_chans):
    # mask (B, gh, gw) at patch level -> (B, 1, H, W) at pixel level, as simmim.py's forward
    mask = mask.repeat_interleave(patch, 1).repeat_interleave(patch, 2).unsqueeze(1).contiguous()
    loss_recon = F.l1_loss(x, x_rec, reduction="none")
    return (loss_recon * mask).sum() / (mask.sum() + 1e-5) / in_chans


def simmim_loss_fixture():
    torch.manual_seed(17)
    b, c, gh, gw, p = 2, 2, 2, 3, 2
    images = torch.randn(b, c, gh * p, gw * p)
    pred = torch.randn(b, gh * gw, p * p * c, requires_grad=True)
    mask = torch.tensor([[1, 0, 1, 1, 0, 0], [0, 0, 0, 1, 0, 1]], dtype=torch.bool)
    # pred in MAE's patch order (h, w, p, q, c) -> image (B, C, H, W), as MAE's unpatchify
    rec = pred.reshape(b, gh, gw, p, p, c)
    rec = torch.einsum("nhwpqc->nchpwq", rec).reshape(b, c, gh * p, gw * p)
    loss = simmim_loss(images, rec, mask.reshape(b, gh, gw).float(), p, c)
    loss.backward()
    save(os.path.join(OUT, "simmim_loss.safetensors"),
         {"images": npf(images), "pred": npf(pred), "mask": mask.numpy(), "loss": npf(loss),
          "grad_pred": npf(pred.grad)})


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    dino_head_fixture()
    dino_loss_fixture()
    dinov2_fixture()
    mae_fixture()
    ntxent_fixture()
    ntxent_multicrop_fixture()
    simmim_loss_fixture()
    print("wrote", sorted(os.listdir(OUT)))
