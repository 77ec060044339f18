package dev.hakmem.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sonatype.plexus.build.incremental.DefaultBuildContext;

/** The generate and generate-test goals as Maven runs them, on a project in a temporary directory. */
class GenerateMojoTest {
    private static GenerateMojo generate(TestProject p) {
        GenerateMojo m = new GenerateMojo();
        m.project = p.project;
        m.buildContext = new DefaultBuildContext();
        m.specDirectory = p.file("src/main/hakmem");
        m.outputDirectory = p.file("target/generated-sources/hakmem");
        m.setLog(p.log);
        return m;
    }

    private static GenerateTestMojo generateTest(TestProject p) {
        GenerateTestMojo m = new GenerateTestMojo();
        m.project = p.project;
        m.buildContext = new DefaultBuildContext();
        m.testSpecDirectory = p.file("src/test/hakmem");
        m.testOutputDirectory = p.file("target/generated-test-sources/hakmem");
        m.setLog(p.log);
        return m;
    }

    @Test
    void specsInSubdirectoriesNameTheirOwnClasses(@TempDir Path dir) throws Exception {
        TestProject p = new TestProject(dir);
        p.write("src/main/hakmem/fast.yaml", "variant: x.Fast\n");
        p.write("src/main/hakmem/services/orders/orders.yml", "variant: x.orders.Orders\n");
        p.write("src/main/hakmem/drafts/next.yaml", "variant: x.Next\nchecks: maybe\n");
        GenerateMojo m = generate(p);
        m.excludes = List.of("drafts/");
        m.execute();
        Path out = dir.resolve("target/generated-sources/hakmem");
        assertTrue(Files.isRegularFile(out.resolve("x/Fast.java")));
        assertTrue(Files.isRegularFile(out.resolve("x/orders/Orders.java")), "the package is the spec's, not the directory's");
        assertFalse(Files.exists(out.resolve("x/Next.java")), "excluded");
        assertEquals(List.of(out.toString()), p.project.getCompileSourceRoots());
        assertTrue(p.log.has("INFO hakmem: generated 6 source file(s) from 2 spec file(s)"), p.log.toString());
        MojoFailureException e = assertThrows(MojoFailureException.class, () -> generate(p).execute(), "no excludes: the draft is read");
        assertTrue(e.getMessage().startsWith(dir.resolve("src/main/hakmem/drafts/next.yaml") + ":2:9: checks:"), e.getMessage());
    }

    @Test
    void twoSpecsOfOneClassInDifferentDirectories(@TempDir Path dir) throws Exception {
        TestProject p = new TestProject(dir);
        Path first = p.write("src/main/hakmem/a/fast.yaml", "variant: x.Fast\n");
        Path second = p.write("src/main/hakmem/b/fast.yaml", "checks: false\nvariant: x.Fast\n");
        MojoFailureException e = assertThrows(MojoFailureException.class, () -> generate(p).execute());
        assertEquals(second + ":2:10: variant: x.Fast is already declared by " + first + "; expected each class in one spec only", e.getMessage());
        assertFalse(Files.exists(dir.resolve("target")), "nothing generated");
    }

    @Test
    void skip(@TempDir Path dir) throws Exception {
        TestProject p = new TestProject(dir);
        p.write("src/main/hakmem/bad.yaml", "checks: maybe\n");
        p.write("src/test/hakmem/bad.yaml", "checks: maybe\n");
        GenerateMojo m = generate(p);
        m.skip = true;
        m.execute();
        GenerateTestMojo t = generateTest(p);
        t.skip = true;
        t.execute();
        GenerateTestMojo noTests = generateTest(p);
        noTests.mavenTestSkip = true;
        noTests.execute();
        assertEquals(List.of("INFO hakmem: generate skipped (hakmem.skip)", "INFO hakmem: generate-test skipped (hakmem.skip)",
                "INFO hakmem: generate-test skipped (maven.test.skip)"), p.log.lines);
        assertFalse(Files.exists(dir.resolve("target")));
    }

    @Test
    void noSpecs(@TempDir Path dir) throws Exception {
        TestProject p = new TestProject(dir);
        GenerateMojo notConfigured = generate(p);
        notConfigured.includes = List.of(); // as Maven injects a list parameter nobody set
        notConfigured.excludes = List.of();
        notConfigured.execute();
        assertEquals(List.of("INFO hakmem: no spec files in " + dir.resolve("src/main/hakmem")), p.log.lines);
        p.write("specs/notes.txt", "");
        GenerateMojo m = generate(p);
        m.specDirectory = p.file("specs");
        m.execute();
        assertEquals("WARN hakmem: no spec files in " + dir.resolve("specs") + ", the directory configured by"
                + " <specDirectory> (hakmem.specDirectory)", p.log.lines.getLast());
        assertEquals(List.of(), p.project.getCompileSourceRoots());
    }

