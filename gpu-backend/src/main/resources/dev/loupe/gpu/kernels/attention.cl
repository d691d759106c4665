// Scaled dot-product attention, one work-item per query row (forward, dq) or key row (dk, dv), with the
// scores recomputed from q and k and never stored. q, k, v, out and the gradients are (B, H, T, D) views
// given by rank-4 layouts; mask is BOOL (B, Tk), true = ignore the key. Query i sees key j when the mask
// allows it and, if causal, j <= i. A query that sees no key gets out = 0, logsumexp = -inf, zero gradients.
#if T_FLOAT

DEVICE_FN int at4(Layout L, int b, int h, int t, int d) {
    return L.offset + b * L.stride[0] + h * L.stride[1] + t * L.stride[2] + d * L.stride[3];
}

DEVICE_FN int visible(GLOBAL const u8* mask, Layout lmask, int has_mask, int causal, int b, int i, int j) {
    if (causal && j > i) return 0;
    return !(has_mask && mask[lmask.offset + b * lmask.stride[0] + j * lmask.stride[1]]);
}

DEVICE_FN T score(GLOBAL const T* q, Layout lq, GLOBAL const T* k, Layout lk, int b, int h, int i, int j, int dim, T scale) {
    T s = K(0);
    for (int d = 0; d < dim; d++) s += q[at4(lq, b, h, i, d)] * k[at4(lk, b, h, j, d)];
    return s * scale;
}

// Work-item (b, h, i): logsumexp by a running max and rescaled sum, then out = sum_j exp(s_j - lse) v_j.
KERNEL void attention_forward(GLOBAL const T* q, Layout lq, GLOBAL const T* k, Layout lk, GLOBAL const T* v, Layout lv,
                              GLOBAL const u8* mask, Layout lmask, int has_mask, int causal, T scale, int heads, int tq,
                              int tk, int dim, int dim_v, GLOBAL T* out, Layout lo, GLOBAL T* lse_out, Layout llse,
                              int has_lse, int n) {
    int id = GLOBAL_ID();
    if (id >= n) return;
    int i = id % tq, h = (id / tq) % heads, b = id / (tq * heads);
    T m = -INFINITY, l = K(0);
    for (int j = 0; j < tk; j++) {
        if (!visible(mask, lmask, has_mask, causal, b, i, j)) continue;
        T s = score(q, lq, k, lk, b, h, i, j, dim, scale);
        if (s > m) {
            l = l * exp(m - s) + K(1);
            m = s;
        } else {
            l += exp(s - m);
        }
    }
    for (int e = 0; e < dim_v; e++) out[at4(lo, b, h, i, e)] = K(0);
    T lse = m == -INFINITY ? -INFINITY : m + log(l);
    if (has_lse) lse_out[llse.offset + b * llse.stride[0] + h * llse.stride[1] + i * llse.stride[2]] = lse;
    if (m == -INFINITY) return;
    for (int j = 0; j < tk; j++) {
        if (!visible(mask, lmask, has_mask, causal, b, i, j)) continue;
        T p = exp(score(q, lq, k, lk, b, h, i, j, dim, scale) - lse);
        for (int e = 0; e < dim_v; e++) out[at4(lo, b, h, i, e)] += p * v[at4(lv, b, h, j, e)];
    }
}

DEVICE_FN T row_lse(GLOBAL const T* lse, Layout llse, int b, int h, int i) {
    return lse[llse.offset + b * llse.stride[0] + h * llse.stride[1] + i * llse.stride[2]];
}

// dot(gradOut_i, out_i): the softmax backward's row term, written to delta (B * H * Tq, contiguous).
KERNEL void attention_backward_delta(GLOBAL const T* o, Layout lo, GLOBAL const T* go, Layout lgo, int heads, int tq,
                                     int dim_v, GLOBAL T* delta, int n) {
    int id = GLOBAL_ID();
    if (id >= n) return;
    int i = id % tq, h = (id / tq) % heads, b = id / (tq * heads);
    T s = K(0);
    for (int e = 0; e < dim_v; e++) s += go[at4(lgo, b, h, i, e)] * o[at4(lo, b, h, i, e)];
    delta[id] = s;
}

// Work-item (b, h, i): dq_i = scale sum_j p_ij (dO_i . v_j - delta_i) k_j.
KERNEL void attention_backward_dq(GLOBAL const T* q, Layout lq, GLOBAL const T* k, Layout lk, GLOBAL const T* v, Layout lv,
                                  GLOBAL const T* go, Layout lgo, GLOBAL const T* lse, Layout llse, GLOBAL const T* delta,
                                  GLOBAL const u8* mask, Layout lmask, int has_mask, int causal, T scale, int heads,
                                  int tq, int tk, int dim, int dim_v, GLOBAL T* dq, Layout ldq, int n) {
    int id = GLOBAL_ID();
    if (id >= n) return;
    int i = id % tq, h = (id / tq) % heads, b = id / (tq * heads);
    for (int d = 0; d < dim; d++) dq[at4(ldq, b, h, i, d)] = K(0);
    T li = row_lse(lse, llse, b, h, i);
    if (li == -INFINITY) return;
    for (int j = 0; j < tk; j++) {
        if (!visible(mask, lmask, has_mask, causal, b, i, j)) continue;
        T p = exp(score(q, lq, k, lk, b, h, i, j, dim, scale) - li);
        T dp = K(0);
        for (int e = 0; e < dim_v; e++) dp += go[at4(lgo, b, h, i, e)] * v[at4(lv, b, h, j, e)];
        T ds = p * (dp - delta[id]) * scale;
        for (int d = 0; d < dim; d++) dq[at4(ldq, b, h, i, d)] += ds * k[at4(lk, b, h, j, d)];
    }
}

// Work-item (b, h, j): dv_j = sum_i p_ij dO_i; dk_j = scale sum_i p_ij (dO_i . v_j - delta_i) q_i.
KERNEL void attention_backward_dkdv(GLOBAL const T* q, Layout lq, GLOBAL const T* k, Layout lk, GLOBAL const T* v, Layout lv,
                                    GLOBAL const T* go, Layout lgo, GLOBAL const T* lse, Layout llse, GLOBAL const T* delta,
                                    GLOBAL const u8* mask, Layout lmask, int has_mask, int causal, T scale, int heads,
                                    int tq, int tk, int dim, int dim_v, GLOBAL T* dk, Layout ldk, GLOBAL T* dv, Layout ldv,
                                    int n) {
    int id = GLOBAL_ID();
    if (id >= n) return;
    int j = id % tk, h = (id / tk) % heads, b = id / (tk * heads);
    for (int d = 0; d < dim; d++) dk[at4(ldk, b, h, j, d)] = K(0);
    for (int e = 0; e < dim_v; e++) dv[at4(ldv, b, h, j, e)] = K(0);
    for (int i = 0; i < tq; i++) {
        if (!visible(mask, lmask, has_mask, causal, b, i, j)) continue;
        T li = row_lse(lse, llse, b, h, i);
        if (li == -INFINITY) continue;
        T p = exp(score(q, lq, k, lk, b, h, i, j, dim, scale) - li);
        T dp = K(0);
        for (int e = 0; e < dim_v; e++) {
            T g = go[at4(lgo, b, h, i, e)];
            dp += g * v[at4(lv, b, h, j, e)];
            dv[at4(ldv, b, h, j, e)] += p * g;
        }
        T ds = p * (dp - delta[(b * heads + h) * tq + i]) * scale;
        for (int d = 0; d < dim; d++) dk[at4(ldk, b, h, j, d)] += ds * q[at4(lq, b, h, i, d)];
    }
}
#endif
