package dev.loupe.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.tensor.CpuStorage;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Indexing;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * gather / scatter_add / index_select kernels against the torch documentation examples and against
 * naive loops over every element, on random shapes (empty and size-1 dims included), non-contiguous
 * operands and both index dtypes; plus the view-built ops concat, stack, pad, im2col and patchify.
 * All comparisons are exact: these ops move values, and scatter_add adds in the same order as the
 * naive row-major loop.
 */
class IndexingKernelTest {
    private static final DType[] VALUE_TYPES = {DType.F32, DType.F64, DType.I32, DType.I64, DType.BOOL};

    // ---- hand-computed examples (torch docs) -------------------------------------------------------

    @Test
    void gatherMatchesTorchDocExample() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor idx = Tensor.ofLongs(new long[] {0, 0, 1, 0}, 2, 2);
        assertArrayEquals(new float[] {1, 1, 4, 3}, x.gather(1, idx).toFloatArray());
        assertArrayEquals(
                new float[] {1, 2, 3, 2},
                x.gather(0, Tensor.ofInts(new int[] {0, 0, 1, 0}, 2, 2)).toFloatArray());
    }

    @Test
    void scatterAddMatchesTorchDocExample() {
        Tensor src = Tensor.full(DType.F32, 1, 2, 5);
        Tensor zeros = Tensor.zeros(3, 5);
        Tensor one = zeros.scatterAdd(0, Tensor.ofLongs(new long[] {0, 1, 2, 0, 0}, 1, 5), src);
        assertArrayEquals(new float[] {1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0}, one.toFloatArray());
        Tensor two = zeros.scatterAdd(0, Tensor.ofInts(new int[] {0, 1, 2, 0, 0, 0, 1, 2, 2, 2}, 2, 5), src);
        assertArrayEquals(new float[] {2, 0, 0, 1, 1, 0, 2, 0, 0, 0, 0, 0, 2, 1, 1}, two.toFloatArray());
        assertArrayEquals(new float[15], zeros.toFloatArray(), "scatter_add (out of place) must not touch its input");
    }

    @Test
    void indexSelectMatchesHandExample() {
        Tensor x = Tensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 3, 4);
        Tensor idx = Tensor.ofLongs(new long[] {0, 2});
        assertArrayEquals(
                new float[] {0, 1, 2, 3, 8, 9, 10, 11}, x.indexSelect(0, idx).toFloatArray());
        assertArrayEquals(new float[] {0, 2, 4, 6, 8, 10}, x.indexSelect(1, idx).toFloatArray());
        assertArrayEquals(
                new float[] {3, 3, 0, 7, 7, 4},
                x.narrow(0, 0, 2)
                        .indexSelect(1, Tensor.ofInts(new int[] {3, 3, 0}))
                        .toFloatArray());
    }

    // ---- random shapes against naive loops -------------------------------------------------------

    @Test
    void gatherMatchesNaiveOnRandomShapes() {
        Random r = new Random(1);
        for (int trial = 0; trial < 300; trial++) {
            DType vt = VALUE_TYPES[trial % VALUE_TYPES.length];
            int[] xs = randomShape(r);
            int dim = r.nextInt(xs.length);
            Tensor x = relayout(random(vt, xs, r), r);
            int[] is = new int[xs.length];
            // an empty dim admits no index value, so the index must be empty along it
            for (int i = 0; i < xs.length; i++)
                is[i] = i == dim ? (xs[dim] == 0 ? 0 : r.nextInt(5)) : r.nextInt(xs[i] + 1);
            Tensor index = relayout(randomIndex(r.nextBoolean() ? DType.I32 : DType.I64, is, xs[dim], r), r);
            Tensor out = x.gather(dim, index);
            Tensor expected = Tensor.empty(vt, is);
            forEachIndex(is, p -> {
                int[] q = p.clone();
                q[dim] = (int) index.getLong(p);
                copyElement(x, q, expected, p);
            });
            assertSameValues(expected, out, "gather trial " + trial + " " + x + " dim " + dim + " index " + index);
        }
    }

    @Test
    void indexSelectMatchesNaiveOnRandomShapes() {
        Random r = new Random(2);
        for (int trial = 0; trial < 300; trial++) {
            DType vt = VALUE_TYPES[trial % VALUE_TYPES.length];
            int[] xs = randomShape(r);
            int dim = r.nextInt(xs.length);
            Tensor x = relayout(random(vt, xs, r), r);
            int n = xs[dim] == 0 ? 0 : r.nextInt(6);
            Tensor index = relayout(randomIndex(r.nextBoolean() ? DType.I32 : DType.I64, new int[] {n}, xs[dim], r), r);
            Tensor out = x.indexSelect(dim, index);
            int[] os = xs.clone();
            os[dim] = index.size(0);
            Tensor expected = Tensor.empty(vt, os);
            forEachIndex(os, p -> {
                int[] q = p.clone();
                q[dim] = (int) index.getLong(p[dim]);
                copyElement(x, q, expected, p);
            });
            assertSameValues(expected, out, "index_select trial " + trial);
        }
    }

    @Test
    void scatterAddMatchesNaiveOnRandomShapes() {
        Random r = new Random(3);
        for (int trial = 0; trial < 300; trial++) {
            DType vt = VALUE_TYPES[trial % VALUE_TYPES.length];
            int[] xs = randomShape(r);
            int dim = r.nextInt(xs.length);
            Tensor x = relayout(random(vt, xs, r), r);
            int[] is = new int[xs.length], ss = new int[xs.length];
            for (int i = 0; i < xs.length; i++) {
                is[i] = i == dim ? (xs[dim] == 0 ? 0 : r.nextInt(6)) : r.nextInt(xs[i] + 1);
                ss[i] = is[i] + r.nextInt(2);
            }
            Tensor index = relayout(randomIndex(r.nextBoolean() ? DType.I32 : DType.I64, is, xs[dim], r), r);
            Tensor src = relayout(random(vt, ss, r), r);
            Tensor out = x.scatterAdd(dim, index, src);
            assertSameValues(naiveScatterAdd(x, dim, index, src), out, "scatter_add trial " + trial);
        }
    }

    @Test
    void scatterAddIsBitwiseIdenticalForOneAndTwoThreads() {
        Random r = new Random(4);
        // many collisions (8 targets for 3000 sources per line) and magnitudes spread over 1e-3..1e3,
        // so any change in summation order would change the float result
        // large enough that the pool really runs chunks side by side (small work runs inline)
        Tensor src = Tensor.empty(DType.F32, 3000, 257);
        float[] s = ((CpuStorage) src.storage()).f32();
        for (int i = 0; i < s.length; i++) s[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3));
        int before = Parallel.threads();
        try {
            for (int dim = 0; dim < 2; dim++) {
                int[] xs = dim == 0 ? new int[] {8, 257} : new int[] {3000, 8};
                Tensor index = randomIndex(DType.I64, new int[] {3000, 257}, 8, r);
                Tensor x = Tensor.zeros(xs);
                Parallel.setThreads(1);
                float[] one = x.scatterAdd(dim, index, src).toFloatArray();
                float[] naive = naiveScatterAdd(x, dim, index, src).toFloatArray();
                assertArrayEquals(naive, one, "dim " + dim + ": kernel vs naive row-major order");
                Parallel.setThreads(2);
                for (int rep = 0; rep < 3; rep++) {
                    assertArrayEquals(
                            one,
                            x.scatterAdd(dim, index, src).toFloatArray(),
                            "dim " + dim + ": 1 vs 2 threads, rep " + rep);
                }
                float[] gatheredTwo = src.gather(dim, index).toFloatArray();
                Parallel.setThreads(1);
                assertArrayEquals(
                        gatheredTwo, src.gather(dim, index).toFloatArray(), "gather, dim " + dim + ": 1 vs 2 threads");
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    // ---- errors --------------------------------------------------------------------------------------

    @Test
    void outOfRangeIndicesNameOpValueDimAndSize() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertOutOfRange(
                () -> x.gather(1, Tensor.ofLongs(new long[] {0, 3}, 1, 2)), "gather", "index 3", "dim 1", "size 3");
        assertOutOfRange(
                () -> x.gather(0, Tensor.ofInts(new int[] {-1}, 1, 1)), "gather", "index -1", "dim 0", "size 2");
        assertOutOfRange(
                () -> x.indexSelect(0, Tensor.ofLongs(new long[] {1L << 33})),
                "index_select",
                "index 8589934592",
                "dim 0",
                "size 2");
        assertOutOfRange(
                () -> x.scatterAdd(1, Tensor.ofInts(new int[] {0, 1, 7}, 1, 3), x),
                "scatter_add",
                "index 7",
                "dim 1",
                "size 3");
        assertOutOfRange(
                () -> Tensor.zeros(0, 3).indexSelect(0, Tensor.ofInts(new int[] {0})),
                "index_select",
                "index 0",
                "dim 0",
                "size 0");
    }

    @Test
    void outOfRangeIndexInParallelWorkKeepsItsMessage() {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(2);
            Tensor x = Tensor.zeros(400, 300);
            long[] bad = new long[400 * 300];
            bad[bad.length - 1] = 300;
            assertOutOfRange(
                    () -> x.gather(1, Tensor.ofLongs(bad, 400, 300)),
                    "gather",
                    "index 300",
                    "dim 1",
                    "size 300",
                    "[399, 299]");
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void scatterAddRefusesAnOutputWithAliasedElements() {
        Tensor out = Tensor.zeros(1, 3).expand(2, 3);
        Tensor idx = Tensor.ofInts(new int[] {0, 0, 0}, 1, 3);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> CpuBackend.INSTANCE.scatterAdd(out, 0, idx, Tensor.zeros(1, 3)));
        assertTrue(e.getMessage().contains("scatter_add"), e.getMessage());
    }

    // ---- ops assembled from views --------------------------------------------------------------------

    @Test
    void concatAndStackMatchNaive() {
        Random r = new Random(5);
        Tensor a = relayout(random(DType.F32, new int[] {2, 3, 4}, r), r);
        Tensor b = random(DType.F32, new int[] {4, 2, 3}, r).permute(1, 2, 0);
        Tensor c = random(DType.F32, new int[] {2, 3, 1}, r);
        Tensor cat = Indexing.concat(2, List.of(a, b, c));
        assertArrayEquals(new int[] {2, 3, 9}, cat.sizes());
        forEachIndex(cat.sizes(), p -> {
            int k = p[2];
            Tensor part = k < 4 ? a : k < 8 ? b : c;
            int[] q = {p[0], p[1], k < 4 ? k : k < 8 ? k - 4 : k - 8};
            assertEquals(part.getDouble(q), cat.getDouble(p));
        });
        Tensor empty = Tensor.zeros(2, 3, 0);
        assertSameValues(a, Indexing.concat(-1, List.of(empty, a, empty)), "concat with empty parts");

        for (int dim = 0; dim <= 3; dim++) {
            Tensor st = Indexing.stack(dim, List.of(a, b));
            int d = dim;
            forEachIndex(st.sizes(), p -> {
                int[] q = new int[3];
                for (int i = 0, k = 0; i < 4; i++) if (i != d) q[k++] = p[i];
                assertEquals((p[d] == 0 ? a : b).getDouble(q), st.getDouble(p));
            });
        }
    }

    @Test
    void padMatchesNaive() {
        Random r = new Random(6);
        Tensor x = relayout(random(DType.F64, new int[] {2, 3, 4}, r), r);
        int[] pads = {1, 2, 0, 3};
        Tensor out = Indexing.pad(x, pads, -7);
        assertArrayEquals(new int[] {2, 6, 7}, out.sizes());
        forEachIndex(out.sizes(), p -> {
            int i = p[1], j = p[2] - 1;
            double want = i < 3 && j >= 0 && j < 4 ? x.getDouble(p[0], i, j) : -7;
            assertEquals(want, out.getDouble(p));
        });
    }

    @Test
    void im2colMatchesNaiveUnfold() {
        Random r = new Random(7);
        int[][] cases = {
            // B, C, H, W, kh, kw, stride, padding
            {2, 3, 5, 6, 3, 3, 1, 0}, {1, 2, 7, 5, 3, 2, 2, 1}, {2, 1, 4, 4, 4, 4, 4, 0},
            {1, 3, 6, 7, 2, 3, 3, 2}, {1, 1, 1, 1, 1, 1, 1, 0}, {1, 2, 5, 5, 5, 5, 1, 2},
        };
        for (int[] k : cases) {
            Tensor x = relayout(random(DType.F32, new int[] {k[0], k[1], k[2], k[3]}, r), r);
            Tensor out = Indexing.im2col(x, k[4], k[5], k[6], k[7]);
            assertSameValues(naiveUnfold(x, k[4], k[5], k[6], k[7]), out, "im2col " + java.util.Arrays.toString(k));
        }
    }

    @Test
    void patchifyMatchesNaive() {
        Random r = new Random(8);
        for (int[] k : new int[][] {{2, 3, 8, 12, 4}, {1, 1, 3, 3, 1}, {1, 2, 6, 4, 2}}) {
            int b = k[0], c = k[1], h = k[2], w = k[3], p = k[4], gw = w / p;
            Tensor x = relayout(random(DType.F32, new int[] {b, c, h, w}, r), r);
            Tensor out = Indexing.patchify(x, p);
            Tensor expected = Tensor.empty(DType.F32, b, (h / p) * gw, c * p * p);
            forEachIndex(x.sizes(), q -> {
                int n = (q[2] / p) * gw + q[3] / p, col = (q[1] * p + q[2] % p) * p + q[3] % p;
                expected.setDouble(x.getDouble(q), q[0], n, col);
            });
            assertSameValues(expected, out, "patchify " + java.util.Arrays.toString(k));
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    /** torch.nn.functional.unfold by definition: out[b][(c*kh + i)*kw + j][oy*OW + ox], zero outside x. */
    private static Tensor naiveUnfold(Tensor x, int kh, int kw, int stride, int pad) {
        int b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        int oh = (h + 2 * pad - kh) / stride + 1, ow = (w + 2 * pad - kw) / stride + 1;
        Tensor out = Tensor.zeros(b, c * kh * kw, oh * ow);
        forEachIndex(new int[] {b, c, kh, kw, oh, ow}, p -> {
            int y = p[4] * stride + p[2] - pad, xx = p[5] * stride + p[3] - pad;
            double v = y >= 0 && y < h && xx >= 0 && xx < w ? x.getDouble(p[0], p[1], y, xx) : 0;
            out.setDouble(v, p[0], (p[1] * kh + p[2]) * kw + p[3], p[4] * ow + p[5]);
        });
        return out;
    }

    /** Row-major walk over index, adding in the value type's own arithmetic. */
    private static Tensor naiveScatterAdd(Tensor x, int dim, Tensor index, Tensor src) {
        Tensor out = x.copy();
        forEachIndex(index.sizes(), p -> {
            int[] q = p.clone();
            q[dim] = (int) index.getLong(p);
            switch (x.dtype()) {
                case F32 -> out.setDouble(out.getFloat(q) + src.getFloat(p), q);
                case F64 -> out.setDouble(out.getDouble(q) + src.getDouble(p), q);
                case I32 -> out.setDouble((int) (out.getLong(q) + src.getLong(p)), q);
                case I64 -> {
                    CpuStorage s = (CpuStorage) out.storage();
                    s.setLong(out.storageIndex(q), out.getLong(q) + src.getLong(p));
                }
                case BOOL -> out.setDouble(out.getDouble(q) != 0 || src.getDouble(p) != 0 ? 1 : 0, q);
            }
        });
        return out;
    }

    /** to[q] = from[p], exact for every dtype (longs do not pass through double). */
    private static void copyElement(Tensor from, int[] p, Tensor to, int[] q) {
        CpuStorage s = (CpuStorage) to.storage();
        if (from.dtype().isFloating()) s.setDouble(to.storageIndex(q), from.getDouble(p));
        else s.setLong(to.storageIndex(q), from.getLong(p));
    }

    private static void assertOutOfRange(Runnable op, String... fragments) {
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, op::run);
        assertTrue(e.getMessage() != null, "message lost");
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' lacks '" + f + "'");
    }

    /** Same shape, dtype and bitwise-equal values (NaN-free data; integers compared as long). */
    private static void assertSameValues(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.sizes(), actual.sizes(), what + ": shape");
        assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
        forEachIndex(expected.sizes(), p -> {
            if (expected.dtype().isFloating()) {
                assertEquals(
                        Double.doubleToRawLongBits(expected.getDouble(p)),
                        Double.doubleToRawLongBits(actual.getDouble(p)),
                        what + " at " + java.util.Arrays.toString(p));
            } else {
                assertEquals(expected.getLong(p), actual.getLong(p), what + " at " + java.util.Arrays.toString(p));
            }
        });
    }

    /** Ranks 1..4, sizes 0..5 (a zero size now and then). */
    private static int[] randomShape(Random r) {
        int[] s = new int[1 + r.nextInt(4)];
        for (int i = 0; i < s.length; i++) s[i] = r.nextInt(10) == 0 ? 0 : 1 + r.nextInt(5);
        return s;
    }

    private static Tensor random(DType dtype, int[] shape, Random r) {
        Tensor t = Tensor.empty(dtype, shape);
        CpuStorage s = (CpuStorage) t.storage();
        for (int i = 0; i < t.numel(); i++) {
            switch (dtype) {
                case F32, F64 -> s.setDouble(i, r.nextGaussian());
                case I32 -> s.setLong(i, r.nextInt(2001) - 1000);
                case I64 -> s.setLong(i, r.nextLong() >> 8);
                case BOOL -> s.setDouble(i, r.nextInt(3) == 0 ? 1 : 0);
            }
        }
        return t;
    }

    private static Tensor randomIndex(DType dtype, int[] shape, int bound, Random r) {
        Tensor t = Tensor.empty(dtype, shape);
        CpuStorage s = (CpuStorage) t.storage();
        for (int i = 0; i < t.numel(); i++) s.setLong(i, r.nextInt(Math.max(1, bound)));
        return t;
    }

    /** The same values in another layout: as is, a permuted storage seen back through permute, or a stride-2 slice. */
    private static Tensor relayout(Tensor t, Random r) {
        int rank = t.rank();
        switch (r.nextInt(3)) {
            case 0 -> {
                return t;
            }
            case 1 -> {
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < rank; i++) order.add(i);
                java.util.Collections.shuffle(order, r);
                int[] perm = order.stream().mapToInt(Integer::intValue).toArray(), inverse = new int[rank];
                for (int i = 0; i < rank; i++) inverse[perm[i]] = i;
                return t.permute(perm).copy().permute(inverse);
            }
            default -> {
                int[] wide = t.sizes();
                wide[rank - 1] = 2 * wide[rank - 1] + 1;
                Tensor big = Tensor.empty(t.dtype(), wide);
                Tensor view = big.slice(rank - 1, 1, wide[rank - 1], 2);
                view.copyFrom(t);
                return view;
            }
        }
    }

    private static void forEachIndex(int[] shape, Consumer<int[]> body) {
        for (int d : shape) if (d == 0) return;
        int[] p = new int[shape.length];
        while (true) {
            body.accept(p.clone());
            int d = shape.length - 1;
            while (d >= 0 && ++p[d] == shape[d]) p[d--] = 0;
            if (d < 0) return;
        }
    }
}
