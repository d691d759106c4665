package dev.loupe.nn.train;

import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.AtomicFile;
import dev.loupe.tensor.io.SafeTensors;

import java.io.IOException;
import java.nio.ByteBuffer;
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
 * {@code step-0000120/}, holding model.safetensors (the objective module's state dict),
 * optimizer.safetensors (the optimiser's state dict) and trainer.safetensors (the loop position and
 * the settings a resume must match, as metadata). Each file is written atomically and the file
 * {@code latest}, naming the newest complete checkpoint, is replaced last, so a kill at any moment
 * leaves the previous checkpoint usable; a half-written folder that {@code latest} does not name is
 * ignored and later deleted. The newest {@code keep} checkpoints are kept.
 */
public final class Checkpoint {
    public static final String LATEST = "latest";
    public static final String MODEL = "model.safetensors", OPTIMIZER = "optimizer.safetensors", TRAINER = "trainer.safetensors";
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
    public record Loaded(Path directory, Position position, long seed, Map<String, String> config,
                         Map<String, Tensor> model, Map<String, Tensor> optimizer) {}

    private final Path root;
    private final int keep;

    public Checkpoint(Path root, int keep) {
        if (keep < 1) throw new IllegalArgumentException("keep at least 1 checkpoint, got " + keep);
        this.root = root;
        this.keep = keep;
    }

    public Path root() { return root; }

    /** The folder of the checkpoint after {@code step} steps. */
    public Path directoryFor(long step) { return root.resolve(String.format("step-%07d", step)); }

    /** Writes a complete checkpoint, points {@code latest} at it and prunes old ones; returns its folder. */
    public Path write(Position position, long seed, Map<String, String> config, Map<String, Tensor> model,
                      Map<String, Tensor> optimizer) throws IOException {
        Path dir = directoryFor(position.step());
        if (Files.exists(dir) && !dir.equals(latest().orElse(null))) deleteTree(dir);
        Files.createDirectories(dir);
        SafeTensors.write(dir.resolve(MODEL), model);
        SafeTensors.write(dir.resolve(OPTIMIZER), optimizer);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("step", Long.toString(position.step()));
        meta.put("epoch", Integer.toString(position.epoch()));
        meta.put("batch_in_epoch", Long.toString(position.batchInEpoch()));
        meta.put("seed", Long.toString(seed));
        config.forEach((k, v) -> meta.put(CONFIG_PREFIX + k, v));
        Tensor pos = Tensor.ofLongs(new long[] {position.step(), position.epoch(), position.batchInEpoch()});
        SafeTensors.write(dir.resolve(TRAINER), Map.of("position", pos), meta);
        byte[] name = (dir.getFileName() + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(root.resolve(LATEST), ch -> ch.write(ByteBuffer.wrap(name)));
        prune(dir);
        return dir;
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
            throw new IOException(pointer + ": expected a checkpoint folder name like step-0000120, got '" + name + "'");
        }
        Path dir = root.resolve(name);
        for (String f : List.of(MODEL, OPTIMIZER, TRAINER)) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new IOException(pointer + " names " + dir + " but " + f + " is missing there; the checkpoint folder was changed after it was written");
            }
        }
        return Optional.of(dir);
    }

    /** Reads the checkpoint in {@code dir}. */
    public static Loaded read(Path dir) throws IOException {
        Map<String, String> meta = SafeTensors.readMetadata(dir.resolve(TRAINER));
        Map<String, String> config = new LinkedHashMap<>();
        meta.forEach((k, v) -> {
            if (k.startsWith(CONFIG_PREFIX)) config.put(k.substring(CONFIG_PREFIX.length()), v);
        });
        Position position;
        long seed;
        try {
            position = new Position(Long.parseLong(meta.get("step")), Integer.parseInt(meta.get("epoch")),
                    Long.parseLong(meta.get("batch_in_epoch")));
            seed = Long.parseLong(meta.get("seed"));
        } catch (NumberFormatException e) {
            throw new IOException(dir.resolve(TRAINER) + ": missing or malformed step/epoch/batch_in_epoch/seed metadata " + meta, e);
        }
        return new Loaded(dir, position, seed, config, SafeTensors.read(dir.resolve(MODEL)), SafeTensors.read(dir.resolve(OPTIMIZER)));
    }

    /** Deletes every checkpoint folder except the newest {@code keep} complete ones up to {@code current}. */
    private void prune(Path current) throws IOException {
        long currentStep = stepOf(current);
        List<Path> complete = new ArrayList<>(), stale = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            s.filter(p -> Files.isDirectory(p) && STEP_DIR.matcher(p.getFileName().toString()).matches())
                    .forEach(p -> (stepOf(p) <= currentStep ? complete : stale).add(p));
        }
        complete.sort(Comparator.comparingLong(Checkpoint::stepOf).reversed());
        for (int i = keep; i < complete.size(); i++) deleteTree(complete.get(i));
        for (Path p : stale) deleteTree(p);
    }

    private static long stepOf(Path dir) {
        Matcher m = STEP_DIR.matcher(dir.getFileName().toString());
        if (!m.matches()) throw new IllegalArgumentException("not a checkpoint folder: " + dir);
        return Long.parseLong(m.group(1));
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
