package dev.hakmem;

import static dev.hakmem.TestMemory.MiB;
import static dev.hakmem.TestMemory.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.DifferentialModelTest.Block;
import dev.hakmem.DifferentialModelTest.Run;
import dev.hakmem.internal.ExactBudget;
import dev.hakmem.internal.os.FaultInjector;
import dev.hakmem.internal.os.FaultInjector.Call;
import dev.hakmem.testing.OnThread;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The differential model of {@link DifferentialModelTest} (its steps, checks and content patterns),
 * run while the OS refuses {@code mmap}, {@code munmap}, {@code mprotect} and {@code madvise}
 * ({@link FaultInjector}), with and without a memory limit.
 *
 * <p>What must hold:
 * <ul>
 *   <li>Every refusal surfaces as an {@link OutOfMemoryError} from the allocating call, or is absorbed
 *       (free never throws); and every OutOfMemoryError is explained, by the memory limit or by a call
 *       the OS refused during it. The model is unchanged by a failed call (a realloc that fails keeps
 *       its block).</li>
 *   <li>Throughout (every {@value #CHECK_EVERY} operations): no block handed out overlaps a live one
 *       (checked at each allocation), every live block holds its pattern, the stats' live blocks and
 *       bytes equal the model's, and committed bytes lie between the live bytes and the limit and are
 *       at least the resident bytes.</li>
 *   <li>Afterwards, with every block freed (on the workload's thread, which then ends) and the injector
 *       removed: an allocation of every tier succeeds again, and under a memory limit, once memory
 *       pressure has made the allocator give back everything it caches, the budget is exact: it
 *       counts nothing but the Huge mappings the OS refused to unmap that are still mapped (memory
 *       still held must still count; memory given back must not).</li>
 * </ul>
 *
 * <p>Seeds are fixed; a failure names the scenario, the seed, the operation and the injector's
 * counts, on stderr and in the assertion. The workload weighs Large and Huge requests more than
 * {@link DifferentialModelTest} does, since they make most of the system calls, and injects no misuse
 * (that is {@link DifferentialModelTest}'s and {@link MisuseTest}'s). Six scenarios of
 * {@value #OPS} operations: about 15 s in all.
 */
@ExtendWith(OomAsFailure.class)
class FaultInjectionTest {
    static final int OPS = 20_000;
    static final int CHECK_EVERY = 5_000;
    static final long MAX_LIVE_BYTES = 64 * MiB;

    @AfterEach
    void noInjectorLeftInstalled() {
        FaultInjector left = FaultInjector.installed();
        if (left != null) left.close();
        assertNull(left, "a test left a FaultInjector installed");
    }

    /** Which calls fail: applied to the builder of the scenario's injector. */
    interface Faults extends UnaryOperator<FaultInjector.Builder> {}

    /** The 1st, 2nd, 3rd, 5th, 8th ... (Fibonacci) call of every kind fails. */
    static FaultInjector.Builder fibonacciCalls(FaultInjector.Builder b) {
        for (Call c : Call.values()) {
            for (long x = 1, y = 2; x < 1_000_000; y = x + (x = y)) b.failNth(c, x);
        }
        return b;
    }

    static Stream<Arguments> scenarios() {
        Set<Call> all = EnumSet.allOf(Call.class);
        return Stream.of(
                // Huge retention off here: kept mappings make mmap so rare that 5% never refuses one (7 calls
                // in a run); the other scenarios keep Huge mappings (64 MiB by default, 8 MiB in the third).
                Arguments.of("every kind 5%, no memory limit, no Huge retention",
                        AllocatorConfig.builder().largeRetainedBytes(4 * MiB).hugeRetainedBytes(0).build(),
                        (Faults) b -> b.failEveryKindWithProbability(0.05), all, 0xFA17_0001L),
                Arguments.of("every kind 10%, memoryLimit 48 MiB",
                        AllocatorConfig.builder().largeRetainedBytes(4 * MiB).memoryLimit(48 * MiB).build(),
                        (Faults) b -> b.failEveryKindWithProbability(0.10), all, 0xFA17_0002L),
                Arguments.of("Fibonacci-numbered calls, memoryLimit 24 MiB, no Large retention, Huge retention 8 MiB",
                        AllocatorConfig.builder().memoryLimit(24 * MiB).largeRetainedBytes(0).hugeRetainedBytes(8 * MiB)
                                .tinyCache(8, 4).midCache(4, 2).build(),
                        (Faults) FaultInjectionTest::fibonacciCalls, all, 0xFA17_0003L),
                Arguments.of("checks off, every kind 10%, memoryLimit 32 MiB",
                        AllocatorConfig.builder().checks(false).largeRetainedBytes(2 * MiB).memoryLimit(32 * MiB).build(),
                        (Faults) b -> b.failEveryKindWithProbability(0.10), all, 0xFA17_0004L),
                Arguments.of("madvise and munmap always refused, memoryLimit 64 MiB",
                        AllocatorConfig.builder().largeRetainedBytes(MiB).memoryLimit(64 * MiB).build(),
                        (Faults) b -> b.failWithProbability(Call.MADVISE, 1).failWithProbability(Call.MUNMAP, 1),
                        EnumSet.of(Call.MADVISE, Call.MUNMAP), 0xFA17_0005L),
                Arguments.of("mmap and mprotect refused 40%, memoryLimit 1 TiB (pressure only from faults)",
                        AllocatorConfig.builder().memoryLimit(1L << 40).build(),
                        (Faults) b -> b.failWithProbability(Call.MMAP, 0.4).failWithProbability(Call.MPROTECT, 0.4),
                        EnumSet.of(Call.MMAP, Call.MPROTECT), 0xFA17_0006L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void theModelHoldsUnderInjectedFaults(String name, AllocatorConfig config, Faults faults, Set<Call> refused, long seed)
            throws Exception {
        FaultInjector injector = faults.apply(FaultInjector.builder(seed)).build();
        try (NativeAllocator alloc = Hakmem.create(config)) {
            FaultRun fr = new FaultRun(alloc, config, injector, seed);
            try {
                injector.install();
                try {
                    onOwnThread(() -> workload(fr, OPS)); // its thread cache dies with it: reclaimable
                } finally {
                    injector.close();
                }
                fr.run.what = "recovery, injector removed";
                recover(fr);
                fr.run.what = "exact budget, injector removed";
                exactBudget(fr);
            } catch (Throwable t) {
                String msg = "FaultInjectionTest [" + name + "] failed: " + fr.run.where() + " after " + fr.run.checkedOps
                        + " operations, " + fr.run.model.live.size() + " live blocks, " + fr.ooms + " OutOfMemoryErrors; "
                        + injector + ": " + t;
                System.err.println(msg);
                throw new AssertionError(msg, t);
            }
            System.out.printf("[fault-injection] %s: seed %d, %,d operations, %,d OutOfMemoryErrors (%,d of them the memory limit), %s%n",
                    name, seed, fr.run.checkedOps, fr.ooms, fr.limitOoms, injector);
            for (Call c : refused) {
                assertTrue(injector.refused(c) > 0, name + ": the workload never reached a refused " + c + " (" + injector + ")");
            }
        }
    }

    /** One run: the model's run, the injector, and what the test saw. */
    static final class FaultRun {
        final Run run;
        final AllocatorConfig config;
        final FaultInjector injector;
        long ooms, limitOoms;
        /** Huge blocks freed (address to mapped size): a refused munmap of one of them keeps memory held. */
        final Map<Long, Long> freedHuge = new HashMap<>();

        FaultRun(NativeAllocator alloc, AllocatorConfig config, FaultInjector injector, long seed) {
            this.run = new Run(alloc, seed, false); // misuse has its own tests (MisuseTest, DifferentialModelTest)
            this.config = config;
            this.injector = injector;
            run.sizes = FaultInjectionTest::size;
            run.maxLiveBytes = MAX_LIVE_BYTES;
            run.afterFree = b -> {
                if (b.usable > AllocatorConfig.LARGE_MAX) freedHuge.put(b.address, b.usable); // only Huge blocks are that big
            };
        }
    }

    /** Request sizes: Tiny 45%, Mid 30%, Large 23.5%, Huge 0.8%, edge sizes 1%. */
    static long size(SplittableRandom r) {
        int x = r.nextInt(1000);
        if (x < 10) return DifferentialModelTest.EDGES[r.nextInt(DifferentialModelTest.EDGES.length)];
        if (x < 460) return r.nextInt(AllocatorConfig.TINY_MAX + 1);
        if (x < 760) return AllocatorConfig.TINY_MAX + 1 + r.nextInt(AllocatorConfig.MID_MAX - AllocatorConfig.TINY_MAX);
        if (x < 992) {
            double lo = Math.log(AllocatorConfig.MID_MAX + 1), hi = Math.log(AllocatorConfig.LARGE_MAX);
            return Math.min(AllocatorConfig.LARGE_MAX, (long) Math.exp(lo + r.nextDouble() * (hi - lo)));
        }
        return AllocatorConfig.LARGE_MAX + 1 + r.nextLong(4 * MiB);
    }

    static void workload(FaultRun fr, int ops) {
        Run run = fr.run;
        for (run.op = 0; run.op < ops; run.op++) {
            if (run.op % 2_500 == 0) run.freeBias = (run.op / 2_500) % 2 == 0 ? 30 : 42;
            long refusedBefore = fr.injector.refused();
            try {
                DifferentialModelTest.step(run);
            } catch (OutOfMemoryError e) {
                explained(fr, e, refusedBefore);
            }
            run.checkedOps++;
            if (run.op % CHECK_EVERY == CHECK_EVERY - 1) checkpoint(fr);
        }
        run.what = "final checkpoint";
        checkpoint(fr);
        run.what = "final free";
        while (!run.model.live.isEmpty()) DifferentialModelTest.freeBlock(run, run.model.live.get(run.model.live.size() - 1));
        AllocatorStats s = run.alloc.stats();
        assertEquals(0, s.liveBlocks(), () -> "stats().liveBlocks() after freeing every block: " + ExactBudget.brief(s));
        assertEquals(0, s.bytesLive(), () -> "stats().bytesLive() after freeing every block: " + ExactBudget.brief(s));
    }

    /** An OutOfMemoryError must have a cause: the memory limit, or a call the OS refused during this operation. */
    static void explained(FaultRun fr, OutOfMemoryError e, long refusedBefore) {
        fr.ooms++;
        String m = String.valueOf(e.getMessage());
        if (m.contains("memory limit")) {
            fr.limitOoms++;
        } else if (fr.injector.refused() == refusedBefore) {
            throw new AssertionError("OutOfMemoryError with no refused call during the operation and not the memory limit: " + m, e);
        }
    }

    /**
     * Every live block holds its pattern; the stats agree with the model on live blocks and bytes; the
     * committed bytes are at least the live and the resident bytes and at most the limit.
     */
    static void checkpoint(FaultRun fr) {
        Run run = fr.run;
        for (Block b : run.model.live) DifferentialModelTest.verify(run, b, "checkpoint");
        AllocatorStats s = run.alloc.stats();
        assertEquals(run.model.live.size(), s.liveBlocks(), () -> "stats().liveBlocks() vs the model: " + ExactBudget.brief(s));
        assertEquals(run.model.liveBytes, s.bytesLive(), () -> "stats().bytesLive() vs the model's usable bytes: " + ExactBudget.brief(s));
        assertTrue(s.bytesCommitted() >= s.bytesLive(), () -> "committed < live bytes: " + ExactBudget.brief(s));
        assertTrue(s.bytesCommitted() <= fr.config.memoryLimit(), () -> "committed > the memory limit: " + ExactBudget.brief(s));
        assertTrue(s.bytesResident() <= s.bytesCommitted(), () -> "resident > committed (held memory not counted): " + ExactBudget.brief(s));
    }

    /** Sizes of every tier (and alignments beyond the classes) that must be had again once the faults stop. */
    static final long[][] RECOVERY = {
            {16, 16}, {1000, 16}, {5000, 16}, {32768, 16}, {100_000, 16}, {2 * MiB, 16}, {3 * MiB, 16},
            {40_000, MiB}, {5 * MiB, 4 * MiB}};

    /** With the injector removed, every tier allocates again: blocks are usable and calloc zeroes. */
    static void recover(FaultRun fr) {
        NativeAllocator alloc = fr.run.alloc;
        for (long[] sa : RECOVERY) {
            long size = sa[0], alignment = sa[1];
            long p = alignment == 16 ? alloc.malloc(size) : alloc.mallocAligned(size, alignment);
            assertEquals(0, p & (alignment - 1), "alignment of " + hex(p));
            long tag = TestMemory.tag(fr.run.seed, p, size);
            TestMemory.fill(p, size, tag);
            assertEquals(-1, TestMemory.mismatch(p, size, tag), "content of the recovered block " + hex(p));
            long z = alloc.calloc(1, size);
            assertEquals(-1, TestMemory.firstNonZero(z, size), "calloc(1, " + size + ") after the faults");
            alloc.free(z);
            alloc.free(p);
        }
    }

    /** Under a memory limit, the budget is exact once memory pressure has emptied every cache ({@link ExactBudget}). */
    static void exactBudget(FaultRun fr) {
        long limit = fr.config.memoryLimit();
        if (limit == Long.MAX_VALUE) return; // no pressure can be made: nothing to reclaim against
        ExactBudget.assertExact(fr.run.alloc, limit, fr.config.addressSpace(), fr.injector, fr.freedHuge);
    }

    /** Runs {@code body} on a new platform thread and waits for it (60 s at most); rethrows its failure. */
    static void onOwnThread(Runnable body) throws Exception {
        OnThread.run(Thread.ofPlatform().name("fault-injection-workload"), body, Duration.ofSeconds(60));
    }

    // ------------------------------------------------------------------------------------------------

    /**
     * Creating an allocator while the OS refuses one of its mappings (the reservation, then either block
     * state map) throws OutOfMemoryError naming the errno, and maps nothing for good: a reservation
     * left behind would be 64 GiB of the process's virtual size each time.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void creatingAnAllocatorWhileMmapIsRefusedThrowsAndLeaksNothing() {
        long before = vmSizeKiB();
        for (int round = 0; round < 4; round++) {
            for (int n = 1; n <= 3; n++) {
                int nth = n;
                try (FaultInjector f = FaultInjector.builder(n).failNth(Call.MMAP, n).install()) {
                    OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> Hakmem.create().close(),
                            () -> "mmap #" + nth + " refused");
                    assertTrue(e.getMessage().contains("ENOMEM"), e.getMessage());
                    assertEquals(1, f.refused(Call.MMAP));
                }
            }
        }
        long grown = vmSizeKiB() - before;
        assertTrue(before < 0 || grown < (1L << 20), "virtual size grew by " + grown + " KiB over 12 failed creations");
        try (NativeAllocator alloc = Hakmem.create()) {
            alloc.free(alloc.malloc(100));
        }
    }

    private static long vmSizeKiB() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmSize:")) return Long.parseLong(l.substring(7).trim().split("\\s+")[0]);
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no figure
        }
        return -1;
    }
}
