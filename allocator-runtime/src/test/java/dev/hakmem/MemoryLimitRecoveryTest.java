package dev.hakmem;

import static dev.hakmem.TestMemory.KiB;
import static dev.hakmem.TestMemory.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14, item 1: memory freed is memory available again under {@code memoryLimit}. Once every
 * block is freed (by the allocating thread, by another thread, or by a thread that has since ended),
 * an allocation of any tier that fits the limit succeeds: partly carved Tiny/Mid slabs, cached Large
 * runs and retained Huge mappings all give way before OutOfMemoryError.
 *
 * <p>Before the fix, slabs were released only when every block of the span was free, and blocks never
 * carved did not count as free, so the first test's {@code malloc(16)} threw with nothing live.
 * Each test runs with checks on and off (they take different paths through the pressure code).
 */
@ExtendWith(OomAsFailure.class)
class MemoryLimitRecoveryTest {
    /** One size in each of several Mid classes: each first malloc charges a whole 512 KiB span. */
    private static final int[] MID_SIZES = {1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096};

    private static NativeAllocator create(long limit, boolean checks) {
        return Hakmem.create(AllocatorConfig.builder().memoryLimit(limit).checks(checks).build());
    }

    /** The program: eight part-carved Mid spans fill a 4 MiB limit; a Tiny malloc must still succeed. */
    @ParameterizedTest(name = "checks={0}")
    @ValueSource(booleans = {true, false})
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void partlyCarvedSpansGiveWayToAnotherClass(boolean checks) {
        try (NativeAllocator al = create(4 * MiB, checks)) {
            for (int s : MID_SIZES) al.free(al.malloc(s));
            long p = al.malloc(16);
            TestMemory.fill(p, 16, 1);
            assertEquals(-1, TestMemory.mismatch(p, 16, 1));
            al.free(p);
            assertEquals(0, al.stats().liveBlocks());
        }
    }

    /**
     * Every small class used once, then Large blocks up to the limit: with nothing live, all but the
     * part of the limit the Large tier's own rounding and one small slab take must be had.
     */
    @ParameterizedTest(name = "checks={0}")
    @ValueSource(booleans = {true, false})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void emptySlabsOfEveryClassGiveWayToLargeBlocks(boolean checks) {
        long limit = 24 * MiB;
        try (NativeAllocator al = create(limit, checks)) {
            for (long s = 16; s <= 32 * KiB; s += s < 1024 ? 16 : 256) al.free(al.malloc(s));
            long had = fillWithLarge(al, limit);
            assertTrue(had >= limit - 3 * MiB, "only " + had + " bytes of Large blocks under a " + limit + "-byte limit with nothing live");
        }
    }

    /** A thread allocates in every class, frees its blocks and ends; another thread then gets the whole limit. */
    @ParameterizedTest(name = "checks={0}")
    @ValueSource(booleans = {true, false})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anEndedThreadsFreedBlocksGiveWay(boolean checks) throws InterruptedException {
        assertLimitUsableAfter(24 * MiB, checks, "the thread ended", al -> {
            List<Long> held = new ArrayList<>();
            for (long s = 16; s <= 32 * KiB; s += s < 1024 ? 16 : 256) held.add(al.malloc(s));
            for (long p : held) al.free(p);
        }, al -> {});
    }

    /**
     * A thread fills whole Mid spans (carved to their end), frees every block and ends: its spans go
     * with their free blocks to the orphaned slabs (issue 15), which give way like the shared lists.
     */
    @ParameterizedTest(name = "checks={0}")
    @ValueSource(booleans = {true, false})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anEndedThreadsFullSpansGiveWay(boolean checks) throws InterruptedException {
        assertLimitUsableAfter(16 * MiB, checks, "the thread filled whole spans and ended", al -> {
            List<Long> held = new ArrayList<>();
            for (int i = 0; i < 3 * 256; i++) held.add(al.malloc(2048)); // three 512 KiB spans of 2048-byte blocks
            for (long p : held) al.free(p);
        }, al -> {});
    }

    /**
     * Blocks allocated by a thread and freed by this one (remote frees, to the allocating thread's
     * inbox) after that thread ended: they give way too.
     */
    @ParameterizedTest(name = "checks={0}")
    @ValueSource(booleans = {true, false})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void blocksFreedByAnotherThreadGiveWay(boolean checks) throws InterruptedException {
        List<Long> made = new ArrayList<>();
        assertLimitUsableAfter(16 * MiB, checks, "remote frees", al -> {
            for (int i = 0; i < 2000; i++) made.add(al.malloc(MID_SIZES[i % MID_SIZES.length]));
        }, al -> made.forEach(al::free));
    }

