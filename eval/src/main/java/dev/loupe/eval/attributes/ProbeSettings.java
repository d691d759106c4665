package dev.loupe.eval.attributes;

import dev.loupe.eval.zeroshot.ClipEvaluation;
import java.util.List;

/**
 * How the attribute probes fit and vote.
 *
 * @param c             inverse L2 strength of the logistic-regression probes (on standardised features)
 * @param maxIterations L-BFGS iterations per probe
 * @param k             neighbours of the weighted kNN (DINO's vote, T = 0.07)
 * @param templates     prompt templates of the zero-shot probes ({} = class name)
 */
public record ProbeSettings(double c, int maxIterations, int k, List<String> templates) {
    public ProbeSettings {
        if (!(c > 0)) throw new IllegalArgumentException("probe C must be > 0, got " + c);
        if (maxIterations < 1 || k < 1)
            throw new IllegalArgumentException(
                    "probe iterations and k must be >= 1, got " + maxIterations + " and " + k);
        if (templates.isEmpty()) throw new IllegalArgumentException("zero-shot probes need at least one template");
        templates = List.copyOf(templates);
    }

    /** C = 0.316 (CLIP's), 1000 iterations, k = 20, the shapes caption openings as templates. */
    public static ProbeSettings defaults() {
        return new ProbeSettings(0.316, 1000, 20, ClipEvaluation.SHAPES_TEMPLATES);
    }
}
