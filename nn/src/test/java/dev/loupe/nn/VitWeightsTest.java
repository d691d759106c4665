package dev.loupe.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link VitWeights}: every configuration field travels through a file, and the same model comes back. */
class VitWeightsTest {
    @TempDir
    Path tmp;

    private VisionTransformer roundTrip(ViTConfig config, int channels, int side) throws IOException {
        VisionTransformer model = new VisionTransformer(config, new Rng(3));
        Path file = tmp.resolve("model.safetensors");
        VitWeights.write(file, model);
        VisionTransformer read = VitWeights.read(file);
        assertEquals(config, read.config());
        model.train(false);
        read.train(false);
        Tensor images = Tensor.randn(new Rng(4), 2, channels, side, side);
        try (var scope = GradMode.disable()) {
            Var a = config.numClasses() > 0 ? model.forward(Var.of(images)) : model.forwardFeatures(Var.of(images));
            Var b = config.numClasses() > 0 ? read.forward(Var.of(images)) : read.forwardFeatures(Var.of(images));
            assertArrayEquals(a.data().toFloatArray(), b.data().toFloatArray());
        }
        return read;
    }

    @Test
    void overlappingPatchesAndMeanPoolingRoundTripThroughTheMetadata() throws IOException {
        ViTConfig config =
                ViTConfig.of(28, 4, 1, 16, 2, 2, 10).withPatchKernel(8).withMeanPool(true);
        roundTrip(config, 1, 28);
        Map<String, String> meta = SafeTensors.readMetadata(tmp.resolve("model.safetensors"));
        assertEquals("4", meta.get(VitWeights.PATCH_STRIDE));
        assertEquals("mean", meta.get(VitWeights.POOL));
        assertEquals("2", meta.get(VitWeights.HEADS));
    }

    @Test
    void aHalfCopyDropsTheProbeRecordAndKeepsTheRestOfTheMetadata() throws IOException {
        VisionTransformer model = new VisionTransformer(
                ViTConfig.of(28, 4, 1, 16, 2, 2, 0).withPatchKernel(8).withMeanPool(true), new Rng(3));
        Path file = tmp.resolve("model.safetensors"), published = tmp.resolve("published.safetensors");
        VitWeights.write(file, model);
        VitWeights.publish(file, published, "last2+mean", 71.25, "sgd on x");
        Path half = tmp.resolve("half.safetensors");
        VitWeights.copyBackbone(published, half, true);

        Map<String, String> meta = SafeTensors.readMetadata(half);
        assertEquals("mean", meta.get(VitWeights.POOL));
        assertEquals("4", meta.get(VitWeights.PATCH_STRIDE));
        for (String key : new String[] {VitWeights.PROBE_FEATURES, VitWeights.PROBE_TOP1, VitWeights.PROBE})
            assertFalse(meta.containsKey(key), key + " described the F32 weights");
        Map<String, Tensor> state = SafeTensors.read(half);
        model.stateDict().forEach((name, t) -> {
            float[] want = t.toFloatArray(), got = state.get(name).toFloatArray();
            for (int i = 0; i < want.length; i++)
                assertEquals(Float.float16ToFloat(Float.floatToFloat16(want[i])), got[i], name + " element " + i);
        });
        assertEquals(model.config(), VitWeights.read(half).config());
    }

    @Test
    void aConvStemRoundTripsFromItsParameterNames() throws IOException {
        ViTConfig config =
                ViTConfig.of(16, 8, 3, 16, 1, 2, 0).withConvStem(true).withMeanPool(true);
        roundTrip(config, 3, 16);
        assertFalse(
                SafeTensors.readMetadata(tmp.resolve("model.safetensors")).containsKey(VitWeights.PATCH_STRIDE),
                "a stem's patch is its number of stages; no stride is recorded");
    }

    @Test
    void registersSwigluLayerScaleAndEpsRoundTrip() throws IOException {
        ViTConfig config = new ViTConfig(16, 4, 3, 32, 2, 4, 4.0, false, 0.0, false, 1e-4, 2, true, false, 0, 1e-5);
        roundTrip(config, 3, 16);
        ViTConfig gelu = new ViTConfig(16, 4, 3, 32, 1, 4, 2.0, true, 0.0, false, 0.0, 0, false, false, 5, 1e-6);
        roundTrip(gelu, 3, 16);
        assertFalse(
                SafeTensors.readMetadata(tmp.resolve("model.safetensors")).containsKey(VitWeights.PATCH_STRIDE),
                "plain patches record no stride");
    }

