package dev.hakmem.maven;

import java.io.File;
import java.nio.file.Path;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Generates an allocator variant from every spec file under {@code specDirectory} (by default every
 * {@code .yaml} and {@code .yml} file, at any depth; see {@code includes}, {@code excludes}) into
 * {@code outputDirectory}, and adds that directory as a compile source root. Each spec names its class
 * ({@code variant}); a subdirectory does not change it, and two specs naming one class fail the build.
 * Does nothing when no input of generation changed since the last run. A bad spec fails the build with
 * {@code file:line:column} and what was expected, and leaves the previous output untouched. All the
 * work is in {@code hakmem-codegen}'s {@code Codegen}.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public class GenerateMojo extends AbstractGenerateMojo {
    static final String CONVENTIONAL = "src/main/hakmem";

    /**
     * Where the spec files are. The default directory may be absent (no variants); a configured one must
     * exist.
     */
    @Parameter(property = "hakmem.specDirectory", defaultValue = "${project.basedir}/" + CONVENTIONAL)
    File specDirectory;

    /** Where the generated sources go (a compile source root). The generator owns it: each generation replaces it. */
    @Parameter(property = "hakmem.outputDirectory", defaultValue = "${project.build.directory}/generated-sources/hakmem")
    File outputDirectory;

    /** Made by Maven, which then sets the parameters above; not for use in code. */
    public GenerateMojo() {}

    @Override
    String goal() {
        return "generate";
    }

    @Override
    SpecFiles.Source source() {
        return source(specDirectory, CONVENTIONAL, "<specDirectory> (hakmem.specDirectory)");
    }

    @Override
    Path outputDirectory() {
        return outputDirectory.toPath();
    }

    @Override
    String outputParameter() {
        return "<outputDirectory> (hakmem.outputDirectory)";
    }

    @Override
    void addSourceRoot(String directory) {
        project.addCompileSourceRoot(directory);
    }
}
