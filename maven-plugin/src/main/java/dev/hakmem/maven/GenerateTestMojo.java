package dev.hakmem.maven;

import dev.hakmem.codegen.AllocatorSpec;
import dev.hakmem.codegen.Codegen;
import dev.hakmem.codegen.InputException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Generates test-scope allocator variants, as {@code generate} does for the main ones: from the spec
 * files under {@code testSpecDirectory} into {@code testOutputDirectory}, a test compile source root.
 * A test variant's class must not be one the main sources have (it would hide it in the tests).
 * Skipped with {@code maven.test.skip} as well as {@code hakmem.skip}.
 */
@Mojo(name = "generate-test", defaultPhase = LifecyclePhase.GENERATE_TEST_SOURCES, threadSafe = true)
public class GenerateTestMojo extends AbstractGenerateMojo {
    static final String CONVENTIONAL = "src/test/hakmem";

    /**
     * Where the test spec files are. The default directory may be absent (no variants); a configured
     * one must exist.
     */
    @Parameter(property = "hakmem.testSpecDirectory", defaultValue = "${project.basedir}/" + CONVENTIONAL)
    File testSpecDirectory;

    /** Where the generated test sources go (a test compile source root). The generator owns it: each generation replaces it. */
    @Parameter(property = "hakmem.testOutputDirectory", defaultValue = "${project.build.directory}/generated-test-sources/hakmem")
    File testOutputDirectory;

    /** Skips the goal when the tests are not compiled either. */
    @Parameter(property = "maven.test.skip", defaultValue = "false")
    boolean mavenTestSkip;

    /** Made by Maven, which then sets the parameters above; not for use in code. */
    public GenerateTestMojo() {}

    @Override
    String goal() {
        return "generate-test";
    }

    @Override
    String skipReason() {
        String reason = super.skipReason();
        return reason != null ? reason : mavenTestSkip ? "maven.test.skip" : null;
    }

    @Override
    SpecFiles.Source source() {
        return source(testSpecDirectory, CONVENTIONAL, "<testSpecDirectory> (hakmem.testSpecDirectory)");
    }

    @Override
    Path outputDirectory() {
        return testOutputDirectory.toPath();
    }

    @Override
    String outputParameter() {
        return "<testOutputDirectory> (hakmem.testOutputDirectory)";
    }

    @Override
    void addSourceRoot(String directory) {
        project.addTestCompileSourceRoot(directory);
    }

    /** The test variants' classes are their own: neither their directory nor a class is the main sources'. */
    @Override
    void check(List<Path> specs) throws MojoFailureException {
        Path base = project.getBasedir().toPath();
        List<Path> mainRoots = project.getCompileSourceRoots().stream().map(r -> base.resolve(r).toAbsolutePath().normalize()).toList();
        Path out = outputDirectory().toAbsolutePath().normalize();
        if (mainRoots.contains(out)) {
            throw new MojoFailureException("hakmem: the test output directory " + out + " is a main source root too; expected a"
                    + " directory of its own (" + outputParameter() + ")");
        }
        List<AllocatorSpec> parsed;
        try {
            parsed = Codegen.validate(specs);
        } catch (InputException e) {
            throw new MojoFailureException(e.getMessage(), e);
        }
        for (AllocatorSpec spec : parsed) {
            String file = spec.className().replace('.', '/') + ".java";
            for (Path root : mainRoots) {
                if (Files.isRegularFile(root.resolve(file))) {
                    throw new MojoFailureException("hakmem: " + spec.source() + " declares " + spec.className() + ", which the main"
                            + " sources have too (" + root.resolve(file) + "); expected a class name of its own for a test variant,"
                            + " which would otherwise hide the main class in the tests");
                }
            }
        }
    }
}
