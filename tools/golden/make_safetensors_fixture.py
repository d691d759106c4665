#!/usr/bin/python3
"""Writes tensor/src/test/resources/golden/torch_fixture.safetensors for SafeTensorsTest.

The `safetensors` Python package is not installed on the build machines, so the format is written by
hand: an 8-byte little-endian header length, the JSON header padded with spaces to a multiple of 8,
then the raw little-endian tensor bytes. Data is laid out like the Python library does (by dtype
width, widest first, then by name), while the JSON keys are written in name order, so the file order
differs from the header order.

F16 and BF16 tensors come with an F32 twin computed by torch (`.float()`), which the Java reader's
widening must reproduce exactly. `to_half` holds F32 values that F16 cannot hold exactly (ties, subnormals,
the range's edge) and `to_half_by_torch` torch's `.half()` of them, which SafeTensors.writeHalf must match.

Run from the repository root:  /usr/bin/python3 tools/golden/make_safetensors_fixture.py
"""
import json
import os
import struct

import numpy as np
import torch

OUT = os.path.join("tensor", "src", "test", "resources", "golden", "torch_fixture.safetensors")

half = torch.tensor([0.0, 1.5, -2.25, 65504.0, 6e-8, -0.0, 0.1], dtype=torch.float16)
bf = torch.tensor([[1.0, -3.14159], [1e-3, 3e38]], dtype=torch.bfloat16)
to_half = torch.cat([
    torch.tensor([1 / 3, 65519.0, 2 ** -25, 1.5 * 2 ** -24, 2.5 * 2 ** -24, 0.1, -1e-5, 1000.7, 2049.0, 2051.0],
                 dtype=torch.float32),
    torch.randn(6, generator=torch.Generator().manual_seed(0)) * 10,
])
tensors = {
    "to_half": to_half,
    "to_half_by_torch": to_half.half(),
    "weight": (torch.arange(6, dtype=torch.float32).reshape(2, 3) * 0.5 - 1.0),
    "half": half,
    "half_as_f32": half.float(),
    "bf": bf,
    "bf_as_f32": bf.float(),
    "ids": torch.tensor([-1, 0, 2 ** 40], dtype=torch.int64),
}
metadata = {"format": "pt", "made_by": "tools/golden/make_safetensors_fixture.py"}

DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64"}


def raw(t):
    """Little-endian bytes of t in row-major order; bfloat16 goes through its int16 bit pattern."""
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    return t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()


order = sorted(tensors, key=lambda n: (-tensors[n].element_size(), n))
header, blobs, at = {"__metadata__": metadata}, {}, 0
for name in order:
    data = raw(tensors[name])
    blobs[name] = data
    header[name] = {"dtype": DTYPES[tensors[name].dtype], "shape": list(tensors[name].shape),
                    "data_offsets": [at, at + len(data)]}
    at += len(data)
keys = ["__metadata__"] + sorted(n for n in header if n != "__metadata__")
text = json.dumps({k: header[k] for k in keys}, separators=(",", ":")).encode("utf-8")
text += b" " * (-len(text) % 8)

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "wb") as f:
    f.write(struct.pack("<Q", len(text)))
    f.write(text)
    for name in order:
        f.write(blobs[name])
print("wrote", OUT, "order", order)
for name in order:
    print(name, tensors[name].dtype, tensors[name].float().tolist() if tensors[name].is_floating_point() else tensors[name].tolist())
