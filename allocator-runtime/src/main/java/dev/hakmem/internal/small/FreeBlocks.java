package dev.hakmem.internal.small;

import java.util.Arrays;

/**
 * A growable list of free block addresses, {@code blocks[0..count)}, gathered on a slow path (an ended
 * thread's cache, a live one being emptied) before they are handed on. Not thread-safe.
 */
final class FreeBlocks {
    /** Above this many entries {@link #clear()} drops the array rather than keep it for reuse. */
    private static final int KEEP_AT_MOST = 4096;

    long[] blocks = new long[16];
    int count;

    /** Empties the list for reuse, keeping its array unless it grew past {@value #KEEP_AT_MOST} entries. */
    void clear() {
        count = 0;
        if (blocks.length > KEEP_AT_MOST) blocks = new long[16];
    }

    /** Appends {@code src[from..from+n)}. */
    void add(long[] src, int from, int n) {
        if (count + n > blocks.length) blocks = Arrays.copyOf(blocks, Math.max(2 * blocks.length, count + n));
        System.arraycopy(src, from, blocks, count, n);
        count += n;
    }
}
