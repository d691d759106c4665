package dev.loupe.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code loupe bench}: speed measurements beside the peers. */
@Command(
        name = "bench",
        description = "Measure kernel and model speed.",
        subcommands = {BenchGemmCommand.class, BenchVitCommand.class, BenchJmhCommand.class})
final class BenchCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
