package dev.hakmem.internal.registry;

import dev.hakmem.internal.RecentFrees;
import dev.hakmem.internal.os.OsMemory;
import dev.hakmem.internal.os.RawMemory;
import dev.hakmem.internal.os.RefusedReleases;
import dev.hakmem.internal.os.Reservation;
import dev.hakmem.internal.small.Slab;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;

/**
 * Routes any address to its owner in O(1) without a lock: the registry of the reserved range.
 *
 * <p>The range is cut into 64 KiB pages. For each page, one int ({@code pageInfo}) says what lives
 * there and who owns it. Its low byte is the kind: {@link #NONE} (nothing handed out), {@link #LARGE}
 * (a Large chunk), or {@code c + 1} for a slab or span of small class {@code c}. The upper 24 bits are
 * the owner: the id of the thread cache whose slab this is (see {@code ThreadCaches}), or 0 for a
 * shared slab. So the free path of a Tiny or Mid block learns its class and whether the freeing
 * thread owns it from a subtraction, a shift and one int load ({@link #infoOf}).
 * {@code slabs[chunk][page]} holds the {@link Slab} (the out-of-band metadata) of each small page;
 * Mid spans cover 8 pages that all point at the same slab.
 *
 * <p>The page table lives in native memory of its own, mapped read-write and zero-filled
 * ({@link OsMemory#map}): only the 4 KiB pages of it that entries are written to become resident
 * (one per 64 MiB of the range in use). As a Java {@code int[]} it was 4 MiB of Java heap for the
 * default 64 GiB of address space, every byte of it zeroed and resident from the start, before the
 * first malloc: a fixed cost of every allocator, about a third of the live bytes of the bench's
 * mstress. A load from it is a plain 4-byte load at {@code table + (((address - base) >>> 16) << 2)},
 * like the array's, without its bounds check. Like the state maps, it is unmapped only when the
 * registry is unreachable (a cleaner), and its pages are given back at {@link #close}: a call
 * racing with close reads zeros, never an unmapped page.
 *
 * <p>Memory ordering: entries are written with plain stores by the thread that registers a slab,
 * before any block of that slab is handed out; a block's address reaches any other thread only
 * through a happens-before edge the program creates (it has to publish the address somehow), so
 * plain loads see the kind. A racing lookup of an address nobody was given may see a stale
 * {@code NONE}, which correctly reports "not allocated". The owner part changes once more, when the
 * owning thread has ended ({@link #disown}, a CAS that keeps the kind): a reader may see the old
 * owner for a while, which only routes a free through the ended thread's closed inbox to the shared
 * lists (see {@code SmallTier}); it never changes where a block's class or memory is.
 */
public final class ChunkRegistry {
    public static final int PAGE_SHIFT = 16;
    public static final byte NONE = 0;
    public static final byte LARGE = -1;
    private static final int PAGES_PER_CHUNK_SHIFT = Reservation.CHUNK_SHIFT - PAGE_SHIFT;
    private static final int PAGES_PER_CHUNK = 1 << PAGES_PER_CHUNK_SHIFT;

    private final long base;
    private final long size;
    /** CAS and volatile access to a page table entry (aligned: the table is page-aligned). */
    private static final VarHandle INFO = ValueLayout.JAVA_INT.varHandle();
    /** Plain access to a page table entry: no alignment check to pay on the fast path. */
    private static final ValueLayout.OfInt PLAIN = ValueLayout.JAVA_INT_UNALIGNED;
    /**
     * {@link #PLAIN}'s var handle, through which every free reads its page's info ({@link #info}): one
     * inlining level fewer than {@code MemorySegment.get}, for the depth C2 inlines to (see
     * {@code SmallFront}'s class comment).
     */
    private static final VarHandle PLAIN_INFO = PLAIN.varHandle();
    private static final int OWNER_SHIFT = 8;
    /** An info no page has: kind {@link #NONE} with an owner (pages of no kind have owner 0). */
    public static final int NO_PAGE_INFO = 1 << OWNER_SHIFT;
    /** The largest owner id a page can record. */
    public static final int MAX_OWNER = (1 << (32 - OWNER_SHIFT)) - 1;

