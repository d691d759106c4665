package dev.loupe.examples;

import dev.loupe.eval.embed.ImageEmbedder;
import dev.loupe.eval.embed.ImageFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Embeds every image of a folder with a saved ViT (for example SimClrFashionMnist's model.safetensors, or
 * any {@code loupe train} run's) and prints each image's nearest neighbour by cosine similarity. The
 * preprocessing (channels, size, normalisation) comes from the weights file.
 *
 * <p>Usage: {@code EmbedFolder WEIGHTS IMAGE_DIR}
 */
public final class EmbedFolder {
    public static void main(String[] args) throws IOException {
        ImageEmbedder embedder = ImageEmbedder.load(Path.of(args[0]));
        List<Path> files = ImageFiles.in(Path.of(args[1]));
        float[][] vectors = embedder.embedFiles(files);                           // one row of D floats per file
        System.out.printf("%d images -> %d x %d embeddings (%s)%n", files.size(), vectors.length, embedder.dim(), embedder.preprocessing());
        for (int i = 0; i < files.size(); i++) {
            System.out.println(files.get(i).getFileName() + " is nearest to " + files.get(nearest(vectors, i)).getFileName());
        }
    }

    /** The row most similar (cosine) to row i, other than i; i itself when it is the only row. */
    static int nearest(float[][] v, int i) {
        int best = i;
        double bestCos = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < v.length; j++) {
            double cos = dot(v[i], v[j]) / Math.sqrt(dot(v[i], v[i]) * dot(v[j], v[j]));
            if (j != i && cos > bestCos) {
                best = j;
                bestCos = cos;
            }
        }
        return best;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) s += (double) a[k] * b[k];
        return s;
    }
}
