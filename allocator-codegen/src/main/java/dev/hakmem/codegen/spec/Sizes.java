package dev.hakmem.codegen.spec;

import dev.hakmem.codegen.yaml.NodeReader;
import dev.hakmem.codegen.yaml.NodeReader.Field;
import dev.hakmem.codegen.yaml.Suggestions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Byte counts as a spec writes them: a plain integer, or a whole number with a binary unit
 * ({@code 256MiB}, {@code 64 GiB}). Only binary units exist here, spelled as IEC does, so that
 * {@code MB} is an error with a suggestion rather than a silent factor of 1.048576.
 */
final class Sizes {
    /** Units, smallest first; unit {@code i} is {@code 1 << (10 * (i + 1))} bytes. */
    static final List<String> UNITS = List.of("KiB", "MiB", "GiB", "TiB");
    private static final Pattern WITH_UNIT = Pattern.compile("([0-9]+) ?([A-Za-z]+)");

    private Sizes() {}

    /**
     * The byte count {@code f} holds, an integer or a number with a unit, from {@code min} to {@code max};
     * {@code expected} describes what is allowed.
     */
    static long read(NodeReader nodes, Field f, long min, long max, String expected) {
        if (NodeReader.isScalar(f, Tag.INT)) return nodes.integer(f, min, max, expected);
        if (!NodeReader.isScalar(f, Tag.STR)) throw nodes.wrongType(f, expected);
        String written = ((ScalarNode) f.value()).getValue();
        long bytes;
        try {
            bytes = parse(written);
        } catch (IllegalArgumentException e) {
            throw nodes.error(f, e.getMessage() + "; expected " + expected);
        }
        if (bytes < min || bytes > max) throw nodes.outOfRange(f, written, expected);
        return bytes;
    }

    /**
     * The bytes a number with a unit stands for.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code text}, for the caller to place
     */
    static long parse(String text) {
        Matcher m = WITH_UNIT.matcher(text);
        if (!m.matches()) throw new IllegalArgumentException("'" + text + "' is not a byte count");
        String unit = m.group(2);
        int index = UNITS.indexOf(unit);
        if (index < 0) {
            String hint = Suggestions.closest(unit, UNITS).map(u -> " (did you mean '" + u + "'?)").orElse("");
            throw new IllegalArgumentException("'" + text + "' has an unknown unit '" + unit + "'" + hint);
        }
        int shift = 10 * (index + 1);
        try {
            long number = Long.parseLong(m.group(1));
            if (number > (Long.MAX_VALUE >> shift)) throw new NumberFormatException();
            return number << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large for a byte count");
        }
    }

    /** {@code bytes} in the largest unit that divides it exactly ({@code 268435456} gives {@code 256MiB}), else as a plain number. */
    static String format(long bytes) {
        for (int i = UNITS.size() - 1; bytes > 0 && i >= 0; i--) {
            int shift = 10 * (i + 1);
            if ((bytes & ((1L << shift) - 1)) == 0) return (bytes >> shift) + UNITS.get(i);
        }
        return Long.toString(bytes);
    }
}
