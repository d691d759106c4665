package dev.loupe.data.source;

import dev.loupe.data.BadSampleException;
import dev.loupe.data.Dataset;
import dev.loupe.data.Sample;
import dev.loupe.data.decode.ChannelMode;
import dev.loupe.data.decode.ImageDecoder;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Image-text pairs listed in a CSV or TSV file, as open_clip's {@code CsvDataset}: a header row names
 * the columns, one row per pair. The separator defaults by extension (tab for .tsv, comma otherwise),
 * the columns to open_clip's {@code filepath} and {@code title}. Relative image paths are resolved
 * against the folder of the list file. Parsed by commons-csv with RFC 4180 quoting (fields may hold
 * separators, line breaks and doubled quotes); blank lines are skipped and a leading byte-order mark is dropped,
 * as pandas does.
 *
 * <p>Errors at open: unreadable file, bad quoting, a row with a different field count than the
 * header, a missing column (the message lists the columns found). At get(i): an empty image path or
 * caption, or an unreadable image, is a {@link BadSampleException} naming the file and line.
 * Images decode to RGB, as open_clip does. Threading: immutable after open.
 */
public final class CaptionCsv implements Dataset {
    public static final String DEFAULT_IMAGE_COLUMN = "filepath";
    public static final String DEFAULT_CAPTION_COLUMN = "title";

    private final String name;
    private final Path listFile;
    private final Path baseDir;
    private final String[] imagePaths;
    private final String[] captions;
    private final int[] lines;
    private final ChannelMode mode;

    private CaptionCsv(Path listFile, String[] imagePaths, String[] captions, int[] lines, ChannelMode mode) {
        this.listFile = listFile;
        this.baseDir = listFile.toAbsolutePath().getParent();
        this.name = listFile.getFileName().toString();
        this.imagePaths = imagePaths;
        this.captions = captions;
        this.lines = lines;
        this.mode = mode;
    }

    /** Opens file with the separator chosen by extension and open_clip's column names. */
    public static CaptionCsv open(Path file) {
        return open(file, null, DEFAULT_IMAGE_COLUMN, DEFAULT_CAPTION_COLUMN);
    }

    /**
     * Opens file.
     *
     * @param separator     one character, or null to choose by extension ("\t" for .tsv, "," otherwise)
     * @param imageColumn   header of the image path column (null: "filepath")
     * @param captionColumn header of the caption column (null: "title")
     */
    public static CaptionCsv open(Path file, String separator, String imageColumn, String captionColumn) {
        return open(file, separator, imageColumn, captionColumn, ChannelMode.RGB);
    }

    /** As {@link #open(Path, String, String, String)} with a channel mode for the images. */
    public static CaptionCsv open(
            Path file, String separator, String imageColumn, String captionColumn, ChannelMode mode) {
        char sep = separatorFor(file, separator);
        String imageKey = imageColumn == null ? DEFAULT_IMAGE_COLUMN : imageColumn;
        String captionKey = captionColumn == null ? DEFAULT_CAPTION_COLUMN : captionColumn;
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read caption list " + file + ": " + e, e);
        }
        List<Row> rows = rows(text, sep, file);
        if (rows.isEmpty()) throw new IllegalArgumentException("caption list " + file + " is empty (no header row)");
        List<String> header = rows.getFirst().fields();
        int imageIndex = header.indexOf(imageKey);
        int captionIndex = header.indexOf(captionKey);
        if (imageIndex < 0 || captionIndex < 0) {
            throw new IllegalArgumentException(
                    "caption list " + file + " has no column '" + (imageIndex < 0 ? imageKey : captionKey)
                            + "'; columns found: " + header + " (separator " + describe(sep) + ")");
        }
        int n = rows.size() - 1;
        String[] paths = new String[n];
        String[] caps = new String[n];
        int[] lines = new int[n];
        for (int r = 0; r < n; r++) {
            Row row = rows.get(r + 1);
            if (row.fields().size() != header.size()) {
                throw new IllegalArgumentException(
                        file + ": line " + row.line() + " has " + row.fields().size() + " fields, the header has "
                                + header.size() + " (separator " + describe(sep) + ")");
            }
            paths[r] = row.fields().get(imageIndex);
            caps[r] = row.fields().get(captionIndex);
            lines[r] = row.line();
        }
        return new CaptionCsv(file, paths, caps, lines, mode);
    }

    /** One record and the 1-based line it starts on. */
    private record Row(int line, List<String> fields) {}

    /** The records of text (RFC 4180 quoting; blank lines skipped); bad quoting is an error naming the file and line. */
    private static List<Row> rows(String text, char sep, Path file) {
        if (text.startsWith("\uFEFF")) text = text.substring(1); // a byte-order mark before the header
        int[] lineStarts = lineStarts(text);
        CSVFormat format = CSVFormat.RFC4180
                .builder()
                .setDelimiter(sep)
                .setIgnoreEmptyLines(true)
                .get();
        List<Row> rows = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(new StringReader(text), format)) {
            for (CSVRecord record : parser) {
                // the line a record starts on, from its character position
                int at = Arrays.binarySearch(lineStarts, (int) record.getCharacterPosition());
                int line = at >= 0 ? at + 1 : -at - 1;
                rows.add(new Row(line, record.toList()));
            }
        } catch (IOException | UncheckedIOException e) {
            String reason = e instanceof UncheckedIOException u && u.getCause() != null
                    ? u.getCause().getMessage()
                    : e.getMessage();
            throw new IllegalArgumentException(file + ": malformed " + describe(sep) + "-separated text: " + reason, e);
        }
        return rows;
    }

    /** Offsets at which each line of text starts: (lines). */
    private static int[] lineStarts(String text) {
        List<Integer> starts = new ArrayList<>(List.of(0));
        for (int i = 0; i < text.length(); i++) if (text.charAt(i) == '\n') starts.add(i + 1);
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    private static char separatorFor(Path file, String separator) {
        if (separator == null) {
            return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tsv") ? '\t' : ',';
        }
        if (separator.length() != 1) {
            throw new IllegalArgumentException("the separator must be one character, got '" + separator + "'");
        }
        return separator.charAt(0);
    }

    private static String describe(char sep) {
        return sep == '\t' ? "tab" : "'" + sep + "'";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return imagePaths.length;
    }

    @Override
    public Sample get(int index) {
        String where = listFile + ":" + lines[index];
        if (imagePaths[index].isBlank()) throw new BadSampleException(where, "empty image path");
        if (captions[index].isBlank()) throw new BadSampleException(where, "empty caption for " + imagePaths[index]);
        Path image = imagePath(index);
        return new Sample(image.toString(), ImageDecoder.read(image, mode), Sample.NO_LABEL, captions[index]);
    }

    @Override
    public List<String> classNames() {
        return List.of();
    }

    /** The image file of sample index (relative paths resolved against the list file's folder). */
    public Path imagePath(int index) {
        return baseDir.resolve(imagePaths[index]);
    }

    /**
     * The caption of sample index as written in the file, without decoding the image.
     *
     * @throws BadSampleException for an empty caption, as {@link #get} does
     */
    @Override
    public String caption(int index) {
        if (captions[index].isBlank())
            throw new BadSampleException(listFile + ":" + lines[index], "empty caption for " + imagePaths[index]);
        return captions[index];
    }

    /** All captions in order (for building a vocabulary or a zero-shot prompt check). */
    public List<String> captions() {
        return new ArrayList<>(List.of(captions));
    }
}
