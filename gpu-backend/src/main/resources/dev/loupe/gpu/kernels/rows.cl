// Row kernels: one work-item per output row, each summing its row in index order, so results do not
// depend on the launch shape. Reductions, arg-reductions, softmax, layer norm and their backward passes.

// out[i] = op over the elements of x at base(i) + red(r), r < count. base: x's layout over out's shape
// (reduced dims of size 1); red: the reduced dims' sizes and x's strides for them, offset 0.
KERNEL void reduce(int op, GLOBAL const T* x, Layout base, Layout red, int count, GLOBAL T* out, Layout lo, int n) {
    int i = GLOBAL_ID();
    if (i >= n) return;
    int b = at(base, i);
    T acc;
    if (op == R_SUM || op == R_MEAN) {
        acc = K(0);
        for (int r = 0; r < count; r++) acc += x[b + at(red, r)];
#if T_FLOAT
        if (op == R_MEAN) acc /= (T) count;
#endif
    } else {
        acc = x[b + at(red, 0)];
        for (int r = 1; r < count && !IS_NAN(acc); r++) {
            T v = x[b + at(red, r)];
            if (IS_NAN(v) || (op == R_MAX ? v > acc : v < acc)) acc = v;
        }
    }
    out[at(lo, i)] = acc;
}

// Index of the first maximum (minimum) along a dim of length len and stride step; a NaN counts as the extreme.
KERNEL void arg_reduce(int is_max, GLOBAL const T* x, Layout base, int step, int len, GLOBAL i64* out, Layout lo, int n) {
    int i = GLOBAL_ID();
    if (i >= n) return;
    int b = at(base, i);
    T best = x[b];
    int where = 0;
    for (int j = 1; j < len && !IS_NAN(best); j++) {
        T v = x[b + j * step];
        if (IS_NAN(v) || (is_max ? v > best : v < best)) {
            best = v;
            where = j;
        }
    }
    out[at(lo, i)] = where;
}

#if T_FLOAT
// Softmax (or log-softmax) of each row: rows of x and out start at at(lx / lo, i) and step sx / so.
KERNEL void softmax(int log_, GLOBAL const T* x, Layout lx, int sx, GLOBAL T* out, Layout lo, int so, int len, int n) {
    int i = GLOBAL_ID();
    if (i >= n) return;
    int bx = at(lx, i), bo = at(lo, i);
    T m = x[bx];
    for (int j = 1; j < len; j++) m = fmax(m, x[bx + j * sx]);
    T sum = K(0);
    for (int j = 0; j < len; j++) sum += exp(x[bx + j * sx] - m);
    if (log_) {
        T shift = m + log(sum);
        for (int j = 0; j < len; j++) out[bo + j * so] = x[bx + j * sx] - shift;
    } else {
        for (int j = 0; j < len; j++) out[bo + j * so] = exp(x[bx + j * sx] - m) / sum;
    }
}

// softmax: dx = y (g - sum(g y)); log-softmax: dx = g - exp(y) sum(g). One row per work-item.
KERNEL void softmax_backward(int log_, GLOBAL const T* y, Layout ly, int sy, GLOBAL const T* g, Layout lg, int sg,
                             GLOBAL T* out, Layout lo, int so, int len, int n) {
    int i = GLOBAL_ID();
    if (i >= n) return;
    int by = at(ly, i), bg = at(lg, i), bo = at(lo, i);
    T s = K(0);
    for (int j = 0; j < len; j++) s += log_ ? g[bg + j * sg] : g[bg + j * sg] * y[by + j * sy];
    for (int j = 0; j < len; j++) {
        T yj = y[by + j * sy], gj = g[bg + j * sg];
        out[bo + j * so] = log_ ? gj - exp(yj) * s : yj * (gj - s);
    }
}

