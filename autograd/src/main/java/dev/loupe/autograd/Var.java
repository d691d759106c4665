package dev.loupe.autograd;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.UnaryOp;
import java.util.List;

/**
 * The differentiable tensor: a {@link Tensor} value, an optional gradient, and (for results of
 * recorded ops) the node that made it. Reads like PyTorch:
 *
 * <pre>{@code
 * Var w = Var.param(Tensor.randn(rng, 10, 192));
 * Var loss = x.matmul(w.mT()).add(b).gelu().sum();
 * loss.backward();
 * Tensor dw = w.grad();
 * }</pre>
 *
 * Ops are recorded only when {@link GradMode#isEnabled()} and some input requires a gradient;
 * otherwise they cost exactly their tensor kernels. The gradient rules live beside their forward
 * code in the op classes ({@link ArithmeticFns}, {@link UnaryFns}, {@link ReduceFns},
 * {@link ShapeFns}, {@link MatMulFn}, {@link NormFns}, {@link IndexFns}, {@link LossFns}).
 */
public final class Var {
    /** Shared by a Var and the views made from it, so an in-place write to either invalidates both. */
    static final class Version {
        long value;
    }

    private Tensor data;
    private final boolean requiresGrad;
    private final Node creator;
    private final Version version;
    private Tensor grad;
    private boolean retainGrad;
    private java.util.List<java.util.function.Consumer<Var>> gradHooks;

    private Var(Tensor data, boolean requiresGrad, Node creator, Version version) {
        this.data = data;
        this.requiresGrad = requiresGrad;
        this.creator = creator;
        this.version = version;
    }

    /** A leaf that requires a gradient (a parameter). */
    public static Var param(Tensor data) {
        return new Var(data, true, null, new Version());
    }

    /** A leaf that requires no gradient (an input, a target, a constant). */
    public static Var of(Tensor data) {
        return new Var(data, false, null, new Version());
    }

    /**
     * The result of an op: recorded when grad mode is on and an input requires a gradient.
     * {@code saved} are the inputs whose values {@code backward} reads (checked for in-place changes).
     */
    static Var record(String op, Tensor out, Var[] inputs, Var[] saved, Backward backward) {
        if (!GradMode.isEnabled()) return of(out);
        boolean any = false;
        for (Var v : inputs) any |= v.requiresGrad;
        if (!any) return of(out);
        return new Var(out, true, new Node(op, inputs, saved, backward), new Version());
    }

    /** A view result: shares the version counter of its base. */
    static Var recordView(String op, Tensor out, Var base, Backward backward) {
        if (!GradMode.isEnabled() || !base.requiresGrad) return new Var(out, false, null, base.version);
        return new Var(out, true, new Node(op, new Var[] {base}, new Var[0], backward), base.version);
    }

    public Tensor data() {
        return data;
    }

    /**
     * Moves a leaf's value (and its gradient, if any) to {@code device}, as torch's module.to does for
     * parameters; nothing happens when it is there already. Only leaves move: a recorded result belongs
     * to the graph that made it.
     */
    public void moveTo(Device device) {
        if (creator != null)
            throw new IllegalStateException("moveTo: only leaves move; this value was made by " + creator.op);
        data = data.to(device);
        if (grad != null) grad = grad.to(device);
    }

