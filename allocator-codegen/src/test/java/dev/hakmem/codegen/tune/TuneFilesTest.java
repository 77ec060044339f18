package dev.hakmem.codegen.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.codegen.AllocatorSpec;
import dev.hakmem.codegen.InputException;
import dev.hakmem.codegen.profile.ProfileWriter;
import dev.hakmem.codegen.profile.Profiles;
import dev.hakmem.codegen.spec.SpecParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tuner over files: profile locations, relative names, the atomic and idempotent write, errors. */
class TuneFilesTest {
    private static final TuneSettings SETTINGS = new TuneSettings("com.example.Tuned");

    @Test
    void tunesADirectoryOfProfilesIntoASpecFile(@TempDir Path project) throws IOException {
        Path profiles = Files.createDirectories(project.resolve("src/main/hakmem/profiles"));
        write(profiles.resolve("b.json"), ProfileWriter.write(Profiles.clustered("ignored")));
        write(profiles.resolve("a.json"), ProfileWriter.write(Profiles.clustered("ignored")));
        write(profiles.resolve("notes.txt"), "not a profile");
        Path output = project.resolve("src/main/hakmem/Tuned.yaml");

        TuneFiles.Result r = TuneFiles.tune(project, List.of(profiles), SETTINGS, null, output);
        assertTrue(r.changed());
        assertEquals(2, r.profiles());
        String text = Files.readString(output);
        assertEquals(r.tuned().text(), text);
        assertTrue(text.contains("\n#   src/main/hakmem/profiles/a.json: \"clustered test workload\""), text);
        assertTrue(text.indexOf("profiles/a.json") < text.indexOf("profiles/b.json"), "sorted by name");
        AllocatorSpec spec = SpecParser.parse(output);
        assertEquals(r.tuned().spec().config(), spec.config());
        assertEquals("src/main/hakmem/Tuned.yaml", r.tuned().spec().source());
        try (Stream<Path> files = Files.list(output.getParent())) {
            assertEquals(List.of("Tuned.yaml", "profiles"), files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left");
        }

        long modified = Files.getLastModifiedTime(output).toMillis();
        TuneFiles.Result again = TuneFiles.tune(project, List.of(profiles.resolve("a.json"), profiles, profiles.resolve("b.json")),
                SETTINGS, null, output);
        assertEquals(2, again.profiles(), "a file named twice counts once");
        assertFalse(again.changed(), "the same text is not rewritten");
        assertEquals(modified, Files.getLastModifiedTime(output).toMillis());
    }

    @Test
    void aBaseSpecAndAnOutputThatReplacesIt(@TempDir Path project) throws IOException {
        Path profile = write(project.resolve("p.json"), ProfileWriter.write(Profiles.clustered("ignored")));
        Path spec = write(project.resolve("Tuned.yaml"), "variant: com.example.Tuned\nchecks: false\n");
        TuneFiles.Result r = TuneFiles.tune(project, List.of(profile), SETTINGS, spec, spec);
        assertFalse(SpecParser.parse(spec).config().checks());
        assertTrue(Files.readString(spec).contains("base spec: Tuned.yaml"));
        assertTrue(r.tuned().baseLayout() != null);
    }

    @Test
    void errorsNameTheFile(@TempDir Path project) throws IOException {
        Path good = write(project.resolve("good.json"), ProfileWriter.write(Profiles.clustered("ignored")));
        Path bad = write(project.resolve("profiles/bad.json"), "{\"format\": \"hakmem-profile\", \"version\": 7}");
        Path output = project.resolve("Out.yaml");
        InputException e = assertThrows(InputException.class, () -> TuneFiles.tune(project, List.of(good, bad.getParent()), SETTINGS, null, output));
        assertEquals("profiles/bad.json:1:41: version: 7 is not supported; expected 1 (use the hakmem-codegen of the same release as the recorder)",
                e.getMessage());
        assertFalse(Files.exists(output), "nothing written");

        Path badSpec = write(project.resolve("base.yaml"), "variant: com.example.B\nchecks: maybe\n");
        assertEquals("base.yaml:2:9: checks: got the string 'maybe'; expected true or false",
                assertThrows(InputException.class, () -> TuneFiles.tune(project, List.of(good), SETTINGS, badSpec, output)).getMessage());

        Path empty = Files.createDirectories(project.resolve("empty"));
        assertTrue(assertThrows(TuneException.class, () -> TuneFiles.tune(project, List.of(empty), SETTINGS, null, output))
                .getMessage().startsWith("no profiles (*.json) in [" + empty + "]"));
        Path missing = project.resolve("missing.json");
        assertEquals("profile location " + missing + " does not exist; expected a profile file or a directory of *.json profiles",
                assertThrows(TuneException.class, () -> TuneFiles.tune(project, List.of(missing), SETTINGS, null, output)).getMessage());
    }

    @Test
    void namesAreRelativeToTheProjectWhenInsideIt(@TempDir Path project) {
        assertEquals("src/x.json", TuneFiles.name(project, project.resolve("src/x.json")));
        Path outside = project.getParent().resolve("elsewhere.json");
        assertEquals(outside.toString(), TuneFiles.name(project, outside));
    }

    private static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
