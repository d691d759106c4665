package dev.loupe.tensor.cpu;

import dev.loupe.tensor.CpuStorage;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;

/** Strided copy with dtype conversion, and fill. */
final class CpuCopy {
    private CpuCopy() {}

    static void copy(Tensor src, Tensor dst) {
        requireSameShape(src, dst);
        CpuStorage s = (CpuStorage) src.storage(), d = (CpuStorage) dst.storage();
        DType st = src.dtype(), dt = dst.dtype();
        if (st == dt && src.isContiguous() && dst.isContiguous()) {
            System.arraycopy(array(s), src.offset(), array(d), dst.offset(), src.numel());
            return;
        }
        StridedLoop loop = StridedLoop.of(src, dst);
        int is = loop.innerStride(0), id = loop.innerStride(1);
        if (st == DType.F32 && dt == DType.F32) {
            float[] a = s.f32(), b = d.f32();
            loop.forEachElement((base, n) -> {
                for (int i = 0, p = base[0], q = base[1]; i < n; i++, p += is, q += id) b[q] = a[p];
            });
        } else if (!st.isFloating() && !dt.isFloating()) {
            loop.forEachElement((base, n) -> {
                for (int i = 0, p = base[0], q = base[1]; i < n; i++, p += is, q += id) d.setLong(q, s.getLong(p));
            });
        } else {
            loop.forEachElement((base, n) -> {
                for (int i = 0, p = base[0], q = base[1]; i < n; i++, p += is, q += id) d.setDouble(q, s.getDouble(p));
            });
        }
    }

    /** Every element of src into dst (same dtype and length). */
    static void whole(CpuStorage src, CpuStorage dst) {
        if (src.dtype() != dst.dtype() || src.length() != dst.length()) {
            throw new IllegalArgumentException("copy: storages of " + src.length() + " " + src.dtype() + " and "
                    + dst.length() + " " + dst.dtype() + " differ");
        }
        System.arraycopy(array(src), 0, array(dst), 0, src.length());
    }

    static void fill(Tensor dst, double value) {
        CpuStorage d = (CpuStorage) dst.storage();
        if (dst.isContiguous()) {
            int from = dst.offset(), to = from + dst.numel();
            switch (dst.dtype()) {
                case F32 -> java.util.Arrays.fill(d.f32(), from, to, (float) value);
                case F64 -> java.util.Arrays.fill(d.f64(), from, to, value);
                case I32 -> java.util.Arrays.fill(d.i32(), from, to, (int) value);
                case I64 -> java.util.Arrays.fill(d.i64(), from, to, (long) value);
                case BOOL -> java.util.Arrays.fill(d.bool(), from, to, (byte) (value != 0 ? 1 : 0));
            }
            return;
        }
        StridedLoop loop = StridedLoop.of(dst);
        int id = loop.innerStride(0);
        loop.forEachElement((base, n) -> {
            for (int i = 0, q = base[0]; i < n; i++, q += id) d.setDouble(q, value);
        });
    }

    static void requireSameShape(Tensor a, Tensor b) {
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException(
                    "copy: source " + a.shape() + " and destination " + b.shape() + " differ");
        }
    }

    private static Object array(CpuStorage s) {
        return switch (s.dtype()) {
            case F32 -> s.f32();
            case F64 -> s.f64();
            case I32 -> s.i32();
            case I64 -> s.i64();
            case BOOL -> s.bool();
        };
    }
}