    /** The accumulated gradient, or null before backward reached this Var. */
    public Tensor grad() {
        return grad;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    public boolean isLeaf() {
        return creator == null;
    }

    Node creator() {
        return creator;
    }

    long version() {
        return version.value;
    }

    boolean retainsGrad() {
        return retainGrad;
    }

    /** Keep the gradient of this non-leaf after backward (leaves always keep theirs). */
    public Var retainGrad() {
        retainGrad = true;
        return this;
    }

    /** Clears the gradient (set to null, as PyTorch's set_to_none). */
    public void zeroGrad() {
        grad = null;
    }

    /** Replaces the gradient (gradient clipping, all-reduce); shape must match. */
    public void setGrad(Tensor g) {
        if (g != null && !g.shape().equals(data.shape())) {
            throw new IllegalArgumentException(
                    "setGrad: gradient " + g.shape() + " does not match value " + data.shape());
        }
        grad = g;
    }

    void accumulateGrad(Tensor g) {
        grad = grad == null ? g.to(data.dtype()) : grad.add(g);
    }

    /** A registered hook; close removes it. */
    public interface HookHandle extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Calls {@code hook} each time backward has accumulated this leaf's gradient (as torch's
     * register_post_accumulate_grad_hook): once per backward pass, when the leaf's gradient for that
     * pass is final, in the order the engine reaches the leaves. Data-parallel training launches a
     * gradient bucket's all-reduce from here, while the rest of the backward pass runs.
     */
    public HookHandle addPostAccumulateGradHook(java.util.function.Consumer<Var> hook) {
        if (creator != null)
            throw new IllegalStateException(
                    "gradient hooks are for leaves (parameters); this Var was made by " + creator.op);
        if (gradHooks == null) gradHooks = new java.util.ArrayList<>();
        gradHooks.add(hook);
        return () -> gradHooks.remove(hook);
    }

    void runGradHooks() {
        if (gradHooks == null) return;
        for (var h : List.copyOf(gradHooks)) h.accept(this);
    }

    /**
     * Runs {@code update} on the value in place (optimiser steps, EMA), outside the graph, and bumps
     * the version so a graph that saved the old value refuses to run backward.
     */
    public void updateInPlace(java.util.function.Consumer<Tensor> update) {
        try (var scope = GradMode.disable()) {
            update.accept(data);
        }
        version.value++;
    }

    /** Same value, cut from the graph. */
    public Var detach() {
        return new Var(data, false, null, version);
    }

    /** Backward from a one-element result (the loss). */
    public void backward() {
        if (data.numel() != 1) {
            throw new IllegalStateException("backward() needs a one-element result, got shape " + data.shape()
                    + "; pass a gradient with backward(seed)");
        }
        backward(Tensor.full(data.device(), data.dtype(), 1, data.sizes()));
    }

    /** Backward with dL/d(this) = seed. */
    public void backward(Tensor seed) {
        if (!requiresGrad)
            throw new IllegalStateException(
                    "backward: this result does not require a gradient (no parameter reached it)");
        if (!seed.shape().equals(data.shape())) {
            throw new IllegalArgumentException(
                    "backward: seed " + seed.shape() + " does not match result " + data.shape());
        }
        Engine.backward(this, seed);
    }

    public int[] sizes() {
        return data.sizes();
    }

    public int size(int dim) {
        return data.size(dim);
    }

    public int rank() {
        return data.rank();
    }

    public DType dtype() {
        return data.dtype();
    }

    public double item() {
        return data.item();
    }

    // ---- arithmetic -----------------------------------------------------------------------------

    public Var add(Var o) {
        return ArithmeticFns.add(this, o);
    }

    public Var sub(Var o) {
        return ArithmeticFns.sub(this, o);
    }

    public Var mul(Var o) {
        return ArithmeticFns.mul(this, o);
    }

    public Var div(Var o) {
        return ArithmeticFns.div(this, o);
    }

    public Var add(double s) {
        return ArithmeticFns.addScalar(this, s);
    }

    public Var mul(double s) {
        return ArithmeticFns.mulScalar(this, s);
    }

    public Var sub(double s) {
        return ArithmeticFns.addScalar(this, -s);
    }

    public Var div(double s) {
        return ArithmeticFns.mulScalar(this, 1.0 / s);
    }

    public Var pow(double p) {
        return ArithmeticFns.powScalar(this, p);
    }

    public Var maximum(Var o) {
        return ArithmeticFns.maximum(this, o);
    }

    public Var minimum(Var o) {
        return ArithmeticFns.minimum(this, o);
    }

    public Var clamp(double lo, double hi) {
        return ArithmeticFns.clamp(this, lo, hi);
    }

    // ---- unary ----------------------------------------------------------------------------------

    public Var apply(UnaryOp op) {
        return UnaryFns.apply(op, this);
    }

    public Var neg() {
        return apply(UnaryOp.NEG);
    }

