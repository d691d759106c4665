// dst (T) = src (S) elementwise, both strided. To BOOL: v != 0; floating to integer truncates.
KERNEL void copy_convert(GLOBAL const S* src, Layout ls, GLOBAL T* dst, Layout ld, int n) {
    int i = GLOBAL_ID();
    if (i >= n) return;
    S v = src[at(ls, i)];
#if T_BOOL
    dst[at(ld, i)] = (T) (v != 0 ? 1 : 0);
#else
    dst[at(ld, i)] = (T) v;
#endif
}
