package dev.loupe.tensor;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The profiler's counts: calls, flops of products and attention, bytes of everything else, and the report. */
class KernelProfilerTest {
    @AfterEach
    void stop() {
        KernelProfiler.stop();
        KernelProfiler.keyProductsByShape(false);
    }

    private static Map<String, KernelProfiler.Entry> byKernel(List<KernelProfiler.Entry> rows) {
        return rows.stream().collect(Collectors.toMap(KernelProfiler.Entry::kernel, e -> e));
    }

    @Test
    void countsFlopsOfProductsAndAttentionAndBytesOfElementwiseOps() {
        Rng rng = new Rng(1);
        Tensor a = Tensor.randn(rng, 2, 5, 7), b = Tensor.randn(rng, 7, 3), x = Tensor.randn(rng, 4, 6);
        Tensor q = Tensor.randn(rng, 2, 3, 5, 4), k = Tensor.randn(rng, 2, 3, 6, 4), v = Tensor.randn(rng, 2, 3, 6, 2);
        KernelProfiler.start();
        a.matmul(b); // batch 2 of (5 x 7) . (7 x 3)
        LinearAlgebra.linear(x, Tensor.randn(rng, 9, 6), Tensor.randn(rng, 9)); // (4 x 6) . (6 x 9) + bias
        x.add(x);
        ScaledDotProductAttention.forward(q, k, v, 0.5, false, null);
        Map<String, KernelProfiler.Entry> rows = byKernel(KernelProfiler.stop());
        assertEquals(2, rows.get("matmul").calls());
        assertEquals(2.0 * 2 * 5 * 3 * 7 + 2.0 * 4 * 9 * 6, rows.get("matmul").flops());
        assertEquals(0, rows.get("matmul").bytes());
        assertEquals(3.0 * 4 * 6 * 4, rows.get("binary:ADD").bytes()); // two operands read, one result written
        assertEquals(2.0 * 2 * 3 * 5 * 6 * (4 + 2), rows.get("attention").flops());
        assertTrue(rows.get("allocate").bytes() >= 4.0 * (2 * 5 * 3 + 4 * 9 + 4 * 6));
    }

    @Test
    void productsKeyedByShapeAndLayout() {
        Rng rng = new Rng(2);
        Tensor x = Tensor.randn(rng, 4, 6), w = Tensor.randn(rng, 9, 6);
        KernelProfiler.keyProductsByShape(true);
        KernelProfiler.start();
        LinearAlgebra.linear(x, w, Tensor.randn(rng, 9)); // (4 x 6) . (9 x 6)^T: B a transposed view
        Tensor.randn(rng, 6, 4).mT().matmul(Tensor.randn(rng, 6, 2)); // A transposed: a weight gradient's form
        Tensor.randn(rng, 2, 3, 5).matmul(Tensor.randn(rng, 5, 4)); // one matrix broadcast over a batch of 2
        Tensor.randn(rng, 3, 5, 7).matmul(Tensor.randn(rng, 3, 7, 2)); // a batch of 3
        Map<String, KernelProfiler.Entry> rows = byKernel(KernelProfiler.stop());
        assertEquals(
                2.0 * 4 * 9 * 6,
                rows.get("matmul 4x9x6 NT").flops(),
                rows.keySet().toString());
        assertEquals(
                2.0 * 4 * 2 * 6,
                rows.get("matmul 4x2x6 TN").flops(),
                rows.keySet().toString());
        assertEquals(
                2.0 * 6 * 4 * 5,
                rows.get("matmul 2 x 3x4x5 NN").flops(),
                rows.keySet().toString());
        assertEquals(1, rows.get("matmul 3 x 5x2x7 NN").calls(), rows.keySet().toString());
        assertNull(rows.get("matmul"), "no product under the bare name while keyed by shape");
        KernelProfiler.keyProductsByShape(false);
        KernelProfiler.start();
        x.matmul(w.mT());
        assertEquals(1, byKernel(KernelProfiler.stop()).get("matmul").calls());
    }

    @Test
    void reportShowsRatesAndThePercentOfTheRelevantLimit() {
        List<KernelProfiler.Entry> rows = List.of(
                new KernelProfiler.Entry("matmul", 3, 2.0, 400e9, 0),
                new KernelProfiler.Entry("binary:ADD", 5, 1.0, 0, 10e9),
                new KernelProfiler.Entry("gather", 1, 0.5, 0, 0));
        String report = KernelProfiler.format(rows, new KernelProfiler.Limits(400, 40));
        assertTrue(report.contains("200.0 GFLOP/s") && report.contains("50%"), report); // 200 of 400 GFLOP/s
        assertTrue(report.contains("10.0 GB/s") && report.contains("25%"), report); // 10 of 40 GB/s
        assertTrue(report.contains("57.1%"), report); // matmul's share of 3.5 s
        String unknown = KernelProfiler.format(rows);
        assertFalse(unknown.contains("%\n") && unknown.contains(" 50%"), unknown);
    }
}
