package dev.hakmem.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.codegen.InputException;
import java.io.IOException;
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
        assertEquals(3, first.files(), "variant, cache, front");
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

    /** Generated sources name their spec relative to the project, so two checkouts generate the same files. */
    @Test
    void generatedSourcesNameTheirSpecRelativeToTheBase(@TempDir Path dir) throws Exception {
        String[] headers = new String[2];
        for (int i = 0; i < 2; i++) {
            Path project = Files.createDirectories(dir.resolve("checkout" + i));
            Path specs = Files.createDirectories(project.resolve("src/main/hakmem/sub"));
            Files.writeString(specs.resolve("a.yaml"), "variant: x.A\n");
            Path out = project.resolve("target/gen");
            Codegen.generate(List.of(specs.resolve("a.yaml")), out, project);
            headers[i] = Files.readString(out.resolve("x/A.java")).lines().findFirst().orElseThrow();
        }
        assertTrue(headers[0].contains(" from src/main/hakmem/sub/a.yaml."), headers[0]);
        assertEquals(headers[0], headers[1], "the same in both checkouts");
        assertFalse(headers[0].contains(dir.toString()), headers[0]);
    }

    /**
     * Issue 16: the fingerprint covers every input of generation, not only the specs and the
     * generator: the spec parser and model, the runtime's AllocatorConfig (its defaults go into
     * CONFIG) and the runtime's version (the variant checks it). A change to any of them regenerates
     * without a clean.
     */
    @Test
    void theFingerprintCoversTheParserTheRuntimesDefaultsAndItsVersion(@TempDir Path dir) throws Exception {
        for (Class<?> input : List.of(dev.hakmem.codegen.gen.VariantGenerator.class, dev.hakmem.codegen.spec.SpecParser.class,
                AllocatorSpec.class, dev.hakmem.AllocatorConfig.class, dev.hakmem.AllocatorConfig.Builder.class)) {
            assertTrue(Codegen.INPUT_CLASSES.contains(input), input + " is an input of generation");
        }
        assertTrue(Codegen.INPUT_CLASSES.containsAll(dev.hakmem.codegen.spec.SpecParser.classes()), "every parser class");
        for (Class<?> c : Codegen.INPUT_CLASSES) assertTrue(Codegen.classBytes(c).length > 0, c.getName());
        Path spec = Files.writeString(dir.resolve("a.yaml"), "variant: x.A\n");
        List<Path> files = List.of(spec);
        String now = Codegen.fingerprint(files);
        assertEquals(now, Codegen.fingerprint(files, Codegen.INPUT_CLASSES, dev.hakmem.Hakmem.version()), "deterministic");
        assertNotEquals(now, Codegen.fingerprint(files, Codegen.INPUT_CLASSES, "9.9.9"), "another runtime version");
        List<Class<?>> withoutDefaults = new java.util.ArrayList<>(Codegen.INPUT_CLASSES);
        withoutDefaults.remove(dev.hakmem.AllocatorConfig.Builder.class);
        assertNotEquals(now, Codegen.fingerprint(files, withoutDefaults, dev.hakmem.Hakmem.version()), "the class bytes count");
        Files.writeString(spec, "variant: x.A\nchecks: false\n");
        assertNotEquals(now, Codegen.fingerprint(files), "the spec's bytes count");
        // What the build sees: a stamp of another runtime version is out of date.
        Path out = dir.resolve("out");
        Codegen.generate(files, out);
        assertTrue(Codegen.generate(files, out).upToDate());
        Files.writeString(out.resolve(Codegen.FINGERPRINT_FILE), Codegen.fingerprint(files, Codegen.INPUT_CLASSES, "9.9.9"));
        assertFalse(Codegen.generate(files, out).upToDate(), "generated for another runtime: regenerated");
    }

    @Test
    void aBadSpecLeavesThePreviousOutputAndNoHalfGeneratedFiles(@TempDir Path dir) throws Exception {
        Path specs = Files.createDirectories(dir.resolve("hakmem")), out = dir.resolve("out");
        Files.writeString(specs.resolve("a.yaml"), "variant: x.A\n");
        Codegen.generate(Codegen.specFiles(specs), out);
        Files.writeString(specs.resolve("b.yaml"), "variant: x.B\nchecks: maybe\n");
        InputException e = assertThrows(InputException.class, () -> Codegen.generate(Codegen.specFiles(specs), out));
        assertTrue(e.getMessage().contains("b.yaml:2:9: checks: got the string 'maybe'"), e.getMessage());
        assertTrue(Files.exists(out.resolve("x/A.java")), "previous output untouched");
        assertFalse(Files.exists(out.resolve("x/B.java")));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("hakmem", "out"), s.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary directory left");
        }
    }

    /** The generated files cite the spec by its path, so the same file moved to another directory regenerates. */
    @Test
    void theFingerprintCoversWhereASpecIs(@TempDir Path dir) throws Exception {
        Path a = Files.createDirectories(dir.resolve("a")).resolve("x.yaml"), b = Files.createDirectories(dir.resolve("b")).resolve("x.yaml");
        Files.writeString(a, "variant: x.A\n");
        Files.writeString(b, "variant: x.A\n");
        assertNotEquals(Codegen.fingerprint(List.of(a)), Codegen.fingerprint(List.of(b)));
        Path out = dir.resolve("out");
        Codegen.generate(List.of(a), out);
        assertFalse(Codegen.generate(List.of(b), out).upToDate(), "moved: regenerated");
        assertTrue(Files.readString(out.resolve("x/A.java")).contains(b.toString()), "the output cites where the spec is now");
    }

    /** Generation replaces its output directory, so a misconfigured one (src/main/java, a file) is refused, untouched. */
    @Test
    void refusesAnOutputDirectoryItDidNotWrite(@TempDir Path dir) throws Exception {
        Path spec = Files.writeString(dir.resolve("a.yaml"), "variant: x.A\n");
        Path sources = Files.createDirectories(dir.resolve("src/main/java/x"));
        Files.writeString(sources.resolve("Main.java"), "package x; class Main {}");
        Path javaDir = dir.resolve("src/main/java");
        IOException e = assertThrows(IOException.class, () -> Codegen.generate(List.of(spec), javaDir));
        assertTrue(e.getMessage().startsWith(javaDir + " holds files the generator did not write (it has no .hakmem-fingerprint)"),
                e.getMessage());
        assertTrue(Files.exists(sources.resolve("Main.java")), "left as it was");
        assertFalse(Files.exists(javaDir.resolve("x/A.java")));

        Path file = Files.writeString(dir.resolve("pom.xml"), "<project/>");
        e = assertThrows(IOException.class, () -> Codegen.generate(List.of(spec), file));
        assertTrue(e.getMessage().startsWith(file + " is not a directory"), e.getMessage());
        assertEquals("<project/>", Files.readString(file));

        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertFalse(Codegen.generate(List.of(spec), empty).upToDate(), "an empty directory is fine");
        assertFalse(Codegen.generate(List.of(spec, Files.writeString(dir.resolve("b.yaml"), "variant: x.B\n")), empty).upToDate(),
                "and so is its own output, replaced");
    }

    @Test
    void noDirectoryMeansNoSpecs(@TempDir Path dir) throws Exception {
        assertEquals(List.of(), Codegen.specFiles(dir.resolve("missing")));
    }
}