    /**
     * Runs {@code onAnotherThread} on a thread that then ends, then {@code thenHere} on this one, and
     * checks that Large blocks worth all but 3 MiB of {@code limit} can be had afterwards.
     */
    private static void assertLimitUsableAfter(long limit, boolean checks, String after, Consumer<NativeAllocator> onAnotherThread,
            Consumer<NativeAllocator> thenHere) throws InterruptedException {
        try (NativeAllocator al = create(limit, checks)) {
            Thread t = new Thread(() -> onAnotherThread.accept(al));
            t.start();
            t.join();
            thenHere.accept(al);
            long had = fillWithLarge(al, limit);
            assertTrue(had >= limit - 3 * MiB, "only " + had + " bytes of Large blocks under a " + limit + "-byte limit after " + after);
        }
    }

    /**
     * A thread that lives on keeps what it freed in its cache, and (checks on) the blocks others freed
     * back to it in its inbox, until it calls {@link NativeAllocator#releaseThreadCache()}; then they
     * give way too. (Without that call they may not: only a cache's owner may take from it.)
     */
    @ParameterizedTest(name = "checks={0}")
    @ValueSource(booleans = {true, false})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aLivingThreadsCacheGivesWayOnceReleased(boolean checks) throws Exception {
        long limit = 16 * MiB;
        try (NativeAllocator al = create(limit, checks)) {
            java.util.concurrent.SynchronousQueue<List<Long>> toMain = new java.util.concurrent.SynchronousQueue<>();
            java.util.concurrent.SynchronousQueue<String> toOwner = new java.util.concurrent.SynchronousQueue<>();
            Thread owner = new Thread(() -> {
                try {
                    List<Long> kept = new ArrayList<>(), given = new ArrayList<>();
                    for (int i = 0; i < 400; i++) kept.add(al.malloc(MID_SIZES[i % MID_SIZES.length]));
                    for (int i = 0; i < 400; i++) given.add(al.malloc(512));
                    for (long p : kept) al.free(p); // into this thread's cache and spill
                    toMain.put(given); // main frees these: remote frees, to this thread's inbox
                    toOwner.take();
                    al.releaseThreadCache();
                    toMain.put(List.of());
                    toOwner.take(); // alive until the end of the test
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            owner.start();
            for (long p : toMain.take()) al.free(p);
            toOwner.put("release");
            toMain.take();
            long had = fillWithLarge(al, limit);
            toOwner.put("end");
            owner.join();
            assertTrue(had >= limit - 3 * MiB, "only " + had + " bytes of Large blocks after the living thread released its cache");
        }
    }

    /** Cached Large runs and a retained Huge mapping give way to small blocks, and back. */
    @ParameterizedTest(name = "checks={0}")
    @ValueSource(booleans = {true, false})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void largeAndHugeMemoryGivesWayToSmallBlocks(boolean checks) {
        long limit = 16 * MiB;
        try (NativeAllocator al = create(limit, checks)) {
            long huge = al.malloc(6 * MiB);
            TestMemory.fill(huge, 4096, 7);
            al.free(huge);
            fillWithLarge(al, limit - 6 * MiB);
            List<Long> small = new ArrayList<>();
            try {
                for (int i = 0; ; i++) small.add(al.malloc(i % 2 == 0 ? 4096 : 512));
            } catch (OutOfMemoryError expected) {
                // the limit is reached by small blocks alone
            }
            long bytes = small.size() / 2 * (4096L + 512);
            assertTrue(bytes >= limit - 3 * MiB, "only " + bytes + " bytes of small blocks after Large and Huge memory was freed");
            for (long p : small) al.free(p);
            long p = al.malloc(8 * MiB); // and the small slabs give way to a Huge block again
            TestMemory.fill(p, 8 * MiB, 3);
            al.free(p);
        }
    }

    /**
     * A free of a block whose slab was given back to the OS under memory pressure is still named a
     * double free (IllegalStateException), not a foreign address: the registry remembers the spans
     * it gave back recently.
     */
    @ParameterizedTest(name = "checks={0}")
    @ValueSource(booleans = {true, false})
    void aDoubleFreeAfterItsSlabWasReleasedIsNamedSo(boolean checks) {
        long limit = 8 * MiB;
        try (NativeAllocator al = create(limit, checks)) {
            long tiny = al.malloc(16), mid = al.malloc(3000);
            al.free(tiny);
            al.free(mid);
            fillWithLarge(al, limit); // memory pressure: both slabs go back to the OS
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> al.free(tiny));
            assertTrue(e.getMessage().contains("double free"), e.getMessage());
            e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> al.free(mid));
            assertTrue(e.getMessage().contains("double free"), e.getMessage());
        }
    }

    /** Allocates 1 MiB Large blocks until OutOfMemoryError, frees them; returns the bytes had. */
    private static long fillWithLarge(NativeAllocator al, long limit) {
        List<Long> held = new ArrayList<>();
        try {
            while ((long) held.size() * MiB < limit) {
                long p = al.malloc(MiB);
                TestMemory.fill(p, 64, held.size());
                held.add(p);
            }
        } catch (OutOfMemoryError expected) {
            // the limit, or what is still charged, is reached
        }
        for (long p : held) al.free(p);
        return (long) held.size() * MiB;
    }
}
