package dev.loupe.tensor;

import java.util.Objects;

/**
 * Host storage over a Java primitive array (float[], double[], int[], long[] or byte[] for BOOL).
 * Heap arrays keep the Vector API on its fastest path (fromArray/intoArray) and let the JIT remove
 * bounds checks; native memory (safetensors mapping, accelerator staging) goes through FFM and is
 * copied in at the edges.
 */
public final class CpuStorage implements Storage {
    private final DType dtype;
    private final Object array;
    private final int length;

    private CpuStorage(DType dtype, Object array, int length) {
        this.dtype = dtype;
        this.array = array;
        this.length = length;
    }

    public static CpuStorage allocate(DType dtype, int length) {
        if (length < 0) throw new IllegalArgumentException("storage length must be >= 0, got " + length);
        return switch (dtype) {
            case F32 -> new CpuStorage(dtype, new float[length], length);
            case F64 -> new CpuStorage(dtype, new double[length], length);
            case I32 -> new CpuStorage(dtype, new int[length], length);
            case I64 -> new CpuStorage(dtype, new long[length], length);
            case BOOL -> new CpuStorage(dtype, new byte[length], length);
        };
    }

    public static CpuStorage of(float[] a) {
        return new CpuStorage(DType.F32, Objects.requireNonNull(a), a.length);
    }

    public static CpuStorage of(double[] a) {
        return new CpuStorage(DType.F64, Objects.requireNonNull(a), a.length);
    }

    public static CpuStorage of(int[] a) {
        return new CpuStorage(DType.I32, Objects.requireNonNull(a), a.length);
    }

    public static CpuStorage of(long[] a) {
        return new CpuStorage(DType.I64, Objects.requireNonNull(a), a.length);
    }

    /** BOOL storage: one byte per element, 0 or 1. */
    public static CpuStorage ofBool(byte[] a) {
        return new CpuStorage(DType.BOOL, Objects.requireNonNull(a), a.length);
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    public float[] f32() {
        return (float[]) typed(DType.F32);
    }

    public double[] f64() {
        return (double[]) typed(DType.F64);
    }

    public int[] i32() {
        return (int[]) typed(DType.I32);
    }

    public long[] i64() {
        return (long[]) typed(DType.I64);
    }

    public byte[] bool() {
        return (byte[]) typed(DType.BOOL);
    }

    /** Element {@code i} widened to double (any dtype). */
    public double getDouble(int i) {
        return switch (dtype) {
            case F32 -> ((float[]) array)[i];
            case F64 -> ((double[]) array)[i];
            case I32 -> ((int[]) array)[i];
            case I64 -> ((long[]) array)[i];
            case BOOL -> ((byte[]) array)[i];
        };
    }

    /** Element {@code i} as long (any dtype; floats truncate toward zero). */
    public long getLong(int i) {
        return switch (dtype) {
            case F32 -> (long) ((float[]) array)[i];
            case F64 -> (long) ((double[]) array)[i];
            case I32 -> ((int[]) array)[i];
            case I64 -> ((long[]) array)[i];
            case BOOL -> ((byte[]) array)[i];
        };
    }

    /** Stores {@code v} at {@code i}, narrowing to this storage's dtype (BOOL stores v != 0). */
    public void setDouble(int i, double v) {
        switch (dtype) {
            case F32 -> ((float[]) array)[i] = (float) v;
            case F64 -> ((double[]) array)[i] = v;
            case I32 -> ((int[]) array)[i] = (int) v;
            case I64 -> ((long[]) array)[i] = (long) v;
            case BOOL -> ((byte[]) array)[i] = (byte) (v != 0 ? 1 : 0);
        }
    }

    /** Stores {@code v} at {@code i} exactly for integer storages (no detour through double). */
    public void setLong(int i, long v) {
        switch (dtype) {
            case I32 -> ((int[]) array)[i] = (int) v;
            case I64 -> ((long[]) array)[i] = v;
            default -> setDouble(i, v);
        }
    }

    private Object typed(DType expected) {
        if (dtype != expected) {
            throw new IllegalStateException("storage holds " + dtype + ", asked for " + expected);
        }
        return array;
    }
}
