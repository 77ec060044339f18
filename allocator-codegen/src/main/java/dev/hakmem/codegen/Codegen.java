package dev.hakmem.codegen;

import com.palantir.javapoet.JavaFile;
import dev.hakmem.codegen.gen.VariantGenerator;
import dev.hakmem.codegen.spec.SpecException;
import dev.hakmem.codegen.spec.SpecParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The generator as a build tool runs it: spec files in, a directory of sources out, with the
 * behaviour a build expects. Build-tool adapters (the Maven plugin) only call this.
 *
 * <ul>
 *   <li>Up to date: a fingerprint of the spec files (names and bytes) and of the generator itself
 *       (the bytes of its classes, so a changed generator regenerates even at the same version) is kept
 *       in the output directory; when it matches, nothing is written.</li>
 *   <li>All or nothing: every spec is parsed and validated first (errors of all files reported
 *       together, with {@code file:line:column}); sources are generated into a fresh sibling directory
 *       and only then swapped in, so a failure never leaves half-generated output behind.</li>
 * </ul>
 */
public final class Codegen {
    /** The classes whose bytes decide the generated code (part of the fingerprint). */
    private static final List<Class<?>> GENERATOR_CLASSES = VariantGenerator.classes();
    static final String FINGERPRINT_FILE = ".hakmem-fingerprint";

    private Codegen() {}

    /** What {@link #generate} did. */
    public record Result(int specs, int files, boolean upToDate) {
        public String describe() {
            return upToDate ? specs + " spec file(s) unchanged, nothing to generate"
                    : "generated " + files + " source file(s) from " + specs + " spec file(s)";
        }
    }

    /** The spec files of a directory ({@code *.yaml}, {@code *.yml}), sorted by name; empty if there is no directory. */
    public static List<Path> specFiles(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) return List.of();
        try (Stream<Path> s = Files.list(directory)) {
            return s.filter(p -> Files.isRegularFile(p) && (p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        }
    }

    /** Parses and validates every spec (together: two specs may not name the same class). */
    public static List<AllocatorSpec> validate(List<Path> specFiles) throws SpecException {
        return SpecParser.parseAll(specFiles);
    }

    /** Generates every spec's variant into {@code outputDir}, replacing what was there; see the class javadoc. */
    public static Result generate(List<Path> specFiles, Path outputDir) throws IOException, SpecException {
        String fingerprint = fingerprint(specFiles);
        Path stamp = outputDir.resolve(FINGERPRINT_FILE);
        if (Files.isRegularFile(stamp) && Files.readString(stamp, StandardCharsets.UTF_8).equals(fingerprint)) {
            return new Result(specFiles.size(), 0, true);
        }
        List<AllocatorSpec> specs = validate(specFiles);
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

    static String fingerprint(List<Path> specFiles) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((CodegenInfo.GENERATOR + "\n").getBytes(StandardCharsets.UTF_8));
            for (Class<?> c : GENERATOR_CLASSES) {
                try (var in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
                    if (in == null) throw new IOException("cannot read the generator's class " + c.getName());
                    sha.update(in.readAllBytes());
                }
            }
            for (Path f : specFiles) {
                sha.update((f.getFileName() + "\n").getBytes(StandardCharsets.UTF_8));
                sha.update(Files.readAllBytes(f));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
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
