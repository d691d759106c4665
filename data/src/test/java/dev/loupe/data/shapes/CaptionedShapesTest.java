package dev.loupe.data.shapes;

import dev.loupe.data.Image;
import dev.loupe.data.Sample;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CaptionedShapesTest {
    private static final int COUNT = 400;

    @Test
    void sameSeedGivesIdenticalSamplesInAnyOrderAndThread() {
        CaptionedShapes a = new CaptionedShapes(ShapesConfig.of(COUNT, 7), ShapesSplit.TRAIN);
        CaptionedShapes b = new CaptionedShapes(ShapesConfig.of(COUNT, 7), ShapesSplit.TRAIN);
        List<Sample> parallel = IntStream.range(0, 64).parallel().map(i -> 63 - i).mapToObj(b::get).toList();
        for (int i = 0; i < 64; i++) {
            Sample s = a.get(i);
            Sample t = parallel.get(63 - i);
            assertEquals(s.image(), t.image(), "pixels of sample " + i);
            assertEquals(s.caption(), t.caption());
            assertEquals(s.label(), t.label());
        }
        CaptionedShapes other = new CaptionedShapes(ShapesConfig.of(COUNT, 8), ShapesSplit.TRAIN);
        assertNotEquals(a.get(0).image(), other.get(0).image());
        assertNotEquals(a.get(0).image(), a.get(1).image());
    }

    @Test
    void heldOutCombinationsNeverInTrainAndFirstInEveryTestSample() {
        Set<Combination> heldOut = Set.copyOf(CaptionedShapes.heldOutCombinations());
        assertEquals(Shape.values().length, heldOut.size());
        CaptionedShapes train = new CaptionedShapes(ShapesConfig.of(COUNT, 1), ShapesSplit.TRAIN);
        CaptionedShapes test = new CaptionedShapes(ShapesConfig.of(COUNT, 1), ShapesSplit.TEST);
        Set<Shape> trainShapes = EnumSet.noneOf(Shape.class);
        Set<ShapeColour> trainColours = EnumSet.noneOf(ShapeColour.class);
        for (int i = 0; i < COUNT; i++) {
            for (SceneObject o : train.scene(i).objects()) {
                assertFalse(heldOut.contains(o.combination()), "train sample " + i + " shows held-out " + o.combination());
                trainShapes.add(o.shape());
                trainColours.add(o.colour());
            }
        }
        assertEquals(EnumSet.allOf(Shape.class), trainShapes, "every shape is still seen in training");
        assertEquals(EnumSet.allOf(ShapeColour.class), trainColours, "every colour is still seen in training");
        Set<Combination> seenInTest = new HashSet<>();
        for (int i = 0; i < COUNT; i++) {
            Combination first = test.scene(i).objects().getFirst().combination();
            assertTrue(heldOut.contains(first), "test sample " + i + " starts with " + first);
            seenInTest.add(first);
        }
        assertEquals(heldOut, seenInTest);
    }

    @Test
    void captionsAndLabelsDescribeWhatIsDrawn() {
        CaptionedShapes data = new CaptionedShapes(new ShapesConfig(64, COUNT, 3, 2), ShapesSplit.TRAIN);
        assertEquals(List.of("circle", "square", "triangle", "star", "cross", "diamond"), data.classNames());
        Set<Integer> objectCounts = new HashSet<>();
        Set<String> openings = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            Scene scene = data.scene(i);
            Sample s = data.get(i);
            assertEquals(s.caption(), data.caption(i), "the caption without the image is the sample's");
            assertEquals(scene.objects().getFirst().shape().ordinal(), s.label());
            assertEquals(3, s.image().channels());
            assertEquals(64, s.image().height());
            objectCounts.add(scene.objects().size());
            openings.add(s.caption().substring(0, s.caption().indexOf(" a ") < 0 ? 1 : s.caption().indexOf(" a ") + 1));
            for (SceneObject o : scene.objects()) {
                assertTrue(s.caption().contains(o.size().word() + " " + o.colour().word() + " " + o.shape().word() + " " + o.position().phrase()),
                        s.caption() + " should mention " + o);
                assertCentreHasColour(s.image(), o, i);
            }
            if (scene.objects().size() == 2) {
                assertTrue(s.caption().contains(" and "), s.caption());
                assertNotEquals(scene.objects().get(0).position(), scene.objects().get(1).position());
            }
        }
        assertEquals(Set.of(1, 2), objectCounts);
        assertTrue(openings.size() > 1, "captions use several templates: " + openings);
    }

    /** Every shape covers its centre pixel fully, so that pixel has the object's exact colour. */
    private static void assertCentreHasColour(Image image, SceneObject o, int index) {
        int side = image.width();
        int x = (int) Math.floor((o.position().x() + o.jitterX()) * side);
        int y = (int) Math.floor((o.position().y() + o.jitterY()) * side);
        int[] rgb = o.colour().rgb();
        for (int c = 0; c < 3; c++) {
            assertEquals(rgb[c] / 255f, image.get(c, y, x), 0f, "sample " + index + " centre of " + o + " channel " + c);
        }
    }

    @Test
    void oneObjectConfigAndBoundsAreChecked() {
        CaptionedShapes single = new CaptionedShapes(new ShapesConfig(32, 50, 5, 1), ShapesSplit.TRAIN);
        for (int i = 0; i < 50; i++) assertEquals(1, single.scene(i).objects().size());
        assertEquals("shapes/train", single.name());
        assertThrows(IndexOutOfBoundsException.class, () -> single.get(50));
        assertThrows(IllegalArgumentException.class, () -> new ShapesConfig(32, 10, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> new ShapesConfig(8, 10, 0, 1));
    }
}
