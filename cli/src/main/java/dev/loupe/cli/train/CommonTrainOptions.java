package dev.loupe.cli.train;

import dev.loupe.data.BadSamplePolicy;
import dev.loupe.data.loader.LoaderOptions;
import dev.loupe.eval.session.RunSetup;
import dev.loupe.nn.dist.DistributedSetup;
import dev.loupe.nn.train.GradClipMode;
import dev.loupe.nn.train.OptimizerKind;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.run.Settings;
import dev.loupe.tensor.Device;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Options every {@code loupe train METHOD} shares: the run folder, the length of the run, the
 * optimiser and its schedules, checkpoints, evaluation and logging intervals, and data loading.
 * Options a method may default differently (lr, weight decay, batch) are null until resolved with
 * {@link Defaults}.
 */
public final class CommonTrainOptions {
    /** A method's defaults for the options left unset. */
    public record Defaults(
            int batch, double lr, double minLr, double weightDecay, OptimizerKind optimizer, double clipGrad) {}

    @Option(
            names = "--out",
            paramLabel = "RUN",
            description = "Run folder (runs/NAME): config, metrics, checkpoints, plots, report, weights.")
    Path out;

    /** The folder after --resume; {@link #OUT_FOLDER} when none was given; null without --resume. */
    @Option(
            names = "--resume",
            arity = "0..1",
            fallbackValue = OUT_FOLDER,
            paramLabel = "RUN",
            description =
                    "Continue a run from its last checkpoint: --resume runs/NAME, or --resume beside --out (the settings must match).")
    String resume;

    /** picocli's value for a bare --resume: continue the run named by --out. */
    private static final String OUT_FOLDER = "(out)";

    @Option(names = "--epochs", description = "Epochs to train.")
    public Integer epochs;

    @Option(names = "--max-steps", description = "Optimiser steps to train (with --epochs: the smaller).")
    public Long maxSteps;

    @Option(names = "--batch", description = "Batch size.")
    public Integer batch;

    @Option(names = "--lr", description = "Peak learning rate after warm-up.")
    public Double lr;

    @Option(names = "--min-lr", description = "Final learning rate of the cosine schedule.")
    public Double minLr;

    @Option(
            names = "--warmup-epochs",
            defaultValue = "0",
            description = "Linear lr warm-up in epochs (default ${DEFAULT-VALUE}).")
    public double warmupEpochs;

    @Option(
            names = "--warmup-steps",
            defaultValue = "0",
            description = "Linear lr warm-up in steps (overrides --warmup-epochs).")
    public long warmupSteps;

    @Option(names = "--weight-decay", description = "Weight decay at the start (biases and norms get none).")
    public Double weightDecay;

    @Option(names = "--weight-decay-end", description = "Weight decay at the end (cosine; default: constant).")
    public Double weightDecayEnd;

    @Option(names = "--optimizer", description = "adamw, sgd or lars.")
    public String optimizer;

    @Option(names = "--clip-grad", description = "Clip the global gradient norm to this value (0: off).")
    public Double clipGrad;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Seed of initialisation, data order, augmentation and dropout (default ${DEFAULT-VALUE}).")
    public long seed;

    @Option(names = "--threads", description = "Compute threads (default: cores).")
    public Integer threads;

    @Option(names = "--workers", description = "Data loading threads (default: cores).")
    public Integer workers;

    @Option(names = "--on-bad-sample", defaultValue = "fail", description = "fail or skip (default ${DEFAULT-VALUE}).")
    public String onBadSample;

    @Option(
            names = "--checkpoint-every",
            defaultValue = "0",
            description = "Checkpoint every N steps (always at epoch ends and the end).")
    public long checkpointEvery;

    @Option(
            names = "--keep-checkpoints",
            defaultValue = "3",
            description = "Newest checkpoints kept (default ${DEFAULT-VALUE}).")
    public int keepCheckpoints;

    @Option(names = "--eval-every", defaultValue = "0", description = "Evaluate every N steps (always at epoch ends).")
    public long evalEvery;

    @Option(
            names = "--log-every",
            defaultValue = "10",
            description = "Write a metrics line every N steps (default ${DEFAULT-VALUE}).")
    public long logEvery;

    @Option(
            names = "--plot-every",
            defaultValue = "200",
            description = "Redraw the plots every N steps, besides each evaluation (default ${DEFAULT-VALUE}).")
    public long plotEvery;

    @Option(
            names = "--device",
            defaultValue = "cpu",
            description =
                    "cpu, opencl[:N] or cuda[:N]: where the model, its batches and the optimiser state live (default ${DEFAULT-VALUE}).")
    public String device;

    /** The device to train on, from --device. */
    public Device device() {
        Device d = Device.parse(device);
        String transport = dataParallel().comm().kind();
        boolean deviceTransport = d.type().equals("cuda") && transport.equals("nccl");
        if (!d.equals(Device.CPU) && dataParallel().worldSize() > 1 && !deviceTransport) {
            // the MPI communicator stages host memory; device buffers need NCCL (a host round trip per bucket
            // otherwise)
            throw new IllegalArgumentException(
                    "--device " + device + " with " + dataParallel().worldSize() + " ranks over " + transport
                            + ": data-parallel training on a device needs --device cuda:LOCAL_RANK with --dist nccl");
        }
        if (transport.equals("nccl") && !deviceTransport) {
            throw new IllegalArgumentException(
                    "--dist nccl reduces CUDA memory: train with --device cuda:N (the rank's local rank), not "
                            + device);
        }
        return d;
    }

