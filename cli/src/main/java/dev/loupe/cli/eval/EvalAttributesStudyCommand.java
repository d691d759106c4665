package dev.loupe.cli.eval;

import dev.loupe.bench.VitSpeed;
import dev.loupe.eval.attributes.AttributeTable;
import dev.loupe.eval.attributes.ComputeStudy;
import dev.loupe.eval.attributes.StudyRun;
import dev.loupe.run.RunDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loupe eval attributes-study}: gathers the attribute tables of several runs into one compute
 * study ({@link ComputeStudy}): DIR/study.md and DIR/plots/*.png (accuracy against training FLOPs per
 * probe, a line per method and tower). The runs file has one tab-separated line per run
 * ({@code #} starts a comment):
 * <pre>method  attributes.json  dim  depth  patch  image-size  views  batch  steps</pre>
 * A relative attributes.json path is read from the runs file's folder, so a study's records can travel
 * (docs/study/runs.tsv beside docs/study/runs/).
 * FLOPs per step = 3 x the image tower's forward FLOPs per image ({@link VitSpeed#forwardFlops}, 2 per
 * multiply-add) x views per image x batch: forward and backward of every view the loss backpropagates
 * through; teacher forwards, MAE's masking, projection heads and the text tower are not counted.
 */
@Command(
        name = "attributes-study",
        mixinStandardHelpOptions = true,
        description = "Collect the attribute tables of several runs: a table and accuracy-against-compute plots.")
public final class EvalAttributesStudyCommand implements Runnable {
    @Option(
            names = "--runs",
            required = true,
            description =
                    "Tab-separated: method, attributes.json (relative: to this file's folder), dim, depth, patch, image size, views, batch, steps.")
    Path runsFile;

    @Option(names = "--out", required = true, description = "Folder for study.md and plots/.")
    Path out;

    @Override
    public void run() {
        try {
            List<StudyRun> runs = read(runsFile);
            Files.createDirectories(out);
            List<Path> plots = ComputeStudy.writePlots(runs, out.resolve("plots"));
            String headline = ComputeStudy.headline(runs);
            String md = "# Attribute probes against training compute\n\n## Headline probes\n\n" + headline
                    + "\n## Every probe\n\n" + ComputeStudy.markdown(runs) + "\nPlots: "
                    + String.join(
                            ", ",
                            plots.stream()
                                    .map(p -> out.relativize(p).toString())
                                    .toList()) + "\n";
            RunDirectory.writeText(out.resolve("study.md"), md);
            System.out.print(headline);
            System.out.println("every probe: " + out.resolve("study.md") + ", plots: " + out.resolve("plots"));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    static List<StudyRun> read(Path file) throws IOException {
        List<StudyRun> runs = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] f = line.split("\t");
            if (f.length != 9)
                throw new IllegalArgumentException(
                        file + " line " + (i + 1) + ": expected 9 tab-separated fields, got " + f.length + ": " + line);
            try {
                int dim = Integer.parseInt(f[2]),
                        depth = Integer.parseInt(f[3]),
                        patch = Integer.parseInt(f[4]),
                        size = Integer.parseInt(f[5]);
                int views = Integer.parseInt(f[6]), batch = Integer.parseInt(f[7]);
                long steps = Long.parseLong(f[8]);
                double flopsPerStep = 3 * VitSpeed.forwardFlops(dim, depth, size, patch, 3, 0) * views * batch;
                String tower = String.format(Locale.ROOT, "dim %d depth %d patch %d", dim, depth, patch);
                Path json = file.toAbsolutePath().resolveSibling(f[1]); // an absolute f[1] stays as it is
                runs.add(new StudyRun(f[0], tower, steps * batch, flopsPerStep, steps, AttributeTable.read(json)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage() + ": " + line, e);
            }
        }
        if (runs.isEmpty()) throw new IllegalArgumentException(file + " lists no runs");
        return runs;
    }
}