    /** Unmaps the state maps of registries nobody can reach any more. */
    private static final Cleaner CLEANER = Cleaner.create();

    /** Address of the page table: the int of page {@code i} of the range is at {@code pageInfo + 4 * i}. */
    private final long pageInfo;
    private final long pageInfoBytes;
    private final Slab[][] slabs;
    /** Checks on: the block states ({@link StateMap}); else null. */
    private final StateMap stateMap;
    /** Checks on: per chunk, the granule shift of its committed part of the state maps, or 0 (guarded by this). */
    private final byte[] stateShift;
    /** Unmaps the page table and the state maps: when this registry is unreachable, or at {@link #release}. */
    private final Cleaner.Cleanable unmap;
    /**
     * Bases of the small spans given back most recently (bounded), so that a later free of a block
     * that was in one is named a double free rather than a foreign address ({@link #wasReleasedSpan}).
     */
    private final RecentFrees releasedSpans = new RecentFrees(1024);

    public ChunkRegistry(long base, long size, boolean checks) {
        this.base = base;
        this.size = size;
        this.slabs = new Slab[(int) (size >>> Reservation.CHUNK_SHIFT)][];
        this.stateShift = checks ? new byte[slabs.length] : null;
        long tableBytes = Math.max(OsMemory.PAGE_SIZE, (size >>> PAGE_SHIFT) * Integer.BYTES);
        OsMemory.Result table = OsMemory.map(tableBytes, OsMemory.PAGE_SIZE);
        if (!table.ok()) {
            throw new OutOfMemoryError("could not map the " + tableBytes + "-byte page table of a " + size
                    + "-byte reservation: " + OsMemory.describe(table.errno()) + " (AllocatorConfig.addressSpace)");
        }
        StateMap states;
        try {
            states = checks ? new StateMap(base, size) : null;
        } catch (RuntimeException | Error e) {
            OsMemory.unmapOrReport(table.value(), tableBytes, UNREACHABLE);
            throw e;
        }
        this.pageInfo = table.value();
        this.pageInfoBytes = tableBytes;
        this.stateMap = states;
        this.unmap = CLEANER.register(this, new Unmap(pageInfo, tableBytes, states)); // holds the maps, not this
    }

    /** What becomes of a page table whose unmap the OS refuses (for the log). */
    private static final String UNREACHABLE = "the page table of an allocator no longer reachable stays mapped";

    /** The cleaner's action: unmaps the page table and the state maps (null with checks off). */
    private record Unmap(long table, long tableBytes, StateMap states) implements Runnable {
        @Override
        public void run() {
            OsMemory.unmapOrReport(table, tableBytes, UNREACHABLE);
            if (states != null) states.unmap();
        }
    }

    /** Address of the page table's entry for the page holding {@code address} (contained). */
    private long entry(long address) {
        return entryOfPage((address - base) >>> PAGE_SHIFT);
    }

    /** Address of the page table's entry of page number {@code page}. */
    private long entryOfPage(long page) {
        return RawMemory.inRange(pageInfo) + (page << 2);
    }

    private int info(long entryAddress) {
        return (int) PLAIN_INFO.get(RawMemory.ANYWHERE, entryAddress);
    }

    private void setInfo(long entryAddress, int info) {
        RawMemory.ANYWHERE.set(PLAIN, entryAddress, info);
    }

    /**
     * For a constructor that failed after making this registry, which nobody else has seen: unmaps the
     * page table and the state maps now (once: the cleaner will not run again).
     */
    public void release() {
        unmap.clean();
    }

    /** Checks on: the block states of the small chunks; null with checks off. */
    public StateMap stateMap() {
        return stateMap;
    }