    @Test
    void overridesWinOverTheMetadata() throws IOException {
        Path file = tmp.resolve("model.safetensors");
        VitWeights.write(file, new VisionTransformer(ViTConfig.of(8, 4, 1, 16, 1, 2, 3), new Rng(5)));
        ViTConfig c = VitWeights.read(file, new VitWeights.Overrides(4, true)).config();
        assertEquals(4, c.heads());
        assertTrue(c.meanPool());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> VitWeights.read(file, new VitWeights.Overrides(3, null)));
        assertTrue(
                e.getMessage().contains("--heads 3")
                        && e.getMessage().contains("16")
                        && e.getMessage().contains(file.toString()),
                e.getMessage());
    }

    /** The README's library example writes a plain state dict: timm's head width 64 gives its heads. */
    @Test
    void aFileWithoutMetadataGetsTimmsHeadWidth() throws IOException {
        VisionTransformer vit = new VisionTransformer(ViTConfig.preset("tiny", 28, 4, 1, 10), new Rng(0));
        Path file = tmp.resolve("vit.safetensors");
        SafeTensors.write(file, vit.stateDict(), Map.of());
        assertEquals(vit.config(), VitWeights.read(file).config());

        Path narrow = tmp.resolve("narrow.safetensors");
        SafeTensors.write(
                narrow, new VisionTransformer(ViTConfig.of(8, 4, 1, 24, 1, 3, 0), new Rng(1)).stateDict(), Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VitWeights.read(narrow));
        assertTrue(
                e.getMessage().contains("number of attention heads")
                        && e.getMessage().contains("--heads"),
                e.getMessage());
        assertEquals(
                3,
                VitWeights.read(narrow, new VitWeights.Overrides(3, null))
                        .config()
                        .heads());
    }

    @Test
    void aTrainingCheckpointGivesItsTeacherBackbone() throws IOException {
        ViTConfig config = ViTConfig.of(8, 4, 1, 16, 2, 2, 0);
        VisionTransformer teacher = new VisionTransformer(config, new Rng(1));
        VisionTransformer student = new VisionTransformer(config, new Rng(2));
        Map<String, Tensor> checkpoint = new LinkedHashMap<>();
        student.stateDict().forEach((name, t) -> checkpoint.put("student.backbone." + name, t));
        teacher.stateDict().forEach((name, t) -> checkpoint.put("teacher.backbone." + name, t));
        checkpoint.put("dino_loss.center", Tensor.zeros(1, 4));
        Path file = tmp.resolve("model.safetensors");
        SafeTensors.write(file, checkpoint, Map.of());

        VisionTransformer read = VitWeights.read(file, new VitWeights.Overrides(2, null));
        assertEquals(16, read.config().dim());
        teacher.stateDict()
                .forEach((name, t) -> assertArrayEquals(
                        t.toFloatArray(), read.stateDict().get(name).toFloatArray(), name));
    }

    @Test
    void aFileWithoutAViTIsNamed() throws IOException {
        Path file = tmp.resolve("other.safetensors");
        SafeTensors.write(file, Map.of("head.weight", Tensor.zeros(2, 2)), Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VitWeights.read(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("cls_token"), e.getMessage());
    }

    @Test
    void withClassesKeepsTheBackboneAndAFittingHead() {
        VisionTransformer source =
                new VisionTransformer(ViTConfig.of(8, 4, 1, 16, 2, 2, 3).withMeanPool(true), new Rng(1));
        VisionTransformer same = VitWeights.withClasses(source, 3, 0.1, new Rng(2));
        assertEquals(0.1, same.config().dropPathRate());
        assertTrue(same.config().meanPool());
        source.stateDict()
                .forEach((k, t) -> assertArrayEquals(
                        t.toFloatArray(), same.stateDict().get(k).toFloatArray(), k));
        VisionTransformer other = VitWeights.withClasses(source, 5, 0.0, new Rng(2));
        assertEquals(5, other.config().numClasses());
        assertArrayEquals(
                source.stateDict().get("blocks.1.mlp.fc2.weight").toFloatArray(),
                other.stateDict().get("blocks.1.mlp.fc2.weight").toFloatArray());
        assertNull(VitWeights.withClasses(source, 0, 0.0, new Rng(2)).head);
    }

    @Test
    void builderChangesFieldsByNameAndTheKernelFollowsThePatch() {
        ViTConfig c = ViTConfig.builder(28, 4, 1, 16, 2, 2)
                .numClasses(10)
                .meanPool(true)
                .dropPath(0.1, false)
                .build();
        assertEquals(new ViTConfig(28, 4, 1, 16, 2, 2, 4.0, true, 0.1, false, 0.0, 0, false, true, 10, 1e-6), c);
        assertEquals(c, c.toBuilder().build());
        assertEquals(7, c.toBuilder().patch(7).build().patchKernel(), "a plain patch's kernel follows it");
        assertEquals(8, c.withPatchKernel(8).toBuilder().patch(2).build().patchKernel(), "an overlapping kernel stays");
    }
}
