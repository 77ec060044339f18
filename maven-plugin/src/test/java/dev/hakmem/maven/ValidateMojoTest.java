package dev.hakmem.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The validate goal: main and test specs checked together, nothing written. */
class ValidateMojoTest {
    private static ValidateMojo validate(TestProject p) {
        ValidateMojo m = new ValidateMojo();
        m.project = p.project;
        m.specDirectory = p.file("src/main/hakmem");
        m.testSpecDirectory = p.file("src/test/hakmem");
        m.setLog(p.log);
        return m;
    }

    @Test
    void validSpecs(@TempDir Path dir) throws Exception {
        TestProject p = new TestProject(dir);
        p.write("src/main/hakmem/fast.yaml", "variant: x.Fast\n");
        p.write("src/main/hakmem/sub/other.yml", "variant: x.Other\n");
        p.write("src/test/hakmem/small.yaml", "variant: x.Small\n");
        validate(p).execute();
        assertEquals(List.of("INFO hakmem: 3 spec file(s) valid (2 in " + dir.resolve("src/main/hakmem") + ", 1 in "
                + dir.resolve("src/test/hakmem") + ")"), p.log.lines);
        Files.delete(dir.resolve("src/test/hakmem/small.yaml"));
        validate(p).execute();
        assertEquals("INFO hakmem: 2 spec file(s) valid (2 in " + dir.resolve("src/main/hakmem") + ")", p.log.lines.getLast(),
                "no word on the test specs' directory, which need not have any");
        assertFalse(Files.exists(dir.resolve("target")), "nothing generated");
    }

    @Test
    void invalidSpecsFailWithTheirPositions(@TempDir Path dir) throws Exception {
        TestProject p = new TestProject(dir);
        Path bad = p.write("src/main/hakmem/sub/bad.yaml", "variant: x.Bad\nchecks: maybe\n");
        Path main = p.write("src/main/hakmem/fast.yaml", "variant: x.Fast\n");
        Path test = p.write("src/test/hakmem/fast.yaml", "variant: x.Fast\n");
        MojoFailureException e = assertThrows(MojoFailureException.class, () -> validate(p).execute());
        assertEquals(List.of(bad + ":2:9: checks: got the string 'maybe'", test + ":1:10: variant: x.Fast is already declared by " + main),
                e.getMessage().lines().map(l -> l.substring(0, l.indexOf(';') < 0 ? l.length() : l.indexOf(';'))).toList());
    }

    @Test
    void skipAndMisconfiguration(@TempDir Path dir) throws Exception {
        TestProject p = new TestProject(dir);
        p.write("src/main/hakmem/bad.yaml", "checks: maybe\n");
        ValidateMojo m = validate(p);
        m.skip = true;
        m.execute();
        assertEquals(List.of("INFO hakmem: validate skipped (hakmem.skip)"), p.log.lines);

        ValidateMojo missing = validate(p);
        missing.testSpecDirectory = p.file("src/test/specs");
        MojoFailureException e = assertThrows(MojoFailureException.class, missing::execute);
        assertEquals("hakmem: the spec directory " + dir.resolve("src/test/specs") + " does not exist; expected a directory of spec"
                + " files there, as configured by <testSpecDirectory> (hakmem.testSpecDirectory)", e.getMessage());

        ValidateMojo includes = validate(p);
        includes.includes = List.of("*.yml");
        e = assertThrows(MojoFailureException.class, includes::execute);
        assertTrue(e.getMessage().startsWith("hakmem: no file in " + dir.resolve("src/main/hakmem") + " matching [*.yml]"), e.getMessage());
    }

    @Test
    void noSpecsAtAll(@TempDir Path dir) throws Exception {
        TestProject p = new TestProject(dir);
        validate(p).execute();
        assertEquals(List.of("INFO hakmem: no spec files in " + dir.resolve("src/main/hakmem") + " or " + dir.resolve("src/test/hakmem")),
                p.log.lines);
    }
}
