package dev.hakmem.internal.huge;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The freed Huge mappings the tier keeps for reuse, as free address ranges: a small page heap, so that
 * a program that frees and mallocs blocks of several MiB (mimalloc-bench's malloc-large: 5-25 MiB,
 * a few live) reuses pages already faulted in instead of mapping and faulting fresh ones for each
 * block, which costs about 100 times as much; and so that the memory still goes back to the OS when
 * the program stops reusing it.
 *
 * <p>Design, after glibc's heap for blocks below its mmap threshold and tcmalloc's page heap:
 * <ul>
 *   <li><b>Best fit with splitting.</b> {@link #take} hands out the part of the range that leaves the
 *       least over (the aligned start of the range, if the alignment asks for one) and keeps the head
 *       and tail it does not use as ranges of their own. A block taken this way is exactly the size a
 *       fresh mapping would be, so {@code usableSize} and the statistics do not change with reuse.</li>
 *   <li><b>Coalescing.</b> {@link #give} merges a freed block with the ranges that end where it starts
 *       and start where it ends, so blocks freed side by side (the kernel places successive mappings
 *       next to each other) serve a larger block later. A range may so span several of the kernel's
 *       mappings: {@code munmap} of the range unmaps each part, and any part of it is readable and
 *       writable, so a block may span them too.</li>
 *   <li><b>Bounded.</b> At most {@code limit} bytes are kept; a block freed beyond it first evicts the
 *       ranges freed longest ago, and a block larger than the limit is not kept at all.</li>
 *   <li><b>Decay.</b> A range not reused for {@link #DECAY_NANOS} goes back to the OS
 *       ({@link #decay}, from the tier's calls and from the allocator's reaper every 50 ms), so an idle
 *       program holds no retained Huge memory after about a second; a merged range counts from its
 *       newest part.</li>
 * </ul>
 * Ranges are few (each is at least a page, and in practice several MiB, within a limit of tens of
 * MiB), so {@link #take} scans them all.
 *
 * <p>Not thread-safe: the tier guards every call with its monitor; the ranges this returns to unmap
 * are no longer listed, and the tier unmaps them outside the monitor.
 */
final class RetainedRanges {
    /** How long a range may stay unused before {@link #decay} gives it back: 1 s. */
    static final long DECAY_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** One free range: {@code [address, address + size)}, freed (or last merged) at {@code freedAt}. */
    private record Range(long address, long size, long freedAt) {
        long end() {
            return address + size;
        }
    }

    /** The ranges by start address; no two overlap or touch (touching ones are merged). */
    private final TreeMap<Long, Range> byAddress = new TreeMap<>();
    private long bytes;

    /** Bytes in the ranges. */
    long bytes() {
        return bytes;
    }

    /** The ranges, as {address, size} pairs (for resident-memory counts and tests). */
    List<long[]> ranges() {
        List<long[]> all = new ArrayList<>(byAddress.size());
        for (Range r : byAddress.values()) all.add(new long[] {r.address, r.size});
        return all;
    }

    /**
     * A block of {@code size} bytes (a multiple of the page size) aligned to {@code alignment} (a power
     * of two) from the ranges, or 0 if none holds one: the best fit, split off its range.
     */
    long take(long size, long alignment) {
        Range best = null;
        long bestStart = 0;
        for (Range r : byAddress.values()) {
            long start = (r.address + alignment - 1) & -alignment;
            if (start - r.address > r.size - size) continue; // no aligned block of size fits (a range smaller than size included)
            if (best == null || r.size < best.size) {
                best = r;
                bestStart = start;
                if (r.size == size) break; // nothing fits better
            }
        }
        if (best == null) return 0;
        byAddress.remove(best.address);
        if (bestStart > best.address) put(new Range(best.address, bestStart - best.address, best.freedAt));
        long tail = best.end() - (bestStart + size);
        if (tail > 0) put(new Range(bestStart + size, tail, best.freedAt));
        bytes -= size;
        return bestStart;
    }

    /**
     * Keeps the freed block {@code [address, address + size)}, merged with the ranges it touches.
     * Returns what the caller must unmap now: the ranges evicted to keep at most {@code limit} bytes
     * (freed longest ago first), or the block itself if it is larger than the limit; never a listed range.
     */
    List<long[]> give(long address, long size, long limit, long now) {
        List<long[]> unmap = new ArrayList<>();
        if (size > limit) {
            unmap.add(new long[] {address, size});
            return unmap;
        }
        while (bytes + size > limit) unmap.add(evictOldest());
        long start = address, end = address + size;
        Map.Entry<Long, Range> below = byAddress.floorEntry(address);
        if (below != null && below.getValue().end() == address) {
            start = below.getKey();
            byAddress.remove(start);
        }
        Range above = byAddress.get(end);
        if (above != null) {
            end = above.end();
            byAddress.remove(above.address);
        }
        put(new Range(start, end - start, now));
        bytes += size;
        return unmap;
    }

    /** Removes and returns ({address, size}) the ranges unused since {@code now - DECAY_NANOS} or earlier. */
    List<long[]> decay(long now) {
        List<long[]> unmap = new ArrayList<>();
        for (Iterator<Range> it = byAddress.values().iterator(); it.hasNext(); ) {
            Range r = it.next();
            if (now - r.freedAt >= DECAY_NANOS) {
                it.remove();
                bytes -= r.size;
                unmap.add(new long[] {r.address, r.size});
            }
        }
        return unmap;
    }

    /** Removes and returns every range ({address, size}). */
    List<long[]> clear() {
        List<long[]> all = ranges();
        byAddress.clear();
        bytes = 0;
        return all;
    }

    private void put(Range r) {
        byAddress.put(r.address, r);
    }

    /** Removes the range freed longest ago (there is one: called only while {@code bytes > 0}). */
    private long[] evictOldest() {
        Range oldest = null;
        for (Range r : byAddress.values()) {
            if (oldest == null || r.freedAt - oldest.freedAt < 0) oldest = r;
        }
        byAddress.remove(oldest.address);
        bytes -= oldest.size;
        return new long[] {oldest.address, oldest.size};
    }
}
