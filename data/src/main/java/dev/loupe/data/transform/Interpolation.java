package dev.loupe.data.transform;

/** Resampling filters of torchvision's tensor resize (interpolate with align_corners=False). */
public enum Interpolation {
    /** Triangle filter over the 2 nearest source pixels per axis (4 with antialias widened by the scale). */
    BILINEAR,
    /** Cubic convolution over 4 source pixels per axis: a = -0.75 without antialias, -0.5 (PIL's) with it. */
    BICUBIC
}
