package dev.loupe.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code loupe bench vit} measures, in the flags of ../shared/anchors/torch_vit_step.py: a plain ViT
 * (dim, depth, heads) on img x img x chans images cut in patch x patch patches, batch images a step, and
 * how many steps are timed after how many warm-up steps.
 */
public record VitBenchSettings(
        int dim, int depth, int heads, int img, int patch, int chans, int batch, int steps, int warmup) {
    public VitBenchSettings {
        if (dim < 1
                || depth < 1
                || heads < 1
                || img < 1
                || patch < 1
                || chans < 1
                || batch < 1
                || steps < 1
                || warmup < 0)
            throw new IllegalArgumentException("bench vit: sizes and steps must be >= 1 (warm-up >= 0), got " + this);
        if (img % patch != 0 || dim % heads != 0)
            throw new IllegalArgumentException("bench vit: image " + img + " must be a multiple of patch " + patch
                    + " and dim " + dim + " of heads " + heads);
    }

    /** The same settings as the peer script's flags. */
    public List<String> peerArgs() {
        return List.of(
                "--dim",
                "" + dim,
                "--depth",
                "" + depth,
                "--heads",
                "" + heads,
                "--img",
                "" + img,
                "--patch",
                "" + patch,
                "--chans",
                "" + chans,
                "--batch",
                "" + batch,
                "--steps",
                "" + steps,
                "--warmup",
                "" + warmup);
    }

    /** name -> value, in the peer's JSON names. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dim", dim);
        m.put("depth", depth);
        m.put("heads", heads);
        m.put("img", img);
        m.put("patch", patch);
        m.put("chans", chans);
        m.put("batch", batch);
        m.put("steps", steps);
        m.put("warmup", warmup);
        return m;
    }
}
