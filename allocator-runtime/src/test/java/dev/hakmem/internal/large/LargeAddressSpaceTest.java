package dev.hakmem.internal.large;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.internal.ExpectSuccess;
import dev.hakmem.internal.os.MemoryBudget;
import dev.hakmem.internal.os.Reservation;
import dev.hakmem.internal.registry.ChunkRegistry;
import dev.hakmem.internal.small.SpanSource;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Entirely free chunks that the arenas keep within the retained limit hold address space: when the
 * reservation is used up they are given back (the space reclaimer), so another arena or the Tiny/Mid
 * tiers get a chunk. The reservation here is 64 MiB, 16 chunks; the retained limit is unbounded, so
 * without the reclaimer every emptied chunk would stay with its arena.
 *
 * <p>Timeouts run the test in a thread of its own: a deadlock here is a thread waiting for an arena
 * lock, which ignores interrupts, so only then does the timeout fail the test instead of hanging.
 */
class LargeAddressSpaceTest {
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private static final long MiB = 1L << 20;
    private static final int CHUNKS = 16;

    private final MemoryBudget budget = new MemoryBudget(Long.MAX_VALUE);
    private final Reservation reservation = new Reservation(CHUNKS * Reservation.CHUNK_SIZE, budget);
    private final ChunkRegistry registry = new ChunkRegistry(reservation.base(), reservation.size(), true);
    private final LargeTier tier = tierOf(2);

    /** A tier of {@code arenas} arenas without a retained limit, wired as HakmemAllocator wires it. */
    private LargeTier tierOf(int arenas) {
        LargeTier t = new LargeTier(reservation, budget, registry, Long.MAX_VALUE, arenas);
        reservation.setSpaceReclaimer(t::reclaimSpace);
        return t;
    }

    @AfterEach
    void unmap() {
        reservation.unmap();
    }

    /** Fills every chunk of the reservation with 2 MiB blocks of arena 0 (two per chunk). */
    private List<Long> fillArena0() {
        List<Long> blocks = new ArrayList<>();
        for (int i = 0; i < 2 * CHUNKS; i++) blocks.add(tier.allocateIn(0, 2 * MiB, 4096, false));
        assertEquals(CHUNKS, tier.ofArena(0, LargeArena::chunkCount), "test set-up: arena 0 holds every chunk");
        return blocks;
    }

    /** Arena 0 fills the range and frees everything: it keeps all 16 chunks, resident, within the limit. */
    private void cacheEveryChunkInArena0() {
        for (long p : fillArena0()) tier.free(p);
        assertEquals(CHUNKS, tier.ofArena(0, LargeArena::chunkCount), "test set-up: the emptied chunks stay with arena 0");
        assertEquals(CHUNKS * Reservation.CHUNK_SIZE, tier.ofArena(0, LargeArena::cachedBytes));
        assertEquals(CHUNKS * Reservation.CHUNK_SIZE, budget.committed(), "test set-up: the cached pages are charged");
    }

    /**
     * Arena 1 needs a chunk while arena 0 keeps them all: arena 1 lets its lock go, the reclaimer
     * takes both arenas' locks and gives arena 0's free chunks back (a timeout here means a lock was
     * still held), and the allocation succeeds. The cache and the budget shrink with them.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anotherArenaGetsTheChunksOneArenaKeepsFree() {
        cacheEveryChunkInArena0();
        long p = ExpectSuccess.allocation(() -> tier.allocateIn(1, 1 * MiB, 4096, false));
        assertEquals(1, tier.arenaOf(p));
        assertEquals(0, tier.ofArena(0, LargeArena::chunkCount), "arena 0's free chunks went back");
        assertEquals(0, tier.cachedBytes(), "no free page stays cached: the handed-over chunk was decommitted");
        assertEquals(1 * MiB, budget.committed(), "only the live block is charged");
        assertEquals(1, tier.liveBlocks());
        ALL.set(ValueLayout.JAVA_LONG, p + MiB - 8, 42L); // usable
        tier.free(p);
    }

    /** The Tiny/Mid tiers (a span source) take their chunks from the same range: they get them too. */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theSmallTiersGetTheChunksTheLargeTierKeepsFree() {
        cacheEveryChunkInArena0();
        SpanSource spans = new SpanSource(reservation, budget, 19); // 512 KiB Mid spans
        long span = ExpectSuccess.allocation(() -> spans.acquire(32_768));
        assertTrue(reservation.contains(span));
        assertEquals(0, tier.ofArena(0, LargeArena::chunkCount));
        assertEquals(512 * 1024, budget.committed(), "only the span is charged");
    }

