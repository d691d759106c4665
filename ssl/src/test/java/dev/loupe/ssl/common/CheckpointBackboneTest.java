package dev.loupe.ssl.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.VitWeights;
import dev.loupe.nn.train.Objective;
import dev.loupe.ssl.byol.ByolObjective;
import dev.loupe.ssl.dino.DinoConfig;
import dev.loupe.ssl.dino.DinoObjective;
import dev.loupe.ssl.dinov2.Dinov2Config;
import dev.loupe.ssl.dinov2.Dinov2Objective;
import dev.loupe.ssl.mae.MaeConfig;
import dev.loupe.ssl.mae.MaeObjective;
import dev.loupe.ssl.moco.MocoObjective;
import dev.loupe.ssl.simclr.SimClrObjective;
import dev.loupe.ssl.vicreg.VicRegLoss;
import dev.loupe.ssl.vicreg.VicRegObjective;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint's model.safetensors (the objective's state dict with {@link Objective#weightsMetadata})
 * reads back through {@link VitWeights#read} as the method's evaluated backbone, with no options: an
 * overlapping-patch (kernel 4, stride 2), mean-pooled ViT whose 2 heads of width 8 cannot be guessed
 * from its width.
 */
class CheckpointBackboneTest {
    private static final ViTConfig VIT =
            ViTConfig.builder(8, 2, 3, 16, 1, 2).patchKernel(4).meanPool(true).build();

    @TempDir
    Path dir;

    private void assertReadsBack(String method, Objective<?> objective, String prefix) throws IOException {
        Path file = dir.resolve(method + ".safetensors");
        Map<String, Tensor> state = objective.module().stateDict();
        SafeTensors.write(file, state, objective.weightsMetadata());

        VisionTransformer back = VitWeights.read(file);

        ViTConfig c = back.config();
        assertEquals(2, c.patch(), method + ": stride");
        assertEquals(4, c.patchKernel(), method + ": kernel");
        assertEquals(2, c.heads(), method + ": heads");
        assertTrue(c.meanPool(), method + ": mean pool");
        assertEquals(8, c.imageSize(), method + ": image size");
        back.stateDict()
                .forEach((name, t) -> assertEquals(
                        0.0, t.sub(state.get(prefix + name)).abs().max(false).item(), method + ": " + prefix + name));
    }

    @Test
    void everyMethodsCheckpointReadsBackAsItsBackbone() throws IOException {
        assertReadsBack(
                "dino",
                new DinoObjective(VIT, DinoConfig.small().withHead(32, 24, 8), new Rng(1)),
                "teacher.backbone.");
        assertReadsBack(
                "dinov2",
                new Dinov2Objective(VIT, Dinov2Config.small().withHead(32, 24, 8), new Rng(2)),
                "teacher.backbone.");
        assertReadsBack("simclr", new SimClrObjective(VIT, 32, 8, 0.5, new Rng(3)), "visual.");
        assertReadsBack(
                "vicreg", new VicRegObjective(VIT, 16, 16, VicRegLoss.Weights.paper(), new Rng(4)), "backbone.");
        assertReadsBack("byol", new ByolObjective(VIT, 16, 8, 0.99, new Rng(5)), "online.backbone.");
        assertReadsBack("moco", new MocoObjective(VIT, 16, 8, 0.99, 0.2, true, new Rng(7)), "base.backbone.");
        assertReadsBack("mae", new MaeObjective(new MaeConfig(VIT, 8, 1, 2, 0.75, true), new Rng(6)), "");
    }
}