// Layer norm of row i of x (R, D): mean, biased variance in two passes, rstd = 1 / sqrt(var + eps).
// Rows start at at(lx / lo, i) with element stride sx / so; weight, bias, mean, rstd may be null (flags).
KERNEL void layer_norm(GLOBAL const T* x, Layout lx, int sx, GLOBAL const T* w, Layout lw, int has_w,
                       GLOBAL const T* bias, Layout lb, int has_b, T eps, GLOBAL T* out, Layout lo, int so,
                       GLOBAL T* mean_out, Layout lm, GLOBAL T* rstd_out, Layout lr, int has_stats, int d, int n) {
    int i = GLOBAL_ID();
    if (i >= n) return;
    int bx = at(lx, i), bo = at(lo, i);
    T sum = K(0);
    for (int j = 0; j < d; j++) sum += x[bx + j * sx];
    T mean = sum / (T) d;
    T sq = K(0);
    for (int j = 0; j < d; j++) {
        T c = x[bx + j * sx] - mean;
        sq += c * c;
    }
    T rstd = K(1) / sqrt(sq / (T) d + eps);
    for (int j = 0; j < d; j++) {
        T y = (x[bx + j * sx] - mean) * rstd;
        if (has_w) y *= w[at(lw, j)];
        if (has_b) y += bias[at(lb, j)];
        out[bo + j * so] = y;
    }
    if (has_stats) {
        mean_out[at(lm, i)] = mean;
        rstd_out[at(lr, i)] = rstd;
    }
}

// dx of row i: xhat = (x - mean) rstd, gw = g w; dx = rstd (gw - mean(gw) - xhat mean(gw xhat)).
KERNEL void layer_norm_backward_dx(GLOBAL const T* x, Layout lx, int sx, GLOBAL const T* w, Layout lw, int has_w,
                                   GLOBAL const T* mean, Layout lm, GLOBAL const T* rstd, Layout lr,
                                   GLOBAL const T* g, Layout lg, int sg, GLOBAL T* dx, Layout ld, int sd, int d, int n) {
    int i = GLOBAL_ID();
    if (i >= n) return;
    int bx = at(lx, i), bg = at(lg, i), bd = at(ld, i);
    T mu = mean[at(lm, i)], rs = rstd[at(lr, i)];
    T sum_gw = K(0), sum_gw_xhat = K(0);
    for (int j = 0; j < d; j++) {
        T gw = g[bg + j * sg] * (has_w ? w[at(lw, j)] : K(1));
        sum_gw += gw;
        sum_gw_xhat += gw * (x[bx + j * sx] - mu) * rs;
    }
    T a = sum_gw / (T) d, b = sum_gw_xhat / (T) d;
    for (int j = 0; j < d; j++) {
        T gw = g[bg + j * sg] * (has_w ? w[at(lw, j)] : K(1));
        T xhat = (x[bx + j * sx] - mu) * rs;
        dx[bd + j * sd] = rs * (gw - a - xhat * b);
    }
}

// Column j of dweight = sum over rows of g xhat, of dbias = sum of g; rows in order. lx / lg: row-start layouts (R).
KERNEL void layer_norm_backward_params(GLOBAL const T* x, Layout lx, int sx, GLOBAL const T* mean, Layout lm,
                                       GLOBAL const T* rstd, Layout lr, GLOBAL const T* g, Layout lg, int sg, int rows,
                                       GLOBAL T* dw, Layout ldw, int has_dw, GLOBAL T* db, Layout ldb, int has_db, int n) {
    int j = GLOBAL_ID();
    if (j >= n) return;
    T sw = K(0), sb = K(0);
    for (int r = 0; r < rows; r++) {
        T gv = g[at(lg, r) + j * sg];
        sw += gv * (x[at(lx, r) + j * sx] - mean[at(lm, r)]) * rstd[at(lr, r)];
        sb += gv;
    }
    if (has_dw) dw[at(ldw, j)] = sw;
    if (has_db) db[at(ldb, j)] = sb;
}
#endif