    public Var exp() {
        return apply(UnaryOp.EXP);
    }

    public Var log() {
        return apply(UnaryOp.LOG);
    }

    public Var sqrt() {
        return apply(UnaryOp.SQRT);
    }

    public Var tanh() {
        return apply(UnaryOp.TANH);
    }

    public Var sigmoid() {
        return apply(UnaryOp.SIGMOID);
    }

    public Var relu() {
        return apply(UnaryOp.RELU);
    }

    public Var gelu() {
        return apply(UnaryOp.GELU);
    }

    public Var silu() {
        return apply(UnaryOp.SILU);
    }

    // ---- reductions -----------------------------------------------------------------------------

    public Var sum() {
        return ReduceFns.sum(this, false);
    }

    public Var sum(boolean keepdim, int... dims) {
        return ReduceFns.sum(this, keepdim, dims);
    }

    public Var mean() {
        return ReduceFns.mean(this, false);
    }

    public Var mean(boolean keepdim, int... dims) {
        return ReduceFns.mean(this, keepdim, dims);
    }

    public Var max(boolean keepdim, int... dims) {
        return ReduceFns.max(this, keepdim, dims);
    }

    public Var min(boolean keepdim, int... dims) {
        return ReduceFns.min(this, keepdim, dims);
    }

    /** Variance with {@code correction} (1 = unbiased), composed from differentiable ops. */
    public Var var(int correction, boolean keepdim, int... dims) {
        return ReduceFns.var(this, correction, keepdim, dims);
    }

    // ---- shape ----------------------------------------------------------------------------------

    public Var reshape(int... shape) {
        return ShapeFns.reshape(this, shape);
    }

    public Var permute(int... order) {
        return ShapeFns.permute(this, order);
    }

    public Var transpose(int d0, int d1) {
        return ShapeFns.transpose(this, d0, d1);
    }

    public Var mT() {
        return transpose(-2, -1);
    }

    public Var narrow(int dim, int start, int length) {
        return ShapeFns.narrow(this, dim, start, length);
    }

    public Var select(int dim, int index) {
        return ShapeFns.select(this, dim, index);
    }

    public Var expand(int... shape) {
        return ShapeFns.expand(this, shape);
    }

    public Var unsqueeze(int dim) {
        return ShapeFns.unsqueeze(this, dim);
    }

    public Var squeeze(int dim) {
        return ShapeFns.squeeze(this, dim);
    }

    public Var flatten(int start, int end) {
        return ShapeFns.flatten(this, start, end);
    }

    public Var pad(int[] pads, double value) {
        return ShapeFns.pad(this, pads, value);
    }

    public static Var concat(int dim, List<Var> parts) {
        return ShapeFns.concat(dim, parts);
    }

    public static Var stack(int dim, List<Var> parts) {
        return ShapeFns.stack(dim, parts);
    }

    // ---- linear algebra, normalisation, indexing, losses ----------------------------------------

    public Var matmul(Var o) {
        return MatMulFn.matmul(this, o);
    }

    /** bias + this @ w^T in one GEMM (torch.nn.functional.linear). this: (R, in), w: (out, in), bias: (out) or null. */
    public Var linear(Var w, Var bias) {
        return MatMulFn.linear(this, w, bias);
    }

    /**
     * activation(bias + this @ w^T), the activation applied to the GEMM's output in cache: the
     * values and gradients of {@code linear(w, bias).apply(activation)} without its second pass and
     * tensor (in inference the output is the only tensor made). this: (R, in), w: (out, in), bias:
     * (out) or null.
     */
    public Var linear(Var w, Var bias, UnaryOp activation) {
        return MatMulFn.linear(this, w, bias, activation);
    }

    /**
     * residual + (bias + this @ w^T), the residual added to the GEMM's output in cache: the values and
     * gradients of {@code residual.add(linear(w, bias))} without the layer's own output tensor (a
     * transformer block's x + proj(...)). this: (R, in), w: (out, in), bias: (out) or null, residual:
     * (R, out).
     */
    public Var linearResidual(Var w, Var bias, Var residual) {
        return MatMulFn.linear(this, w, bias, residual);
    }

