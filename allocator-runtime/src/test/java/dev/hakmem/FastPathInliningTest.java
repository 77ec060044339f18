package dev.hakmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The default allocator's malloc and free compile into the caller's loop completely, down to the
 * {@code java.lang.foreign} access of the block's state byte, when the loop calls them through
 * {@value #WRAPPERS} methods of its own (and through {@value #SEGMENT_WRAPPERS} with the segment API).
 *
 * <p>Why a test: C2 inlines at most {@code MaxInlineLevel} (15) calls deep from the method it compiles,
 * and the state byte's access takes about 8 of them inside the JDK. A call level more on hakmem's fast
 * path leaves the access out of line (the free then costs several times as much) for every caller whose
 * loop is that many levels above the allocator. Before session 33 a loop could call through two methods
 * of its own, not three (the CallDepth benchmark in docs/BENCHMARKS.md); now through six. This test
 * fails when a change takes that headroom away (or a JDK's {@code java.lang.foreign} grows deeper).
 *
 * <p>How: a child JVM compiles only the probe's loop, with C2 alone ({@code -XX:-TieredCompilation}, so
 * that no callee is compiled on its own first and refused as "already compiled into a big method"), and
 * prints the loop's inlining tree; the test reads it.
 */
class FastPathInliningTest {
    static final int WRAPPERS = 5;
    static final int SEGMENT_WRAPPERS = 3;

    /** The child: the probe loop, run until C2 has compiled it. */
    public static void main(String[] args) {
        NativeAllocator a = Hakmem.create();
        boolean segments = args[0].equals("segment");
        long sum = 0;
        for (int round = 0; round < 3_000; round++) sum += segments ? segmentLoop(a) : rawLoop(a);
        System.out.println("sum " + sum);
    }

    static long rawLoop(NativeAllocator a) {
        long[] p = new long[64];
        long sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = malloc5(a);
            sum += p[i];
        }
        for (int i = p.length - 1; i >= 0; i--) free5(a, p[i]);
        return sum;
    }

    static long segmentLoop(NativeAllocator a) {
        MemorySegment[] s = new MemorySegment[64];
        long sum = 0;
        for (int i = 0; i < s.length; i++) {
            s[i] = allocate3(a);
            s[i].set(ValueLayout.JAVA_BYTE, 0, (byte) i);
        }
        for (int i = s.length - 1; i >= 0; i--) {
            sum += s[i].get(ValueLayout.JAVA_BYTE, 0);
            free3(a, s[i]);
        }
        return sum;
    }

    // The caller's own levels: WRAPPERS for the raw API, SEGMENT_WRAPPERS for the segment API.
    static long malloc1(NativeAllocator a) { return a.malloc(16); }
    static long malloc2(NativeAllocator a) { return malloc1(a); }
    static long malloc3(NativeAllocator a) { return malloc2(a); }
    static long malloc4(NativeAllocator a) { return malloc3(a); }
    static long malloc5(NativeAllocator a) { return malloc4(a); }
    static void free1(NativeAllocator a, long p) { a.free(p); }
    static void free2(NativeAllocator a, long p) { free1(a, p); }
    static void free3(NativeAllocator a, long p) { free2(a, p); }
    static void free4(NativeAllocator a, long p) { free3(a, p); }
    static void free5(NativeAllocator a, long p) { free4(a, p); }
    static MemorySegment allocate1(NativeAllocator a) { return a.allocate(16); }
    static MemorySegment allocate2(NativeAllocator a) { return allocate1(a); }
    static MemorySegment allocate3(NativeAllocator a) { return allocate2(a); }
    static void free1(NativeAllocator a, MemorySegment s) { a.free(s); }
    static void free2(NativeAllocator a, MemorySegment s) { free1(a, s); }
    static void free3(NativeAllocator a, MemorySegment s) { free2(a, s); }

    /** The child's inlining tree of {@code loop}, compiled by C2. */
    private static String inliningTree(String loop, String api) throws Exception {
        String method = FastPathInliningTest.class.getName() + "::" + loop;
        List<String> command = List.of(System.getProperty("java.home") + "/bin/java", "-Xmx128m", "--enable-native-access=ALL-UNNAMED",
                "-XX:+UnlockDiagnosticVMOptions", "-XX:-TieredCompilation", "-XX:-BackgroundCompilation",
                "-XX:CompileCommand=quiet", "-XX:CompileCommand=compileonly," + method, "-XX:CompileCommand=PrintInlining," + method,
                "-cp", System.getProperty("java.class.path") + File.pathSeparator + System.getProperty("jdk.module.path", ""),
                FastPathInliningTest.class.getName(), api);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(100, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, child.exitValue(), out);
        return out;
    }

    private static void assertInlinedToTheStateByte(String tree, String what) {
        assertTrue(tree.contains("BlockState::markLive") && tree.contains("BlockState::freeOwned"),
                what + ": the compiled loop's tree does not reach the state byte's accesses (not compiled, or the tree changed):\n" + tree);
        List<String> tooDeep = tree.lines().filter(l -> l.contains("too deep")).toList();
        assertTrue(tooDeep.isEmpty(), what + ": C2 gave up inlining below the allocator (MaxInlineLevel): "
                + String.join("\n", tooDeep) + "\nwhole tree:\n" + tree);
    }

    @Test
    @Timeout(120)
    void mallocAndFreeInlineCompletelyFiveLevelsBelowTheLoop() throws Exception {
        assertInlinedToTheStateByte(inliningTree("rawLoop", "raw"), WRAPPERS + " wrappers of malloc/free");
    }

    @Test
    @Timeout(120)
    void allocateAndFreeOfSegmentsInlineCompletelyThreeLevelsBelowTheLoop() throws Exception {
        assertInlinedToTheStateByte(inliningTree("segmentLoop", "segment"), SEGMENT_WRAPPERS + " wrappers of allocate/free(MemorySegment)");
    }
}
