package dev.loupe.examples;

import dev.loupe.eval.embed.ClipEmbedder;
import dev.loupe.eval.embed.ImageFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Zero-shot classification with a CLIP model (a {@code loupe train clip} run's model.safetensors and
 * merges.txt.gz): each label becomes the prompt "a photo of a {label}.", and every image of a folder gets
 * the label whose text embedding is closest to its image embedding.
 *
 * <p>Usage: {@code ZeroShotFolder WEIGHTS MERGES IMAGE_DIR LABEL [LABEL ...]}
 */
public final class ZeroShotFolder {
    public static void main(String[] args) throws IOException {
        ClipEmbedder clip = ClipEmbedder.load(Path.of(args[0]), Path.of(args[1]));
        List<Path> files = ImageFiles.in(Path.of(args[2]));
        List<String> labels = Arrays.asList(args).subList(3, args.length);
        List<String> predicted = clip.classify(files, labels);
        for (int i = 0; i < files.size(); i++) System.out.println(files.get(i).getFileName() + ": " + predicted.get(i));
    }
}
