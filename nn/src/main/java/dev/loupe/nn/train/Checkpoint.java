package dev.loupe.nn.train;

import dev.loupe.tensor.Finite;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.AtomicFile;
import dev.loupe.tensor.io.FileWriteException;
import dev.loupe.tensor.io.SafeTensors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Training checkpoints in a folder (normally runs/NAME/checkpoints): one sub-folder per checkpoint,
 * {@code step-0000120/}, holding model.safetensors (the objective module's state dict, with the
 * backbone's metadata so that it reads back alone),
 * optimizer.safetensors (the optimiser's state dict) and trainer.safetensors (the loop position and
 * the settings a resume must match, as metadata). Each file is written atomically and the file
 * {@code latest}, naming the newest complete checkpoint, is replaced last, so a kill at any moment
 * leaves the previous checkpoint usable; a half-written folder that {@code latest} does not name is
 * ignored and later deleted. The newest {@code keep} checkpoints are kept. A write that fails (a full
 * disk) removes its half-written folder and is reported as a {@link CheckpointWriteException} naming
 * the file and the last good checkpoint.
 */
public final class Checkpoint {
    public static final String LATEST = "latest";
    public static final String MODEL = "model.safetensors",
            OPTIMIZER = "optimizer.safetensors",
            TRAINER = "trainer.safetensors";
    private static final Pattern STEP_DIR = Pattern.compile("step-(\\d+)");
    private static final String CONFIG_PREFIX = "config.";

    /**
     * Where the loop stands after a checkpointed step.
     *
     * @param step         optimiser steps done
     * @param epoch        epoch of the next batch
     * @param batchInEpoch index of the next batch within that epoch
     */
    public record Position(long step, int epoch, long batchInEpoch) {}

    /** A checkpoint read back: its folder, position, run seed, resume settings and both state dicts. */
    public record Loaded(
            Path directory,
            Position position,
            long seed,
            Map<String, String> config,
            Map<String, Tensor> model,
            Map<String, Tensor> optimizer) {}

    /** Writes one safetensors file of a checkpoint; {@link SafeTensors#write} outside of tests. */
    @FunctionalInterface
    interface TensorFileWriter {
        void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException;
    }

    private final Path root;
    private final int keep;
    private final TensorFileWriter writer;

    public Checkpoint(Path root, int keep) {
        this(root, keep, SafeTensors::write);
    }

    /** With the given file writer: tests use one that fails like a full disk part way through. */
    Checkpoint(Path root, int keep, TensorFileWriter writer) {
        if (keep < 1) throw new IllegalArgumentException("keep at least 1 checkpoint, got " + keep);
        this.root = root;
        this.keep = keep;
        this.writer = writer;
    }

    public Path root() {
        return root;
    }

    /** The folder of the checkpoint after {@code step} steps. */
    public Path directoryFor(long step) {
        return root.resolve(String.format("step-%07d", step));
    }

    /**
     * Writes a complete checkpoint, points {@code latest} at it and prunes old ones; returns its folder.
     *
     * @throws CheckpointWriteException when a write fails (a full disk): the message names the file
     *     and the last good checkpoint, the half-written folder is removed and {@code latest} is unchanged
     */
    public Path write(
            Position position,
            long seed,
            Map<String, String> config,
            Map<String, Tensor> model,
            Map<String, Tensor> optimizer)
            throws IOException {
        return write(position, seed, config, model, Map.of(), optimizer);
    }

    /** As above, with {@code modelMetadata} in model.safetensors (what its backbone needs to read back alone). */
    public Path write(
            Position position,
            long seed,
            Map<String, String> config,
            Map<String, Tensor> model,
            Map<String, String> modelMetadata,
            Map<String, Tensor> optimizer)
            throws IOException {
        Path dir = directoryFor(position.step());
        Path lastGood = latest().orElse(null);
        if (Files.exists(dir) && !dir.equals(lastGood)) deleteTree(dir);
        try {
            writeFiles(dir, position, seed, config, model, modelMetadata, optimizer);
        } catch (FileWriteException e) {
            if (!dir.equals(lastGood)) deleteQuietly(dir);
            throw new CheckpointWriteException(e, lastGood);
        }
        prune(dir);
        return dir;
    }

    private void writeFiles(
            Path dir,
            Position position,
            long seed,
            Map<String, String> config,
            Map<String, Tensor> model,
            Map<String, String> modelMetadata,
            Map<String, Tensor> optimizer)
            throws IOException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new FileWriteException(dir, e);
        }
        writer.write(dir.resolve(MODEL), model, modelMetadata);
        writer.write(dir.resolve(OPTIMIZER), optimizer, Map.of());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("step", Long.toString(position.step()));
        meta.put("epoch", Integer.toString(position.epoch()));
        meta.put("batch_in_epoch", Long.toString(position.batchInEpoch()));
        meta.put("seed", Long.toString(seed));
        config.forEach((k, v) -> meta.put(CONFIG_PREFIX + k, v));
        Tensor pos = Tensor.ofLongs(new long[] {position.step(), position.epoch(), position.batchInEpoch()});
        writer.write(dir.resolve(TRAINER), Map.of("position", pos), meta);
        AtomicFile.write(root.resolve(LATEST), (dir.getFileName() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The newest complete checkpoint: the folder {@code latest} names, if it holds all three files.
     * Empty when no checkpoint was completed.
     */
    public Optional<Path> latest() throws IOException {
        Path pointer = root.resolve(LATEST);
        if (!Files.isRegularFile(pointer)) return Optional.empty();
        String name = Files.readString(pointer, StandardCharsets.UTF_8).strip();
        if (!STEP_DIR.matcher(name).matches()) {
            throw new IOException(
                    pointer + ": expected a checkpoint folder name like step-0000120, got '" + name + "'");
        }
        Path dir = root.resolve(name);
        for (String f : List.of(MODEL, OPTIMIZER, TRAINER)) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new IOException(pointer + " names " + dir + " but " + f
                        + " is missing there; the checkpoint folder was changed after it was written");
            }
        }
        return Optional.of(dir);
    }

    /**
     * Reads the checkpoint in {@code dir}.
     *
     * @throws dev.loupe.tensor.NonFiniteValueException when a weight or optimiser state holds NaN or an
     *     infinity; the message names the file, the tensor and the first bad index
     */
    public static Loaded read(Path dir) throws IOException {
        Map<String, String> meta = SafeTensors.readMetadata(dir.resolve(TRAINER));
        Map<String, String> config = new LinkedHashMap<>();
        meta.forEach((k, v) -> {
            if (k.startsWith(CONFIG_PREFIX)) config.put(k.substring(CONFIG_PREFIX.length()), v);
        });
        Position position;
        long seed;
        try {
            position = new Position(
                    Long.parseLong(meta.get("step")),
                    Integer.parseInt(meta.get("epoch")),
                    Long.parseLong(meta.get("batch_in_epoch")));
            seed = Long.parseLong(meta.get("seed"));
        } catch (NumberFormatException e) {
            throw new IOException(
                    dir.resolve(TRAINER) + ": missing or malformed step/epoch/batch_in_epoch/seed metadata " + meta, e);
        }
        Map<String, Tensor> model = SafeTensors.read(dir.resolve(MODEL)),
                optimizer = SafeTensors.read(dir.resolve(OPTIMIZER));
        Finite.requireAll(model, dir.resolve(MODEL));
        Finite.requireAll(optimizer, dir.resolve(OPTIMIZER));
        return new Loaded(dir, position, seed, config, model, optimizer);
    }

    /** Deletes every checkpoint folder except the newest {@code keep} complete ones up to {@code current}; incomplete ones go too. */
    private void prune(Path current) throws IOException {
        long currentStep = stepOf(current);
        List<Path> complete = new ArrayList<>(), stale = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            // a half-written folder (a crash, or a failed delete after a full disk) never counts as kept
            s.filter(p -> Files.isDirectory(p)
                            && STEP_DIR.matcher(p.getFileName().toString()).matches())
                    .forEach(p -> (stepOf(p) <= currentStep && (p.equals(current) || holdsAllFiles(p))
                                    ? complete
                                    : stale)
                            .add(p));
        }
        complete.sort(Comparator.comparingLong(Checkpoint::stepOf).reversed());
        for (int i = keep; i < complete.size(); i++) deleteTree(complete.get(i));
        for (Path p : stale) deleteTree(p);
    }

    private static boolean holdsAllFiles(Path dir) {
        return Files.isRegularFile(dir.resolve(MODEL))
                && Files.isRegularFile(dir.resolve(OPTIMIZER))
                && Files.isRegularFile(dir.resolve(TRAINER));
    }

    private static long stepOf(Path dir) {
        Matcher m = STEP_DIR.matcher(dir.getFileName().toString());
        if (!m.matches()) throw new IllegalArgumentException("not a checkpoint folder: " + dir);
        return Long.parseLong(m.group(1));
    }

    /** Frees the space of a half-written checkpoint; the write's own failure is what gets reported. */
    private static void deleteQuietly(Path dir) {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            // a folder latest does not name is ignored on resume and deleted by the next prune
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
