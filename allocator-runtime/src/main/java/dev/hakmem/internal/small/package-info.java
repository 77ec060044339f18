/**
 * The Tiny and Mid tiers: size classes, per-thread caches that own their slabs, lock-free inboxes for
 * remote frees, shared free lists and slab carving.
 *
 * <p>Flow of a block: carved from a {@link dev.hakmem.internal.small.Slab} (an address computed from
 * the slab base, nothing written) owned by one platform thread's
 * {@link dev.hakmem.internal.small.ThreadCache}, handed out from that cache's
 * {@link dev.hakmem.internal.small.ClassCache} (a LIFO array). Freed by the owner, it goes back onto
 * the owner's cache, and when that is full the cache's oldest batch goes to the owner's
 * {@link dev.hakmem.internal.small.Spill} (a reused array: no Java garbage per batch); freed by another
 * thread, it goes into that thread's outbox and, a batch at a time, into the owner's inbox (a
 * lock-free {@link dev.hakmem.internal.small.BatchStack}). The owner refills a dry cache from its
 * inbox, then its spill, then the shared side, and carves only when all are empty. The registry
 * records each slab's owner next to its class, so the free path tells local from remote with the
 * same single load. Only the owner hands out blocks of its slabs, so blocks of two platform threads
 * never share a cache line (no false sharing).
 *
 * <p>Shared slabs: virtual threads use a few shared stripes (see
 * {@link dev.hakmem.internal.small.ThreadCaches}) that carve shared slabs, and a thread that ends
 * leaves its slabs, blocks and inbox to the shared side
 * ({@link dev.hakmem.internal.small.SmallTier#abandon}). Free blocks of shared slabs travel in batches
 * through the class's {@link dev.hakmem.internal.small.CentralFreeList}, which every cache draws from
 * before taking new memory, so memory of ended threads is reused.
 *
 * <p>Invariant: every carved block of a class is at each moment in exactly one place: live (with the
 * user), in one thread cache, in one thread's spill, in one outbox, in one inbox batch, or in one batch
 * of the central list.
 * The tests check it by racing producers, consumers, releasers and closers and counting.
 *
 * <p>Counting: with stats on, each cache counts its allocations and frees per class in plain fields
 * that only its owner writes (read racily by {@code stats()}); with the allocation profile on
 * ({@link dev.hakmem.internal.small.ProfileCounters}), it also keeps a request histogram and, per
 * class, the run, burst, unpublished live count and peak next to them, so a profile costs a few plain
 * increments on the objects the fast paths already hold.
 */
package dev.hakmem.internal.small;
