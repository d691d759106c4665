package dev.loupe.data.transform;

import dev.loupe.data.Image;
import dev.loupe.tensor.Rng;
import java.util.List;

/** torchvision's Compose: the transforms in order, all drawing from the same rng. */
public final class Compose implements Transform {
    private final List<Transform> transforms;

    public Compose(Transform... transforms) {
        this(List.of(transforms));
    }

    public Compose(List<Transform> transforms) {
        this.transforms = List.copyOf(transforms);
    }

    @Override
    public Image apply(Image image, Rng rng) {
        Image out = image;
        for (Transform t : transforms) out = t.apply(out, rng);
        return out;
    }
}
