package dev.hakmem.codegen.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.palantir.javapoet.JavaFile;
import dev.hakmem.AllocatorConfig;
import dev.hakmem.LeakReport;
import dev.hakmem.NativeAllocator;
import dev.hakmem.codegen.AllocatorSpec;
import dev.hakmem.spi.FrontSupport;
import dev.hakmem.spi.ThreadFront;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    /** The golden sources of {@link #smallSpec()}, one file per generated class, in package directories. */
    static final Path GOLDEN = Path.of("src/test/resources/golden");

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
        // Every Tiny class in the front.
        return new AllocatorSpec("com.example.gen.SmallCachesAllocator", config, "src/main/hakmem/small-caches.yaml", 1024);
    }

    @Test
    void matchesTheGoldenFiles() throws IOException {
        List<JavaFile> files = VariantGenerator.generate(smallSpec());
        assertEquals(3, files.size(), "variant, cache, front");
        if (Boolean.getBoolean("hakmem.golden.update")) {
            try (var old = Files.walk(GOLDEN)) {
                old.sorted(java.util.Comparator.reverseOrder()).filter(f -> !f.equals(GOLDEN)).forEach(f -> f.toFile().delete());
            }
            VariantGenerator.writeTo(smallSpec(), GOLDEN);
        }
        List<String> expectedNames;
        try (var golden = Files.walk(GOLDEN)) {
            expectedNames = golden.filter(Files::isRegularFile).map(f -> GOLDEN.relativize(f).toString()).sorted().toList();
        }
        List<String> names = files.stream().map(f -> f.packageName().replace('.', '/') + "/" + f.typeSpec().name() + ".java").sorted().toList();
        assertEquals(expectedNames, names, "the generated files are the golden ones");
        for (JavaFile f : files) {
            Path golden = GOLDEN.resolve(f.packageName().replace('.', '/')).resolve(f.typeSpec().name() + ".java");
            StringWriter out = new StringWriter();
            f.writeTo(out);
            assertEquals(Files.readString(golden, StandardCharsets.UTF_8), out.toString(),
                    "generated source differs from " + golden + " (if intended, regenerate with -Dhakmem.golden.update=true)");
        }
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
        try (URLClassLoader loader = GeneratedCode.compile(spec, dir)) {
            Class<?> variant = loader.loadClass(spec.className());
            assertEquals(spec.config(), variant.getField("CONFIG").get(null), "CONFIG is the spec's config");
            try (NativeAllocator alloc = (NativeAllocator) variant.getMethod("create").invoke(null)) {
                long p = alloc.malloc(70);
                assertEquals(96, alloc.usableSize(p), "the spec's Tiny classes are in effect (70 B -> class 96)");
                long q = alloc.malloc(100_000);
                alloc.free(p);
                alloc.free(q);
                assertEquals(1, alloc.stats().classes().get(4).allocations(), "the generated front counts (stats on)");
                assertEquals(0, alloc.stats().liveBlocks());
                assertTrue(alloc.toString().startsWith(spec.simpleName() + " over HakmemAllocator[open, "), alloc.toString());
                long leaked = alloc.malloc(40); // a generated front's block, never freed
                alloc.close();
                LeakReport r = alloc.leakReport().orElseThrow(() -> new AssertionError("the variant forwards the leak report"));
                assertEquals(1, r.leakedBlocks(), r::toString);
                assertEquals(1, alloc.stats().classes().get(2).liveBlocks(), "stats() after close: the 48-byte block at " + leaked);
                assertTrue(alloc.dump().contains("hakmem allocator: 1 live blocks"), alloc::dump);
            }
        }
    }

    /**
     * The runtime's hot class reaches the generated front: frees of one front class make it the front's
     * hot class ({@code ThreadFront.hotInfo}), whose free then takes the generated free's first branch
     * and puts each block where the general branch would; frees of mixed classes drop it, and frees of
     * another class make that one hot, its cache the hot branch's.
     */
    @Test
    void theFrontGetsTheThreadsHotClass(@TempDir Path dir) throws Exception {
        AllocatorSpec spec = smallSpec();
        try (URLClassLoader loader = GeneratedCode.compile(spec, dir)) {
            Class<?> variant = loader.loadClass(spec.className());
            try (NativeAllocator alloc = (NativeAllocator) variant.getMethod("create").invoke(null)) {
                Field supportField = variant.getDeclaredField("support");
                supportField.setAccessible(true);
                ThreadFront front = ((FrontSupport) supportField.get(alloc)).ownFront();
                long[] blocks = new long[100];
                for (int round = 0; round < 10; round++) {
                    for (int i = 0; i < blocks.length; i++) blocks[i] = alloc.malloc(16);
                    for (long b : blocks) alloc.free(b);
                }
                assertNotEquals(FrontSupport.NO_HOT, front.hotInfo, "1,000 frees of the 16-byte class: it is hot");
                assertEquals(0, front.hotClass);
                long p = alloc.malloc(16), q = alloc.malloc(32);
                alloc.free(q); // the general branch
                alloc.free(p); // the hot branch
                assertEquals(p, alloc.malloc(16), "the hot branch pushed the block on its class's top");
                assertEquals(q, alloc.malloc(32), "the general branch pushed the block on its class's top");
                alloc.free(p);
                alloc.free(q);
                for (int round = 0; round < 20; round++) {
                    for (int i = 0; i < blocks.length; i++) blocks[i] = alloc.malloc(16 * (1 + i % 3));
                    for (long b : blocks) alloc.free(b);
                }
                assertEquals(FrontSupport.NO_HOT, front.hotInfo, "frees of three classes in turn: none is hot");
                for (int round = 0; round < 20 && front.hotInfo == FrontSupport.NO_HOT; round++) {
                    for (int i = 0; i < blocks.length; i++) blocks[i] = alloc.malloc(32);
                    for (long b : blocks) alloc.free(b);
                }
                assertNotEquals(FrontSupport.NO_HOT, front.hotInfo, "frees of the 32-byte class: it is hot now");
                assertEquals(1, front.hotClass);
                long r = alloc.malloc(32);
                alloc.free(r); // the hot branch, on the new hot class's cache
                assertEquals(r, alloc.malloc(32), "the hot branch pushed the block on the new hot class's top");
                alloc.free(r);
                assertEquals(0, alloc.stats().liveBlocks());
            }
        }
    }

    /**
     * Issue 16: a variant says which hakmem-runtime it was generated for, and one generated for another
     * runtime than the one on the class path refuses to initialise, naming both versions, before it
     * touches anything else of the runtime.
     */
    @Test
    void aVariantGeneratedForAnotherRuntimeRefusesToInitialise(@TempDir Path dir) throws Exception {
        AllocatorSpec spec = smallSpec();
        try (URLClassLoader loader = GeneratedCode.compile(spec, dir.resolve("same"))) {
            assertEquals(dev.hakmem.Hakmem.version(), loader.loadClass(spec.className()).getField("RUNTIME_VERSION").get(null));
        }
        try (URLClassLoader loader = GeneratedCode.compile(spec, dir.resolve("other"), "0.0.1-elsewhere")) {
            Class<?> variant = Class.forName(spec.className(), false, loader);
            var e = org.junit.jupiter.api.Assertions.assertThrows(ExceptionInInitializerError.class,
                    () -> Class.forName(spec.className(), true, loader));
            String msg = e.getCause().getMessage();
            assertTrue(msg.contains("generated for hakmem-runtime 0.0.1-elsewhere")
                    && msg.contains("the runtime on the class path is " + dev.hakmem.Hakmem.version())
                    && msg.contains("regenerate"), msg);
            assertEquals(variant.getName(), spec.className());
        }
    }

    static String source(AllocatorSpec spec) throws IOException {
        StringWriter out = new StringWriter();
        for (JavaFile f : VariantGenerator.generate(spec)) f.writeTo(out);
        return out.toString();
    }
}
