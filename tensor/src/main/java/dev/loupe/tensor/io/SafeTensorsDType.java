package dev.loupe.tensor.io;

import dev.loupe.tensor.DType;

/**
 * The safetensors dtypes Loupe reads, with their width in the file and the Loupe dtype they load
 * as. F16 and BF16 widen to F32 (the CPU working type); U8 widens to I32 because Loupe has no
 * unsigned byte type and BOOL would lose values above 1.
 */
enum SafeTensorsDType {
    F32(4, DType.F32),
    F64(8, DType.F64),
    I32(4, DType.I32),
    I64(8, DType.I64),
    F16(2, DType.F32),
    BF16(2, DType.F32),
    BOOL(1, DType.BOOL),
    U8(1, DType.I32);

    final int byteSize;
    final DType loadsAs;

    SafeTensorsDType(int byteSize, DType loadsAs) {
        this.byteSize = byteSize;
        this.loadsAs = loadsAs;
    }

    /** The file dtype named {@code name}, or null when Loupe cannot read it. */
    static SafeTensorsDType parse(String name) {
        for (SafeTensorsDType t : values()) if (t.name().equals(name)) return t;
        return null;
    }

    /** How a Loupe dtype is stored: every Loupe dtype has an exact safetensors counterpart. */
    static SafeTensorsDType of(DType dtype) {
        return switch (dtype) {
            case F32 -> F32;
            case F64 -> F64;
            case I32 -> I32;
            case I64 -> I64;
            case BOOL -> BOOL;
        };
    }
}
