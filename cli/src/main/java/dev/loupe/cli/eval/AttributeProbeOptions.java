package dev.loupe.cli.eval;

import dev.loupe.eval.attributes.ProbeSettings;
import dev.loupe.eval.zeroshot.ClipEvaluation;
import picocli.CommandLine.Option;

/** How the attribute probes fit and vote: linear-probe strength and iterations, kNN neighbours, zero-shot prompts. */
public final class AttributeProbeOptions {
    @Option(
            names = "--probe-c",
            defaultValue = "0.316",
            description = "Inverse L2 strength of the linear probes (default ${DEFAULT-VALUE}).")
    double c;

    @Option(
            names = "--probe-iterations",
            defaultValue = "1000",
            description = "L-BFGS iterations per linear probe (default ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--k", defaultValue = "20", description = "kNN neighbours (default ${DEFAULT-VALUE}).")
    int k;

    @Option(
            names = "--templates",
            defaultValue = "shapes",
            description = "Zero-shot prompts: simple, openai, shapes or a file (default ${DEFAULT-VALUE}).")
    String templates;

    public ProbeSettings settings() {
        return new ProbeSettings(c, iterations, k, ClipEvaluation.templates(templates));
    }
}
