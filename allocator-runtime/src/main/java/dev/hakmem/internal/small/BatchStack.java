package dev.hakmem.internal.small;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A lock-free stack of batches of free block addresses, each batch a node holding a
 * {@code long[]}: the transfer structure between threads. Used as a class's shared pool
 * ({@link CentralFreeList}) and as a thread's inbox of blocks freed by other threads
 * ({@link ThreadCache#inbox}).
 *
 * <p>Out of band: nothing is written into the blocks, so a stray user write into a freed block cannot
 * corrupt a list. One CAS moves a whole batch.
 *
 * <p>Memory-ordering contract:
 * <ul>
 *   <li>{@code head} is changed only by CAS or getAndSet (volatile). A node's fields are written
 *       before the CAS that publishes it (release), by the one thread that holds the node; a consumer reads them after its volatile
 *       read of the head (acquire), so the addresses in a popped batch, and everything the pushing
 *       thread did before pushing, are visible to the consumer.</li>
 *   <li>Any number of threads may push. A pop CASes the head from a node to its successor, which is
 *       ABA-safe only if the node it read cannot leave the stack and come back before the CAS: either
 *       nodes are never reused (new ones from {@link #push(long[], int)}: the garbage collector rules
 *       out ABA), or removals are serialised by the caller (the shared pool: {@link CentralFreeList}
 *       pops and takes its whole chain under one lock, so it may recycle nodes). Stacks consumed only
 *       by {@link #takeAll} (inboxes) recycle nodes with no lock ({@link Batch}).</li>
 *   <li>{@link #close} swaps in a sentinel: from then on every {@link #push} fails and the pusher
 *       keeps its blocks (it then gives them to another stack). So a block is never pushed onto a
 *       stack nobody will read again.</li>
 *   <li>The number of blocks on the stack is kept in the nodes, not in a shared counter: a node's
 *       {@code total} is its own count plus the {@code total} of the node it links to, set by the
 *       pusher before its CAS (so it is published with the node). The head's {@code total} is the
 *       stack's content, and a chain taken whole knows its size without being walked. Why: in
 *       xmalloc with two producer-consumer pairs, an atomic add per push and two walks of every
 *       taken chain (the counter's update and the owner's own count, a cache miss per node written by
 *       another thread) took a third of the profile (2026-12-03). {@link #blocks} reads the head's
 *       {@code total}, which may lag a concurrent change.</li>
 * </ul>
 * The head is padded on each side (JCTools style), because other threads CAS it while the owner of
 * an inbox works on its own cache fields nearby.
 */
public final class BatchStack extends BatchStackFields {
    @SuppressWarnings("unused") private long p10, p11, p12, p13, p14, p15, p16, p17;

    private static final VarHandle HEAD;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(BatchStackFields.class, "head", Batch.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * A batch: {@code blocks[0..count)}, then the rest of the chain. Nodes pushed with
     * {@link #push(long[], int)} are new and never change. Nodes pushed with {@link #push(Batch)} are
     * recycled ({@link CentralFreeList#recycleNode}): only onto stacks whose consumers take the whole
     * chain (inboxes) or pop one node at a time, one thread at a time (the shared pool, under its pop
     * lock), because reusing a node under concurrent popping CASes is the ABA hazard; their fields
     * are written before the pushing CAS and read after the taking one.
     */
    public static final class Batch {
        private final long[] blocks;
        private int count;
        private Batch next;
        /**
         * Blocks in this node and every node it links to, set with {@code next} (by the constructor,
         * or by the pusher before the publishing CAS), so it is read under the same contract as
         * {@code next}.
         */
        private long total;

        /**
         * Whether the node may be recycled ({@link CentralFreeList#recycleNode}): only nodes made for
         * that ({@link CentralFreeList#takeNode}), so the recycled population is bounded by what was
         * ever in flight at once. The one-off nodes of {@link #push(long[], int)} (an ended thread's
         * cache, a pressure release) are dropped when emptied: recycling them too would grow the
         * given-back stack with every such batch, when nobody takes nodes from it.
         */
        final boolean recyclable;

        public Batch(long[] blocks, int count, Batch next) {
            this(blocks, count, next, false);
        }

        Batch(long[] blocks, int count, Batch next, boolean recyclable) {
            this.blocks = blocks;
            this.count = count;
            this.next = next;
            this.total = count + total(next);
            this.recyclable = recyclable;
        }

        /** Links this node, held alone, onto {@code top} (the head it read), before the pushing CAS. */
        private void linkTo(Batch top) {
            next = top;
            total = count + total(top);
        }

        public long[] blocks() { return blocks; }

        public int count() { return count; }

        public Batch next() { return next; }

        /** For the thread that holds this node alone (filling a recycled one). */
        void setCount(int count) { this.count = count; }
    }

    static final Batch CLOSED = new Batch(new long[0], 0, null);

    /**
     * Pushes {@code blocks[0..count)}, taking ownership of the array (the caller must not use it
     * again), unless the stack is closed: then returns false and the caller still owns the blocks.
     */
    public boolean push(long[] blocks, int count) {
        Batch node = new Batch(blocks, count, null);
        Batch top;
        do {
            top = (Batch) HEAD.getVolatile(this);
            if (top == CLOSED) return false;
            node.linkTo(top);
        } while (!HEAD.compareAndSet(this, top, node));
        return true;
    }

    /**
     * Pushes {@code node} (its blocks and count set by the caller, who gives it up), unless the stack
     * is closed: then returns false and the caller keeps it. For stacks consumed only by
     * {@link #takeAll}/{@link #close} (inboxes): see {@link Batch}. ABA-safe with recycled nodes,
     * because a push links to the head it read and succeeds only if that is still the head.
     */
    public boolean push(Batch node) {
        Batch top;
        do {
            top = (Batch) HEAD.getVolatile(this);
            if (top == CLOSED) return false;
            node.linkTo(top); // after the CAS the node may be taken and reused at once: not touched again
        } while (!HEAD.compareAndSet(this, top, node));
        return true;
    }

    /**
     * Pops one batch into {@code dst} (which must hold the largest batch ever pushed) and returns its
     * size, or 0 when the stack is empty or closed.
     */
    public int pop(long[] dst) {
        Batch b = popBatch();
        if (b == null) return 0;
        System.arraycopy(b.blocks(), 0, dst, 0, b.count());
        return b.count();
    }

    /**
     * Pops one batch and returns it, or null when the stack is empty or closed. The winner of the
     * pop's CAS is the only thread that ever reads the node's array again, so it may recycle the
     * array once it has copied it out (never the node: see {@link Batch}).
     */
    Batch popBatch() {
        Batch b;
        while ((b = (Batch) HEAD.getVolatile(this)) != null && b != CLOSED) {
            if (HEAD.compareAndSet(this, b, b.next())) return b;
        }
        return null;
    }

    /** Empties the stack and returns its chain (null if empty or closed); the caller owns the blocks. */
    public Batch takeAll() {
        Batch all;
        do {
            all = (Batch) HEAD.getVolatile(this);
            if (all == null || all == CLOSED) return null;
        } while (!HEAD.compareAndSet(this, all, null));
        return all;
    }

    /** Closes the stack (later pushes fail) and returns what it held, like {@link #takeAll}. */
    public Batch close() {
        Batch all = (Batch) HEAD.getAndSet(this, CLOSED);
        return all == CLOSED ? null : all;
    }

    /**
     * Blocks on the stack, for statistics: the head's {@code total}. May lag concurrent pushes and pops,
     * or (when the head read is taken and its node recycled before its total is read) be off for a
     * moment; exact when the stack is quiet.
     */
    public long blocks() {
        Batch h = (Batch) HEAD.getVolatile(this);
        return h == CLOSED ? 0 : total(h);
    }

    /** The number of blocks in a chain (taken from a stack, or built with the constructor), without walking it. */
    public static long count(Batch chain) {
        return total(chain);
    }

    private static long total(Batch chain) {
        return chain == null ? 0 : chain.total;
    }
}

/**
 * Padding before the hot fields. {@code gapFill} takes the 4 bytes after the compressed object header,
 * which the JVM would otherwise give to {@code head} (it sat at offset 12, ahead of the padding).
 */
abstract class BatchStackPad {
    @SuppressWarnings("unused") private int gapFill;
    @SuppressWarnings("unused") private long p00, p01, p02, p03, p04, p05, p06, p07;
}

/** The fields of {@link BatchStack}, between its paddings. */
abstract class BatchStackFields extends BatchStackPad {
    /** Top of the stack, {@link BatchStack#CLOSED} once closed; CAS/getAndSet only. */
    @SuppressWarnings("unused") volatile BatchStack.Batch head;
}
