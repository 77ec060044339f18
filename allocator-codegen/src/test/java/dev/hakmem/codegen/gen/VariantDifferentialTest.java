package dev.hakmem.codegen.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.AllocatorStats;
import dev.hakmem.Hakmem;
import dev.hakmem.NativeAllocator;
import dev.hakmem.Tier;
import dev.hakmem.codegen.AllocatorSpec;
import dev.hakmem.codegen.spec.SpecParser;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The same random operation sequence on a generated variant and on {@code Hakmem.create(config)} of the
 * same spec: every malloc must get the same usable size (same class) on both, the tiers must count the
 * same operations, every block's content is checked before its free (a model of the live blocks), and
 * both end with nothing live. Then a cross-thread phase (frees of another thread's Tiny blocks go
 * through the generated remote path) and misuse (double free, with checks on, and interior free, in both
 * modes, through the generated free).
 */
class VariantDifferentialTest {
    static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    static final int OPS = 200_000;

    /**
     * A closed variant refuses malloc and free on a thread whose front is warm, as the generic allocator
     * does, although its fast path tests no closed flag: close empties the runtime's table of fronts, so
     * the lookup misses and the variant takes the generic path, which throws. A thread that never
     * allocated is refused too, and so is the free of a block another thread allocated.
     */
    @ParameterizedTest(name = "checks {0}")
    @CsvSource({"true", "false"})
    void closedVariantRefusesEveryCallThroughTheFront(boolean checks, @TempDir Path dir) throws Exception {
        AllocatorSpec spec = SpecParser.parse("""
                variant: gen.closed.ClosedAllocator
                checks: %s
                tiny:
                  classes: [16, 32, 64, 1024]
                """.formatted(checks), "closed.yaml");
        try (URLClassLoader loader = GeneratedCode.compile(spec, dir)) {
            NativeAllocator variant = (NativeAllocator) loader.loadClass(spec.className()).getMethod("create").invoke(null);
            long kept = variant.malloc(24);
            long[] other = new long[1];
            Thread t = new Thread(() -> other[0] = variant.malloc(24)); // a second thread with a front
            t.start();
            t.join();
            for (int i = 0; i < 1000; i++) variant.free(variant.malloc(24)); // the front is warm
            variant.close();
            var m = assertThrows(IllegalStateException.class, () -> variant.malloc(24), "malloc after close");
            assertTrue(m.getMessage().contains("closed"), m.getMessage());
            var f = assertThrows(IllegalStateException.class, () -> variant.free(kept), "free after close");
            assertTrue(f.getMessage().contains("closed"), f.getMessage());
            Throwable[] onOther = new Throwable[1];
            Thread u = new Thread(() -> {
                try {
                    variant.malloc(24);
                } catch (Throwable e) {
                    onOther[0] = e;
                }
            });
            u.start();
            u.join();
            assertTrue(onOther[0] instanceof IllegalStateException, "malloc after close on a new thread: " + onOther[0]);
            assertThrows(IllegalStateException.class, () -> variant.free(other[0]), "free of another thread's block after close");
        }
    }

    /** Fronts for the classes up to 64 bytes (three of eight) and for all, with checks on and off. */
    @ParameterizedTest(name = "checks {0}, frontsUpTo {1}")
    @CsvSource({"true, 64", "false, 64", "true, 1024", "false, 1024"})
    void variantBehavesLikeTheGenericAllocator(boolean checks, int frontsUpTo, @TempDir Path dir) throws Exception {
        AllocatorSpec spec = SpecParser.parse("""
                variant: gen.diff.DiffAllocator
                checks: %s
                frontsUpTo: %d
                tiny:
                  cache: {capacity: 8, batch: 2}
                  classes: [16, 32, {size: 48, capacity: 64, batch: 16}, 80, 128, 256, 512, 1024]
                """.formatted(checks, frontsUpTo), "diff.yaml");
        AllocatorConfig config = spec.config(); // the generic allocator is built from the same spec
        try (URLClassLoader loader = GeneratedCode.compile(spec, dir);
                NativeAllocator variant = (NativeAllocator) loader.loadClass(spec.className()).getMethod("create").invoke(null);
                NativeAllocator generic = Hakmem.create(config)) {
            run(variant, generic);
            AllocatorStats v = variant.stats(), g = generic.stats();
            for (Tier t : Tier.values()) {
                assertEquals(g.tier(t).allocations(), v.tier(t).allocations(), t + " allocations: same tier decisions");
                assertEquals(g.tier(t).frees(), v.tier(t).frees(), t + " frees");
            }
            for (int c = 0; c < config.classCount(); c++) {
                assertEquals(g.classes().get(c).allocations(), v.classes().get(c).allocations(), "class " + c + " allocations");
            }
            assertEquals(0, v.liveBlocks());
            assertEquals(0, g.liveBlocks());

            crossThread(variant);
            if (checks) {
                long p = variant.malloc(40);
                variant.free(p);
                assertThrows(IllegalStateException.class, () -> variant.free(p), "double free through the generated front");
            }
            // Checks on or off, an address inside a block (48-byte class: p + 16 is a 16-byte granule but
            // no block's start) is refused through the generated front, changing nothing.
            long q = variant.malloc(40);
            assertThrows(IllegalArgumentException.class, () -> variant.free(q + 16), "interior free through the generated front");
            variant.free(q);
            assertEquals(0, variant.stats().liveBlocks());
        }
    }

