package dev.loupe.data;

import dev.loupe.tensor.Device;
import dev.loupe.tensor.Tensor;
import java.util.List;

/**
 * A batch as the loader hands it to a training or evaluation step.
 *
 * @param views    one float32 (B, C, H, W) tensor per view (1 for supervised, 2 global + m local
 *                 crops for DINO); view i of every sample has the same size
 * @param labels   (B) int64 class indices, or null when the data set has no labels
 * @param captions B captions, or null when the data set has none
 * @param keys     B sample keys (file or index), for logs and error messages
 */
public record Batch(List<Tensor> views, Tensor labels, List<String> captions, List<String> keys) {
    public Batch {
        if (views.isEmpty()) throw new IllegalArgumentException("a batch needs at least one view");
    }

    /** The number of samples. */
    public int size() {
        return keys.size();
    }

    /** The first (or only) view. */
    public Tensor images() {
        return views.getFirst();
    }

    /** This batch with its views and labels on {@code device} (captions and keys stay as they are). */
    public Batch to(Device device) {
        return new Batch(
                views.stream().map(v -> v.to(device)).toList(),
                labels == null ? null : labels.to(device),
                captions,
                keys);
    }
}
