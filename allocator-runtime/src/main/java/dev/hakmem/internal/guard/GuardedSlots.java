package dev.hakmem.internal.guard;

import dev.hakmem.internal.Errors;
import dev.hakmem.internal.os.OsMemory;
import java.lang.foreign.Arena;
import java.util.ArrayDeque;

/**
 * The memory of sampled blocks: {@value #SLOTS} slots in one reservation, each {@value #MAX_BLOCK}
 * bytes of data pages followed by a guard page that is never accessible. A block is placed at the
 * end of its slot's data pages (its usable size rounded up to 16 bytes ends exactly at the guard
 * page), so the first byte written past it faults. Only the pages the block covers are made
 * read-write; the rest of the slot, and the whole slot once the block is freed, stay
 * {@code PROT_NONE} with their physical pages given back, so a use after free faults too.
 *
 * <p>Quarantine: freed slots are reused oldest first (a FIFO of free slots), so a freed block's
 * memory stays inaccessible until {@value #SLOTS} - 1 other samples have been taken, most often far
 * longer. When every slot holds a live block, a sample is skipped (the caller allocates normally).
 *
 * <p>A slot taken for a segment ({@code scoped}) also gets its own shared {@link Arena}, closed at
 * the free, so that the segment's accesses after the free throw {@link IllegalStateException} in Java
 * before they could reach the protected pages.
 *
 * <p>Thread safety: every method but {@link #contains} holds this object's monitor; sampled calls
 * are rare (one in the sampling rate) and each makes one or two system calls anyway.
 * {@link #contains} reads only final fields.
 */
final class GuardedSlots {
    static final int SLOTS = 1024;
    static final long PAGE = OsMemory.PAGE_SIZE;
    /** Largest block that is sampled; larger requests are never guarded. */
    static final long MAX_BLOCK = 64 * 1024;
    static final long SLOT_SIZE = MAX_BLOCK + PAGE;

    private final long base;
    /** Per slot: the live block's address, or 0 when the slot is free. */
    private final long[] block = new long[SLOTS];
    /** Per slot: the live block's usable bytes (its size rounded up to 16, at least 16). */
    private final long[] usable = new long[SLOTS];
    /** Per slot: the last block freed there (to tell a double free from a foreign address). */
    private final long[] lastFreed = new long[SLOTS];
    /** Per slot: the scope of a live segment's block, or null. */
    private final Arena[] scopes = new Arena[SLOTS];
    /** Free slots, least recently freed first. */
    private final ArrayDeque<Integer> free = new ArrayDeque<>(SLOTS);
    private long liveBlocks, sampled;
    private boolean closed;

    GuardedSlots() {
        OsMemory.Result r = OsMemory.reserve(SLOTS * SLOT_SIZE, PAGE);
        if (!r.ok()) {
            throw new OutOfMemoryError("guardSampling: cannot reserve " + SLOTS * SLOT_SIZE + " bytes of address space for guarded blocks: "
                    + OsMemory.describe(r.errno()));
        }
        this.base = r.value();
        for (int i = 0; i < SLOTS; i++) free.add(i);
    }

    /** Whether {@code address} lies in the guarded reservation (a sampled block or a slot of one). */
    boolean contains(long address) {
        return Long.compareUnsigned(address - base, (long) SLOTS * SLOT_SIZE) < 0;
    }

    /**
     * A block of {@code size} bytes aligned to {@code alignment} (16 to a page) ending at a guard page,
     * with its own scope if {@code scoped}; 0 if none can be given now (every slot live, the OS refused
     * the pages, or closed): the caller then allocates normally.
     */
    synchronized long allocate(long size, long alignment, boolean scoped) {
        if (closed || free.isEmpty() || size > MAX_BLOCK) return 0;
        int slot = free.peekFirst();
        long dataEnd = base + slot * SLOT_SIZE + MAX_BLOCK;
        long bytes = Math.max(16, (size + 15) & -16L);
        long p = (dataEnd - bytes) & -alignment;
        long pages = p & -PAGE;
        if (OsMemory.commit(pages, dataEnd - pages) != 0) return 0;
        free.pollFirst();
        block[slot] = p;
        usable[slot] = dataEnd - p;
        if (scoped) scopes[slot] = Arena.ofShared();
        liveBlocks++;
        sampled++;
        return p;
    }

    /** The scope of the live segment block at {@code address} (one {@link #allocate} made scoped). */
    synchronized Arena scopeOf(long address) {
        return scopes[slotOf(address)];
    }

    /** Usable bytes of the live block at {@code address}; throws, changing nothing, if none lives there. */
    synchronized long usableSize(String op, long address) {
        return usable[liveSlot(op, address)];
    }

    /**
     * Frees the block at {@code address}: closes its scope (its segment is unusable from here on),
     * gives its pages back and makes them inaccessible, and queues the slot last for reuse. Throws,
     * changing nothing, if no block lives there or its segment is in use by a native call.
     */
    synchronized void free(String op, long address) {
        int slot = liveSlot(op, address);
        Arena scope = scopes[slot];
        if (scope != null) scope.close(); // throws (and nothing changes) while a downcall holds the segment
        scopes[slot] = null;
        long dataEnd = base + slot * SLOT_SIZE + MAX_BLOCK;
        long pages = address & -PAGE;
        OsMemory.decommit(pages, dataEnd - pages);
        int rc = OsMemory.protectNone(pages, dataEnd - pages);
        block[slot] = 0;
        lastFreed[slot] = address;
        liveBlocks--;
        // A slot the OS would not protect again is never reused: its memory stays readable, so a use
        // after free there would go unseen and a reuse would hide it for good.
        if (rc == 0) free.addLast(slot);
    }

    /** Live sampled blocks. */
    synchronized long liveBlocks() {
        return liveBlocks;
    }

    /** Blocks sampled so far. */
    synchronized long sampledBlocks() {
        return sampled;
    }

    /** Closes the scopes of live segments and unmaps the reservation; later calls find it closed. */
    synchronized void close() {
        if (closed) return;
        closed = true;
        for (int i = 0; i < SLOTS; i++) {
            if (scopes[i] != null) {
                try {
                    scopes[i].close();
                } catch (IllegalStateException inUse) {
                    // a downcall still holds it: the reservation stays mapped rather than unmapped under it
                    return;
                }
                scopes[i] = null;
            }
        }
        OsMemory.unmapOrReport(base, SLOTS * SLOT_SIZE, "the guarded blocks' reservation stays mapped");
    }

    private int slotOf(long address) {
        return (int) ((address - base) / SLOT_SIZE);
    }

    private int liveSlot(String op, long address) {
        if (closed) throw new IllegalStateException(op + "(" + Errors.hex(address) + "): this allocator is closed");
        int slot = slotOf(address);
        if (block[slot] == address) return slot;
        if (block[slot] != 0 && address > block[slot]) {
            throw Errors.interior(op, address, block[slot], "sampled block of " + usable[slot] + " usable bytes");
        }
        if (lastFreed[slot] == address) throw Errors.doubleFree(op, address, "sampled (guarded) block");
        throw Errors.notAllocated(op, address, "no sampled block lives at this address");
    }
}
