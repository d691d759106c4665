package dev.loupe.eval.attributes;

/**
 * One row of an {@link AttributeTable}.
 *
 * @param method    linear, knn, zero-shot, retrieval i->t, retrieval t->i, caption binding
 * @param attribute what is read (shape, colour, size, position, combination, count, shape.2, ...)
 * @param split     seen, held-out, binding, mixed (one- and two-object images)
 * @param accuracy  fraction correct (recall at 1 for retrieval)
 * @param chance    what always answering the commonest test label scores (1 / candidates for retrieval)
 * @param trainSize samples the probe was fitted on (0 for zero-shot and retrieval)
 * @param testSize  samples measured
 */
public record ProbeResult(
        String method, String attribute, String split, double accuracy, double chance, int trainSize, int testSize) {}
