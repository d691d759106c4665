#!/usr/bin/python3
"""Speed peer for rectangular and transposed GEMM shapes (the anchor blas_gemm.py times squares only).

Each argument is MxNxK[:XY] with X, Y in {N, T}: how A (M, K) and B (K, N) are stored, as in
`loupe bench gemm --sizes`. numpy computes the product of the transposed views, so OpenBLAS reads the
same layouts Loupe does. Re-executes without OPENBLAS_CORETYPE through the anchors' openblas_env and
prints the median and best GFLOP/s of nine timed repetitions, and the kernel OpenBLAS ran. Example:
  /usr/bin/python3 tools/peers/numpy_gemm_shapes.py 6400x576x192:NT 576x192x6400:TN
"""
import os, statistics, sys, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "anchors"))
import openblas_env
openblas_env.release()  # before numpy loads OpenBLAS
import numpy as np


def main():
    rng = np.random.default_rng(0)
    for spec in sys.argv[1:]:
        dims, op = (spec.split(":") + ["NN"])[:2]
        m, n, k = [int(v) for v in dims.split("x")] if "x" in dims else [int(dims)] * 3
        a = rng.standard_normal((k, m) if op[0] == "T" else (m, k), dtype=np.float32)
        b = rng.standard_normal((n, k) if op[1] == "T" else (k, n), dtype=np.float32)
        a, b = (a.T if op[0] == "T" else a), (b.T if op[1] == "T" else b)
        inner, times = max(1, int(1e9 / (2 * m * n * k))), []
        for _ in range(9):
            t = time.perf_counter()
            for _ in range(inner):
                a @ b
            times.append((time.perf_counter() - t) / inner)
        flops = 2 * m * n * k
        print(f"{spec:18s} numpy median {flops / statistics.median(times) / 1e9:6.1f} best {flops / min(times) / 1e9:6.1f}"
              f" GFLOP/s  blas_core {openblas_env.corename()}")


if __name__ == "__main__":
    main()
