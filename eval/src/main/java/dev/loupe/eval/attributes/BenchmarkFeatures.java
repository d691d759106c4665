package dev.loupe.eval.attributes;

/** The features of the four shapes splits ({@link ShapesBenchmark}) under one representation. */
public record BenchmarkFeatures(SplitFeatures train, SplitFeatures seen, SplitFeatures heldOut, SplitFeatures binding) {
    /** Runs representation once over each split of benchmark. */
    public static BenchmarkFeatures extract(Representation representation, ShapesBenchmark benchmark) {
        return new BenchmarkFeatures(
                SplitFeatures.extract(representation, benchmark.train()),
                SplitFeatures.extract(representation, benchmark.testSeen()),
                SplitFeatures.extract(representation, benchmark.testHeldOut()),
                SplitFeatures.extract(representation, benchmark.binding()));
    }
}
