package dev.hakmem.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorStats;
import dev.hakmem.NativeAllocator;
import dev.hakmem.internal.os.FaultInjector;
import dev.hakmem.internal.os.FaultInjector.Call;
import dev.hakmem.internal.os.OsMemory;
import java.util.Map;

/**
 * The end-of-run check of the fault-injection tests ({@code dev.hakmem.FaultInjectionTest},
 * {@code dev.hakmem.stress.FaultSoakTest}): with nothing live, the memory budget counts exactly what the allocator still holds.
 *
 * <p>How: a request beyond the memory limit makes the allocator give back everything it caches
 * (ended threads' caches, this thread's cache, free slabs, free Large runs and chunks, retained Huge
 * mappings) before it throws OutOfMemoryError. What it may still hold then is only what the OS
 * refused to take back: Huge mappings whose {@code munmap} was refused and that are still mapped
 * (the injector lists the refused ranges; the test lists the Huge blocks it freed). Memory the OS
 * still maps must still be counted, and memory given back must not be: so committed bytes must equal
 * the Huge mappings the allocator still holds, each of them one of those ranges. (The check used to
 * compare with every refused range that {@code mincore} finds mapped: once in a 10^8-operation soak,
 * ranges the allocator had unmapped on its retry were mapped again by the time they were looked at.) A refused {@code madvise} leaves nothing behind here, as the allocator
 * tries the release again under the same pressure.
 */
public final class ExactBudget {
    private ExactBudget() {}

    /**
     * Bytes of the Huge blocks in {@code freedHuge} (address to mapped size) whose unmapping
     * {@code injector} refused and that are still mapped; appends them to {@code detail}.
     */
    public static long stillMappedHuge(FaultInjector injector, Map<Long, Long> freedHuge, StringBuilder detail) {
        long bytes = 0;
        for (FaultInjector.Refusal r : injector.refusals(Call.MUNMAP)) {
            Long size = freedHuge.get(r.address());
            if (size == null || size != r.size() || OsMemory.residentBytes(r.address(), r.size()) < 0) continue;
            bytes += r.size();
            detail.append(" 0x").append(Long.toHexString(r.address())).append('+').append(r.size());
        }
        return bytes;
    }

    /**
     * Asserts, for an allocator with nothing live and {@code injector} removed, that after memory
     * pressure its committed bytes are exactly {@link #stillMappedHuge}; returns the stats then.
     */
    public static AllocatorStats assertExact(NativeAllocator alloc, long memoryLimit, long addressSpace, FaultInjector injector,
            Map<Long, Long> freedHuge) {
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> alloc.malloc(memoryLimit + 1),
                "a request beyond the memory limit");
        assertTrue(String.valueOf(e.getMessage()).contains("memory limit"), e.getMessage());
        StringBuilder kept = new StringBuilder();
        long stillMapped = stillMappedHuge(injector, freedHuge, kept);
        AllocatorStats s = alloc.stats();
        assertEquals(0, s.liveBlocks(), "live blocks");
        // What the allocator still maps of the Huge tier (nothing is live or retained now): only mappings the OS refused to unmap.
        long hugeHeld = s.bytesReserved() - addressSpace;
        assertEquals(hugeHeld, s.bytesCommitted(), () -> "committed bytes with nothing live and every cache given back, vs the "
                + "Huge mappings the allocator still holds: " + brief(s));
        // Each of those is a refused range the OS still maps. (Not equality: a range the allocator did unmap
        // on its retry may be mapped again by the time it is looked at, by anything in the process.)
        assertTrue(hugeHeld <= stillMapped, () -> "the allocator counts " + hugeHeld + " bytes of Huge mappings, more than the "
                + "ranges the OS refused to unmap and still maps (" + (kept.isEmpty() ? " none" : kept) + "): " + brief(s));
        assertTrue(s.bytesResident() <= s.bytesCommitted(), () -> "resident > committed: " + brief(s));
        return s;
    }

    /** The stats without the per-class lines, for messages. */
    public static String brief(AllocatorStats s) {
        return "stats[live " + s.liveBlocks() + " blocks, " + s.bytesLive() + " bytes; committed " + s.bytesCommitted() + ", resident "
                + s.bytesResident() + ", reserved " + s.bytesReserved() + "; " + s.tiers() + "]";
    }
}