    /**
     * A transformer MLP, linear(activation(linear(this, w1, b1)), w2, b2), as one op: the activation
     * in fc1's GEMM output pass and its derivative in the output pass of the GEMM that makes the hidden
     * gradient. The values and gradients of the composition. this: (R, in), w1: (hidden, in), b1:
     * (hidden), w2: (out, hidden), b2: (out).
     */
    public Var mlp(Var w1, Var b1, UnaryOp activation, Var w2, Var b2) {
        return MatMulFn.mlp(this, w1, b1, activation, w2, b2);
    }

    /**
     * {@link #mlp} with {@code residual} (R, out) added to fc2's output in cache: the values and gradients
     * of {@code residual.add(mlp(w1, b1, activation, w2, b2))} (a transformer block's x + mlp(...)).
     */
    public Var mlpResidual(Var w1, Var b1, UnaryOp activation, Var w2, Var b2, Var residual) {
        return MatMulFn.mlp(this, w1, b1, activation, w2, b2, residual);
    }

    public Var softmax(int dim) {
        return NormFns.softmax(this, dim);
    }

    public Var logSoftmax(int dim) {
        return NormFns.logSoftmax(this, dim);
    }

    /** Layer norm over the last dim; weight and bias (D) may be null. */
    public Var layerNorm(Var weight, Var bias, double eps) {
        return NormFns.layerNorm(this, weight, bias, eps);
    }

    /**
     * Fused multi-head attention softmax(q k^T / sqrt(D) + mask) v. q: (B, H, Tq, D), k: (B, H, Tk, D),
     * v: (B, H, Tk, Dv) -> (B, H, Tq, Dv). {@code causal}: query i sees keys j <= i; keyPaddingMask: BOOL
     * (B, Tk), true = ignore that key, or null. Keeps no (Tq, Tk) tensor for backward.
     */
    public static Var scaledDotProductAttention(Var q, Var k, Var v, boolean causal, Tensor keyPaddingMask) {
        return AttentionFn.scaledDotProductAttention(q, k, v, causal, keyPaddingMask);
    }

    /**
     * The same attention on a packed projection: qkv (B, N, 3, H, hd), as a (B, N, 3 H hd) linear output
     * reshapes -> (B, H, N, hd). Its gradient is one (B, N, 3, H, hd) tensor written by the fused
     * backward, where three q / k / v slices would each be scattered into zeros and summed.
     */
    public static Var selfAttention(Var qkv, boolean causal, Tensor keyPaddingMask) {
        return AttentionFn.selfAttention(qkv, causal, keyPaddingMask);
    }

    public Var gather(int dim, Tensor index) {
        return IndexFns.gather(this, dim, index);
    }

    public Var indexSelect(int dim, Tensor index) {
        return IndexFns.indexSelect(this, dim, index);
    }

    public static Var where(Tensor cond, Var a, Var b) {
        return IndexFns.where(cond, a, b);
    }

    /** Mean cross-entropy of logits (N, C) against class indices (N), with optional label smoothing. */
    public Var crossEntropy(Tensor targets, double labelSmoothing) {
        return LossFns.crossEntropy(this, targets, labelSmoothing);
    }

    // ---- collectives across data-parallel ranks -------------------------------------------------

    /**
     * (n, ...) -> (W n, ...): every rank's rows in rank order; the gradient of the sum of all ranks'
     * losses flows back to each rank's own rows (open_clip's gather_with_grad). Identity with one rank.
     */
    public Var allGather(dev.loupe.tensor.dist.Communicator comm) {
        return CollectiveFns.allGather(this, comm);
    }

    /** The sum over ranks, with the sum over ranks of the gradient flowing back. Identity with one rank. */
    public Var allReduceSum(dev.loupe.tensor.dist.Communicator comm) {
        return CollectiveFns.allReduceSum(this, comm);
    }

    @Override
    public String toString() {
        return "Var" + data.shape() + " " + data.dtype() + (requiresGrad ? " requires_grad" : "")
                + (creator != null ? " (" + creator.op + ")" : "");
    }
}
