// Elementwise kernels over strided views: fill, unary, binary, comparisons, where, unary backward, AdamW.

KERNEL void fill(GLOBAL T* out, Layout lo, T value, int n) {
    int i = GLOBAL_ID();
    if (i >= n) return;
    out[at(lo, i)] = value;
}

#if T_FLOAT
DEVICE_FN T unary_op(int op, T x) {
    switch (op) {
        case U_NEG: return -x;
        case U_ABS: return fabs(x);
        case U_SIGN: return x > K(0) ? K(1) : (x < K(0) ? K(-1) : x);
        case U_SQUARE: return x * x;
        case U_SQRT: return sqrt(x);
        case U_RSQRT: return K(1) / sqrt(x);
        case U_RECIPROCAL: return K(1) / x;
        case U_EXP: return exp(x);
        case U_LOG: return log(x);
        case U_SIN: return sin(x);
        case U_COS: return cos(x);
        case U_TANH: return tanh(x);
        case U_ERF: return erf(x);
        case U_SIGMOID: return K(1) / (K(1) + exp(-x));
        case U_RELU: return x > K(0) ? x : K(0);
        case U_SILU: return x / (K(1) + exp(-x));
        case U_GELU: return K(0.5) * x * (K(1) + erf(x * K(0.7071067811865476)));
        case U_GELU_TANH: return K(0.5) * x * (K(1) + tanh(K(0.7978845608028654) * (x + K(0.044715) * x * x * x)));
        case U_QUICK_GELU: return x / (K(1) + exp(K(-1.702) * x));
        default: return T_NAN;
    }
}

// d/dx x sigmoid(k x) = s (1 + k x (1 - s)), s = sigmoid(k x)
DEVICE_FN T swish_derivative(T x, T k) {
    T s = K(1) / (K(1) + exp(-k * x));
    return s * (K(1) + k * x * (K(1) - s));
}

DEVICE_FN T unary_derivative(int op, T x) {
    switch (op) {
        case U_GELU: return K(0.5) * (K(1) + erf(x * K(0.7071067811865476))) + x * exp(K(-0.5) * x * x) * K(0.3989422804014327);
        case U_GELU_TANH: {
            T t = tanh(K(0.7978845608028654) * (x + K(0.044715) * x * x * x));
            return K(0.5) * (K(1) + t) + K(0.5) * x * (K(1) - t * t) * K(0.7978845608028654) * (K(1) + K(3 * 0.044715) * x * x);
        }
        case U_SILU: return swish_derivative(x, K(1));
        case U_QUICK_GELU: return swish_derivative(x, K(1.702));
        case U_SIGMOID: {
            T s = K(1) / (K(1) + exp(-x));
            return s * (K(1) - s);
        }
        case U_TANH: {
            T t = tanh(x);
            return K(1) - t * t;
        }
        case U_RELU: return x > K(0) ? K(1) : K(0);
        case U_EXP: return exp(x);
        default: return T_NAN;
    }
}

KERNEL void unary(int op, GLOBAL const T* x, Layout lx, GLOBAL T* out, Layout lo, int n) {
    int i = GLOBAL_ID();
    if (i >= n) return;
    out[at(lo, i)] = unary_op(op, x[at(lx, i)]);
}

// out = gradOut * op'(x)
KERNEL void unary_backward(int op, GLOBAL const T* x, Layout lx, GLOBAL const T* g, Layout lg, GLOBAL T* out, Layout lo, int n) {
    int i = GLOBAL_ID();
    if (i >= n) return;
    out[at(lo, i)] = g[at(lg, i)] * unary_derivative(op, x[at(lx, i)]);
}

// One AdamW step in place, torch.optim.AdamW's order: p *= 1 - lr wd; m = b1 m + (1 - b1) g;
// v = b2 v + (1 - b2) g^2; p -= (lr / bc1) m / (sqrt(v) / sqrt(bc2) + eps).
KERNEL void adamw(GLOBAL T* p, Layout lp, GLOBAL const T* g, Layout lg, GLOBAL T* m, Layout lm, GLOBAL T* v, Layout lv,
                  T decay, T beta1, T one_minus_beta1, T beta2, T one_minus_beta2, T eps, T sqrt_bc2, T step_size, int n) {
    int i = GLOBAL_ID();
    if (i >= n) return;
    int ip = at(lp, i), im = at(lm, i), iv = at(lv, i);
    T gi = g[at(lg, i)];
    T pi = p[ip] * decay;
    T mi = m[im] * beta1 + gi * one_minus_beta1;
    T vi = v[iv] * beta2 + gi * gi * one_minus_beta2;
    m[im] = mi;
    v[iv] = vi;
    p[ip] = pi - mi / (sqrt(vi) / sqrt_bc2 + eps) * step_size;
}
#endif

DEVICE_FN T binary_op(int op, T a, T b) {
    switch (op) {
        case B_ADD: return a + b;
        case B_SUB: return a - b;
        case B_MUL: return a * b;
#if T_FLOAT
        case B_DIV: return a / b;
        case B_POW: return pow(a, b);
#else
        case B_DIV: {
            if (b == 0) return 0;
            T q = a / b;
            return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;  // floor division, as Math.floorDiv
        }
        case B_POW: {
            // b < 0 as the host's (long) Math.pow: 1 / a^|b| truncated, 0^-k = +inf saturated to the i64 maximum
            if (b < 0) return a == 1 ? 1 : (a == -1 ? ((b & 1) ? -1 : 1) : (a == 0 ? (T) (i64) 0x7fffffffffffffff : 0));
            T r = 1;
            for (T e = 0; e < b; e++) r *= a;
            return r;
        }
#endif
        case B_MAX: return (IS_NAN(a) || IS_NAN(b)) ? T_NAN : (a > b ? a : b);
        case B_MIN: return (IS_NAN(a) || IS_NAN(b)) ? T_NAN : (a < b ? a : b);
        default: return T_NAN;
    }
}

DEVICE_FN u8 compare_op(int op, T a, T b) {
    switch (op) {
        case B_EQ: return a == b;
        case B_NE: return a != b;
        case B_LT: return a < b;
        case B_LE: return a <= b;
        case B_GT: return a > b;
        case B_GE: return a >= b;
        default: return 0;
    }
}

KERNEL void binary(int op, GLOBAL const T* a, Layout la, GLOBAL const T* b, Layout lb, GLOBAL T* out, Layout lo, int n) {
    int i = GLOBAL_ID();
    if (i >= n) return;
    T r = binary_op(op, a[at(la, i)], b[at(lb, i)]);
#if T_BOOL
    r = r != 0;  // BOOL arithmetic stores v != 0, as the host does
#endif
    out[at(lo, i)] = r;
}

KERNEL void compare(int op, GLOBAL const T* a, Layout la, GLOBAL const T* b, Layout lb, GLOBAL u8* out, Layout lo, int n) {
    int i = GLOBAL_ID();
    if (i >= n) return;
    out[at(lo, i)] = compare_op(op, a[at(la, i)], b[at(lb, i)]);
}

KERNEL void select_where(GLOBAL const u8* c, Layout lc, GLOBAL const T* a, Layout la, GLOBAL const T* b, Layout lb,
                         GLOBAL T* out, Layout lo, int n) {
    int i = GLOBAL_ID();
    if (i >= n) return;
    out[at(lo, i)] = c[at(lc, i)] ? a[at(la, i)] : b[at(lb, i)];
}
