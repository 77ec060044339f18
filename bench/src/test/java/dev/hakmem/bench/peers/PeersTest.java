package dev.hakmem.bench.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.bench.variants.GenDefault;
import dev.hakmem.bench.variants.GenNoChecks;
import dev.hakmem.bench.variants.GenSmallCaches;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Creating peers by name, the lines {@link Peers#main} prints for the runner, and the unavailable-peer
 * path, which this machine (with every peer installed) never takes otherwise.
 */
class PeersTest {
    @Test
    void missingLibraryIsReportedWithItsInstallCommand() {
        var pair = NativeFunctions.fromLibrary("libhakmem-bench-no-such-lib.so.9",
                new NativeFunctions.Names("x_malloc", "x_free", "x_realloc"),
                "apt-get install no-such-package");
        assertNull(pair.malloc());
        assertEquals("libhakmem-bench-no-such-lib.so.9 not found; install it with: apt-get install no-such-package",
                pair.unavailable());
    }

    @Test
    void missingSymbolsAreReported() {
        var pair = NativeFunctions.fromDefault(new NativeFunctions.Names("hakmem_bench_no_such_malloc", "free", "realloc"));
        assertNull(pair.malloc());
        assertEquals("symbols hakmem_bench_no_such_malloc/free/realloc not found in the C library", pair.unavailable());
    }

    @Test
    void glibcIsAlwaysThere() {
        assertNull(Peers.unavailableReason("glibc"));
    }

    @Test
    void unknownPeerIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Peers.create("no-such-peer"));
    }

    /** Without --peers the runner compares every peer but the on-request ones, in report order. */
    @Test
    void theDefaultMatrixIsEveryPeerButTheOnRequestOnes() {
        assertTrue(Peers.NAMES.containsAll(Peers.ON_REQUEST));
        assertEquals(Peers.NAMES.size() - Peers.ON_REQUEST.size(), Peers.DEFAULT_MATRIX.size());
        assertFalse(Peers.DEFAULT_MATRIX.contains("hakmem-recorded"));
        assertFalse(Peers.DEFAULT_MATRIX.contains("hakmem-wrapped"));
        assertEquals(Peers.NAMES.stream().filter(Peers.DEFAULT_MATRIX::contains).toList(), Peers.DEFAULT_MATRIX, "report order");
        assertEquals(List.of("hakmem-recorded\tavailable"), runMain("hakmem-recorded"), "still runs when named");
        assertFalse(Peers.DEFAULT_MATRIX.contains("netty-hakmem"));
        assertEquals(List.of("netty-hakmem\tavailable"), runMain("netty-hakmem"), "frees on any thread");
    }

    /** netty-hakmem's buffers are hakmem blocks behind Netty's ByteBuf code, not Netty's own memory. */
    @Test
    void nettyHakmemBuffersAreHakmemBlocks() {
        try (NettyPeer a = NettyPeer.hakmem()) {
            long handle = a.malloc(100);
            io.netty.buffer.ByteBuf buf = a.blocks.get(handle);
            assertTrue(buf.alloc() instanceof dev.hakmem.netty.HakmemByteBufAllocator, buf.alloc().toString());
            dev.hakmem.NativeAllocator memory = ((dev.hakmem.netty.HakmemByteBufAllocator) buf.alloc()).nativeAllocator();
            assertTrue(memory.usableSize(buf.memoryAddress()) >= 100);
            assertEquals(1, memory.stats().liveBlocks());
            a.free(handle);
            assertEquals(0, memory.stats().liveBlocks());
        }
    }

    /** The workload's lap unless the property overrides it (the surefire run sets it to 64 MiB). */
    @Test
    void bumpLapIsTheRequestedOneUnlessOverridden() {
        String was = System.getProperty("hakmem.bench.bump.lapMiB");
        try {
            System.clearProperty("hakmem.bench.bump.lapMiB");
            assertEquals(Peers.LONG_BUMP_LAP, Peers.bumpLap(Peers.LONG_BUMP_LAP));
            assertEquals(BumpPeer.DEFAULT_LAP, Peers.bumpLap(BumpPeer.DEFAULT_LAP));
            System.setProperty("hakmem.bench.bump.lapMiB", "128");
            assertEquals(128L << 20, Peers.bumpLap(Peers.LONG_BUMP_LAP));
        } finally {
            if (was == null) System.clearProperty("hakmem.bench.bump.lapMiB");
            else System.setProperty("hakmem.bench.bump.lapMiB", was);
        }
    }

    /** The three line formats of {@link Peers#main}, which the benchmark runner parses. */
    @Test
    void mainPrintsWhetherEachPeerRunsAndWhetherItFreesOnAnyThread() {
        assertEquals(List.of("glibc\tavailable", "arena\tavailable\tsame-thread-frees-only", "heap\tavailable"),
                runMain("glibc,arena", "heap"));
        assertEquals("glibc\tavailable", Peers.status("glibc"));
    }

    /**
     * Without the glibc tunable, libjemalloc.so.2 cannot be dlopen'ed, and the unavailable line says
     * why and how to start the JVM (run in a JVM of its own, since this one has the tunable).
     */
    @Test
    void jemallocWithoutTheTunableIsUnavailableWithTheReasonAndTheFix() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Peers.class.getName(), "jemalloc,glibc,arena");
        pb.environment().remove("GLIBC_TUNABLES");
        pb.environment().remove("LD_PRELOAD");
        pb.redirectErrorStream(true);
        Process process = pb.start();
        List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, process.waitFor(), () -> String.join("\n", lines));
        assertEquals(3, lines.size(), () -> String.join("\n", lines));
        String jemalloc = lines.get(0);
        if (jemalloc.endsWith("not found; install it with: apt-get install libjemalloc2")) {
            assertEquals("jemalloc\tunavailable\tjemalloc unavailable: libjemalloc.so.2 not found; install it with: apt-get install libjemalloc2", jemalloc);
        } else {
            // The loader's message names the file it found, e.g. /lib/x86_64-linux-gnu/libjemalloc.so.2.
            assertTrue(jemalloc.startsWith("jemalloc\tunavailable\tjemalloc unavailable: libjemalloc.so.2 cannot be loaded ("), jemalloc);
            assertTrue(jemalloc.endsWith("libjemalloc.so.2: cannot allocate memory in static TLS block); start the JVM with "
                    + JemallocPeer.TUNABLE + " in its environment (or LD_PRELOAD=libjemalloc.so.2)"), jemalloc);
        }
        assertEquals(List.of("glibc\tavailable", "arena\tavailable\tsame-thread-frees-only"), lines.subList(1, 3));
    }

    /** The peer calls jemalloc's own malloc, not glibc's: a 100-byte request lands in jemalloc's 112-byte class. */
    @Test
    @SuppressWarnings("restricted")
    void jemallocPeerCallsJemalloc() throws Throwable {
        BenchAllocator a;
        try {
            a = Peers.create("jemalloc");
        } catch (PeerUnavailableException e) {
            Assumptions.abort(e.getMessage());
            return;
        }
        try (a) {
            Linker linker = Linker.nativeLinker();
            MethodHandle usable = linker.downcallHandle(
                    SymbolLookup.libraryLookup("libjemalloc.so.2", Arena.global()).findOrThrow("malloc_usable_size"),
                    FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
            long p = a.malloc(100);
            assertEquals(112L, (long) usable.invokeExact(p));
            a.free(p);
        }
    }

    /**
     * The Netty peers pin Netty's JDK 25 default, no {@code sun.misc.Unsafe}, whatever
     * {@code --sun-misc-unsafe-memory-access} says (unless {@code io.netty.noUnsafe} was given).
     */
    @Test
    void nettyPeersRunWithoutUnsafe() {
        try (BenchAllocator a = Peers.create("netty-pooled")) {
            if (!"true".equals(System.getProperty("io.netty.noUnsafe"))) {
                Assumptions.abort("io.netty.noUnsafe was set to " + System.getProperty("io.netty.noUnsafe") + " from outside");
            }
            assertFalse(io.netty.util.internal.PlatformDependent.hasUnsafe());
            assertTrue(a.freesOnAnyThread());
        }
    }

    private static List<String> runMain(String... args) {
        PrintStream out = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            Peers.main(args);
        } finally {
            System.setOut(out);
        }
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** Each generated peer is compared with a generic peer of exactly the same settings. */
    @Test
    void genericPeersHaveTheirSpecsSettings() {
        assertEquals(AllocatorConfig.defaults(), GenDefault.CONFIG, "hakmem vs hakmem-gen (default.yaml)");
        assertEquals(AllocatorConfig.builder().checks(false).build(), GenNoChecks.CONFIG, "hakmem-nochecks vs hakmem-gen-nochecks");
        assertEquals(16, GenSmallCaches.CONFIG.cacheCapacity(0), "small-caches.yaml is in effect");
    }
}
