package dev.loupe.nn.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.Var;
import dev.loupe.nn.DropPath;
import dev.loupe.nn.Dropout;
import dev.loupe.nn.Module;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Module.reseed: a stochastic module's draws depend only on (seed, its path), not on earlier draws. */
class ReseedTest {
    private static float[] mask(DropPath d) {
        return d.forward(Var.of(Tensor.ones(64, 1))).data().toFloatArray();
    }

    @Test
    void sameSeedGivesSameDrawsWhateverCameBefore() {
        DropPath d = new DropPath(0.5, new Rng(1));
        d.reseed(42);
        float[] first = mask(d);
        mask(d);
        d.reseed(42);
        assertArrayEquals(first, mask(d));
        d.reseed(43);
        assertFalse(java.util.Arrays.equals(first, mask(d)));
    }

    @Test
    void dropoutIsReseededToo() {
        Dropout d = new Dropout(0.5, new Rng(3));
        d.reseed(7);
        float[] a = d.forward(Var.of(Tensor.ones(64))).data().toFloatArray();
        d.forward(Var.of(Tensor.ones(64)));
        d.reseed(7);
        assertArrayEquals(a, d.forward(Var.of(Tensor.ones(64))).data().toFloatArray());
    }

    /** Two drop paths under different names. */
    private static final class Pair extends Module {
        final DropPath a = child("a", new DropPath(0.5, new Rng(1))), b = child("b", new DropPath(0.5, new Rng(1)));
    }

    @Test
    void modulesAtDifferentPathsGetDifferentStreams() {
        Pair p = new Pair();
        p.reseed(11);
        float[] a = mask(p.a), b = mask(p.b);
        assertFalse(java.util.Arrays.equals(a, b));
        p.reseed(11);
        assertArrayEquals(a, mask(p.a));
        assertArrayEquals(b, mask(p.b));
    }

    @Test
    void reseedReachesTheDropPathInsideViTBlocks() {
        VisionTransformer vit = TinyClassifier.model(1);
        Tensor x = Tensor.randn(new Rng(2), 32, 1, 8, 8);
        vit.reseed(5);
        float[] first = vit.forward(Var.of(x)).data().toFloatArray();
        float[] second = vit.forward(Var.of(x)).data().toFloatArray();
        assertFalse(java.util.Arrays.equals(first, second), "drop path 0.1 over 32 samples should drop something");
        vit.reseed(5);
        assertArrayEquals(first, vit.forward(Var.of(x)).data().toFloatArray());
    }
}
