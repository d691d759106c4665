package dev.loupe.data.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.data.Image;
import dev.loupe.data.Sample;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CaptionedShapesTest {
    private static final int COUNT = 400;

    @Test
    void sameSeedGivesIdenticalSamplesInAnyOrderAndThread() {
        CaptionedShapes a = new CaptionedShapes(ShapesConfig.of(COUNT, 7), ShapesSplit.TRAIN);
        CaptionedShapes b = new CaptionedShapes(ShapesConfig.of(COUNT, 7), ShapesSplit.TRAIN);
        List<Sample> parallel = IntStream.range(0, 64)
                .parallel()
                .map(i -> 63 - i)
                .mapToObj(b::get)
                .toList();
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
    void heldOutCombinationsOnlyInTheTestSplit() {
        Set<Combination> heldOut = Set.copyOf(CaptionedShapes.heldOutCombinations());
        assertEquals(Shape.values().length, heldOut.size());
        for (ShapesSplit split : List.of(ShapesSplit.TRAIN, ShapesSplit.TEST_SEEN, ShapesSplit.BINDING)) {
            CaptionedShapes data = new CaptionedShapes(ShapesConfig.of(COUNT, 1), split);
            Set<Shape> shapes = EnumSet.noneOf(Shape.class);
            Set<ShapeColour> colours = EnumSet.noneOf(ShapeColour.class);
            for (int i = 0; i < COUNT; i++) {
                for (SceneObject o : data.scene(i).objects()) {
                    assertFalse(
                            heldOut.contains(o.combination()),
                            split + " sample " + i + " shows held-out " + o.combination());
                    shapes.add(o.shape());
                    colours.add(o.colour());
                }
            }
            assertEquals(EnumSet.allOf(Shape.class), shapes, "every shape is seen in " + split);
            assertEquals(EnumSet.allOf(ShapeColour.class), colours, "every colour is seen in " + split);
        }
        CaptionedShapes test = new CaptionedShapes(ShapesConfig.of(COUNT, 1), ShapesSplit.TEST);
        Set<Combination> seenInTest = new HashSet<>();
        for (int i = 0; i < COUNT; i++) {
            List<SceneObject> objects = test.scene(i).objects();
            assertEquals(1, objects.size(), "test sample " + i);
            assertTrue(heldOut.contains(objects.getFirst().combination()), "test sample " + i + " shows " + objects);
            seenInTest.add(objects.getFirst().combination());
        }
        assertEquals(heldOut, seenInTest);
    }

    @Test
    void splitsHaveTheirObjectCounts() {
        CaptionedShapes binding = new CaptionedShapes(ShapesConfig.of(COUNT, 2), ShapesSplit.BINDING);
        CaptionedShapes seen = new CaptionedShapes(ShapesConfig.of(COUNT, 2), ShapesSplit.TEST_SEEN);
        CaptionedShapes train = new CaptionedShapes(ShapesConfig.of(COUNT, 2), ShapesSplit.TRAIN);
        Set<Integer> trainCounts = new HashSet<>();
        for (int i = 0; i < COUNT; i++) {
            List<SceneObject> two = binding.scene(i).objects();
            assertEquals(2, two.size());
            assertNotEquals(two.get(0).shape(), two.get(1).shape(), "binding sample " + i);
            assertNotEquals(two.get(0).colour(), two.get(1).colour(), "binding sample " + i);
            assertTrue(
                    two.get(0).position().ordinal() < two.get(1).position().ordinal(),
                    "reading order in binding sample " + i);
            assertEquals(1, seen.scene(i).objects().size());
            trainCounts.add(train.scene(i).objects().size());
        }
        assertEquals(Set.of(1, 2), trainCounts);
        assertEquals(ShapesSplit.BINDING, ShapesSplit.of("binding"));
        assertEquals("shapes/test-seen", seen.name());
        assertThrows(IllegalArgumentException.class, () -> ShapesSplit.of("validation"));
    }

    /**
     * The label ambiguity is gone: every test image's labels (count; per object in reading order: shape,
     * colour, size, position) are read back from its pixels by {@link PixelDecoder}, and agree with the
     * stored labels, the class label and the attributes.
     */
    @Test
    void everyTestLabelCanBeReadFromThePixels() {
        for (ShapesSplit split : List.of(ShapesSplit.TEST, ShapesSplit.TEST_SEEN, ShapesSplit.BINDING)) {
            CaptionedShapes data = new CaptionedShapes(new ShapesConfig(64, 120, 11, 2), split);
            for (int i = 0; i < data.size(); i++) {
                Sample s = data.get(i);
                SceneLabels labels = data.labels(i);
                PixelDecoder.Decoded read = PixelDecoder.decode(s.image());
                assertEquals(
                        labels,
                        read.labels(),
                        split + " sample " + i + " (best IoU " + Arrays.toString(read.bestIou()) + ", runner-up "
                                + Arrays.toString(read.secondIou()) + ")");
                for (int o = 0; o < labels.count(); o++) {
                    assertTrue(
                            read.bestIou()[o] > 0.6,
                            split + " sample " + i + " object " + o + " fits its outline with IoU "
                                    + read.bestIou()[o]);
                }
                assertEquals(labels.objects().getFirst().shape().ordinal(), s.label());
                int[] values = data.attributeValues(i);
                assertEquals(labels.objects().getFirst().colour().ordinal(), values[data.attributeIndex("colour")]);
                assertEquals(
                        labels.objects().getLast().position().ordinal(),
                        values[data.attributeIndex(labels.count() == 2 ? "position.2" : "position")]);
                assertEquals(labels.count() - 1, values[data.attributeIndex("count")]);
                assertEquals(
                        CaptionedShapes.combinationIndex(
                                labels.objects().getFirst().combination()),
                        values[data.attributeIndex("combination")]);
                if (labels.count() == 1) assertEquals(Sample.NO_LABEL, values[data.attributeIndex("shape.2")]);
            }
        }
    }

    @Test
    void attributesNameTheirValues() {
        CaptionedShapes data = new CaptionedShapes(ShapesConfig.of(10, 0), ShapesSplit.TRAIN);
        assertEquals(11, data.attributes().size());
        assertEquals(
                48, data.attributes().get(data.attributeIndex("combination")).size());
        assertEquals(
                "green circle",
                data.attributes()
                        .get(data.attributeIndex("combination"))
                        .values()
                        .get(1));
        assertEquals(
                "top left",
                data.attributes().get(data.attributeIndex("position")).values().getFirst());
        assertThrows(IllegalArgumentException.class, () -> data.attributeIndex("texture"));
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
            openings.add(s.caption()
                    .substring(
                            0, s.caption().indexOf(" a ") < 0 ? 1 : s.caption().indexOf(" a ") + 1));
            for (SceneObject o : scene.objects()) {
                assertTrue(
                        s.caption()
                                .contains(o.size().word() + " " + o.colour().word() + " "
                                        + o.shape().word() + " " + o.position().phrase()),
                        s.caption() + " should mention " + o);
                assertCentreHasColour(s.image(), o, i);
            }
            if (scene.objects().size() == 2) {
                assertTrue(s.caption().contains(" and "), s.caption());
                assertNotEquals(
                        scene.objects().get(0).position(),
                        scene.objects().get(1).position());
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
            assertEquals(
                    rgb[c] / 255f, image.get(c, y, x), 0f, "sample " + index + " centre of " + o + " channel " + c);
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
