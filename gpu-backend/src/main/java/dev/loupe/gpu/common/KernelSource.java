package dev.loupe.gpu.common;

import dev.loupe.tensor.BinaryOp;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.ReduceOp;
import dev.loupe.tensor.UnaryOp;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A kernel source file (resources dev/loupe/gpu/kernels/*.cl) specialised for element types: the
 * prelude followed by the file, and the build options that define T, S, I and the op codes. The
 * op codes are the ordinals of Loupe's op tokens, so the kernels and the enums cannot drift apart.
 */
public record KernelSource(String file, DType t, DType s, DType i) {
    private static final String ROOT = "/dev/loupe/gpu/kernels/";

    static KernelSource of(String file, DType t) {
        return new KernelSource(file, t, null, null);
    }

    public String text() {
        return read("prelude.h") + "\n" + read(file);
    }

    public String options() {
        StringBuilder o = new StringBuilder("-DT=")
                .append(typeName(t))
                .append(" -DT_FLOAT=")
                .append(t.isFloating() ? 1 : 0)
                .append(" -DT_BOOL=")
                .append(t == DType.BOOL ? 1 : 0);
        if (s != null) o.append(" -DS=").append(typeName(s));
        if (i != null) o.append(" -DI=").append(typeName(i));
        if (t == DType.F64 || s == DType.F64) o.append(" -DUSE_F64");
        for (UnaryOp op : UnaryOp.values())
            o.append(" -DU_").append(op.name()).append('=').append(op.ordinal());
        for (BinaryOp op : BinaryOp.values())
            o.append(" -DB_").append(op.name()).append('=').append(op.ordinal());
        for (ReduceOp op : ReduceOp.values())
            o.append(" -DR_").append(op.name()).append('=').append(op.ordinal());
        return o.toString();
    }

    /** The prelude's name for a dtype. */
    public static String typeName(DType d) {
        return switch (d) {
            case F32 -> "f32";
            case F64 -> "f64";
            case I32 -> "i32";
            case I64 -> "i64";
            case BOOL -> "u8";
        };
    }

    private static String read(String name) {
        try (InputStream in = KernelSource.class.getResourceAsStream(ROOT + name)) {
            if (in == null)
                throw new IllegalStateException("kernel source " + ROOT + name + " missing from the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading kernel source " + ROOT + name, e);
        }
    }

    @Override
    public String toString() {
        return file + " [T=" + typeName(t) + (s == null ? "" : ", S=" + typeName(s))
                + (i == null ? "" : ", I=" + typeName(i)) + "]";
    }
}
