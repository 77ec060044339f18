package dev.hakmem.internal.large;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The start addresses of Large runs the tier's page maps have recently forgotten (a freed block's run
 * coalesced into a neighbour, a chunk given back), so that a second free of such a block is still
 * named a double free rather than a foreign address. A freed run that keeps its own tags needs no
 * entry: its negative {@code runAt} already says "freed".
 *
 * <p>One ring of {@value #PER_ARENA} addresses per arena, overwritten oldest first. Concurrency: each
 * ring has one writer at a time (its arena's lock holder), which stores with release semantics;
 * {@link #contains} scans every ring with acquire loads and takes no lock, so it may be called with or
 * without any arena lock held. It is only called on error paths.
 */
final class FreedAddresses {
    static final int PER_ARENA = 1024;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[][] rings;
    private final int[] cursors;

    FreedAddresses(int arenas) {
        this.rings = new long[arenas][PER_ARENA];
        this.cursors = new int[arenas];
    }

    /** Remembers {@code address} in arena {@code arena}'s ring; the caller holds that arena's lock. */
    void add(int arena, long address) {
        int i = cursors[arena];
        SLOT.setRelease(rings[arena], i, address);
        cursors[arena] = (i + 1) & (PER_ARENA - 1);
    }

    /** Whether {@code address} (not 0) is among the addresses remembered by any arena. */
    boolean contains(long address) {
        for (long[] ring : rings) {
            for (int i = 0; i < ring.length; i++) {
                if ((long) SLOT.getAcquire(ring, i) == address) return true;
            }
        }
        return false;
    }
}
