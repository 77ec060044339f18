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
 * leaves the address here; the holder takes it when its cache next misses on a Large malloc (or it
 * flushes), after checking that the word is still remote. An entry whose word is not (the holder's own free of the block
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
    /**
     * Waiting blocks {@code [0, count)}, each its address (page-aligned) or'ed with its page count
     * (at most 1024, in the 12 bits a page address leaves 0); guarded by the lock.
     */
    private long[] entries = new long[16];
    private int count;
    /** Bytes of the waiting blocks; frees delivered so far; both guarded by the lock. */
    private long bytes, delivered;
    /**
     * {@code count} as last written under the lock: a release store there, read by the holder with a
     * plain load when its cache misses, so that an empty inbox costs no lock.
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
     * The holder's thread has ended (the reclaimer's call): the id has no holder from now on, so no
     * entry arrives any more and later frees take their blocks themselves. The waiting entries stay
     * for the caller to {@linkplain #take take}.
     */
    void detach() {
        lock();
        try {
            holder = null;
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
            entries[count++] = address | pages;
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
     * Removes up to {@code into.length} waiting entries, the latest first, into {@code into}; returns
     * how many. Called by the holder (a few at a time, as many as its cache can take, so that the rest
     * wait for its next misses instead of going through an arena's lock), or by the reclaimer once
     * {@link #detach detached}, or by the holder's flush, until none are left.
     */
    int take(long[] into) {
        lock();
        try {
            int n = Math.min(count, into.length);
            for (int i = 0; i < n; i++) {
                long e = entries[--count];
                into[i] = e;
                bytes -= (long) pagesOf(e) << LargeTier.PAGE_SHIFT;
            }
            pending = count;
            return n;
        } finally {
            unlock();
        }
    }

    /** The address of an entry. */
    static long addressOf(long entry) {
        return entry & -(1L << LargeTier.PAGE_SHIFT);
    }

    /** The page count of an entry. */
    static int pagesOf(long entry) {
        return (int) (entry & ((1L << LargeTier.PAGE_SHIFT) - 1));
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
