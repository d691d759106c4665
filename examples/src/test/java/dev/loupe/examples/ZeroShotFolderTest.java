package dev.loupe.examples;

import dev.loupe.clip.ClipConfig;
import dev.loupe.clip.ClipModel;
import dev.loupe.clip.ClipVisionConfig;
import dev.loupe.clip.ClipWeights;
import dev.loupe.clip.tokenizer.BpeMerge;
import dev.loupe.clip.tokenizer.BpeTrainer;
import dev.loupe.clip.tokenizer.MergesFile;
import dev.loupe.clip.tokenizer.Tokenizer;
import dev.loupe.eval.embed.ClipEmbedder;
import dev.loupe.eval.embed.ImageFiles;
import dev.loupe.nn.text.TextConfig;
import dev.loupe.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The zero-shot example on a small random CLIP model: one line per image with the label the embedder picks. */
class ZeroShotFolderTest {
    @Test
    void eachImageGetsTheLabelTheEmbedderRanksFirst(@TempDir Path tmp) throws Exception {
        List<String> labels = List.of("circle", "square", "triangle");
        List<BpeMerge> merges = new BpeTrainer().addAll(List.of("a photo of a circle.", "a photo of a square.", "a photo of a triangle."))
                .train(BpeTrainer.BASE_VOCAB + 16);
        Tokenizer tokenizer = new Tokenizer(merges);
        ClipModel model = new ClipModel(new ClipConfig(new ClipVisionConfig(16, 8, 32, 1, 2, 16),
                new TextConfig(tokenizer.vocabSize(), 16, 32, 1, 2, 16)), new Rng(11));
        Path weights = tmp.resolve("clip.safetensors"), mergesFile = tmp.resolve("merges.txt.gz");
        ClipWeights.write(weights, model);
        MergesFile.write(mergesFile, merges);
        Path images = Images.rgb(tmp.resolve("images"), 4, 24);

        String out = Console.capture(() -> ZeroShotFolder.main(new String[] {weights.toString(), mergesFile.toString(), images.toString(),
                "circle", "square", "triangle"}));

        List<Path> files = ImageFiles.in(images);
        List<String> want = ClipEmbedder.load(weights, mergesFile).classify(files, labels);
        for (int i = 0; i < files.size(); i++) assertEquals(files.get(i).getFileName() + ": " + want.get(i), out.lines().toList().get(i));
    }
}
