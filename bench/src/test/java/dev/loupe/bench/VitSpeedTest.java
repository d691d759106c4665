package dev.loupe.bench;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** What bench vit reports besides the speed: the flop count from the shapes, bytes and peak heap. */
class VitSpeedTest {
    @Test
    void forwardFlopsCountEveryProductOfTheShapes() {
        // img 8, patch 4: 4 patches, 5 tokens; dim 16, depth 2, 1 channel, 3 classes
        double embed = 2.0 * 4 * 16 * 16, perBlock = 2.0 * 5 * 12 * 16 * 16 + 4.0 * 5 * 5 * 16, head = 2.0 * 16 * 3;
        assertEquals(embed + 2 * perBlock + head, VitSpeed.forwardFlops(16, 2, 8, 4, 1, 3), 1e-9);
    }

    @Test
    void measuresSpeedAllocationAndPeakHeapOfBothLoops() {
        VitSpeed.Result r = VitSpeed.measure(new VitBenchSettings(16, 1, 2, 8, 4, 1, 4, 2, 1), false);
        assertTrue(r.trainImagesPerSecond() > 0 && r.inferImagesPerSecond() > 0, r.toString());
        assertTrue(r.trainBytesPerStep() > 0 && r.inferBytesPerPass() > 0, r.toString());
        assertTrue(r.trainPeakHeapBytes() > 0, r.toString());
        assertTrue(r.inferPeakHeapBytes() > 0, r.toString());
        assertTrue(r.trainProfile().isEmpty() && r.inferProfile().isEmpty(), "no profile unless asked");
        assertEquals(r.trainBytesPerStep(), VitSpeed.toMap(r).get("train_bytes_per_step"));
    }

    @Test
    void settingsAreCheckedAndPassedToThePeerAsItsFlags() {
        var tiny = new VitBenchSettings(192, 12, 3, 28, 4, 1, 128, 4, 2); // bench vit's defaults
        assertEquals("--dim", tiny.peerArgs().get(0));
        assertEquals("192", tiny.peerArgs().get(1));
        assertEquals(18, tiny.peerArgs().size());
        assertEquals(128, tiny.toMap().get("batch"));
        var e = assertThrows(
                IllegalArgumentException.class, () -> new VitBenchSettings(192, 12, 5, 28, 4, 1, 128, 4, 2));
        assertTrue(e.getMessage().contains("heads 5"), e.getMessage());
    }
}
