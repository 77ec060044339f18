package dev.hakmem.codegen.profile;

import dev.hakmem.codegen.profile.Profile.ClassRecord;
import dev.hakmem.codegen.profile.Profile.Request;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes a {@link Profile} as a JSON profile file that {@link ProfileReader} reads back to an equal
 * profile (given the same source name): for tests, and for tools that merge or trim profiles. The
 * runtime's recorder writes the same layout with its own code (the runtime has no dependencies).
 * The output depends only on the profile.
 */
public final class ProfileWriter {
    /** Request pairs per line, to keep a histogram of a few thousand sizes readable. */
    private static final int PAIRS_PER_LINE = 8;

    private ProfileWriter() {}

    /**
     * The profile file's text.
     *
     * @param p the profile
     * @return its JSON, one top-level member per line, ending in a newline
     */
    public static String write(Profile p) {
        StringBuilder out = new StringBuilder("{\n");
        member(out, "format", jsonString(Profile.FORMAT));
        member(out, "version", Integer.toString(Profile.VERSION));
        member(out, "label", jsonString(p.label()));
        member(out, "recordedBy", jsonString(p.recordedBy()));
        member(out, "durationMillis", Long.toString(p.durationMillis()));
        member(out, "mallocs", Long.toString(p.mallocs()));
        member(out, "frees", Long.toString(p.frees()));
        member(out, "requests", requests(p.requests()));
        member(out, "bigRequests", "{\"count\": " + p.bigRequests().count() + ", \"bytes\": " + p.bigRequests().bytes() + "}");
        member(out, "classes", p.classes().isEmpty() ? "[]" : p.classes().stream().map(ProfileWriter::classRecord)
                .collect(Collectors.joining(",\n    ", "[\n    ", "\n  ]")));
        if (p.lifetimes() != null) {
            member(out, "lifetimes", "{\"sampled\": " + p.lifetimes().sampled() + ", \"log2NanosHistogram\": "
                    + p.lifetimes().log2NanosHistogram().stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]")) + "}");
        }
        if (p.remoteFrees() != null) {
            member(out, "remoteFrees", "{\"sampled\": " + p.remoteFrees().sampled() + ", \"remote\": " + p.remoteFrees().remote() + "}");
        }
        out.setLength(out.length() - 2); // the last member's ",\n"
        return out.append("\n}\n").toString();
    }

    private static void member(StringBuilder out, String name, String value) {
        out.append("  ").append(jsonString(name)).append(": ").append(value).append(",\n");
    }

    private static String requests(List<Request> requests) {
        if (requests.isEmpty()) return "[]";
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < requests.size(); i++) {
            s.append(i % PAIRS_PER_LINE == 0 ? "\n    " : " ");
            s.append('[').append(requests.get(i).size()).append(", ").append(requests.get(i).count()).append(']');
            if (i < requests.size() - 1) s.append(',');
        }
        return s.append("\n  ]").toString();
    }

    private static String classRecord(ClassRecord c) {
        return "{\"size\": " + c.size() + ", \"mallocs\": " + c.mallocs() + ", \"peakLive\": " + c.peakLive() + ", \"burst\": " + c.burst() + "}";
    }

    /**
     * {@code s} as a JSON string literal, quotes included (the tuner also quotes labels with it, so a
     * label cannot break the comment it is shown in). Quotes, backslashes, control characters and the characters YAML would not take raw
     * (DEL, C1 controls, line and paragraph separators, the byte-order mark) are escaped; the rest is
     * written as is, in UTF-8.
     *
     * @param s any string
     * @return the JSON string literal
     */
    public static String jsonString(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\r' -> q.append("\\r");
                case '\t' -> q.append("\\t");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029' || c == '\ufeff'
                            || (Character.isSurrogate(c) && !pairAt(s, i))) {
                        q.append(String.format("\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }

    /** Whether {@code s} has a whole surrogate pair at {@code i} or ending at {@code i}. */
    private static boolean pairAt(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
