package dev.loupe.cli.eval;

import dev.loupe.tensor.Parallel;
import picocli.CommandLine.Option;

/** How the CLIP and attribute evaluations run their forward passes: images or texts per pass, and threads. */
public final class ForwardPassOptions {
    @Option(
            names = "--batch",
            defaultValue = "256",
            description = "Images or texts per forward pass (default ${DEFAULT-VALUE}).")
    public int batch;

    @Option(names = "--threads", description = "Compute threads (default: cores).")
    public Integer threads;

    /** Sets the compute threads when --threads was given. */
    public void applyThreads() {
        if (threads != null) Parallel.setThreads(threads);
    }
}
