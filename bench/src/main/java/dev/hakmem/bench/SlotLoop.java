package dev.hakmem.bench;

import dev.hakmem.bench.peers.BenchAllocator;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The slot loop of {@code docs/WORKLOADS.md} that randomMixed, midGap and large share; each
 * workload is a subclass that fixes how a block is sized ({@link #size}) and marked.
 *
 * <p>One iteration of the loop:
 * <pre>
 *   x = xorshift32(x); idx = x % ws                      (unsigned)
 *   if slots[idx] != 0: check, free(slots[idx]), slots[idx] = 0
 *   else: [x = xorshift32(x) when the size comes from a second draw]
 *         sz = size(x); p = malloc(sz); p[0] = (byte) x; [p[sz - 1] = (byte) ~x]; slots[idx] = p
 * </pre>
 * randomMixed takes the size from the same draw as the slot; midGap and large from a second draw
 * (which advances the generator, so the next slot comes from the draw after it). large also marks the
 * last byte, which lies in the block's last page. Before every free, including those of
 * {@link #freeAll}, the marked bytes are compared with the values kept in on-heap arrays next to the
 * slot; a mismatch throws, so an allocator that hands out overlapping or short blocks cannot post a
 * number. The slot arrays are plain Java arrays, never allocated through the allocator under test.
 *
 * <p>The two switches are plain booleans copied into locals before the loop, so the loop the JIT
 * compiles for randomMixed does not pay for what only the other workloads need, and in a JMH fork
 * only one subclass exists, so {@link #size} is inlined.
 */
abstract class SlotLoop {
    /** hakmem's default seed; the untimed prefault uses {@code SEED + PREFAULT_SALT}. */
    static final int SEED = 1234567;
    static final int PREFAULT_SALT = 0xDEADBEEF;

    private final String workload;
    private final boolean sizeFromSecondDraw;
    private final boolean marksLastByte;

    private String peerName;
    private BenchAllocator allocator;
    private long[] slots;
    /** The byte written at p[0] of the block in the same slot. */
    private byte[] tags;
    /** The size of the block in the same slot; only when the last byte is marked. */
    private int[] sizes;

    SlotLoop(String workload, boolean sizeFromSecondDraw, boolean marksLastByte) {
        this.workload = workload;
        this.sizeFromSecondDraw = sizeFromSecondDraw;
        this.marksLastByte = marksLastByte;
    }

    /** The block size for the draw {@code r} (at least 1, or 2 when the last byte is marked). */
    abstract int size(int r);

    /**
     * Refuses a JMH op count other than {@code cycles}: {@code @OperationsPerInvocation} is a
     * compile-time constant, so another {@code cycles} needs a matching {@code -opi}.
     */
    static void checkOpsPerInvocation(String workload, BenchmarkParams params, int cycles) {
        if (params.getOpsPerInvocation() != cycles) {
            throw new IllegalArgumentException(workload + " counts cycles=" + cycles + " ops per invocation but JMH"
                    + " would count " + params.getOpsPerInvocation() + "; pass -opi " + cycles + " as well");
        }
    }

    /** Takes the allocator and makes {@code ws} empty slots. */
    final void start(String peer, BenchAllocator a, int ws, int cycles) {
        if (ws <= 0) throw new IllegalArgumentException("ws must be positive: " + ws);
        if (cycles <= 0) throw new IllegalArgumentException("cycles must be positive: " + cycles);
        peerName = peer;
        allocator = a;
        slots = new long[ws];
        tags = new byte[ws];
        sizes = marksLastByte ? new int[ws] : null;
    }

    /** Frees what an interrupted invocation left in the slots, then closes the allocator. */
    final void stop() {
        if (allocator == null) return;
        try {
            freeAll();
        } finally {
            allocator.close();
        }
    }

    /**
     * {@code iterations} iterations of the slot loop from {@code seed}. Returns a checksum of the
     * handles handed out so the work has an observable result.
     */
    final long loop(int iterations, int seed) {
        final BenchAllocator a = allocator;
        final long[] s = slots;
        final byte[] t = tags;
        final int[] z = sizes;
        final boolean second = sizeFromSecondDraw;
        final boolean last = marksLastByte;
        final int n = s.length;
        int x = seed;
        long checksum = 0;
        for (int i = 0; i < iterations; i++) {
            x = Xorshift32.next(x);
            int idx = Integer.remainderUnsigned(x, n);
            long p = s[idx];
            if (p != 0) {
                check(a, p, idx, t[idx], z);
                a.free(p);
                s[idx] = 0;
            } else {
                if (second) x = Xorshift32.next(x);
                int sz = size(x);
                p = a.malloc(sz);
                if (p == 0) throw new IllegalStateException(peerName + ": malloc(" + sz + ") returned 0");
                byte b = (byte) x;
                a.put(p, 0, b);
                if (last) {
                    a.put(p, sz - 1, (byte) ~b);
                    z[idx] = sz;
                }
                t[idx] = b;
                s[idx] = p;
                checksum += p;
            }
        }
        return checksum;
    }

    /** Frees (after checking) every occupied slot; the workloads time these frees but do not count them. */
    final long freeAll() {
        final long[] s = slots;
        long checksum = 0;
        for (int idx = 0; idx < s.length; idx++) {
            long p = s[idx];
            if (p != 0) {
                check(allocator, p, idx, tags[idx], sizes);
                allocator.free(p);
                s[idx] = 0;
                checksum ^= p;
            }
        }
        return checksum;
    }

    /** Blocks currently held in the slots. */
    final int occupied() {
        int n = 0;
        for (long p : slots) if (p != 0) n++;
        return n;
    }

    /** Throws unless block {@code p} in slot {@code idx} still holds its marks ({@code z}: the sizes, if the last byte is marked). */
    private void check(BenchAllocator a, long p, int idx, byte want, int[] z) {
        byte first = a.get(p, 0);
        if (first != want) throw mismatch(p, idx, 0, first, want);
        if (z != null) {
            int end = z[idx] - 1;
            byte got = a.get(p, end);
            if (got != (byte) ~want) throw mismatch(p, idx, end, got, (byte) ~want);
        }
    }

    private IllegalStateException mismatch(long p, int idx, int offset, byte read, byte wrote) {
        return new IllegalStateException(String.format(
                "%s: %s verification failed at slot %d, block 0x%x, offset %d: read %d, wrote %d",
                peerName, workload, idx, p, offset, read, wrote));
    }
}
