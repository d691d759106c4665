package dev.loupe.tensor.cpu;

import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Tensor;

/**
 * Walks a {@link StridedLoop} in parallel. StridedLoop splits over runs only, and contiguous or
 * scalar-broadcast operands coalesce into a single run, which would leave every other core idle;
 * here such a run is cut into blocks. Blocks, like runs, are independent outputs.
 */
final class Runs {
    /** Elements per block: large enough to amortise the dispatch, small enough to spread over cores. */
    static final int BLOCK = 16384;

    private Runs() {}

    /** Calls {@code body} for every run (or block of the one run) of {@code loop} over {@code operands}. */
    static void forEach(StridedLoop loop, Tensor[] operands, StridedLoop.Run body) {
        int n = loop.innerLength();
        if (loop.runs() != 1 || n <= BLOCK) {
            loop.forEach(body);
            return;
        }
        int k = operands.length;
        int[] offsets = new int[k], strides = new int[k];
        for (int j = 0; j < k; j++) {
            offsets[j] = operands[j].offset();
            strides[j] = loop.innerStride(j);
        }
        int blocks = (n + BLOCK - 1) / BLOCK;
        Parallel.forRange(blocks, 1, (start, end) -> {
            int[] base = new int[k];
            for (int blk = start; blk < end; blk++) {
                int from = blk * BLOCK;
                for (int j = 0; j < k; j++) base[j] = offsets[j] + from * strides[j];
                body.run(base, Math.min(BLOCK, n - from));
            }
        });
    }
}
