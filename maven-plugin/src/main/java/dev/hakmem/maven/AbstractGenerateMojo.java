package dev.hakmem.maven;

import dev.hakmem.codegen.Codegen;
import dev.hakmem.codegen.InputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.sonatype.plexus.build.incremental.BuildContext;

/**
 * A generating goal: its spec files, checked, into an output directory that becomes a source root.
 * The work is {@code hakmem-codegen}'s {@link Codegen#generate}: nothing is written while no input
 * changed, and a bad spec leaves the previous output as it was.
 */
abstract class AbstractGenerateMojo extends AbstractSpecMojo {
    /** Tells an IDE (Eclipse m2e) which files changed; does nothing on the command line. */
    @Component
    BuildContext buildContext;

    /** The goal's name, for messages. */
    abstract String goal();

    /** The spec files to read, as configured. */
    abstract SpecFiles.Source source();

    abstract Path outputDirectory();

    /** How the user sets the output directory, for messages. */
    abstract String outputParameter();

    /** Adds the output directory to the project's (main or test) sources. */
    abstract void addSourceRoot(String directory);

    /** Why the goal does nothing this time ({@code hakmem.skip}, ...), or null. */
    String skipReason() {
        return skip ? "hakmem.skip" : null;
    }

    /** Checks of the specs besides their own validity, before anything is written. */
    void check(List<Path> specs) throws MojoFailureException {}

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        String skipped = skipReason();
        if (skipped != null) {
            getLog().info("hakmem: " + goal() + " skipped (" + skipped + ")");
            return;
        }
        SpecFiles.Source source = source();
        List<Path> specs = SpecFiles.find(source);
        if (specs.isEmpty()) {
            logNoSpecs(source);
            return;
        }
        Path out = outputDirectory();
        Locations.requireWritableDirectory(out, "output directory", outputParameter());
        check(specs);
        addSourceRoot(out.toString());
        try {
            Codegen.Result result = Codegen.generate(specs, out, project.getBasedir().toPath());
            getLog().info("hakmem: " + result.describe());
            if (!result.upToDate()) buildContext.refresh(out.toFile());
        } catch (InputException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException("hakmem: cannot generate into " + out + ": " + Locations.describe(e), e);
        }
    }
}
