package dev.loupe.cli.eval;

import dev.loupe.cli.train.DataOptions;
import dev.loupe.clip.ClipModel;
import dev.loupe.clip.tokenizer.Tokenizer;
import dev.loupe.data.LabelledData;
import dev.loupe.data.transform.Transform;
import dev.loupe.eval.zeroshot.ClipEvaluation;
import dev.loupe.eval.zeroshot.ZeroShotReport;
import dev.loupe.eval.zeroshot.ZeroShotResult;
import dev.loupe.run.RunDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code loupe eval zeroshot}: zero-shot top-1/top-5 of a CLIP/SLIP model on the test split (class
 * names as prompts through the templates), and with {@code --linear} a linear probe on the same
 * images: logistic regression (C = 0.316, L-BFGS) on the image embeddings of the train split,
 * top-1 on the test split. Writes DIR/zeroshot.json.
 */
@Command(
        name = "zeroshot",
        mixinStandardHelpOptions = true,
        description = "Zero-shot (and optionally linear-probe) accuracy of CLIP/SLIP weights on a test split.")
public final class ZeroShotCommand implements Runnable {
    @Mixin
    ClipModelOptions modelOptions;

    @Mixin
    DataOptions dataOptions;

    @Option(
            names = "--templates",
            defaultValue = "simple",
            description =
                    "simple, openai, shapes (the shapes caption openings) or a file with one template per line ({} = class name) (default ${DEFAULT-VALUE}).")
    String templates;

    @Option(
            names = "--linear",
            description =
                    "Also fit a logistic-regression probe on the train split's image embeddings and report its test top-1.")
    boolean linear;

    @Mixin
    ForwardPassOptions pass;

    @Option(names = "--out", description = "Folder for zeroshot.json (default: print the result only).")
    Path out;

    @Override
    public void run() {
        pass.applyThreads();
        try {
            ClipModel model = modelOptions.model();
            Tokenizer tokenizer = modelOptions.tokenizer(model);
            LabelledData data = dataOptions.loadLabelled("zero-shot classification");
            Transform transform =
                    ClipEvaluation.evalTransform(data, model.config().vision().imageSize());
            List<String> prompts = ClipEvaluation.templates(templates);
            ZeroShotResult r = ClipEvaluation.zeroShot(
                    model, tokenizer, data.test(), transform, data.classNames(), prompts, pass.batch);

            Map<String, Object> json = ZeroShotReport.json(
                    modelOptions.weights.toString(), data.test().name(), data.classNames(), prompts, r);
            System.out.print(ZeroShotReport.line(data.test().name(), prompts.size(), r));
            if (linear) {
                ClipEvaluation.LinearResult lin =
                        ClipEvaluation.linearProbe(model, data.train(), data.test(), transform, pass.batch);
                ZeroShotReport.addLinear(json, lin);
                System.out.print(ZeroShotReport.linearLine(lin));
            }
            if (out == null) return;
            Files.createDirectories(out);
            RunDirectory.writeJson(out.resolve("zeroshot.json"), json);
            System.out.println("wrote " + out.resolve("zeroshot.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