    @Test
    void aConfiguredSpecDirectoryThatDoesNotExist(@TempDir Path dir) {
        TestProject p = new TestProject(dir);
        GenerateMojo m = generate(p);
        m.specDirectory = p.file("src/main/specs");
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertEquals("hakmem: the spec directory " + dir.resolve("src/main/specs") + " does not exist; expected a directory of spec"
                + " files there, as configured by <specDirectory> (hakmem.specDirectory)", e.getMessage());
        GenerateTestMojo t = generateTest(p);
        t.testSpecDirectory = p.file("src/test/specs");
        e = assertThrows(MojoFailureException.class, t::execute);
        assertTrue(e.getMessage().endsWith("as configured by <testSpecDirectory> (hakmem.testSpecDirectory)"), e.getMessage());
    }

    /** Generation replaces its output directory: one that holds other files (here the project's sources) is refused, untouched. */
    @Test
    void anOutputDirectoryOfOtherFiles(@TempDir Path dir) throws Exception {
        TestProject p = new TestProject(dir);
        p.write("src/main/hakmem/fast.yaml", "variant: x.Fast\n");
        Path main = p.write("src/main/java/x/Main.java", "package x; class Main {}");
        GenerateMojo m = generate(p);
        m.outputDirectory = p.file("src/main/java");
        MojoExecutionException e = assertThrows(MojoExecutionException.class, m::execute);
        Path java = dir.resolve("src/main/java");
        assertEquals("hakmem: cannot generate into " + java + ": " + java + " holds files the generator did not write (it has no"
                + " .hakmem-fingerprint); expected a directory of generated sources only, which each generation replaces, e.g."
                + " target/generated-sources/hakmem", e.getMessage());
        assertTrue(Files.isRegularFile(main));
        m.outputDirectory = p.file("pom.xml");
        Files.writeString(dir.resolve("pom.xml"), "<project/>");
        MojoFailureException f = assertThrows(MojoFailureException.class, m::execute);
        assertEquals("hakmem: the output directory " + dir.resolve("pom.xml") + " is a file; expected a directory, or nothing, there"
                + " (<outputDirectory> (hakmem.outputDirectory))", f.getMessage());
    }

    @Test
    void testVariantsAreTestSources(@TempDir Path dir) throws Exception {
        TestProject p = new TestProject(dir);
        p.write("src/main/hakmem/fast.yaml", "variant: x.Fast\n");
        p.write("src/test/hakmem/sub/small.yaml", "variant: x.SmallCaches\ntiny:\n  cache: {capacity: 16, batch: 4}\n");
        generate(p).execute();
        generateTest(p).execute();
        Path out = dir.resolve("target/generated-test-sources/hakmem");
        assertTrue(Files.isRegularFile(out.resolve("x/SmallCaches.java")));
        assertEquals(List.of(out.toString()), p.project.getTestCompileSourceRoots());
        assertEquals(List.of(dir.resolve("target/generated-sources/hakmem").toString()), p.project.getCompileSourceRoots());
        generateTest(p).execute();
        assertEquals("INFO hakmem: 1 spec file(s) unchanged, nothing to generate", p.log.lines.getLast());
    }

    @Test
    void aTestVariantMayNotBeAMainClass(@TempDir Path dir) throws Exception {
        TestProject p = new TestProject(dir);
        p.write("src/main/hakmem/fast.yaml", "variant: x.Fast\n");
        Path test = p.write("src/test/hakmem/fast.yaml", "variant: x.Fast\nchecks: false\n");
        generate(p).execute();
        MojoFailureException e = assertThrows(MojoFailureException.class, () -> generateTest(p).execute());
        Path main = dir.resolve("target/generated-sources/hakmem/x/Fast.java");
        assertEquals("hakmem: " + test + " declares x.Fast, which the main sources have too (" + main + "); expected a class name of"
                + " its own for a test variant, which would otherwise hide the main class in the tests", e.getMessage());
        assertFalse(Files.exists(dir.resolve("target/generated-test-sources")));

        GenerateTestMojo t = generateTest(p);
        t.testOutputDirectory = p.file("target/generated-sources/hakmem");
        e = assertThrows(MojoFailureException.class, t::execute);
        assertEquals("hakmem: the test output directory " + dir.resolve("target/generated-sources/hakmem") + " is a main source root"
                + " too; expected a directory of its own (<testOutputDirectory> (hakmem.testOutputDirectory))", e.getMessage());
    }
}
