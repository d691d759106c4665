package dev.loupe.cli.run;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code loupe eval METHOD}: evaluations of trained weights. */
@Command(
        name = "eval",
        description = "Evaluate trained weights.",
        subcommands = {
            EvalAccuracyCommand.class,
            dev.loupe.cli.eval.ZeroShotCommand.class,
            dev.loupe.cli.eval.RetrievalCommand.class,
            dev.loupe.cli.eval.EvalKnnCommand.class,
            dev.loupe.cli.eval.EvalLinearCommand.class,
            dev.loupe.cli.eval.EvalTableCommand.class,
            dev.loupe.cli.eval.EvalFinetuneCommand.class,
            dev.loupe.cli.eval.EvalAttributesCommand.class,
            dev.loupe.cli.eval.EvalAttributesStudyCommand.class
        })
public final class EvalCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
