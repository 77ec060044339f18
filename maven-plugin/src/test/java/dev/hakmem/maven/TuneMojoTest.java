package dev.hakmem.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.hakmem.codegen.tune.TuneSettings;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sonatype.plexus.build.incremental.DefaultBuildContext;

/** The tune goal's own checks, made before any profile is read (tuning itself: TuneFilesTest in hakmem-codegen, the tune-ok IT). */
class TuneMojoTest {
    private static TuneMojo tune(TestProject p) {
        TuneMojo m = new TuneMojo();
        m.basedir = p.dir.toFile();
        m.buildContext = new DefaultBuildContext();
        m.profiles = new File[] {p.file("src/main/hakmem/profiles")};
        m.variant = "x.Tuned";
        m.specDirectory = p.file("src/main/hakmem");
        m.tinyClasses = TuneSettings.DEFAULT_TINY_CLASSES;
        m.midClasses = TuneSettings.DEFAULT_MID_CLASSES;
        m.setLog(p.log);
        return m;
    }

    @Test
    void skip(@TempDir Path dir) throws Exception {
        TestProject p = new TestProject(dir);
        TuneMojo m = tune(p);
        m.variant = null;
        m.skip = true;
        m.execute();
        assertEquals(List.of("INFO hakmem: tune skipped (hakmem.skip)"), p.log.lines);
    }

    @Test
    void noVariant(@TempDir Path dir) {
        TuneMojo m = tune(new TestProject(dir));
        m.variant = " ";
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertEquals("hakmem: no variant to tune; expected its fully qualified class name in -Dhakmem.variant=... or <variant> in"
                + " the plugin's configuration, e.g. com.example.TunedAllocator", e.getMessage());
    }

    @Test
    void aBaseSpecThatIsNotThere(@TempDir Path dir) throws Exception {
        TestProject p = new TestProject(dir);
        p.write("src/main/hakmem/profiles/p.json", "{}");
        TuneMojo m = tune(p);
        m.baseSpec = p.file("src/main/hakmem/Base.yaml");
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertEquals("hakmem: the base spec " + dir.resolve("src/main/hakmem/Base.yaml") + " does not exist; expected a spec file"
                + " whose settings the tuned spec keeps (<baseSpec> (hakmem.baseSpec))", e.getMessage());
    }

    @Test
    void anOutputThatCannotBeWritten(@TempDir Path dir) throws Exception {
        TestProject p = new TestProject(dir);
        p.write("src/main/hakmem/profiles/p.json", "{}");
        Files.createDirectories(dir.resolve("src/main/hakmem/Tuned.yaml"));
        MojoFailureException e = assertThrows(MojoFailureException.class, () -> tune(p).execute());
        assertEquals("hakmem: the spec file " + dir.resolve("src/main/hakmem/Tuned.yaml") + " is a directory; expected a file name"
                + " (<specDirectory> (hakmem.specDirectory), where it goes unless <output> (hakmem.output) is set)", e.getMessage());
        Path pom = p.write("pom.xml", "<project/>");
        TuneMojo m = tune(p);
        m.output = pom.resolve("Tuned.yaml").toFile();
        e = assertThrows(MojoFailureException.class, m::execute);
        assertEquals("hakmem: cannot create the spec file " + pom.resolve("Tuned.yaml") + ": " + pom + " is a file; expected"
                + " directories on the way there (<output> (hakmem.output))", e.getMessage());
    }

    @Test
    void anUnreadableProfileDirectory(@TempDir Path dir) throws Exception {
        assumeFalse(TestProject.permissionsIgnored(dir), "this user reads every directory (root)");
        TestProject p = new TestProject(dir);
        Path profiles = Files.createDirectories(dir.resolve("src/main/hakmem/profiles"));
        profiles.toFile().setReadable(false, false);
        try {
            MojoFailureException e = assertThrows(MojoFailureException.class, () -> tune(p).execute());
            assertEquals("hakmem: cannot read the profile location " + profiles + ": permission denied; expected a readable directory"
                    + " (<profiles> (hakmem.profiles))", e.getMessage());
            assertFalse(Files.exists(dir.resolve("src/main/hakmem/Tuned.yaml")));
        } finally {
            profiles.toFile().setReadable(true, false);
        }
    }
}
