/**
 * Image augmentations with torchvision 0.14's tensor semantics, and the view recipes built from them.
 *
 * <p>There is no ToTensor step: decoders already produce what ToTensor would, float (C, H, W) planes of
 * bytes / 255 in [0, 1], so every transform here starts where a torchvision tensor pipeline continues
 * after ToTensor. Random transforms draw only from the {@link dev.loupe.tensor.Rng} they are given.
 * Single-image transforms implement {@link dev.loupe.data.transform.Transform}; multi-view recipes
 * ({@link dev.loupe.data.transform.MultiCrop}, {@link dev.loupe.data.transform.TwoViews}, and those of
 * {@link dev.loupe.data.transform.Recipes}) implement {@link dev.loupe.data.transform.ViewTransform}.
 */
package dev.loupe.data.transform;
