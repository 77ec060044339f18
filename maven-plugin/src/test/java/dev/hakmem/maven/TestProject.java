package dev.hakmem.maven;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.apache.maven.project.MavenProject;

/** A project directory for the mojo tests: files in it, a MavenProject on it, and a log that keeps what the goal said. */
final class TestProject {
    final Path dir;
    final MavenProject project = new MavenProject();
    final Log log = new Log();

    TestProject(Path dir) {
        this.dir = dir;
        project.setFile(dir.resolve("pom.xml").toFile());
    }

    /** Writes {@code text} to {@code path} (relative to the project), creating directories. */
    Path write(String path, String text) throws IOException {
        Path p = dir.resolve(path);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, text);
    }

    File file(String path) {
        return dir.resolve(path).toFile();
    }

    /** Whether a process of this user can read and write files whatever their permission bits (root). */
    static boolean permissionsIgnored(Path dir) throws IOException {
        Path probe = Files.createDirectories(dir.resolve("probe"));
        probe.toFile().setWritable(false, false);
        boolean ignored = Files.isWritable(probe);
        probe.toFile().setWritable(true, false);
        Files.delete(probe);
        return ignored;
    }

    /** What the goal logged at info and warn level, each line prefixed by its level. */
    static final class Log extends SystemStreamLog {
        final List<String> lines = new ArrayList<>();

        @Override
        public void info(CharSequence content) {
            lines.add("INFO " + content);
        }

        @Override
        public void warn(CharSequence content) {
            lines.add("WARN " + content);
        }

        boolean has(String line) {
            return lines.contains(line);
        }

        @Override
        public String toString() {
            return String.join("\n", lines);
        }
    }
}
