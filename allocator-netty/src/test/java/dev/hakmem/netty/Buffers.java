package dev.hakmem.netty;

import io.netty.buffer.ByteBuf;

/** What the tests share: a buffer without Netty's leak-detection wrapper, and a fill pattern. */
final class Buffers {
    private Buffers() {}

    /**
     * The buffer itself: Netty's sampling leak detector wraps one buffer in 128 (every one in
     * PARANOID mode) in a leak-aware buffer whose {@code unwrap()} is the allocator's buffer.
     */
    static ByteBuf unwrapLeakAware(ByteBuf buf) {
        return buf.getClass().getSimpleName().contains("LeakAware") ? buf.unwrap() : buf;
    }

    /** The byte the tests write at {@code index} of a buffer tagged {@code seed}. */
    static byte pattern(int seed, int index) {
        return (byte) (seed * 31 + index + (index >>> 8) * 7);
    }

    /** Writes {@code pattern(seed, i)} at every index in {@code [from, to)}. */
    static void fill(ByteBuf buf, int seed, int from, int to) {
        for (int i = from; i < to; i++) buf.setByte(i, pattern(seed, i));
    }

    /** The first index in {@code [from, to)} that does not hold its pattern byte, or -1. */
    static int firstMismatch(ByteBuf buf, int seed, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf.getByte(i) != pattern(seed, i)) return i;
        }
        return -1;
    }
}
