package dev.loupe.data.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.data.BadSampleException;
import dev.loupe.data.BadSamplePolicy;
import dev.loupe.data.Batch;
import dev.loupe.data.Dataset;
import dev.loupe.data.Image;
import dev.loupe.data.Sample;
import dev.loupe.data.transform.ViewTransform;
import dev.loupe.tensor.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The loader on a small in-memory data set; a timeout guards every test against a hung pool. */
@Timeout(30)
class LoaderTest {
    /** n 1x4x4 images, pixel p of image i = (i * 16 + p) / 1000; label i mod 3; bad indices throw. */
    private record TinyDataset(int n, Set<Integer> bad, boolean captions) implements Dataset {
        TinyDataset(int n) {
            this(n, Set.of(), false);
        }

        @Override
        public String name() {
            return "tiny";
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public Sample get(int index) {
            if (bad.contains(index)) throw new BadSampleException("img" + index + ".png", "not a PNG file");
            float[] px = new float[16];
            for (int p = 0; p < 16; p++) px[p] = (index * 16 + p) / 1000f;
            return new Sample(
                    "tiny[" + index + "]", new Image(1, 4, 4, px), index % 3, captions ? "caption " + index : null);
        }

        @Override
        public List<String> classNames() {
            return List.of("a", "b", "c");
        }
    }

    /** Two views that use the rng: the image plus noise (1x4x4), and a random 2x2 crop (1x2x2). */
    private static final ViewTransform NOISY_TWO_VIEWS = (image, rng) -> {
        float[] noisy = image.pixels().clone();
        for (int i = 0; i < noisy.length; i++) noisy[i] += rng.nextFloat();
        int y = rng.nextInt(3);
        int x = rng.nextInt(3);
        float[] crop = {image.get(0, y, x), image.get(0, y, x + 1), image.get(0, y + 1, x), image.get(0, y + 1, x + 1)};
        return List.of(new Image(1, 4, 4, noisy), new Image(1, 2, 2, crop));
    };

    private static LoaderOptions.Builder options(int batchSize) {
        return LoaderOptions.builder(batchSize).seed(42).workers(2).prefetchBatches(2);
    }

    private static List<Batch> all(Loader loader, int epoch, int startBatch) {
        List<Batch> out = new ArrayList<>();
        try (LoaderEpoch e = loader.epoch(epoch, startBatch)) {
            while (e.hasNext()) out.add(e.next());
        }
        return out;
    }

    private static List<String> keys(List<Batch> batches) {
        List<String> keys = new ArrayList<>();
        for (Batch b : batches) keys.addAll(b.keys());
        return keys;
    }

    private static void assertSameBatches(List<Batch> expected, List<Batch> actual) {
        assertEquals(expected.size(), actual.size());
        for (int b = 0; b < expected.size(); b++) {
            Batch x = expected.get(b);
            Batch y = actual.get(b);
            assertEquals(x.keys(), y.keys());
            assertEquals(x.views().size(), y.views().size());
            for (int v = 0; v < x.views().size(); v++) {
                assertArrayEquals(x.views().get(v).sizes(), y.views().get(v).sizes());
                float[] fx = x.views().get(v).toFloatArray();
                float[] fy = y.views().get(v).toFloatArray();
                for (int i = 0; i < fx.length; i++) {
                    assertEquals(
                            Float.floatToRawIntBits(fx[i]),
                            Float.floatToRawIntBits(fy[i]),
                            "batch " + b + " view " + v + " at " + i);
                }
            }
            assertArrayEquals(x.labels().toLongArray(), y.labels().toLongArray());
        }
    }

    @Test
    void batchesHaveShapesLabelsAndKeys() {
        Loader loader = new Loader(
                new TinyDataset(10), NOISY_TWO_VIEWS, options(4).shuffle(false).build());
        assertEquals(3, loader.batchesPerEpoch());
        List<Batch> batches = all(loader, 0, 0);
        assertEquals(3, batches.size());
        Batch first = batches.getFirst();
        assertArrayEquals(new int[] {4, 1, 4, 4}, first.views().get(0).sizes());
        assertArrayEquals(new int[] {4, 1, 2, 2}, first.views().get(1).sizes());
        assertEquals(DType.F32, first.images().dtype());
        assertEquals(DType.I64, first.labels().dtype());
        assertArrayEquals(new long[] {0, 1, 2, 0}, first.labels().toLongArray());
        assertEquals(List.of("tiny[0]", "tiny[1]", "tiny[2]", "tiny[3]"), first.keys());
        assertNull(first.captions());
        assertEquals(2, batches.get(2).size());
        // the crop view holds the image's own pixels: sample 1's values lie in [16, 32) / 1000
        float[] crop = first.views().get(1).narrow(0, 1, 1).toFloatArray();
        for (float f : crop) assertTrue(f >= 0.016f && f < 0.032f, "crop value " + f);
    }

