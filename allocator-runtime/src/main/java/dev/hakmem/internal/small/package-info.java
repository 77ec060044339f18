/**
 * The Tiny and Mid tiers: size classes, per-thread caches, lock-free central free lists and slab
 * carving.
 *
 * <p>Flow of a block: carved from a {@link dev.hakmem.internal.small.Slab} (an address computed from
 * the slab base, nothing written), handed out from a thread's {@link
 * dev.hakmem.internal.small.ClassCache}, freed into the freeing thread's cache, moved in batches to and
 * from the class's {@link dev.hakmem.internal.small.CentralFreeList} when caches overflow or run dry.
 *
 * <p>Invariant: every carved block of a class is at each moment in exactly one place: live (with the
 * user), in one thread cache, or in one batch of the central list. The tests check it by racing
 * producers and consumers and counting.
 */
package dev.hakmem.internal.small;
