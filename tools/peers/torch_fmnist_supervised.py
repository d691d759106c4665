#!/usr/bin/python3
"""Accuracy peer: the supervised Fashion-MNIST ViT run of `loupe train supervised`, in PyTorch CPU.

Same model (the speed anchor's pre-LN ViT: qkv bias, LayerNorm eps 1e-6, MLP ratio 4, CLS pooling; trunc-normal .02 init),
same recipe (zero-pad 2 + random 28x28 crop, horizontal flip 0.5, normalise with the Fashion-MNIST
mean/std; AdamW with weight decay on >= 2-D weights only, linear warm-up per step then cosine to
min_lr, label smoothing), same batch. Prints one JSON line per epoch with the test top-1.
Reads the IDX files of Debian's dataset-fashion-mnist. Example (the README's comparison):
  /usr/bin/python3 tools/peers/torch_fmnist_supervised.py --epochs 12 --max-epochs 3 --threads 1
"""
import argparse, gzip, json, math, os, sys, time
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F

MEAN, STD = 0.2860, 0.3530


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


# The model is the speed anchor's ViT (../shared/anchors/torch_vit_step.py), re-initialised as timm does.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "anchors"))
import torch_vit_step  # noqa: E402


class ViT(torch_vit_step.ViT):
    def __init__(self, img, patch, chans, d, depth, h, classes):
        super().__init__(img, patch, chans, d, depth, h, classes)
        nn.init.trunc_normal_(self.pos, std=.02)
        nn.init.trunc_normal_(self.cls, std=.02)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=.02)
                nn.init.zeros_(m.bias)


def augment(x, gen):
    """x: (B, 1, 28, 28) normalised; zero-pad 2 (in pixel space: pad value is normalised 0), crop, flip."""
    b = x.shape[0]
    pad = F.pad(x, (2, 2, 2, 2), value=(0 - MEAN) / STD)
    out = torch.empty_like(x)
    ox = torch.randint(0, 5, (b,), generator=gen)
    oy = torch.randint(0, 5, (b,), generator=gen)
    flip = torch.rand(b, generator=gen) < 0.5
    for i in range(b):
        crop = pad[i, :, oy[i]:oy[i] + 28, ox[i]:ox[i] + 28]
        out[i] = crop.flip(-1) if flip[i] else crop
    return out


def main():
    p = argparse.ArgumentParser()
    for k, v in dict(dim=128, depth=6, heads=4, patch=4, batch=128, epochs=12, max_epochs=0, threads=1, seed=0).items():
        p.add_argument("--" + k.replace("_", "-"), type=int, default=v)
    for k, v in dict(lr=1e-3, min_lr=1e-5, wd=0.05, warmup_epochs=1.0, label_smoothing=0.1).items():
        p.add_argument("--" + k.replace("_", "-"), type=float, default=v)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)

    def load(prefix):
        x = torch.from_numpy(idx(os.path.join(a.data, prefix + "-images-idx3-ubyte.gz")).copy()).float() / 255
        y = torch.from_numpy(idx(os.path.join(a.data, prefix + "-labels-idx1-ubyte.gz")).copy()).long()
        return ((x - MEAN) / STD).unsqueeze(1), y

    xtr, ytr = load("train")
    xte, yte = load("t10k")
    m = ViT(28, a.patch, 1, a.dim, a.depth, a.heads, 10)
    decay = [q for q in m.parameters() if q.ndim >= 2]
    no_decay = [q for q in m.parameters() if q.ndim < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": a.wd}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=a.lr)
    steps_per_epoch = len(xtr) // a.batch
    total, warmup = steps_per_epoch * a.epochs, int(steps_per_epoch * a.warmup_epochs)
    step = 0
    for epoch in range(a.max_epochs or a.epochs):
        m.train()
        order = torch.randperm(len(xtr), generator=gen)
        t0 = time.perf_counter()
        for s in range(steps_per_epoch):
            lr = a.lr * (step + 1) / warmup if step < warmup else \
                a.min_lr + 0.5 * (a.lr - a.min_lr) * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup)))
            for g in opt.param_groups:
                g["lr"] = lr
            idx_b = order[s * a.batch:(s + 1) * a.batch]
            loss = F.cross_entropy(m(augment(xtr[idx_b], gen)), ytr[idx_b], label_smoothing=a.label_smoothing)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
        m.eval()
        with torch.no_grad():
            correct = sum((m(xte[i:i + 500]).argmax(1) == yte[i:i + 500]).sum().item() for i in range(0, len(xte), 500))
        print(json.dumps({"peer": "pytorch-" + torch.__version__, "epoch": epoch + 1, "test_top1": correct / len(xte),
                          "last_loss": round(loss.item(), 4), "epoch_s": round(time.perf_counter() - t0, 1)}), flush=True)


if __name__ == "__main__":
    main()
