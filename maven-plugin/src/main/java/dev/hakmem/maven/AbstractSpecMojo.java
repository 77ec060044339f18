package dev.hakmem.maven;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * What the goals that read spec files share: which files ({@link SpecFiles}: a directory, recursively,
 * with include and exclude patterns) and {@code skip}.
 */
abstract class AbstractSpecMojo extends AbstractMojo {
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    MavenProject project;

    /**
     * Ant-style patterns, relative to the spec directory, of the spec files to read: {@code *} and
     * {@code ?} match within a name, {@code **} any number of directories. Default: every {@code .yaml}
     * and {@code .yml} file, at any depth. Configured includes must match at least one file.
     */
    @Parameter(property = "hakmem.includes")
    List<String> includes;

    /** Ant-style patterns, relative to the spec directory, of files not to read although included. Default: none. */
    @Parameter(property = "hakmem.excludes")
    List<String> excludes;

    /** Skips the goal. */
    @Parameter(property = "hakmem.skip", defaultValue = "false")
    boolean skip;

    /**
     * The specs in {@code directory}, as configured; {@code conventional} is the goal's default location
     * relative to the project ({@code src/main/hakmem}), which may be missing.
     */
    SpecFiles.Source source(File directory, String conventional, String parameter) {
        Path dir = directory.toPath().toAbsolutePath().normalize();
        boolean isConventional = dir.equals(project.getBasedir().toPath().toAbsolutePath().resolve(conventional).normalize());
        return new SpecFiles.Source(dir, isConventional, parameter, configured(includes), configured(excludes));
    }

    /** The patterns configured, or null: Maven injects an empty list for a list parameter not configured. */
    private static List<String> configured(List<String> patterns) {
        return patterns == null || patterns.isEmpty() ? null : patterns;
    }

    /** Logs that {@code source} has no spec files: a note where none were asked for, a warning in a configured directory. */
    void logNoSpecs(SpecFiles.Source source) {
        if (source.conventional()) getLog().info("hakmem: no spec files in " + source.describe());
        else getLog().warn("hakmem: no spec files in " + source.describe() + ", the directory configured by " + source.parameter());
    }
}
