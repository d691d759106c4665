package dev.loupe.eval.session;

import dev.loupe.data.loader.LoaderOptions;
import dev.loupe.nn.dist.DistributedSetup;
import dev.loupe.nn.train.BatchSource;
import dev.loupe.nn.train.Evaluation;
import dev.loupe.nn.train.Objective;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.run.RunDirectory;
import dev.loupe.run.TrainingOutcome;
import dev.loupe.run.TrainingSession;
import dev.loupe.tensor.Device;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how a training run goes, apart from what it trains: the run folder, whether to continue it,
 * config.json's "runtime" entries, the device, this process's place in a data-parallel job, and
 * progress. Start from {@link #in(Path)} and change what differs with the {@code with...} copiers.
 *
 * @param folder     the run folder (config.json, metrics.jsonl, checkpoints/, plots/, report.md, model.safetensors)
 * @param resume     continue the run in folder from its last checkpoint (its settings must match)
 * @param runtime    what may change between invocations of one run (threads, intervals, ...), written to
 *                   config.json's "runtime" in this order, before the entries the run adds itself
 * @param device     where the model, its batches and the optimiser state live
 * @param dist       this process's rank in a data-parallel job; rank 0 alone writes the folder
 * @param logEvery   a metrics line every this many steps (>= 1; the metrics log refuses less)
 * @param plotEvery  the plots redrawn every this many steps, besides each evaluation (<= 0: only then)
 * @param log        progress, resume notes and the run's header line
 */
public record RunSetup(
        Path folder,
        boolean resume,
        Map<String, Object> runtime,
        Device device,
        DistributedSetup dist,
        long logEvery,
        long plotEvery,
        PrintStream log) {
    public RunSetup {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(dist, "dist");
        Objects.requireNonNull(log, "log");
    }

    /** A fresh run in folder: no runtime entries, CPU, one process, a metrics line every 10 steps, plots every 200, progress on stderr. */
    public static RunSetup in(Path folder) {
        return new RunSetup(folder, false, Map.of(), Device.CPU, DistributedSetup.single(), 10, 200, System.err);
    }

    public RunSetup withResume(boolean resume) {
        return new RunSetup(folder, resume, runtime, device, dist, logEvery, plotEvery, log);
    }

    public RunSetup withRuntime(Map<String, Object> runtime) {
        return new RunSetup(folder, resume, runtime, device, dist, logEvery, plotEvery, log);
    }

    public RunSetup withDevice(Device device) {
        return new RunSetup(folder, resume, runtime, device, dist, logEvery, plotEvery, log);
    }

    public RunSetup withDataParallel(DistributedSetup dist) {
        return new RunSetup(folder, resume, runtime, device, dist, logEvery, plotEvery, log);
    }

    public RunSetup withLogEvery(long logEvery) {
        return new RunSetup(folder, resume, runtime, device, dist, logEvery, plotEvery, log);
    }

    public RunSetup withPlotEvery(long plotEvery) {
        return new RunSetup(folder, resume, runtime, device, dist, logEvery, plotEvery, log);
    }

    public RunSetup withLog(PrintStream log) {
        return new RunSetup(folder, resume, runtime, device, dist, logEvery, plotEvery, log);
    }

    /**
     * The training loader's default options: this rank's share of a global batch of {@code batch} images,
     * shuffled from {@code seed}, the last short batch dropped, sharded over the data-parallel ranks.
     */
    public LoaderOptions trainLoader(int batch, long seed) {
        return LoaderOptions.builder(dist.rankBatch(batch))
                .shuffle(true)
                .dropLast(true)
                .seed(seed)
                .shard(dist.rank(), dist.worldSize())
                .build();
    }

    /**
     * {@link TrainingSession#run} in dir with this setup's resume flag, intervals, progress stream and
     * data-parallel place: what every run of this package trains through.
     */
    public <B> TrainingOutcome train(
            RunDirectory dir,
            Map<String, Object> settings,
            Map<String, Object> runtimeEntries,
            Objective<B> objective,
            BatchSource<B> source,
            TrainerConfig config,
            Evaluation evaluation) {
        return TrainingSession.run(
                dir,
                settings,
                runtimeEntries,
                resume,
                objective,
                source,
                config,
                evaluation,
                logEvery,
                plotEvery,
                log,
                dist);
    }
}
