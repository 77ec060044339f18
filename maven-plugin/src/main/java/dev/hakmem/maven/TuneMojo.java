package dev.hakmem.maven;

import dev.hakmem.codegen.InputException;
import dev.hakmem.codegen.tune.Fragmentation;
import dev.hakmem.codegen.tune.TuneException;
import dev.hakmem.codegen.tune.TuneFiles;
import dev.hakmem.codegen.tune.TuneSettings;
import dev.hakmem.codegen.tune.TunedSpec;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.sonatype.plexus.build.incremental.BuildContext;

/**
 * Tunes an allocator variant to recorded allocation profiles: reads the profiles, chooses the Tiny and
 * Mid size classes that waste the fewest bytes on the recorded requests, sizes each class's thread
 * cache from the recorded bursts, and writes an ordinary spec file whose header says which profiles
 * and settings produced it. Run it on purpose ({@code mvn hakmem:tune -Dhakmem.variant=...}): it is
 * bound to no phase, because it writes into {@code src/}, and the spec it writes is meant to be
 * reviewed and committed. The next build's {@code generate} turns it into the variant.
 *
 * <p>A bad profile fails the build with {@code file:line:column} and what was expected, a bad base
 * spec likewise; the spec file is then left as it was. All the work is in {@code hakmem-codegen}'s
 * {@link TuneFiles}.
 */
@Mojo(name = "tune", threadSafe = true)
public class TuneMojo extends AbstractMojo {
    @Parameter(defaultValue = "${project.basedir}", readonly = true, required = true)
    File basedir;

    /** Profile files, or directories whose {@code *.json} files are profiles; comma-separated on the command line. */
    @Parameter(property = "hakmem.profiles", defaultValue = "${project.basedir}/src/main/hakmem/profiles")
    File[] profiles;

    /** Fully qualified class name of the variant to tune, e.g. {@code com.example.TunedAllocator}. Required. */
    @Parameter(property = "hakmem.variant")
    String variant;

    /** Where the spec files are; the default output goes here. */
    @Parameter(property = "hakmem.specDirectory", defaultValue = "${project.basedir}/src/main/hakmem")
    File specDirectory;

    /** The spec file to write; default {@code <specDirectory>/<simple class name>.yaml}. */
    @Parameter(property = "hakmem.output")
    File output;

    /** How many Tiny classes at most (1 to 64). */
    @Parameter(property = "hakmem.tinyClasses", defaultValue = "" + TuneSettings.DEFAULT_TINY_CLASSES)
    int tinyClasses;

    /** How many Mid classes at most (1 to 60; more if fewer cannot keep Mid waste within 25%). */
    @Parameter(property = "hakmem.midClasses", defaultValue = "" + TuneSettings.DEFAULT_MID_CLASSES)
    int midClasses;

    /** A spec whose other settings (checks, stats, limits, retention) the tuned spec keeps; may be the output itself. */
    @Parameter(property = "hakmem.baseSpec")
    File baseSpec;

    /** Skips the goal. */
    @Parameter(property = "hakmem.skip", defaultValue = "false")
    boolean skip;

    /** Tells an IDE (Eclipse m2e) that the spec file changed; does nothing on the command line. */
    @Component
    BuildContext buildContext;

    /** Made by Maven, which then sets the parameters above; not for use in code. */
    public TuneMojo() {}

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("hakmem: tune skipped (hakmem.skip)");
            return;
        }
        if (variant == null || variant.isBlank()) {
            throw new MojoFailureException("hakmem: no variant to tune; expected its fully qualified class name in -Dhakmem.variant=..."
                    + " or <variant> in the plugin's configuration, e.g. com.example.TunedAllocator");
        }
        try {
            TuneSettings settings = new TuneSettings(variant, tinyClasses, midClasses);
            Path target = (output != null ? output : new File(specDirectory, variant.substring(variant.lastIndexOf('.') + 1) + ".yaml")).toPath();
            List<Path> locations = Arrays.stream(profiles).map(File::toPath).toList();
            checkLocations(locations, target);
            TuneFiles.Result r = TuneFiles.tune(basedir.toPath(), locations, settings, baseSpec == null ? null : baseSpec.toPath(), target);
            if (r.changed()) buildContext.refresh(target.toFile());
            TunedSpec t = r.tuned();
            getLog().info("hakmem: tuned " + variant + " from " + r.profiles() + " profile(s) into " + t.spec().source()
                    + (r.changed() ? "" : " (unchanged)"));
            getLog().info("hakmem: internal fragmentation of the recorded requests: " + describe("runtime default classes", t.defaultLayout())
                    + (t.baseLayout() == null ? "" : ", " + describe("base spec", t.baseLayout())) + " -> " + describe("tuned", t.tuned()));
            for (String note : t.notes()) getLog().warn("hakmem: " + note);
        } catch (InputException | TuneException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException("hakmem: cannot tune: " + Locations.describe(e), e);
        }
    }

    /** The profiles and the base spec can be read, the spec file written (missing profiles: {@link TuneFiles} says so). */
    private void checkLocations(List<Path> locations, Path target) throws MojoFailureException {
        Locations.requireReadable(locations, "profile location", "<profiles> (hakmem.profiles)");
        if (baseSpec != null) {
            Path base = baseSpec.toPath();
            if (!Files.isRegularFile(base)) {
                throw new MojoFailureException("hakmem: the base spec " + base + (Files.exists(base) ? " is not a file" : " does not exist")
                        + "; expected a spec file whose settings the tuned spec keeps (<baseSpec> (hakmem.baseSpec))");
            }
            Locations.requireReadable(List.of(base), "base spec", "<baseSpec> (hakmem.baseSpec)");
        }
        Locations.requireWritableFile(target, "spec file", output != null ? "<output> (hakmem.output)"
                : "<specDirectory> (hakmem.specDirectory), where it goes unless <output> (hakmem.output) is set");
    }

    private static String describe(String layout, Fragmentation f) {
        return layout + " " + f.describe();
    }
}
