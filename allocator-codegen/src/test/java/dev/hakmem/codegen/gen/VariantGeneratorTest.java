package dev.hakmem.codegen.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.palantir.javapoet.JavaFile;
import dev.hakmem.AllocatorConfig;
import dev.hakmem.NativeAllocator;
import dev.hakmem.codegen.AllocatorSpec;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated variant class: compared with a golden file, generated deterministically, compiled
 * in-process without a single warning ({@code -Xlint:all -Werror}) and run.
 *
 * <p>To accept a deliberate change of the generated code, run the test with
 * {@code -Dhakmem.golden.update=true} (through {@code -Dhakmem.test.args=...}) and review the diff of
 * the golden file.
 */
class VariantGeneratorTest {
    static final String GOLDEN = "src/test/resources/golden/SmallCachesAllocator.java";

    static AllocatorSpec smallSpec() {
        AllocatorConfig config = AllocatorConfig.builder()
                .tinyClasses(16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024)
                .tinyCache(16, 4)
                .classCache(32, 64, 16)
                .checks(false)
                .memoryLimit(256L << 20)
                .addressSpace(1L << 30)
                .largeRetainedBytes(8L << 20)
                .hugeRetainedBytes(1L << 20)
                .build();
        return new AllocatorSpec("com.example.gen.SmallCachesAllocator", config, "src/main/hakmem/small-caches.yaml");
    }

    @Test
    void matchesTheGoldenFile() throws IOException {
        String generated = source(smallSpec());
        Path golden = Path.of(GOLDEN);
        if (Boolean.getBoolean("hakmem.golden.update")) Files.writeString(golden, generated, StandardCharsets.UTF_8);
        assertEquals(Files.readString(golden, StandardCharsets.UTF_8), generated,
                "generated source differs from " + GOLDEN + " (if intended, regenerate with -Dhakmem.golden.update=true)");
    }

    @Test
    void sameSpecGivesByteIdenticalSources() throws IOException {
        assertEquals(source(smallSpec()), source(smallSpec()));
        AllocatorSpec defaults = new AllocatorSpec("a.b.Default", AllocatorConfig.defaults(), "d.yaml");
        assertEquals(source(defaults), source(defaults));
    }

    @Test
    void compilesWithoutWarningsAndRuns(@TempDir Path dir) throws Exception {
        AllocatorSpec spec = smallSpec();
        Path src = dir.resolve("src"), classes = dir.resolve("classes");
        Files.createDirectories(classes);
        VariantGenerator.writeTo(spec, src);
        Path file = src.resolve("com/example/gen/SmallCachesAllocator.java");
        assertTrue(Files.exists(file), "written to its package directory");

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            List<String> options = new ArrayList<>(List.of("-Xlint:all", "-Werror", "-d", classes.toString(),
                    "-classpath", System.getProperty("java.class.path")));
            boolean ok = javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjects(file)).call();
            assertTrue(ok && diagnostics.getDiagnostics().isEmpty(), () -> "javac: " + diagnostics.getDiagnostics());
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            Class<?> variant = loader.loadClass(spec.className());
            assertEquals(spec.config(), variant.getField("CONFIG").get(null), "CONFIG is the spec's config");
            try (NativeAllocator alloc = (NativeAllocator) variant.getMethod("create").invoke(null)) {
                long p = alloc.malloc(70);
                assertEquals(96, alloc.usableSize(p), "the spec's Tiny classes are in effect (70 B -> class 96)");
                long q = alloc.malloc(100_000);
                alloc.free(p);
                alloc.free(q);
                assertEquals(0, alloc.stats().liveBlocks());
            }
        }
    }

    static String source(AllocatorSpec spec) throws IOException {
        StringWriter out = new StringWriter();
        for (JavaFile f : VariantGenerator.generate(spec)) f.writeTo(out);
        return out.toString();
    }
}
