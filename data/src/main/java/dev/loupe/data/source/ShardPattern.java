package dev.loupe.data.source;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shard lists as webdataset writes them: parts joined by {@code ::}, each brace-expanded like Python's
 * {@code braceexpand} ({@code shard-{000000..000009}.tar}, {@code {a,b}}, steps {@code {0..10..2}},
 * letter ranges, nesting; a range end with a leading zero pads every number to the widest end), then
 * any part whose file name holds {@code * ? [} is a glob over that folder, matches sorted by name.
 * Braces with neither a comma nor a range stay as written.
 */
public final class ShardPattern {
    private static final Pattern NUMBER_RANGE = Pattern.compile("^(-?\\d+)\\.\\.(-?\\d+)(?:\\.\\.(-?\\d+))?$");
    private static final Pattern LETTER_RANGE = Pattern.compile("^([a-zA-Z])\\.\\.([a-zA-Z])(?:\\.\\.(-?\\d+))?$");
    private static final int MAX_EXPANSION = 10_000_000;

    private ShardPattern() {}

    /** The shard files of pattern, in order; every one must exist. */
    public static List<Path> resolve(String pattern) {
        List<Path> shards = new ArrayList<>();
        for (String part : pattern.split("::")) {
            if (part.isBlank()) continue;
            for (String name : expandBraces(part.strip())) {
                Path path = Path.of(name);
                String file =
                        path.getFileName() == null ? name : path.getFileName().toString();
                if (file.contains("*") || file.contains("?") || file.contains("[")) {
                    List<Path> matches = glob(path);
                    if (matches.isEmpty())
                        throw new IllegalArgumentException(
                                "no shard files match " + name + " (from '" + pattern + "')");
                    shards.addAll(matches);
                } else {
                    if (!Files.isRegularFile(path))
                        throw new IllegalArgumentException(
                                "shard " + name + " does not exist (from '" + pattern + "')");
                    shards.add(path);
                }
            }
        }
        if (shards.isEmpty()) throw new IllegalArgumentException("shard pattern '" + pattern + "' names no files");
        return List.copyOf(shards);
    }

    private static List<Path> glob(Path path) {
        Path dir = path.getParent() == null ? Path.of(".") : path.getParent();
        PathMatcher matcher = dir.getFileSystem().getPathMatcher("glob:" + path.getFileName());
        List<Path> matches = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (Files.isRegularFile(f) && matcher.matches(f.getFileName()))
                    matches.add(path.getParent() == null ? f.getFileName() : f);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list shard folder " + dir + ": " + e.getMessage(), e);
        }
        matches.sort(
                (a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return matches;
    }

    /** All strings the braces in s stand for, in braceexpand's order (leftmost brace varies slowest). */
    public static List<String> expandBraces(String s) {
        for (int open = s.indexOf('{'); open >= 0; open = s.indexOf('{', open + 1)) {
            int close = matchingBrace(s, open);
            if (close < 0) break;
            List<String> alternatives = alternatives(s.substring(open + 1, close));
            if (alternatives == null) continue;
            String prefix = s.substring(0, open);
            List<String> tails = expandBraces(s.substring(close + 1));
            List<String> out = new ArrayList<>();
            for (String alternative : alternatives) {
                for (String head : expandBraces(alternative)) {
                    for (String tail : tails) out.add(prefix + head + tail);
                }
                if (out.size() > MAX_EXPANSION)
                    throw new IllegalArgumentException(
                            "pattern '" + s + "' expands to more than " + MAX_EXPANSION + " names");
            }
            return out;
        }
        return List.of(s);
    }

    private static int matchingBrace(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            if (s.charAt(i) == '{') depth++;
            else if (s.charAt(i) == '}' && --depth == 0) return i;
        }
        return -1;
    }

    /** The alternatives of a brace body, or null when it has no top-level comma and is no range. */
    private static List<String> alternatives(String body) {
        Matcher numbers = NUMBER_RANGE.matcher(body);
        if (numbers.matches()) return numberRange(numbers.group(1), numbers.group(2), numbers.group(3));
        Matcher letters = LETTER_RANGE.matcher(body);
        if (letters.matches()) {
            int step = stepOf(letters.group(3));
            char from = letters.group(1).charAt(0);
            char to = letters.group(2).charAt(0);
            List<String> out = new ArrayList<>();
            int dir = from <= to ? 1 : -1;
            for (int c = from; dir > 0 ? c <= to : c >= to; c += dir * step) out.add(String.valueOf((char) c));
            return out;
        }
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < body.length(); i++) {
            char ch = body.charAt(i);
            if (ch == '{') depth++;
            else if (ch == '}') depth--;
            else if (ch == ',' && depth == 0) {
                parts.add(body.substring(start, i));
                start = i + 1;
            }
        }
        if (parts.isEmpty()) return null;
        parts.add(body.substring(start));
        return parts;
    }

    private static List<String> numberRange(String fromText, String toText, String stepText) {
        long from = Long.parseLong(fromText);
        long to = Long.parseLong(toText);
        int step = stepOf(stepText);
        boolean padded = hasLeadingZero(fromText) || hasLeadingZero(toText);
        int width = padded ? Math.max(fromText.length(), toText.length()) : 0;
        if (Math.abs(to - from) / step > MAX_EXPANSION) {
            throw new IllegalArgumentException(
                    "range {" + fromText + ".." + toText + "} has more than " + MAX_EXPANSION + " values");
        }
        List<String> out = new ArrayList<>();
        long dir = from <= to ? 1 : -1;
        for (long v = from; dir > 0 ? v <= to : v >= to; v += dir * step) {
            String digits = Long.toString(Math.abs(v));
            int pad = width - digits.length() - (v < 0 ? 1 : 0);
            out.add((v < 0 ? "-" : "") + "0".repeat(Math.max(0, pad)) + digits);
        }
        return out;
    }

    private static boolean hasLeadingZero(String number) {
        String digits = number.startsWith("-") ? number.substring(1) : number;
        return digits.length() > 1 && digits.charAt(0) == '0';
    }

    private static int stepOf(String stepText) {
        if (stepText == null) return 1;
        int step = Math.abs(Integer.parseInt(stepText));
        return step == 0 ? 1 : step;
    }
}
