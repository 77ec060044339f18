package dev.hakmem.maven;

import dev.hakmem.codegen.Codegen;
import dev.hakmem.codegen.InputException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Generates an allocator variant from every spec file ({@code *.yaml}, {@code *.yml}) in
 * {@code specDirectory} into {@code outputDirectory}, and adds that directory as a compile source
 * root. Does nothing when no spec (and no generator version) changed since the last run. A bad spec
 * fails the build with {@code file:line:column} and what was expected, and leaves the previous
 * output untouched. All the work is in {@code hakmem-codegen}'s {@link Codegen}.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public class GenerateMojo extends AbstractMojo {
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    /** Where the spec files are. */
    @Parameter(property = "hakmem.specDirectory", defaultValue = "${project.basedir}/src/main/hakmem")
    private File specDirectory;

    /** Where the generated sources go (a compile source root). */
    @Parameter(property = "hakmem.outputDirectory", defaultValue = "${project.build.directory}/generated-sources/hakmem")
    private File outputDirectory;

    /** Skips generation. */
    @Parameter(property = "hakmem.skip", defaultValue = "false")
    private boolean skip;

    /** Made by Maven, which then sets the parameters above; not for use in code. */
    public GenerateMojo() {}

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("hakmem: generation skipped");
            return;
        }
        try {
            List<Path> specs = Codegen.specFiles(specDirectory.toPath());
            if (specs.isEmpty()) {
                getLog().info("hakmem: no spec files in " + specDirectory);
                return;
            }
            project.addCompileSourceRoot(outputDirectory.getPath());
            Codegen.Result result = Codegen.generate(specs, outputDirectory.toPath());
            getLog().info("hakmem: " + result.describe());
        } catch (InputException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException("hakmem: cannot generate into " + outputDirectory + ": " + e.getMessage(), e);
        }
    }
}
