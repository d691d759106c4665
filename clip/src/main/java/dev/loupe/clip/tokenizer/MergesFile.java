package dev.loupe.clip.tokenizer;

import dev.loupe.data.io.GzipInput;
import dev.loupe.tensor.io.AtomicFile;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * The merges file format of CLIP's released {@code bpe_simple_vocab_16e6.txt.gz}: gzip'd UTF-8 text, a
 * version header line, then one merge "a b" per line in rank order. CLIP reads lines
 * {@code [1, 49152 - 256 - 2 + 1)}, i.e. the first {@value #CLIP_MERGES} merges, which with the 512 byte
 * symbols and the two special tokens gives its 49,408-entry vocabulary.
 */
public final class MergesFile {
    /** The number of merges CLIP's tokenizer uses from the released file. */
    public static final int CLIP_MERGES = 49152 - 256 - 2;
    /** The header line written by {@link #write}; readers skip the first line whatever it says. */
    public static final String HEADER = "#version: 0.2";

    private MergesFile() {}

    /** The first {@code min(maxMerges, available)} merges of a gzip'd merges file. */
    public static List<BpeMerge> read(Path path, int maxMerges) throws IOException {
        if (!Files.isRegularFile(path)) throw new IOException("BPE merges file not found: " + path);
        try (InputStream in = GzipInput.decompress(Files.newInputStream(path));
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String header = r.readLine();
            if (header == null)
                throw new IOException(path + ": empty BPE merges file (expected a version header line)");
            List<BpeMerge> merges = new ArrayList<>();
            String line;
            int lineNo = 1;
            while (merges.size() < maxMerges && (line = r.readLine()) != null) {
                lineNo++;
                if (line.isEmpty()) continue;
                String[] parts = line.split(" ", -1);
                if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                    throw new IOException(path + ":" + lineNo + ": expected a merge 'a b', got '" + line + "'");
                }
                merges.add(new BpeMerge(parts[0], parts[1]));
            }
            if (merges.isEmpty()) throw new IOException(path + ": no merges after the header line");
            return merges;
        }
    }

    /** Writes {@code merges} gzip'd under the version header, so {@link #read} and CLIP's loader take them. */
    public static void write(Path path, List<BpeMerge> merges) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        AtomicFile.writeStream(path, out -> {
            GZIPOutputStream gz = new GZIPOutputStream(out);
            Writer w = new BufferedWriter(new OutputStreamWriter(gz, StandardCharsets.UTF_8));
            w.write(HEADER);
            w.write('\n');
            for (BpeMerge m : merges) {
                w.write(m.line());
                w.write('\n');
            }
            w.flush();
            gz.finish();
        });
    }
}
