#!/usr/bin/python3
"""Golden fixtures for Loupe's tensor module: seeded inputs and PyTorch's outputs as .npy files.

Run from the repository root with Debian's torch (1.13) and numpy:

    /usr/bin/python3 tools/golden/make_tensor_fixtures.py

It rewrites tensor/src/test/resources/golden/tensor/ (op fixtures read by GoldenOps*Test) and
tensor/src/test/resources/golden/npy/ (files numpy wrote, read by NpyTest). The output is the same
byte for byte on every run: inputs come from numpy's PCG64 with fixed seeds and torch runs on one
thread, so reductions keep one summation order.

Layout: golden/tensor/<family>/<case>/<name>.npy, one folder per case, inputs and outputs side by
side. Each Java test names its case folder and rebuilds the same call through Loupe's API.
"""
import os
import shutil

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tensor", "src", "test", "resources", "golden"))
TENSOR_DIR = os.path.join(ROOT, "tensor")
NPY_DIR = os.path.join(ROOT, "npy")

torch.set_num_threads(1)


def rng(seed):
    return np.random.default_rng(seed)


def randn(seed, *shape, scale=1.0, shift=0.0):
    return torch.from_numpy((rng(seed).standard_normal(shape) * scale + shift).astype(np.float32))


def uniform(seed, lo, hi, *shape):
    return torch.from_numpy(rng(seed).uniform(lo, hi, shape).astype(np.float32))


def save(case, **arrays):
    """Writes each tensor as <case>/<name>.npy in C order (views are materialised, 0-d stays 0-d)."""
    folder = os.path.join(TENSOR_DIR, case)
    os.makedirs(folder, exist_ok=True)
    for name, t in arrays.items():
        a = t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
        np.save(os.path.join(folder, name + ".npy"), np.array(a, order="C"))


# ---- unary: one folder per UnaryOp token (lower case), x -> y ----------------------------------------

def unary():
    x_any = randn(1, 4, 33, scale=3.0)
    x_any[0, :4] = torch.tensor([0.0, -0.0, 1e-3, -1e-3])
    x_pos = uniform(2, 0.01, 10.0, 4, 33)
    x_nonzero = uniform(3, 0.1, 5.0, 4, 33) * torch.where(randn(4, 4, 33) > 0, 1.0, -1.0)
    x_trig = uniform(5, -10.0, 10.0, 4, 33)
    x_act = randn(6, 4, 33, scale=4.0)
    cases = {
        "neg": (x_any, torch.neg),
        "abs": (x_any, torch.abs),
        "sign": (x_any, torch.sign),
        "square": (x_any, torch.square),
        "sqrt": (x_pos, torch.sqrt),
        "rsqrt": (x_pos, torch.rsqrt),
        "reciprocal": (x_nonzero, torch.reciprocal),
        "exp": (x_trig, torch.exp),
        "log": (x_pos, torch.log),
        "sin": (x_trig, torch.sin),
        "cos": (x_trig, torch.cos),
        "tanh": (x_act, torch.tanh),
        "erf": (x_act, torch.erf),
        "sigmoid": (x_act, torch.sigmoid),
        "relu": (x_act, torch.relu),
        "silu": (x_act, F.silu),
        "gelu": (x_act, F.gelu),
        "gelu_tanh": (x_act, lambda x: F.gelu(x, approximate="tanh")),
        "quick_gelu": (x_act, lambda x: x * torch.sigmoid(1.702 * x)),
    }
    for name, (x, fn) in cases.items():
        save("unary/" + name, x=x, y=fn(x))


# ---- binary: NumPy broadcasting, a (3, 1, 5) op b (4, 5) -> (3, 4, 5) --------------------------------

