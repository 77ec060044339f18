package dev.hakmem.codegen;

import com.palantir.javapoet.JavaFile;
import dev.hakmem.AllocatorConfig;
import dev.hakmem.Hakmem;
import dev.hakmem.codegen.InputException;
import dev.hakmem.codegen.gen.VariantGenerator;
import dev.hakmem.codegen.spec.SpecParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The generator as a build tool runs it: spec files in, a directory of sources out, with the
 * behaviour a build expects. Build-tool adapters (the Maven plugin) only call this.
 *
 * <ul>
 *   <li>Up to date: a fingerprint of every input of generation is kept in the output directory; when
 *       it matches, nothing is written. The inputs: the spec files (paths as given, which the generated
 *       files cite, and bytes), the bytes of the generator's classes, of the spec parser and model that
 *       turn a file into settings, and of the runtime's {@code AllocatorConfig} (its defaults are written
 *       into {@code CONFIG}), and the runtime's version (written into the variant, which checks it).
 *       Class bytes rather than versions, so a changed generator, parser or default regenerates even
 *       at the same version.</li>
 *   <li>All or nothing: every spec is parsed and validated first (errors of all files reported
 *       together, with {@code file:line:column}); sources are generated into a fresh sibling directory
 *       and only then swapped in, so a failure never leaves half-generated output behind. The output
 *       directory is the generator's own: one that holds files of something else is refused, not
 *       replaced.</li>
 * </ul>
 */
public final class Codegen {
    /** The classes whose bytes decide the generated code (part of the fingerprint). */
    static final List<Class<?>> INPUT_CLASSES = inputClasses();

    private static List<Class<?>> inputClasses() {
        List<Class<?>> all = new ArrayList<>(VariantGenerator.classes());
        all.addAll(SpecParser.classes());
        all.addAll(List.of(AllocatorSpec.class, AllocatorConfig.class, AllocatorConfig.Builder.class));
        return List.copyOf(all);
    }
    static final String FINGERPRINT_FILE = ".hakmem-fingerprint";

    private Codegen() {}

    /**
     * What {@link #generate} did.
     *
     * @param specs how many spec files were given
     * @param files how many source files were written (0 when up to date)
     * @param upToDate true when the fingerprint matched and nothing was written
     */
    public record Result(int specs, int files, boolean upToDate) {
        /**
         * One line for a build log.
         *
         * @return what was generated from how many specs, or that nothing needed generating
         */
        public String describe() {
            return upToDate ? specs + " spec file(s) unchanged, nothing to generate"
                    : "generated " + files + " source file(s) from " + specs + " spec file(s)";
        }
    }

