package dev.loupe.data.transform;

import dev.loupe.data.Image;
import dev.loupe.tensor.Rng;
import java.util.ArrayList;
import java.util.List;

/**
 * SimCLR's views with multi-crop (SwAV, Caron et al. 2020): the two global views of {@link TwoViews#simclr}
 * first, then N local views, each the same SimCLR augmentation on a smaller side and a smaller crop area.
 * Views come out global, global, local 1 .. local N, drawn in that order from one Rng, so with N = 0 the
 * views are exactly {@link TwoViews}'.
 */
public final class SimClrMultiCrop implements ViewTransform {
    private final Transform global, local;
    private final int localCrops;

    /** global: one draw of a full-size view; local: one draw of a small view; localCrops >= 0 of them. */
    public SimClrMultiCrop(Transform global, Transform local, int localCrops) {
        if (localCrops < 0) throw new IllegalArgumentException("local crop count must be >= 0, got " + localCrops);
        this.global = global;
        this.local = local;
        this.localCrops = localCrops;
    }

    /** The views per image: 2 + local crops. */
    public int viewCount() {
        return 2 + localCrops;
    }

    @Override
    public List<Image> apply(Image image, Rng rng) {
        List<Image> views = new ArrayList<>(viewCount());
        views.add(global.apply(image, rng));
        views.add(global.apply(image, rng));
        for (int i = 0; i < localCrops; i++) views.add(local.apply(image, rng));
        return List.copyOf(views);
    }
}
