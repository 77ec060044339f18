package dev.hakmem.bench.peers;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * One {@link Arena#ofConfined() confined arena} per block, as Java code that needs a freeable
 * off-heap block does today without an allocator: malloc opens an arena and allocates {@code size}
 * bytes aligned to 16 from it (zeroed, as every arena allocation is), free closes the arena, realloc
 * opens a new one, copies and closes the old.
 *
 * <p>A confined arena can only be closed, and its memory only touched, by the thread that opened it,
 * so this peer {@linkplain #freesOnAnyThread() cannot free on another thread}: a cross-thread free
 * throws {@link WrongThreadException}. The runner leaves it out of the workloads that hand blocks over.
 *
 * <p>Each table entry is a small {@link Block} pair, since closing needs the arena and access needs
 * the segment: one extra young object per malloc, next to the arena's own several.
 */
final class ArenaPeer extends ObjectPeer<ArenaPeer.Block> {
    /** Byte access with a (segment, offset) coordinate, for the opaque mode. */
    private static final VarHandle BYTE = ValueLayout.JAVA_BYTE.varHandle();

    /** A block: the arena that owns it and its memory. */
    record Block(Arena arena, MemorySegment segment) {}

    ArenaPeer() {
        super("arena");
    }

    @Override
    Block allocate(long size) {
        Arena arena = Arena.ofConfined();
        return new Block(arena, arena.allocate(size, 16));
    }

    @Override
    void release(Block block) {
        block.arena().close();
    }

    @Override
    Block resize(Block block, long newSize) {
        Block bigger = allocate(newSize);
        MemorySegment.copy(block.segment(), 0, bigger.segment(), 0, Math.min(block.segment().byteSize(), newSize));
        release(block);
        return bigger;
    }

    @Override
    public boolean freesOnAnyThread() {
        return false;
    }

    @Override
    public void put(long block, long offset, byte value) {
        blocks.get(block).segment().set(ValueLayout.JAVA_BYTE, offset, value);
    }

    @Override
    public byte get(long block, long offset) {
        return blocks.get(block).segment().get(ValueLayout.JAVA_BYTE, offset);
    }

    @Override
    public void putOpaque(long block, long offset, byte value) {
        BYTE.setOpaque(blocks.get(block).segment(), offset, value);
    }

    @Override
    public byte getOpaque(long block, long offset) {
        return (byte) BYTE.getOpaque(blocks.get(block).segment(), offset);
    }

    @Override
    public void close() {
        // Nothing shared to release: each block's arena is closed by its free.
    }
}
