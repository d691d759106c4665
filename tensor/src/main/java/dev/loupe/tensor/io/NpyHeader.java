package dev.loupe.tensor.io;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The dictionary at the start of a .npy file, parsed by hand: it is a Python dict literal such as
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }} followed by space padding
 * and a newline. Accepts exactly the three keys numpy writes, in any order, with single- or
 * double-quoted strings, trailing commas, the empty tuple (0-d) and the 1-tuple {@code (5,)};
 * Python 2's long suffix ({@code 3L}) is tolerated as numpy does.
 *
 * @param descr        the dtype string, e.g. {@code <f4}
 * @param fortranOrder true for column-major data
 * @param shape        sizes, outermost first (each fits an int)
 * @param descrAt      offset of the descr value within the header text (for error messages)
 * @param fortranAt    offset of the fortran_order value within the header text
 */
record NpyHeader(String descr, boolean fortranOrder, int[] shape, int descrAt, int fortranAt) {

    /** A problem at {@code position} (a char offset into the header text). */
    static final class ParseException extends Exception {
        final int position;

        ParseException(int position, String message) {
            super(message);
            this.position = position;
        }
    }

    static NpyHeader parse(String text) throws ParseException {
        return new Parser(text).header();
    }

    /** The header text numpy would write for this array, without the padding. */
    static String format(String descr, int[] shape) {
        StringBuilder sb =
                new StringBuilder("{'descr': '").append(descr).append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(shape[i]);
        }
        if (shape.length == 1) sb.append(',');
        return sb.append("), }").toString();
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        NpyHeader header() throws ParseException {
            skipSpace();
            expect('{');
            Map<String, Object> values = new HashMap<>();
            Map<String, Integer> at = new HashMap<>();
            skipSpace();
            while (peek() != '}') {
                int keyAt = pos;
                String key = string("a quoted key");
                if (!key.equals("descr") && !key.equals("fortran_order") && !key.equals("shape")) {
                    throw new ParseException(
                            keyAt,
                            "unexpected key '" + key
                                    + "'; a .npy header has exactly 'descr', 'fortran_order' and 'shape'");
                }
                if (values.containsKey(key)) throw new ParseException(keyAt, "key '" + key + "' repeated");
                skipSpace();
                expect(':');
                skipSpace();
                at.put(key, pos);
                values.put(key, value());
                skipSpace();
                if (peek() == ',') {
                    pos++;
                    skipSpace();
                } else if (peek() != '}') {
                    throw new ParseException(
                            pos, "expected ',' or '}' after the value of '" + key + "', found " + describe(pos));
                }
            }
            pos++;
            skipSpace();
            if (pos != s.length())
                throw new ParseException(pos, "unexpected " + describe(pos) + " after the closing '}'");
            for (String key : List.of("descr", "fortran_order", "shape")) {
                if (!values.containsKey(key)) throw new ParseException(0, "header lacks the key '" + key + "'");
            }
            if (!(values.get("descr") instanceof String descr)) {
                throw new ParseException(
                        at.get("descr"),
                        "'descr' must be a string such as '<f4' (structured dtypes are not supported)");
            }
            if (!(values.get("fortran_order") instanceof Boolean fortran)) {
                throw new ParseException(at.get("fortran_order"), "'fortran_order' must be True or False");
            }
            if (!(values.get("shape") instanceof int[] shape)) {
                throw new ParseException(
                        at.get("shape"), "'shape' must be a tuple of sizes such as (2, 3), (5,) or ()");
            }
            return new NpyHeader(descr, fortran, shape, at.get("descr"), at.get("fortran_order"));
        }

        /** A string, True, False or a tuple of non-negative ints (returned as int[]). */
        private Object value() throws ParseException {
            char c = peek();
            if (c == '\'' || c == '"') return string("a string");
            if (s.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            if (c == '(') return tuple();
            throw new ParseException(pos, "expected a string, True, False or a tuple, found " + describe(pos));
        }

        private int[] tuple() throws ParseException {
            int start = pos;
            expect('(');
            List<Integer> dims = new ArrayList<>();
            boolean trailingComma = false;
            skipSpace();
            while (peek() != ')') {
                dims.add(integer());
                skipSpace();
                trailingComma = false;
                if (peek() == ',') {
                    pos++;
                    trailingComma = true;
                    skipSpace();
                } else if (peek() != ')') {
                    throw new ParseException(pos, "expected ',' or ')' in the shape tuple, found " + describe(pos));
                }
            }
            pos++;
            if (dims.size() == 1 && !trailingComma) {
                throw new ParseException(
                        start,
                        "shape " + s.substring(start, pos) + " is a parenthesised int, not a tuple;"
                                + " a 1-tuple needs a trailing comma: (" + dims.getFirst() + ",)");
            }
            return dims.stream().mapToInt(Integer::intValue).toArray();
        }

        private int integer() throws ParseException {
            int start = pos;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
            if (pos == start)
                throw new ParseException(
                        pos, "expected a non-negative size in the shape tuple, found " + describe(pos));
            long v = 0;
            for (int i = start; i < pos; i++) {
                v = v * 10 + (s.charAt(i) - '0');
                if (v > Integer.MAX_VALUE)
                    throw new ParseException(
                            start, "size " + s.substring(start, pos) + "... exceeds " + Integer.MAX_VALUE);
            }
            if (pos < s.length() && s.charAt(pos) == 'L') pos++;
            return (int) v;
        }

        private String string(String what) throws ParseException {
            char quote = peek();
            if (quote != '\'' && quote != '"')
                throw new ParseException(pos, "expected " + what + ", found " + describe(pos));
            int start = ++pos;
            while (pos < s.length() && s.charAt(pos) != quote) {
                if (s.charAt(pos) == '\\')
                    throw new ParseException(pos, "escape sequences are not supported in header strings");
                pos++;
            }
            if (pos == s.length()) throw new ParseException(start - 1, "unterminated string");
            return s.substring(start, pos++);
        }

        private void expect(char c) throws ParseException {
            if (peek() != c) throw new ParseException(pos, "expected '" + c + "', found " + describe(pos));
            pos++;
        }

        private char peek() throws ParseException {
            if (pos >= s.length()) throw new ParseException(pos, "header text ends early");
            return s.charAt(pos);
        }

        private void skipSpace() {
            while (pos < s.length()
                    && (s.charAt(pos) == ' '
                            || s.charAt(pos) == '\t'
                            || s.charAt(pos) == '\n'
                            || s.charAt(pos) == '\r')) pos++;
        }

        private String describe(int p) {
            if (p >= s.length()) return "the end of the header";
            char c = s.charAt(p);
            return c < 0x20 || c > 0x7e ? String.format("character U+%04X", (int) c) : "'" + c + "'";
        }
    }
}
