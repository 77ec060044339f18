package dev.hakmem.internal.small;

import java.util.Arrays;

/**
 * A growable list of free block addresses, {@code blocks[0..count)}, gathered on a slow path (an ended
 * thread's cache, a live one being emptied) before they are handed on. Not thread-safe.
 */
final class FreeBlocks {
    long[] blocks = new long[16];
    int count;

    /** Appends {@code src[from..from+n)}. */
    void add(long[] src, int from, int n) {
        if (count + n > blocks.length) blocks = Arrays.copyOf(blocks, Math.max(2 * blocks.length, count + n));
        System.arraycopy(src, from, blocks, count, n);
        count += n;
    }
}
