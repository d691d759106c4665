package dev.loupe.cli.train;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code loupe train METHOD}: one subcommand per training method. A method is a small command that
 * mixes in {@link CommonTrainOptions} (run folder, optimisation, data loading), {@link ModelOptions}
 * and {@link DataOptions}, builds its objective and evaluation, and hands them to
 * {@link dev.loupe.run.TrainingSession}.
 */
@Command(
        name = "train",
        description = "Train a model; results go to a run folder (--out runs/NAME).",
        subcommands = {
            SupervisedCommand.class,
            DinoCommand.class,
            Dinov2Command.class,
            MaeCommand.class,
            SimClrCommand.class,
            VicRegCommand.class,
            ByolCommand.class,
            MocoCommand.class,
            ClipCommand.class,
            SlipCommand.class
        })
public final class TrainCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
