package dev.loupe.tensor;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Layout ops: views share storage and read the right elements; errors name the shapes. */
class TensorViewsTest {
    /** 0, 1, 2, ... in F32 with the given shape. */
    private static Tensor iota(int... shape) {
        int n = Shape.numel(shape);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return Tensor.of(a, shape);
    }

    @Test
    void transposeIsAViewWithSwappedStrides() {
        Tensor x = iota(2, 3);
        Tensor t = x.transpose(0, 1);
        assertSame(x.storage(), t.storage());
        assertArrayEquals(new int[] {3, 2}, t.sizes());
        assertArrayEquals(new int[] {1, 3}, t.strides());
        assertFalse(t.isContiguous());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, t.toFloatArray());
    }

    @Test
    void reshapeOfContiguousIsAView() {
        Tensor x = iota(2, 3, 4);
        Tensor r = x.reshape(6, -1);
        assertSame(x.storage(), r.storage());
        assertArrayEquals(new int[] {6, 4}, r.sizes());
        assertEquals(9f, r.getFloat(2, 1));
    }

    @Test
    void reshapeOfTransposedCopiesAndKeepsRowMajorOrder() {
        Tensor t = iota(2, 3).transpose(0, 1); // (3, 2)
        Tensor r = t.reshape(6);
        assertNotSame(t.storage(), r.storage());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, r.toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> t.view(6));
    }

    @Test
    void viewSplitsAndMergesCompatibleDimsOfStridedTensors() {
        // x: (4, 6) sliced to columns 0..5 step 1 of a wider tensor: rows are not adjacent
        Tensor wide = iota(4, 8);
        Tensor x = wide.narrow(1, 1, 6); // (4, 6), strides (8, 1)
        Tensor v = x.view(4, 2, 3); // split the contiguous last dim: allowed
        assertArrayEquals(new int[] {8, 3, 1}, v.strides());
        assertArrayEquals(x.contiguous().reshape(4, 2, 3).toFloatArray(), v.toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> x.view(24)); // rows have gaps
    }

    @Test
    void randomReshapesOfViewsMatchReshapesOfCopies() {
        Rng rng = new Rng(7);
        int[][] targets = {{2, 3, 4}, {6, 4}, {24}, {4, 6}, {1, 24, 1}, {2, 12}, {3, 8}};
        for (int trial = 0; trial < 50; trial++) {
            Tensor base = iota(2, 3, 4);
            Tensor v =
                    switch (rng.nextInt(4)) {
                        case 0 -> base;
                        case 1 -> base.permute(2, 0, 1);
                        case 2 -> base.transpose(0, 2);
                        default -> base.permute(1, 2, 0);
                    };
            int[] shape = targets[rng.nextInt(targets.length)];
            assertArrayEquals(
                    v.contiguous().reshape(shape).toFloatArray(),
                    v.reshape(shape).toFloatArray(),
                    "reshape of " + v.shape() + " strides " + Shape.format(v.strides()) + " to " + Shape.format(shape));
        }
    }

    @Test
    void narrowSliceSelectShareStorage() {
        Tensor x = iota(4, 5);
        Tensor n = x.narrow(0, 1, 2);
        assertEquals(5f, n.getFloat(0, 0));
        Tensor s = x.slice(1, 1, 5, 2); // columns 1, 3
        assertArrayEquals(new int[] {4, 2}, s.sizes());
        assertArrayEquals(new float[] {1, 3, 6, 8, 11, 13, 16, 18}, s.toFloatArray());
        Tensor row = x.select(0, -1);
        assertArrayEquals(new float[] {15, 16, 17, 18, 19}, row.toFloatArray());
        row.setDouble(100, 0);
        assertEquals(100f, x.getFloat(3, 0), "select is a view: writes reach the base");
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> x.narrow(1, 3, 3));
        assertTrue(e.getMessage().contains("(4, 5)"), e.getMessage());
    }

    @Test
    void expandBroadcastsWithZeroStride() {
        Tensor b = iota(3);
        Tensor e = b.expand(2, 3);
        assertArrayEquals(new int[] {0, 1}, e.strides());
        assertArrayEquals(new float[] {0, 1, 2, 0, 1, 2}, e.toFloatArray());
        Tensor col = iota(2, 1).expand(-1, 4);
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 1, 1, 1}, col.toFloatArray());
        IllegalArgumentException ex =
                assertThrows(IllegalArgumentException.class, () -> iota(2, 3).expand(4, 3));
        assertTrue(ex.getMessage().contains("(2, 3)") && ex.getMessage().contains("(4, 3)"), ex.getMessage());
    }

    @Test
    void squeezeUnsqueezeFlatten() {
        Tensor x = iota(2, 1, 3);
        assertArrayEquals(new int[] {2, 3}, x.squeeze(1).sizes());
        assertArrayEquals(new int[] {2, 3}, x.squeeze().sizes());
        assertArrayEquals(new int[] {2, 1, 3, 1}, x.unsqueeze(-1).sizes());
        assertArrayEquals(new int[] {1, 2, 1, 3}, x.unsqueeze(0).sizes());
        assertArrayEquals(new int[] {6}, x.flatten().sizes());
        assertArrayEquals(new int[] {2, 3}, x.flatten(1, 2).sizes());
        assertThrows(IllegalArgumentException.class, () -> x.squeeze(0));
    }

    @Test
    void copyFromBroadcastsIntoStridedDestination() {
        Tensor dst = Tensor.zeros(3, 4).transpose(0, 1); // (4, 3), strides (1, 4)
        dst.copyFrom(iota(3));
        assertArrayEquals(new float[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2}, dst.toFloatArray());
    }

    @Test
    void dtypeConversionsRoundTrip() {
        Tensor x = Tensor.of(new float[] {-1.5f, 0f, 2.25f});
        assertArrayEquals(new double[] {-1.5, 0, 2.25}, x.to(DType.F64).toDoubleArray());
        assertArrayEquals(new long[] {-1, 0, 2}, x.to(DType.I64).toLongArray());
        assertArrayEquals(new long[] {1, 0, 1}, x.to(DType.BOOL).toLongArray());
        long big = (1L << 40) + 3;
        assertEquals(big, Tensor.ofLongs(new long[] {big}).to(DType.I64).getLong(0), "integer copies stay exact");
    }

    @Test
    void creationOps() {
        assertArrayEquals(new long[] {0, 1, 2, 3}, Tensor.arange(4).toLongArray());
        assertArrayEquals(
                new float[] {1, 1.5f, 2, 2.5f},
                Tensor.arange(DType.F32, 1, 3, 0.5).toFloatArray());
        assertArrayEquals(new float[] {1, 0, 0, 1}, Tensor.eye(DType.F32, 2).toFloatArray());
        assertArrayEquals(new float[] {7, 7}, Tensor.full(DType.F32, 7, 2).toFloatArray());
        assertEquals(0, Tensor.zeros(0, 3).numel());
        assertEquals(
                0,
                Shape.numel(new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, 0}),
                "a zero dim makes any shape empty");
        assertThrows(IllegalArgumentException.class, () -> Shape.numel(new int[] {65536, 65536}));
        assertEquals(3.5, Tensor.scalar(3.5f).item());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("(2, 3)"), e.getMessage());
    }

    @Test
    void randomStreamsAreSeededAndSplittable() {
        assertArrayEquals(
                Tensor.randn(new Rng(1), 100).toFloatArray(),
                Tensor.randn(new Rng(1), 100).toFloatArray());
        Rng a = new Rng(1), b = new Rng(1);
        assertEquals(a.split().nextLong(), b.split().nextLong());
        assertNotEquals(new Rng(1).nextLong(), new Rng(2).nextLong());
        float[] u = Tensor.rand(new Rng(3), 10000).toFloatArray();
        double mean = 0;
        for (float v : u) {
            assertTrue(v >= 0 && v < 1);
            mean += v / u.length;
        }
        assertEquals(0.5, mean, 0.02);
    }

    @Test
    void truncatedNormalStaysInBoundsWithTheRightSpread() {
        float[] v = Tensor.truncNormal(new Rng(5), 0.02, -0.04, 0.04, 20000).toFloatArray();
        double sum = 0, sq = 0;
        for (float x : v) {
            assertTrue(x >= -0.04f && x <= 0.04f, "value " + x + " outside [-2 std, 2 std]");
            sum += x;
            sq += x * x;
        }
        double mean = sum / v.length, std = Math.sqrt(sq / v.length - mean * mean);
        assertEquals(0, mean, 0.001);
        // a normal truncated at +-2 sigma keeps 0.8796 of its standard deviation
        assertEquals(0.02 * 0.8796, std, 0.0005);
    }

    @Test
    void erfMatchesKnownValues() {
        assertEquals(0.0, Erf.erf(0), 0);
        assertEquals(0.5204998778130465, Erf.erf(0.5), 1e-15);
        assertEquals(0.8427007929497149, Erf.erf(1), 1e-15);
        assertEquals(-0.9953222650189527, Erf.erf(-2), 1e-15);
        assertEquals(0.9999999845827421, Erf.erf(4), 1e-15);
        assertEquals(1.0, Erf.erf(30), 0);
        for (double y : new double[] {-0.999, -0.5, 0, 0.1, 0.9, 0.999999}) {
            assertEquals(y, Erf.erf(InverseErf.erfinv(y)), 1e-13);
        }
    }

    @Test
    void badBroadcastNamesBothShapes() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> Shape.broadcast("add", new int[] {2, 3}, new int[] {4}));
        assertTrue(
                e.getMessage().contains("add")
                        && e.getMessage().contains("(2, 3)")
                        && e.getMessage().contains("(4,)"),
                e.getMessage());
    }
}
