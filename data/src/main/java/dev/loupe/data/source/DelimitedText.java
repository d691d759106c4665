package dev.loupe.data.source;

import java.util.ArrayList;
import java.util.List;

/**
 * A small RFC 4180 reader for CSV and TSV: fields split by one separator character; records end at
 * LF, CRLF or CR; a field that starts with a double quote runs to the matching closing quote and may
 * hold separators, line breaks and doubled quotes ({@code ""} is one quote). A quote inside an
 * unquoted field is kept as text (as pandas does). Blank lines are skipped (pandas'
 * {@code skip_blank_lines}); a leading byte-order mark is dropped. An unterminated quote, or text
 * after a closing quote, is an error naming the source and line.
 */
final class DelimitedText {
    /** One record and the 1-based line it starts on. */
    record Row(int line, List<String> fields) {}

    private DelimitedText() {}

    static List<Row> parse(String text, char separator, String source) {
        List<Row> rows = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = text.startsWith("\uFEFF") ? 1 : 0;
        int line = 1;
        int rowLine = 1;
        boolean rowHasContent = false;
        int n = text.length();
        while (i < n) {
            char ch = text.charAt(i);
            if (ch == '"' && field.isEmpty()) {
                int quoteLine = line;
                i++;
                while (true) {
                    if (i >= n)
                        throw new IllegalArgumentException(
                                source + ": line " + quoteLine + ": quoted field is never closed");
                    char q = text.charAt(i);
                    if (q == '"') {
                        if (i + 1 < n && text.charAt(i + 1) == '"') {
                            field.append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    if (q == '\n' || (q == '\r' && !(i + 1 < n && text.charAt(i + 1) == '\n'))) line++;
                    field.append(q);
                    i++;
                }
                rowHasContent = true;
                if (i < n && text.charAt(i) != separator && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
                    throw new IllegalArgumentException(source + ": line " + line + ": unexpected '" + text.charAt(i)
                            + "' after a closing quote (a quote inside a quoted field must be doubled)");
                }
                continue;
            }
            if (ch == separator) {
                fields.add(field.toString());
                field.setLength(0);
                rowHasContent = true;
                i++;
            } else if (ch == '\n' || ch == '\r') {
                if (rowHasContent || !field.isEmpty()) {
                    fields.add(field.toString());
                    rows.add(new Row(rowLine, List.copyOf(fields)));
                }
                fields.clear();
                field.setLength(0);
                rowHasContent = false;
                i += (ch == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') ? 2 : 1;
                line++;
                rowLine = line;
            } else {
                field.append(ch);
                i++;
            }
        }
        if (rowHasContent || !field.isEmpty()) {
            fields.add(field.toString());
            rows.add(new Row(rowLine, List.copyOf(fields)));
        }
        return rows;
    }
}
