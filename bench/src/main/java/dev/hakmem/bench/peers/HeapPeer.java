package dev.hakmem.bench.peers;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * A heap {@code byte[]} per block: the garbage-collected reference point, what Java code does when it
 * does not manage memory at all. malloc is {@code new byte[size]} (zeroed, like every Java
 * allocation), free drops the table's reference and leaves the rest to the GC, whose work shows up in
 * the throughput of whatever runs after it. realloc is {@link Arrays#copyOf}.
 *
 * <p>Thread-safe as the handle table is; any thread may free.
 */
final class HeapPeer extends ObjectPeer<byte[]> {
    /** Element access with opaque mode, for {@link #putOpaque}/{@link #getOpaque}. */
    private static final VarHandle BYTES = MethodHandles.arrayElementVarHandle(byte[].class);

    HeapPeer() {
        super("heap");
    }

    @Override
    byte[] allocate(long size) {
        return new byte[intSize("heap", size)];
    }

    @Override
    void release(byte[] block) {
        // Nothing: the table no longer refers to it, so the GC may reclaim it.
    }

    @Override
    byte[] resize(byte[] block, long newSize) {
        return Arrays.copyOf(block, intSize("heap", newSize));
    }

    @Override
    public void put(long block, long offset, byte value) {
        blocks.get(block)[(int) offset] = value;
    }

    @Override
    public byte get(long block, long offset) {
        return blocks.get(block)[(int) offset];
    }

    @Override
    public void putOpaque(long block, long offset, byte value) {
        BYTES.setOpaque(blocks.get(block), (int) offset, value);
    }

    @Override
    public byte getOpaque(long block, long offset) {
        return (byte) BYTES.getOpaque(blocks.get(block), (int) offset);
    }

    @Override
    public void close() {
        // Nothing to release: live arrays go when the peer becomes unreachable.
    }
}
