package dev.hakmem.internal.registry;

import dev.hakmem.internal.os.Reservation;
import dev.hakmem.internal.small.Slab;

/**
 * Routes any address to its owner in O(1) without a lock: the registry of the reserved range.
 *
 * <p>The range is cut into 64 KiB pages. For each page, {@code pageKind} says what lives there:
 * {@link #NONE} (nothing handed out), {@link #LARGE} (a Large chunk), or {@code c + 1} for a slab or
 * span of small class {@code c}. So the free path of a Tiny or Mid block is a subtraction, a shift
 * and one byte load. {@code slabs[chunk][page]} holds the {@link Slab} (the out-of-band metadata) of
 * each small page; Mid spans cover 8 pages that all point at the same slab.
 *
 * <p>Memory ordering: entries are written with plain stores by the thread that carves a slab,
 * before any block of that slab is handed out; a block's address reaches any other thread only
 * through a happens-before edge the program creates (it has to publish the address somehow), so
 * plain loads see the entries. A racing lookup of an address nobody was given may see a stale
 * {@code NONE}, which correctly reports "not allocated".
 */
public final class ChunkRegistry {
    public static final int PAGE_SHIFT = 16;
    public static final byte NONE = 0;
    public static final byte LARGE = -1;
    private static final int PAGES_PER_CHUNK_SHIFT = Reservation.CHUNK_SHIFT - PAGE_SHIFT;
    private static final int PAGES_PER_CHUNK = 1 << PAGES_PER_CHUNK_SHIFT;

    private final long base;
    private final long size;
    private final byte[] pageKind;
    private final Slab[][] slabs;
    /** Checks on: per small chunk, one state byte per granule (see {@link #states}); else null. */
    private final byte[][] blockStates;

    public ChunkRegistry(long base, long size, boolean checks) {
        this.base = base;
        this.size = size;
        this.pageKind = new byte[(int) (size >>> PAGE_SHIFT)];
        this.slabs = new Slab[(int) (size >>> Reservation.CHUNK_SHIFT)][];
        this.blockStates = checks ? new byte[slabs.length][] : null;
    }

    public long base() { return base; }

    /** Whether {@code address} lies in the registered range. */
    public boolean contains(long address) {
        return Long.compareUnsigned(address - base, size) < 0;
    }

    /** The kind byte of the page holding {@code address}, or {@link #NONE} outside the range. */
    public int kindOf(long address) {
        return contains(address) ? kind(address) : NONE;
    }

    /** The kind byte of the page holding {@code address}, which must be {@link #contains contained}. */
    public int kind(long address) {
        return pageKind[(int) ((address - base) >>> PAGE_SHIFT)];
    }

    /** The slab holding {@code address} (contained, of a small kind), or null. */
    public Slab slab(long address) {
        long page = (address - base) >>> PAGE_SHIFT;
        Slab[] inChunk = slabs[(int) (page >>> PAGES_PER_CHUNK_SHIFT)];
        return inChunk == null ? null : inChunk[(int) page & (PAGES_PER_CHUNK - 1)];
    }

    /**
     * Checks on: the block-state bytes of the small chunk holding {@code address}, one per granule of
     * {@code 1 << granuleShift} bytes (16 for Tiny chunks, 256 for Mid chunks: every block of a class
     * starts on a granule of its tier, and no two blocks start in one granule). Index with
     * {@link #stateIndex}. Only the granule where a block starts is ever non-zero, so a state array
     * needs no knowledge of the class.
     */
    public byte[] states(long address) {
        return blockStates[(int) ((address - base) >>> Reservation.CHUNK_SHIFT)];
    }

    /** Index of {@code address}'s granule in its chunk's state array. */
    public static int stateIndex(long address, int granuleShift) {
        return (int) ((address & (Reservation.CHUNK_SIZE - 1)) >>> granuleShift);
    }

    /**
     * Registers {@code slab} over all the pages of its span; with checks on, makes sure the chunk has a
     * state array of granule {@code 1 << granuleShift} (a chunk serves one tier only).
     */
    public void registerSlab(Slab slab, long spanSize, int granuleShift) {
        long first = (slab.base() - base) >>> PAGE_SHIFT;
        int chunk = (int) (first >>> PAGES_PER_CHUNK_SHIFT);
        Slab[] inChunk = slabs[chunk];
        if (inChunk == null || (blockStates != null && blockStates[chunk] == null)) {
            synchronized (this) { // once per chunk
                inChunk = slabs[chunk];
                if (inChunk == null) slabs[chunk] = inChunk = new Slab[PAGES_PER_CHUNK];
                if (blockStates != null && blockStates[chunk] == null) {
                    blockStates[chunk] = new byte[(int) (Reservation.CHUNK_SIZE >>> granuleShift)];
                }
            }
        }
        int pages = (int) (spanSize >>> PAGE_SHIFT);
        for (int i = 0; i < pages; i++) {
            inChunk[(int) (first + i) & (PAGES_PER_CHUNK - 1)] = slab;
            pageKind[(int) first + i] = (byte) (slab.sizeClass() + 1);
        }
    }

    /**
     * Forgets the span at {@code spanBase}: its pages become {@link #NONE} and its block states are
     * cleared, so the span can later serve any class.
     */
    public void unregister(long spanBase, long spanSize) {
        long first = (spanBase - base) >>> PAGE_SHIFT;
        int chunk = (int) (first >>> PAGES_PER_CHUNK_SHIFT);
        Slab[] inChunk = slabs[chunk];
        byte[] states = blockStates == null ? null : blockStates[chunk];
        if (states != null) {
            int perByte = (int) (Reservation.CHUNK_SIZE / states.length); // granule size
            int from = (int) ((spanBase & (Reservation.CHUNK_SIZE - 1)) / perByte);
            java.util.Arrays.fill(states, from, from + (int) (spanSize / perByte), (byte) 0);
        }
        int pages = (int) (spanSize >>> PAGE_SHIFT);
        for (int i = 0; i < pages; i++) {
            pageKind[(int) first + i] = NONE;
            if (inChunk != null) inChunk[(int) (first + i) & (PAGES_PER_CHUNK - 1)] = null;
        }
    }

    /** Marks every page of a Large chunk, or clears them when {@code large} is false. */
    public void markLargeChunk(long chunk, boolean large) {
        int first = (int) ((chunk - base) >>> PAGE_SHIFT);
        for (int i = 0; i < PAGES_PER_CHUNK; i++) pageKind[first + i] = large ? LARGE : NONE;
    }
}
