package dev.loupe.cli;

import dev.loupe.cli.run.EvalCommand;
import dev.loupe.cli.train.TrainCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code loupe} command. Subcommands: info, bench, features, train, eval. */
@Command(
        name = "loupe",
        mixinStandardHelpOptions = true,
        version = "loupe 0.1.0",
        description = "Loupe: visual representation learning on the JVM.",
        subcommands = {
            InfoCommand.class,
            BenchCommand.class,
            FeaturesCommand.class,
            TrainCommand.class,
            EvalCommand.class
        })
public final class Main implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command tree as users meet it: {@code --help} (and {@code --version}) on every command and
     * sub-command, answered before required options are checked; defaults shown in every usage text;
     * an error a person can act on as one line (the stack trace only with LOUPE_DEBUG set).
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        configure(cl);
        return cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("loupe: " + ex.getMessage());
            if (System.getenv("LOUPE_DEBUG") != null) ex.printStackTrace(cmd.getErr());
            return 1;
        });
    }

    private static void configure(CommandLine cl) {
        cl.getCommandSpec().mixinStandardHelpOptions(true);
        cl.getCommandSpec().usageMessage().showDefaultValues(true);
        for (CommandLine sub : cl.getSubcommands().values()) configure(sub);
    }
}