def binary():
    a = randn(10, 3, 1, 5, scale=2.0)
    b = randn(11, 4, 5, scale=2.0)
    b_nonzero = uniform(12, 0.25, 3.0, 4, 5) * torch.where(randn(13, 4, 5) > 0, 1.0, -1.0)
    for name, fn, rhs in [("add", torch.add, b), ("sub", torch.sub, b), ("mul", torch.mul, b), ("div", torch.div, b_nonzero)]:
        save("binary/" + name, a=a, b=rhs, y=fn(a, rhs))
    # maximum / minimum propagate NaN (torch.maximum semantics): one NaN in a.
    a_nan = a.clone()
    a_nan[1, 0, 2] = float("nan")
    save("binary/maximum", a=a_nan, b=b, y=torch.maximum(a_nan, b))
    save("binary/minimum", a=a_nan, b=b, y=torch.minimum(a_nan, b))
    base = uniform(14, 0.1, 3.0, 3, 1, 5)
    expo = uniform(15, -2.0, 2.0, 4, 5)
    save("binary/pow", a=base, b=expo, y=torch.pow(base, expo))
    # Small integers so that equal elements occur and every comparison has both outcomes.
    ia = torch.from_numpy(rng(16).integers(-2, 3, (3, 1, 5)).astype(np.float32))
    ib = torch.from_numpy(rng(17).integers(-2, 3, (4, 5)).astype(np.float32))
    for name, fn in [("eq", torch.eq), ("ne", torch.ne), ("lt", torch.lt), ("le", torch.le), ("gt", torch.gt), ("ge", torch.ge)]:
        save("binary/" + name, a=ia, b=ib, y=fn(ia, ib))
    cond = torch.from_numpy(rng(18).integers(0, 2, (3, 1, 5)).astype(np.bool_))
    wb = randn(19, 3, 4, 1)
    save("binary/where", cond=cond, a=b, b=wb, y=torch.where(cond, b, wb))
    # A transposed view as the left operand: at is stored (5, 4); the op reads at.T (4, 5).
    at = randn(20, 5, 4)
    save("binary/add_transposed", at=at, b=a, y=at.T + a)


# ---- reductions over x (3, 4, 5) ----------------------------------------------------------------------

def reductions():
    x = randn(30, 3, 4, 5, scale=2.0)
    cases = {
        "sum_d1": x.sum(1),
        "sum_d02_keep": x.sum((0, 2), keepdim=True),
        "sum_all": x.sum(),
        "mean_dlast": x.mean(-1),
        "mean_d01_keep": x.mean((0, 1), keepdim=True),
        "amax_d2": x.amax(2),
        "amax_d02_keep": x.amax((0, 2), keepdim=True),
        "amin_d0": x.amin(0),
        "amin_d12": x.amin((1, 2)),
        "var_d1": x.var(1, unbiased=True),
        "var_d02_keep": x.var((0, 2), unbiased=True, keepdim=True),
        "argmax_d1": x.argmax(1),
        "argmax_d2_keep": x.argmax(2, keepdim=True),
        "argmax_d0": x.argmax(0),
    }
    for name, y in cases.items():
        save("reduce/" + name, x=x, y=y)
    # A permuted view (5, 3, 4) reduced over its middle dim.
    save("reduce/sum_permuted_d1", x=x, y=x.permute(2, 0, 1).sum(1))


# ---- matmul -------------------------------------------------------------------------------------------

def matmul():
    a = randn(40, 13, 37)
    b = randn(41, 37, 19)
    save("matmul/2d", a=a, b=b, y=a @ b)
    ba = randn(42, 2, 1, 5, 17)
    bb = randn(43, 3, 17, 6)
    save("matmul/batched_broadcast", a=ba, b=bb, y=ba @ bb)
    v = randn(44, 17)
    m = randn(45, 17, 6)
    mt = randn(46, 5, 17)
    save("matmul/vec_mat", a=v, b=m, y=v @ m)
    save("matmul/mat_vec", a=mt, b=v, y=mt @ v)
    w = randn(47, 17)
    save("matmul/vec_vec", a=v, b=w, y=v @ w)
    save("matmul/vec_batched", a=v, b=bb, y=v @ bb)
    # Transposed operands as views: at (37, 13) and bt (19, 37) are stored; the product is at.T @ bt.T.
    at = randn(48, 37, 13)
    bt = randn(49, 19, 37)
    save("matmul/transposed", at=at, bt=bt, y=at.T @ bt.T)
    # Batched with a transposed batch operand: at (3, 17, 5) stored, at.mT (3, 5, 17) @ bb (3, 17, 6).
    bat = randn(50, 3, 17, 5)
    save("matmul/batched_transposed", at=bat, b=bb, y=bat.mT @ bb)


