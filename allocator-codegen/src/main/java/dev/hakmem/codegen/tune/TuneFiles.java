package dev.hakmem.codegen.tune;

import dev.hakmem.codegen.AllocatorSpec;
import dev.hakmem.codegen.InputException;
import dev.hakmem.codegen.profile.Profile;
import dev.hakmem.codegen.profile.ProfileReader;
import dev.hakmem.codegen.spec.SpecParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The tuner as a build tool runs it: profile files (or directories of them) and an optional base spec
 * file in, a spec file out. Build-tool adapters (the Maven plugin's {@code tune} goal) only call this.
 *
 * <ul>
 *   <li>Files are named relative to the project directory in messages and in the spec's header, so the
 *       header does not depend on where the project was checked out.</li>
 *   <li>The spec is written atomically (a temporary file in the same directory, then moved over the
 *       old one): a failure, or a reader at the wrong moment, never sees half a spec. An unchanged spec
 *       is not rewritten.</li>
 *   <li>The text written is parsed back before it is written, so the tuner cannot leave a spec the
 *       {@code generate} goal would reject.</li>
 * </ul>
 */
public final class TuneFiles {
    private TuneFiles() {}

    /**
     * What {@link #tune} did.
     *
     * @param tuned the tuned spec; its {@link AllocatorSpec#source()} is the output file's name
     * @param output the spec file
     * @param profiles how many profiles were read
     * @param changed whether the file was written (false: it already held this text)
     */
    public record Result(TunedSpec tuned, Path output, int profiles, boolean changed) {}

    /**
     * The profile files at {@code locations}: a file as it is, a directory's {@code *.json} files sorted by
     * name; a file named twice (a directory and a file in it) counts once.
     *
     * @param locations profile files and directories of profiles
     * @return the profile files, in the order of {@code locations}
     * @throws TuneException if a location does not exist, or there are no profile files at all
     * @throws IOException if a directory cannot be listed
     */
    public static List<Path> profileFiles(List<Path> locations) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path location : locations) {
            if (Files.isDirectory(location)) {
                try (Stream<Path> s = Files.list(location)) {
                    s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".json"))
                            .sorted(Comparator.comparing(p -> p.getFileName().toString())).forEach(files::add);
                }
            } else if (Files.isRegularFile(location)) {
                files.add(location);
            } else {
                throw new TuneException("profile location " + location + " does not exist; expected a profile file or a directory of *.json profiles");
            }
        }
        Set<Path> seen = new HashSet<>();
        files = files.stream().filter(f -> seen.add(f.toAbsolutePath().normalize())).toList();
        if (files.isEmpty()) {
            throw new TuneException("no profiles (*.json) in " + locations + "; expected at least one profile written by the"
                    + " hakmem profile recorder");
        }
        return files;
    }

    /**
     * Reads the profiles at {@code profileLocations} and the base spec, tunes, and writes the spec to
     * {@code output}.
     *
     * @param projectDir files are named relative to it (when inside it)
     * @param profileLocations profile files and directories of profiles ({@link #profileFiles})
     * @param settings the variant's name and how many classes at most
     * @param baseSpec a spec file whose other settings the tuned spec keeps, or null
     * @param output the spec file to write; left untouched when it already holds the tuned text
     * @return what was tuned and whether the file changed
     * @throws InputException naming {@code file:line:column} of every bad profile
     * @throws InputException if the base spec is bad
     * @throws TuneException if there is nothing to tune or a setting is out of range
     * @throws IOException if a profile, the base spec or the output cannot be read or written
     */
    public static Result tune(Path projectDir, List<Path> profileLocations, TuneSettings settings, Path baseSpec, Path output)
            throws IOException {
        List<Path> files = profileFiles(profileLocations);
        List<Profile> profiles = ProfileReader.readAll(files, f -> name(projectDir, f));
        AllocatorSpec base = null;
        if (baseSpec != null) {
            base = SpecParser.parse(Files.readString(baseSpec, StandardCharsets.UTF_8), name(projectDir, baseSpec));
        }
        TunedSpec tuned = Tuner.tune(profiles, settings, base);
        String text = tuned.text();
        String outputName = name(projectDir, output);
        AllocatorSpec written = SpecParser.parse(text, outputName);
        if (!written.equals(new AllocatorSpec(tuned.spec().className(), tuned.spec().config(), outputName, tuned.spec().frontsUpTo()))) {
            throw new IllegalStateException("the tuned spec does not read back to itself:\n" + text);
        }
        TunedSpec result = new TunedSpec(written, tuned.header(), tuned.defaultLayout(), tuned.baseLayout(), tuned.tuned(), tuned.notes());
        boolean changed = !(Files.isRegularFile(output) && Files.readString(output, StandardCharsets.UTF_8).equals(text));
        if (changed) writeAtomically(output, text);
        return new Result(result, output, profiles.size(), changed);
    }

    /** {@code file} relative to {@code projectDir} when inside it, with {@code /} separators; else as given. */
    static String name(Path projectDir, Path file) {
        Path dir = projectDir.toAbsolutePath().normalize();
        Path f = file.toAbsolutePath().normalize();
        return f.startsWith(dir) ? dir.relativize(f).toString().replace('\\', '/') : file.toString();
    }

    private static void writeAtomically(Path output, String text) throws IOException {
        Path dir = output.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + output.getFileName(), ".tmp");
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
