package dev.hakmem.internal.large;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.internal.os.FaultInjector;
import dev.hakmem.internal.os.FaultInjector.Call;
import dev.hakmem.internal.os.MemoryBudget;
import dev.hakmem.internal.os.OsMemory;
import dev.hakmem.internal.os.RefusedReleases;
import dev.hakmem.internal.os.Reservation;
import dev.hakmem.internal.registry.ChunkRegistry;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Free Large pages the OS refuses to decommit ({@code madvise} fails) are still resident: they must
 * stay dirty free pages, charged to the budget, so that the budget never counts less than is held and
 * a calloc of them is zeroed; and an entirely free chunk must not go back to the reservation (which
 * hands it out again as reading zero) with its old contents. Before the return code was checked, the
 * pages were uncharged and marked clean, and a calloc of them returned the old bytes.
 */
class LargeRefusedDecommitTest {
    private static final long MiB = 1L << 20;
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private final MemoryBudget budget = new MemoryBudget(Long.MAX_VALUE);
    private final Reservation reservation = new Reservation(64 * MiB, budget);
    private final ChunkRegistry registry = new ChunkRegistry(reservation.base(), reservation.size(), true);

    @AfterEach
    void cleanUp() {
        reservation.unmap();
        assertNull(FaultInjector.installed(), "no injector may stay installed");
    }

    private static void fill(long p, long bytes) {
        for (long off = 0; off < bytes; off += 8) ALL.set(ValueLayout.JAVA_LONG, p + off, 0x5A5A_0000_0000L | off);
    }

    private static void assertZero(long p, long bytes, String what) {
        for (long off = 0; off < bytes; off += 8) {
            long v = ALL.get(ValueLayout.JAVA_LONG, p + off);
            if (v != 0) throw new AssertionError(what + ": byte offset " + off + " holds 0x" + Long.toHexString(v));
        }
    }

    /** No retention: the free trims at once, and the chunk, entirely free, would go back to the reservation. */
    @Test
    void aChunkWhoseDecommitIsRefusedStaysChargedAndItsPagesAreZeroedForCalloc() {
        LargeTier tier = new LargeTier(reservation, budget, registry, 0, 1);
        long p = tier.allocate(MiB, 4096, false);
        fill(p, MiB);
        long reported = RefusedReleases.count();
        try (FaultInjector f = FaultInjector.builder(1).failWithProbability(Call.MADVISE, 1).install()) {
            tier.free(p);
            assertTrue(f.refused(Call.MADVISE) >= 1, f.toString());
        }
        assertTrue(RefusedReleases.count() > reported, "the refusal is reported");
        assertEquals(MiB, budget.committed(), "the resident pages stay charged");
        assertEquals(MiB, tier.cachedBytes(), "and stay dirty free pages");
        assertEquals(1, tier.ofArena(0, LargeArena::chunkCount), "the chunk stays in the arena");
        assertTrue(OsMemory.residentBytes(p, MiB) >= MiB, "the OS kept them");

        long q = tier.allocate(MiB, 4096, true);
        assertEquals(p, q, "best fit: the same pages");
        assertZero(q, MiB, "calloc of pages whose decommit was refused");
        assertEquals(MiB, budget.committed(), "reusing dirty pages charges nothing more");

        tier.free(q); // no injector: the chunk goes back now
        assertEquals(0, budget.committed());
        assertEquals(0, tier.cachedBytes());
        assertEquals(0, tier.ofArena(0, LargeArena::chunkCount));
        assertEquals(0, OsMemory.residentBytes(p, MiB));
    }

    /** A refused decommit of a free run in a partly used chunk: charged until the next trim succeeds. */
    @Test
    void aFreeRunWhoseDecommitIsRefusedIsTriedAgainAtTheNextTrim() {
        LargeTier tier = new LargeTier(reservation, budget, registry, 0, 1);
        long a = tier.allocate(MiB, 4096, false), b = tier.allocate(MiB, 4096, false);
        fill(a, MiB);
        fill(b, MiB);
        try (FaultInjector f = FaultInjector.builder(2).failNth(Call.MADVISE, 1).install()) {
            tier.free(a);
            assertEquals(1, f.refused(Call.MADVISE));
        }
        assertEquals(2 * MiB, budget.committed(), "a's pages are resident still");
        assertEquals(MiB, tier.cachedBytes());
        tier.free(b); // coalesces with a into one entirely free chunk, which goes back whole
        assertEquals(0, budget.committed());
        assertEquals(0, tier.cachedBytes());
        assertEquals(0, OsMemory.residentBytes(a, 2 * MiB));
    }

    /** The space reclaimer and memory pressure give back only what the OS took back. */
    @Test
    void pressureGivesBackOnlyWhatTheOsTookBack() {
        LargeTier tier = new LargeTier(reservation, budget, registry, 64 * MiB, 1);
        long a = tier.allocate(2 * MiB, 4096, false);
        fill(a, 2 * MiB);
        tier.free(a); // retained: an entirely free chunk with 2 MiB dirty
        assertEquals(2 * MiB, budget.committed());
        try (FaultInjector f = FaultInjector.builder(3).failWithProbability(Call.MADVISE, 1).install()) {
            assertEquals(Reservation.NO_CHUNK, tier.reclaimSpace(), "no chunk could be cleaned to hand over");
            tier.releaseCache();
            assertTrue(f.refused(Call.MADVISE) >= 2, f.toString());
        }
        assertEquals(2 * MiB, budget.committed());
        assertEquals(2 * MiB, tier.cachedBytes());
        assertEquals(1, tier.ofArena(0, LargeArena::chunkCount));
        long handed = tier.reclaimSpace();
        assertEquals(a, handed, "handed over once the OS takes the pages");
        assertEquals(0, budget.committed());
        assertZero(handed, Reservation.CHUNK_SIZE, "the chunk handed over");
    }
}
