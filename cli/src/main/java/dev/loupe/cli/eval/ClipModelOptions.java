package dev.loupe.cli.eval;

import dev.loupe.clip.ClipModel;
import dev.loupe.clip.ClipWeights;
import dev.loupe.clip.tokenizer.MergesFile;
import dev.loupe.clip.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The CLIP model and tokenizer an evaluation reads: {@code --weights}, {@code --merges}, optional head counts. */
public final class ClipModelOptions {
    @Option(
            names = "--weights",
            required = true,
            description = "CLIP/SLIP weights with open_clip names (.safetensors), e.g. runs/NAME/model.safetensors.")
    public Path weights;

    @Option(
            names = "--merges",
            required = true,
            description =
                    "BPE merges the model was trained with (runs/NAME/merges.txt.gz, or CLIP's bpe_simple_vocab_16e6.txt.gz).")
    public Path merges;

    @Option(
            names = "--vision-heads",
            description = "Image tower heads (default: the file's metadata, else width / 64).")
    public Integer visionHeads;

    @Option(names = "--text-heads", description = "Text tower heads (default: the file's metadata, else width / 64).")
    public Integer textHeads;

    /** Options for weights and merges given elsewhere (head counts from the file). */
    static ClipModelOptions of(Path weights, Path merges) {
        ClipModelOptions o = new ClipModelOptions();
        o.weights = weights;
        o.merges = merges;
        return o;
    }

    public ClipModel model() throws IOException {
        return ClipWeights.read(weights, visionHeads, textHeads);
    }

    /** The tokenizer: every merge of the file (a file with more than CLIP's 48,894 merges is cut there, as CLIP does). */
    public Tokenizer tokenizer(ClipModel model) throws IOException {
        Tokenizer t = new Tokenizer(MergesFile.read(merges, MergesFile.CLIP_MERGES));
        if (t.vocabSize() != model.textConfig().vocab()) {
            throw new IllegalArgumentException(merges + " gives " + t.vocabSize() + " tokens but " + weights
                    + " embeds " + model.textConfig().vocab() + ": not the model's vocabulary");
        }
        return t;
    }
}
