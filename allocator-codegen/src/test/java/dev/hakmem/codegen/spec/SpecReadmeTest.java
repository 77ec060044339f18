package dev.hakmem.codegen.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.codegen.AllocatorSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README's "Spec files" section true: its example parses to the config it describes, and its
 * key table is the table of spec keys ({@link SpecKey}).
 */
class SpecReadmeTest {
    private static final Pattern TABLE_ROW = Pattern.compile("\\| ([^|]*) \\| ([^|]*) \\| ([^|]*) \\|");

    @Test
    void theExampleParsesToTheConfigItDescribes() throws IOException {
        List<String> readme = readme();
        int at = indexOf(readme, "<!-- SPEC-EXAMPLE", 0);
        int open = indexOf(readme, "```yaml", at);
        int close = indexOf(readme, "```", open + 1);
        String yaml = String.join("\n", readme.subList(open + 1, close)) + "\n";

        AllocatorConfig expected = AllocatorConfig.builder().checks(false).stats(false).memoryLimit(1L << 30)
                .addressSpace(16L << 30).tinyClasses(16, 32, 48, 64, 96, 128, 256, 512, 1024).tinyCache(256, 64)
                .classCache(32, 512, 64).midCache(16, 4).largeRetainedBytes(128L << 20).hugeRetainedBytes(0).build();
        assertEquals(new AllocatorSpec("com.example.FastAllocator", expected, "README.md"), SpecParser.parse(yaml, "README.md"));
    }

    /**
     * The README's key table is {@link SpecKey}'s: one row per key, named as the table names it, in its
     * order, no other rows; each setting's default is the runtime's, written as the writer writes it, and
     * its range column names the setting's bounds. Each property that is deliberately not a key is named
     * as such.
     */
    @Test
    void theKeyTableIsTheTableOfSpecKeys() throws IOException {
        List<String> section = specSection(readme());
        List<Matcher> rows = keyTable(section);
        List<String> documented = rows.stream().map(m -> m.group(1)).toList();
        List<String> keys = Arrays.stream(SpecKey.values()).map(k -> "`" + k.path() + "`").toList();
        assertEquals(keys, documented, "README.md, \"Spec files\": the key table must have one row per SpecKey, in its order, and no other");
        for (int i = 0; i < keys.size(); i++) {
            SpecKey k = SpecKey.values()[i];
            String defaults = rows.get(i).group(2);
            String range = rows.get(i).group(3);
            if (k.setting() != null) {
                assertEquals("`" + k.setting().yaml(AllocatorConfig.defaults()) + "`", defaults, k.path() + ": the runtime's default");
                for (String bound : bounds(k.setting().value())) {
                    assertTrue(range.contains(bound), k.path() + ": the range '" + range + "' does not mention " + bound);
                }
            }
        }
        assertEquals("(required)", rows.getFirst().group(2));
        for (SpecKey.NotAKey n : SpecKey.NotAKey.values()) {
            String said = "`" + n.key + "` is deliberately not a key";
            assertTrue(section.stream().anyMatch(line -> line.contains(said)), "README.md, \"Spec files\", says " + said);
        }
    }

    /** The lines of the README's "Spec files" section. */
    private static List<String> specSection(List<String> readme) {
        int from = indexOf(readme, "## Spec files", 0);
        int to = from + 1;
        while (to < readme.size() && !readme.get(to).startsWith("## ")) to++;
        return readme.subList(from, to);
    }

    /** The rows of the key table (the table headed "| key | default | range |"), as matched by {@link #TABLE_ROW}. */
    private static List<Matcher> keyTable(List<String> section) {
        int header = indexOf(section, "| key | default | range |", 0);
        assertTrue(section.get(header + 1).startsWith("|---"), "a separator line under the header");
        List<Matcher> rows = new ArrayList<>();
        for (int i = header + 2; i < section.size() && section.get(i).startsWith("|"); i++) {
            Matcher m = TABLE_ROW.matcher(section.get(i));
            assertTrue(m.matches(), "not a row of three cells: " + section.get(i));
            rows.add(m);
        }
        return rows;
    }

    /** What the range column of a setting of {@code value} must mention. */
    private static List<String> bounds(Value<?> value) {
        return switch (value) {
            case Value.Bool b -> List.of("`true`", "`false`");
            case Value.ByteCount c -> {
                List<String> bounds = new ArrayList<>();
                if (c.unlimited()) bounds.add(Value.ByteCount.UNLIMITED);
                bounds.add(Sizes.format(c.min()));
                if (c.max() != Long.MAX_VALUE) bounds.add(Sizes.format(c.max()));
                if (c.multiple() > 1) bounds.add(Sizes.format(c.multiple()));
                yield bounds;
            }
        };
    }

    private static List<String> readme() throws IOException {
        Path here = Path.of("README.md");
        return Files.readAllLines(Files.exists(here) ? here : Path.of("..").resolve(here));
    }

    private static int indexOf(List<String> lines, String prefix, int from) {
        for (int i = from; i < lines.size(); i++) if (lines.get(i).strip().startsWith(prefix)) return i;
        throw new AssertionError("README.md has no line starting with " + prefix);
    }
}
