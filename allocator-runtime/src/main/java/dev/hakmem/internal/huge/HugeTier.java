package dev.hakmem.internal.huge;

import dev.hakmem.Tier;
import dev.hakmem.internal.Errors;
import dev.hakmem.internal.RecentFrees;
import dev.hakmem.internal.jfr.AllocatorEvents;
import dev.hakmem.internal.jfr.MisuseKind;
import dev.hakmem.internal.os.MemoryBudget;
import dev.hakmem.internal.os.OsMemory;
import dev.hakmem.internal.os.RawMemory;
import dev.hakmem.internal.os.RefusedReleases;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The Huge tier (above 2 MiB, or alignments beyond what a Large chunk can serve): one private
 * anonymous mapping per block; on free the mapping is kept for reuse ({@link RetainedRanges}: best fit,
 * split and coalesced), up to the larger of {@code hugeRetainedBytes} and 4 times the live blocks'
 * bytes ({@link #retainLimit}) and for about a second unused ({@link #decay}), or else unmapped.
 *
 * <p>Live blocks sit in a {@link ConcurrentSkipListMap} from address to mapped size, so lookups do not
 * lock and an interior pointer can be named in the error. The cache of freed mappings and the memory
 * of recently freed addresses (to tell a double free from a foreign address) are guarded by this
 * object's monitor and by {@link RecentFrees}; both are bounded.
 *
 * <p>Close racing other calls (issue 14, item 6): {@link #close} sets {@code closed} under the monitor
 * and unmaps what is live or retained then; a mapping made by a call that was already past the
 * allocator's check is entered into the live set under the same monitor, so it is either unmapped by
 * close or, made after it, unmapped at once and refused with IllegalStateException: no mapping
 * survives a completed close. The allocator's own accesses to Huge blocks (realloc's copy) go through
 * {@link #memory()}, whose arena close ends first (see {@link dev.hakmem.internal.os.Reservation}).
 */
public final class HugeTier {
    /** The cap on kept bytes, in live blocks' bytes: see {@link #retainLimit}. */
    static final long LIVE_FACTOR = 4;

    private final MemoryBudget budget;
    private final ConcurrentSkipListMap<Long, Long> live = new ConcurrentSkipListMap<>();
    /** Freed mappings kept for reuse (guarded by this). */
    private final RetainedRanges retained;
    /**
     * Mappings the OS refused to unmap ({address, size}, guarded by this): still mapped, so still
     * charged and counted as mapped; unmapping is tried again by {@link #releaseRetained} and {@link #close}.
     */
    private final List<long[]> unreleased = new ArrayList<>();
    private long unreleasedBytes;
    private final RecentFrees recentlyFreed = new RecentFrees(1024);
    /** {@code hugeRetainedBytes}: 0 keeps nothing, else the least {@link #retainLimit} is. */
    private final long retainedFloor;
    /** Mapped bytes of the live blocks (guarded by this). */
    private long liveMapped;
    private long allocations, frees;
    /** Set by {@link #close} (guarded by this). */
    private boolean closed;
    /** The life of the allocator's accesses to Huge blocks: closed by {@link #close}. */
    private final Arena life = Arena.ofShared();
    private final MemorySegment memory = MemorySegment.NULL.reinterpret(Long.MAX_VALUE, life, null);
    /** The allocator's JFR sink: misuse, mappings made and unmapped. */
    private final AllocatorEvents events;

    /** @param events the allocator's JFR sink */
    public HugeTier(MemoryBudget budget, long retainedLimit, AllocatorEvents events) {
        this.budget = budget;
        this.retainedFloor = retainedLimit;
        this.retained = new RetainedRanges();
        this.events = events;
    }

    /** Maps a block of at least {@code size} bytes aligned to {@code alignment}; zeroed if asked. */
    public long allocate(String op, long size, long alignment, boolean zero) {
        long mapped = Math.max(OsMemory.PAGE_SIZE, pagesFor(size));
        if (mapped < size) throw Errors.tooLarge(op, size);
        long address;
        List<long[]> decayed;
        synchronized (this) { // reuse first: a range about to decay may still serve this block
            address = retained.take(mapped, Math.max(alignment, OsMemory.PAGE_SIZE));
            decayed = retained.decay(System.nanoTime());
        }
        unmapAll(decayed, "decay");
        if (address != 0) {
            if (zero) RawMemory.zero(RawMemory.ANYWHERE, address, mapped); // ours alone until entered below
        } else {
            budget.charge(size, mapped);
            OsMemory.Result r = OsMemory.map(mapped, Math.max(alignment, OsMemory.PAGE_SIZE));
            if (!r.ok()) {
                budget.release(mapped);
                throw new OutOfMemoryError(op + ": cannot allocate " + size + " bytes"
                        + (alignment > OsMemory.PAGE_SIZE ? " aligned to " + alignment : "") + ": the OS refused a mapping of "
                        + mapped + " bytes" + (alignment > OsMemory.PAGE_SIZE ? " (found in " + (mapped + alignment) + " bytes of address space)" : "")
                        + ": " + OsMemory.describe(r.errno()));
            }
            address = r.value();
            events.osRefill(Tier.HUGE, mapped, size, true);
        }
        synchronized (this) {
            if (!closed) {
                enterLive(address, mapped);
                allocations++;
                return address;
            }
        }
        unmap(address, mapped); // made while the allocator was being closed: nobody will have it
        throw Errors.closedDuringCall(op + "(" + size + ")");
    }

    /** Lock held, open: lists the block {@code [address, address + mapped)} as live. */
    private void enterLive(long address, long mapped) {
        live.put(address, mapped);
        liveMapped += mapped;
        recentlyFreed.remove(address);
    }

    /** {@code size} rounded up to whole pages (smaller than {@code size} if that overflows). */
    private static long pagesFor(long size) {
        return (size + OsMemory.PAGE_SIZE - 1) & -(long) OsMemory.PAGE_SIZE;
    }

    /**
     * realloc of the live block at {@code address} to {@code size} bytes, more than its mapping holds,
     * without copying it: the kernel moves or extends its mapping ({@link OsMemory#remap}), as glibc's
     * realloc does for its mapped chunks. Returns the block's (new) address, or 0 with nothing changed
     * when the memory limit, the OS or the block's making (a block cut from kept ranges of two mappings
     * cannot be remapped as one) refuse it; the caller then moves it by malloc, copy and free. While the
     * kernel works the block is out of the live set, so a racing free of it fails instead of unmapping it.
     */
    public long grow(long address, long size) {
        long mapped = pagesFor(size);
        Long old = live.get(address);
        if (old == null || mapped <= old || mapped < size) return 0;
        long extra = mapped - old;
        if (!budget.tryChargeOrReclaim(extra)) return 0; // the caller's malloc then tries with the full reclaimer
        synchronized (this) {
            if (closed || !live.remove(address, old)) {
                budget.release(extra);
                return 0;
            }
            liveMapped -= old;
        }
        OsMemory.Result r = OsMemory.remap(address, old, mapped);
        if (!r.ok()) budget.release(extra);
        long now = r.ok() ? r.value() : address, nowMapped = r.ok() ? mapped : old;
        synchronized (this) {
            if (!closed) {
                enterLive(now, nowMapped);
                if (now != address) recentlyFreed.add(address); // its old address: a free of it is named a double free
                if (!r.ok()) return 0;
                events.osRefill(Tier.HUGE, extra, size, false);
                return now;
            }
        }
        unmap(now, nowMapped); // closed meanwhile: nobody will have it
        throw Errors.closedDuringCall("realloc(" + Errors.hex(address) + ", " + size + ")");
    }

    /**
     * The allocator's view of Huge blocks, for copying out of them: a segment that starts at address 0
     * and throws IllegalStateException once {@link #close} has begun.
     */
    public MemorySegment memory() {
        return memory;
    }

    /** Retains (or unmaps) the block at {@code address}; throws if no Huge block starts there. */
    public void free(long address) {
        Long mapped;
        List<long[]> evicted;
        synchronized (this) {
            // Leaving the live set and entering the recently-freed set are one step under this monitor,
            // and a refused free is diagnosed under it too ({@link #unknown}): the loser of two racing
            // frees of one block finds it in one of the two sets, so it is named a double free.
            mapped = live.remove(address);
            if (mapped != null) {
                frees++;
                recentlyFreed.add(address);
                liveMapped -= mapped;
                evicted = retained.give(address, mapped, retainLimit(), System.nanoTime());
            } else {
                evicted = List.of();
            }
        }
        if (mapped == null) throw unknown("free", address);
        boolean kept = evicted.isEmpty() || evicted.get(evicted.size() - 1)[0] != address; // give lists the block itself last, if at all
        unmapAll(evicted, kept ? "retained limit" : "free");
    }

    /**
     * The most bytes kept for reuse now: none if {@code hugeRetainedBytes} is 0, else the larger of it
     * and {@link #LIVE_FACTOR} times the live blocks' bytes. Why in proportion to the live bytes: a
     * program that replaces blocks of random sizes reuses nearly every freed mapping only when about as
     * much as it holds live may be kept, since what is kept splits into pieces that fit only smaller
     * blocks. mimalloc-bench's malloc-large (8 live blocks of 5-25 MiB, one replaced per step, every page
     * written), 2026-12-06: with 64 MiB at most, 20% of its mallocs mapped fresh memory and faulted it in
     * page by page; with twice the live bytes 1%, with 3 times only the first few. In JMH, 2 forks a
     * factor: 9.4 and 8.5 k ops/s at 2, 19.9 and 22.3 k at 3, 31.1 and 30.0 k at 4, 27.6 and 28.2 k with
     * no limit (glibc and tcmalloc, which keep it all, 23.7 k and 19.0 k). The limit is a cap, not a
     * target: what is kept is only ever what was freed, about the live bytes in that run, and it goes
     * back to the OS after a second unused ({@link #decay}); when most blocks are freed, the cap falls
     * with the live bytes, to {@code hugeRetainedBytes}.
     */
    private long retainLimit() {
        return retainedFloor == 0 ? 0 : Math.max(retainedFloor, LIVE_FACTOR * liveMapped);
    }

    /**
     * Gives back the retained mappings unused for about a second ({@link RetainedRanges#DECAY_NANOS}):
     * run by the allocator's reaper every 50 ms, and by each Huge malloc.
     */
    public void decay() {
        List<long[]> decayed;
        synchronized (this) {
            decayed = retained.decay(System.nanoTime());
        }
        unmapAll(decayed, "decay");
    }

    /**
     * Unmaps {@code ranges} ({address, size}, listed nowhere any more), the bytes the OS took reported as
     * given back for {@code reason} (null: not reported; close reports for all tiers).
     */
    private void unmapAll(List<long[]> ranges, String reason) {
        if (ranges.isEmpty()) return;
        Object event = reason == null ? null : events.returning();
        long bytes = 0;
        for (long[] r : ranges) {
            if (unmap(r[0], r[1])) bytes += r[1];
        }
        events.returned(event, Tier.HUGE, bytes, reason);
    }

    /**
     * Unmaps a mapping this tier no longer lists and uncharges it; if the OS refuses, keeps it (charged)
     * among the {@code unreleased} ones, reports it and returns false. Never throws: it runs inside free.
     */
    private boolean unmap(long address, long mapped) {
        int rc = OsMemory.unmap(address, mapped);
        if (rc == 0) {
            budget.release(mapped);
            return true;
        }
        RefusedReleases.report("a freed Huge mapping stays mapped and charged; unmapping is tried again under memory pressure and at close",
                address, mapped, rc);
        synchronized (this) {
            unreleased.add(new long[] {address, mapped});
            unreleasedBytes += mapped;
        }
        return false;
    }

    /** Whether a Huge block starts at {@code address}. */
    public boolean isLive(long address) {
        return live.containsKey(address);
    }

    /** The mapped size of the live block at {@code address}. */
    public long usableSize(String op, long address) {
        Long mapped = live.get(address);
        if (mapped == null) throw unknown(op, address);
        return mapped;
    }

    public synchronized long allocations() { return allocations; }

    public synchronized long frees() { return frees; }

    public long liveBlocks() { return live.size(); }

    /** Mapped bytes of the live blocks: {@link #liveMapped}, which the tier keeps for its retain limit. */
    public synchronized long liveBytes() {
        return liveMapped;
    }

    public synchronized long cachedBytes() { return retained.bytes(); }

    /** Bytes resident in live and retained mappings. */
    public long residentBytes() {
        long sum = 0;
        for (Map.Entry<Long, Long> e : live.entrySet()) sum += Math.max(0, OsMemory.residentBytes(e.getKey(), e.getValue()));
        synchronized (this) {
            for (long[] r : retained.ranges()) sum += Math.max(0, OsMemory.residentBytes(r[0], r[1]));
            for (long[] r : unreleased) sum += Math.max(0, OsMemory.residentBytes(r[0], r[1]));
        }
        return sum;
    }

    /** Mapped bytes: live, retained, and those the OS refused to unmap. */
    public synchronized long mappedBytes() {
        return liveMapped + retained.bytes() + unreleasedBytes;
    }

    /** Unmaps the retained mappings, and tries again those the OS refused to unmap (memory pressure). */
    public void releaseRetained() {
        releaseRetained("memory pressure");
    }

    /** {@link #releaseRetained()}, reported as given back for {@code reason} (null: not reported; close reports for all tiers). */
    private void releaseRetained(String reason) {
        List<long[]> dropped;
        synchronized (this) {
            dropped = retained.clear();
            dropped.addAll(unreleased);
            unreleased.clear();
            unreleasedBytes = 0;
        }
        unmapAll(dropped, reason);
    }

    /**
     * Allocator close: ends the allocator's accesses to Huge blocks ({@link #memory()}), unmaps every
     * live and retained mapping, and refuses mappings made afterwards (see the class comment).
     */
    public synchronized void close() {
        if (closed) return;
        closed = true;
        life.close();
        List<Map.Entry<Long, Long>> all = new ArrayList<>(live.entrySet());
        live.clear();
        liveMapped = 0;
        for (Map.Entry<Long, Long> e : all) unmap(e.getKey(), e.getValue());
        releaseRetained(null); // and a last try for those the OS refused
    }

    private RuntimeException unknown(String op, long address) {
        boolean freed;
        synchronized (this) { // after a racing free's step from live to recently freed, never between
            if (closed) return Errors.closedDuringCall(op + "(" + Errors.hex(address) + ")");
            freed = recentlyFreed.contains(address);
        }
        if (freed) return events.misuse(Errors.doubleFree(op, address, Tier.HUGE + " block"), MisuseKind.ofFreedBlock(op), op, address, Tier.HUGE, -1, 0);
        Map.Entry<Long, Long> below = live.floorEntry(address);
        if (below != null && address < below.getKey() + below.getValue()) {
            return events.misuse(Errors.interior(op, address, below.getKey(), Tier.HUGE + " block (" + below.getValue() + " bytes)"),
                    MisuseKind.INTERIOR_POINTER, op, address, Tier.HUGE, -1, 0);
        }
        return events.misuse(Errors.notAllocated(op, address, "no block of this allocator lives at this address"),
                MisuseKind.NOT_ALLOCATED, op, address, null, -1, 0);
    }
}
