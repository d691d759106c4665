#!/usr/bin/python3
"""Golden fixture for Loupe's masked attention test
(autograd/src/test/java/dev/loupe/autograd/AttentionGoldenTest.java).

For each case, PyTorch computes in float32 the composite
    out = softmax(q @ k^T * D^-0.5, masked to -inf) @ v
and its gradients for an upstream gradient dO, and the file holds, per case <c>:
  <c>.q, <c>.k, <c>.v, <c>.dO     inputs (B, H, Tq|Tk, D) and the upstream gradient (B, H, Tq, D)
  <c>.mask                        BOOL (B, Tk), true = ignore that key (padded cases only)
  <c>.out, <c>.dq, <c>.dk, <c>.dv the result and the gradients of sum(out * dO)
Cases: causal (Tq = Tk = 21), padded (Tq = 15, Tk = 21, key padding only), causal_padded (both).
Token counts and the head dim (D = 12) are no multiple of the kernels' tile sizes; masks never hide
key 0, so every query sees at least one key (torch would give NaN for a row that sees none).
Run:  /usr/bin/python3 tools/golden/make_attention_fixture.py   (Debian python3-torch 1.13)
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_writer import save  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "autograd", "src", "test", "resources",
                   "golden", "attention_masked.safetensors")
B, H, D = 2, 3, 12


def attention(q, k, v, causal, mask):
    s = q @ k.transpose(-2, -1) * D ** -0.5                     # (B, H, Tq, Tk)
    hidden = torch.zeros(s.shape, dtype=torch.bool)
    if causal:
        hidden |= torch.ones(s.shape[-2], s.shape[-1]).triu(1).bool()
    if mask is not None:
        hidden |= mask[:, None, None, :]
    return s.masked_fill(hidden, float("-inf")).softmax(-1) @ v


def case(name, tq, tk, causal, padded, out):
    q = torch.randn(B, H, tq, D, requires_grad=True)
    k = torch.randn(B, H, tk, D, requires_grad=True)
    v = torch.randn(B, H, tk, D, requires_grad=True)
    d_o = torch.randn(B, H, tq, D)
    mask = None
    if padded:
        mask = torch.rand(B, tk) < 0.3
        mask[:, 0] = False
        mask[1, tk - 5:] = True                                  # a padded tail, as a text batch has
    o = attention(q, k, v, causal, mask)
    (o * d_o).sum().backward()
    for key, t in (("q", q), ("k", k), ("v", v), ("dO", d_o), ("out", o), ("dq", q.grad), ("dk", k.grad), ("dv", v.grad)):
        out[name + "." + key] = t.detach().numpy().copy()
    if mask is not None:
        out[name + ".mask"] = mask.numpy().copy()


def main():
    torch.manual_seed(0)
    out = {}
    case("causal", 21, 21, True, False, out)
    case("padded", 15, 21, False, True, out)
    case("causal_padded", 21, 21, True, True, out)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    save(OUT, out, {"script": "tools/golden/make_attention_fixture.py", "torch": torch.__version__})
    print("wrote", os.path.normpath(OUT), os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