# ---- softmax / log_softmax ----------------------------------------------------------------------------

def softmax():
    x = randn(60, 4, 17, scale=3.0)
    x[2] += 100.0  # a row whose naive exp overflows float32: needs the max subtracted first
    save("softmax/last", x=x, y=torch.softmax(x, -1))
    save("log_softmax/last", x=x, y=torch.log_softmax(x, -1))
    x3 = randn(61, 5, 3, 7, scale=3.0)
    save("softmax/dim0", x=x3, y=torch.softmax(x3, 0))
    save("softmax/dim1", x=x3, y=torch.softmax(x3, 1))
    save("log_softmax/dim0", x=x3, y=torch.log_softmax(x3, 0))
    save("log_softmax/dim1", x=x3, y=torch.log_softmax(x3, 1))


# ---- layer norm ---------------------------------------------------------------------------------------

def layer_norm():
    # Mean far from zero (shift 3) so a one-pass E[x^2] - E[x]^2 variance would lose digits.
    x = randn(70, 2, 5, 48, scale=2.0, shift=3.0)
    w = randn(71, 48)
    b = randn(72, 48)
    eps = 1e-6
    y = F.layer_norm(x, (48,), w, b, eps)
    # torch does not return its saved statistics, so they are recomputed here in float64.
    x64 = x.double().reshape(-1, 48)
    mean = x64.mean(-1)
    rstd = 1.0 / torch.sqrt(x64.var(-1, unbiased=False) + eps)
    save("layer_norm/affine", x=x, weight=w, bias=b, y=y, mean=mean.float(), rstd=rstd.float())


# ---- indexing and assembly ----------------------------------------------------------------------------

def indexing():
    x = randn(80, 3, 5)
    idx1 = torch.from_numpy(rng(81).integers(0, 5, (3, 4)))
    save("gather/dim1", x=x, index=idx1, y=torch.gather(x, 1, idx1))
    idx0 = torch.from_numpy(rng(82).integers(0, 3, (2, 5)))
    save("gather/dim0", x=x, index=idx0, y=torch.gather(x, 0, idx0))
    # Repeated indices: scatter_add must add every src element, duplicates included.
    src = randn(83, 3, 4)
    save("scatter_add/dim1", x=x, index=idx1, src=src, y=torch.scatter_add(x, 1, idx1, src))
    src0 = randn(84, 2, 5)
    save("scatter_add/dim0", x=x, index=idx0, src=src0, y=torch.scatter_add(x, 0, idx0, src0))
    x3 = randn(85, 4, 3, 5)
    sel = torch.tensor([2, 0, 2], dtype=torch.int64)
    for d in (0, 1, 2):
        save("index_select/dim%d" % d, x=x3, index=sel, y=torch.index_select(x3, d, sel))
    p0, p1, p2 = randn(86, 2, 1, 4), randn(87, 2, 3, 4), randn(88, 2, 2, 4)
    save("cat/dim1", p0=p0, p1=p1, p2=p2, y=torch.cat([p0, p1, p2], 1))
    # The middle part is a transposed view: q1t (4, 2) is stored, q1t.T (2, 4) is concatenated.
    q0, q1t = randn(89, 2, 3), randn(90, 4, 2)
    save("cat/dim1_transposed", p0=q0, p1t=q1t, y=torch.cat([q0, q1t.T], 1))
    s0, s1, s2 = randn(91, 2, 3), randn(92, 2, 3), randn(93, 2, 3)
    for d in (0, 1, 2):
        save("stack/dim%d" % d, p0=s0, p1=s1, p2=s2, y=torch.stack([s0, s1, s2], d))
    xp = randn(94, 2, 3, 4)
    save("pad/last", x=xp, y=F.pad(xp, (1, 2), value=0.5))
    save("pad/last_two", x=xp, y=F.pad(xp, (1, 2, 0, 3), value=-1.0))
    xu = randn(95, 2, 3, 7, 9)
    save("unfold/k3s2p1", x=xu, y=F.unfold(xu, kernel_size=3, stride=2, padding=1))


