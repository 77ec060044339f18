package dev.hakmem.codegen.spec;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.codegen.AllocatorSpec;
import dev.hakmem.codegen.spec.Tier.ClassCache;
import java.util.List;
import java.util.Objects;

/**
 * Writes an {@link AllocatorSpec} as a spec file that {@link SpecParser} reads back to an equal spec
 * (given the same source name). Every key of {@link SpecKey}'s table is written, in its order, defaults
 * included, so the file shows the whole variant; the output depends only on the spec and the header,
 * never on time or order of calls. A config with a property that is not a key ({@link SpecKey.NotAKey})
 * set is refused rather than written without it.
 *
 * <p>A section's {@code cache} is the capacity and batch most of its classes share, so that only the
 * exceptions carry their own; when the runtime's per-size default fits better (Mid: different above
 * 4 KiB), the section has no {@code cache}. Byte counts are written in the largest exact unit.
 */
public final class SpecWriter {
    /** Column at which trailing comments start, when the line is shorter. */
    private static final int COMMENT_COLUMN = 36;

    private SpecWriter() {}

    /**
     * The spec file of {@code spec}: every key, with a comment on what it means, reading back
     * ({@link SpecParser}) to an equal spec.
     *
     * @param spec the variant to write
     * @param headerComments lines for the comment at the top of the file (e.g. how a tuned spec was
     *     measured), each written as {@code # line}; a string with line breaks gives several lines
     * @return the YAML text, ending in a newline
     * @throws IllegalArgumentException if the config records an allocation profile, which a spec cannot express
     */
    public static String write(AllocatorSpec spec, List<String> headerComments) {
        Objects.requireNonNull(spec, "spec");
        AllocatorConfig c = spec.config();
        for (SpecKey.NotAKey n : SpecKey.NotAKey.values()) {
            if (n.isSet.test(c)) { // it used to be dropped silently
                throw new IllegalArgumentException(spec.className() + ": the config " + n.whatItDoes + ", which a spec cannot express: "
                        + n.reason + "; remove it from the spec");
            }
        }
        StringBuilder out = new StringBuilder();
        for (String comment : headerComments) {
            for (String line : comment.split("\\R", -1)) out.append(line.isEmpty() ? "#" : "# " + line).append('\n');
        }
        out.append("# hakmem allocator spec; every key, its default and range: README.md, \"Spec files\".\n");
        for (String name : SpecKey.topLevel()) {
            SpecKey key = SpecKey.at(name);
            Tier tier = SpecKey.tierOf(name);
            if (key != null) {
                line(out, 0, name + ": " + key.written(spec), key.comment());
            } else if (tier != null) {
                tier(out, tier, c);
            } else {
                line(out, 0, name + ":", null);
                for (SpecKey k : SpecKey.in(name)) line(out, 2, k.key() + ": " + k.written(spec), k.comment());
            }
        }
        return out.toString();
    }

    private static void tier(StringBuilder out, Tier tier, AllocatorConfig c) {
        List<ClassCache> classes = tier.classesOf(c);
        List<ClassCache> runtime = tier.runtimeDefaults(classes.stream().mapToInt(ClassCache::size).toArray());
        ClassCache cache = sectionCache(classes, runtime);
        line(out, 0, tier.key + ":", null);
        if (cache != null) {
            line(out, 2, Tier.CACHE + ": " + cacheText(cache), SpecKey.at(tier.key + "." + Tier.CACHE).comment());
        } else {
            line(out, 2, "# no " + Tier.CACHE + ": a class without its own has the runtime's default for its size", null);
        }
        line(out, 2, Tier.CLASSES + ":", SpecKey.at(tier.key + "." + Tier.CLASSES).comment());
        for (int i = 0; i < classes.size(); i++) {
            ClassCache k = classes.get(i);
            boolean own = !sameCache(k, cache != null ? cache : runtime.get(i));
            line(out, 4, "- " + (own ? "{" + Tier.SIZE + ": " + k.size() + ", " + cacheText(k).substring(1) : k.size()), null);
        }
    }

    /**
     * The {@code cache} to write for a section: the capacity and batch that leave the fewest classes with
     * their own, or null when the runtime's defaults leave fewest (they win a tie) and differ by size.
     */
    private static ClassCache sectionCache(List<ClassCache> classes, List<ClassCache> runtime) {
        ClassCache best = null;
        int fewest = ownCaches(classes, runtime, null);
        for (ClassCache candidate : classes) {
            int own = ownCaches(classes, runtime, candidate);
            if (own < fewest) {
                best = candidate;
                fewest = own;
            }
        }
        if (best == null && runtime.stream().allMatch(r -> sameCache(r, runtime.getFirst()))) best = runtime.getFirst();
        return best;
    }

    /** How many classes need their own cache when the section's is {@code cache} (null: none). */
    private static int ownCaches(List<ClassCache> classes, List<ClassCache> runtime, ClassCache cache) {
        int own = 0;
        for (int i = 0; i < classes.size(); i++) if (!sameCache(classes.get(i), cache != null ? cache : runtime.get(i))) own++;
        return own;
    }

    private static boolean sameCache(ClassCache a, ClassCache b) {
        return a.capacity() == b.capacity() && a.batch() == b.batch();
    }

    private static String cacheText(ClassCache c) {
        return "{" + Tier.CAPACITY + ": " + c.capacity() + ", " + Tier.BATCH + ": " + c.batch() + "}";
    }

    private static void line(StringBuilder out, int indent, String text, String comment) {
        int start = out.length();
        out.append(" ".repeat(indent)).append(text);
        if (comment != null) {
            int column = out.length() - start;
            out.append(" ".repeat(Math.max(1, COMMENT_COLUMN - column))).append("# ").append(comment);
        }
        out.append('\n');
    }
}
