package dev.loupe.tensor.cpu;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.tensor.Tensor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StridedLoopTest {
    @Test
    void contiguousOperandsCoalesceIntoOneRun() {
        Tensor a = Tensor.zeros(4, 5, 6), b = Tensor.zeros(4, 5, 6);
        StridedLoop loop = StridedLoop.of(a, b);
        assertEquals(120, loop.innerLength());
        assertEquals(1, loop.runs());
        assertEquals(1, loop.innerStride(0));
    }

    @Test
    void broadcastOperandKeepsZeroInnerStride() {
        Tensor out = Tensor.zeros(3, 8);
        Tensor bias = Tensor.zeros(8).expand(3, 8);
        Tensor col = Tensor.zeros(3, 1).expand(3, 8);
        StridedLoop loop = StridedLoop.of(out, bias, col);
        assertEquals(8, loop.innerLength());
        assertEquals(3, loop.runs());
        assertEquals(1, loop.innerStride(1));
        assertEquals(0, loop.innerStride(2));
    }

    @Test
    void visitsEveryElementOnceWithTheRightOffsets() {
        Tensor t = Tensor.zeros(5, 7, 3).permute(2, 0, 1).narrow(2, 1, 5); // (3, 5, 5), gaps and odd strides
        StridedLoop loop = StridedLoop.of(t);
        AtomicInteger seen = new AtomicInteger();
        boolean[] hit = new boolean[t.storage().length()];
        int stride = loop.innerStride(0);
        loop.forEach((base, n) -> {
            for (int i = 0; i < n; i++) {
                synchronized (hit) {
                    assertFalse(hit[base[0] + i * stride]);
                    hit[base[0] + i * stride] = true;
                }
                seen.incrementAndGet();
            }
        });
        assertEquals(t.numel(), seen.get());
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 5; j++)
                for (int k = 0; k < 5; k++) {
                    assertTrue(hit[t.storageIndex(i, j, k)]);
                }
    }

    @Test
    void forEachElementCutsOneLongRunIntoBlocksCoveringEveryElementOnce() {
        int n = 3 * StridedLoop.BLOCK + 17;
        Tensor src = Tensor.zeros(n), dst = Tensor.zeros(n + 5).narrow(0, 5, n); // dst offset 5
        StridedLoop loop = StridedLoop.of(src, dst);
        assertEquals(1, loop.runs());
        int[] hits = new int[n];
        AtomicInteger calls = new AtomicInteger();
        loop.forEachElement((base, len) -> {
            calls.incrementAndGet();
            assertEquals(base[0] + 5, base[1], "operands advance together");
            for (int i = 0; i < len; i++) {
                synchronized (hits) {
                    hits[base[0] + i]++;
                }
            }
        });
        for (int h : hits) assertEquals(1, h);
        assertEquals(4, calls.get(), "n / BLOCK rounded up");
    }

    @Test
    void emptyAndScalarShapes() {
        assertEquals(0, StridedLoop.of(Tensor.zeros(3, 0)).runs());
        StridedLoop s = StridedLoop.of(Tensor.scalar(1f));
        assertEquals(1, s.runs());
        assertEquals(1, s.innerLength());
    }
}
