package dev.loupe.data.fuzz;

import dev.loupe.data.BadSampleException;
import dev.loupe.data.idx.IdxFile;
import dev.loupe.data.idx.IdxFormatException;
import dev.loupe.data.source.WebDataset;
import dev.loupe.tensor.io.MalformedFileException;
import dev.loupe.tensor.io.Npy;
import dev.loupe.tensor.io.SafeTensors;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded mutation fuzzing of the readers of untrusted files: safetensors, .npy, IDX and webdataset
 * tar shards (plain and gzip'd, indexed and then every sample read). Each case is a valid seed file
 * mutated by {@link Mutations} with a Random seeded by (run seed, case number), so any case can be
 * replayed alone. A reader may only fail with its documented error, and that error must name the
 * file: {@link MalformedFileException} (safetensors, .npy), {@link IdxFormatException} (IDX),
 * IllegalArgumentException from indexing and {@link BadSampleException} from reading a sample (tar).
 * Anything else (an IndexOutOfBoundsException, a NegativeArraySizeException, an OutOfMemoryError)
 * is a failure, reported with the case number and the mutated file kept for a look.
 *
 * <p>Run in the test suite by ReaderFuzzTest; for a long run:
 * {@code mvn -o -pl data -am test -Dtest=ReaderFuzzTest -Dsurefire.failIfNoSpecifiedTests=false -Dloupe.fuzz.cases=1000000}
 * (add {@code -Dloupe.fuzz.seed=N} for another sequence).
 */
final class ReaderFuzz {
    /** A case that broke a reader's contract; {@code kept} is the mutated file. */
    record Failure(String reader, long caseNumber, Throwable error, Path kept) {
        @Override
        public String toString() {
            return reader + " case " + caseNumber + " (" + kept + "): " + error;
        }
    }

    /** One reader under test. */
    private interface Target {
        String name();

        /** The file name the reader is given (the extension decides how tar shards are opened). */
        String fileName();

        List<byte[]> seeds();

        /** A mutation of {@code seed}. */
        byte[] mutate(byte[] seed, Random r) throws IOException;

        /** Reads the file completely; returns normally or throws. */
        void read(Path file) throws Exception;

        /** Whether {@code error} is one of this reader's documented errors and names {@code file}. */
        boolean documented(Throwable error, Path file);
    }

    private final List<Target> targets;
    private final Path work;

    ReaderFuzz(Path work) throws IOException {
        this.work = work;
        List<byte[]> tars = FuzzSeeds.tar();
        this.targets = List.of(
                target(
                        "safetensors",
                        "x.safetensors",
                        FuzzSeeds.safetensors(work),
                        Mutations::mutate,
                        SafeTensors::readFile,
                        ReaderFuzz::malformed),
                target("npy", "x.npy", FuzzSeeds.npy(work), Mutations::mutate, Npy::read, ReaderFuzz::malformed),
                target(
                        "idx",
                        "x-idx3-ubyte",
                        FuzzSeeds.idx(),
                        ReaderFuzz::mutateMaybeGzip,
                        IdxFile::readImages,
                        (e, f) -> e instanceof IdxFormatException
                                && e.getMessage().startsWith(f.getFileName().toString())),
                target(
                        "tar",
                        "x.tar",
                        tars,
                        (seed, r) -> mutateTar(seed, r),
                        ReaderFuzz::readShard,
                        ReaderFuzz::shardError),
                target(
                        "tar.gz",
                        "x.tar.gz",
                        tars,
                        (seed, r) -> r.nextBoolean()
                                ? FuzzSeeds.gzip(mutateTar(seed, r))
                                : Mutations.mutate(FuzzSeeds.gzip(seed), r),
                        ReaderFuzz::readShard,
                        ReaderFuzz::shardError));
    }

    /** Mostly with the header checksums made right again, so the mutation reaches past the checksum test. */
    private static byte[] mutateTar(byte[] seed, Random r) {
        byte[] b = Mutations.mutate(seed, r);
        return r.nextInt(4) == 0 ? b : Mutations.withTarChecksums(b);
    }

    /** Half the time the mutated file is gzip'd, which the IDX reader tells by its first two bytes. */
    private static byte[] mutateMaybeGzip(byte[] seed, Random r) throws IOException {
        byte[] b = Mutations.mutate(seed, r);
        return r.nextBoolean() ? FuzzSeeds.gzip(b) : b;
    }

    @FunctionalInterface
    private interface Mutator {
        byte[] mutate(byte[] seed, Random r) throws IOException;
    }

    @FunctionalInterface
    private interface Reader {
        void read(Path file) throws Exception;
    }

    @FunctionalInterface
    private interface Contract {
        boolean documented(Throwable error, Path file);
    }

    private static Target target(
            String name, String fileName, List<byte[]> seeds, Mutator mutator, Reader reader, Contract contract) {
        return new Target() {
            public String name() {
                return name;
            }

            public String fileName() {
                return fileName;
            }

            public List<byte[]> seeds() {
                return seeds;
            }

            public byte[] mutate(byte[] seed, Random r) throws IOException {
                return mutator.mutate(seed, r);
            }

            public void read(Path file) throws Exception {
                reader.read(file);
            }

            public boolean documented(Throwable error, Path file) {
                return contract.documented(error, file);
            }
        };
    }

    private static boolean malformed(Throwable e, Path file) {
        return e instanceof MalformedFileException m
                && file.equals(m.file())
                && m.getMessage().startsWith(file.toString());
    }

    /** Indexes the shard, then reads every sample; a bad sample must name the shard. */
    private static void readShard(Path file) {
        WebDataset ds = WebDataset.open(file.toString());
        for (int i = 0; i < ds.size(); i++) {
            try {
                ds.get(i);
            } catch (BadSampleException e) {
                if (!e.getMessage().startsWith(file.toString())) throw e;
            }
        }
    }

    private static boolean shardError(Throwable e, Path file) {
        return e instanceof IllegalArgumentException
                && !(e instanceof NumberFormatException)
                && e.getMessage() != null
                && e.getMessage().contains(file.toString());
    }

    /** The readers' names, in the order cases cycle through them. */
    List<String> readers() {
        return targets.stream().map(Target::name).toList();
    }

    /**
     * Runs {@code cases} cases (cycling through the readers) and returns the failures, stopping after
     * {@code maxFailures}. Seeds are read unmutated first, so a reader that rejects valid files fails at once.
     */
    List<Failure> run(long seed, long cases, int maxFailures) throws IOException {
        List<Failure> failures = new ArrayList<>();
        for (Target t : targets) {
            for (byte[] s : t.seeds()) check(t, t.name().equals("tar.gz") ? FuzzSeeds.gzip(s) : s, -1, failures);
        }
        for (long c = 0; c < cases && failures.size() < maxFailures; c++) {
            Target t = targets.get((int) (c % targets.size()));
            Random r = new Random(seed * 0x9E3779B97F4A7C15L + c);
            byte[] seedFile = t.seeds().get(r.nextInt(t.seeds().size()));
            check(t, t.mutate(seedFile, r), c, failures);
        }
        return failures;
    }

    private void check(Target t, byte[] bytes, long caseNumber, List<Failure> failures) throws IOException {
        Path file = work.resolve(t.fileName());
        Files.write(file, bytes);
        try {
            t.read(file);
        } catch (Throwable e) {
            boolean seedFile = caseNumber < 0;
            if (seedFile || !t.documented(e, file)) {
                Path kept = work.resolve("failure-" + t.name() + "-" + caseNumber + "-" + t.fileName());
                Files.write(kept, bytes);
                failures.add(new Failure(t.name(), caseNumber, e, kept));
            }
        }
    }

    /** {@code ReaderFuzz [cases [seed [work folder]]]}: exit status 1 when a reader broke its contract. */
    public static void main(String[] args) throws IOException {
        long cases = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        Path work =
                args.length > 2 ? Files.createDirectories(Path.of(args[2])) : Files.createTempDirectory("loupe-fuzz");
        List<Failure> failures = new ReaderFuzz(work).run(seed, cases, 50);
        report(failures, cases, seed, System.out);
        System.exit(failures.isEmpty() ? 0 : 1);
    }

    static void report(List<Failure> failures, long cases, long seed, PrintStream out) {
        out.println("reader fuzz: " + cases + " cases, seed " + seed + ": " + failures.size() + " failures");
        for (Failure f : failures) {
            out.println("  " + f);
            // the reader's frames, not the JDK's bounds-check helpers
            java.util.Arrays.stream(f.error().getStackTrace())
                    .filter(e -> e.getClassName().startsWith("dev.loupe."))
                    .limit(6)
                    .forEach(e -> out.println("      at " + e));
        }
    }
}