    @Test
    void captionsAreCollected() {
        Loader loader = new Loader(
                new TinyDataset(3, Set.of(), true),
                NOISY_TWO_VIEWS,
                options(3).shuffle(false).build());
        Batch b = all(loader, 0, 0).getFirst();
        assertEquals(List.of("caption 0", "caption 1", "caption 2"), b.captions());
    }

    @Test
    void batchesAreBitwiseTheSameForAnyWorkerCountAndPrefetch() {
        Dataset ds = new TinyDataset(23);
        List<Batch> one = all(
                new Loader(
                        ds,
                        NOISY_TWO_VIEWS,
                        options(3).workers(1).prefetchBatches(0).build()),
                1,
                0);
        List<Batch> two = all(
                new Loader(
                        ds,
                        NOISY_TWO_VIEWS,
                        options(3).workers(2).prefetchBatches(1).build()),
                1,
                0);
        List<Batch> four = all(
                new Loader(
                        ds,
                        NOISY_TWO_VIEWS,
                        options(3).workers(4).prefetchBatches(5).build()),
                1,
                0);
        assertEquals(8, one.size());
        assertSameBatches(one, two);
        assertSameBatches(one, four);
    }

    @Test
    void startBatchGivesTheRestOfTheFullEpoch() {
        Loader loader =
                new Loader(new TinyDataset(23), NOISY_TWO_VIEWS, options(4).build());
        List<Batch> full = all(loader, 2, 0);
        for (int k : new int[] {1, 3, 5, 6}) {
            assertSameBatches(full.subList(k, full.size()), all(loader, 2, k));
        }
        assertTrue(all(loader, 2, 6).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> loader.epoch(2, 7));
    }

    @Test
    void resumeBatchIsWhereTheEpochContinues() {
        Loader loader =
                new Loader(new TinyDataset(20), NOISY_TWO_VIEWS, options(4).build());
        List<Batch> full = all(loader, 0, 0);
        int resume;
        try (LoaderEpoch e = loader.epoch(0, 0)) {
            assertEquals(0, e.resumeBatch());
            e.next();
            e.next();
            resume = e.resumeBatch();
        }
        assertEquals(2, resume);
        assertSameBatches(full.subList(2, 5), all(loader, 0, resume));
    }

    @Test
    void epochsHaveDifferentOrdersAndTheSameEpochRepeats() {
        Loader loader =
                new Loader(new TinyDataset(30), NOISY_TWO_VIEWS, options(5).build());
        List<String> e0 = keys(all(loader, 0, 0));
        List<String> e1 = keys(all(loader, 1, 0));
        assertNotEquals(e0, e1);
        assertEquals(new HashSet<>(e0), new HashSet<>(e1));
        assertEquals(30, new HashSet<>(e0).size());
        assertEquals(
                e0,
                keys(all(
                        new Loader(
                                new TinyDataset(30), NOISY_TWO_VIEWS, options(5).build()),
                        0,
                        0)));
        List<String> otherSeed = keys(all(
                new Loader(
                        new TinyDataset(30),
                        NOISY_TWO_VIEWS,
                        options(5).seed(43).build()),
                0,
                0));
        assertNotEquals(e0, otherSeed);
    }

