package dev.loupe.cli.eval;

import dev.loupe.cli.train.DataOptions;
import dev.loupe.clip.ClipModel;
import dev.loupe.clip.tokenizer.Tokenizer;
import dev.loupe.data.LabelledData;
import dev.loupe.eval.retrieval.RetrievalResult;
import dev.loupe.eval.zeroshot.ClipEvaluation;
import dev.loupe.run.RunDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code loupe eval retrieval}: image-to-text and text-to-image recall at 1/5/10 of a CLIP/SLIP model
 * over the test split's captions (samples sharing a key are one image with several captions).
 * Writes DIR/retrieval.json.
 */
@Command(
        name = "retrieval",
        mixinStandardHelpOptions = true,
        description = "Image-text retrieval recall of CLIP/SLIP weights on a captioned test split.")
public final class RetrievalCommand implements Runnable {
    @Mixin
    ClipModelOptions modelOptions;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    ForwardPassOptions pass;

    @Option(names = "--out", description = "Folder for retrieval.json (default: print the result only).")
    Path out;

    @Override
    public void run() {
        pass.applyThreads();
        try {
            ClipModel model = modelOptions.model();
            Tokenizer tokenizer = modelOptions.tokenizer(model);
            LabelledData data = dataOptions.load().requireCaptions("retrieval");
            RetrievalResult r = ClipEvaluation.retrieval(
                    model,
                    tokenizer,
                    data.test(),
                    ClipEvaluation.evalTransform(data, model.config().vision().imageSize()),
                    pass.batch);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("weights", modelOptions.weights.toString());
            json.put("data", data.test().name());
            json.put("images", r.images());
            json.put("texts", r.texts());
            json.put("image_to_text_r1", r.imageToTextR1());
            json.put("image_to_text_r5", r.imageToTextR5());
            json.put("image_to_text_r10", r.imageToTextR10());
            json.put("text_to_image_r1", r.textToImageR1());
            json.put("text_to_image_r5", r.textToImageR5());
            json.put("text_to_image_r10", r.textToImageR10());
            System.out.printf(
                    Locale.ROOT,
                    "retrieval on %s (%d images, %d texts): image->text R@1 %.4f R@5 %.4f R@10 %.4f; "
                            + "text->image R@1 %.4f R@5 %.4f R@10 %.4f%n",
                    data.test().name(),
                    r.images(),
                    r.texts(),
                    r.imageToTextR1(),
                    r.imageToTextR5(),
                    r.imageToTextR10(),
                    r.textToImageR1(),
                    r.textToImageR5(),
                    r.textToImageR10());
            if (out == null) return;
            Files.createDirectories(out);
            RunDirectory.writeJson(out.resolve("retrieval.json"), json);
            System.out.println("wrote " + out.resolve("retrieval.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