    /**
     * With every chunk holding a live block nothing can be given back: the allocation fails naming its
     * size, charges nothing, and leaves both arenas unlocked and usable; once two blocks of one chunk
     * are freed the same allocation succeeds (their chunk, kept free by arena 0, goes to arena 1).
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void withNothingFreeTheAllocationFailsAndBothArenasStayUsable() {
        List<Long> blocks = fillArena0();
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> tier.allocateIn(1, 1 * MiB, 4096, false));
        assertTrue(e.getMessage().contains(String.valueOf(MiB)) && e.getMessage().contains("address space"), e.getMessage());
        assertEquals(CHUNKS * Reservation.CHUNK_SIZE, budget.committed(), "the failed allocation charged nothing");
        assertEquals(blocks.get(0) >>> Reservation.CHUNK_SHIFT, blocks.get(1) >>> Reservation.CHUNK_SHIFT,
                "test set-up: the first two blocks share a chunk");
        tier.free(blocks.remove(1));
        tier.free(blocks.remove(0));
        long p = ExpectSuccess.allocation(() -> tier.allocateIn(1, 1 * MiB, 4096, false));
        assertEquals(1, tier.arenaOf(p));
        assertEquals(CHUNKS - 1, tier.ofArena(0, LargeArena::chunkCount));
        tier.free(p);
        for (long b : blocks) tier.free(b);
        assertEquals(0, tier.liveBlocks());
    }

    /**
     * Threads allocate Large blocks in random arenas of 16 and free them (at most 2 live each, so at
     * most 8 of the 16 chunks hold live blocks), while the arenas keep what they empty: the arenas
     * together soon hold every chunk, and an arena that finds the range used up runs the reclaimer,
     * concurrently with the others' allocations, frees and reclaims. No block may be overwritten,
     * nothing may deadlock, no chunk may be lost (after the last free and a reclaim the whole range can
     * be taken again), the budget ends up holding exactly the cached pages, and allocations fail only
     * rarely (seen: at most 1 in 8,000; without the reclaimer about 1 in 80).
     *
     * <p>"Rarely", not "never": the reclaimer visits the arenas one at a time and hands over the first
     * free chunk it finds; with this much churn in a range this small, the other threads can empty and
     * refill arenas behind it, so that it finds none and the one retry finds the free stack empty too.
     * (That race needs the whole range in constant use; without the reclaimer every allocation in an
     * arena that holds no chunk would fail.)
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void concurrentReclaimsLoseNothingAndNeverDeadlock() throws Exception {
        int arenas = 16;
        LargeTier tier16 = tierOf(arenas);
        LongAdder reclaims = new LongAdder(), allocations = new LongAdder(), failed = new LongAdder();
        reservation.setSpaceReclaimer(() -> { // replaces the 2-arena tier's, which holds no chunk
            reclaims.increment();
            return tier16.reclaimSpace();
        });
        int threads = 4, ops = 4_000;
        Together.run(threads, me -> {
            SplittableRandom rnd = new SplittableRandom(77 + me);
            long[] live = new long[2], sizes = new long[2];
            for (int i = 0; i < ops; i++) {
                int s = rnd.nextInt(2);
                if (live[s] != 0) {
                    verify(live[s], sizes[s]);
                    tier16.free(live[s]);
                    live[s] = 0;
                    continue;
                }
                sizes[s] = 32_769 + rnd.nextLong(2 * MiB - 32_769);
                allocations.increment();
                try {
                    live[s] = tier16.allocateIn(rnd.nextInt(arenas), sizes[s], 4096, false);
                } catch (OutOfMemoryError e) {
                    failed.increment();
                    continue;
                }
                fill(live[s], sizes[s]);
            }
            for (int s = 0; s < 2; s++) if (live[s] != 0) tier16.free(live[s]);
        });
        String counts = reclaims.sum() + " reclaims, " + failed.sum() + " of " + allocations.sum() + " allocations failed";
        assertTrue(reclaims.sum() > 0, "test set-up: the range was used up and reclaimed: " + counts);
        assertTrue(failed.sum() * 500 < allocations.sum(), "more than 0.2% of the allocations failed: " + counts);
        assertEquals(0, tier16.liveBlocks());
        assertEquals(tier16.cachedBytes(), budget.committed(), "with nothing live the budget holds exactly the cached pages");
        tier16.releaseFreeChunks();
        for (int a = 0; a < arenas; a++) assertEquals(0, tier16.ofArena(a, LargeArena::chunkCount), "arena " + a + " kept a chunk");
        assertEquals(0, budget.committed());
        for (int i = 0; i < CHUNKS; i++) {
            assertTrue(reservation.tryAcquireChunk(MiB) != Reservation.NO_CHUNK, "chunk " + i + " of " + CHUNKS + " was lost: " + counts);
        }
        System.out.println("LargeAddressSpaceTest: " + counts);
    }

    private static void fill(long p, long size) {
        for (long off = 0; off + 16 <= size; off += 4096) ALL.set(ValueLayout.JAVA_LONG_UNALIGNED, p + off, p ^ off);
    }

    private static void verify(long p, long size) {
        for (long off = 0; off + 16 <= size; off += 4096) {
            if (ALL.get(ValueLayout.JAVA_LONG_UNALIGNED, p + off) != (p ^ off)) {
                throw new AssertionError("block 0x" + Long.toHexString(p) + " of " + size + " bytes overwritten at +" + off);
            }
        }
    }
}
