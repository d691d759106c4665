// Batched product out = a @ b over strided views, one work-item per output element, the k sum in order:
// the fallback when CLBlast is not installed. a: (batch, M, K), b: (batch, K, N), out: (batch, M, N) as rank-3 layouts.
#if T_FLOAT
KERNEL void matmul_naive(GLOBAL const T* a, Layout la, GLOBAL const T* b, Layout lb, GLOBAL T* out, Layout lo,
                         int m, int nn, int kk, int n) {
    int id = GLOBAL_ID();
    if (id >= n) return;
    int col = id % nn, row = (id / nn) % m, z = id / (nn * m);
    int pa = la.offset + z * la.stride[0] + row * la.stride[1];
    int pb = lb.offset + z * lb.stride[0] + col * lb.stride[2];
    T s = K(0);
    for (int t = 0; t < kk; t++) s += a[pa + t * la.stride[2]] * b[pb + t * lb.stride[1]];
    out[lo.offset + z * lo.stride[0] + row * lo.stride[1] + col * lo.stride[2]] = s;
}
#endif
