package dev.loupe.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link Subset#holdOut}, {@link LabelledData#withHoldout}, {@link EvenSubset} and {@link ChannelStats} on a small in-memory data set. */
class DataSelectionTest {
    /** n 2x1x1 images: sample i has pixels (i, 2i), label i % 3. */
    private static Dataset numbered(int n) {
        return new Dataset() {
            @Override
            public String name() {
                return "numbered";
            }

            @Override
            public int size() {
                return n;
            }

            @Override
            public Sample get(int i) {
                return new Sample("s" + i, new Image(2, 1, 1, new float[] {i, 2 * i}), i % 3, null);
            }

            @Override
            public List<String> classNames() {
                return List.of("a", "b", "c");
            }
        };
    }

    private static List<String> keys(Dataset d) {
        List<String> k = new ArrayList<>();
        for (int i = 0; i < d.size(); i++) k.add(d.get(i).key());
        return k;
    }

    @Test
    void holdOutIsADisjointFixedCoverOfTheData() {
        Subset.Split s = Subset.holdOut(numbered(20), 0.25, 7);
        assertEquals(5, s.test().size());
        assertEquals(15, s.train().size());
        Set<String> all = new HashSet<>(keys(s.train()));
        all.addAll(keys(s.test()));
        assertEquals(20, all.size(), "train and test cover every sample once");
        assertEquals(
                keys(s.test()), keys(Subset.holdOut(numbered(20), 0.25, 7).test()), "the same seed, the same split");
        assertNotEquals(
                keys(s.test()), keys(Subset.holdOut(numbered(20), 0.25, 8).test()));
        assertEquals("numbered/test", s.test().name());
        assertThrows(
                IllegalArgumentException.class,
                () -> Subset.holdOut(numbered(3), 0.1, 7),
                "too few samples to hold one out");
        assertThrows(IllegalArgumentException.class, () -> new Subset(numbered(3), "x", new int[] {3}));
    }

    @Test
    void holdoutScoresTheTrainingSplitsTailAndTrainsOnTheRest() {
        LabelledData data =
                new LabelledData("numbered", numbered(10), numbered(4), 1, 2, new float[] {0, 0}, new float[] {1, 1});
        LabelledData v = data.withHoldout(3);
        assertEquals("numbered-holdout3", v.name());
        assertEquals(List.of("s0", "s1", "s2", "s3", "s4", "s5", "s6"), keys(v.train()));
        assertEquals(List.of("s7", "s8", "s9"), keys(v.test()));
        assertEquals(List.of("a", "b", "c"), v.classNames());
        var e = assertThrows(IllegalArgumentException.class, () -> data.withHoldout(10));
        assertEquals(
                "--holdout 10: numbered's training split has 10 samples; hold out between 1 and 9", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> data.withHoldout(0));
    }

    @Test
    void evenSubsetKeepsEvenlySpacedSamples() {
        Dataset d = EvenSubset.of(numbered(10), 4);
        assertEquals(List.of("s0", "s2", "s5", "s7"), keys(d));
        assertSame(EvenSubset.of(numbered(10), 0).getClass(), numbered(10).getClass(), "0 is the whole data set");
        assertThrows(IllegalArgumentException.class, () -> EvenSubset.of(numbered(10), -1));
    }

    @Test
    void channelStatsArePerChannelPopulationMoments() {
        ChannelStats s = ChannelStats.of(numbered(10), 4); // channel 0: 0, 1, 2, 3; channel 1: 0, 2, 4, 6
        assertArrayEquals(new float[] {1.5f, 3f}, s.mean());
        assertEquals(Math.sqrt(1.25), s.std()[0], 1e-6);
        assertEquals(Math.sqrt(5.0), s.std()[1], 1e-6);
    }
}
