package dev.hakmem.internal.large;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The Large chunk of each 4 MiB chunk slot of the reservation, or null: how a free on any thread
 * finds the arena that owns a block without a global lock.
 *
 * <p>Memory ordering: an arena publishes a chunk with a release store (under its own lock) before any
 * address in it is handed out, and clears the slot with a release store before the chunk goes back to
 * the reservation; lookups are acquire loads. A caller that has a live block's address (published to
 * it by the program) therefore sees the chunk that holds it. A lookup racing with a release sees the
 * old chunk or null; {@link LargeTier} re-checks the slot under the owning arena's lock.
 */
final class ChunkTable {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(LargeChunk[].class);

    private final long base;
    private final LargeChunk[] chunks;

    ChunkTable(long base, int slots) {
        this.base = base;
        this.chunks = new LargeChunk[slots];
    }

    /** The slot of the chunk holding {@code address}, or -1 outside the table. */
    int slotOf(long address) {
        long slot = (address - base) >>> LargeTier.CHUNK_SHIFT;
        return Long.compareUnsigned(slot, chunks.length) < 0 ? (int) slot : -1;
    }

    /** The chunk holding {@code address}, or null. */
    LargeChunk at(long address) {
        int slot = slotOf(address);
        return slot < 0 ? null : get(slot);
    }

    LargeChunk get(int slot) {
        return (LargeChunk) SLOT.getAcquire(chunks, slot);
    }

    /** The chunk a free run id (see {@link LargeChunk#id}) lies in. */
    LargeChunk ofRun(long id) {
        return get(LargeChunk.chunkIndexOf(id));
    }

    void set(int slot, LargeChunk chunk) {
        SLOT.setRelease(chunks, slot, chunk);
    }
}
