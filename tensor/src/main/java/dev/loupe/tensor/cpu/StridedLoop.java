package dev.loupe.tensor.cpu;

import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Tensor;

/**
 * Walks several operands of one shape, visiting the innermost dimension as a run of elements.
 * Dimensions are first coalesced (size-1 dims dropped, neighbours merged where every operand is
 * contiguous across them), so a contiguous or broadcast operand becomes one long run. Runs are
 * independent outputs, so the walk is parallel and still deterministic.
 */
public final class StridedLoop {
    /** One run: storage index of the first element of each operand, and the run length. */
    @FunctionalInterface
    public interface Run {
        void run(int[] base, int length);
    }

    private final int[] shape; // coalesced sizes, outermost first; never empty
    private final int[][] strides; // [operand][dim]
    private final int[] offsets; // [operand]
    private final int outer; // number of runs

    private StridedLoop(int[] shape, int[][] strides, int[] offsets) {
        this.shape = shape;
        this.strides = strides;
        this.offsets = offsets;
        int o = 1;
        for (int i = 0; i < shape.length - 1; i++) o *= shape[i];
        this.outer = o;
    }

    /** All operands must have the same shape (broadcast views included). */
    public static StridedLoop of(Tensor... operands) {
        int[] shape = operands[0].sizes();
        int ops = operands.length;
        int[][] st = new int[ops][];
        int[] off = new int[ops];
        for (int k = 0; k < ops; k++) {
            st[k] = operands[k].strides();
            off[k] = operands[k].offset();
        }
        // keep dims of size != 1, then merge neighbours
        int n = 0;
        int[] dims = new int[Math.max(1, shape.length)];
        int[][] ds = new int[ops][Math.max(1, shape.length)];
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1) continue;
            boolean merge = n > 0;
            for (int k = 0; merge && k < ops; k++) merge = ds[k][n - 1] == st[k][i] * shape[i];
            if (merge) {
                dims[n - 1] *= shape[i];
                for (int k = 0; k < ops; k++) ds[k][n - 1] = st[k][i];
            } else {
                dims[n] = shape[i];
                for (int k = 0; k < ops; k++) ds[k][n] = st[k][i];
                n++;
            }
        }
        if (n == 0 || shape.length == 0) {
            boolean empty = false;
            for (int d : shape) empty |= d == 0;
            dims[0] = empty ? 0 : 1;
            for (int k = 0; k < ops; k++) ds[k][0] = 1;
            n = 1;
        }
        int[] cs = java.util.Arrays.copyOf(dims, n);
        for (int k = 0; k < ops; k++) ds[k] = java.util.Arrays.copyOf(ds[k], n);
        return new StridedLoop(cs, ds, off);
    }

    /** Length of every run. */
    public int innerLength() {
        return shape[shape.length - 1];
    }

    /** Stride of operand {@code k} along the run (0 for a broadcast operand, 1 when contiguous). */
    public int innerStride(int k) {
        return strides[k][shape.length - 1];
    }

    public int runs() {
        return innerLength() == 0 ? 0 : outer;
    }

    /** Calls {@code body} for every run, in parallel over runs. */
    public void forEach(Run body) {
        int inner = innerLength();
        int runs = runs();
        if (runs == 0) return;
        int grain = Math.max(1, 32768 / Math.max(1, inner));
        Parallel.forRange(runs, grain, (start, end) -> {
            int[] base = new int[offsets.length];
            for (int r = start; r < end; r++) {
                baseOf(r, base);
                body.run(base, inner);
            }
        });
    }

    /** Elements per block when {@link #forEachElement} cuts a single long run. */
    static final int BLOCK = 16384;

    /**
     * Like {@link #forEach} for bodies whose elements are independent (elementwise kernels, copies):
     * a single long run, which is what contiguous or scalar-broadcast operands coalesce into, is cut
     * into blocks so every core gets work. Bodies whose run is one unit (scatter-add into one output
     * row) must use {@link #forEach}, which never splits a run.
     */
    public void forEachElement(Run body) {
        int n = innerLength();
        if (runs() != 1 || n <= BLOCK) {
            forEach(body);
            return;
        }
        int k = offsets.length, last = shape.length - 1;
        Parallel.forRange((n + BLOCK - 1) / BLOCK, 1, (start, end) -> {
            int[] base = new int[k];
            for (int blk = start; blk < end; blk++) {
                int from = blk * BLOCK;
                for (int j = 0; j < k; j++) base[j] = offsets[j] + from * strides[j][last];
                body.run(base, Math.min(BLOCK, n - from));
            }
        });
    }

    private void baseOf(int run, int[] base) {
        System.arraycopy(offsets, 0, base, 0, offsets.length);
        int rem = run;
        for (int d = shape.length - 2; d >= 0; d--) {
            int i = rem % shape[d];
            rem /= shape[d];
            for (int k = 0; k < base.length; k++) base[k] += i * strides[k][d];
        }
    }
}
