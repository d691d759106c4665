package dev.loupe.tensor;

/**
 * Element types. F32 is the working type on CPU; F64 serves the reference path (gradcheck);
 * I32 / I64 hold indices; BOOL holds comparison results and masks (one byte per element).
 */
public enum DType {
    F32(4, true),
    F64(8, true),
    I32(4, false),
    I64(8, false),
    BOOL(1, false);

    private final int byteSize;
    private final boolean floating;

    DType(int byteSize, boolean floating) {
        this.byteSize = byteSize;
        this.floating = floating;
    }

    public int byteSize() {
        return byteSize;
    }

    public boolean isFloating() {
        return floating;
    }

    /** The type both operands of a binary op are computed in: the wider float, else the wider integer. */
    public static DType promote(DType a, DType b) {
        if (a == b) return a;
        if (a == F64 || b == F64) return F64;
        if (a == F32 || b == F32) return F32;
        if (a == I64 || b == I64) return I64;
        if (a == I32 || b == I32) return I32;
        return BOOL;
    }
}