    /**
     * The allocator is closed: gives the page table's and the state maps' memory back to the OS. Their address space is
     * unmapped only when this registry becomes unreachable (a cleaner), because the fast paths read
     * and write states without a lock: a call that races with close (outside the contract, but it
     * must not crash the JVM) finds zeroed pages, not an unmapped range.
     */
    public void close() {
        if (stateMap != null) stateMap.decommit();
        int rc = OsMemory.decommit(pageInfo, pageInfoBytes);
        if (rc != 0) RefusedReleases.report("the closed allocator's page table stays resident until it is unreachable", pageInfo, pageInfoBytes, rc);
    }

    public long base() { return base; }

    /** Whether {@code address} lies in the registered range. */
    public boolean contains(long address) {
        return Long.compareUnsigned(address - base, size) < 0;
    }

    /** The kind byte of the page holding {@code address}, or {@link #NONE} outside the range. */
    public int kindOf(long address) {
        return kindOfInfo(infoOf(address));
    }

    /** The kind byte of the page holding {@code address}, which must be {@link #contains contained}. */
    public int kind(long address) {
        return kindOfInfo(info(entry(address)));
    }

    /**
     * Kind and owner of the page holding {@code address} (0 outside the range), to be taken apart by
     * {@link #kindOfInfo} and {@link #ownerOfInfo}.
     */
    public int infoOf(long address) {
        return contains(address) ? info(entry(address)) : 0;
    }

    /** The kind part of a page's info: {@link #NONE}, {@link #LARGE} or a small class + 1. */
    public static int kindOfInfo(int info) {
        return (byte) info;
    }

    /** The owner part of a page's info: a thread cache id, or 0 for a shared slab. */
    public static int ownerOfInfo(int info) {
        return info >>> OWNER_SHIFT;
    }

    /** The slab holding {@code address} (contained, of a small kind), or null. */
    public Slab slab(long address) {
        long page = (address - base) >>> PAGE_SHIFT;
        Slab[] inChunk = slabs[(int) (page >>> PAGES_PER_CHUNK_SHIFT)];
        return inChunk == null ? null : inChunk[(int) page & (PAGES_PER_CHUNK - 1)];
    }

    /** Registers a shared slab (owner 0): see {@link #registerSlab(Slab, long, int, int)}. */
    public void registerSlab(Slab slab, long spanSize, int granuleShift) {
        registerSlab(slab, spanSize, granuleShift, 0);
    }

    /**
     * Registers {@code slab}, owned by thread cache {@code owner} (0: shared), over all the pages of
     * its span; with checks on, makes sure the chunk's part of the state map of granule
     * {@code 1 << granuleShift} is committed (a chunk serves one tier only).
     *
     * @throws IllegalArgumentException if {@code granuleShift} is not a state map's ({@link StateMap#requireShift}), changing nothing
     */
    public void registerSlab(Slab slab, long spanSize, int granuleShift, int owner) {
        StateMap.requireShift(granuleShift);
        releasedSpans.remove(slab.base());
        long first = (slab.base() - base) >>> PAGE_SHIFT;
        int chunk = (int) (first >>> PAGES_PER_CHUNK_SHIFT);
        Slab[] inChunk = slabs[chunk];
        if (inChunk == null || (stateMap != null && stateShift[chunk] == 0)) {
            synchronized (this) { // once per chunk
                inChunk = slabs[chunk];
                if (inChunk == null) slabs[chunk] = inChunk = new Slab[PAGES_PER_CHUNK];
                if (stateMap != null && stateShift[chunk] == 0) {
                    stateMap.commitChunk(chunk, granuleShift);
                    stateShift[chunk] = (byte) granuleShift;
                }
            }
        }
        int pages = (int) (spanSize >>> PAGE_SHIFT);
        for (int i = 0; i < pages; i++) {
            inChunk[(int) (first + i) & (PAGES_PER_CHUNK - 1)] = slab;
            setInfo(entryOfPage(first + i), smallInfo(slab.sizeClass(), owner));
        }
    }

