package dev.hakmem.codegen.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.NativeAllocator;
import dev.hakmem.codegen.AllocatorSpec;
import java.io.File;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated variant's malloc and free compile into the caller's loop completely, down to the
 * {@code java.lang.foreign} accesses of the page table and the block's state byte, when the loop calls
 * them through {@value #WRAPPERS} methods of its own: the variant's counterpart of the runtime's
 * {@code FastPathInliningTest} (C2 inlines at most 15 calls deep; the runtime's {@code SmallFront}
 * explains the budget). The variant's paths are deeper than the generic allocator's (the variant, its
 * front, {@code FrontSupport}, then the runtime), so it has less room: before session 33 a loop could
 * call a variant through three methods of its own, now through five ({@value #WRAPPERS} are tested,
 * which fails on the runtime of before).
 *
 * <p>How: the default spec's variant is generated and compiled into a temporary directory; a child JVM
 * compiles only the probe's loop, with C2 alone, and prints its inlining tree, which the test reads.
 */
class VariantInliningTest {
    static final int WRAPPERS = 4;

    /** The child: the probe loop over the variant named by {@code args[0]}, run until C2 has compiled it. */
    public static void main(String[] args) throws Exception {
        NativeAllocator a = (NativeAllocator) Class.forName(args[0]).getMethod("create").invoke(null);
        long sum = 0;
        for (int round = 0; round < 3_000; round++) sum += loop(a);
        System.out.println("sum " + sum);
    }

    static long loop(NativeAllocator a) {
        long[] p = new long[64];
        long sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = malloc4(a);
            sum += p[i];
        }
        for (int i = p.length - 1; i >= 0; i--) free4(a, p[i]);
        return sum;
    }

    // The caller's own levels.
    static long malloc1(NativeAllocator a) { return a.malloc(16); }
    static long malloc2(NativeAllocator a) { return malloc1(a); }
    static long malloc3(NativeAllocator a) { return malloc2(a); }
    static long malloc4(NativeAllocator a) { return malloc3(a); }
    static void free1(NativeAllocator a, long p) { a.free(p); }
    static void free2(NativeAllocator a, long p) { free1(a, p); }
    static void free3(NativeAllocator a, long p) { free2(a, p); }
    static void free4(NativeAllocator a, long p) { free3(a, p); }

    @Test
    @Timeout(180)
    void aVariantsMallocAndFreeInlineCompletelyFourLevelsBelowTheLoop(@TempDir Path dir) throws Exception {
        AllocatorSpec spec = new AllocatorSpec("probe.gen.DefaultVariant", AllocatorConfig.defaults(), "default.yaml");
        try (URLClassLoader ignored = GeneratedCode.compile(spec, dir)) {
            String method = VariantInliningTest.class.getName() + "::loop";
            List<String> command = List.of(System.getProperty("java.home") + "/bin/java", "-Xmx128m", "--enable-native-access=ALL-UNNAMED",
                    "-XX:+UnlockDiagnosticVMOptions", "-XX:-TieredCompilation", "-XX:-BackgroundCompilation",
                    "-XX:CompileCommand=quiet", "-XX:CompileCommand=compileonly," + method, "-XX:CompileCommand=PrintInlining," + method,
                    "-cp", System.getProperty("java.class.path") + File.pathSeparator + dir.resolve("classes"),
                    VariantInliningTest.class.getName(), spec.className());
            Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
            String tree = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(child.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
            assertEquals(0, child.exitValue(), tree);
            assertTrue(tree.contains("BlockState::markLive") && tree.contains("BlockState::freeOwned") && tree.contains("ChunkRegistry::info"),
                    "the compiled loop's tree does not reach the page table and the state byte (not compiled, or the tree changed):\n" + tree);
            List<String> tooDeep = tree.lines().filter(l -> l.contains("too deep")).toList();
            assertTrue(tooDeep.isEmpty(), WRAPPERS + " wrappers of a variant's malloc/free: C2 gave up inlining (MaxInlineLevel): "
                    + String.join("\n", tooDeep) + "\nwhole tree:\n" + tree);
        }
    }
}