def patchify():
    p = 4
    x = randn(100, 2, 3, 8, 12)
    w = randn(101, 16, 3, p, p, scale=0.2)
    bsz, c, h, wd = x.shape
    gh, gw = h // p, wd // p
    # Rows ordered (c, i, j), the order of a flattened Conv2d weight (D, C, p, p).
    patches = x.reshape(bsz, c, gh, p, gw, p).permute(0, 2, 4, 1, 3, 5).reshape(bsz, gh * gw, c * p * p)
    via_unfold = x.unfold(2, p, p).unfold(3, p, p).permute(0, 2, 3, 1, 4, 5).reshape(bsz, gh * gw, c * p * p)
    assert torch.equal(patches, via_unfold)
    conv = F.conv2d(x, w, stride=p).flatten(2).transpose(1, 2)  # (B, N, D)
    assert torch.allclose(conv, patches @ w.flatten(1).T, rtol=1e-5, atol=1e-5)
    save("patchify/p4", x=x, weight=w, patches=patches, conv=conv)


# ---- files numpy wrote, for NpyTest -------------------------------------------------------------------

def npy_files():
    os.makedirs(NPY_DIR, exist_ok=True)

    def put(name, arr, version=None):
        with open(os.path.join(NPY_DIR, name), "wb") as f:
            np.lib.format.write_array(f, arr, version=version, allow_pickle=False)

    grid = np.arange(6).reshape(2, 3) * 0.5 - 1.0  # [[-1, -0.5, 0], [0.5, 1, 1.5]]
    put("f4_2x3.npy", grid.astype("<f4"))
    put("f8_scalar.npy", np.array(2.75, dtype="<f8"))
    put("i4_1d.npy", np.array([-3, 0, 7, 2147483647, -2147483648], dtype="<i4"))
    put("i8_empty.npy", np.zeros((0, 3), dtype="<i8"))
    put("i8_big.npy", np.array([[1 << 40, -(1 << 50)], [3, -4]], dtype="<i8"))
    put("b1.npy", np.array([[True, False, True], [False, False, True]]))
    put("u1.npy", np.array([0, 1, 127, 128, 255], dtype="|u1"))
    put("f4_v2.npy", grid.astype("<f4"), version=(2, 0))
    put("f4_v3.npy", grid.astype("<f4"), version=(3, 0))
    put("f4_fortran.npy", np.asfortranarray(grid.astype("<f4")))
    put("f4_bigendian.npy", grid.astype(">f4"))
    put("f2.npy", grid.astype("<f2"))


def main():
    for d in (TENSOR_DIR, NPY_DIR):
        if os.path.isdir(d):
            shutil.rmtree(d)
    unary()
    binary()
    reductions()
    matmul()
    softmax()
    layer_norm()
    indexing()
    patchify()
    npy_files()
    total = sum(os.path.getsize(os.path.join(r, f)) for d in (TENSOR_DIR, NPY_DIR) for r, _, fs in os.walk(d) for f in fs)
    print("wrote %d bytes under %s" % (total, ROOT))


if __name__ == "__main__":
    main()
