package dev.loupe.cli.train;

import dev.loupe.clip.ClipConfig;
import dev.loupe.clip.ClipVisionConfig;
import dev.loupe.nn.text.TextConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The CLIP/SLIP towers, tokenizer and evaluation options; small defaults that train in minutes on 32 px shapes. */
public final class ClipTowerOptions {
    @Option(
            names = "--vision-patch",
            defaultValue = "4",
            description = "Image tower patch side (default ${DEFAULT-VALUE}).")
    public int visionPatch;

    @Option(
            names = "--vision-width",
            defaultValue = "128",
            description = "Image tower width (default ${DEFAULT-VALUE}).")
    public int visionWidth;

    @Option(
            names = "--vision-layers",
            defaultValue = "4",
            description = "Image tower blocks (default ${DEFAULT-VALUE}).")
    public int visionLayers;

    @Option(names = "--vision-heads", defaultValue = "4", description = "Image tower heads (default ${DEFAULT-VALUE}).")
    public int visionHeads;

    @Option(names = "--text-width", defaultValue = "128", description = "Text tower width (default ${DEFAULT-VALUE}).")
    public int textWidth;

    @Option(names = "--text-layers", defaultValue = "3", description = "Text tower blocks (default ${DEFAULT-VALUE}).")
    public int textLayers;

    @Option(names = "--text-heads", defaultValue = "4", description = "Text tower heads (default ${DEFAULT-VALUE}).")
    public int textHeads;

    @Option(
            names = "--context",
            defaultValue = "32",
            description = "Text context length in tokens (default ${DEFAULT-VALUE}).")
    public int context;

    @Option(
            names = "--embed-dim",
            defaultValue = "128",
            description = "Shared embedding size (default ${DEFAULT-VALUE}).")
    public int embedDim;

    @Option(
            names = "--merges",
            description =
                    "BPE merges file (CLIP's bpe_simple_vocab_16e6.txt.gz); default: BPE trained on the training captions.")
    public Path merges;

    @Option(
            names = "--vocab-size",
            defaultValue = "1000",
            description = "Vocabulary of the BPE trained on the captions, without --merges (default ${DEFAULT-VALUE}).")
    public int vocabSize;

    @Option(
            names = "--templates",
            defaultValue = "simple",
            description =
                    "Zero-shot prompts during training: simple, openai, shapes (the shapes caption openings) or a file (default ${DEFAULT-VALUE}).")
    public String templates;

    @Option(
            names = "--eval-batch",
            defaultValue = "256",
            description = "Batch size of the evaluations (default ${DEFAULT-VALUE}).")
    public int evalBatch;

    ClipConfig config(int imageSize, int vocab) {
        return new ClipConfig(
                new ClipVisionConfig(imageSize, visionPatch, visionWidth, visionLayers, visionHeads, embedDim),
                new TextConfig(vocab, context, textWidth, textLayers, textHeads, embedDim));
    }
}