    @Option(
            names = "--dist",
            defaultValue = "auto",
            description =
                    "Data parallel: auto (rank and world size from mpirun / srun / torchrun), none, mpi or nccl (default ${DEFAULT-VALUE}).")
    public String dist;

    @Option(
            names = "--bucket-mb",
            defaultValue = "25",
            description = "Data parallel: gradient bucket size in MB (default ${DEFAULT-VALUE}).")
    public double bucketMb;

    private DistributedSetup dataParallel;

    /** This process's place in a data-parallel job (opened on first use; one process unless launched by mpirun, srun or torchrun). */
    public DistributedSetup dataParallel() {
        if (dataParallel == null) dataParallel = DistributedSetup.open(dist, bucketMb);
        return dataParallel;
    }

    /** Whether this invocation continues an earlier run. */
    public boolean resuming() {
        return resume != null;
    }

    /** The run folder, from --out or from --resume RUN (both given: they must name the same folder). */
    public Path runFolder() {
        Path resumed = resume == null || resume.equals(OUT_FOLDER) ? null : Path.of(resume);
        if (out == null && resumed == null) {
            throw new IllegalArgumentException(
                    resume == null
                            ? "give the run folder: --out runs/NAME (or --resume runs/NAME to continue one)"
                            : "--resume needs the run to continue: --resume runs/NAME, or --out runs/NAME beside it");
        }
        if (out != null
                && resumed != null
                && !out.toAbsolutePath()
                        .normalize()
                        .equals(resumed.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException(
                    "--out " + out + " and --resume " + resumed + " name different runs; give one of them");
        }
        return out != null ? out : resumed;
    }

    public int batch(Defaults d) {
        return batch != null ? batch : d.batch();
    }

    /** The trainer configuration, defaults filled in. */
    public TrainerConfig trainerConfig(Defaults d) {
        if (epochs == null && maxSteps == null) throw new IllegalArgumentException("give --epochs or --max-steps");
        double wd = weightDecay != null ? weightDecay : d.weightDecay();
        double clip = clipGrad != null ? clipGrad : d.clipGrad();
        return TrainerConfig.builder()
                .epochs(epochs == null ? 0 : epochs)
                .maxSteps(maxSteps == null ? 0 : maxSteps)
                .lr(lr != null ? lr : d.lr())
                .minLr(minLr != null ? minLr : d.minLr())
                .warmupEpochs(warmupEpochs)
                .warmupSteps(warmupSteps)
                .weightDecay(wd)
                .weightDecayEnd(weightDecayEnd != null ? weightDecayEnd : wd)
                .optimizer(optimizer != null ? OptimizerKind.parse(optimizer) : d.optimizer())
                .clip(clip > 0 ? GradClipMode.GLOBAL_NORM : GradClipMode.NONE, clip)
                .checkpointEvery(checkpointEvery)
                .keepCheckpoints(keepCheckpoints)
                .evalEvery(evalEvery)
                .seed(seed)
                .build();
    }

    /**
     * Loader options for training (shuffled, last partial batch dropped; with several ranks this rank's
     * shard of each global batch of batchSize) or evaluation (in order, all samples).
     */
    public LoaderOptions loaderOptions(int batchSize, boolean training) {
        DistributedSetup dp = training ? dataParallel() : DistributedSetup.single();
        LoaderOptions.Builder b = LoaderOptions.builder(dp.rankBatch(batchSize))
                .shuffle(training)
                .dropLast(training)
                .seed(seed)
                .shard(dp.rank(), dp.worldSize())
                .onBadSample(BadSamplePolicy.parse(onBadSample));
        if (workers != null) b.workers(workers);
        return b.build();
    }

    /** The library's run setup: the run folder, --resume, runtime, --device, data parallel, --log-every, --plot-every. */
    public RunSetup setup(Map<String, Object> runtime) {
        return RunSetup.in(runFolder())
                .withResume(resuming())
                .withRuntime(runtime)
                .withDevice(device())
                .withDataParallel(dataParallel())
                .withLogEvery(logEvery)
                .withPlotEvery(plotEvery);
    }

    /** The options that may change between invocations of one run (config.json's "runtime"). */
    public record Runtime(
            String out,
            Integer threads,
            Integer workers,
            int worldSize,
            String device,
            String onBadSample,
            long checkpointEvery,
            int keepCheckpoints,
            long evalEvery,
            long logEvery,
            long plotEvery) {}

    /** {@link Runtime} as config.json writes it, for a command to add its own entries. */
    public Map<String, Object> runtime() {
        return Settings.of(new Runtime(
                runFolder().toString(),
                threads,
                workers,
                dataParallel().worldSize(),
                device,
                onBadSample,
                checkpointEvery,
                keepCheckpoints,
                evalEvery,
                logEvery,
                plotEvery));
    }
}
