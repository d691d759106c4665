package dev.loupe.eval.supervised;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.data.Batch;
import dev.loupe.data.Dataset;
import dev.loupe.data.Image;
import dev.loupe.data.Sample;
import dev.loupe.data.loader.Loader;
import dev.loupe.data.loader.LoaderOptions;
import dev.loupe.data.transform.ViewTransform;
import dev.loupe.eval.report.ConfusionMatrix;
import dev.loupe.eval.report.ConfusionMatrixPlot;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.train.StepInfo;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Accuracy over a loader, the confusion matrix and its renderings, and the classification objective. */
class SupervisedEvalTest {
    private static final List<String> CLASSES = List.of("a", "b", "c");

    /** 10 random 8x8 grey images with labels i % 3. */
    private static Dataset dataset() {
        Rng rng = new Rng(3);
        Image[] images = new Image[10];
        for (int i = 0; i < images.length; i++) images[i] = Image.of(Tensor.rand(rng, 1, 8, 8));
        return new Dataset() {
            @Override
            public String name() {
                return "tiny";
            }

            @Override
            public int size() {
                return images.length;
            }

            @Override
            public Sample get(int i) {
                return new Sample("img" + i, images[i], i % 3, null);
            }

            @Override
            public List<String> classNames() {
                return CLASSES;
            }
        };
    }

    private static VisionTransformer model() {
        return new VisionTransformer(ViTConfig.of(8, 4, 1, 16, 1, 2, 3), new Rng(5));
    }

    @Test
    void accuracyCountsEveryPredictionOnce() {
        Dataset data = dataset();
        VisionTransformer vit = model();
        Loader loader = new Loader(
                data,
                ViewTransform.single((img, rng) -> img),
                LoaderOptions.builder(4).shuffle(false).workers(1).build());
        AccuracyResult r = Accuracy.evaluate(vit, loader);
        assertTrue(vit.isTraining(), "training mode restored");

        ConfusionMatrix expected = new ConfusionMatrix(CLASSES);
        try (var noGrad = GradMode.disable()) {
            vit.train(false);
            for (int i = 0; i < data.size(); i++) {
                Tensor x = data.get(i).image().toTensor().unsqueeze(0); // (1, 1, 8, 8)
                int p = (int) vit.forward(Var.of(x)).data().argmax(1, false).toLongArray()[0];
                expected.add(i % 3, p);
            }
        }
        assertEquals(10, r.total());
        assertArrayEquals(expected.counts(), r.confusion().counts());
        assertEquals(expected.correct(), r.correct());
        assertEquals(expected.correct() / 10.0, r.top1());
    }

    @Test
    void confusionMatrixTableAndImage(@TempDir Path dir) throws Exception {
        ConfusionMatrix m = new ConfusionMatrix(CLASSES);
        m.add(0, 0);
        m.add(0, 0);
        m.add(0, 1);
        m.add(1, 1);
        m.add(2, 0);
        assertEquals(3, m.correct());
        assertEquals(0.6, m.accuracy(), 1e-12);
        assertEquals(2.0 / 3, m.recall(0), 1e-12);
        String md = m.toMarkdown();
        assertTrue(md.startsWith("| true \\ predicted | a | b | c | recall |"), md);
        assertTrue(md.contains("| a | 2 | 1 | 0 | 0.667 |"), md);
        assertTrue(md.contains("| c | 1 | 0 | 0 | 0.000 |"), md);
        assertThrows(IllegalArgumentException.class, () -> m.add(3, 0));

        Path png = dir.resolve("confusion.png");
        ConfusionMatrixPlot.write(m, "test", png);
        BufferedImage read = ImageIO.read(png.toFile());
        assertEquals(ConfusionMatrixPlot.render(m, "test").getWidth(), read.getWidth());
    }

    @Test
    void objectiveIsLabelSmoothedCrossEntropyAndReportsBatchAccuracy() {
        VisionTransformer vit = model();
        vit.train(false);
        Tensor x = Tensor.randn(new Rng(9), 4, 1, 8, 8);
        Tensor y = Tensor.ofLongs(new long[] {0, 1, 2, 1}, 4);
        Batch batch = new Batch(List.of(x), y, null, List.of("0", "1", "2", "3"));
        ClassificationObjective obj = new ClassificationObjective(vit, 0.1);
        Var loss = obj.loss(batch, new StepInfo(0, 1, 0, 1));
        Var logits = vit.forward(Var.of(x));
        assertEquals(logits.crossEntropy(y, 0.1).item(), loss.item());
        assertEquals(
                ClassificationObjective.correct(logits.data(), y) / 4.0,
                obj.metrics().get("train_accuracy"));
        assertEquals(vit.namedParameters().keySet(), obj.trainableParameters().keySet());
    }
}
