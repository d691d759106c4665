// gather, scatter_add and index_select along one dim. T: values, I: indices. An index outside
// [0, size) sets bad[0] = 1 (read back by the host, which raises the error) and touches nothing.

// out (index's shape)[i] = x[.. index[i] ..]. lxi: index's sizes with x's strides, dim d's stride 0.
KERNEL void gather(GLOBAL const T* x, Layout lxi, int x_step, int x_size, GLOBAL const I* index, Layout li,
                   GLOBAL T* out, Layout lo, GLOBAL int* bad, int n) {
    int i = GLOBAL_ID();
    if (i >= n) return;
    I k = index[at(li, i)];
    if (k < 0 || k >= x_size) {
        bad[0] = 1;
        return;
    }
    out[at(lo, i)] = x[at(lxi, i) + (int) k * x_step];
}

// One work-item per line along dim d of index (its layouts have size 1 at d), adding in index order,
// so every out line has one writer and the sums do not depend on the launch.
KERNEL void scatter_add(GLOBAL T* out, Layout lo, int out_step, int out_size, GLOBAL const I* index, Layout li, int index_step,
                        GLOBAL const T* src, Layout ls, int src_step, int len, GLOBAL int* bad, int n) {
    int i = GLOBAL_ID();
    if (i >= n) return;
    int bo = at(lo, i), bi = at(li, i), bs = at(ls, i);
    for (int j = 0; j < len; j++) {
        I k = index[bi + j * index_step];
        if (k < 0 || k >= out_size) {
            bad[0] = 1;
            continue;
        }
        out[bo + (int) k * out_step] += src[bs + j * src_step];
    }
}

// out[i] = x with dim d's coordinate c replaced by index[c]. lxo: out's sizes with x's strides, dim d's stride 0;
// c = (i / inner) % len.
KERNEL void index_select(GLOBAL const T* x, Layout lxo, int x_step, int x_size, GLOBAL const I* index, int index_offset,
                         int index_step, int inner, int len, GLOBAL T* out, Layout lo, GLOBAL int* bad, int n) {
    int i = GLOBAL_ID();
    if (i >= n) return;
    int c = (i / inner) % len;
    I k = index[index_offset + c * index_step];
    if (k < 0 || k >= x_size) {
        bad[0] = 1;
        return;
    }
    out[at(lo, i)] = x[at(lxo, i) + (int) k * x_step];
}
