package dev.hakmem.codegen.gen;

import dev.hakmem.Hakmem;
import com.palantir.javapoet.JavaFile;
import dev.hakmem.codegen.AllocatorSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates the Java sources of one allocator variant from its {@link AllocatorSpec}.
 *
 * <p>Output, all in the spec's package:
 * <ul>
 *   <li>the variant class (named by the spec): a {@code NativeAllocator} whose Tiny {@code malloc} and
 *       {@code free} on platform threads run generated code, and whose every other operation goes to
 *       the runtime's generic allocator of the same settings; {@code CONFIG} spells out every setting,
 *       {@code create()} makes an instance; the size-to-class mapping is a generated constant table;</li>
 *   <li>{@code <Variant>Cache}: a thread's caches of the front classes, indexed by the class
 *       ({@link CacheClass});</li>
 *   <li>{@code <Variant>Front}: malloc and free of every front class, one method each, with checks
 *       and stats compile-time constants ({@link FrontClass}).</li>
 * </ul>
 *
 * <p>Deterministic: the same spec gives byte-identical sources (no dates, no machine data, fixed
 * order), so builds are reproducible and golden-file tests can compare them.
 */
public final class VariantGenerator {
    private VariantGenerator() {}

    /**
     * The source files of {@code spec}'s variant for the hakmem-runtime the generator runs with
     * ({@link Hakmem#version()}): the variant class first, then its cache, then its front.
     *
     * @param spec the variant
     * @return its source files, in that order
     */
    public static List<JavaFile> generate(AllocatorSpec spec) {
        return generate(spec, Hakmem.version());
    }

    /**
     * The same for hakmem-runtime {@code runtimeVersion}: the variant records it and, when its class is
     * initialised, refuses to run on another runtime version ({@code FrontSupport.requireRuntime}).
     *
     * @param spec the variant
     * @param runtimeVersion the hakmem-runtime version the variant is for
     * @return its source files: the variant class, its cache, then its front
     */
    public static List<JavaFile> generate(AllocatorSpec spec, String runtimeVersion) {
        Names names = new Names(spec);
        List<JavaFile> files = new ArrayList<>();
        files.add(VariantClass.generate(names, runtimeVersion));
        files.add(CacheClass.generate(names));
        files.add(FrontClass.generate(names));
        return files;
    }

    /**
     * The classes of the generator.
     *
     * @return those classes: their bytes decide the output, so build tools fingerprint them
     */
    public static List<Class<?>> classes() {
        return List.of(VariantGenerator.class, VariantClass.class, CacheClass.class, FrontClass.class, Names.class, Sources.class);
    }

    /**
     * Writes the sources of {@code spec}'s variant under {@code sourceRoot} (package directories created).
     *
     * @param spec the variant
     * @param sourceRoot a source root, e.g. {@code target/generated-sources/hakmem}
     * @throws IOException if a file cannot be written
     */
    public static void writeTo(AllocatorSpec spec, Path sourceRoot) throws IOException {
        for (JavaFile f : generate(spec)) f.writeTo(sourceRoot);
    }
}