    /**
     * The spec files of a directory.
     *
     * @param directory where the specs are; need not exist
     * @return its regular files named {@code *.yaml} or {@code *.yml}, sorted by name; empty if there is
     *     no such directory
     * @throws IOException if the directory cannot be listed
     */
    public static List<Path> specFiles(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) return List.of();
        try (Stream<Path> s = Files.list(directory)) {
            return s.filter(p -> Files.isRegularFile(p) && (p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        }
    }

    /**
     * Parses and validates every spec, together (two specs may not name the same class).
     *
     * @param specFiles the spec files
     * @return one spec per file, in the files' order
     * @throws InputException listing every file that is not a valid spec, each with
     *     {@code file:line:column}, what is wrong and what was expected
     */
    public static List<AllocatorSpec> validate(List<Path> specFiles) throws InputException {
        return SpecParser.parseAll(specFiles);
    }

    /**
     * {@link #validate(List)}, naming the files relative to {@code base} (see
     * {@link SpecParser#parseAll(List, Path)}).
     *
     * @param specFiles the spec files
     * @param base the directory names are relative to (a project's base directory), or null
     * @return one spec per file, in the files' order
     * @throws InputException as {@link #validate(List)}
     */
    public static List<AllocatorSpec> validate(List<Path> specFiles, Path base) throws InputException {
        return SpecParser.parseAll(specFiles, base);
    }

    /**
     * Generates every spec's variant into {@code outputDir}, replacing what was there, unless the
     * fingerprint of the inputs is unchanged (see the class description).
     *
     * @param specFiles the spec files
     * @param outputDir the source root to (re)generate; created if missing
     * @return how many specs and files, or that everything was up to date
     * @throws InputException if a spec is invalid; {@code outputDir} is then left as it was
     * @throws IOException if reading the specs or writing the sources fails; {@code outputDir} is then
     *     left as it was
     */
    public static Result generate(List<Path> specFiles, Path outputDir) throws IOException, InputException {
        return generate(specFiles, outputDir, null);
    }

    /**
     * {@link #generate(List, Path)}, naming the spec files relative to {@code base} in the generated
     * sources' headers (see {@link SpecParser#parseAll(List, Path)}), so that the sources are the same
     * in every checkout; errors name the files as given.
     *
     * @param specFiles the spec files
     * @param outputDir the source root to (re)generate; created if missing
     * @param base the directory the names are relative to (a project's base directory), or null
     * @return how many specs and files, or that everything was up to date
     * @throws InputException if a spec is invalid; {@code outputDir} is then left as it was
     * @throws IOException if reading the specs or writing the sources fails; {@code outputDir} is then
     *     left as it was
     */
    public static Result generate(List<Path> specFiles, Path outputDir, Path base) throws IOException, InputException {
        String fingerprint = fingerprint(specFiles);
        Path stamp = outputDir.resolve(FINGERPRINT_FILE);
        if (Files.isRegularFile(stamp) && Files.readString(stamp, StandardCharsets.UTF_8).equals(fingerprint)) {
            return new Result(specFiles.size(), 0, true);
        }
        requireOwnDirectory(outputDir, stamp);
        List<AllocatorSpec> specs = validate(specFiles, base);
        Path parent = outputDir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path fresh = Files.createTempDirectory(parent, ".hakmem-generating-");
        int files = 0;
        try {
            for (AllocatorSpec spec : specs) {
                List<JavaFile> sources = VariantGenerator.generate(spec);
                for (JavaFile f : sources) f.writeTo(fresh);
                files += sources.size();
            }
            Files.writeString(fresh.resolve(FINGERPRINT_FILE), fingerprint, StandardCharsets.UTF_8);
            deleteTree(outputDir);
            Files.move(fresh, outputDir, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteTree(fresh); // only if still there: a failure before the move
        }
        return new Result(specs.size(), files, false);
    }

    /**
     * Generation replaces all of {@code outputDir}: refuse one that is a file, or a non-empty directory
     * without a stamp of an earlier generation (a misconfigured output directory such as
     * {@code src/main/java}, whose files would be deleted).
     */
    private static void requireOwnDirectory(Path outputDir, Path stamp) throws IOException {
        if (!Files.exists(outputDir) || Files.isRegularFile(stamp)) return;
        if (!Files.isDirectory(outputDir)) {
            throw new IOException(outputDir + " is not a directory; expected a directory of generated sources, which each"
                    + " generation replaces");
        }
        try (Stream<Path> s = Files.list(outputDir)) {
            if (s.findAny().isPresent()) {
                throw new IOException(outputDir + " holds files the generator did not write (it has no " + FINGERPRINT_FILE
                        + "); expected a directory of generated sources only, which each generation replaces, e.g."
                        + " target/generated-sources/hakmem");
            }
        }
    }

    static String fingerprint(List<Path> specFiles) throws IOException {
        return fingerprint(specFiles, INPUT_CLASSES, Hakmem.version());
    }

    /** The fingerprint of {@code specFiles} generated by {@code classes} for hakmem-runtime {@code runtimeVersion}. */
    static String fingerprint(List<Path> specFiles, List<Class<?>> classes, String runtimeVersion) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((CodegenInfo.GENERATOR + "\nhakmem-runtime " + runtimeVersion + "\n").getBytes(StandardCharsets.UTF_8));
            for (Class<?> c : classes) sha.update(classBytes(c));
            for (Path f : specFiles) {
                sha.update((f + "\n").getBytes(StandardCharsets.UTF_8)); // as named: the generated files cite it
                sha.update(Files.readAllBytes(f));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    /** The bytes of {@code c}'s class file (nested classes included: by binary name). */
    static byte[] classBytes(Class<?> c) throws IOException {
        String binary = c.getName();
        try (var in = c.getResourceAsStream(binary.substring(binary.lastIndexOf('.') + 1) + ".class")) {
            if (in == null) throw new IOException("cannot read the class file of " + binary + ", an input of generation");
            return in.readAllBytes();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
