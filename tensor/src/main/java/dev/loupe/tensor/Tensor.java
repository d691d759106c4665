package dev.loupe.tensor;

/**
 * A strided n-dimensional array: a {@link Storage} plus a layout (shape, strides, offset, all in
 * elements). Views (reshape, permute, transpose, narrow, expand, squeeze, unsqueeze) change the
 * layout only and share the storage. Ops allocate a fresh contiguous result on the same device.
 *
 * <p>This is the storage-and-kernel layer; the differentiable tensor of the autograd module wraps it.
 */
public final class Tensor {
    private final Storage storage;
    private final int[] shape;
    private final int[] strides;
    private final int offset;

    Tensor(Storage storage, int[] shape, int[] strides, int offset) {
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    /** A view of {@code storage} with an explicit layout; checks that every element is in bounds. */
    public static Tensor view(Storage storage, int[] shape, int[] strides, int offset) {
        if (shape.length != strides.length) {
            throw new IllegalArgumentException(
                    "shape " + Shape.format(shape) + " and strides " + Shape.format(strides) + " differ in rank");
        }
        Shape.numel(shape);
        long lo = offset, hi = offset;
        boolean empty = false;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 0) empty = true;
            long span = (long) (shape[i] - 1) * strides[i];
            if (span > 0) hi += span;
            else lo += span;
        }
        if (!empty && (lo < 0 || hi >= storage.length())) {
            throw new IndexOutOfBoundsException("view " + Shape.format(shape) + " strides " + Shape.format(strides)
                    + " offset " + offset + " reaches outside a storage of " + storage.length() + " elements");
        }
        return new Tensor(storage, shape.clone(), strides.clone(), offset);
    }

    // ---- creation -------------------------------------------------------------------------------

    public static Tensor empty(DType dtype, int... shape) {
        return empty(Device.CPU, dtype, shape);
    }

    /** A new contiguous tensor on {@code device}; every backend hands out zeroed storage. */
    public static Tensor empty(Device device, DType dtype, int... shape) {
        int n = Shape.of(shape).numel();
        return new Tensor(
                Backends.forDevice(device).allocate(dtype, n), shape.clone(), Shape.contiguousStrides(shape), 0);
    }

    /**
     * A new contiguous tensor with this shape and dtype on the same device (contents undefined): on the
     * host, from the open {@link BufferPool} scope of this thread when there is one.
     */
    public static Tensor emptyLike(Tensor like, DType dtype, int... shape) {
        Backend b = like.backend();
        int n = Shape.of(shape).numel();
        Storage s = Device.CPU.equals(b.device()) ? BufferPool.take(dtype, n) : null;
        return new Tensor(s != null ? s : b.allocate(dtype, n), shape.clone(), Shape.contiguousStrides(shape), 0);
    }

    public static Tensor zeros(int... shape) {
        return zeros(DType.F32, shape);
    }

    public static Tensor zeros(DType dtype, int... shape) {
        return empty(dtype, shape);
    }

    public static Tensor zeros(Device device, DType dtype, int... shape) {
        return empty(device, dtype, shape);
    }

    public static Tensor ones(int... shape) {
        return full(DType.F32, 1, shape);
    }

    public static Tensor full(DType dtype, double value, int... shape) {
        return full(Device.CPU, dtype, value, shape);
    }

    public static Tensor full(Device device, DType dtype, double value, int... shape) {
        Tensor t = empty(device, dtype, shape);
        t.backend().fill(t, value);
        return t;
    }

    /** A 0-d F32 tensor. */
    public static Tensor scalar(float value) {
        return new Tensor(CpuStorage.of(new float[] {value}), new int[0], new int[0], 0);
    }

    /** A tensor over {@code data} (no copy); without a shape it is 1-D. */
    public static Tensor of(float[] data, int... shape) {
        return wrap(CpuStorage.of(data), data.length, shape);
    }

    public static Tensor of(double[] data, int... shape) {
        return wrap(CpuStorage.of(data), data.length, shape);
    }

    public static Tensor ofInts(int[] data, int... shape) {
        return wrap(CpuStorage.of(data), data.length, shape);
    }

    public static Tensor ofLongs(long[] data, int... shape) {
        return wrap(CpuStorage.of(data), data.length, shape);
    }

    private static Tensor wrap(Storage s, int length, int[] shape) {
        int[] dims = shape.length == 0 ? new int[] {length} : shape;
        if (Shape.of(dims).numel() != length) {
            throw new IllegalArgumentException(
                    "shape " + Shape.format(dims) + " needs " + Shape.numel(dims) + " elements, data has " + length);
        }
        return new Tensor(s, dims.clone(), Shape.contiguousStrides(dims), 0);
    }

    /** 0, 1, ..., n-1 as I64. */
    public static Tensor arange(int n) {
        return arange(DType.I64, 0, n, 1);
    }

    /** start, start + step, ... below end (above it for negative step). */
    public static Tensor arange(DType dtype, double start, double end, double step) {
        if (step == 0) throw new IllegalArgumentException("arange: step must not be 0");
        int n = (int) Math.max(0, Math.ceil((end - start) / step));
        Tensor t = empty(dtype, n);
        CpuStorage s = (CpuStorage) t.storage;
        for (int i = 0; i < n; i++) s.setDouble(i, start + i * step);
        return t;
    }

    /** n x n identity. */
    public static Tensor eye(DType dtype, int n) {
        Tensor t = zeros(dtype, n, n);
        CpuStorage s = (CpuStorage) t.storage;
        for (int i = 0; i < n; i++) s.setDouble(i * n + i, 1);
        return t;
    }

    /** Uniform [0, 1) F32, drawn in row-major order from {@code rng}. */
    public static Tensor rand(Rng rng, int... shape) {
        return RandomTensors.uniform(rng, shape);
    }

    /** Standard normal F32, drawn in row-major order from {@code rng}. */
    public static Tensor randn(Rng rng, int... shape) {
        return RandomTensors.normal(rng, shape);
    }

    /**
     * Normal(0, std) truncated to [lo, hi] (absolute bounds, as timm's trunc_normal_ with
     * a = -2, b = 2 by default), by inverse-CDF sampling of the truncated range.
     */
    public static Tensor truncNormal(Rng rng, double std, double lo, double hi, int... shape) {
        return RandomTensors.truncatedNormal(rng, std, lo, hi, shape);
    }

    // ---- layout ---------------------------------------------------------------------------------

    public Storage storage() {
        return storage;
    }

    public DType dtype() {
        return storage.dtype();
    }

    public Device device() {
        return storage.device();
    }

    public Backend backend() {
        return Backends.forDevice(storage.device());
    }

    public Shape shape() {
        return Shape.of(shape);
    }

    /** The sizes (a copy). */
    public int[] sizes() {
        return shape.clone();
    }

    public int size(int dim) {
        return shape[Shape.normalizeDim(dim, shape.length)];
    }

    public int rank() {
        return shape.length;
    }

    public int numel() {
        return Shape.numel(shape);
    }

    public int[] strides() {
        return strides.clone();
    }

    public int stride(int dim) {
        return strides[Shape.normalizeDim(dim, shape.length)];
    }

    public int offset() {
        return offset;
    }

    /** True when elements are laid out in row-major order without gaps (size-1 dims ignored). */
    public boolean isContiguous() {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] == 1) continue;
            if (strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /** This tensor if contiguous, else a contiguous copy. */
    public Tensor contiguous() {
        return isContiguous() ? this : copy();
    }

    /** A contiguous copy with its own storage. */
    public Tensor copy() {
        return to(dtype());
    }

    /** A contiguous copy converted to {@code dtype}. */
    public Tensor to(DType dtype) {
        Tensor out = emptyLike(this, dtype, shape);
        backend().copy(this, out);
        return out;
    }

    /**
     * This tensor on {@code device}: itself when it is already there (as torch's {@code to}), else a
     * contiguous copy moved through host memory.
     */
    public Tensor to(Device device) {
        if (device.equals(device())) return this;
        Tensor src = isCompact() ? this : copy();
        CpuStorage host;
        if (src.storage instanceof CpuStorage s) {
            host = s;
        } else {
            host = CpuStorage.allocate(dtype(), src.storage.length());
            src.backend().download(src.storage, host);
        }
        if (device.equals(Device.CPU)) return new Tensor(host, shape.clone(), Shape.contiguousStrides(shape), 0);
        Tensor out = empty(device, dtype(), shape);
        out.backend().upload(host, out.storage);
        return out;
    }

    /** An explicit host copy: this tensor when it lives on the host already, else its elements brought back. */
    public Tensor cpu() {
        return to(Device.CPU);
    }

    /** Contiguous, starting at 0 and covering its whole storage: the storage holds exactly these elements in order. */
    private boolean isCompact() {
        return isContiguous() && offset == 0 && storage.length() == numel();
    }

    /** Copies {@code src} (broadcast to this shape) into this tensor, in place. */
    public Tensor copyFrom(Tensor src) {
        backend().copy(src.expand(shape), this);
        return this;
    }

    /** Sets every element to {@code value}, in place. */
    public Tensor fill(double value) {
        backend().fill(this, value);
        return this;
    }

    /** Same elements, new shape; a view when the layout allows it, else a copy. One size may be -1. */
    public Tensor reshape(int... newShape) {
        int[] dims = inferShape(newShape);
        int[] viewStrides = Views.reshapeStrides(shape, strides, dims);
        if (viewStrides != null) return new Tensor(storage, dims, viewStrides, offset);
        Tensor c = copy();
        return new Tensor(c.storage, dims, Shape.contiguousStrides(dims), 0);
    }

    /** Like reshape but never copies; fails when the layout cannot be viewed with the new shape. */
    public Tensor view(int... newShape) {
        int[] dims = inferShape(newShape);
        int[] viewStrides = Views.reshapeStrides(shape, strides, dims);
        if (viewStrides == null) {
            throw new IllegalArgumentException("view: a tensor of shape " + Shape.format(shape) + " with strides "
                    + Shape.format(strides) + " cannot be viewed as " + Shape.format(dims) + "; use reshape (copies)");
        }
        return new Tensor(storage, dims, viewStrides, offset);
    }

    private int[] inferShape(int[] newShape) {
        return Views.inferShape("reshape", shape, newShape);
    }

    public Tensor flatten() {
        return reshape(numel());
    }

    /** Merges dims start..end (inclusive) into one. */
    public Tensor flatten(int start, int end) {
        return reshape(Views.flattenedShape(shape, start, end));
    }

    /** Reorders dimensions: result dim i is this tensor's dim {@code order[i]}. */
    public Tensor permute(int... order) {
        int[][] layout = Views.permuted(shape, strides, order); // {sizes, strides}
        return new Tensor(storage, layout[0], layout[1], offset);
    }

    public Tensor transpose(int d0, int d1) {
        int a = Shape.normalizeDim(d0, shape.length), b = Shape.normalizeDim(d1, shape.length);
        int[] order = new int[shape.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        order[a] = b;
        order[b] = a;
        return permute(order);
    }

    /** Transpose of the last two dimensions. */
    public Tensor mT() {
        if (shape.length < 2)
            throw new IllegalArgumentException("mT needs rank >= 2, got shape " + Shape.format(shape));
        return transpose(-2, -1);
    }

    /** Elements [start, start + length) along {@code dim}; a view. */
    public Tensor narrow(int dim, int start, int length) {
        int d = Shape.normalizeDim(dim, shape.length);
        if (start < 0 || length < 0 || start + length > shape[d]) {
            throw new IndexOutOfBoundsException("narrow: range [" + start + ", " + (start + length) + ") outside dim "
                    + d + " of size " + shape[d] + " in shape " + Shape.format(shape));
        }
        int[] dims = shape.clone();
        dims[d] = length;
        return new Tensor(storage, dims, strides.clone(), offset + start * strides[d]);
    }

    /** Python-style slice start:end:step along {@code dim} (step > 0; negative bounds count from the end). */
    public Tensor slice(int dim, int start, int end, int step) {
        int d = Shape.normalizeDim(dim, shape.length);
        if (step <= 0) throw new IllegalArgumentException("slice: step must be > 0, got " + step);
        int n = shape[d];
        int s = Math.clamp(start < 0 ? start + n : start, 0, n);
        int e = Math.clamp(end < 0 ? end + n : end, s, n);
        int[] dims = shape.clone(), st = strides.clone();
        dims[d] = (e - s + step - 1) / step;
        st[d] = strides[d] * step;
        return new Tensor(storage, dims, st, offset + s * strides[d]);
    }

    /** The sub-tensor at {@code index} along {@code dim}, with that dim removed; a view. */
    public Tensor select(int dim, int index) {
        int d = Shape.normalizeDim(dim, shape.length);
        int i = index < 0 ? index + shape[d] : index;
        if (i < 0 || i >= shape[d]) {
            throw new IndexOutOfBoundsException("select: index " + index + " outside dim " + d + " of size " + shape[d]
                    + " in shape " + Shape.format(shape));
        }
        return new Tensor(storage, Views.remove(shape, d), Views.remove(strides, d), offset + i * strides[d]);
    }

    /** Broadcasts to {@code newShape} (NumPy rules; -1 keeps a size) with stride-0 views. */
    public Tensor expand(int... newShape) {
        int[][] layout = Views.expanded(shape, strides, newShape); // {sizes, strides}
        return new Tensor(storage, layout[0], layout[1], offset);
    }

    /**
     * A view with explicit sizes and strides relative to this tensor's offset (torch.as_strided).
     * Windows may overlap, which is how im2col reads patches without a copy.
     */
    public Tensor asStrided(int[] newShape, int[] newStrides, int extraOffset) {
        return view(storage, newShape, newStrides, offset + extraOffset);
    }

    public Tensor unsqueeze(int dim) {
        int d = Shape.normalizeDim(dim, shape.length + 1);
        int inner = d < shape.length ? strides[d] * shape[d] : 1;
        return new Tensor(storage, Views.insert(shape, d, 1), Views.insert(strides, d, inner), offset);
    }

    /** Removes {@code dim}, which must have size 1. */
    public Tensor squeeze(int dim) {
        int d = Shape.normalizeDim(dim, shape.length);
        if (shape[d] != 1) {
            throw new IllegalArgumentException(
                    "squeeze: dim " + d + " has size " + shape[d] + " in shape " + Shape.format(shape));
        }
        return new Tensor(storage, Views.remove(shape, d), Views.remove(strides, d), offset);
    }

    /** Removes every size-1 dimension. */
    public Tensor squeeze() {
        Tensor t = this;
        for (int i = shape.length - 1; i >= 0; i--) if (shape[i] == 1) t = t.squeeze(i);
        return t;
    }

    // ---- ops (front ends in Elementwise, Reductions, LinearAlgebra, Normalization, Indexing) ------

    public Tensor add(Tensor o) {
        return Elementwise.binary(BinaryOp.ADD, this, o);
    }

    public Tensor sub(Tensor o) {
        return Elementwise.binary(BinaryOp.SUB, this, o);
    }

    public Tensor mul(Tensor o) {
        return Elementwise.binary(BinaryOp.MUL, this, o);
    }

    public Tensor div(Tensor o) {
        return Elementwise.binary(BinaryOp.DIV, this, o);
    }

    public Tensor pow(Tensor o) {
        return Elementwise.binary(BinaryOp.POW, this, o);
    }

    public Tensor maximum(Tensor o) {
        return Elementwise.binary(BinaryOp.MAX, this, o);
    }

    public Tensor minimum(Tensor o) {
        return Elementwise.binary(BinaryOp.MIN, this, o);
    }

    public Tensor add(double s) {
        return Elementwise.binary(BinaryOp.ADD, this, s);
    }

    public Tensor sub(double s) {
        return Elementwise.binary(BinaryOp.SUB, this, s);
    }

    public Tensor mul(double s) {
        return Elementwise.binary(BinaryOp.MUL, this, s);
    }

    public Tensor div(double s) {
        return Elementwise.binary(BinaryOp.DIV, this, s);
    }

    public Tensor pow(double s) {
        return Elementwise.binary(BinaryOp.POW, this, s);
    }

    public Tensor eq(Tensor o) {
        return Elementwise.binary(BinaryOp.EQ, this, o);
    }

    public Tensor ne(Tensor o) {
        return Elementwise.binary(BinaryOp.NE, this, o);
    }

    public Tensor lt(Tensor o) {
        return Elementwise.binary(BinaryOp.LT, this, o);
    }

    public Tensor le(Tensor o) {
        return Elementwise.binary(BinaryOp.LE, this, o);
    }

    public Tensor gt(Tensor o) {
        return Elementwise.binary(BinaryOp.GT, this, o);
    }

    public Tensor ge(Tensor o) {
        return Elementwise.binary(BinaryOp.GE, this, o);
    }

    public Tensor gt(double s) {
        return Elementwise.binary(BinaryOp.GT, this, s);
    }

    public Tensor lt(double s) {
        return Elementwise.binary(BinaryOp.LT, this, s);
    }

    public Tensor neg() {
        return Elementwise.unary(UnaryOp.NEG, this);
    }

    public Tensor abs() {
        return Elementwise.unary(UnaryOp.ABS, this);
    }

    public Tensor exp() {
        return Elementwise.unary(UnaryOp.EXP, this);
    }

    public Tensor log() {
        return Elementwise.unary(UnaryOp.LOG, this);
    }

    public Tensor sqrt() {
        return Elementwise.unary(UnaryOp.SQRT, this);
    }

    public Tensor tanh() {
        return Elementwise.unary(UnaryOp.TANH, this);
    }

    public Tensor sigmoid() {
        return Elementwise.unary(UnaryOp.SIGMOID, this);
    }

    public Tensor relu() {
        return Elementwise.unary(UnaryOp.RELU, this);
    }

    /** Exact (erf) GELU. */
    public Tensor gelu() {
        return Elementwise.unary(UnaryOp.GELU, this);
    }

    public Tensor geluTanh() {
        return Elementwise.unary(UnaryOp.GELU_TANH, this);
    }

    public Tensor apply(UnaryOp op) {
        return Elementwise.unary(op, this);
    }

    public Tensor clamp(double lo, double hi) {
        return Elementwise.clamp(this, lo, hi);
    }

    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        return Elementwise.where(cond, a, b);
    }

    /** Sum over {@code dims} (all when none given). */
    public Tensor sum(boolean keepdim, int... dims) {
        return Reductions.reduce(ReduceOp.SUM, this, keepdim, dims);
    }

    public Tensor sum() {
        return sum(false);
    }

    public Tensor mean(boolean keepdim, int... dims) {
        return Reductions.reduce(ReduceOp.MEAN, this, keepdim, dims);
    }

    public Tensor mean() {
        return mean(false);
    }

    public Tensor max(boolean keepdim, int... dims) {
        return Reductions.reduce(ReduceOp.MAX, this, keepdim, dims);
    }

    public Tensor min(boolean keepdim, int... dims) {
        return Reductions.reduce(ReduceOp.MIN, this, keepdim, dims);
    }

    /** Variance with {@code correction} (1 = unbiased). */
    public Tensor var(int correction, boolean keepdim, int... dims) {
        return Reductions.var(this, correction, keepdim, dims);
    }

    public Tensor argmax(int dim, boolean keepdim) {
        return Reductions.argReduce(true, this, dim, keepdim);
    }

    public Tensor argmin(int dim, boolean keepdim) {
        return Reductions.argReduce(false, this, dim, keepdim);
    }

    public Tensor matmul(Tensor o) {
        return LinearAlgebra.matmul(this, o);
    }

    public Tensor softmax(int dim) {
        return Normalization.softmax(this, dim);
    }

    public Tensor logSoftmax(int dim) {
        return Normalization.logSoftmax(this, dim);
    }

    public Tensor layerNorm(Tensor weight, Tensor bias, double eps) {
        return Normalization.layerNorm(this, weight, bias, eps).out();
    }

    public Tensor gather(int dim, Tensor index) {
        return Indexing.gather(this, dim, index);
    }

    public Tensor scatterAdd(int dim, Tensor index, Tensor src) {
        return Indexing.scatterAdd(this, dim, index, src);
    }

    public Tensor indexSelect(int dim, Tensor index) {
        return Indexing.indexSelect(this, dim, index);
    }

    public static Tensor concat(int dim, Tensor... parts) {
        return Indexing.concat(dim, java.util.List.of(parts));
    }

    public static Tensor stack(int dim, Tensor... parts) {
        return Indexing.stack(dim, java.util.List.of(parts));
    }

    public Tensor pad(int[] pads, double value) {
        return Indexing.pad(this, pads, value);
    }

    // ---- element access (slow: tests, debugging, small host-side work) ---------------------------

    /** Storage index of the element at {@code index} (one entry per dim). */
    public int storageIndex(int... index) {
        return Views.storageIndex(shape, strides, offset, index);
    }

    public double getDouble(int... index) {
        return host().getDouble(storageIndex(index));
    }

    public float getFloat(int... index) {
        return (float) getDouble(index);
    }

    public long getLong(int... index) {
        return host().getLong(storageIndex(index));
    }

    public void setDouble(double value, int... index) {
        host().setDouble(storageIndex(index), value);
    }

    /** The single element of a one-element tensor. */
    public double item() {
        if (numel() != 1) throw new IllegalStateException("item() needs one element, shape is " + Shape.format(shape));
        if (!(storage instanceof CpuStorage)) return ((CpuStorage) copy().cpu().storage).getDouble(0);
        return host().getDouble(offset); // one element: the offset is its storage index whatever the strides
    }

    /** Row-major copy of the elements as float[] (any dtype, any device). */
    public float[] toFloatArray() {
        Tensor c = to(DType.F32).cpu();
        return ((CpuStorage) c.storage).f32().clone();
    }

    /** Row-major copy of the elements as double[] (any dtype, any device). */
    public double[] toDoubleArray() {
        Tensor c = to(DType.F64).cpu();
        return ((CpuStorage) c.storage).f64().clone();
    }

    /** Row-major copy of the elements as long[] (any dtype, any device). */
    public long[] toLongArray() {
        Tensor c = to(DType.I64).cpu();
        return ((CpuStorage) c.storage).i64().clone();
    }

    private CpuStorage host() {
        if (!(storage instanceof CpuStorage s)) {
            throw new IllegalStateException(
                    "element access needs a host tensor; this one lives on " + device() + " (call cpu() first)");
        }
        return s;
    }

    @Override
    public String toString() {
        return "Tensor" + Shape.format(shape) + " " + dtype() + (device().equals(Device.CPU) ? "" : " on " + device());
    }
}
