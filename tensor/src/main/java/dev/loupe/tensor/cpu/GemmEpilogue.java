package dev.loupe.tensor.cpu;

import dev.loupe.tensor.UnaryOp;

/**
 * An elementwise op applied to each finished block of a GEMM's C (one thread's rows and panels,
 * right after its last K block, while it is still in L2): o = op(c), o laid out as C (same leading
 * dimension) from oOff where C starts at cOff. Runs the op's vector loop ({@link UnaryLoops#map})
 * row by row, or GELU's over the whole block, so each element gets the bits it would get from one
 * pass over the whole matrix. When o is c itself each row goes through scratch and back, since some
 * loops (the sigmoid family's) write o before they have read all of x. The derivative form,
 * c = c * op'(x), is a backward pass's gradient through the op that followed a product; the residual
 * form (op null), c = c + x, adds a residual stream to a linear layer's output.
 */
record GemmEpilogue(UnaryOp op, float[] c, int cOff, float[] o, int oOff, float[] x, int xOff) {
    /** o = op(c). */
    static GemmEpilogue of(UnaryOp op, float[] c, int cOff, float[] o, int oOff) {
        return new GemmEpilogue(op, c, cOff, o, oOff, null, 0);
    }

    /**
     * c = c * op'(x), in place, x laid out as C from xOff: a backward pass's gradient through the op,
     * with {@link UnaryBackwardLoops#map}'s bits.
     */
    static GemmEpilogue derivative(UnaryOp op, float[] c, int cOff, float[] x, int xOff) {
        return new GemmEpilogue(op, c, cOff, c, cOff, x, xOff);
    }

    /** c = c + x, in place, x laid out as C from xOff: a residual added to the product (one float add). */
    static GemmEpilogue residual(float[] c, int cOff, float[] x, int xOff) {
        return new GemmEpilogue(null, c, cOff, c, cOff, x, xOff);
    }

    /** Rows x cols of C from c[co], row stride ldc. */
    void apply(int co, int ldc, int rows, int cols) {
        boolean inPlace = o == c && oOff == cOff;
        int oo = oOff + (co - cOff);
        if (op == null) {
            int xo = xOff + (co - cOff);
            for (int r = 0; r < rows; r++) ZipLoops.add(c, co + r * ldc, 1, x, xo + r * ldc, 1, c, co + r * ldc, cols);
            return;
        }
        if (x != null) {
            applyDerivative(co, ldc, rows, cols);
            return;
        }
        if (op == UnaryOp.GELU) { // reads each element before writing it: in place is safe
            GeluLoops.forwardRows(c, co, o, oo, ldc, rows, cols);
            return;
        }
        float[] scratch = inPlace ? new float[cols] : null;
        for (int r = 0; r < rows; r++) {
            if (inPlace) {
                UnaryLoops.map(op, c, co + r * ldc, scratch, 0, cols);
                System.arraycopy(scratch, 0, c, co + r * ldc, cols);
            } else {
                UnaryLoops.map(op, c, co + r * ldc, o, oo + r * ldc, cols);
            }
        }
    }

    private void applyDerivative(int co, int ldc, int rows, int cols) {
        int xo = xOff + (co - cOff);
        // GELU's loop reads g before writing each element; the sigmoid family's writes o first
        float[] scratch = op == UnaryOp.GELU ? null : new float[cols];
        for (int r = 0; r < rows; r++) {
            int row = co + r * ldc;
            if (scratch == null) {
                UnaryBackwardLoops.map(op, x, xo + r * ldc, c, row, c, row, cols);
            } else {
                UnaryBackwardLoops.map(op, x, xo + r * ldc, c, row, scratch, 0, cols);
                System.arraycopy(scratch, 0, c, row, cols);
            }
        }
    }
}