    /** Slot loop over sizes in every tier, mirrored on both allocators. */
    static void run(NativeAllocator variant, NativeAllocator generic) {
        SplittableRandom r = new SplittableRandom(42);
        int slots = 512;
        long[] pv = new long[slots], pg = new long[slots], size = new long[slots];
        for (int i = 0; i < OPS; i++) {
            int s = r.nextInt(slots);
            if (pv[s] != 0) {
                check(pv[s], size[s], s);
                check(pg[s], size[s], s);
                variant.free(pv[s]);
                generic.free(pg[s]);
                pv[s] = pg[s] = 0;
            } else {
                int pick = r.nextInt(100);
                long n = pick < 85 ? r.nextInt(1025) : pick < 97 ? 1025 + r.nextInt(31 * 1024) : 32 * 1024 + r.nextInt(3 << 20);
                pv[s] = variant.malloc(n);
                pg[s] = generic.malloc(n);
                assertEquals(generic.usableSize(pg[s]), variant.usableSize(pv[s]), "usable size of a " + n + "-byte request");
                size[s] = n;
                fill(pv[s], n, s);
                fill(pg[s], n, s);
            }
        }
        for (int s = 0; s < slots; s++) {
            if (pv[s] != 0) {
                check(pv[s], size[s], s);
                variant.free(pv[s]);
                generic.free(pg[s]);
            }
        }
    }

    /** One thread allocates Tiny blocks, another frees them (remote frees into the owner's inbox), then the owner reuses them. */
    static void crossThread(NativeAllocator variant) throws InterruptedException {
        ConcurrentLinkedQueue<Long> handed = new ConcurrentLinkedQueue<>();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread owner = new Thread(() -> {
            for (int i = 0; i < 10_000; i++) {
                long p = variant.malloc(16 + (i % 60));
                fill(p, 16, i);
                handed.add(p);
            }
        });
        owner.start();
        owner.join();
        Thread freer = new Thread(() -> {
            try {
                int i = 0;
                for (Long p; (p = handed.poll()) != null; i++) {
                    check(p, 16, i);
                    variant.free(p);
                }
            } catch (Throwable t) {
                errors.add(t);
            }
        });
        freer.start();
        freer.join();
        assertTrue(errors.isEmpty(), () -> "freer failed: " + errors);
    }

    static void fill(long p, long n, int tag) {
        if (n >= 8) ALL.set(ValueLayout.JAVA_LONG_UNALIGNED, p, p ^ tag);
        if (n >= 16) ALL.set(ValueLayout.JAVA_LONG_UNALIGNED, p + n - 8, ~p ^ tag); // head and tail do not overlap
    }

    static void check(long p, long n, int tag) {
        if (n >= 8) assertEquals(p ^ tag, ALL.get(ValueLayout.JAVA_LONG_UNALIGNED, p), "head of block " + Long.toHexString(p));
        if (n >= 16) assertEquals(~p ^ tag, ALL.get(ValueLayout.JAVA_LONG_UNALIGNED, p + n - 8), "tail of block " + Long.toHexString(p));
    }
}