    @Test
    void noShuffleKeepsTheDataSetOrder() {
        Loader loader = new Loader(
                new TinyDataset(7), NOISY_TWO_VIEWS, options(3).shuffle(false).build());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6}, loader.plan(5).indices());
    }

    @Test
    void twoRanksAreDisjointAndCoverTheDataSet() {
        Dataset ds = new TinyDataset(24);
        List<String> r0 =
                keys(all(new Loader(ds, NOISY_TWO_VIEWS, options(5).shard(0, 2).build()), 3, 0));
        List<String> r1 =
                keys(all(new Loader(ds, NOISY_TWO_VIEWS, options(5).shard(1, 2).build()), 3, 0));
        assertEquals(12, r0.size());
        assertEquals(12, r1.size());
        Set<String> union = new HashSet<>(r0);
        union.addAll(r1);
        assertEquals(24, union.size());
        Set<String> overlap = new HashSet<>(r0);
        overlap.retainAll(r1);
        assertTrue(overlap.isEmpty(), "shared " + overlap);
    }

    @Test
    void unevenShardsArePaddedByWrappingAround() {
        LoaderOptions base = options(4).build();
        int[] order = EpochPlan.permutation(7, true, base.seed(), 0);
        int[] r0 = EpochPlan.of(7, base.toBuilder().shard(0, 2).build(), 0).indices();
        int[] r1 = EpochPlan.of(7, base.toBuilder().shard(1, 2).build(), 0).indices();
        assertArrayEquals(new int[] {order[0], order[2], order[4], order[6]}, r0);
        assertArrayEquals(new int[] {order[1], order[3], order[5], order[0]}, r1);
        assertEquals(
                4,
                new Loader(
                                new TinyDataset(7),
                                NOISY_TWO_VIEWS,
                                base.toBuilder().shard(1, 2).build())
                        .samplesPerEpoch());
    }

    @Test
    void permutationIsAPermutation() {
        int[] p = EpochPlan.permutation(100, true, 9, 4);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        int[] identity = EpochPlan.permutation(100, false, 9, 4);
        assertArrayEquals(identity, sorted);
        assertFalse(Arrays.equals(identity, p));
    }

    @Test
    void dropLastLeavesOutTheShortBatch() {
        Dataset ds = new TinyDataset(23);
        Loader keep = new Loader(ds, NOISY_TWO_VIEWS, options(5).build());
        Loader drop = new Loader(ds, NOISY_TWO_VIEWS, options(5).dropLast(true).build());
        assertEquals(5, keep.batchesPerEpoch());
        assertEquals(4, drop.batchesPerEpoch());
        List<Batch> kept = all(keep, 0, 0);
        List<Batch> dropped = all(drop, 0, 0);
        assertEquals(3, kept.getLast().size());
        assertEquals(4, dropped.size());
        for (Batch b : dropped) assertEquals(5, b.size());
        assertSameBatches(kept.subList(0, 4), dropped);
    }

    @Test
    void failPolicyPropagatesFileAndReasonAndStops() {
        Loader loader = new Loader(
                new TinyDataset(20, Set.of(9, 13), false),
                NOISY_TWO_VIEWS,
                options(4).shuffle(false).workers(3).build());
        LoaderEpoch epoch = loader.epoch(0);
        assertEquals(4, epoch.next().size());
        assertEquals(4, epoch.next().size());
        BadSampleException e = assertThrows(BadSampleException.class, epoch::next);
        assertEquals("img9.png: not a PNG file", e.getMessage());
        assertEquals("img9.png", e.source());
        assertFalse(epoch.hasNext());
        epoch.close();
        assertEquals(0, loader.skipped());
        assertLoaderThreadsEnd();
    }

    /** Every loader thread is a daemon and ends once its epoch is closed (the class timeout catches a hang). */
    private static void assertLoaderThreadsEnd() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!t.getName().startsWith("loupe-loader-")) continue;
            assertTrue(t.isDaemon(), t.getName() + " is not a daemon");
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void skipPolicyShortensBatchesAndCounts() {
        Loader loader = new Loader(
                new TinyDataset(20, Set.of(5, 6, 17), false),
                NOISY_TWO_VIEWS,
                options(4).shuffle(false).onBadSample(BadSamplePolicy.SKIP).build());
        List<Batch> batches;
        List<String> reasons;
        long epochSkips;
        try (LoaderEpoch e = loader.epoch(0)) {
            batches = new ArrayList<>();
            while (e.hasNext()) batches.add(e.next());
            reasons = e.skipReasons();
            epochSkips = e.skipped();
        }
        assertEquals(List.of(4, 2, 4, 4, 3), batches.stream().map(Batch::size).toList());
        assertEquals(List.of("tiny[4]", "tiny[7]"), batches.get(1).keys());
        assertArrayEquals(new long[] {1, 1}, batches.get(1).labels().toLongArray());
        assertEquals(3, epochSkips);
        assertEquals(
                List.of("img5.png: not a PNG file", "img6.png: not a PNG file", "img17.png: not a PNG file"), reasons);
        assertEquals(3, loader.skipped());
        all(loader, 1, 0);
        assertEquals(6, loader.skipped());
        assertEquals(Map.of(0, 3L, 1, 3L), loader.skippedPerEpoch());
    }

    @Test
    void eachSkipIsLoggedAsOnePlainLine() {
        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(text, true, java.nio.charset.StandardCharsets.UTF_8);
        Loader loader = new Loader(
                new TinyDataset(8, Set.of(1, 6), false),
                NOISY_TWO_VIEWS,
                options(4).shuffle(false).onBadSample(BadSamplePolicy.SKIP).build(),
                dev.loupe.data.BadSampleLog.to(out));
        all(loader, 0, 0);
        assertEquals(
                "skipped bad sample (tiny epoch 0): img1.png: not a PNG file\n"
                        + "skipped bad sample (tiny epoch 0): img6.png: not a PNG file\n",
                text.toString(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(
                "skipped bad sample (w): a.png:  two lines",
                dev.loupe.data.BadSampleLog.line(
                        "w", new dev.loupe.data.BadSampleException("a.png", "\ntwo\r\nlines")));
    }

    @Test
    void aBatchOfOnlyBadSamplesIsLeftOut() {
        Loader loader = new Loader(
                new TinyDataset(6, Set.of(2, 3), false),
                NOISY_TWO_VIEWS,
                options(2).shuffle(false).onBadSample(BadSamplePolicy.SKIP).build());
        try (LoaderEpoch e = loader.epoch(0)) {
            assertEquals(List.of("tiny[0]", "tiny[1]"), e.next().keys());
            assertEquals(1, e.resumeBatch());
            assertEquals(List.of("tiny[4]", "tiny[5]"), e.next().keys());
            assertEquals(3, e.resumeBatch());
            assertFalse(e.hasNext());
            assertEquals(2, e.skipped());
        }
    }

    @Test
    void otherExceptionsPropagateEvenWhenSkipping() {
        ViewTransform broken = (image, rng) -> {
            if (image.pixels()[0] > 0.1f) throw new IllegalStateException("transform bug");
            return List.of(image);
        };
        Loader loader = new Loader(
                new TinyDataset(12),
                broken,
                options(4).shuffle(false).onBadSample(BadSamplePolicy.SKIP).build());
        try (LoaderEpoch e = loader.epoch(0)) {
            assertEquals(4, e.next().size());
            IllegalStateException x = assertThrows(IllegalStateException.class, e::next);
            assertEquals("transform bug", x.getMessage());
        }
    }

    @Test
    void viewsOfDifferentSizesInOneBatchAreReported() {
        ViewTransform uneven = (image, rng) -> List.of(image.pixels()[0] > 0.03f ? Image.zeros(1, 3, 3) : image);
        Loader loader =
                new Loader(new TinyDataset(4), uneven, options(4).shuffle(false).build());
        try (LoaderEpoch e = loader.epoch(0)) {
            IllegalStateException x = assertThrows(IllegalStateException.class, e::next);
            assertEquals(
                    "view 0 of tiny[2] is 1x3x3 but view 0 of tiny[0] is 1x4x4; a batch needs equal sizes",
                    x.getMessage());
        }
    }

    @Test
    void closingEarlyStopsTheEpoch() {
        Loader loader = new Loader(
                new TinyDataset(40),
                NOISY_TWO_VIEWS,
                options(2).prefetchBatches(4).build());
        LoaderEpoch e = loader.epoch(0);
        for (Batch b : (Iterable<Batch>) () -> e) {
            assertEquals(2, b.size());
            break;
        }
        e.close();
        assertFalse(e.hasNext());
        e.close();
        assertEquals(1, e.resumeBatch());
        assertLoaderThreadsEnd();
    }

    @Test
    void emptyDataSetHasNoBatches() {
        Loader loader =
                new Loader(new TinyDataset(0), NOISY_TWO_VIEWS, options(2).build());
        assertEquals(0, loader.batchesPerEpoch());
        assertTrue(all(loader, 0, 0).isEmpty());
    }

    @Test
    void optionsAreValidated() {
        assertThrows(
                IllegalArgumentException.class, () -> LoaderOptions.builder(0).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> LoaderOptions.builder(2).workers(0).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> LoaderOptions.builder(2).shard(2, 2).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> LoaderOptions.builder(2).prefetchBatches(-1).build());
        LoaderOptions d = LoaderOptions.defaults(8);
        assertEquals(Runtime.getRuntime().availableProcessors(), d.workers());
        assertEquals(2, d.prefetchBatches());
        assertEquals(0, d.rank());
        assertEquals(1, d.worldSize());
        assertEquals(BadSamplePolicy.FAIL, d.onBadSample());
        assertEquals(d, d.toBuilder().build());
    }

    @Test
    void sampleSeedsDependOnEveryPart() {
        long s = LoaderSeeds.sample(1, 2, 3);
        assertEquals(s, LoaderSeeds.sample(1, 2, 3));
        assertNotEquals(s, LoaderSeeds.sample(2, 2, 3));
        assertNotEquals(s, LoaderSeeds.sample(1, 3, 3));
        assertNotEquals(s, LoaderSeeds.sample(1, 2, 4));
        assertNotEquals(LoaderSeeds.permutation(1, 2), LoaderSeeds.permutation(2, 1));
    }
}
