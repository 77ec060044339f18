package dev.hakmem.internal.small;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The misuse checks' state of a Tiny or Mid block: one byte per block, out of band, in the state map
 * of its tier ({@link dev.hakmem.internal.registry.StateMap}), at the granule where the block starts;
 * the methods below take that byte's address. Every transition is one of them; who may make it, and
 * with which memory access, is the whole design (see also the package documentation):
 *
 * <pre>
 *   NEVER --malloc--&gt; LIVE --free by the slab's owner (plain)----------------------&gt; FREED
 *                         --free of a shared slab's block (CAS)-------------------&gt; FREED
 *                         --free by another thread (CAS)--&gt; REMOTE --accepted----&gt; FREED
 *   FREED --malloc--&gt; LIVE
 * </pre>
 *
 * <ul>
 *   <li>{@link #markLive}: a plain store, by the thread that just took the block out of a free list it
 *       alone holds (its cache). Whoever frees the block later got its address through a
 *       happens-before edge from that thread, so sees {@code LIVE}.</li>
 *   <li>{@link #freeOwned}: a plain load and a plain store, no atomic instruction. Made only by the
 *       live thread that owns the block's slab, on its own free. Every other writer of an owned
 *       block's state uses a CAS from {@code LIVE}, and the owner's own writes are ordered by its
 *       program, so the only interleaving a plain read-then-write can miss is a remote free that
 *       CASes {@code LIVE -> REMOTE} between the owner's load and store: a racing double free of one
 *       block by the owner and another thread. Both calls then return normally, the owner's cache
 *       holds the block, and a second entry for it (a "phantom") travels to the owner's inbox. The
 *       owner's store has overwritten {@code REMOTE}, so {@link #acceptOwned} refuses the phantom
 *       when it arrives: the double free is caught late, counted and reported, and the block is
 *       never handed out twice. (A slab a thread claimed may have free blocks in other threads'
 *       caches, which {@link #markLive} with a plain store when they hand them out; the owner's plain
 *       free of such a block can only meet that store if the block was freed twice and is already in
 *       use again, which no allocator can tell from a free of the new block.)</li>
 *   <li>{@link #freeShared}: an atomic CAS {@code LIVE -> FREED} for blocks of shared slabs (ended
 *       threads' slabs, those carved for virtual threads that found every stripe busy), which any
 *       thread may free: of two racing frees
 *       exactly one wins; the other throws at the call.</li>
 *   <li>{@link #freeRemote}: an atomic CAS {@code LIVE -> REMOTE} with volatile semantics, by a thread
 *       freeing a block another live thread owns: of racing remote frees exactly one wins, the others
 *       throw at the call; a remote free after the owner's free sees {@code FREED} and throws. The
 *       block then travels (outbox, inbox) to its owner.</li>
 *   <li>{@link #acceptOwned}: the owner, draining its inbox, turns {@code REMOTE} into {@code FREED}
 *       (plain: no other thread writes a {@code REMOTE} byte of a live owner's slab, since every CAS
 *       starts from {@code LIVE}) and refuses any entry whose block is not {@code REMOTE}: a
 *       phantom. Each {@code LIVE -> REMOTE} transition is consumed by exactly one acceptance, so of
 *       the entries for one block at most one is ever accepted per transition, whatever their order.
 *       The state is read with acquire semantics, after which the page's kind and owner are read:
 *       they are then those of the slab the remote freer was given the block from.</li>
 *   <li>{@link #acceptShared}: the same with a CAS, for entries that no live owner will drain (the
 *       owner has ended; its slabs have been made shared before its inbox was closed), so that
 *       racing acceptors, among them the ended owner's reclaimer, accept each transition once.</li>
 * </ul>
 * Plain accesses are single-byte loads and stores, so they never touch a neighbouring block's state.
 * Native memory has no byte-wide CAS in {@code java.lang.foreign}, so a CAS here is a CAS on the
 * aligned 4-byte word holding the byte, with the three other bytes as read: if any byte of the word
 * changed since (a neighbour's plain store included), the CAS fails and is retried with the new
 * word, so it never undoes a neighbour's change, and a neighbour's later plain store writes only its
 * own byte. Only the granule where a block starts is ever non-zero.
 */
public final class BlockState {
    public static final byte NEVER = 0, LIVE = 1, FREED = 2, REMOTE = 3;

    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    /**
     * Plain and acquire access to one state byte, through the layout's var handle itself rather than
     * {@code MemorySegment.get/set}: one inlining level fewer on the fast paths, which matters because
     * C2 inlines at most {@code MaxInlineLevel} (15) levels and the access's own checks take about 8 of
     * them below this call (see {@code SmallFront}'s class comment).
     */
    private static final VarHandle BYTE = ValueLayout.JAVA_BYTE.varHandle();
    private static final VarHandle WORD = ValueLayout.JAVA_INT.varHandle();
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private BlockState() {}

    // markLive, freeOwned and freeShared are public for dev.hakmem.spi.FrontSupport, whose generated
    // callers' state accesses must be as few call levels deep as the generic front's; the package is
    // not exported, so nothing outside the runtime reaches them.

    /** malloc: the block whose state is at {@code a}, just taken from a cache, is live (plain store). */
    public static void markLive(long a) {
        BYTE.set(ALL, a, LIVE);
    }

    /**
     * The owner's free: {@code LIVE -> FREED} with a plain load and store. Returns {@link #LIVE} on
     * success, else the refusing state (nothing written).
     */
    public static byte freeOwned(long a) {
        byte s = (byte) BYTE.get(ALL, a);
        if (s == LIVE) BYTE.set(ALL, a, FREED);
        return s;
    }

    /** A shared slab's block: {@code LIVE -> FREED} atomically; returns LIVE on success, else the refusing state. */
    public static byte freeShared(long a) {
        return cas(a, LIVE, FREED);
    }

    /** A block another thread owns: {@code LIVE -> REMOTE} atomically; returns LIVE on success, else the refusing state. */
    static byte freeRemote(long a) {
        return cas(a, LIVE, REMOTE);
    }

    /**
     * Whether the block is {@link #REMOTE}, read with acquire semantics: an acceptor reads this first,
     * then the page's kind and owner, which are then at least as new as the remote freer saw them.
     */
    static boolean isRemote(long a) {
        return read(a) == REMOTE;
    }

    /** The live owner accepts an inbox entry it has found {@link #isRemote}: {@code REMOTE -> FREED}, plain. */
    static void acceptOwned(long a) {
        BYTE.set(ALL, a, FREED);
    }

    /** An entry no live owner drains: true if this call turned the block from REMOTE into FREED. */
    static boolean acceptShared(long a) {
        return cas(a, REMOTE, FREED) == REMOTE;
    }

    /** The state, read with acquire semantics (for checks outside free, and diagnostics). */
    static byte read(long a) {
        return (byte) BYTE.getAcquire(ALL, a);
    }

    /**
     * {@code expected -> next} atomically, as a CAS (volatile semantics) of the aligned word holding the
     * byte; returns {@code expected} on success, else the byte found.
     */
    private static byte cas(long a, byte expected, byte next) {
        long word = a & ~3L;
        int shift = (LITTLE_ENDIAN ? (int) (a & 3) : 3 - (int) (a & 3)) << 3;
        while (true) {
            int current = (int) WORD.getVolatile(ALL, word);
            byte found = (byte) (current >>> shift);
            if (found != expected) return found;
            int replaced = (current & ~(0xFF << shift)) | ((next & 0xFF) << shift);
            if (WORD.compareAndSet(ALL, word, current, replaced)) return expected;
        }
    }
}
