package dev.hakmem.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks of where a goal writes and reads, and how I/O errors are told. */
class LocationsTest {
    private static final String PARAMETER = "<outputDirectory> (hakmem.outputDirectory)";

    @Test
    void anOutputDirectoryThatIsAFileOrUnderOne(@TempDir Path dir) throws Exception {
        Locations.requireWritableDirectory(dir.resolve("target/generated-sources/hakmem"), "output directory", PARAMETER);
        Path file = Files.writeString(dir.resolve("pom.xml"), "<project/>");
        MojoFailureException e = assertThrows(MojoFailureException.class,
                () -> Locations.requireWritableDirectory(file, "output directory", PARAMETER));
        assertEquals("hakmem: the output directory " + file + " is a file; expected a directory, or nothing, there (" + PARAMETER + ")",
                e.getMessage());
        Path under = file.resolve("generated");
        e = assertThrows(MojoFailureException.class, () -> Locations.requireWritableDirectory(under, "output directory", PARAMETER));
        assertEquals("hakmem: cannot create the output directory " + under + ": " + file + " is a file; expected directories on the"
                + " way there (" + PARAMETER + ")", e.getMessage());
    }

    /** A read-only file system stands in for a directory this build may not write (which root, running the tests here, always may). */
    @Test
    void anOutputDirectoryThatCannotBeWritten(@TempDir Path dir) throws Exception {
        Path zip = dir.resolve("ro.zip");
        try (FileSystem fs = FileSystems.newFileSystem(zip, Map.of("create", "true"))) {
            Files.createDirectories(fs.getPath("/target/generated-sources/hakmem"));
        }
        try (FileSystem fs = FileSystems.newFileSystem(zip, Map.of("accessMode", "readOnly"))) {
            Path existing = fs.getPath("/target/generated-sources/hakmem"), fresh = fs.getPath("/target/other/hakmem");
            MojoFailureException e = assertThrows(MojoFailureException.class,
                    () -> Locations.requireWritableDirectory(existing, "output directory", PARAMETER));
            assertEquals("hakmem: the output directory /target/generated-sources/hakmem is not writable; expected a writable directory ("
                    + PARAMETER + ")", e.getMessage());
            e = assertThrows(MojoFailureException.class, () -> Locations.requireWritableDirectory(fresh, "output directory", PARAMETER));
            assertEquals("hakmem: cannot create the output directory /target/other/hakmem: /target is not writable; expected a"
                    + " location this build can write (" + PARAMETER + ")", e.getMessage());
            e = assertThrows(MojoFailureException.class, () -> Locations.requireWritableFile(fs.getPath("/target/Tuned.yaml"), "spec file", "<output>"));
            assertEquals("hakmem: cannot create the spec file /target/Tuned.yaml: /target is not writable; expected a location this"
                    + " build can write (<output>)", e.getMessage());
        }
    }

    @Test
    void aSpecFileThatIsADirectory(@TempDir Path dir) {
        MojoFailureException e = assertThrows(MojoFailureException.class, () -> Locations.requireWritableFile(dir, "spec file", "<output>"));
        assertEquals("hakmem: the spec file " + dir + " is a directory; expected a file name (<output>)", e.getMessage());
    }

    @Test
    void anUnreadableLocation(@TempDir Path dir) throws Exception {
        assumeFalse(TestProject.permissionsIgnored(dir), "this user reads every directory (root)");
        Path profiles = Files.createDirectories(dir.resolve("profiles"));
        profiles.toFile().setReadable(false, false);
        try {
            MojoFailureException e = assertThrows(MojoFailureException.class,
                    () -> Locations.requireReadable(List.of(profiles), "profile location", "<profiles>"));
            assertEquals("hakmem: cannot read the profile location " + profiles + ": permission denied; expected a readable directory"
                    + " (<profiles>)", e.getMessage());
        } finally {
            profiles.toFile().setReadable(true, false);
        }
    }

    @Test
    void ioErrorsSayWhatHappenedToWhichFile() {
        assertEquals("/p/profiles: permission denied", Locations.describe(new AccessDeniedException("/p/profiles")));
        assertEquals("/p/base.yaml: no such file or directory", Locations.describe(new NoSuchFileException("/p/base.yaml")));
        assertEquals("/a -> /b: Read-only file system", Locations.describe(new FileSystemException("/a", "/b", "Read-only file system")));
        assertEquals("/a: FileSystemException", Locations.describe(new FileSystemException("/a")));
        assertEquals("disk on fire", Locations.describe(new IOException("disk on fire")));
    }
}
