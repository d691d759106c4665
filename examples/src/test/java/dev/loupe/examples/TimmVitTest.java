package dev.loupe.examples;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.VitWeights;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The timm example on a file PyTorch wrote under timm's names with no Loupe metadata
 * (examples/tools/make_timm_vit.py): features and logits match PyTorch's.
 */
class TimmVitTest {
    private static Path resource(String name) throws Exception {
        return Path.of(TimmVitTest.class.getResource("/" + name).toURI());
    }

    @Test
    void aTimmNamedFileLoadsWithTimmsHeadWidthAndMatchesPytorch() throws Exception {
        VisionTransformer vit = VitWeights.read(resource("timm_vit.safetensors"));
        assertEquals(1, vit.config().heads(), "width 64 / timm's head width 64");
        assertEquals(32, vit.config().imageSize());
        assertEquals(10, vit.config().numClasses());
        Map<String, Tensor> io = SafeTensors.read(resource("timm_vit_io.safetensors"));

        float[] logits = TimmVit.logits(vit, io.get("input")).toFloatArray();
        float[] features;
        try (var scope = GradMode.disable()) {
            features = vit.forwardFeatures(Var.of(io.get("input"))).data().toFloatArray();
        }
        assertClose(io.get("logits").toFloatArray(), logits);
        assertClose(io.get("features").toFloatArray(), features);
    }

    @Test
    void theProgramPrintsTopFiveClassesPerImage(@TempDir Path tmp) throws Exception {
        Path images = Images.rgb(tmp.resolve("images"), 3, 40);
        String out = Console.capture(() -> TimmVit.main(new String[] {resource("timm_vit.safetensors").toString(), images.toString()}));
        assertEquals(3, out.lines().filter(l -> l.contains(": top-5 classes [")).count(), out);
    }

    private static void assertClose(float[] want, float[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-4f, "element " + i);
        assertTrue(want.length > 0);
    }
}
