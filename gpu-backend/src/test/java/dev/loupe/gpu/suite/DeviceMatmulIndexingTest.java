package dev.loupe.gpu.suite;

import static dev.loupe.gpu.suite.DeviceTwin.same;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.LinearAlgebra;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Products (CLBlast) and gather / scatter_add / index_select: the test device against the host backend. */
class DeviceMatmulIndexingTest {
    @Test
    void productsOnEveryLayout() {
        if (!TestDevice.ready("productsOnEveryLayout")) return;
        Rng rng = new Rng(21);
        Tensor a = DeviceTwin.randn(rng, 13, 7), b = DeviceTwin.randn(rng, 7, 11);
        same("matmul 13x7 @ 7x11", t -> t[0].matmul(t[1]), a, b);
        same("A^T B (transposed view)", t -> t[0].mT().contiguous().mT().matmul(t[1]), a, b);
        same("A B^T (transposed view)", t -> t[0].matmul(t[1].mT().contiguous().mT()), a, b);
        same("A^T B^T", t -> t[1].mT().matmul(t[0].mT()), a, b);
        same("gapped column slice (copied first)", t -> t[0].slice(1, 0, 7, 2).matmul(t[1].narrow(0, 0, 4)), a, b);
        same("matrix-vector", t -> t[0].matmul(t[1].select(1, 3)), a, b);
        same("vector-matrix", t -> t[0].select(0, 2).matmul(t[1]), a, b);
        same(
                "F64",
                t -> t[0].to(DType.F64)
                        .matmul(t[1].to(DType.F64).mT().contiguous().mT()),
                a,
                b);
        Tensor x = DeviceTwin.randn(rng, 3, 5, 9, 6), y = DeviceTwin.randn(rng, 5, 6, 10);
        same("batched, b broadcast over the leading batch dim", t -> t[0].matmul(t[1]), x, y);
        same("batched, both transposed", t -> t[1].mT().matmul(t[0].mT()), x, y);
        same(
                "batched, attention-like permuted views",
                t -> t[0].permute(0, 2, 1, 3).matmul(t[0].permute(0, 2, 3, 1)),
                x);
        same("batched, one matrix broadcast over all", t -> t[0].matmul(t[1].select(0, 1)), x, y);
        same("empty inner dim gives zeros", t -> t[0].narrow(1, 0, 0).matmul(t[1].narrow(0, 0, 0)), a, b);
        Tensor w = DeviceTwin.randn(rng, 11, 7), bias = DeviceTwin.randn(rng, 11);
        same("linear with bias", t -> LinearAlgebra.linear(t[0], t[1], t[2]), a, w, bias);
        same("linear without bias", t -> LinearAlgebra.linear(t[0], t[1], null), a, w);
        same(
                "linear F64",
                t -> LinearAlgebra.linear(t[0].to(DType.F64), t[1].to(DType.F64), t[2].to(DType.F64)),
                a,
                w,
                bias);
        same("linear of a row slice", t -> LinearAlgebra.linear(t[0].narrow(0, 3, 5), t[1], t[2]), a, w, bias);
        Tensor residual = DeviceTwin.randn(rng, a.size(0), 11);
        same("linear + residual", t -> LinearAlgebra.linear(t[0], t[1], t[2], t[3]), a, w, bias, residual);
        same("linear without bias + residual", t -> LinearAlgebra.linear(t[0], t[1], null, t[2]), a, w, residual);
    }

    @Test
    void gatherScatterIndexSelect() {
        if (!TestDevice.ready("gatherScatterIndexSelect")) return;
        Rng rng = new Rng(22);
        Tensor x = DeviceTwin.randn(rng, 6, 9, 5);
        for (DType idx : new DType[] {DType.I32, DType.I64}) {
            for (int dim = 0; dim < 3; dim++) {
                int d = dim;
                int[] ishape = {4, 7, 3};
                ishape[d] = 8;
                Tensor index = DeviceTwin.ints(rng, x.size(d), idx, ishape);
                same(
                        "gather dim " + d + " " + idx,
                        t -> t[0].transpose(0, 2).transpose(0, 2).gather(d, t[1]),
                        x,
                        index);
                Tensor src = DeviceTwin.randn(rng, ishape);
                same(
                        "scatter_add dim " + d + " " + idx + " (repeated indices)",
                        t -> t[0].scatterAdd(d, t[1], t[2]),
                        x,
                        index,
                        src);
                Tensor sel = DeviceTwin.ints(rng, x.size(d), idx, 11);
                same(
                        "index_select dim " + d + " " + idx + " (strided input)",
                        t -> t[0].slice(1, 0, 9, 2).indexSelect(d, t[1]),
                        x,
                        d == 1 ? DeviceTwin.ints(rng, 5, idx, 11) : sel);
            }
        }
        same(
                "index_select with a strided index",
                t -> t[0].indexSelect(0, t[1].slice(0, 1, 11, 3)),
                x,
                DeviceTwin.ints(rng, 6, DType.I64, 11));
        same(
                "gather of I64 values",
                t -> t[0].mul(5).to(DType.I64).gather(1, t[1]),
                x,
                DeviceTwin.ints(rng, 9, DType.I64, 6, 4, 5));
        Tensor onDevice = x.to(TestDevice.DEVICE);
        Tensor bad = Tensor.ofLongs(new long[] {0, 9, 2}).to(TestDevice.DEVICE);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> onDevice.indexSelect(0, bad));
        assertTrue(e.getMessage().contains("index_select") && e.getMessage().contains("[0, 6)"), e.getMessage());
        assertThrows(
                IndexOutOfBoundsException.class,
                () -> onDevice.gather(
                        2, Tensor.ofLongs(new long[] {-1}, 1, 1, 1).to(TestDevice.DEVICE)));
    }
}
