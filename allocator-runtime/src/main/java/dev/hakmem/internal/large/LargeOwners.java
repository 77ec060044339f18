package dev.hakmem.internal.large;

import java.util.Arrays;

/**
 * Owner ids of the Large tier: a small number per platform thread's {@link LargeCache}, written into
 * the state word of every block the thread mallocs ({@link LargeChunk#live}), and each id's
 * {@link LargeInbox}. The id is what lets the thread free its own blocks without an atomic
 * instruction and tells every other thread where to send them.
 *
 * <p>An id is taken when a cache first mallocs or frees a Large block and given back when its
 * thread has ended and the reclaimer has emptied the cache; the next cache may take it again. Blocks
 * still live with the old id (malloc'ed by the ended thread, still in use) then belong to the new
 * holder: its frees of them are an owner's, and other threads send them to its inbox. That is safe
 * because an id has at most one holder at a time, and the ended thread frees nothing any more.
 * When every id is taken ({@link LargeChunk#MAX_OWNER} threads hold a cache at once), a cache gets
 * none (0) and its blocks are freed with a CAS, as any thread's.
 *
 * <p>Thread safety: ids are taken and given back under this object's monitor (once per thread).
 * {@link #inbox} reads the table without it: an id is read from a state word (acquire) that its holder
 * wrote after taking the id, so the inbox it names is visible; inboxes are never removed.
 */
final class LargeOwners {
    /** Inboxes by id; index 0 (no owner) unused. Grown under the monitor, read without it. */
    private volatile LargeInbox[] inboxes = new LargeInbox[16];
    private final int maxOwner;
    /** The next id never taken; ids given back, a stack of {@code freeCount}. Under the monitor. */
    private int nextId = 1;
    private int[] freeIds = new int[16];
    private int freeCount;

    LargeOwners() {
        this(LargeChunk.MAX_OWNER);
    }

    /** A table of ids 1 .. {@code maxOwner} (tests use a small one). */
    LargeOwners(int maxOwner) {
        this.maxOwner = maxOwner;
    }

    /** Gives {@code cache} an id and its inbox; the id is 0 (none) when all are taken. */
    synchronized void register(LargeCache cache) {
        int id;
        if (freeCount > 0) {
            id = freeIds[--freeCount];
        } else if (nextId <= maxOwner) {
            id = nextId++;
        } else {
            cache.setOwner(0, null);
            return;
        }
        LargeInbox[] a = inboxes;
        if (id >= a.length) inboxes = a = Arrays.copyOf(a, Math.max(id + 1, a.length * 2));
        LargeInbox inbox = a[id];
        if (inbox == null) a[id] = inbox = new LargeInbox(id);
        inbox.hold(cache);
        cache.setOwner(id, inbox);
    }

    /** Gives back the id of a cache whose inbox was emptied and detached ({@link LargeInbox#detach}). */
    synchronized void release(int id) {
        if (freeCount == freeIds.length) freeIds = Arrays.copyOf(freeIds, freeCount * 2);
        freeIds[freeCount++] = id;
    }

    /** The inbox of {@code id} (an id read from a state word, so taken once). */
    LargeInbox inbox(int id) {
        return inboxes[id];
    }

    /** Blocks waiting in every inbox (statistics). */
    long waitingBlocks() {
        long n = 0;
        for (LargeInbox i : inboxes) if (i != null) n += i.blocks();
        return n;
    }

    /** Bytes waiting in every inbox (statistics). */
    long waitingBytes() {
        long n = 0;
        for (LargeInbox i : inboxes) if (i != null) n += i.bytes();
        return n;
    }

    /** Frees delivered to any inbox so far (statistics). */
    long delivered() {
        long n = 0;
        for (LargeInbox i : inboxes) if (i != null) n += i.delivered();
        return n;
    }
}
