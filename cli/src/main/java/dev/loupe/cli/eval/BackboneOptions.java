package dev.loupe.cli.eval;

import dev.loupe.cli.train.ModelOptions;
import dev.loupe.data.LabelledData;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.VitWeights;
import dev.loupe.tensor.Rng;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What to evaluate: {@code --weights FILE.safetensors} (a backbone under timm ViT names, as
 * {@code loupe train} writes), {@code --weights raw} (flattened normalised pixels, no model) or
 * {@code --weights random} (a ViT of {@code --model} initialised from {@code --init-seed}).
 */
public final class BackboneOptions {
    public static final String RAW = "raw", RANDOM = "random";

    @Option(
            names = "--weights",
            required = true,
            description =
                    "Backbone weights (.safetensors, timm names), 'raw' (pixels as features) or 'random' (a seeded random ViT of --model).")
    public String weights;

    @Option(
            names = "--init-seed",
            defaultValue = "0",
            description = "Seed of the random ViT for --weights random (default ${DEFAULT-VALUE}).")
    public long initSeed;

    @Mixin
    public ModelOptions model;

    public boolean raw() {
        return weights.equalsIgnoreCase(RAW);
    }

    public boolean random() {
        return weights.equalsIgnoreCase(RANDOM);
    }

    /** The weights file, or null for raw and random. */
    public Path file() {
        return raw() || random() ? null : Path.of(weights);
    }

    /** A short name for reports: the file's run folder or name, "raw pixels", "random fmnist". */
    public String label() {
        if (raw()) return "raw pixels";
        if (random()) return "random " + model.model;
        Path f = file().toAbsolutePath().normalize();
        Path parent = f.getParent();
        return parent != null && f.getFileName().toString().equals("model.safetensors")
                ? parent.getFileName().toString()
                : f.getFileName().toString();
    }

    /**
     * The backbone for {@code data} with {@code numClasses} outputs (0: none) and drop path
     * {@code dropPath}: the file's weights (a head in the file is dropped when numClasses is 0) or a
     * random initialisation. Not for raw.
     */
    public VisionTransformer load(LabelledData data, int numClasses, double dropPath) {
        if (raw()) throw new IllegalArgumentException("--weights raw has no model");
        if (random())
            return new VisionTransformer(
                    model.resolve(data.imageSize(), data.channels(), numClasses).withDropPath(dropPath),
                    new Rng(initSeed));
        VisionTransformer source;
        try {
            source = VitWeights.read(file(), new VitWeights.Overrides(model.heads, null));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --weights " + weights + ": " + e.getMessage(), e);
        }
        ViTConfig s = source.config();
        if (s.imageSize() != data.imageSize() || s.channels() != data.channels()) {
            throw new IllegalArgumentException(weights + " expects " + s.channels() + "x" + s.imageSize() + "x"
                    + s.imageSize() + " images but " + data.name() + " has " + data.channels() + "x" + data.imageSize()
                    + "x" + data.imageSize());
        }
        return VitWeights.withClasses(source, numClasses, dropPath, new Rng(initSeed));
    }

    /** The linear-probe features a published weights file records ({@link VitWeights#PROBE_FEATURES}), or null. */
    static String publishedProbeFeatures(Path file) {
        try {
            return VitWeights.probeFeatures(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --weights " + file + ": " + e.getMessage(), e);
        }
    }
}
