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

/** Checks every spec file in {@code specDirectory} without generating anything. */
@Mojo(name = "validate", defaultPhase = LifecyclePhase.VALIDATE, threadSafe = true)
public class ValidateMojo extends AbstractMojo {
    /** Where the spec files are. */
    @Parameter(property = "hakmem.specDirectory", defaultValue = "${project.basedir}/src/main/hakmem")
    private File specDirectory;

    /** Made by Maven, which then sets the parameters above; not for use in code. */
    public ValidateMojo() {}

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        try {
            List<Path> specs = Codegen.specFiles(specDirectory.toPath());
            int n = Codegen.validate(specs).size();
            getLog().info("hakmem: " + n + " spec file(s) valid in " + specDirectory);
        } catch (InputException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException("hakmem: cannot read " + specDirectory + ": " + e.getMessage(), e);
        }
    }
}
