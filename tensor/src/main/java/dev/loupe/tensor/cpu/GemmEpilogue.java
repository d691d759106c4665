package dev.loupe.tensor.cpu;

import dev.loupe.tensor.UnaryOp;

/**
 * An elementwise op applied to each finished block of a GEMM's C (one thread's rows and panels,
 * right after its last K block, while it is still in L2): o = op(c), o laid out as C (same leading
 * dimension) from oOff where C starts at cOff. Runs the op's vector loop ({@link UnaryLoops#map})
 * row by row, or GELU's over the whole block, so each element gets the bits it would get from one
 * pass over the whole matrix. When o is c itself each row goes through scratch and back, since some
 * loops (the sigmoid family's) write o before they have read all of x.
 */
record GemmEpilogue(UnaryOp op, float[] c, int cOff, float[] o, int oOff) {
    /** Rows x cols of C from c[co], row stride ldc. */
    void apply(int co, int ldc, int rows, int cols) {
        boolean inPlace = o == c && oOff == cOff;
        int oo = oOff + (co - cOff);
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
}
