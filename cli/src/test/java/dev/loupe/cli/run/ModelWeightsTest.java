package dev.loupe.cli.run;

import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ModelWeightsTest {
    @Test
    void aTrainingCheckpointGivesItsTeacherBackbone(@TempDir Path tmp) throws IOException {
        ViTConfig config = ViTConfig.of(8, 4, 1, 16, 2, 2, 0);
        VisionTransformer teacher = new VisionTransformer(config, new Rng(1));
        VisionTransformer student = new VisionTransformer(config, new Rng(2));
        Map<String, Tensor> checkpoint = new LinkedHashMap<>();
        student.stateDict().forEach((name, t) -> checkpoint.put("student.backbone." + name, t));
        teacher.stateDict().forEach((name, t) -> checkpoint.put("teacher.backbone." + name, t));
        checkpoint.put("dino_loss.center", Tensor.zeros(1, 4));
        Path file = tmp.resolve("model.safetensors");
        SafeTensors.write(file, checkpoint, Map.of());

        VisionTransformer read = ModelWeights.read(file, 2);
        assertEquals(16, read.config().dim());
        teacher.stateDict().forEach((name, t) -> assertArrayEquals(t.toFloatArray(), read.stateDict().get(name).toFloatArray(), name));
    }

    @Test
    void aFileWithoutAViTIsNamed(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("other.safetensors");
        SafeTensors.write(file, Map.of("head.weight", Tensor.zeros(2, 2)), Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelWeights.read(file, 2));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("cls_token"), e.getMessage());
    }

    @Test
    void overlappingPatchesRoundTripThroughTheStrideInTheMetadata(@TempDir Path tmp) throws IOException {
        ViTConfig config = ViTConfig.of(28, 4, 1, 16, 2, 2, 10).withPatchKernel(8);
        VisionTransformer model = new VisionTransformer(config, new Rng(3));
        Path file = tmp.resolve("model.safetensors");
        ModelWeights.write(file, model);
        assertEquals("4", SafeTensors.readMetadata(file).get(ModelWeights.PATCH_STRIDE));

        VisionTransformer read = ModelWeights.read(file, null);
        assertEquals(config, read.config());
        Tensor images = Tensor.randn(new Rng(4), 2, 1, 28, 28);
        assertArrayEquals(model.forward(dev.loupe.autograd.Var.of(images)).data().toFloatArray(),
                read.forward(dev.loupe.autograd.Var.of(images)).data().toFloatArray());
    }

    @Test
    void plainPatchesWriteNoStride(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("model.safetensors");
        ModelWeights.write(file, new VisionTransformer(ViTConfig.of(8, 4, 1, 16, 1, 2, 0), new Rng(5)));
        assertFalse(SafeTensors.readMetadata(file).containsKey(ModelWeights.PATCH_STRIDE));
        assertEquals(4, ModelWeights.read(file, null).config().patchKernel());
    }
}
