package dev.loupe.gpu.common;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.loupe.tensor.Shape;
import dev.loupe.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A strided view as the kernels' {@code Layout} struct (prelude.h): rank, offset, then MAX_RANK sizes
 * and MAX_RANK strides, all 32-bit ints, passed by value. {@link #of} drops size-1 dims and merges dims
 * that are contiguous with each other; that keeps the row-major element order, so operands coalesced
 * independently still agree on which element is the i-th.
 */
record KernelLayout(int rank, int offset, int[] size, int[] stride) {
    static final int MAX_RANK = 8;
    static final long BYTES = 4L * (2 + 2 * MAX_RANK);

    /** The view of t, coalesced. */
    static KernelLayout of(Tensor t) {
        return of(t.sizes(), t.strides(), t.offset());
    }

    /** sizes / strides / offset, coalesced. */
    static KernelLayout of(int[] sizes, int[] strides, int offset) {
        int[] sz = new int[sizes.length], st = new int[sizes.length];
        int r = 0;
        for (int d = 0; d < sizes.length; d++) {
            if (sizes[d] == 1) continue;
            if (r > 0 && st[r - 1] == sizes[d] * strides[d]) {
                sz[r - 1] *= sizes[d];
                st[r - 1] = strides[d];
            } else {
                sz[r] = sizes[d];
                st[r] = strides[d];
                r++;
            }
        }
        return checked(java.util.Arrays.copyOf(sz, r), java.util.Arrays.copyOf(st, r), offset, sizes);
    }

    /** The view of t dim for dim (kernels that index by coordinates, such as attention's (B, H, T, D)). */
    static KernelLayout exact(Tensor t) {
        return checked(t.sizes(), t.strides(), t.offset(), t.sizes());
    }

    private static KernelLayout checked(int[] sizes, int[] strides, int offset, int[] original) {
        if (sizes.length > MAX_RANK) {
            throw new IllegalArgumentException("device kernels: a view of shape " + Shape.format(original) + " has "
                    + sizes.length + " non-mergeable dims; kernels take at most " + MAX_RANK);
        }
        return new KernelLayout(sizes.length, offset, sizes, strides);
    }

    MemorySegment write(Arena arena) {
        MemorySegment s = arena.allocate(BYTES, 4);
        s.set(JAVA_INT, 0, rank);
        s.set(JAVA_INT, 4, offset);
        for (int d = 0; d < rank; d++) {
            s.set(JAVA_INT, 8 + 4L * d, size[d]);
            s.set(JAVA_INT, 8 + 4L * (MAX_RANK + d), stride[d]);
        }
        return s;
    }
}
