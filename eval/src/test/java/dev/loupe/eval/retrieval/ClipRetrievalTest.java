package dev.loupe.eval.retrieval;

import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.clip.ClipConfig;
import dev.loupe.clip.ClipModel;
import dev.loupe.clip.ClipVisionConfig;
import dev.loupe.clip.tokenizer.BpeTrainer;
import dev.loupe.clip.tokenizer.Tokenizer;
import dev.loupe.data.Dataset;
import dev.loupe.data.Image;
import dev.loupe.data.Sample;
import dev.loupe.eval.zeroshot.ClipImageEncoder;
import dev.loupe.eval.zeroshot.Templates;
import dev.loupe.eval.zeroshot.TextEncoder;
import dev.loupe.eval.zeroshot.ZeroShotClassifier;
import dev.loupe.nn.text.TextConfig;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CLIP-model encoders and data-set retrieval wiring on a tiny random model. */
class ClipRetrievalTest {
    private static final List<String> CAPTIONS =
            List.of("a red square", "a red box", "a green circle", "a blue stripe");
    private static final Tokenizer TOKENIZER =
            new Tokenizer(new BpeTrainer().addAll(CAPTIONS).train(BpeTrainer.BASE_VOCAB + 10));
    private static final ClipModel MODEL = new ClipModel(
            new ClipConfig(
                    new ClipVisionConfig(8, 4, 16, 1, 2, 8), new TextConfig(TOKENIZER.vocabSize(), 8, 16, 1, 2, 8)),
            new Rng(9));

    /** Four captions of three images: the first two samples share key "a". */
    private static final Dataset DATA = new Dataset() {
        private final String[] keys = {"a", "a", "b", "c"};

        public String name() {
            return "captions";
        }

        public int size() {
            return 4;
        }

        public Sample get(int i) {
            // samples with one key hold the same image
            int img = "abc".indexOf(keys[i]);
            float[] px = Tensor.rand(new Rng(100 + img), 3 * 8 * 8).toFloatArray();
            return new Sample(keys[i], new Image(3, 8, 8, px), Sample.NO_LABEL, CAPTIONS.get(i));
        }

        public List<String> classNames() {
            return List.of();
        }
    };

    @Test
    void encodersAgreeWithTheModelAndDoNotDependOnBatching() {
        TextEncoder one = TextEncoder.of(MODEL, TOKENIZER, 1), three = TextEncoder.of(MODEL, TOKENIZER, 3);
        Tensor a = one.encode(CAPTIONS), b = three.encode(CAPTIONS);
        assertArrayEquals(new int[] {4, 8}, a.sizes());
        assertCloseToScale("batching", a, b, 1e-6);
        assertCloseToScale(
                "text tower", MODEL.encodeText(TOKENIZER.tokenize(CAPTIONS, 8)).data(), a, 1e-6);
        Tensor img = new ClipImageEncoder(MODEL, 2).encode(DATA, (im, rng) -> im, new int[] {2});
        Tensor direct = MODEL.encodeImage(Tensor.of(DATA.get(2).image().pixels(), 1, 3, 8, 8))
                .data();
        assertCloseToScale("image tower", direct, img, 1e-6);
        assertTrue(MODEL.isTraining(), "the encoders restore training mode");
    }

    @Test
    void samplesSharingAKeyAreOneImageWithSeveralTexts() {
        RetrievalResult r = ClipRetrieval.evaluate(
                DATA, (im, rng) -> im, new ClipImageEncoder(MODEL, 2), TextEncoder.of(MODEL, TOKENIZER, 4));
        assertEquals(3, r.images());
        assertEquals(4, r.texts());
        assertEquals(1.0, r.textToImageR5(), 0, "3 images: every rank is < 5");
    }

    @Test
    void zeroShotWeightsAreUnitColumns() {
        ZeroShotClassifier zs = ZeroShotClassifier.build(
                TextEncoder.of(MODEL, TOKENIZER, 8),
                List.of("square", "circle", "stripe"),
                Templates.OPENAI_IMAGENET_7);
        float[] w = zs.weights().contiguous().toFloatArray(); // (E, K)
        for (int k = 0; k < 3; k++) {
            double ss = 0;
            for (int e = 0; e < 8; e++) ss += w[e * 3 + k] * w[e * 3 + k];
            assertEquals(1.0, ss, 1e-5);
        }
    }
}
