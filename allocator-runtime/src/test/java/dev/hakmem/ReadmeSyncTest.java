package dev.hakmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README's usage example identical to the code {@link ReadmeExampleTest} compiles and runs:
 * the java block after the README's {@code <!-- README-EXAMPLE} comment must equal, line by line
 * (indentation aside), the lines between that test's BEGIN and END markers.
 */
class ReadmeSyncTest {
    @Test
    void readmeExampleIsTheTestedCode() throws IOException {
        List<String> readme = Files.readAllLines(find("README.md"));
        int at = indexOfPrefix(readme, "<!-- README-EXAMPLE", 0);
        assertTrue(at >= 0, "README.md has no <!-- README-EXAMPLE --> marker");
        int open = indexOfPrefix(readme, "```java", at);
        int close = indexOfPrefix(readme, "```", open + 1);
        List<String> documented = stripped(readme.subList(open + 1, close));

        List<String> test = Files.readAllLines(find("allocator-runtime/src/test/java/dev/hakmem/ReadmeExampleTest.java"));
        int begin = indexOfPrefix(test, "// README-EXAMPLE-" + "BEGIN", 0);
        int end = indexOfPrefix(test, "// README-EXAMPLE-" + "END", begin);
        List<String> tested = stripped(test.subList(begin + 1, end));

        assertTrue(tested.size() > 5, "the tested example is missing");
        assertEquals(tested, documented, "README.md's example differs from ReadmeExampleTest: copy the test's body into the README");
    }

    /** Finds a file of the repository from the module directory (surefire's) or the repository root. */
    private static Path find(String fromRoot) {
        Path here = Path.of(fromRoot);
        return Files.exists(here) ? here : Path.of("..").resolve(fromRoot);
    }

    private static int indexOfPrefix(List<String> lines, String prefix, int from) {
        for (int i = from; i < lines.size(); i++) if (lines.get(i).strip().startsWith(prefix)) return i;
        return -1;
    }

    private static List<String> stripped(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) if (!l.isBlank()) out.add(l.strip());
        return out;
    }
}
