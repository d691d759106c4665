package dev.loupe.data.transform;

import dev.loupe.data.Image;
import dev.loupe.tensor.Rng;

/**
 * One image in, one image out, like a torchvision transform. Random transforms draw only from the
 * given rng (the loader derives it from the seed, the epoch and the sample index), so results do not
 * depend on the worker count; deterministic ones ignore it.
 */
@FunctionalInterface
public interface Transform {
    Image apply(Image image, Rng rng);
}
