package dev.loupe.data.transform;

import dev.loupe.data.Image;
import dev.loupe.tensor.Rng;
import java.util.List;

/**
 * One image in, a fixed number of views out: 1 for supervised training and evaluation, 2 for SimCLR,
 * 2 global + m local crops for DINO. View i of every sample has the same size, so the loader stacks
 * view i of a batch into one (B, C, H, W) tensor.
 */
@FunctionalInterface
public interface ViewTransform {
    List<Image> apply(Image image, Rng rng);

    /** A single view made by t. */
    static ViewTransform single(Transform t) {
        return (image, rng) -> List.of(t.apply(image, rng));
    }
}
