package dev.hakmem.maven;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.maven.plugin.MojoFailureException;

/**
 * Which spec files a goal reads: the regular files under a spec directory, at any depth, whose path
 * relative to it matches an include pattern and no exclude pattern, sorted by that path (so the order,
 * and with it the generation fingerprint, does not depend on the file system).
 *
 * <p>Patterns are Ant-style, as in other Maven plugins: {@code *} and {@code ?} match within one file or
 * directory name, {@code **} matches any number of directories (none included), a pattern ending in
 * {@code /} matches everything under that directory; {@code /} or {@code \} separate names. Default
 * includes: every {@code .yaml} and {@code .yml} file; default excludes: none.
 *
 * <p>A subdirectory only organises the files: the generated class is the one the spec's {@code variant}
 * names, wherever the file is. Two specs naming one class are refused by the parser, with the position
 * of the second's {@code variant} and the first file's name.
 *
 * <p>What a missing or empty directory means depends on whether the user asked for specs: the
 * conventional directory ({@code src/main/hakmem}, {@code src/test/hakmem}) may be absent (no specs, the
 * goal does nothing); a directory the user configured must exist, and includes the user configured must
 * match at least one file.
 */
final class SpecFiles {
    /** Every {@code .yaml} and {@code .yml} file, at any depth. */
    static final List<String> DEFAULT_INCLUDES = List.of("**/*.yaml", "**/*.yml");

    private SpecFiles() {}

    /**
     * Where a goal looks for specs, as configured.
     *
     * @param directory the spec directory
     * @param conventional whether it is the goal's default location (then it may be missing)
     * @param parameter how the user sets the directory, for messages, e.g. {@code <specDirectory> (hakmem.specDirectory)}
     * @param includes the configured include patterns, or null for {@link #DEFAULT_INCLUDES}
     * @param excludes the configured exclude patterns, or null for none
     */
    record Source(Path directory, boolean conventional, String parameter, List<String> includes, List<String> excludes) {
        /** Whether the user configured something that only makes sense with spec files there. */
        boolean expectsSpecs() {
            return !conventional || includes != null;
        }

        /** What is looked for, for messages: the directory and any configured patterns. */
        String describe() {
            return directory + (includes == null ? "" : " matching " + includes) + (excludes == null || excludes.isEmpty() ? "" : " except " + excludes);
        }
    }

    /**
     * The spec files of {@code source}; empty if there are none and none were asked for.
     *
     * @throws MojoFailureException if the configuration asks for specs that are not there (a configured
     *     directory that does not exist, configured includes that match nothing), the directory is a file,
     *     a pattern is empty, or the directory cannot be read
     */
    static List<Path> find(Source source) throws MojoFailureException {
        List<Pattern> includes = patterns(source.includes() == null ? DEFAULT_INCLUDES : source.includes(), "includes");
        List<Pattern> excludes = patterns(source.excludes() == null ? List.of() : source.excludes(), "excludes");
        Path dir = source.directory();
        if (!Files.exists(dir)) {
            if (!source.expectsSpecs()) return List.of();
            throw new MojoFailureException("hakmem: the spec directory " + dir + " does not exist; expected a directory of spec files"
                    + " there, as configured by " + (source.conventional() ? "<includes> (hakmem.includes)" : source.parameter()));
        }
        if (!Files.isDirectory(dir)) {
            throw new MojoFailureException("hakmem: the spec directory " + dir + " is a file; expected a directory of spec files ("
                    + source.parameter() + ")");
        }
        List<String> all = new ArrayList<>();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (Files.isRegularFile(file)) all.add(relative(dir, file));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new MojoFailureException("hakmem: cannot read the spec directory " + dir + ": " + Locations.describe(e)
                    + "; expected a readable directory of spec files (" + source.parameter() + ")", e);
        }
        List<Path> selected = all.stream()
                .filter(f -> matchesAny(includes, f) && !matchesAny(excludes, f))
                .sorted(Comparator.naturalOrder())
                .map(dir::resolve)
                .toList();
        if (selected.isEmpty() && source.includes() != null) {
            throw new MojoFailureException("hakmem: no file in " + source.describe() + " (" + all.size() + " file(s) there);"
                    + " expected the includes to match at least one spec file; patterns are relative to the spec directory,"
                    + " e.g. **/*.yaml or fast/*.yaml");
        }
        return selected;
    }

    /** {@code file}'s path under {@code dir}, with {@code /} separators. */
    static String relative(Path dir, Path file) {
        return dir.relativize(file).toString().replace('\\', '/');
    }

    private static boolean matchesAny(List<Pattern> patterns, String path) {
        for (Pattern p : patterns) if (p.matcher(path).matches()) return true;
        return false;
    }

    private static List<Pattern> patterns(List<String> globs, String parameter) throws MojoFailureException {
        List<Pattern> patterns = new ArrayList<>();
        for (String glob : globs) {
            if (glob == null || glob.isBlank()) {
                throw new MojoFailureException("hakmem: <" + parameter + "> has an empty pattern; expected patterns relative to"
                        + " the spec directory, e.g. **/*.yaml");
            }
            patterns.add(pattern(glob.strip()));
        }
        return patterns;
    }

    /** The regular expression of the Ant-style pattern {@code glob} (see the class javadoc). */
    static Pattern pattern(String glob) {
        String g = glob.replace('\\', '/');
        if (g.endsWith("/")) g += "**";
        String[] names = g.split("/", -1);
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            boolean last = i == names.length - 1;
            if (names[i].equals("**")) {
                re.append(last ? ".*" : "(?:[^/]*/)*");
                continue;
            }
            for (char c : names[i].toCharArray()) {
                switch (c) {
                    case '*' -> re.append("[^/]*");
                    case '?' -> re.append("[^/]");
                    default -> re.append(Character.isLetterOrDigit(c) ? String.valueOf(c) : "\\" + c);
                }
            }
            if (!last) re.append('/');
        }
        return Pattern.compile(re.toString());
    }
}
