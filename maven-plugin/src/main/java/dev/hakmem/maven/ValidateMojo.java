package dev.hakmem.maven;

import dev.hakmem.codegen.Codegen;
import dev.hakmem.codegen.InputException;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Checks the spec files the {@code generate} and {@code generate-test} goals would read (the same
 * directories, includes and excludes), without generating anything: every file is parsed and
 * validated, and no class may be declared twice, main and test specs together. An invalid spec fails
 * the build with {@code file:line:column} and what was expected, every failing file at once.
 */
@Mojo(name = "validate", defaultPhase = LifecyclePhase.VALIDATE, threadSafe = true)
public class ValidateMojo extends AbstractSpecMojo {
    /** Where the (main) spec files are. The default directory may be absent; a configured one must exist. */
    @Parameter(property = "hakmem.specDirectory", defaultValue = "${project.basedir}/" + GenerateMojo.CONVENTIONAL)
    File specDirectory;

    /** Where the test spec files are. The default directory may be absent; a configured one must exist. */
    @Parameter(property = "hakmem.testSpecDirectory", defaultValue = "${project.basedir}/" + GenerateTestMojo.CONVENTIONAL)
    File testSpecDirectory;

    /** Made by Maven, which then sets the parameters above; not for use in code. */
    public ValidateMojo() {}

    @Override
    public void execute() throws MojoFailureException {
        if (skip) {
            getLog().info("hakmem: validate skipped (hakmem.skip)");
            return;
        }
        SpecFiles.Source main = source(specDirectory, GenerateMojo.CONVENTIONAL, "<specDirectory> (hakmem.specDirectory)");
        SpecFiles.Source test = source(testSpecDirectory, GenerateTestMojo.CONVENTIONAL, "<testSpecDirectory> (hakmem.testSpecDirectory)");
        List<Path> mainSpecs = SpecFiles.find(main), testSpecs = SpecFiles.find(test);
        if (mainSpecs.isEmpty() && !main.conventional()) logNoSpecs(main);
        if (testSpecs.isEmpty() && !test.conventional()) logNoSpecs(test);
        if (mainSpecs.isEmpty() && testSpecs.isEmpty()) {
            getLog().info("hakmem: no spec files in " + main.describe() + " or " + test.describe());
            return;
        }
        List<Path> all = new ArrayList<>(mainSpecs);
        all.addAll(testSpecs);
        try {
            Codegen.validate(all);
        } catch (InputException e) {
            throw new MojoFailureException(e.getMessage(), e);
        }
        List<String> where = new ArrayList<>();
        if (!mainSpecs.isEmpty()) where.add(mainSpecs.size() + " in " + main.directory());
        if (!testSpecs.isEmpty()) where.add(testSpecs.size() + " in " + test.directory());
        getLog().info("hakmem: " + all.size() + " spec file(s) valid (" + String.join(", ", where) + ")");
    }
}
