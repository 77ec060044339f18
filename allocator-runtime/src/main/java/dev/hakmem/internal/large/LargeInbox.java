package dev.hakmem.internal.large;

import dev.hakmem.internal.PaddedLock;
import java.util.Arrays;

/**
 * The inbox of one Large owner id ({@link LargeOwners}): addresses of blocks of that owner freed by
 * other threads, waiting for the thread whose {@link LargeCache} holds the id to take them.
 *
 * <p>Why an inbox: the holder frees its own blocks without an atomic instruction (a release store of
 * the run's state word, see {@link LargeChunk}), so no other thread may take one of them straight
 * into its own cache or an arena: a free racing with the holder's (a double free by two threads) could
 * then put one block in two places. Another thread's free only CASes the word from live to remote and
 * leaves the address here; the holder takes it when it next mallocs a Large block, after checking
 * that the word is still remote. An entry whose word is not (the holder's own free of the block
 * landed over the remote word) is the phantom of a racing double free: refused and counted.
 *
 * <p>Entries are addresses in an array, not links through the freed blocks or the page map: a
 * phantom's block may be handed out again while its entry waits, so nothing of the block may carry
 * the queue.
 *
 * <p>Thread safety: everything but {@link #pending} is guarded by this object's lock (it is a
 * {@link PaddedLock}: remote frees on several threads write here). {@code holder} changes under it:
 * set when a cache gets the id, cleared when its owner has ended; so a free that finds no holder
 * knows that no thread frees that owner's blocks without a CAS any more, and takes its block itself.
 */
final class LargeInbox extends PaddedLock {
    final int id;
    /** The cache that holds this id, or null; guarded by the lock. */
    private LargeCache holder;
    /** Waiting addresses {@code [0, count)}; guarded by the lock. */
    private long[] entries = new long[16];
    /** The array the holder drains while the lock is let go; swapped with {@code entries} under the lock. */
    private long[] spare = new long[16];
    private int count;
    /** Bytes of the waiting blocks; frees delivered so far; both guarded by the lock. */
    private long bytes, delivered;
    /**
     * {@code count} as last written under the lock: a release store there, read by the holder with a
     * plain load on its malloc path, so that an empty inbox costs no lock.
     */
    private volatile int pending;

    LargeInbox(int id) {
        this.id = id;
    }

    /** Makes {@code cache} the holder (the id was free: no holder, no entries). */
    void hold(LargeCache cache) {
        lock();
        try {
            holder = cache;
        } finally {
            unlock();
        }
    }

    /**
     * Leaves the address of a block of {@code pages} pages, whose state word this thread moved from
     * live to remote, for the holder. False, leaving nothing, when the id has no holder: the caller
     * then takes the block itself.
     */
    boolean deliver(long address, int pages) {
        lock();
        try {
            if (holder == null) return false;
            if (count == entries.length) entries = Arrays.copyOf(entries, count * 2);
            entries[count++] = address;
            bytes += (long) pages << LargeTier.PAGE_SHIFT;
            delivered++;
            pending = count;
            return true;
        } finally {
            unlock();
        }
    }

    /** Whether entries wait (a racy look, for the holder's malloc path). */
    boolean hasPending() {
        return pending != 0;
    }

    /**
     * Takes every waiting entry: {@link #taken()} holds them at {@code [0, n)}, n returned, until
     * the next call. Called by the holder only (or by the reclaimer with {@code detach}, once the
     * holder's thread has ended: the id then has no holder, and later frees take their blocks
     * themselves).
     */
    int takeAll(boolean detach) {
        lock();
        try {
            if (detach) holder = null;
            long[] full = entries;
            int n = count;
            entries = spare;
            spare = full;
            count = 0;
            bytes = 0;
            pending = 0;
            return n;
        } finally {
            unlock();
        }
    }

    /** The entries the last {@link #takeAll} took. */
    long[] taken() {
        return spare;
    }

    /** Bytes of the blocks waiting now (statistics). */
    long bytes() {
        lock();
        try {
            return bytes;
        } finally {
            unlock();
        }
    }

    /** Blocks waiting now (statistics: racy). */
    int blocks() {
        return pending;
    }

    /** Frees delivered here so far, refused ones included (statistics). */
    long delivered() {
        lock();
        try {
            return delivered;
        } finally {
            unlock();
        }
    }
}
