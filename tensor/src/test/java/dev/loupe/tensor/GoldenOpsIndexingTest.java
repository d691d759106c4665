package dev.loupe.tensor;

import org.junit.jupiter.api.Test;

/**
 * gather, scatter_add, index_select, cat, stack, F.pad, F.unfold and the ViT patchify against
 * PyTorch. Fixtures: golden/tensor/{gather,scatter_add,index_select,cat,stack,pad,unfold,patchify}/*,
 * made by tools/golden/make_tensor_fixtures.py (functions indexing() and patchify()). Apart from
 * scatter_add and the patch projection these ops only move elements, so they must be exact.
 */
class GoldenOpsIndexingTest {
    @Test
    void gatherAlongEachDim() {
        for (int d = 0; d < 2; d++) {
            GoldenFixture f = GoldenFixture.load("gather/dim" + d);
            f.assertExact("y", f.get("x").gather(d, f.get("index")));
            f.assertExact(
                    "y",
                    GoldenFixture.strided(f.get("x")).gather(d, f.get("index").to(DType.I32)));
        }
    }

    /**
     * Repeated indices add several src elements into one slot; torch and Loupe may add them in
     * another order, which changes at most a few float32 roundings of O(1) values: 1e-6 relative and
     * absolute.
     */
    @Test
    void scatterAddWithRepeatedIndices() {
        for (int d = 0; d < 2; d++) {
            GoldenFixture f = GoldenFixture.load("scatter_add/dim" + d);
            Tensor x = f.get("x");
            f.assertClose("y", x.scatterAdd(d, f.get("index"), f.get("src")), 1e-6, 1e-6);
            f.assertExact("x", x);
        }
    }

    /** index [2, 0, 2] (a repeat, out of order) into x (4, 3, 5) along every dim. */
    @Test
    void indexSelectAlongEveryDim() {
        for (int d = 0; d < 3; d++) {
            GoldenFixture f = GoldenFixture.load("index_select/dim" + d);
            f.assertExact("y", f.get("x").indexSelect(d, f.get("index")));
            f.assertExact("y", GoldenFixture.strided(f.get("x")).indexSelect(d - 3, f.get("index")));
        }
    }

    @Test
    void catAlongAMiddleDim() {
        GoldenFixture f = GoldenFixture.load("cat/dim1");
        f.assertExact("y", Tensor.concat(1, f.get("p0"), f.get("p1"), f.get("p2")));
        f.assertExact("y", Tensor.concat(-2, f.get("p0"), GoldenFixture.strided(f.get("p1")), f.get("p2")));
    }

    /** The middle part p1t (4, 2) enters as its transposed view (2, 4). */
    @Test
    void catWithATransposedPart() {
        GoldenFixture f = GoldenFixture.load("cat/dim1_transposed");
        f.assertExact("y", Tensor.concat(1, f.get("p0"), f.get("p1t").mT()));
    }

    @Test
    void stackAlongEveryDim() {
        for (int d = 0; d < 3; d++) {
            GoldenFixture f = GoldenFixture.load("stack/dim" + d);
            f.assertExact("y", Tensor.stack(d, f.get("p0"), f.get("p1"), f.get("p2")));
        }
    }

    /** F.pad order: (last before, last after, second-to-last before, after). */
    @Test
    void constantPadLikeTorch() {
        GoldenFixture last = GoldenFixture.load("pad/last");
        last.assertExact("y", last.get("x").pad(new int[] {1, 2}, 0.5));
        GoldenFixture two = GoldenFixture.load("pad/last_two");
        two.assertExact("y", two.get("x").pad(new int[] {1, 2, 0, 3}, -1.0));
        two.assertExact("y", GoldenFixture.strided(two.get("x")).pad(new int[] {1, 2, 0, 3}, -1.0));
    }

    /** F.unfold(x (2, 3, 7, 9), kernel 3, stride 2, padding 1) -> (2, 27, 20), rows (c, i, j). */
    @Test
    void im2colMatchesUnfold() {
        GoldenFixture f = GoldenFixture.load("unfold/k3s2p1");
        f.assertExact("y", Indexing.im2col(f.get("x"), 3, 3, 2, 1));
        f.assertExact("y", Indexing.im2col(GoldenFixture.strided(f.get("x")), 3, 3, 2, 1));
    }

    /**
     * Patches of x (2, 3, 8, 12), p = 4, as rows (c, i, j) must equal torch's reshape / permute (the
     * script asserts that x.unfold agrees), and patches @ W.flatten(1).T must equal conv2d(x, W,
     * stride = p) (the script asserts that as well). The projection sums K = C p p = 48 products of
     * randn and 0.2 randn: the matmul tolerance 1e-6 sqrt(K) (see GoldenOpsMatmulTest) scaled by 0.2.
     */
    @Test
    void patchifyMatchesConvWeightLayout() {
        GoldenFixture f = GoldenFixture.load("patchify/p4");
        Tensor patches = Indexing.patchify(f.get("x"), 4);
        f.assertExact("patches", patches);
        Tensor w = f.get("weight");
        Tensor projected = patches.matmul(w.reshape(w.size(0), -1).mT());
        double tol = 0.2 * 1e-6 * Math.sqrt(48);
        f.assertClose("conv", projected, tol, tol);
    }
}
