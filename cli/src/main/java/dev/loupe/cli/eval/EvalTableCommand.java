package dev.loupe.cli.eval;

import dev.loupe.eval.report.EvalReport;
import dev.loupe.eval.report.EvalReports;
import dev.loupe.run.RunDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code loupe eval table PATH...}: one markdown comparison table from the knn.json and linear.json
 * that earlier evaluations wrote (folders or files), a row per method and features.
 */
@Command(
        name = "table",
        mixinStandardHelpOptions = true,
        description = "Print one comparison table from the results of earlier eval knn / eval linear runs.")
public final class EvalTableCommand implements Runnable {
    @Parameters(
            arity = "1..*",
            paramLabel = "PATH",
            description = "Result folders (their knn.json, linear.json) or files.")
    List<Path> paths;

    @Option(names = "--out", description = "Also write the table to this markdown file.")
    Path out;

    @Override
    public void run() {
        try {
            String table = EvalReport.markdownTable(EvalReports.collect(paths));
            System.out.print(table);
            if (out != null) RunDirectory.writeText(out, table);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
