package dev.loupe.run;

import dev.loupe.nn.dist.DistributedSetup;
import dev.loupe.nn.train.BatchSource;
import dev.loupe.nn.train.EvalMetrics;
import dev.loupe.nn.train.Evaluation;
import dev.loupe.nn.train.Objective;
import dev.loupe.nn.train.StepMetrics;
import dev.loupe.nn.train.Trainer;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.nn.train.TrainingListener;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Runs a {@link Trainer} inside a run folder, the part every {@code loupe train METHOD} shares:
 * config.json, resume from the last checkpoint (the trainer refuses one written with other settings:
 * its own and {@code settings}, see {@link Trainer#runSettings}),
 * metrics.jsonl, progress, plots redrawn at each evaluation and every {@code plotEvery} steps and
 * at the end. The method writes its report and final weights from the returned outcome.
 *
 * <p>Data parallel: every rank trains; rank 0 alone prepares the folder and logs. The communicator is
 * closed when training ends (MPI_Finalize on every rank), before rank 0 writes the results.
 */
public final class TrainingSession {
    private TrainingSession() {}

    /** {@link #run(RunDirectory, Map, Map, boolean, Objective, BatchSource, TrainerConfig, Evaluation, long, long, PrintStream, DistributedSetup)} in one process. */
    public static <B> TrainingOutcome run(
            RunDirectory dir,
            Map<String, Object> settings,
            Map<String, Object> runtime,
            boolean resume,
            Objective<B> objective,
            BatchSource<B> source,
            TrainerConfig config,
            Evaluation evaluation,
            long logEvery,
            long plotEvery,
            PrintStream err) {
        return run(
                dir,
                settings,
                runtime,
                resume,
                objective,
                source,
                config,
                evaluation,
                logEvery,
                plotEvery,
                err,
                DistributedSetup.single());
    }

    /**
     * @param settings what a resumed run must repeat (method, data, model, optimisation)
     * @param runtime  what may change between invocations (threads, workers, intervals)
     */
    public static <B> TrainingOutcome run(
            RunDirectory dir,
            Map<String, Object> settings,
            Map<String, Object> runtime,
            boolean resume,
            Objective<B> objective,
            BatchSource<B> source,
            TrainerConfig config,
            Evaluation evaluation,
            long logEvery,
            long plotEvery,
            PrintStream err,
            DistributedSetup dist) {
        if (!dist.isRankZero()) return followerRank(dir, settings, resume, objective, source, config, dist);
        dir.requireFresh(resume);
        Trainer<B> trainer = dist.apply(new Trainer<>(objective, source, config, dir.root())
                .evaluation(evaluation)
                .runSettings(RunDirectory.asText(settings)));
        long resumedFrom = 0;
        if (resume && trainer.resume(dir.root())) {
            resumedFrom = trainer.step();
            err.println("resuming " + dir.root() + " from " + trainer.lastCheckpoint() + " (step " + resumedFrom
                    + ", epoch " + trainer.epoch() + ")");
        } else if (resume) {
            err.println("no checkpoint in " + dir.checkpoints() + ": starting from step 0");
        }
        dir.writeConfig(
                settings, runtime); // after the resume check, so a refused resume leaves the stored run as it was
        long started = System.nanoTime();
        long firstStep = trainer.step();
        Last last = new Last();
        try (MetricsLog metrics = new MetricsLog(dir.metrics(), logEvery, resumedFrom);
                ProgressReporter progress = new ProgressReporter(
                        err, logEvery, firstStep, trainer.totalSteps(), ProgressReporter.interactiveTerminal())) {
            TrainingListener plots = new TrainingListener() {
                @Override
                public void onStep(StepMetrics m) {
                    if (plotEvery > 0 && m.step() % plotEvery == 0) redraw(dir, metrics);
                }

                @Override
                public void onEval(EvalMetrics m) {
                    redraw(dir, metrics);
                }
            };
            trainer.addListener(metrics).addListener(progress).addListener(last).addListener(plots);
            trainer.fit();
            dist.comm().close();
            redraw(dir, metrics);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double ips = last.step == null ? 0 : last.step.imagesPerSecond();
        return new TrainingOutcome(trainer.step(), resumedFrom, last.step, last.eval, seconds, ips);
    }

    /** A rank other than 0: trains in step with rank 0 and writes nothing. */
    private static <B> TrainingOutcome followerRank(
            RunDirectory dir,
            Map<String, Object> settings,
            boolean resume,
            Objective<B> objective,
            BatchSource<B> source,
            TrainerConfig config,
            DistributedSetup dist) {
        Trainer<B> trainer = dist.apply(
                new Trainer<>(objective, source, config, dir.root()).runSettings(RunDirectory.asText(settings)));
        long resumedFrom = resume && trainer.resume(dir.root()) ? trainer.step() : 0;
        long started = System.nanoTime();
        Last last = new Last();
        trainer.addListener(last).fit();
        dist.comm().close();
        double seconds = (System.nanoTime() - started) / 1e9;
        return new TrainingOutcome(
                trainer.step(),
                resumedFrom,
                last.step,
                last.eval,
                seconds,
                last.step == null ? 0 : last.step.imagesPerSecond());
    }

    private static void redraw(RunDirectory dir, MetricsLog metrics) {
        try {
            Plots.write(dir.plots(), metrics.steps(), metrics.evals());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write plots under " + dir.plots() + ": " + e.getMessage(), e);
        }
    }

    /** Remembers the last step and evaluation. */
    private static final class Last implements TrainingListener {
        StepMetrics step;
        EvalMetrics eval;

        @Override
        public void onStep(StepMetrics m) {
            step = m;
        }

        @Override
        public void onEval(EvalMetrics m) {
            eval = m;
        }
    }
}
