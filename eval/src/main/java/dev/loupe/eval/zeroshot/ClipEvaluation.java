package dev.loupe.eval.zeroshot;

import dev.loupe.clip.ClipModel;
import dev.loupe.clip.tokenizer.Tokenizer;
import dev.loupe.data.Dataset;
import dev.loupe.data.LabelledData;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Recipes;
import dev.loupe.data.transform.Transform;
import dev.loupe.data.transform.ViewTransform;
import dev.loupe.eval.features.FeatureSet;
import dev.loupe.eval.linear.LogisticModel;
import dev.loupe.eval.linear.LogisticRegression;
import dev.loupe.eval.retrieval.ClipRetrieval;
import dev.loupe.eval.retrieval.RetrievalResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The CLIP evaluations of a trained model (and of {@link ClipMonitor} during training): zero-shot classification, image-text retrieval and a
 * logistic-regression probe on the image embeddings, all on images prepared by CLIP's eval transform
 * (shorter side resized to the model's input, centre crop, the data set's normalisation).
 */
public final class ClipEvaluation {
    private ClipEvaluation() {}

    /** The openings of the shapes captions ({@link dev.loupe.data.shapes.CaptionWriter}) as prompts. */
    public static final List<String> SHAPES_TEMPLATES =
            List.of("a {}", "a photo of a {}", "there is a {}", "an image with a {}");

    /**
     * Prompt templates: "simple" (CLIP's "a photo of a {}."), "openai" (its 7 ImageNet templates),
     * "shapes" ({@link #SHAPES_TEMPLATES}) or a file of one template per line.
     */
    public static List<String> templates(String spec) {
        return switch (spec.toLowerCase(Locale.ROOT)) {
            case "simple" -> Templates.SIMPLE;
            case "openai" -> Templates.OPENAI_IMAGENET_7;
            case "shapes" -> SHAPES_TEMPLATES;
            default -> {
                Path file = Path.of(spec);
                if (!Files.isRegularFile(file))
                    throw new IllegalArgumentException(
                            "--templates '" + spec + "' is neither simple, openai, shapes nor a file");
                try {
                    List<String> lines = Files.readAllLines(file).stream()
                            .map(String::strip)
                            .filter(l -> !l.isEmpty())
                            .toList();
                    if (lines.isEmpty())
                        throw new IllegalArgumentException("template file " + file + " holds no templates");
                    for (String l : lines) {
                        if (!l.contains("{}"))
                            throw new IllegalArgumentException(
                                    "template file " + file + ": '" + l + "' has no {} for the class name");
                    }
                    yield lines;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read template file " + file + ": " + e.getMessage(), e);
                }
            }
        };
    }

    /** CLIP's eval transform for the data set: resize the shorter side to its image size, centre crop, normalise. */
    public static Transform evalTransform(LabelledData data) {
        return evalTransform(data, data.imageSize());
    }

    /** CLIP's eval transform to {@code size} px with the data set's normalisation. */
    public static Transform evalTransform(LabelledData data, int size) {
        ViewTransform view =
                Recipes.eval(RecipeConfig.of(size, data.mean(), data.std()).withEvalCropRatio(1.0));
        return (image, rng) -> view.apply(image, rng).getFirst();
    }

    /** Zero-shot top-1/top-5 of model on {@code test}, whose labels index {@code classNames}. */
    public static ZeroShotResult zeroShot(
            ClipModel model,
            Tokenizer tokenizer,
            Dataset test,
            Transform transform,
            List<String> classNames,
            List<String> templates,
            int batch) {
        if (classNames.isEmpty())
            throw new IllegalArgumentException(
                    "zero-shot classification needs class names, but " + test.name() + " has none");
        ZeroShotClassifier classifier =
                ZeroShotClassifier.build(TextEncoder.of(model, tokenizer, batch), classNames, templates);
        FeatureSet images = new ClipImageEncoder(model, batch).encode(test, transform);
        return classifier.evaluate(images.features(), images.labels());
    }

    /** Image-to-text and text-to-image recall at 1/5/10 over the captions of {@code test}. */
    public static RetrievalResult retrieval(
            ClipModel model, Tokenizer tokenizer, Dataset test, Transform transform, int batch) {
        return ClipRetrieval.evaluate(
                test, transform, new ClipImageEncoder(model, batch), TextEncoder.of(model, tokenizer, batch));
    }

    /** A linear probe's result: top-1 accuracy (fraction) of logistic regression on the image embeddings. */
    public record LinearResult(double top1, int trainImages, int testImages, int iterations, boolean converged) {}

    /**
     * CLIP's linear probe on the image embeddings (the projection's output, as OpenAI's encode_image):
     * L2-regularised logistic regression with C = 0.316 fitted on the train split by L-BFGS, top-1 on the test split.
     */
    public static LinearResult linearProbe(
            ClipModel model, Dataset train, Dataset test, Transform transform, int batch) {
        ClipImageEncoder encoder = new ClipImageEncoder(model, batch);
        FeatureSet trainFeatures = encoder.encode(train, transform);
        FeatureSet testFeatures = encoder.encode(test, transform);
        LogisticModel fit = new LogisticRegression().fit(trainFeatures);
        return new LinearResult(
                fit.accuracy(testFeatures) / 100.0,
                trainFeatures.size(),
                testFeatures.size(),
                fit.iterations(),
                fit.converged());
    }
}
