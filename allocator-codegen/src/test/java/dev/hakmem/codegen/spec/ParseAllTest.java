package dev.hakmem.codegen.spec;

import dev.hakmem.codegen.InputException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hakmem.codegen.AllocatorSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SpecParser#parseAll}: all files' errors at once, and no class declared twice. */
class ParseAllTest {
    @TempDir
    Path dir;

    @Test
    void goodFilesComeBackInOrder() throws IOException {
        Path b = write("b.yaml", "variant: com.example.B\n");
        Path a = write("a.yaml", "variant: com.example.A\nchecks: false\n");
        List<AllocatorSpec> specs = SpecParser.parseAll(List.of(b, a));
        assertEquals(List.of("com.example.B", "com.example.A"), specs.stream().map(AllocatorSpec::className).toList());
        assertEquals(List.of(), SpecParser.parseAll(List.of()));
    }

    @Test
    void aClassNamedTwiceFailsAtTheSecondVariant() throws IOException {
        Path first = write("first.yaml", "variant: com.example.Fast\n");
        Path second = write("second.yaml", "# the same class again\nvariant:   com.example.Fast\n");
        InputException e = assertThrows(InputException.class, () -> SpecParser.parseAll(List.of(first, second)));
        assertEquals(second + ":2:12: variant: com.example.Fast is already declared by " + first
                + "; expected each class in one spec only", e.getMessage());
        assertEquals(List.of(e), e.errors());
    }

    @Test
    void everyFailingFileIsReported() throws IOException {
        Path good = write("good.yaml", "variant: com.example.Good\n");
        Path empty = write("empty.yaml", "");
        Path typo = write("typo.yaml", "variant: com.example.Typo\nstat: false\n");
        Path again = write("again.yaml", "variant: com.example.Good\n");
        InputException e = assertThrows(InputException.class, () -> SpecParser.parseAll(List.of(good, empty, typo, again)));
        List<String> expected = List.of(
                empty + ":1:1: the spec is empty; expected a mapping with at least 'variant: <fully qualified class name>'",
                typo + ":2:1: unknown key 'stat' (did you mean 'stats'?); expected one of variant, checks, stats, memoryLimit,"
                        + " addressSpace, frontsUpTo, tiny, mid, large, huge",
                again + ":1:10: variant: com.example.Good is already declared by " + good + "; expected each class in one spec only");
        assertEquals(expected, e.errors().stream().map(InputException::getMessage).toList());
        assertEquals(String.join("\n", expected), e.getMessage());
        assertEquals(empty.toString(), e.file());
        assertEquals(1, e.line());
        assertEquals(1, e.column());
    }

    private Path write(String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name), yaml);
    }
}
