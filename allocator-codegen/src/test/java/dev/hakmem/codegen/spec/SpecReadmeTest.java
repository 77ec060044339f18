package dev.hakmem.codegen.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.codegen.AllocatorSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README's "Spec files" section true: its example parses to the config it describes, and its
 * key table names exactly the keys the parser knows.
 */
class SpecReadmeTest {
    private static final Pattern TABLE_KEY = Pattern.compile("^\\| `([A-Za-z.]+)` \\|");

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

    @Test
    void theTableNamesEveryKey() throws IOException {
        Set<String> documented = new TreeSet<>();
        for (String line : readme().subList(indexOf(readme(), "## Spec files", 0), readme().size())) {
            if (line.startsWith("## ") && !documented.isEmpty()) break;
            Matcher m = TABLE_KEY.matcher(line);
            if (m.find()) documented.add(m.group(1));
        }
        Set<String> known = new TreeSet<>();
        for (String key : Layout.TOP_KEYS) {
            switch (key) {
                case Layout.TINY, Layout.MID -> Layout.TIER_KEYS.forEach(k -> known.add(key + "." + k));
                case Layout.LARGE, Layout.HUGE -> Layout.RETAINED_KEYS.forEach(k -> known.add(key + "." + k));
                default -> known.add(key);
            }
        }
        assertEquals(known, documented);
        assertTrue(known.size() > 10);
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
