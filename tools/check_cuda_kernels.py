#!/usr/bin/python3
"""Checks the CUDA branch of the shared kernel files without a CUDA toolkit: prelude.h + each kernel
file is compiled by the host C++ compiler (g++ -fsyntax-only) with stand-ins for __global__, __device__,
blockIdx / blockDim / threadIdx and the device math functions, for every element type the backends
build (T = f32 f64 i32 i64 u8, I = i32 i64) and the op codes as KernelSource defines them (the ordinals
of UnaryOp, BinaryOp, ReduceOp). It catches what NVRTC would reject as C++ (syntax, types, names);
it cannot catch device-only problems, which need scripts/gpu-check on a GPU. Exit status 1 on any error.
Usage: tools/check_cuda_kernels.py   (from the repository root)
"""
import re, subprocess, sys, tempfile, os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KERNELS = os.path.join(ROOT, "gpu-backend/src/main/resources/dev/loupe/gpu/kernels")
STUB = """#include <cmath>
using std::isnan; using std::exp; using std::log; using std::sqrt; using std::fabs; using std::sin; using std::cos;
using std::tanh; using std::erf; using std::pow; using std::fmax;
struct Dim3Stub { unsigned x; };
extern Dim3Stub blockIdx, blockDim, threadIdx;
#define __global__
#define __device__
inline float __int_as_float(int) { return 0; }
"""


def constants(enum):
    """The constant names of a Loupe op enum, in declaration order."""
    text = open(os.path.join(ROOT, "tensor/src/main/java/dev/loupe/tensor", enum + ".java")).read()
    body = text[text.index("{", text.index(" enum ")) + 1:]
    names = []
    for m in re.finditer(r"\b([A-Z][A-Z0-9_]*)\b\s*([{(,;}])", body):
        if m.group(1) not in names:
            names.append(m.group(1))
        if m.group(2) in ";}":
            break
    return names


def main():
    ops = []
    for prefix, enum in (("U", "UnaryOp"), ("B", "BinaryOp"), ("R", "ReduceOp")):
        ops += ["-D%s_%s=%d" % (prefix, n, i) for i, n in enumerate(constants(enum))]
    prelude = open(os.path.join(KERNELS, "prelude.h")).read()
    failures = runs = 0
    with tempfile.TemporaryDirectory() as tmp:
        stub = os.path.join(tmp, "stub.h")
        open(stub, "w").write(STUB)
        for name in sorted(f for f in os.listdir(KERNELS) if f.endswith(".cl")):
            src = os.path.join(tmp, name + ".cu")
            open(src, "w").write(prelude + "\n" + open(os.path.join(KERNELS, name)).read())
            for t, floating, boolean in (("f32", 1, 0), ("f64", 1, 0), ("i32", 0, 0), ("i64", 0, 0), ("u8", 0, 1)):
                for index in ("i32", "i64"):
                    defines = ["-DT=" + t, "-DT_FLOAT=%d" % floating, "-DT_BOOL=%d" % boolean, "-DS=f64", "-DI=" + index] + ops
                    r = subprocess.run(["g++", "-std=c++17", "-fsyntax-only", "-x", "c++", "-include", stub] + defines + [src],
                                       capture_output=True, text=True)
                    runs += 1
                    if r.returncode != 0:
                        failures += 1
                        print("%s T=%s I=%s:\n%s" % (name, t, index, r.stderr))
    print("check_cuda_kernels: %d builds, %d failed (%d op codes)" % (runs, failures, len(ops)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
