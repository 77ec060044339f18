package dev.hakmem.bench.peers;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The floor of the single-threaded workloads that free what they malloc: the least work an allocator
 * that reuses freed memory can do, with no checks, no statistics and no thread at all, so that the
 * gap between a real allocator and this peer is what the real allocator's bookkeeping costs, and
 * this peer's own score is what the workload's loop (its random numbers, its slot array, the bytes
 * it writes and checks) costs.
 *
 * <p>Unlike {@link BumpPeer}, which never reuses a byte and so walks into cold memory on every malloc
 * (on a slot loop it is slower than the allocators it should bound), this peer gives a freed block
 * back to the next malloc of its class, most recently freed first, as the best allocators do.
 *
 * <p>Design, as small as it goes: classes of 16-byte steps; one Java {@code long[]} stack of free
 * addresses per class; a 16-byte header in front of each block holding its class (one load at free,
 * next to the bytes the workloads touch); blocks carved from 64 MiB regions that are never given
 * back until {@link #close}. A malloc is a class computation and a pop; a free a header load and a
 * push. Nothing is validated: a double or foreign free corrupts this peer, which is why it is a
 * measurement, never an allocator to use. {@code malloc(0)} is a block of 16 bytes, as C's may be.
 * Blocks of more than {@value #MAX_BLOCK} bytes are carved the same way but never reused (free leaves
 * them until {@link #close}): the floor is for the workloads of small blocks.
 *
 * <p>One thread only ({@link #freesOnAnyThread} is false): the multithreaded workloads leave it out.
 */
final class FreeListPeer implements BenchAllocator {
    static final long MAX_BLOCK = 1 << 20;
    private static final long HEADER = 16;
    private static final long REGION = 64L << 20;
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private final Arena arena = Arena.ofShared();
    private final long[][] stacks = new long[(int) (MAX_BLOCK >>> 4) + 1][];
    private final int[] counts = new int[stacks.length];
    private final List<MemorySegment> regions = new ArrayList<>();
    private long cursor, end;

    @Override
    public long malloc(long size) {
        if (size < 1 || size > MAX_BLOCK) return mallocOdd(size);
        int c = (int) ((size + 15) >>> 4);
        int n = counts[c];
        if (n > 0) {
            counts[c] = n - 1;
            return stacks[c][n - 1];
        }
        return carve(c);
    }

    /**
     * A size of 0 (a block of the 16-byte class, as the class comment says, where class 0 would be a
     * block of no bytes whose address is the next block's header), or one above {@link #MAX_BLOCK}
     * (carved and never reused); a negative one throws.
     */
    private long mallocOdd(long size) {
        if (size < 0 || size > (long) Integer.MAX_VALUE << 4) throw new IllegalArgumentException("freelist: cannot malloc " + size + " bytes");
        return carve((int) Math.max(1, (size + 15) >>> 4));
    }

    private long carve(int c) {
        long need = HEADER + ((long) c << 4);
        if (end - cursor < need) {
            long bytes = Math.max(REGION, need);
            MemorySegment region = arena.allocate(bytes, 4096);
            regions.add(region);
            cursor = region.address();
            end = cursor + bytes;
        }
        ALL.set(ValueLayout.JAVA_INT, cursor, c);
        long p = cursor + HEADER;
        cursor += need;
        return p;
    }

    @Override
    public void free(long block) {
        int c = ALL.get(ValueLayout.JAVA_INT, block - HEADER);
        if (c >= counts.length) return; // a block above MAX_BLOCK: never reused
        int n = counts[c];
        long[] s = stacks[c];
        if (s == null || n == s.length) stacks[c] = s = s == null ? new long[64] : Arrays.copyOf(s, 2 * n);
        s[n] = block;
        counts[c] = n + 1;
    }

    @Override
    public long realloc(long block, long newSize) {
        long old = (long) ALL.get(ValueLayout.JAVA_INT, block - HEADER) << 4;
        long p = malloc(newSize);
        MemorySegment.copy(ALL, block, ALL, p, Math.min(old, newSize));
        free(block);
        return p;
    }

    @Override
    public boolean freesOnAnyThread() {
        return false;
    }

    @Override
    public String name() {
        return "freelist";
    }

    @Override
    public void close() {
        regions.clear();
        arena.close();
    }
}
