package dev.hakmem.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which spec files a goal reads, and the messages for a configuration that asks for specs that are not there. */
class SpecFilesTest {
    private static final String PARAMETER = "<specDirectory> (hakmem.specDirectory)";

    @Test
    void patternsAreAntStyle() {
        assertMatches("**/*.yaml", "a.yaml", "x/a.yaml", "x/y/a.yaml");
        assertNoMatch("**/*.yaml", "a.yml", "a.yaml.bak", "x/ayaml");
        assertMatches("*.yaml", "a.yaml");
        assertNoMatch("*.yaml", "x/a.yaml");
        assertMatches("drafts/", "drafts/a.yaml", "drafts/x/a.yaml");
        assertNoMatch("drafts/", "a.yaml", "x/drafts/a.yaml");
        assertMatches("**/drafts/**", "drafts/a.yaml", "x/drafts/y/a.yaml");
        assertMatches("x/**/a.yaml", "x/a.yaml", "x/y/z/a.yaml");
        assertMatches("fast?.yaml", "fast1.yaml");
        assertNoMatch("fast?.yaml", "fast.yaml", "fast12.yaml");
        assertMatches("x\\*.yaml", "x/a.yaml");
        assertMatches("a+b (1).yaml", "a+b (1).yaml");
    }

    @Test
    void byDefaultEveryYamlFileAtAnyDepthSortedByPath(@TempDir Path dir) throws Exception {
        for (String f : List.of("b.yaml", "a.yml", "sub/c.yaml", "sub/deeper/d.yaml", "a/z.yaml", "profiles/p.json", "notes.txt")) {
            Files.createDirectories(dir.resolve(f).getParent());
            Files.writeString(dir.resolve(f), "");
        }
        assertEquals(List.of("a.yml", "a/z.yaml", "b.yaml", "sub/c.yaml", "sub/deeper/d.yaml"), relative(dir, find(dir, true, null, null)));
        assertEquals(List.of("b.yaml", "sub/c.yaml"), relative(dir, find(dir, true, List.of("**/*.yaml"), List.of("a/", "**/deeper/**"))));
    }

    @Test
    void theConventionalDirectoryMayBeMissingAConfiguredOneMayNot(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("src/main/hakmem");
        assertEquals(List.of(), find(missing, true, null, null));
        MojoFailureException e = assertThrows(MojoFailureException.class, () -> find(missing, false, null, null));
        assertEquals("hakmem: the spec directory " + missing + " does not exist; expected a directory of spec files there, as"
                + " configured by " + PARAMETER, e.getMessage());
        e = assertThrows(MojoFailureException.class, () -> find(missing, true, List.of("fast/*.yaml"), null));
        assertTrue(e.getMessage().endsWith("as configured by <includes> (hakmem.includes)"), e.getMessage());
    }

    @Test
    void configuredIncludesMustMatch(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.yaml"), "");
        MojoFailureException e = assertThrows(MojoFailureException.class, () -> find(dir, true, List.of("src/main/hakmem/*.yaml"), null));
        assertEquals("hakmem: no file in " + dir + " matching [src/main/hakmem/*.yaml] (1 file(s) there); expected the includes to"
                + " match at least one spec file; patterns are relative to the spec directory, e.g. **/*.yaml or fast/*.yaml", e.getMessage());
        e = assertThrows(MojoFailureException.class, () -> find(dir, true, List.of("*.yaml"), List.of("a.yaml")));
        assertTrue(e.getMessage().startsWith("hakmem: no file in " + dir + " matching [*.yaml] except [a.yaml] (1 file(s) there)"), e.getMessage());
        // Not configured: an empty result is no error (the goal logs it).
        assertEquals(List.of(), find(dir, false, null, List.of("*.yaml")));
    }

    @Test
    void otherMisconfigurations(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("spec.yaml"), "");
        MojoFailureException e = assertThrows(MojoFailureException.class, () -> find(file, false, null, null));
        assertEquals("hakmem: the spec directory " + file + " is a file; expected a directory of spec files (" + PARAMETER + ")", e.getMessage());
        e = assertThrows(MojoFailureException.class, () -> find(dir, true, List.of(" "), null));
        assertEquals("hakmem: <includes> has an empty pattern; expected patterns relative to the spec directory, e.g. **/*.yaml", e.getMessage());
    }

    @Test
    void anUnreadableDirectorySaysSo(@TempDir Path dir) throws Exception {
        assumeFalse(TestProject.permissionsIgnored(dir), "this user reads every directory (root)");
        Path sub = Files.createDirectories(dir.resolve("sub"));
        Files.writeString(sub.resolve("a.yaml"), "");
        sub.toFile().setReadable(false, false);
        try {
            MojoFailureException e = assertThrows(MojoFailureException.class, () -> find(dir, true, null, null));
            assertEquals("hakmem: cannot read the spec directory " + dir + ": " + sub + ": permission denied; expected a readable"
                    + " directory of spec files (" + PARAMETER + ")", e.getMessage());
        } finally {
            sub.toFile().setReadable(true, false);
        }
    }

    private static List<Path> find(Path dir, boolean conventional, List<String> includes, List<String> excludes) throws MojoFailureException {
        return SpecFiles.find(new SpecFiles.Source(dir, conventional, PARAMETER, includes, excludes));
    }

    private static List<String> relative(Path dir, List<Path> files) {
        return files.stream().map(f -> SpecFiles.relative(dir, f)).toList();
    }

    private static void assertMatches(String glob, String... paths) {
        for (String p : paths) assertTrue(SpecFiles.pattern(glob).matcher(p).matches(), glob + " matches " + p);
    }

    private static void assertNoMatch(String glob, String... paths) {
        for (String p : paths) assertFalse(SpecFiles.pattern(glob).matcher(p).matches(), glob + " does not match " + p);
    }
}
