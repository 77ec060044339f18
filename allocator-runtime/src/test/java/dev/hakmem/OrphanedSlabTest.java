package dev.hakmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.internal.HakmemAllocator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 15 (larson's footprint and its remote frees): the free blocks an ended thread held stay with
 * their slab ({@code OrphanedSlabs}), and one thread takes the slab and them together: the thread that
 * frees one of the slab's live blocks, or a thread about to take a new slab. Before, they were pooled
 * batch by batch, so two threads came to hold blocks of one slab; the one that claimed it received the
 * other's frees as remote frees while the other carved new slabs (larson with two threads: 49 MB
 * committed for 5 MB live after 150 thread lives, and growing).
 */
class OrphanedSlabTest {
    private static final int SIZE = 1024, PER_SLAB = 64; // a 64 KiB Tiny slab of 1024-byte blocks

    /** Blocks of a thread that mallocs two slabs' worth, frees every other one and ends: [live, freed]. */
    private static List<List<Long>> endedThreadWithHalfFreed(NativeAllocator al) throws InterruptedException {
        List<Long> live = new ArrayList<>(), freed = new ArrayList<>();
        Thread t = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 2 * PER_SLAB; i++) {
                long p = al.malloc(SIZE);
                (i % 2 == 0 ? live : freed).add(p);
            }
            for (long p : freed) al.free(p);
        });
        t.join();
        return List.of(live, freed);
    }

    @ParameterizedTest(name = "checks={0}")
    @ValueSource(booleans = {true, false})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theThreadThatFreesASlabsLiveBlockGetsTheFreeBlocksTheEndedOwnerLeftInIt(boolean checks) throws Exception {
        try (NativeAllocator al = Hakmem.create(AllocatorConfig.builder().checks(checks).build())) {
            HakmemAllocator h = (HakmemAllocator) al;
            List<List<Long>> blocks = endedThreadWithHalfFreed(al);
            List<Long> live = blocks.get(0), freed = blocks.get(1);
            EndedThreads.awaitReclaimed(h, 0, 10_000);
            assertTrue(al.stats().tier(Tier.TINY).cachedBytes() >= (long) PER_SLAB * SIZE, "the orphans count as cached");

            long first = live.get(0);
            long slab = h.slabBaseOf(first);
            Set<Long> expected = new HashSet<>(List.of(first));
            for (long p : freed) if (h.slabBaseOf(p) == slab) expected.add(p);
            assertEquals(PER_SLAB / 2 + 1, expected.size(), "test set-up: half of the slab's blocks were freed");
            Set<Long> got = new HashSet<>();
            AtomicInteger owner = new AtomicInteger(-1);
            Thread claimer = Thread.ofPlatform().start(() -> {
                al.free(first); // claims the slab, with the 32 blocks the ended thread freed in it
                owner.set(h.slabOwnerOf(first));
                for (int i = 0; i < expected.size(); i++) got.add(al.malloc(SIZE));
                for (long p : got) al.free(p);
            });
            claimer.join();
            assertNotEquals(0, owner.get(), "the slab is the freeing thread's");
            assertEquals(expected, got, "the freeing thread's next mallocs are exactly the slab's free blocks");
            for (int i = 1; i < live.size(); i++) al.free(live.get(i));
            assertEquals(0, al.stats().liveBlocks());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aFreeOfABlockWhoseOwnerEndedReclaimsThatOwnerAtOnce() throws Exception {
        try (NativeAllocator al = Hakmem.create()) {
            HakmemAllocator h = (HakmemAllocator) al;
            al.free(al.malloc(2 * SIZE)); // this thread's cache, made now: it does not adopt the ended thread's below
            List<Long> blocks = new ArrayList<>();
            Thread t = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < PER_SLAB; i++) blocks.add(al.malloc(SIZE)); // one slab, carved to its end
            });
            t.join();
            int ended = h.slabOwnerOf(blocks.get(0));
            al.free(blocks.get(0)); // microseconds after join(): the reaper (every 50 ms) has almost surely not run
            int now = h.slabOwnerOf(blocks.get(0));
            assertNotEquals(ended, now, "the block was sent to the ended owner's inbox, which nobody drains");
            assertNotEquals(0, now, "the freeing thread claimed the ended thread's slab");
            assertEquals(1, h.liveThreadCaches(), "only this thread's cache is left");
            for (int i = 1; i < blocks.size(); i++) al.free(blocks.get(i));
            assertEquals(now, h.slabOwnerOf(blocks.get(1)));
            assertEquals(0, al.stats().liveBlocks());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aThreadAboutToTakeANewSlabTakesAnOrphanedOneInstead() throws Exception {
        try (NativeAllocator al = Hakmem.create()) {
            HakmemAllocator h = (HakmemAllocator) al;
            Set<Long> theirs = new HashSet<>();
            Thread t = Thread.ofPlatform().start(() -> {
                List<Long> held = new ArrayList<>();
                for (int i = 0; i < 2 * PER_SLAB; i++) held.add(al.malloc(SIZE));
                theirs.addAll(held);
                for (long p : held) al.free(p);
            });
            t.join();
            EndedThreads.awaitReclaimed(h, 0, 10_000);
            long slabsBefore = al.stats().classes().stream().mapToLong(AllocatorStats.ClassStats::slabs).sum();
            Set<Long> got = new HashSet<>();
            AtomicInteger owner = new AtomicInteger();
            Thread u = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 2 * PER_SLAB; i++) got.add(al.malloc(SIZE));
                owner.set(h.slabOwnerOf(got.iterator().next()));
            });
            u.join();
            assertEquals(theirs, got, "the new thread's blocks are the ended thread's free ones");
            assertNotEquals(0, owner.get(), "it took the orphaned slabs as its own, not as shared ones");
            assertEquals(slabsBefore, al.stats().classes().stream().mapToLong(AllocatorStats.ClassStats::slabs).sum(), "no new slab");
            for (long p : got) al.free(p);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aThreadThatFreesABlockOfASlabAnEndedThreadWasCarvingCarvesOn() throws Exception {
        try (NativeAllocator al = Hakmem.create()) {
            HakmemAllocator h = (HakmemAllocator) al;
            List<Long> live = new ArrayList<>(), freed = new ArrayList<>();
            Thread t = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 20; i++) (i % 2 == 0 ? live : freed).add(al.malloc(64)); // 20 of a 1024-block slab
                for (long p : freed) al.free(p);
            });
            t.join();
            EndedThreads.awaitReclaimed(h, 0, 10_000);
            long slab = h.slabBaseOf(live.get(0));
            long slabsBefore = al.stats().classes().stream().mapToLong(AllocatorStats.ClassStats::slabs).sum();
            List<Long> got = new ArrayList<>();
            AtomicInteger owner = new AtomicInteger();
            Thread u = Thread.ofPlatform().start(() -> {
                for (long p : live) al.free(p); // the first claims the slab: the others are its owner's frees
                owner.set(h.slabOwnerOf(live.get(0)));
                for (int i = 0; i < 200; i++) got.add(al.malloc(64));
                for (long p : got) al.free(p);
            });
            u.join();
            assertNotEquals(0, owner.get(), "the freeing thread took the slab the ended thread was carving");
            assertTrue(got.stream().allMatch(p -> h.slabBaseOf(p) == slab), "it carved on in that slab");
            assertTrue(got.containsAll(freed), "with the blocks the ended thread had freed");
            assertEquals(slabsBefore, al.stats().classes().stream().mapToLong(AllocatorStats.ClassStats::slabs).sum(), "no new slab");
        }
    }
}
