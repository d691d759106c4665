package dev.loupe.eval.embed;

import dev.loupe.data.Image;
import dev.loupe.data.decode.ChannelMode;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Transform;
import dev.loupe.eval.knn.KnnMonitor;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * What an image goes through before a model sees it: converted to the model's channel count (grey or
 * RGB), resized so its shorter side is {@code size}, centre-cropped to size x size and normalised per
 * channel ((x - mean) / std, pixels in [0, 1]) -- the evaluation transform of training.
 *
 * @param size     the model's image side
 * @param channels 1 (grey) or 3 (RGB)
 * @param mean     per-channel mean, {@code channels} values
 * @param std      per-channel standard deviation, {@code channels} values
 */
public record Preprocessing(int size, int channels, float[] mean, float[] std) {
    /** torchvision's ImageNet statistics, timm's default for a ViT. */
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f}, IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    public Preprocessing {
        if (size < 1) throw new IllegalArgumentException("image size must be >= 1, got " + size);
        if (channels != 1 && channels != 3)
            throw new IllegalArgumentException("images have 1 or 3 channels, not " + channels);
        if (mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException("mean " + Arrays.toString(mean) + " and std " + Arrays.toString(std)
                    + " need one value per channel (" + channels + ")");
        }
        mean = mean.clone();
        std = std.clone();
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** The transform of one decoded image (any channel count) into the model's input (channels, size, size). */
    public Transform transform() {
        Transform resizeCropNormalize = KnnMonitor.evalTransform(RecipeConfig.of(size, mean, std));
        ChannelMode mode = channels == 1 ? ChannelMode.GREY : ChannelMode.RGB;
        return (image, rng) -> resizeCropNormalize.apply(mode.apply(image), rng);
    }

    /** images[from, to) preprocessed and stacked: (to - from, channels, size, size). */
    public Tensor batch(List<Image> images, int from, int to) {
        Transform t = transform();
        int per = channels * size * size;
        float[] pixels = new float[(to - from) * per];
        for (int i = from; i < to; i++) {
            Image im = t.apply(images.get(i), new Rng(0));
            System.arraycopy(im.pixels(), 0, pixels, (i - from) * per, per);
        }
        return Tensor.of(pixels, to - from, channels, size, size);
    }

    @Override
    public String toString() {
        return "Preprocessing(resize " + size + ", centre crop, " + (channels == 1 ? "grey" : "RGB") + ", mean "
                + Arrays.toString(mean) + ", std " + Arrays.toString(std) + ")";
    }
}
