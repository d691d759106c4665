#!/usr/bin/env python3
"""Compares two Loupe run folders: the loss at every logged step (metrics.jsonl), relative to the loss,
and the newest checkpoint's model.safetensors: ||A - B|| / ||A|| over all tensors together, then each
tensor's max |A - B| / max |A| (tensors beyond RTOL are listed). Parameters whose gradient is zero in
exact arithmetic (a bias followed by batch norm, the key part of a qkv bias) move on rounding noise
that AdamW normalises to full-size steps; they differ between any two summation orders and show up in
that list.
Usage: scripts/compare_runs.py RUN_A RUN_B [RTOL]
(exit 1 when a loss or the whole-model difference exceeds RTOL, default 1e-4)"""
import json, struct, sys
import numpy as np

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32, "BOOL": np.bool_}

def losses(run):
    out = {}
    with open(f"{run}/metrics.jsonl") as f:
        for line in f:
            m = json.loads(line)
            if "loss" in m:
                out[m["step"]] = m["loss"]
    return out

def tensors(run):
    with open(f"{run}/checkpoints/latest") as f:
        step = f.read().strip()
    path = f"{run}/checkpoints/{step}/model.safetensors"
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    header.pop("__metadata__", None)
    return {k: np.frombuffer(data[v["data_offsets"][0]:v["data_offsets"][1]], DTYPES[v["dtype"]]).astype(np.float64)
            for k, v in header.items()}

def main():
    a, b = sys.argv[1], sys.argv[2]
    rtol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-4
    worst = 0.0
    la, lb = losses(a), losses(b)
    if sorted(la) != sorted(lb) or not la:
        sys.exit(f"logged steps differ: {sorted(la)} vs {sorted(lb)}")
    for s in sorted(la):
        rel = abs(la[s] - lb[s]) / max(abs(la[s]), 1e-30)
        worst = max(worst, rel)
        print(f"step {s}: loss {la[s]:.8f} vs {lb[s]:.8f}  rel {rel:.2e}")
    ta, tb = tensors(a), tensors(b)
    if sorted(ta) != sorted(tb):
        sys.exit("checkpoint tensors differ in names")
    diff = np.sqrt(sum(float(((ta[k] - tb[k]) ** 2).sum()) for k in ta))
    norm = np.sqrt(sum(float((ta[k] ** 2).sum()) for k in ta))
    whole = diff / max(norm, 1e-30)
    print(f"weights: {len(ta)} tensors, ||A - B|| / ||A|| = {whole:.2e}")
    for k in ta:
        scale = max(np.abs(ta[k]).max(initial=0), 1e-30)
        rel = float(np.abs(ta[k] - tb[k]).max(initial=0) / scale)
        if rel > rtol:
            print(f"  {k}: max|diff| / max|value| {rel:.2e} (max|value| {scale:.2e})")
    ok = worst <= rtol and whole <= rtol
    print("MATCH within" if ok else "DIFFER beyond", rtol)
    sys.exit(0 if ok else 1)

main()
