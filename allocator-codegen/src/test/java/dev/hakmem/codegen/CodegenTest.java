package dev.hakmem.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.codegen.spec.SpecException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build-tool behaviour: spec discovery, up-to-date checks, all-or-nothing output. */
class CodegenTest {
    @Test
    void generatesOnceAndSkipsWhileNothingChanged(@TempDir Path dir) throws Exception {
        Path specs = Files.createDirectories(dir.resolve("hakmem")), out = dir.resolve("out");
        Files.writeString(specs.resolve("a.yaml"), "variant: x.A\n");
        Files.writeString(specs.resolve("notes.txt"), "not a spec");
        List<Path> files = Codegen.specFiles(specs);
        assertEquals(List.of(specs.resolve("a.yaml")), files, "only *.yaml / *.yml");

        Codegen.Result first = Codegen.generate(files, out);
        assertFalse(first.upToDate());
        assertEquals(2 + 4, first.files(), "variant, cache, fronts of the 4 default Tiny classes up to 64 bytes");
        Path variant = out.resolve("x/A.java");
        long written = Files.getLastModifiedTime(variant).toMillis();

        Codegen.Result second = Codegen.generate(files, out);
        assertTrue(second.upToDate(), "nothing changed: nothing generated");
        assertEquals(written, Files.getLastModifiedTime(variant).toMillis());

        Files.writeString(specs.resolve("a.yaml"), "variant: x.B\n"); // renamed class: the old file must go
        assertFalse(Codegen.generate(files, out).upToDate());
        assertTrue(Files.exists(out.resolve("x/B.java")));
        assertFalse(Files.exists(variant), "output of the previous spec version is removed");
    }

    @Test
    void aBadSpecLeavesThePreviousOutputAndNoHalfGeneratedFiles(@TempDir Path dir) throws Exception {
        Path specs = Files.createDirectories(dir.resolve("hakmem")), out = dir.resolve("out");
        Files.writeString(specs.resolve("a.yaml"), "variant: x.A\n");
        Codegen.generate(Codegen.specFiles(specs), out);
        Files.writeString(specs.resolve("b.yaml"), "variant: x.B\nchecks: maybe\n");
        SpecException e = assertThrows(SpecException.class, () -> Codegen.generate(Codegen.specFiles(specs), out));
        assertTrue(e.getMessage().contains("b.yaml:2:9: checks: got the string 'maybe'"), e.getMessage());
        assertTrue(Files.exists(out.resolve("x/A.java")), "previous output untouched");
        assertFalse(Files.exists(out.resolve("x/B.java")));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("hakmem", "out"), s.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary directory left");
        }
    }

    @Test
    void noDirectoryMeansNoSpecs(@TempDir Path dir) throws Exception {
        assertEquals(List.of(), Codegen.specFiles(dir.resolve("missing")));
    }
}