    /**
     * Whether {@code address} lies in a small span of {@code spanSize} bytes (a power of two; spans
     * are aligned to their size) that was given back recently and not taken again since.
     */
    public boolean wasReleasedSpan(long address, long spanSize) {
        return releasedSpans.contains(address & -spanSize);
    }

    /**
     * Forgets the span at {@code spanBase}: its pages become {@link #NONE} and its block states are
     * cleared, so the span can later serve any class.
     */
    public void unregister(long spanBase, long spanSize) {
        releasedSpans.add(spanBase);
        long first = (spanBase - base) >>> PAGE_SHIFT;
        int chunk = (int) (first >>> PAGES_PER_CHUNK_SHIFT);
        Slab[] inChunk = slabs[chunk];
        if (stateMap != null) {
            int shift;
            synchronized (this) {
                shift = stateShift[chunk];
            }
            if (shift != 0) stateMap.clear(spanBase, spanSize, shift);
        }
        int pages = (int) (spanSize >>> PAGE_SHIFT);
        for (int i = 0; i < pages; i++) {
            setInfo(entryOfPage(first + i), NONE);
            if (inChunk != null) inChunk[(int) (first + i) & (PAGES_PER_CHUNK - 1)] = null;
        }
    }

    /** Marks every page of a Large chunk, or clears them when {@code large} is false. */
    public void markLargeChunk(long chunk, boolean large) {
        long first = (chunk - base) >>> PAGE_SHIFT;
        for (int i = 0; i < PAGES_PER_CHUNK; i++) setInfo(entryOfPage(first + i), large ? LARGE & 0xFF : NONE);
    }

    /**
     * The owner of {@code slab}'s span has ended: makes the span shared (owner 0), page by page with a
     * CAS from exactly "this class, owned by {@code owner}", so a page that has meanwhile been given
     * back and registered again is left alone.
     */
    public void disown(Slab slab, long spanSize, int owner) {
        changeOwner(slab, spanSize, owner, 0, 0);
    }

    /**
     * Makes the shared {@code slab} owned by thread cache {@code owner}: a CAS of its first page from
     * shared to owned decides between racing claimers; the winner then sets the other pages. Returns
     * whether this call won. Meanwhile a free reading a page not yet set sees the slab shared, which is
     * what it was.
     */
    public boolean claim(Slab slab, long spanSize, int owner) {
        if (!INFO.compareAndSet(RawMemory.ANYWHERE, entry(slab.base()), smallInfo(slab.sizeClass(), 0), smallInfo(slab.sizeClass(), owner))) return false;
        changeOwner(slab, spanSize, 0, owner, 1);
        return true;
    }

    /**
     * Whether {@code slab} is shared now: a volatile read of its first page, the page a
     * {@linkplain #claim claim} CASes first (so a claim that has happened before this read is seen).
     */
    public boolean isShared(Slab slab) {
        return (int) INFO.getVolatile(RawMemory.ANYWHERE, entry(slab.base())) == smallInfo(slab.sizeClass(), 0);
    }

    /** CASes the pages of {@code slab}'s span from page {@code fromPage} on, each from owner {@code from} to {@code to}. */
    private void changeOwner(Slab slab, long spanSize, int from, int to, int fromPage) {
        long first = (slab.base() - base) >>> PAGE_SHIFT;
        int expected = smallInfo(slab.sizeClass(), from), next = smallInfo(slab.sizeClass(), to);
        for (int i = fromPage; i < (int) (spanSize >>> PAGE_SHIFT); i++) INFO.compareAndSet(RawMemory.ANYWHERE, entryOfPage(first + i), expected, next);
    }

    /** The info of a page of small class {@code sizeClass} owned by {@code owner} (0: a shared slab). */
    public static int smallInfo(int sizeClass, int owner) {
        return (owner << OWNER_SHIFT) | (sizeClass + 1);
    }
}
