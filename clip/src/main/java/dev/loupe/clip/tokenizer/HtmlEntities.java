package dev.loupe.clip.tokenizer;

import static java.util.Map.entry;

import java.nio.charset.Charset;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTML character references as Python's html.unescape resolves them: numeric references
 * ({@code &#233;}, {@code &#xE9;}, the semicolon optional) with the HTML5 rules for invalid code points
 * (0x80..0x9F read as windows-1252, NUL / surrogates / beyond U+10FFFF become U+FFFD, other control
 * characters vanish), and named references. Python knows all 2,231 HTML5 names; this table holds the
 * ones that occur in web captions (markup, quotes, dashes, spaces, Latin-1 letters and symbols), and an
 * unknown name stays as written. The legacy names that HTML allows without a semicolon
 * ({@code &amp}, {@code &lt}, ...) are resolved without one too.
 */
public final class HtmlEntities {
    private static final Pattern REFERENCE =
            Pattern.compile("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\\t\\n\\f <&#;]{1,32};?)");
    private static final Charset CP1252 = Charset.forName("windows-1252");

    private static final Map<String, String> NAMED = Map.<String, String>ofEntries(
            entry("amp", "&"),
            entry("lt", "<"),
            entry("gt", ">"),
            entry("quot", "\""),
            entry("apos", "'"),
            entry("nbsp", "\u00A0"),
            entry("ensp", "\u2002"),
            entry("emsp", "\u2003"),
            entry("thinsp", "\u2009"),
            entry("shy", "\u00AD"),
            entry("zwj", "\u200D"),
            entry("zwnj", "\u200C"),
            entry("ndash", "\u2013"),
            entry("mdash", "\u2014"),
            entry("hellip", "\u2026"),
            entry("bull", "\u2022"),
            entry("middot", "\u00B7"),
            entry("lsquo", "\u2018"),
            entry("rsquo", "\u2019"),
            entry("sbquo", "\u201A"),
            entry("ldquo", "\u201C"),
            entry("rdquo", "\u201D"),
            entry("bdquo", "\u201E"),
            entry("laquo", "\u00AB"),
            entry("raquo", "\u00BB"),
            entry("lsaquo", "\u2039"),
            entry("rsaquo", "\u203A"),
            entry("prime", "\u2032"),
            entry("Prime", "\u2033"),
            entry("copy", "\u00A9"),
            entry("reg", "\u00AE"),
            entry("trade", "\u2122"),
            entry("deg", "\u00B0"),
            entry("plusmn", "\u00B1"),
            entry("times", "\u00D7"),
            entry("divide", "\u00F7"),
            entry("frac12", "\u00BD"),
            entry("frac14", "\u00BC"),
            entry("frac34", "\u00BE"),
            entry("sup2", "\u00B2"),
            entry("sup3", "\u00B3"),
            entry("micro", "\u00B5"),
            entry("para", "\u00B6"),
            entry("sect", "\u00A7"),
            entry("euro", "\u20AC"),
            entry("pound", "\u00A3"),
            entry("yen", "\u00A5"),
            entry("cent", "\u00A2"),
            entry("curren", "\u00A4"),
            entry("iexcl", "\u00A1"),
            entry("iquest", "\u00BF"),
            entry("not", "\u00AC"),
            entry("larr", "\u2190"),
            entry("rarr", "\u2192"),
            entry("uarr", "\u2191"),
            entry("darr", "\u2193"),
            entry("hearts", "\u2665"),
            entry("star", "\u2606"),
            entry("dagger", "\u2020"),
            entry("permil", "\u2030"),
            entry("Agrave", "\u00C0"),
            entry("Aacute", "\u00C1"),
            entry("Acirc", "\u00C2"),
            entry("Atilde", "\u00C3"),
            entry("Auml", "\u00C4"),
            entry("Aring", "\u00C5"),
            entry("AElig", "\u00C6"),
            entry("Ccedil", "\u00C7"),
            entry("Egrave", "\u00C8"),
            entry("Eacute", "\u00C9"),
            entry("Ecirc", "\u00CA"),
            entry("Euml", "\u00CB"),
            entry("Igrave", "\u00CC"),
            entry("Iacute", "\u00CD"),
            entry("Icirc", "\u00CE"),
            entry("Iuml", "\u00CF"),
            entry("Ntilde", "\u00D1"),
            entry("Ograve", "\u00D2"),
            entry("Oacute", "\u00D3"),
            entry("Ocirc", "\u00D4"),
            entry("Otilde", "\u00D5"),
            entry("Ouml", "\u00D6"),
            entry("Oslash", "\u00D8"),
            entry("Ugrave", "\u00D9"),
            entry("Uacute", "\u00DA"),
            entry("Ucirc", "\u00DB"),
            entry("Uuml", "\u00DC"),
            entry("Yacute", "\u00DD"),
            entry("szlig", "\u00DF"),
            entry("agrave", "\u00E0"),
            entry("aacute", "\u00E1"),
            entry("acirc", "\u00E2"),
            entry("atilde", "\u00E3"),
            entry("auml", "\u00E4"),
            entry("aring", "\u00E5"),
            entry("aelig", "\u00E6"),
            entry("ccedil", "\u00E7"),
            entry("egrave", "\u00E8"),
            entry("eacute", "\u00E9"),
            entry("ecirc", "\u00EA"),
            entry("euml", "\u00EB"),
            entry("igrave", "\u00EC"),
            entry("iacute", "\u00ED"),
            entry("icirc", "\u00EE"),
            entry("iuml", "\u00EF"),
            entry("ntilde", "\u00F1"),
            entry("ograve", "\u00F2"),
            entry("oacute", "\u00F3"),
            entry("ocirc", "\u00F4"),
            entry("otilde", "\u00F5"),
            entry("ouml", "\u00F6"),
            entry("oslash", "\u00F8"),
            entry("ugrave", "\u00F9"),
            entry("uacute", "\u00FA"),
            entry("ucirc", "\u00FB"),
            entry("uuml", "\u00FC"),
            entry("yacute", "\u00FD"),
            entry("yuml", "\u00FF"),
            entry("OElig", "\u0152"),
            entry("oelig", "\u0153"),
            entry("Scaron", "\u0160"),
            entry("scaron", "\u0161"),
            entry("Yuml", "\u0178"));

    /** Names HTML resolves even without the closing semicolon (a subset of Python's legacy list). */
    private static final String[] LEGACY = {
        "amp", "lt", "gt", "quot", "nbsp", "copy", "reg", "deg", "times", "eacute", "egrave", "agrave", "aacute",
        "uuml", "ouml", "auml", "ccedil", "ntilde", "szlig", "pound", "yen", "cent", "sect", "para", "middot", "laquo",
        "raquo", "iexcl", "iquest", "plusmn", "micro", "not", "shy"
    };

    private HtmlEntities() {}

    /** Replaces every character reference in {@code s}; text without '&' comes back as is. */
    public static String unescape(String s) {
        if (s.indexOf('&') < 0) return s;
        Matcher m = REFERENCE.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement(resolve(m.group(1))));
        m.appendTail(out);
        return out.toString();
    }

    private static String resolve(String ref) {
        if (ref.charAt(0) == '#') return numeric(ref);
        if (ref.endsWith(";")) {
            String value = NAMED.get(ref.substring(0, ref.length() - 1));
            if (value != null) return value;
        }
        // longest legacy name that prefixes the reference; the rest stays as text
        String best = null;
        for (String name : LEGACY) {
            if (ref.startsWith(name) && (best == null || name.length() > best.length())) best = name;
        }
        return best == null ? "&" + ref : NAMED.get(best) + ref.substring(best.length());
    }

    private static String numeric(String ref) {
        String digits = ref.endsWith(";") ? ref.substring(1, ref.length() - 1) : ref.substring(1);
        boolean hex = digits.startsWith("x") || digits.startsWith("X");
        long cp;
        try {
            cp = Long.parseLong(hex ? digits.substring(1) : digits, hex ? 16 : 10);
        } catch (NumberFormatException tooLong) {
            return "\uFFFD";
        }
        if (cp >= 0x80 && cp <= 0x9F) return new String(new byte[] {(byte) cp}, CP1252);
        if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return "\uFFFD";
        if ((cp >= 0x1 && cp <= 0x8)
                || cp == 0xB
                || (cp >= 0xE && cp <= 0x1F)
                || cp == 0x7F
                || (cp >= 0xFDD0 && cp <= 0xFDEF)
                || (cp & 0xFFFE) == 0xFFFE) {
            return "";
        }
        return Character.toString((int) cp);
    }
}
