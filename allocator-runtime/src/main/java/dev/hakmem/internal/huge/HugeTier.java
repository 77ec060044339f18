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
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The Huge tier (above 2 MiB, or alignments beyond what a Large chunk can serve): one private
 * anonymous mapping per block, unmapped on free unless the bounded cache keeps it.
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

    private final MemoryBudget budget;
    private final long retainedLimit;
    private final ConcurrentSkipListMap<Long, Long> live = new ConcurrentSkipListMap<>();
    private final List<long[]> retained = new ArrayList<>(); // {address, size}
    /**
     * Mappings the OS refused to unmap ({address, size}, guarded by this): still mapped, so still
     * charged and counted as mapped; unmapping is tried again by {@link #releaseRetained} and {@link #close}.
     */
    private final List<long[]> unreleased = new ArrayList<>();
    private long unreleasedBytes;
    private final RecentFrees recentlyFreed = new RecentFrees(1024);
    private long retainedBytes;
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
        this.retainedLimit = retainedLimit;
        this.events = events;
    }

    /** Maps a block of at least {@code size} bytes aligned to {@code alignment}; zeroed if asked. */
    public long allocate(String op, long size, long alignment, boolean zero) {
        long mapped = Math.max(OsMemory.PAGE_SIZE, (size + OsMemory.PAGE_SIZE - 1) & -(long) OsMemory.PAGE_SIZE);
        if (mapped < size) throw Errors.tooLarge(op, size);
        long address = takeRetained(mapped, alignment);
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
                live.put(address, mapped);
                allocations++;
                recentlyFreed.remove(address);
                return address;
            }
        }
        unmap(address, mapped); // made while the allocator was being closed: nobody will have it
        throw Errors.closedDuringCall(op + "(" + size + ")");
    }

    /**
     * The allocator's view of Huge blocks, for copying out of them: a segment that starts at address 0
     * and throws IllegalStateException once {@link #close} has begun.
     */
    public MemorySegment memory() {
        return memory;
    }

    /** Unmaps (or retains) the block at {@code address}; throws if no Huge block starts there. */
    public void free(long address) {
        Long mapped;
        synchronized (this) {
            // Leaving the live set and entering the recently-freed set are one step under this monitor,
            // and a refused free is diagnosed under it too ({@link #unknown}): the loser of two racing
            // frees of one block finds it in one of the two sets, so it is named a double free.
            mapped = live.remove(address);
            if (mapped != null) {
                frees++;
                recentlyFreed.add(address);
                if (retainedBytes + mapped <= retainedLimit) {
                    retained.add(new long[] {address, mapped});
                    retainedBytes += mapped;
                    return;
                }
            }
        }
        if (mapped == null) throw unknown("free", address);
        Object event = events.returning();
        unmap(address, mapped);
        events.returned(event, Tier.HUGE, mapped, "free");
    }

    /**
     * Unmaps a mapping this tier no longer lists and uncharges it; if the OS refuses, keeps it (charged)
     * among the {@code unreleased} ones and reports it. Never throws: it runs inside free.
     */
    private void unmap(long address, long mapped) {
        int rc = OsMemory.unmap(address, mapped);
        if (rc == 0) {
            budget.release(mapped);
            return;
        }
        RefusedReleases.report("a freed Huge mapping stays mapped and charged; unmapping is tried again under memory pressure and at close",
                address, mapped, rc);
        synchronized (this) {
            unreleased.add(new long[] {address, mapped});
            unreleasedBytes += mapped;
        }
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

    public long liveBytes() {
        long sum = 0;
        for (long s : live.values()) sum += s;
        return sum;
    }

    public synchronized long cachedBytes() { return retainedBytes; }

    /** Bytes resident in live and retained mappings. */
    public long residentBytes() {
        long sum = 0;
        for (Map.Entry<Long, Long> e : live.entrySet()) sum += Math.max(0, OsMemory.residentBytes(e.getKey(), e.getValue()));
        synchronized (this) {
            for (long[] r : retained) sum += Math.max(0, OsMemory.residentBytes(r[0], r[1]));
            for (long[] r : unreleased) sum += Math.max(0, OsMemory.residentBytes(r[0], r[1]));
        }
        return sum;
    }

    /** Mapped bytes: live, retained, and those the OS refused to unmap. */
    public synchronized long mappedBytes() {
        return liveBytes() + retainedBytes + unreleasedBytes;
    }

    /** Unmaps the retained mappings, and tries again those the OS refused to unmap (memory pressure). */
    public void releaseRetained() {
        releaseRetained("memory pressure");
    }

    /** {@link #releaseRetained()}, reported as given back for {@code reason} (null: not reported; close reports for all tiers). */
    private void releaseRetained(String reason) {
        Object event = reason == null ? null : events.returning();
        long before = mappedBytes();
        List<long[]> dropped;
        synchronized (this) {
            dropped = new ArrayList<>(retained);
            dropped.addAll(unreleased);
            retained.clear();
            unreleased.clear();
            retainedBytes = 0;
            unreleasedBytes = 0;
        }
        for (long[] r : dropped) unmap(r[0], r[1]);
        events.returned(event, Tier.HUGE, before - mappedBytes(), reason); // racy with other calls: only a report
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
        for (Map.Entry<Long, Long> e : all) unmap(e.getKey(), e.getValue());
        releaseRetained(null); // and a last try for those the OS refused
    }

    private synchronized long takeRetained(long mapped, long alignment) {
        for (Iterator<long[]> it = retained.iterator(); it.hasNext(); ) {
            long[] r = it.next();
            // Reuse a mapping of exactly the size needed (mappings are page-rounded).
            if (r[1] == mapped && (r[0] & (alignment - 1)) == 0) {
                it.remove();
                retainedBytes -= r[1];
                return r[0];
            }
        }
        return 0;
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
