package dev.loupe.cli;

import dev.loupe.cli.run.EvalCommand;
import dev.loupe.cli.train.TrainCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code loupe} command. Subcommands: info, bench, features, train, eval. */
@Command(name = "loupe", mixinStandardHelpOptions = true, version = "loupe 0.1.0",
        description = "Loupe: visual representation learning on the JVM.",
        subcommands = {InfoCommand.class, BenchCommand.class, FeaturesCommand.class, TrainCommand.class, EvalCommand.class})
public final class Main implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        int code = new CommandLine(new Main())
                .setExecutionExceptionHandler((ex, cmd, parsed) -> {
                    cmd.getErr().println("loupe: " + ex.getMessage());
                    if (System.getenv("LOUPE_DEBUG") != null) ex.printStackTrace(cmd.getErr());
                    return 1;
                })
                .execute(args);
        System.exit(code);
    }
}
